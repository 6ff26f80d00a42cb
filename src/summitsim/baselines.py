"""What simple models predict for a negotiation (design-schema2.md section 11, ``baselines``).

Pure functions on numpy arrays: ``ideals`` and ``saliences`` are ``(2, K)`` (row j is side
j's principal; each salience row sums to 1), ``reservations`` and ``floors`` have length 2.
Utilities are the model's own linear additive ones (:func:`summitsim.rules.utility`), and a
principal accepts a framework when ``u_j >= r_j - EPS`` (:func:`summitsim.rules.approves`
without noise), so the baselines and the model judge frameworks alike.

The Pareto frontier of two linear additive utilities on ``[0, 1]^K`` is exact and piecewise
linear. Outside the segment between the two ideals on an issue both sides lose, so every
Pareto point lies in the box the ideals span; there, moving issue k from ``a_1k`` all the way
to ``a_2k`` costs side 1 ``c_k = w_1k |a_2k - a_1k|`` and gains side 2
``g_k = w_2k |a_2k - a_1k|``. Conceding the issues in the order of ``g_k / c_k``, highest
first, traces the frontier from side 1's ideal to side 2's (the fractional knapsack, as in
:func:`summitsim.rules.tradeoff_offer`): one linear piece per issue.

>>> ideals, saliences = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.8, 0.2], [0.2, 0.8]])
>>> nash_point(ideals, saliences, np.array([0.2, 0.2])).tolist()  # the logroll
[0.0, 1.0]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from summitsim import rules
from summitsim.scoring import OUTCOME_CLASSES


@dataclass(frozen=True)
class Baseline:
    """One baseline's prediction: its framework (None when it has none), the framework's value
    to each principal, whether each principal accepts it, and whether it predicts a summit."""

    name: str
    framework: np.ndarray | None
    utilities: tuple[float, float] | None
    accepted: tuple[bool, bool]
    predicts_summit: bool


def _preferences(ideals: np.ndarray, saliences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ideals = np.asarray(ideals, dtype=np.float64)
    saliences = np.asarray(saliences, dtype=np.float64)
    if ideals.ndim != 2 or ideals.shape[0] != 2 or saliences.shape != ideals.shape:
        raise ValueError(
            f"ideals and saliences must both be 2 x K, not {ideals.shape} and {saliences.shape}"
        )
    return ideals, saliences


def _pair(values: np.ndarray | Sequence[float], name: str) -> np.ndarray:
    pair = np.asarray(values, dtype=np.float64)
    if pair.shape != (2,):
        raise ValueError(f"{name} must hold one number per side (2), not shape {pair.shape}")
    return pair


def values_of(framework: np.ndarray, ideals: np.ndarray, saliences: np.ndarray) -> np.ndarray:
    """The framework's utility to each principal, ``u_j(x) = 1 - sum_k w_jk |x_k - a_jk|``."""
    return np.array([rules.utility(framework, ideals[j], saliences[j]) for j in range(2)])


def _baseline(
    name: str,
    framework: np.ndarray | None,
    ideals: np.ndarray,
    saliences: np.ndarray,
    reservations: np.ndarray,
    predicts_summit: bool | None = None,
) -> Baseline:
    if framework is None:
        return Baseline(name, None, None, (False, False), bool(predicts_summit))
    u = values_of(framework, ideals, saliences)
    accepted = (
        bool(rules.approves(u[0], 0.0, reservations[0])),
        bool(rules.approves(u[1], 0.0, reservations[1])),
    )
    if predicts_summit is None:
        predicts_summit = all(accepted)
    return Baseline(name, framework, (float(u[0]), float(u[1])), accepted, predicts_summit)


