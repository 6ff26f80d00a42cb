"""The Monte Carlo driver: one trial, and parallel batches of trials, built from ``rules.py``.

A trial reads a flat parameter vector (layout in :mod:`summitsim.arrays`) and walks the
contacts exactly as design.md section 2 says; the Mesa model (:mod:`summitsim.model`) walks
the same contacts day by day. Given the same parameters and the same noise, both reach the
same outcome, side, contact and framework (tested). The protocol is written twice on
purpose (here for numbers, in the model for narration; docs/design.md section 5); what
the two could disagree on, the targets (``rules.aim``), who is blamed (``rules.blames``)
and the review schedule (``arrays.reviewed``), each driver takes from one place.

Schema 2 (design-schema2.md) adds held contacts, clocks, mandates, reciprocity, trade-off
offers, perception noise, approvers, the summit without a deal and pivotal blame. A
scenario that uses none of them runs part 1's protocol (:func:`_talks`) unchanged, to the
last bit and at part 1's speed; one that uses any runs :func:`summitsim.talks.talks2`, built
from the pieces in :mod:`summitsim.moves`, then its blame (:mod:`summitsim.blame`). The
choice is made once per trial, from the scenario's ``settings``
(:class:`summitsim.moves.Protocol`).

Jitted functions take only arrays and scalars and write into preallocated outputs; the
public wrappers :func:`simulate` and :func:`count` validate and allocate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit, prange

from summitsim import draws, moves, rules
from summitsim.arrays import (
    CONCESSION,
    HAWKISHNESS,
    PATIENCE,
    RESERVATION,
    SOFTNESS,
    ScenarioArrays,
    noise_offset,
    nominal_inputs,
)
from summitsim.blame import sidelining, talks_and_blame
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime
from summitsim.moves import Protocol, ProtocolTuple, ideal, protocol_of, scalar, value
from summitsim.outcomes import (
    CANCELLED,
    COUNT_COLUMNS,
    DEADLINE,
    SUMMIT,
    VETOED,
    Count,
)

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Trials of a block are split into this many chunks, whatever the number of threads.
CHUNKS = 64
#: Positions in the flat ``case`` tuple of :func:`kernel_case`.
_NOMINAL, _ISSUES, _FIRST, _REVIEWED, _HAS_NEGOTIATOR = 0, 7, 8, 9, 10
_CONTACT_DAY, _SETTINGS, _LAYOUT, _APPROVER_SIDE = 11, 12, 13, 14
#: An empty noise table: the kernel then draws each judgement's noise from the trial key.
#: A scenario's arrays as the kernel's loops take them (:func:`kernel_case`): numba types
#: a tuple by its items, so the drivers hand it a tuple, not the dataclass.
KernelCase = tuple[Any, ...]
#: A trial's scratch arrays, allocated once per chunk: params, offers, framework, held,
#: spare, order, shares (see :func:`negotiate`).
Scratch = tuple[np.ndarray, ...]
NO_GIVEN_NOISE = np.zeros((0, draws.NOISE_SLOTS))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _judgement_noise(
    sd: float, key: np.uint64, given: np.ndarray, contact: int, slot: int
) -> float:
    """Noise ``e`` of one judgement of part 1: ``sd`` times the standard normal of its slot."""
    if sd == 0.0:
        return 0.0
    if given.shape[0] > 0:
        given_noise: float = sd * given[contact, slot]
        return given_noise
    return sd * draws.judgement_noise(key, contact, slot)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _propose(
    params: np.ndarray, side: int, issues: int, toward: np.ndarray, aim: float, out: np.ndarray
) -> None:
    """Side ``side``'s offer toward ``toward`` at target ``aim``, into ``out``."""
    rules.offer(ideal(params, side, issues), moves.salience(params, side, issues), toward, aim, out)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _aim(params: np.ndarray, side: int, issues: int, contact: int, contacts: int) -> float:
    """Target utility ``tau_j(t)`` of side ``side`` at contact ``contact`` (part 1)."""
    return rules.aim(
        contact,
        contacts,
        scalar(params, side, issues, SOFTNESS),
        scalar(params, side, issues, CONCESSION),
        scalar(params, side, issues, RESERVATION),
        scalar(params, side, issues, HAWKISHNESS),
    )


