"""The moves schema 2 adds to a Monte Carlo trial (design-schema2.md sections 1-8), as jitted
pieces the kernel's protocol (:func:`summitsim.kernel.negotiate`) is built from.

Each piece reads the flat parameter vector through ``layout``, the offsets of the schema 2
parameters in it (``-1``: the scenario does not carry that parameter, so its schema 1
value holds), and the scenario's integer ``settings``; both are made by
:func:`summitsim.kernel.protocol_of`. The equations themselves are in :mod:`summitsim.rules`.

Noise follows the layout of design section B: contact row ``t`` (and row ``T`` for the
summit itself) has ``slots`` standard normals, ``6 + n_approvers`` when there are
approvers, else the 6 of part 1, so a scenario without approvers draws exactly part 1's
numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from summitsim import draws, rules
from summitsim.arrays import (
    CONCESSION,
    HAWKISHNESS,
    PATIENCE,
    RESERVATION,
    SOFTNESS,
    ScenarioArrays,
    approver_offset,
    believes_offset,
    field_offset,
    held_offset,
    noise_offset,
    side_offset,
)
from summitsim.fingerprint import key_numba_cache
from summitsim.outcomes import CANCELLED, DEADLINE, NO_DEAL, SUMMIT, VETOED

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Positions in the ``settings`` array: clock (0 contacts, 1 calendar), noise model
#: (0 judgement, 1 perception), tactic of side j (0 segment, 1 tradeoff) at TACTIC + j,
#: blame of side j (0 always, 1 pivotal) at BLAME + j, the summit's day (days since the
#: start), noise slots per row, and whether the trial needs the schema 2 protocol at all.
CLOCK, NOISE_MODEL, TACTIC, BLAME, SUMMIT_DAY, SLOTS, PROTOCOL2 = 0, 1, 2, 4, 6, 7, 8
SETTINGS = 9
#: Setting values.
CONTACTS_CLOCK, CALENDAR_CLOCK = 0, 1
JUDGEMENT, PERCEPTION = 0, 1
SEGMENT, TRADEOFF = 0, 1
ALWAYS, PIVOTAL = 0, 1
#: Positions in the ``layout`` array (offsets into the flat vector, -1 when absent): per
#: side j reciprocity, mandate, meets_without_deal, reviews_from (days), believes (K);
#: then the contacts' held probabilities (T) and the approvers' blocks.
RECIPROCITY, MANDATE, MEETS, REVIEWS_FROM, BELIEVES, HELD, APPROVERS = 0, 2, 4, 6, 8, 10, 11
LAYOUT = 12


@dataclass(frozen=True)
class Protocol:
    """The scenario's schema 2 settings as the kernel reads them: each contact's day
    (days since the start), the integer ``settings`` (positions CLOCK ... PROTOCOL2), the
    ``layout`` of the schema 2 parameters in the flat vector (-1: not carried) and each
    approver's side (file order, side A's first)."""

    contact_day: np.ndarray  # (T,) int64
    settings: np.ndarray  # (SETTINGS,) int64
    layout: np.ndarray  # (LAYOUT,) int64
    approver_side: np.ndarray  # (n,) int64

    def as_tuple(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The four arrays, in the order the jitted kernel unpacks them."""
        return (self.contact_day, self.settings, self.layout, self.approver_side)