def compromise(ideals: np.ndarray, saliences: np.ndarray) -> np.ndarray:
    """The compromise model: issue by issue the salience-weighted mean of the two ideals,
    ``x_k = (w_1k a_1k + w_2k a_2k) / (w_1k + w_2k)``, and the plain mean when neither side
    weighs the issue (Achen 2006, "Evaluating political decision-making models", and
    Thomson et al. 2006, "The European Union Decides", Cambridge University Press: in the
    DEU studies this is hard to beat).

    >>> compromise(np.array([[0.0, 0.2], [1.0, 0.6]]), np.array([[0.5, 0.5], [0.9, 0.1]]))
    array([0.64285714, 0.26666667])
    """
    ideals, saliences = _preferences(ideals, saliences)
    weight = saliences.sum(axis=0)
    weighted = (saliences * ideals).sum(axis=0)
    plain = ideals.mean(axis=0)
    return np.where(weight > 0.0, weighted / np.where(weight > 0.0, weight, 1.0), plain)


def compromise_baseline(
    ideals: np.ndarray, saliences: np.ndarray, reservations: np.ndarray | Sequence[float]
) -> Baseline:
    """The compromise framework, its values, and whether each principal accepts it; it
    predicts a summit when both do."""
    ideals, saliences = _preferences(ideals, saliences)
    r = _pair(reservations, "reservations")
    return _baseline("compromise", compromise(ideals, saliences), ideals, saliences, r)


def frontier_vertices(ideals: np.ndarray, saliences: np.ndarray) -> list[np.ndarray]:
    """The vertices of the Pareto frontier, from side 1's best point to side 2's: vertex i
    has the first i issues of the ranking by ``g_k / c_k`` (highest first; ``c_k = 0``
    first; exact ties in file order) moved to side 2's ideal, the rest at side 1's. An issue
    neither side weighs (``c_k = g_k = 0``) sits at the mean of the ideals in every vertex.

    >>> [v.tolist() for v in frontier_vertices(np.array([[0.0, 0.0], [1.0, 1.0]]),
    ...                                        np.array([[0.8, 0.2], [0.2, 0.8]]))]
    [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    """
    ideals, saliences = _preferences(ideals, saliences)
    span = np.abs(ideals[1] - ideals[0])
    cost, gain = saliences[0] * span, saliences[1] * span
    start = ideals[0].copy()
    dead = (cost == 0.0) & (gain == 0.0)
    start[dead] = ideals.mean(axis=0)[dead]
    live = [k for k in range(span.size) if not dead[k]]
    with np.errstate(over="ignore"):  # a cost that is all but 0 ranks with the free issues
        ratio = {k: np.inf if cost[k] == 0.0 else gain[k] / cost[k] for k in live}
    order = sorted(live, key=lambda k: -ratio[k])  # sorted() is stable: ties in file order
    vertices = [start]
    for k in order:
        vertex = vertices[-1].copy()
        vertex[k] = ideals[1, k]
        vertices.append(vertex)
    return vertices


def _feasible_span(start: float, slope: float, least: float) -> tuple[float, float]:
    """The s in [0, 1] with ``start + s slope >= least - EPS``; empty as (1, 0)."""
    if slope == 0.0:
        return (0.0, 1.0) if start >= least - rules.EPS else (1.0, 0.0)
    bound = (least - rules.EPS - start) / slope
    return (max(0.0, bound), 1.0) if slope > 0.0 else (0.0, min(1.0, bound))


