"""The equations of the model (design.md section 2, design-schema2.md sections 1-8), each
once, as small numba functions.

Positions are points ``x`` in ``[0, 1]^K``; ``ideal`` and ``salience`` are float64 arrays of
length ``K`` (salience normalised to sum 1). Both drivers, the Mesa model (``model.py``,
``agents.py``) and the Monte Carlo kernel (``kernel.py``), call these functions and nothing
else computes them.

Example: the published Faratin et al. (1998) polynomial tactic with initial constant
``kappa = 0.1`` and ``beta = 2`` at half time.

>>> round(concession_share(1, 3, 0.1, 2.0), 6)
0.736396
"""

from __future__ import annotations

import numpy as np
from numba import njit

from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Tolerance of every comparison (design.md, "Ties").
EPS = 1e-9
#: A distance at or below this counts as zero: the offer is then the point proposed toward.
ZERO_DISTANCE = 1e-12


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def utility(x: np.ndarray, ideal: np.ndarray, salience: np.ndarray) -> float:
    """Linear additive utility ``u(x) = 1 - sum_k w_k |x_k - a_k|``, in ``[0, 1]``.

    >>> import numpy as np
    >>> float(utility(np.array([0.5, 1.0]), np.array([0.0, 1.0]), np.array([0.4, 0.6])))
    0.8
    """
    return 1.0 - distance(x, ideal, salience)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def distance(y: np.ndarray, ideal: np.ndarray, salience: np.ndarray) -> float:
    """Weighted distance ``D = sum_k w_k |y_k - a_k|`` of a point from an ideal, in ``[0, 1]``."""
    total = 0.0
    for k in range(y.shape[0]):
        total += salience[k] * abs(y[k] - ideal[k])
    return total


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def floor(reservation: float, hawkishness: float) -> float:
    """The negotiator's floor ``f = r + h (1 - r)``: the reservation value it was given made
    harder by agency slack ``h`` in ``[0, 1]``; ``f`` in ``[r, 1]``.

    Under schema 2 the reservation passed here is the principal's *mandate* ``m``, the
    reservation it tells its negotiator (design-schema2.md section 4: ``f = m + h (1 - m)``,
    the same formula; Putnam 1988, "Diplomacy and domestic politics", International
    Organization 42(3)); the principal still approves against its true ``r``. The mandate
    defaults to the reservation, so schema 1 passes ``r`` as before.

    >>> floor(0.4, 0.5)
    0.7
    >>> floor(0.3, 0.0)  # a mandate of 0.3 held by a faithful negotiator
    0.3
    """
    return reservation + hawkishness * (1.0 - reservation)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def concession_share(contact: int, contacts: int, softness: float, concession: float) -> float:
    """Share of the concession range given up at contact ``t`` of ``T`` (Faratin's alpha):
    ``alpha(t) = s + (1 - s) (t / (T - 1))^(1 / beta)``, and ``alpha = 1`` when ``T = 1``.

    ``softness`` s in [0, 1] is the share already given up in the opening demand;
    ``concession`` beta > 0 is the tactic (< 1 Boulware, 1 linear, > 1 Conceder).
    """
    return concession_share_at(contacts_elapsed(contact, contacts), softness, concession)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def contacts_elapsed(contact: int, contacts: int) -> float:
    """Elapsed time on the ``contacts`` clock: ``e = t / (T - 1)`` at contact ``t`` of ``T``
    held contacts, 1 when ``T = 1`` (design.md section 2; design-schema2.md section 1).

    The last contact gives exactly 1 and the first exactly 0, so :func:`concession_share_at`
    returns its exact ends there: schema 1's shares are computed with the same
    floating-point operations, in the same order, as before the calendar clock existed.

    >>> contacts_elapsed(1, 5), contacts_elapsed(4, 5), contacts_elapsed(0, 1)
    (0.25, 1.0, 1.0)
    """
    if contact >= contacts - 1:
        return 1.0  # the last contact (or the only one) reaches the floor
    if contact == 0:
        return 0.0
    return contact / (contacts - 1.0)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def calendar_elapsed(days_since_start: int, days_to_summit: int) -> float:
    """Elapsed time on the ``calendar`` clock: ``e(d) = (d - start) / (summit - start)``,
    counted in whole days; ``e`` is in ``[0, 1)`` before the summit and 1 on the summit day
    (design-schema2.md section 1; the real-time clock of Faratin, Sierra & Jennings 1998,
    "Negotiation decision functions for autonomous agents", Robotics and Autonomous
    Systems 24, where ``t / t_max`` is time, not a count of moves).

    ``days_since_start`` is ``d - start`` and ``days_to_summit`` is ``summit - start``; a
    summit on the start day (``days_to_summit <= 0``) has nothing left to wait for: ``e = 1``.

    >>> calendar_elapsed(0, 8), calendar_elapsed(6, 8), calendar_elapsed(8, 8)
    (0.0, 0.75, 1.0)
    """
    if days_since_start >= days_to_summit:
        return 1.0
    if days_since_start <= 0:
        return 0.0
    return days_since_start / float(days_to_summit)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def concession_share_at(elapsed: float, softness: float, concession: float) -> float:
    """Faratin's time-dependent share at elapsed time ``e`` in ``[0, 1]``:
    ``alpha = s + (1 - s) e^(1 / beta)``, with ``alpha = s`` at ``e = 0`` and ``alpha = 1``
    at ``e = 1`` (Faratin, Sierra & Jennings 1998, polynomial time-dependent
    tactic; design-schema2.md section 1).

    ``e`` comes from either clock: :func:`contacts_elapsed` or :func:`calendar_elapsed`.

    >>> concession_share_at(0.25, 0.2, 1.0), concession_share_at(1.0, 0.3, 0.5)
    (0.4, 1.0)
    """
    if elapsed >= 1.0:
        return 1.0  # the floor, without paying for the power
    if elapsed <= 0.0:
        return softness  # 0 ** (1 / beta) = 0, without paying for the power
    # float ** float is typed Any; a typed local, not a cast, which numba would compile
    share: float = softness + (1.0 - softness) * elapsed ** (1.0 / concession)
    return share


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def target(share: float, floor_value: float) -> float:
    """The utility a side aims at: ``tau = 1 - alpha (1 - f)``, from 1 (its ideal) down to
    its floor ``f`` as the share ``alpha`` of the range given up goes from 0 to 1.

    >>> target(0.5, 0.6)
    0.8
    """
    return 1.0 - share * (1.0 - floor_value)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def aim(
    contact: int,
    contacts: int,
    softness: float,
    concession: float,
    reservation: float,
    hawkishness: float,
) -> float:
    """The target of a side at contact ``t`` of ``T``: ``tau_j(t) = 1 - alpha_j(t) (1 - f_j)``,
    with ``alpha_j(t)`` from :func:`concession_share` (Faratin, Sierra & Jennings 1998,
    polynomial time-dependent tactic; design.md section 2) and the floor ``f_j`` from
    :func:`floor` (the reservation made harder by hawkishness). Both drivers call this one
    function, so their targets agree to the last bit.

    >>> round(aim(1, 3, 0.2, 1.0, 0.4, 0.5), 12)  # alpha = 0.6, f = 0.7: 1 - 0.6 * 0.3
    0.82
    """
    share = concession_share(contact, contacts, softness, concession)
    return target(share, floor(reservation, hawkishness))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def offer(
    ideal: np.ndarray, salience: np.ndarray, toward: np.ndarray, aim: float, out: np.ndarray
) -> None:
    """Write into ``out`` the offer ``x = a + lambda (y - a)`` from the own ideal ``a`` toward
    the point ``y``, with ``lambda = min(1, (1 - tau) / D)`` and ``D`` the weighted distance
    of ``y`` from ``a`` (``lambda = 1`` when ``D <= 1e-12``). The offer is worth exactly
    ``tau`` to its author unless ``y`` itself is worth more.
    """
    gap = distance(toward, ideal, salience)
    step = 1.0
    if gap > ZERO_DISTANCE:
        step = min(1.0, (1.0 - aim) / gap)
    for k in range(ideal.shape[0]):
        out[k] = ideal[k] + step * (toward[k] - ideal[k])


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def accepts(value: float, noise: float, aim: float) -> bool:
    """A side accepts an offer worth ``value`` to its principal when ``u + e >= tau - EPS``."""
    return value + noise >= aim - EPS


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def approves(value: float, noise: float, reservation: float) -> bool:
    """A principal approves a framework when ``u + e >= r - EPS`` (else it vetoes the summit).

    The same inequality is the approvers' test (design-schema2.md section 7): an approver
    (a legislature, an ally) with reservation ``r_a`` approves when ``u_a(x) + e >= r_a - EPS``,
    so both principals and approvers call this one function. The framework must lie in every
    win-set (Putnam 1988; Tsebelis 2002, "Veto Players", Princeton University Press).
    """
    return value + noise >= reservation - EPS


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def cancels(value: float, noise: float, patience: float) -> bool:
    """A principal under review cancels when the other side's latest offer is worth
    ``u + e < q - EPS`` to it."""
    return value + noise < patience - EPS


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def trust_after_failure(trust: float, trust_loss: float, hawkishness: float) -> float:
    """Trust left in a negotiator after a failure its principal did not cause:
    ``trust - trust_loss (1 + h)``; a harder negotiator is blamed more.

    >>> trust_after_failure(1.0, 0.4, 0.25)
    0.5
    """
    return trust - trust_loss * (1.0 + hawkishness)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def blames(summit_held: bool, own_side_cancelled: bool, has_negotiator: bool) -> bool:
    """Whether a principal blames its negotiator once the talks are over: after any outcome
    but a summit, unless its own side cancelled (a failure it caused itself); a principal
    that negotiates for itself has no negotiator to blame (design.md section 2). A blamed
    negotiator loses trust by :func:`trust_after_failure` and may be :func:`sidelined`.

    >>> blames(False, False, True), blames(True, False, True), blames(False, True, True)
    (True, False, False)
    """
    return has_negotiator and not summit_held and not own_side_cancelled


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def sidelined(trust: float, sideline_below: float) -> bool:
    """A negotiator is sidelined when its principal's trust is strictly below the threshold."""
    return trust < sideline_below


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _tradeoff_key(believed: float, own: float) -> float:
    """Rank of an issue in the trade-off: ``v_k / w_k``, infinite when ``w_k = 0`` (an issue
    the author does not care about is conceded first, whatever the other side gains)."""
    if own == 0.0:
        return np.inf
    return believed / own