def make_protocol(
    nominal: np.ndarray,
    uncertain: Sequence[tuple[int, int]],
    contact_day: Sequence[int],
    summit_day: int,
    *,
    clock: int = CONTACTS_CLOCK,
    noise_model: int = JUDGEMENT,
    tactic: tuple[int, int] = (SEGMENT, SEGMENT),
    blame: tuple[int, int] = (ALWAYS, ALWAYS),
    layout: Sequence[int] | None = None,
    approver_side: Sequence[int] = (),
) -> Protocol:
    """A :class:`Protocol`; ``uncertain`` lists the (index, width) slices the uncertainty
    block draws. It runs part 1's protocol (``PROTOCOL2 = 0``) unless a setting differs
    from part 1's, an approver exists, or a schema 2 parameter is away from its part 1
    value (reciprocity 0, no mandate, no summit without a deal, every contact held) or
    drawn; ``reviews_from`` needs schema 2 only when drawn (a fixed one is in
    ``reviewed``)."""
    offsets = np.full(LAYOUT, -1, dtype=np.int64) if layout is None else np.array(layout)
    contacts = len(contact_day)

    def drawn(start: int, width: int) -> bool:
        return any(at < start + width and start < at + w for at, w in uncertain)

    def away(start: int, width: int, part1: float) -> bool:
        values = nominal[start : start + width]
        moved = np.any(values != part1) if not np.isnan(part1) else np.any(~np.isnan(values))
        return bool(moved) or drawn(start, width)

    checks = [(RECIPROCITY + j, 1, 0.0) for j in range(2)]
    checks += [(MANDATE + j, 1, np.nan) for j in range(2)]
    checks += [(MEETS + j, 1, np.nan) for j in range(2)]
    checks += [(HELD, contacts, 1.0)]
    needs = any(offsets[at] >= 0 and away(offsets[at], width, v) for at, width, v in checks)
    needs = needs or any(
        offsets[REVIEWS_FROM + j] >= 0 and drawn(offsets[REVIEWS_FROM + j], 1) for j in range(2)
    )
    needs = needs or len(approver_side) > 0
    needs = needs or (clock, noise_model, *tactic, *blame) != (0, 0, 0, 0, 0, 0)
    settings = np.zeros(SETTINGS, dtype=np.int64)
    settings[CLOCK], settings[NOISE_MODEL] = clock, noise_model
    settings[TACTIC : TACTIC + 2], settings[BLAME : BLAME + 2] = tactic, blame
    settings[SUMMIT_DAY] = summit_day
    settings[SLOTS] = draws.noise_slots(len(approver_side))
    settings[PROTOCOL2] = int(needs)
    return Protocol(
        np.array(contact_day, dtype=np.int64),
        settings,
        offsets.astype(np.int64),
        np.array(approver_side, dtype=np.int64),
    )


def protocol_of(arrays: ScenarioArrays) -> Protocol:
    """The :class:`Protocol` of compiled arrays (layout in :mod:`summitsim.arrays`)."""
    issues = arrays.issues
    layout = np.full(LAYOUT, -1, dtype=np.int64)
    for j in range(2):
        layout[RECIPROCITY + j] = field_offset(j, "reciprocity", issues)
        layout[MANDATE + j] = field_offset(j, "mandate", issues)
        layout[MEETS + j] = field_offset(j, "meets_without_deal", issues)
        layout[REVIEWS_FROM + j] = field_offset(j, "reviews_from", issues)
        layout[BELIEVES + j] = believes_offset(j, issues)
    layout[HELD] = held_offset(issues)
    if arrays.approvers:
        layout[APPROVERS] = approver_offset(0, issues, arrays.contacts)
    uncertain = list(zip(arrays.uncertainty.index.tolist(), arrays.uncertainty.width.tolist()))
    return make_protocol(
        arrays.nominal,
        uncertain,
        arrays.contact_day.tolist(),
        arrays.summit_day,
        clock=arrays.clock,
        noise_model=arrays.noise_model,
        tactic=(int(arrays.tactic[0]), int(arrays.tactic[1])),
        blame=(int(arrays.blame[0]), int(arrays.blame[1])),
        layout=layout.tolist(),
        approver_side=arrays.approver_side.tolist(),
    )


@njit(cache=True, error_model="numpy")
def noise(sd: float, key: np.uint64, given: np.ndarray, row: int, slot: int, slots: int) -> float:
    """Noise ``e`` of one reading: ``sd`` times the standard normal of (row, slot), from the
    ``given`` table when it has rows (the Mesa model's table), else from the trial key.
    A call with one exit (see :func:`offer_by`)."""
    e = 0.0
    if sd == 0.0:
        e = 0.0
    elif given.shape[0] > 0:
        e = sd * given[row, slot]
    else:
        e = sd * draws.row_noise(key, row, slot, slots)
    return e


@njit(cache=True, error_model="numpy")
def draw_held(params: np.ndarray, layout: np.ndarray, key: np.uint64, out: np.ndarray) -> int:
    """Which contacts a trial holds, into ``out`` (T, bool); returns how many.

    Contact t is held iff ``uniform(key, HELD_COUNTER + t) < held_t``
    (:func:`summitsim.draws.contact_held`; a probability of 1 holds it without a draw). A
    nominal run does not call this: it holds every contact (design-schema2.md section 8)."""
    base = layout[HELD]
    count = 0
    for t in range(out.shape[0]):
        out[t] = base < 0 or draws.contact_held(key, t, params[base + t])
        count += out[t]
    return count