@njit_no_runtime(cache=True, error_model="numpy")
def _talks(
    params: np.ndarray,
    issues: int,
    first: int,
    reviewed: np.ndarray,
    key: np.uint64,
    given_noise: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
) -> tuple[int, int, int]:
    """Part 1's protocol, exactly as before schema 2: ``(outcome, side, contact)``."""
    contacts = reviewed.shape[0]
    sd = params[noise_offset(issues)]
    mover, other = first, 1 - first
    toward = ideal(params, other, issues)  # F's first proposal goes toward S's ideal
    for k in range(issues):  # a loop: no array runtime
        offers[other, k] = toward[k]
    for k in range(framework.shape[0]):  # a loop: no array runtime
        framework[k] = np.nan
    outcome, decider, contact = DEADLINE, -1, contacts - 1
    for t in range(contacts):
        aim_mover = _aim(params, mover, issues, t, contacts)
        aim_other = _aim(params, other, issues, t, contacts)
        _propose(params, mover, issues, offers[other], aim_mover, offers[mover])
        worth = value(params, other, issues, offers[mover])
        agreed = -1
        noise = _judgement_noise(sd, key, given_noise, t, draws.S_JUDGES)
        if rules.accepts(worth, noise, aim_other):
            agreed = mover
        else:
            _propose(params, other, issues, offers[mover], aim_other, offers[other])
            worth = value(params, mover, issues, offers[other])
            noise = _judgement_noise(sd, key, given_noise, t, draws.F_JUDGES)
            if rules.accepts(worth, noise, aim_mover):
                agreed = other
        if agreed >= 0:
            for k in range(framework.shape[0]):  # a loop: no array runtime
                framework[k] = offers[agreed, k]
            outcome, decider, contact = SUMMIT, -1, t
            for j in (mover, other):
                worth = value(params, j, issues, framework)
                noise = _judgement_noise(sd, key, given_noise, t, draws.APPROVAL + j)
                if not rules.approves(worth, noise, scalar(params, j, issues, RESERVATION)):
                    outcome, decider = VETOED, j
                    break
            break
        for j in (mover, other):
            if not reviewed[t, j]:
                continue
            worth = value(params, j, issues, offers[1 - j])
            noise = _judgement_noise(sd, key, given_noise, t, draws.REVIEW + j)
            if rules.cancels(worth, noise, scalar(params, j, issues, PATIENCE)):
                outcome, decider, contact = CANCELLED, j, t
                break
        if outcome == CANCELLED:
            break
    return outcome, decider, contact


@njit(cache=True, error_model="numpy")
def negotiate(
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
) -> tuple[int, int, int, int, bool, int, int]:
    """One trial with parameters ``params``; returns ``(outcome, side, contact, sidelined,
    held, blamed, who)``.

    ``side`` is the deciding side (0 = A, 1 = B, -1 for summit, deadline and no deal),
    ``contact`` the deciding contact (the last one for a deadline, T at the summit itself),
    ``sidelined`` and ``blamed`` bit masks (bit j: side j's negotiator), ``held`` whether the
    summit took place, ``who`` the vetoing approver's index (-1 otherwise). ``offers``
    (2 x K) is scratch: row j ends as side j's latest offer. ``framework`` (K) receives the
    agreed framework, or NaN. Noise comes from ``given_noise`` (rows x slots) when it has
    rows, else from the trial ``key``. ``protocol`` is :meth:`Protocol.as_tuple`; ``held``
    (T, bool) the contacts this trial holds. Under pivotal blame ``full`` asks for the
    counterfactual of every failed trial where hawkishness could be pivotal; without it,
    only where a fall of trust would sideline (all that counting needs; see
    :mod:`summitsim.blame`); ``spare`` (3 x K) is its scratch and ``order`` (2 x K, int64)
    that of the trade-off's ranking. (The kernel's own loops and
    :mod:`summitsim.observation` call :func:`negotiate_with_scratch`, with every scratch
    array allocated once per chunk.)
    """
    shares = np.empty((2, held.shape[0]))
    return negotiate_with_scratch(
        params,
        issues,
        first,
        reviewed,
        has_negotiator,
        key,
        given_noise,
        offers,
        framework,
        protocol,
        held,
        full,
        spare,
        order,
        shares,
    )