@njit(cache=True, inline="always", error_model="numpy")
def tradeoff_offer(
    own_ideal: np.ndarray,
    own_salience: np.ndarray,
    other_ideal: np.ndarray,
    believed_salience: np.ndarray,
    aim: float,
    out: np.ndarray,
) -> None:
    """Write into ``out`` the trade-off offer (design-schema2.md section 2): among packages
    worth ``tau`` to the author, the one the other side values most as the author reads it
    (Faratin, Sierra & Jennings 2002, "Using similarity criteria to make issue trade-offs in
    automated negotiations", Artificial Intelligence 142; Raiffa 1982, "The Art and Science
    of Negotiation": integrative bargaining, logrolling).

    With own ideal ``a``, own salience ``w``, the other's ideal ``b``, the believed salience
    ``v`` and the budget ``B = 1 - tau``: conceding issue k whole costs ``c_k = w_k |b_k -
    a_k|``. Rank the issues by ``v_k / w_k``, highest first (``w_k = 0`` first, exact ties
    in file order); walk the ranking: if ``c_k <= B`` (compared exactly) set ``x_k = b_k``
    and ``B -= c_k``, else move ``x_k`` from ``a_k`` toward ``b_k`` by ``B / w_k`` and stop;
    the rest stay at ``a_k``. If ``b`` itself is worth at least ``tau``, ``x = b``.

    The walk is the greedy solution of a fractional knapsack (value ``v_k |b_k - a_k|``,
    weight ``c_k``, capacity ``1 - tau``), which is optimal: no package worth ``tau`` to the
    author is worth more to the other side as the author reads it. The ranking does not
    depend on ``tau``.

    >>> import numpy as np
    >>> out = np.empty(2)
    >>> tradeoff_offer(np.zeros(2), np.array([0.8, 0.2]), np.ones(2),
    ...                np.array([0.2, 0.8]), 0.75, out)
    >>> [round(float(v), 12) for v in out]  # concede issue 1 whole, then 0.05 / 0.8 of issue 0
    [0.0625, 1.0]
    """
    order = np.empty(own_ideal.shape[0], dtype=np.int64)
    tradeoff_ranking(believed_salience, own_salience, order)
    tradeoff_walk(own_ideal, own_salience, other_ideal, order, aim, out)