@njit(cache=True, inline="always", error_model="numpy")
def scalar(params: np.ndarray, side: int, issues: int, field: int) -> float:
    """A side's schema 1 scalar ``field`` (an index of ``arrays.SIDE_FIELDS``)."""
    return params[side_offset(side, issues) + 2 * issues + field]


@njit(cache=True, inline="always", error_model="numpy")
def ideal(params: np.ndarray, side: int, issues: int) -> np.ndarray:
    """View of side ``side``'s ideal point in the flat vector."""
    base = side_offset(side, issues)
    return params[base : base + issues]


@njit(cache=True, inline="always", error_model="numpy")
def salience(params: np.ndarray, side: int, issues: int) -> np.ndarray:
    """View of side ``side``'s (normalised) salience weights in the flat vector."""
    base = side_offset(side, issues) + issues
    return params[base : base + issues]


@njit(cache=True, inline="always", error_model="numpy")
def value(params: np.ndarray, side: int, issues: int, x: np.ndarray) -> float:
    """Value of position ``x`` to side ``side``'s principal."""
    return rules.utility(x, ideal(params, side, issues), salience(params, side, issues))


@njit(cache=True, inline="always", error_model="numpy")
def optional(params: np.ndarray, layout: np.ndarray, at: int) -> float:
    """The parameter at ``layout[at]``, NaN when the scenario does not carry it."""
    return np.nan if layout[at] < 0 else params[layout[at]]


@njit(cache=True, inline="always", error_model="numpy")
def floor_of(params: np.ndarray, layout: np.ndarray, side: int, issues: int) -> float:
    """The negotiator's floor ``f = m + h (1 - m)`` with the mandate ``m`` (the trial's
    reservation when none is set; design-schema2.md section 4)."""
    mandate = optional(params, layout, MANDATE + side)
    if np.isnan(mandate):
        mandate = scalar(params, side, issues, RESERVATION)
    return rules.floor(mandate, scalar(params, side, issues, HAWKISHNESS))


@njit(cache=True, inline="always", error_model="numpy")
def time_target(
    params: np.ndarray, side: int, issues: int, elapsed: float, floor_value: float
) -> float:
    """``tau_time = 1 - alpha (1 - f)`` at elapsed time ``e`` (either clock)."""
    share = rules.concession_share_at(
        elapsed,
        scalar(params, side, issues, SOFTNESS),
        scalar(params, side, issues, CONCESSION),
    )
    return rules.target(share, floor_value)


@njit(cache=True, inline="always", error_model="numpy")
def believed(params: np.ndarray, layout: np.ndarray, side: int, issues: int) -> np.ndarray:
    """The other principal's salience as side ``side`` reads it: its ``believes`` slice, or
    the other's salience of the trial when none is written (design-schema2.md section 13)."""
    at = layout[BELIEVES + side]
    if at >= 0 and not np.isnan(params[at]):
        return params[at : at + issues]
    return salience(params, 1 - side, issues)


@njit(cache=True, error_model="numpy")
def worth_to(params: np.ndarray, side: int, issues: int, offers: np.ndarray, row: int) -> float:
    """Value of the offer in row ``row`` of ``offers`` to side ``side``'s principal, as a
    call for :func:`talks2`'s loop (see :func:`offer_from`)."""
    return value(params, side, issues, offers[row])


@njit(cache=True, error_model="numpy")
def worth_to_framework(params: np.ndarray, side: int, issues: int, x: np.ndarray) -> float:
    """Value of position ``x`` to side ``side``'s principal, as a call (see
    :func:`offer_from`)."""
    return value(params, side, issues, x)


@njit(cache=True, error_model="numpy")
def offer_from(
    params: np.ndarray,
    side: int,
    issues: int,
    tactic: int,
    offers: np.ndarray,
    order: np.ndarray,
    aim: float,
) -> None:
    """Side ``side``'s offer at target ``aim`` into row ``side`` of ``offers``, toward the
    other row (:func:`propose`), as a call for :func:`talks2`'s loop.

    numba counts the references of every array view a function makes and every array an
    inlined function binds (atomic operations); in a function as large as :func:`talks2`
    it cannot prune those counts, which then cost more than the talks. A small function
    called with arrays borrows them, its counts are pruned, and LLVM still inlines it."""
    propose(params, side, issues, tactic, offers[1 - side], order[side], aim, offers[side])


