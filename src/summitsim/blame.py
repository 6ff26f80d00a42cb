"""Who is blamed after a Monte Carlo trial, and whom the fall of trust sidelines
(design.md section 2; design-schema2.md section 8), for the kernel
(:func:`summitsim.kernel.negotiate`).

Under ``pivotal`` blame a principal blames its negotiator only when the negotiator's
hawkishness was pivotal: the same trial with ``h = 0`` for that negotiator alone ends in a
summit. That counterfactual is a second run of the talks, as dear as the first, so it is
made only where its answer can change what the trial reports:

* never after a summit (nobody is blamed) nor for a side without a negotiator;
* never when the negotiator's floor ``f = m + h (1 - m)`` is its mandate already (``h =
  0``): hawkishness enters the talks through that floor alone (:func:`summitsim.talks.talks2` takes
  the floors as arguments), so the counterfactual would be the trial itself;
* never when no contact is held: with no contact the talks read no floor;
* when counting outcomes (``full`` false), only where a fall of trust would sideline the
  negotiator: the sidelined columns are all that counting reports of blame.

``tests/test_blame.py`` checks these readings against re-running the talks for every
failed trial. The counterfactual re-uses the trial's :func:`moves.prepare` (the
trade-off's ranking, the concession shares): neither depends on hawkishness.
"""

from __future__ import annotations

import numpy as np

from summitsim import moves, rules
from summitsim.arrays import HAWKISHNESS, RESERVATION, SIDELINE_BELOW, TRUST, TRUST_LOSS
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime
from summitsim.moves import ProtocolTuple, floor_of, optional, scalar
from summitsim.outcomes import CANCELLED, SUMMIT
from summitsim.talks import talks2

key_numba_cache()  # before the first @njit: numba fixes its cache folder there


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def would_sideline(params: np.ndarray, issues: int, side: int) -> bool:
    """Whether blame would sideline side ``side``'s negotiator."""
    trust = rules.trust_after_failure(
        scalar(params, side, issues, TRUST),
        scalar(params, side, issues, TRUST_LOSS),
        scalar(params, side, issues, HAWKISHNESS),
    )
    return rules.sidelined(trust, scalar(params, side, issues, SIDELINE_BELOW))


@njit_no_runtime(cache=True, error_model="numpy")
def sidelining(params: np.ndarray, issues: int, blamed: int) -> int:
    """Bit mask of the blamed negotiators whom the fall of trust sidelines; who is blamed
    is :func:`rules.blames` (always) or :func:`rules.pivotal_blame` (pivotal)."""
    mask = 0
    for j in range(2):
        if (blamed >> j) & 1 and would_sideline(params, issues, j):
            mask |= 1 << j
    return mask


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def faithful_floor(params: np.ndarray, layout: np.ndarray, side: int, issues: int) -> float:
    """Side ``side``'s floor with ``h = 0`` and its mandate kept: the counterfactual's
    (design-schema2.md section 13), the same operations as :func:`moves.floor_of`."""
    mandate = optional(params, layout, moves.MANDATE + side)
    if np.isnan(mandate):
        mandate = scalar(params, side, issues, RESERVATION)
    return rules.floor(mandate, 0.0)


@njit_no_runtime(cache=True, error_model="numpy")
def talks_and_blame(
    params: np.ndarray,
    issues: int,
    first: int,
    reviewed: np.ndarray,
    has_negotiator: np.ndarray,
    key: np.uint64,
    given_noise: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
    protocol: ProtocolTuple,
    held: np.ndarray,
    full: bool,
    spare: np.ndarray,
    order: np.ndarray,
    shares: np.ndarray,
) -> tuple[int, int, int, int, bool, int, int]:
    """A schema 2 trial, its talks (:func:`summitsim.talks.talks2`) then its blame:
    ``(outcome, side, contact, sidelined, held, blamed, who)`` as
    :func:`summitsim.kernel.negotiate` returns them. ``spare`` (3 x K), ``order`` (2 x K,
    int64) and ``shares`` (2 x T) are scratch allocated once by the caller."""
    layout = protocol[2]
    settings = protocol[1]
    n_held = moves.prepare(params, issues, protocol, held, order, shares)
    floors = (floor_of(params, layout, 0, issues), floor_of(params, layout, 1, issues))
    f, s = first, 1 - first
    outcome, decider, contact, summit_held, who = talks2(
        params,
        issues,
        first,
        reviewed,
        key,
        given_noise,
        offers,
        framework,
        protocol,
        held,
        order,
        shares,
        n_held,
        floors[f],
        floors[s],
    )
    blamed = 0
    for j in range(2):
        if not has_negotiator[j]:
            continue
        if settings[moves.BLAME + j] == moves.ALWAYS:
            if rules.blames(outcome == SUMMIT, outcome == CANCELLED and decider == j, True):
                blamed |= 1 << j
            continue
        if outcome == SUMMIT or n_held == 0:
            continue
        faithful = faithful_floor(params, layout, j, issues)
        if faithful == floors[j]:
            continue  # h = 0: the counterfactual is the trial itself
        if not (full or would_sideline(params, issues, j)):
            continue
        floor_f = faithful if j == f else floors[f]
        floor_s = faithful if j == s else floors[s]
        counterfactual = talks2(
            params,
            issues,
            first,
            reviewed,
            key,
            given_noise,
            spare[:2],
            spare[2],
            protocol,
            held,
            order,
            shares,
            n_held,
            floor_f,
            floor_s,
        )[0]
        if rules.pivotal_blame(outcome, counterfactual, SUMMIT):
            blamed |= 1 << j
    return (
        outcome,
        decider,
        contact,
        sidelining(params, issues, blamed),
        summit_held,
        blamed,
        who,
    )
