"""Schema 2's protocol of one Monte Carlo trial (design-schema2.md sections 1-7): the talks
contact by contact, the approvers, the summit without a deal, for the kernel
(:func:`summitsim.kernel.negotiate`), built from the pieces in :mod:`summitsim.moves`;
the equations are in :mod:`summitsim.rules`.
"""

from __future__ import annotations

import numpy as np

from summitsim import draws, rules
from summitsim.arrays import PATIENCE, RESERVATION, noise_offset, side_offset
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime
from summitsim.moves import (
    APPROVERS,
    MEETS,
    NOISE_MODEL,
    PERCEPTION,
    RECIPROCITY,
    REVIEWS_FROM,
    SEGMENT,
    SLOTS,
    TACTIC,
    ProtocolTuple,
    ideal,
    noise,
    optional,
    propose,
    salience,
    scalar,
    value,
)
from summitsim.outcomes import CANCELLED, DEADLINE, NO_DEAL, SUMMIT, VETOED

key_numba_cache()  # before the first @njit: numba fixes its cache folder there


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def worth_to(params: np.ndarray, side: int, issues: int, offers: np.ndarray, row: int) -> float:
    """Value of the offer in row ``row`` of ``offers`` to side ``side``'s principal (see
    the note above :func:`_segment_from`)."""
    return value(params, side, issues, offers[row])


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def worth_to_framework(params: np.ndarray, side: int, issues: int, x: np.ndarray) -> float:
    """Value of position ``x`` to side ``side``'s principal (see the note above
    :func:`_segment_from`)."""
    return value(params, side, issues, x)


# The small functions here make talks2's array views, and numba inlines them into it
# (inline="always"): compiled without numba's runtime (summitsim.jit_options) a view counts
# no reference, and a call of its own would copy every array argument's fields (seven to
# nine words an array) on each of the dozen readings of a contact.


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _segment_from(
    params: np.ndarray, side: int, issues: int, offers: np.ndarray, aim: float
) -> None:
    """Side ``side``'s ``segment`` offer at target ``aim`` into row ``side`` of ``offers``,
    toward the other row (the other side's latest offer; :func:`rules.offer`)."""
    rules.offer(
        ideal(params, side, issues),
        salience(params, side, issues),
        offers[1 - side],
        aim,
        offers[side],
    )


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _tradeoff_from(
    params: np.ndarray, side: int, issues: int, offers: np.ndarray, order: np.ndarray, aim: float
) -> None:
    """Side ``side``'s ``tradeoff`` offer at target ``aim`` into row ``side`` of ``offers``,
    toward the other principal's true ideal, in the order of row ``side`` of ``order``
    (:func:`rules.tradeoff_walk`)."""
    rules.tradeoff_walk(
        ideal(params, side, issues),
        salience(params, side, issues),
        ideal(params, 1 - side, issues),
        order[side],
        aim,
        offers[side],
    )


@njit_no_runtime(cache=True, error_model="numpy")
def approver_veto(
    params: np.ndarray,
    issues: int,
    first: int,
    layout: np.ndarray,
    approver_side: np.ndarray,
    framework: np.ndarray,
    row: int,
    key: np.uint64,
    given: np.ndarray,
    slots: int,
) -> int:
    """The first approver (index, file order with side A's first) that refuses the
    framework, F's side judging first, or -1 (design-schema2.md section 7): approver a
    approves when ``u_a(x) + e >= r_a - EPS``, its noise in slot ``6 + a`` of ``row``."""
    sd = params[noise_offset(issues)]
    width = 2 * issues + 1
    refused = -1
    for side in (first, 1 - first):
        for a in range(approver_side.shape[0]):
            if approver_side[a] != side:
                continue
            at = layout[APPROVERS] + a * width
            worth = rules.utility(
                framework, params[at : at + issues], params[at + issues : at + 2 * issues]
            )
            e = noise(sd, key, given, row, draws.APPROVER + a, slots)
            if not rules.approves(worth, e, params[at + 2 * issues]):
                refused = a
                break
        if refused >= 0:
            break
    return refused  # one exit (see talks2)


