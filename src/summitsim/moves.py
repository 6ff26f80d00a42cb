"""The moves schema 2 adds to a Monte Carlo trial (design-schema2.md sections 1-8), as jitted
pieces the kernel's schema 2 protocol (:mod:`summitsim.talks`) is built from.

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
    RESERVATION,
    SOFTNESS,
    ScenarioArrays,
    approver_offset,
    believes_offset,
    field_offset,
    held_offset,
    side_offset,
)
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime

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


#: The protocol as the jitted kernel takes it (:meth:`Protocol.as_tuple`): contact days,
#: settings, layout, approvers' sides.
ProtocolTuple = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


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

    def as_tuple(self) -> ProtocolTuple:
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


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def noise(sd: float, key: np.uint64, given: np.ndarray, row: int, slot: int, slots: int) -> float:
    """Noise ``e`` of one reading: ``sd`` times the standard normal of (row, slot), from the
    ``given`` table when it has rows (the Mesa model's table), else from the trial key.
    Inlined where it is read (see :mod:`summitsim.jit_options`)."""
    e = 0.0
    if sd == 0.0:
        e = 0.0
    elif given.shape[0] > 0:
        e = sd * given[row, slot]
    else:
        e = sd * draws.row_noise(key, row, slot, slots)
    return e


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
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


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
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


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def value(params: np.ndarray, side: int, issues: int, x: np.ndarray) -> float:
    """Value of position ``x`` to side ``side``'s principal."""
    return rules.utility(x, ideal(params, side, issues), salience(params, side, issues))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def optional(params: np.ndarray, layout: np.ndarray, at: int) -> float:
    """The parameter at ``layout[at]``, NaN when the scenario does not carry it."""
    return np.nan if layout[at] < 0 else params[layout[at]]


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def floor_of(params: np.ndarray, layout: np.ndarray, side: int, issues: int) -> float:
    """The negotiator's floor ``f = m + h (1 - m)`` with the mandate ``m`` (the trial's
    reservation when none is set; design-schema2.md section 4)."""
    mandate = optional(params, layout, MANDATE + side)
    if np.isnan(mandate):
        mandate = scalar(params, side, issues, RESERVATION)
    return rules.floor(mandate, scalar(params, side, issues, HAWKISHNESS))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
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


@njit_no_runtime(cache=True, error_model="numpy")
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

    (The summit round's offers; the talks at the contacts make theirs through
    :func:`summitsim.talks._segment_from` and :func:`summitsim.talks._tradeoff_from`.)"""
    if tactic == SEGMENT:
        rules.offer(own_ideal, own_salience, toward, aim, out)
    else:
        rules.tradeoff_walk(own_ideal, own_salience, other_ideal, order, aim, out)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
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


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def prepare(
    params: np.ndarray,
    issues: int,
    protocol: ProtocolTuple,
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
    n_held = 0 * held.shape[0]  # an int64, not the literal 0 (which compiles talks2 twice)
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