def nash_point(
    ideals: np.ndarray, saliences: np.ndarray, disagreement: np.ndarray | Sequence[float]
) -> np.ndarray | None:
    """The Nash bargaining solution: the framework on the Pareto frontier maximising
    ``(u_1 - d_1)(u_2 - d_2)`` among those with ``u_j >= d_j`` (Nash 1950, "The bargaining
    problem", Econometrica 18(2)); None when no framework gives both sides ``d_j``.

    On each linear piece of the frontier the product is a quadratic in the piece's
    parameter s, maximised in closed form over the feasible part of ``[0, 1]``; the best
    piece wins (the earlier one on an exact tie). Where every feasible product is 0 (the
    feasible set touches ``u_j = d_j``), the point with the larger total surplus is taken.
    """
    ideals, saliences = _preferences(ideals, saliences)
    d = _pair(disagreement, "disagreement")
    vertices = frontier_vertices(ideals, saliences)
    if len(vertices) == 1:  # identical ideals, or issues nobody weighs: one point
        start = vertices[0]
        feasible = all(values_of(start, ideals, saliences) >= d - rules.EPS)
        return start if feasible else None
    best: tuple[float, float] | None = None
    best_x: np.ndarray | None = None
    for before, after in itertools.pairwise(vertices):
        p, q = values_of(before, ideals, saliences), values_of(after, ideals, saliences)
        slope = q - p
        lo1, hi1 = _feasible_span(p[0], slope[0], d[0])
        lo2, hi2 = _feasible_span(p[1], slope[1], d[1])
        lo, hi = max(lo1, lo2), min(hi1, hi2)
        if lo > hi:
            continue
        candidates = [lo, hi]
        if slope[0] * slope[1] != 0.0:
            # d/ds (p1 - d1 + s D1)(p2 - d2 + s D2) = 0
            stationary = -(slope[0] * (p[1] - d[1]) + slope[1] * (p[0] - d[0])) / (
                2.0 * slope[0] * slope[1]
            )
            candidates.append(min(hi, max(lo, stationary)))
        for s in candidates:
            surplus = np.maximum(p + s * slope - d, 0.0)
            key = (float(surplus[0] * surplus[1]), float(surplus.sum()))
            if best is None or key > best:
                best = key
                if s >= 1.0:
                    best_x = after.copy()
                else:
                    moved = before != after  # the piece moves one issue
                    best_x = before.copy()
                    best_x[moved] = before[moved] + s * (after[moved] - before[moved])
    return best_x


def nash_baseline(
    ideals: np.ndarray, saliences: np.ndarray, reservations: np.ndarray | Sequence[float]
) -> Baseline:
    """The Nash bargaining solution with the reservations as disagreement point: a summit is
    predicted when one exists (both principals then accept it by construction)."""
    ideals, saliences = _preferences(ideals, saliences)
    r = _pair(reservations, "reservations")
    return _baseline("nash", nash_point(ideals, saliences, r), ideals, saliences, r)


def winset_overlap(
    ideals: np.ndarray, saliences: np.ndarray, floors: np.ndarray | Sequence[float]
) -> np.ndarray | None:
    """A framework worth at least both negotiators' floors ``f_j`` (the two win-sets overlap:
    Putnam 1988, "Diplomacy and domestic politics", International Organization 42(3)), or
    None when there is none. The witness is the Nash point with the floors as disagreement.
    """
    return nash_point(ideals, saliences, _pair(floors, "floors"))


def winset_baseline(
    ideals: np.ndarray,
    saliences: np.ndarray,
    reservations: np.ndarray | Sequence[float],
    floors: np.ndarray | Sequence[float],
) -> Baseline:
    """The win-set overlap rule: a summit is predicted exactly when a framework worth both
    floors exists; the witness is judged by the principals against their reservations."""
    ideals, saliences = _preferences(ideals, saliences)
    r = _pair(reservations, "reservations")
    witness = winset_overlap(ideals, saliences, floors)
    return _baseline("winset", witness, ideals, saliences, r, predicts_summit=witness is not None)


def base_rate(observed: Sequence[str]) -> dict[str, float]:
    """The share of each outcome class among observed cases (in the order of
    :data:`summitsim.scoring.OUTCOME_CLASSES`; classes never observed get 0): the forecast
    of a model that knows only how such summits usually end.

    >>> base_rate(["deal", "not_held", "not_held", "no_deal"])
    {'deal': 0.25, 'no_deal': 0.25, 'not_held': 0.5}
    """
    if not observed:
        raise ValueError("no observed outcomes to take a base rate from")
    unknown = sorted(set(observed) - set(OUTCOME_CLASSES))
    if unknown:
        raise ValueError(f"unknown outcome class {unknown[0]!r}: allowed are {OUTCOME_CLASSES}")
    return {name: observed.count(name) / len(observed) for name in OUTCOME_CLASSES}