@njit_no_runtime(cache=True, error_model="numpy")
def talks2(
    params: np.ndarray,
    issues: int,
    first: int,
    reviewed: np.ndarray,
    key: np.uint64,
    given: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
    protocol: ProtocolTuple,
    held: np.ndarray,
    order: np.ndarray,
    shares: np.ndarray,
    n_held: int,
    floor_f: float,
    floor_s: float,
) -> tuple[int, int, int, bool, int]:
    """Schema 2's protocol (design-schema2.md sections 1-7, design section C):
    ``(outcome, side, contact, held, who)``.

    ``order``, ``shares`` and ``n_held`` are :func:`prepare`'s; ``floor_f`` and ``floor_s``
    the negotiators' floors of the first mover F and of S (:func:`floor_of`): hawkishness
    enters the talks through them alone, so pivotal blame's counterfactual is this
    function with one floor at its mandate.

    Only the contacts with ``held[t]`` take place. ``contact`` is the file index of the
    deciding contact (the last one for a deadline), or T for an outcome at the summit itself
    (the in-person round: a deal, no deal, or an approver's veto of a deal made there).
    ``who`` is the vetoing approver's index, -1 otherwise. Under perception noise each side
    reads each offer of the other once (errors ``err_f``, ``err_s``) and every judgement of
    that offer reuses the reading.
    """
    contact_day, settings, layout, approver_side = protocol
    contacts = held.shape[0]
    slots = settings[SLOTS]
    perception = settings[NOISE_MODEL] == PERCEPTION
    sd = params[noise_offset(issues)]
    f, s = first, 1 - first
    rho_f = optional(params, layout, RECIPROCITY + f)
    rho_s = optional(params, layout, RECIPROCITY + s)
    rho_f = 0.0 if np.isnan(rho_f) else rho_f
    rho_s = 0.0 if np.isnan(rho_s) else rho_s
    tactic_f, tactic_s = settings[TACTIC + f], settings[TACTIC + s]
    since_f = optional(params, layout, REVIEWS_FROM + f)  # NaN: the fixed schedule
    since_s = optional(params, layout, REVIEWS_FROM + s)
    # Array views are made by the inlined helpers (see the note above _segment_from).
    r_f, r_s = scalar(params, f, issues, RESERVATION), scalar(params, s, issues, RESERVATION)
    q_f, q_s = scalar(params, f, issues, PATIENCE), scalar(params, s, issues, PATIENCE)
    base_s = side_offset(s, issues)
    for k in range(issues):  # F's first proposal goes toward S's ideal
        offers[s, k] = params[base_s + k]
    for k in range(framework.shape[0]):  # a loop: no array runtime
        framework[k] = np.nan
    prev_f, prev_s, then_f, then_s = 1.0, 1.0, 0.0, 0.0
    had_f, had_s = False, False
    err_f, err_s = 0.0, 0.0
    outcome, decider, contact, who = DEADLINE, -1, contacts - 1, -1
    i = -1
    for t in range(contacts):
        if not held[t]:
            continue
        i += 1
        aim_f = rules.target(shares[f, t], floor_f)
        if rho_f != 0.0:  # F sets its target when it proposes (section 13)
            now = worth_to(params, f, issues, offers, s)
            gain = rules.conceded_gain(now, then_f) if had_f else 0.0
            aim_f = rules.reciprocal_target(aim_f, prev_f, rho_f, gain, floor_f)
            then_f, had_f, prev_f = now, i >= 1, aim_f
        if tactic_f == SEGMENT:  # the choice here: a call with two branches would count references
            _segment_from(params, f, issues, offers, aim_f)
        else:
            _tradeoff_from(params, f, issues, offers, order, aim_f)
        worth = worth_to(params, s, issues, offers, f)
        err_s = noise(sd, key, given, t, draws.S_JUDGES, slots)
        aim_s = rules.target(shares[s, t], floor_s)
        if rho_s != 0.0:  # S sets its target when it judges F's offer
            gain = rules.conceded_gain(worth, then_s) if had_s else 0.0
            aim_s = rules.reciprocal_target(aim_s, prev_s, rho_s, gain, floor_s)
            then_s, had_s, prev_s = worth, True, aim_s
        agreed = -1
        if rules.accepts(worth, err_s, aim_s):
            agreed = f
        else:
            if tactic_s == SEGMENT:
                _segment_from(params, s, issues, offers, aim_s)
            else:
                _tradeoff_from(params, s, issues, offers, order, aim_s)
            worth = worth_to(params, f, issues, offers, s)
            err_f = noise(sd, key, given, t, draws.F_JUDGES, slots)
            if rules.accepts(worth, err_f, aim_f):
                agreed = s
        if agreed >= 0:
            for k in range(issues):
                framework[k] = offers[agreed, k]
            outcome, contact = SUMMIT, t
            # F's principal judges first, then S's; each reads the other side's offer with
            # its reading's error under perception, its own side's without error.
            if not perception:
                e = noise(sd, key, given, t, draws.APPROVAL + f, slots)
            else:
                e = 0.0 if agreed == f else err_f
            if not rules.approves(worth_to_framework(params, f, issues, framework), e, r_f):
                outcome, decider = VETOED, f
            else:
                if not perception:
                    e = noise(sd, key, given, t, draws.APPROVAL + s, slots)
                else:
                    e = 0.0 if agreed == s else err_s
                if not rules.approves(worth_to_framework(params, s, issues, framework), e, r_s):
                    outcome, decider = VETOED, s
            if outcome == SUMMIT:
                a = approver_veto(
                    params, issues, f, layout, approver_side, framework, t, key, given, slots
                )
                if a >= 0:
                    outcome, decider, who = VETOED, approver_side[a], a
            break
        # The reviews, F's principal first: each judges the other side's latest offer.
        if reviewed[t, f] if np.isnan(since_f) else contact_day[t] >= since_f:
            e = err_f if perception else noise(sd, key, given, t, draws.REVIEW + f, slots)
            if rules.cancels(worth_to(params, f, issues, offers, s), e, q_f):
                outcome, decider, contact = CANCELLED, f, t
                break
        if reviewed[t, s] if np.isnan(since_s) else contact_day[t] >= since_s:
            e = err_s if perception else noise(sd, key, given, t, draws.REVIEW + s, slots)
            if rules.cancels(worth_to(params, s, issues, offers, f), e, q_s):
                outcome, decider, contact = CANCELLED, s, t
                break
    summit_held = outcome == SUMMIT
    if outcome == DEADLINE:
        # No framework and nobody cancelled: the meeting decisions on the summit date (row T).
        attend = True
        for j in (f, s):
            bar = optional(params, layout, MEETS + j)
            if np.isnan(bar):
                attend = False  # null: no summit without a deal
                break
            if n_held > 0:
                worth = worth_to(params, j, issues, offers, 1 - j)
                if perception:
                    e = err_f if j == f else err_s
                else:
                    e = noise(sd, key, given, contacts, draws.REVIEW + j, slots)
            else:  # no offer of the other side was ever read: its ideal is judged
                worth = value(params, j, issues, ideal(params, 1 - j, issues))
                e = noise(sd, key, given, contacts, draws.REVIEW + j, slots)
            if not rules.attends(worth, e, bar):
                attend = False
                break
        if attend:
            outcome, decider, contact, summit_held, who = in_person(
                params, issues, f, protocol, key, given, offers, framework, slots, sd, order
            )
    # One exit: numba can then prune the reference counts of the array arguments, which
    # with several returns it pays on every call (atomic operations, dearer than the talks).
    return outcome, decider, contact, summit_held, who