@njit_no_runtime(cache=True, error_model="numpy")
def tradeoff_ranking(
    believed_salience: np.ndarray, own_salience: np.ndarray, order: np.ndarray
) -> None:
    """Write into ``order`` the issues in the trade-off's order (``v_k / w_k``, highest
    first, ``w_k = 0`` first, exact ties in file order): the ranking step of
    :func:`tradeoff_offer`, which depends on the saliences alone, so a driver that makes
    many offers with the same saliences computes it once (design-schema2.md section 2).

    >>> import numpy as np
    >>> order = np.empty(3, dtype=np.int64)
    >>> tradeoff_ranking(np.array([0.2, 0.8, 0.0]), np.array([0.8, 0.2, 0.0]), order)
    >>> order.tolist()  # w = 0 first, then 0.8 / 0.2 = 4, then 0.2 / 0.8
    [2, 1, 0]
    """
    # An insertion sort, stable: an issue moves ahead of another only on a strictly higher
    # key. K is a handful of issues, and the keys are computed as they are compared: no
    # scratch array to allocate per trial.
    for k in range(order.shape[0]):
        key = _tradeoff_key(believed_salience[k], own_salience[k])
        place = k
        while place > 0:
            ahead = order[place - 1]
            if _tradeoff_key(believed_salience[ahead], own_salience[ahead]) >= key:
                break
            order[place] = ahead
            place -= 1
        order[place] = k


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def tradeoff_walk(
    own_ideal: np.ndarray,
    own_salience: np.ndarray,
    other_ideal: np.ndarray,
    order: np.ndarray,
    aim: float,
    out: np.ndarray,
) -> None:
    """:func:`tradeoff_offer` with the ranking given (``order`` from
    :func:`tradeoff_ranking`): the same operations in the same order, so the same offer to
    the last bit (tested).

    >>> import numpy as np
    >>> out, order = np.empty(2), np.array([1, 0])
    >>> tradeoff_walk(np.zeros(2), np.array([0.8, 0.2]), np.ones(2), order, 0.75, out)
    >>> [round(float(v), 12) for v in out]
    [0.0625, 1.0]
    """
    # One exit, no early return: numba can then prune more of the reference counts of the
    # arrays of the function this is inlined into (the kernel's offers).
    issues = own_ideal.shape[0]
    whole = utility(other_ideal, own_ideal, own_salience) >= aim
    for k in range(issues):
        out[k] = other_ideal[k] if whole else own_ideal[k]
    budget = 1.0 - aim
    for place in range(0 if whole else issues):
        k = order[place]
        gap = other_ideal[k] - own_ideal[k]
        cost = own_salience[k] * abs(gap)
        if cost <= budget:
            out[k] = other_ideal[k]
            budget -= cost
        else:
            if budget > 0.0:  # a partial move; cost > budget > 0 means w_k > 0
                step = min(budget / own_salience[k], abs(gap))
                out[k] = own_ideal[k] + step if gap > 0.0 else own_ideal[k] - step
            break


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def conceded_gain(value_now: float, value_then: float) -> float:
    """What the other side conceded to j since j last acted: ``Delta_j = max(0, u_j(y_now) -
    u_j(y_then))``, the gain to j's principal between the other side's latest offer now and
    then (design-schema2.md sections 3 and 13). A retreat counts as 0, not as a loss.

    >>> round(conceded_gain(0.7, 0.6), 12), conceded_gain(0.5, 0.6)
    (0.1, 0.0)
    """
    return max(0.0, value_now - value_then)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def reciprocal_target(
    time_aim: float, previous_aim: float, reciprocity: float, gain: float, floor_value: float
) -> float:
    """Target under reciprocity (design-schema2.md section 3):
    ``tau_j(t) = max(f_j, min(tau_time_j(t), tau_j(prev) - rho_j Delta_j))``.

    A side concedes a share ``rho`` of what the other side has just conceded to it, and never
    less than its time-dependent tactic would (Faratin, Sierra & Jennings 1998, imitative
    tactics: relative tit-for-tat, here in utility). ``previous_aim`` is 1 before the first
    contact. With ``rho = 0`` the time-dependent target comes back untouched, with no
    ``max(f, .)`` applied, so part 1's targets stay exact to the last bit (section 13).

    >>> round(reciprocal_target(0.9, 0.95, 0.5, 0.2, 0.4), 12)
    0.85
    >>> reciprocal_target(0.9, 0.95, 0.0, 0.2, 0.4)
    0.9
    """
    if reciprocity == 0.0:
        return time_aim
    return max(floor_value, min(time_aim, previous_aim - reciprocity * gain))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def attends(value: float, noise: float, meets_without_deal: float) -> bool:
    """A principal goes to a summit without an agreed framework when the other side's latest
    offer (its ideal if none) is worth ``u + e >= q^m - EPS`` to it (design-schema2.md
    section 6); ``q^m`` is its field ``meets_without_deal``. The inequality is that of
    :func:`accepts` with ``q^m`` in place of the target, so it is computed by that function.

    >>> attends(0.5, 0.0, 0.5), attends(0.4, 0.05, 0.5)
    (True, False)
    """
    return accepts(value, noise, meets_without_deal)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def pivotal_blame(outcome: int, counterfactual: int, summit: int) -> bool:
    """A principal blames its negotiator under ``pivotal`` blame when the negotiator's
    hawkishness was pivotal: the real outcome is not a summit and the same trial with
    ``h = 0`` for that negotiator alone is (design-schema2.md sections 8 and 13; but-for
    causation in the sense of Halpern & Pearl 2005, "Causes and explanations", BJPS 56, and
    blame as in Chockler & Halpern 2004, "Responsibility and blame", JAIR 22).

    Outcomes are the drivers' integer codes; ``summit`` is the code of a summit with a deal
    (``outcomes.Outcome.SUMMIT``), passed in so this module needs no driver.

    >>> pivotal_blame(1, 0, 0), pivotal_blame(1, 3, 0), pivotal_blame(0, 0, 0)
    (True, False, False)
    """
    return outcome != summit and counterfactual == summit