@njit_no_runtime(cache=True, error_model="numpy")
def negotiate_with_scratch(
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
    """:func:`negotiate` with the concession shares' scratch ``shares`` (2 x T) given.
    One exit: numba can then prune the reference counts of the array arguments."""
    if protocol[1][moves.PROTOCOL2] != 0:
        result = talks_and_blame(
            params,
            issues,
            first,
            reviewed,
            has_negotiator,
            key,
            given_noise,
            offers,
            framework,
            protocol,
            held,
            full,
            spare,
            order,
            shares,
        )
    else:
        outcome, decider, contact = _talks(
            params, issues, first, reviewed, key, given_noise, offers, framework
        )
        blamed = 0
        for j in range(2):
            if rules.blames(
                outcome == SUMMIT, outcome == CANCELLED and decider == j, has_negotiator[j]
            ):
                blamed |= 1 << j
        sidelined = sidelining(params, issues, blamed)
        result = (outcome, decider, contact, sidelined, outcome == SUMMIT, blamed, -1)
    return result


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _draw(
    trial: int, case: KernelCase, block: np.ndarray, params: np.ndarray, held: np.ndarray
) -> np.uint64:
    """Draw the parameters of trial ``trial`` of the block keyed ``block`` into ``params``
    and its held contacts into ``held``; returns the trial's key.

    ``case`` is the scenario as :func:`kernel_case` packs it: (nominal vector, the six
    columns of the uncertainty table, issues, first mover, reviewed (T x 2),
    has_negotiator (2), then the four arrays of :meth:`Protocol.as_tuple`) - flat, as
    numba's parallel loops take no nested tuples."""
    nominal, form, index, width, spread, low, high = case[:7]
    layout = case[_LAYOUT]
    key = draws.mix_trial_key(block, trial)
    draws.draw_parameters(nominal, form, index, width, spread, low, high, key, params)
    if layout[moves.HELD] >= 0:
        moves.draw_held(params, layout, key, held)
    return key


@njit_no_runtime(cache=True, error_model="numpy")
def _trial(
    trial: int,
    case: KernelCase,
    block: np.ndarray,
    params: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
    held: np.ndarray,
    full: bool,
    spare: np.ndarray,
    order: np.ndarray,
    shares: np.ndarray,
) -> tuple[int, int, int, int, bool, int, int]:
    """Trial ``trial`` of the block keyed ``block``, drawn by :func:`_draw` and negotiated
    by :func:`negotiate_with_scratch`: a part 1 scenario's path (the schema 2 one is
    :func:`_trial2`). Unpacks the whole ``case``, as it did before schema 2."""
    (
        nominal,
        form,
        index,
        width,
        spread,
        low,
        high,
        issues,
        first,
        reviewed,
        has_negotiator,
        contact_day,
        settings,
        layout,
        approver_side,
    ) = case
    key = draws.mix_trial_key(block, trial)
    draws.draw_parameters(nominal, form, index, width, spread, low, high, key, params)
    if layout[moves.HELD] >= 0:
        moves.draw_held(params, layout, key, held)
    protocol = (contact_day, settings, layout, approver_side)
    return negotiate_with_scratch(
        params,
        issues,
        first,
        reviewed,
        has_negotiator,
        key,
        NO_GIVEN_NOISE,
        offers,
        framework,
        protocol,
        held,
        full,
        spare,
        order,
        shares,
    )


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _trial2(
    trial: int,
    case: KernelCase,
    block: np.ndarray,
    params: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
    held: np.ndarray,
    full: bool,
    spare: np.ndarray,
    order: np.ndarray,
    shares: np.ndarray,
) -> tuple[int, int, int, int, bool, int, int]:
    """:func:`_trial` of a schema 2 scenario, straight to
    :func:`summitsim.blame.talks_and_blame`: inlined into the block loops, as each call
    level copies every array argument's fields (about a hundred words here), which cost a
    third of a Budapest trial."""
    key = _draw(trial, case, block, params, held)
    protocol = (case[_CONTACT_DAY], case[_SETTINGS], case[_LAYOUT], case[_APPROVER_SIDE])
    return talks_and_blame(
        params,
        case[_ISSUES],
        case[_FIRST],
        case[_REVIEWED],
        case[_HAS_NEGOTIATOR],
        key,
        NO_GIVEN_NOISE,
        offers,
        framework,
        protocol,
        held,
        full,
        spare,
        order,
        shares,
    )


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _tally(counts: np.ndarray, result: tuple[int, int, int, int, bool, int, int]) -> None:
    """Add one trial's ``result`` (as :func:`negotiate` returns it) to the row ``counts``."""
    outcome, side, _, mask, summit_held, _, _ = result
    if outcome == SUMMIT:
        counts[Count.SUMMIT] += 1
    elif outcome == CANCELLED:
        counts[Count.CANCELLED_A + side] += 1
    elif outcome == VETOED:
        counts[Count.VETOED_A + side] += 1
    elif outcome == DEADLINE:
        counts[Count.DEADLINE] += 1
    else:
        counts[Count.NO_DEAL] += 1
    counts[Count.SIDELINED_A] += mask & 1
    counts[Count.SIDELINED_B] += (mask >> 1) & 1
    counts[Count.HELD] += summit_held


@njit(cache=True, error_model="numpy")
def _count_range(
    start: int, stop: int, case: KernelCase, block: np.ndarray, counts: np.ndarray
) -> None:
    """Add the outcomes of trials ``start .. stop - 1`` of a block to the row ``counts``."""
    params = np.empty_like(case[_NOMINAL])
    offers = np.empty((2, case[_ISSUES]))
    framework = np.empty(case[_ISSUES])
    held = np.ones(case[_REVIEWED].shape[0], dtype=np.bool_)
    spare = np.empty((3, case[_ISSUES]))
    order = np.empty((2, case[_ISSUES]), dtype=np.int64)
    shares = np.empty((2, held.shape[0]))
    if case[_SETTINGS][moves.PROTOCOL2] != 0:
        scratch = (params, offers, framework, held, spare, order, shares)
        _count_trials2(start, stop, case, block, counts, scratch)
    else:  # part 1: the loop as it was before schema 2
        for trial in range(start, stop):
            _tally(
                counts,
                _trial(
                    trial, case, block, params, offers, framework, held, False, spare, order, shares
                ),
            )


@njit_no_runtime(cache=True, error_model="numpy")
def _count_trials2(
    start: int, stop: int, case: KernelCase, block: np.ndarray, counts: np.ndarray, scratch: Scratch
) -> None:
    """:func:`_count_range`'s loop for a schema 2 scenario, by :func:`_trial2`, its scratch
    given: compiled without numba's runtime, so no reference is counted on any array of
    the loop (with the runtime a large loop body loses numba's pruning of those counts,
    about 40 atomic operations a trial)."""
    params, offers, framework, held, spare, order, shares = scratch
    for trial in range(start, stop):
        _tally(
            counts,
            _trial2(
                trial, case, block, params, offers, framework, held, False, spare, order, shares
            ),
        )


@njit(cache=True, parallel=True, error_model="numpy")
def count_block_parallel(case: KernelCase, block: np.ndarray, trials: int, out: np.ndarray) -> None:
    """Outcome counts of ``trials`` trials of one block, over numba threads: ``out`` is a
    (CHUNKS x 10) array of zeros; row c counts chunk c (columns :data:`COUNT_COLUMNS`)."""
    size = (trials + CHUNKS - 1) // CHUNKS
    for c in prange(CHUNKS):
        _count_range(min(c * size, trials), min((c + 1) * size, trials), case, block, out[c])


@njit(cache=True, error_model="numpy")
def count_block_serial(case: KernelCase, block: np.ndarray, trials: int, out: np.ndarray) -> None:
    """:func:`count_block_parallel` on the calling thread alone (for Dask workers)."""
    _count_range(0 * trials, trials, case, block, out[0])  # not the literal 0: one compile


@njit(cache=True, parallel=True, error_model="numpy")
def simulate_block(
    case: KernelCase,
    block: np.ndarray,
    outcome: np.ndarray,
    side: np.ndarray,
    contact: np.ndarray,
    sidelined: np.ndarray,
    framework: np.ndarray,
    held: np.ndarray,
    blamed: np.ndarray,
    who: np.ndarray,
) -> None:
    """Every trial of a block in full: trial i writes ``outcome[i]``, ``side[i]``,
    ``contact[i]``, ``sidelined[i]`` and ``blamed[i]`` (bit masks), ``held[i]``, ``who[i]``
    and ``framework[i]`` (K, NaN if none)."""
    trials = outcome.shape[0]
    size = (trials + CHUNKS - 1) // CHUNKS
    for c in prange(CHUNKS):
        params = np.empty_like(case[_NOMINAL])
        offers = np.empty((2, case[_ISSUES]))
        contacts_held = np.ones(case[_REVIEWED].shape[0], dtype=np.bool_)
        spare = np.empty((3, case[_ISSUES]))
        order = np.empty((2, case[_ISSUES]), dtype=np.int64)
        shares = np.empty((2, contacts_held.shape[0]))
        for trial in range(min(c * size, trials), min((c + 1) * size, trials)):
            (
                outcome[trial],
                side[trial],
                contact[trial],
                sidelined[trial],
                held[trial],
                blamed[trial],
                who[trial],
            ) = _trial(
                trial,
                case,
                block,
                params,
                offers,
                framework[trial],
                contacts_held,
                True,
                spare,
                order,
                shares,
            )


@dataclass(frozen=True)
class Trials:
    """Per-trial results of :func:`simulate` (arrays of length n; framework n x K).

    ``held``: the summit took place; ``blamed``: bit mask of the negotiators whose trust
    fell; ``who``: the vetoing approver's index (-1 otherwise); ``day``: the outcome's date
    in days since the start (the day after the deciding contact for a cancellation or a
    veto before the summit, the summit's day otherwise)."""

    outcome: np.ndarray
    side: np.ndarray
    contact: np.ndarray
    sidelined: np.ndarray
    framework: np.ndarray
    held: np.ndarray
    blamed: np.ndarray
    who: np.ndarray
    day: np.ndarray


def kernel_case(arrays: ScenarioArrays, protocol: Protocol | None = None) -> KernelCase:
    """The scenario's arrays as the one tuple the jitted kernels take (``protocol``: the
    scenario's schema 2 settings, by default :func:`summitsim.moves.protocol_of`)."""
    protocol = protocol_of(arrays) if protocol is None else protocol
    return (
        np.ascontiguousarray(arrays.nominal),
        *arrays.uncertainty.columns(),
        arrays.issues,
        arrays.first,
        np.ascontiguousarray(arrays.reviewed),
        np.ascontiguousarray(arrays.has_negotiator),
        *protocol.as_tuple(),
    )


def outcome_days(protocol: Protocol, outcome: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """The date of each outcome in days since the start: a cancellation or a veto the day
    after its contact, everything decided at the summit (or a deadline) on the summit's day."""
    days = protocol.contact_day
    summit_day = int(protocol.settings[moves.SUMMIT_DAY])
    before = ((outcome == CANCELLED) | (outcome == VETOED)) & (contact < days.shape[0])
    after_contact = days[np.minimum(contact, days.shape[0] - 1)] + 1 if days.size else 0
    return np.where(before, after_contact, summit_day).astype(np.int64)


def nominal_trial(arrays: ScenarioArrays) -> tuple[int, int, int, int, bool, int, int]:
    """The nominal run by the kernel (every value as written, no noise, every contact held):
    ``(outcome, side, contact, sidelined, held, blamed, who)`` as :func:`negotiate`
    returns them. The Mesa model's nominal run ends the same way (tested)."""
    params, noise = nominal_inputs(arrays)
    noise.setflags(write=False)  # typed as the kernel's own NO_GIVEN_NOISE: one compile of talks2
    result = negotiate(
        params,
        arrays.issues,
        arrays.first,
        arrays.reviewed,
        arrays.has_negotiator,
        np.uint64(0),
        noise,
        np.empty((2, arrays.issues)),
        np.empty(arrays.issues),
        protocol_of(arrays).as_tuple(),
        np.ones(arrays.contacts, dtype=np.bool_),
        True,
        np.empty((3, arrays.issues)),
        np.empty((2, arrays.issues), dtype=np.int64),
    )
    outcome, side, contact, sidelined, held, blamed, who = result
    return int(outcome), int(side), int(contact), int(sidelined), bool(held), int(blamed), int(who)


def simulate(
    arrays: ScenarioArrays, trials: int, key: np.ndarray, protocol: Protocol | None = None
) -> Trials:
    """Run ``trials`` trials of the block keyed ``key`` (see :func:`draws.block_key`) and
    return every trial's result."""
    if trials < 0:
        raise ValueError(f"trials must be >= 0, got {trials}")
    protocol = protocol_of(arrays) if protocol is None else protocol
    outcome = np.empty(trials, dtype=np.int64)
    side = np.empty(trials, dtype=np.int64)
    contact = np.empty(trials, dtype=np.int64)
    sidelined = np.empty(trials, dtype=np.int64)
    framework = np.empty((trials, arrays.issues))
    held = np.empty(trials, dtype=np.bool_)
    blamed = np.empty(trials, dtype=np.int64)
    who = np.empty(trials, dtype=np.int64)
    simulate_block(
        kernel_case(arrays, protocol),
        key,
        outcome,
        side,
        contact,
        sidelined,
        framework,
        held,
        blamed,
        who,
    )
    return Trials(
        outcome,
        side,
        contact,
        sidelined,
        framework,
        held,
        blamed,
        who,
        outcome_days(protocol, outcome, contact),
    )


def count(
    arrays: ScenarioArrays,
    trials: int,
    key: np.ndarray,
    parallel: bool = True,
    protocol: Protocol | None = None,
) -> np.ndarray:
    """Outcome counts (columns :data:`COUNT_COLUMNS`, int64) of ``trials`` trials of the
    block keyed ``key``. The counts do not depend on ``parallel`` nor on the thread count."""
    if trials < 0:
        raise ValueError(f"trials must be >= 0, got {trials}")
    out = np.zeros((CHUNKS, len(COUNT_COLUMNS)), dtype=np.int64)
    kernel = count_block_parallel if parallel else count_block_serial
    kernel(kernel_case(arrays, protocol), key, trials, out)
    return out.sum(axis=0)