@njit_no_runtime(cache=True, error_model="numpy")
def in_person(
    params: np.ndarray,
    issues: int,
    f: int,
    protocol: ProtocolTuple,
    key: np.uint64,
    given: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
    slots: int,
    sd: float,
    order: np.ndarray,
) -> tuple[int, int, int, bool, int]:
    """The principals' round at a summit held without a framework (design-schema2.md
    section 6): elapsed time 1, no hawkishness, so each aims at its true reservation ``r``
    (``tau = f = r``), with its own tactic and no reciprocity. F's principal proposes, S's
    accepts if ``u + e >= r_S - EPS`` or counter-proposes, F's accepts if ``u + e >= r_F -
    EPS``; a deal goes to the approvers alone. Noise row T; ``contact`` is T."""
    contact_day, settings, layout, approver_side = protocol
    contacts = contact_day.shape[0]
    s = 1 - f
    r_f = scalar(params, f, issues, RESERVATION)
    r_s = scalar(params, s, issues, RESERVATION)
    tactic_f, tactic_s = settings[TACTIC + f], settings[TACTIC + s]
    propose(params, f, issues, tactic_f, offers[s], order[f], r_f, offers[f])
    agreed = -1
    e = noise(sd, key, given, contacts, draws.S_JUDGES, slots)
    if rules.accepts(value(params, s, issues, offers[f]), e, r_s):
        agreed = f
    else:
        propose(params, s, issues, tactic_s, offers[f], order[s], r_s, offers[s])
        e = noise(sd, key, given, contacts, draws.F_JUDGES, slots)
        if rules.accepts(value(params, f, issues, offers[s]), e, r_f):
            agreed = s
    outcome, decider, who = NO_DEAL, -1, -1
    if agreed >= 0:
        for k in range(framework.shape[0]):  # a loop: no array runtime
            framework[k] = offers[agreed, k]
        who = approver_veto(
            params, issues, f, layout, approver_side, framework, contacts, key, given, slots
        )
        outcome, decider = (VETOED, approver_side[who]) if who >= 0 else (SUMMIT, -1)
    return outcome, decider, contacts, True, who  # one exit (see talks2)