@njit(cache=True, error_model="numpy")
def offer_by(
    tactic: int,
    own_ideal: np.ndarray,
    own_salience: np.ndarray,
    other_ideal: np.ndarray,
    toward: np.ndarray,
    order: np.ndarray,
    aim: float,
    out: np.ndarray,
) -> None:
    """An offer at target ``aim`` into ``out``: on the segment from the own ideal toward
    the other's latest offer ``toward``, or the trade-off toward the other principal's true
    ideal ``other_ideal``, walking the issues in ``order`` (:func:`rules.tradeoff_ranking`
    of the believed salience; design-schema2.md section 2).

    A call, not inlined, like :func:`worth_to` and :func:`noise`: numba counts the
    references of the arrays an inlined function binds (atomic operations), and in a
    function as large as :func:`talks2` it cannot prune those counts, which then cost more
    than the talks; a small function called with arrays borrows them, and LLVM still
    inlines it, without the counts."""
    if tactic == SEGMENT:
        rules.offer(own_ideal, own_salience, toward, aim, out)
    else:
        rules.tradeoff_walk(own_ideal, own_salience, other_ideal, order, aim, out)


@njit(cache=True, inline="always", error_model="numpy")
def propose(
    params: np.ndarray,
    side: int,
    issues: int,
    tactic: int,
    toward: np.ndarray,
    order: np.ndarray,
    aim: float,
    out: np.ndarray,
) -> None:
    """Side ``side``'s offer at target ``aim`` into ``out`` (:func:`offer_by`)."""
    offer_by(
        tactic,
        ideal(params, side, issues),
        salience(params, side, issues),
        ideal(params, 1 - side, issues),
        toward,
        order,
        aim,
        out,
    )


@njit(cache=True, error_model="numpy")
def prepare(
    params: np.ndarray,
    issues: int,
    protocol: tuple,
    held: np.ndarray,
    order: np.ndarray,
    shares: np.ndarray,
) -> int:
    """What a trial's talks need that neither hawkishness nor the path of the talks changes,
    computed once per trial (pivotal blame's counterfactual re-uses it): row j of ``order``
    (2 x K), the order in which side j's trade-off concedes the issues (from its own and
    its believed salience); ``shares[j, t]`` (2 x T), side j's concession share
    ``alpha_j`` at held contact t on the scenario's clock (design-schema2.md section 1).
    Returns the number of contacts held."""
    contact_day, settings, layout, _ = protocol
    for j in range(2):
        if settings[TACTIC + j] == TRADEOFF:
            rules.tradeoff_ranking(
                believed(params, layout, j, issues), salience(params, j, issues), order[j]
            )
    n_held = 0
    for t in range(held.shape[0]):
        n_held += held[t]
    calendar = settings[CLOCK] == CALENDAR_CLOCK
    i = -1
    for t in range(held.shape[0]):
        if not held[t]:
            continue
        i += 1
        if calendar:
            elapsed = rules.calendar_elapsed(contact_day[t], settings[SUMMIT_DAY])
        else:
            elapsed = rules.contacts_elapsed(i, n_held)
        for j in range(2):
            shares[j, t] = rules.concession_share_at(
                elapsed,
                scalar(params, j, issues, SOFTNESS),
                scalar(params, j, issues, CONCESSION),
            )
    return n_held


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy")
def talks2(
    params: np.ndarray,
    issues: int,
    first: int,
    reviewed: np.ndarray,
    key: np.uint64,
    given: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
    protocol: tuple,
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
    # No array view is made here, only in the small functions called (see offer_from).
    r_f, r_s = scalar(params, f, issues, RESERVATION), scalar(params, s, issues, RESERVATION)
    q_f, q_s = scalar(params, f, issues, PATIENCE), scalar(params, s, issues, PATIENCE)
    base_s = side_offset(s, issues)
    for k in range(issues):  # F's first proposal goes toward S's ideal
        offers[s, k] = params[base_s + k]
    framework[:] = np.nan
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
        offer_from(params, f, issues, tactic_f, offers, order, aim_f)
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
            offer_from(params, s, issues, tactic_s, offers, order, aim_s)
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


@njit(cache=True, error_model="numpy")
def in_person(
    params: np.ndarray,
    issues: int,
    f: int,
    protocol: tuple,
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
        framework[:] = offers[agreed]
        who = approver_veto(
            params, issues, f, layout, approver_side, framework, contacts, key, given, slots
        )
        outcome, decider = (VETOED, approver_side[who]) if who >= 0 else (SUMMIT, -1)
    return outcome, decider, contacts, True, who  # one exit (see talks2)
