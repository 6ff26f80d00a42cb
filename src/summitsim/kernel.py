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
scenario that uses none of them runs part 1's protocol (:func:`summitsim.talks1.talks1`)
unchanged, to the last bit and at part 1's speed; one that uses any runs
:func:`summitsim.talks.talks2`, built from the pieces in :mod:`summitsim.moves`, then its
blame (:mod:`summitsim.blame`). The choice is made once per trial, from the scenario's
``settings`` (:class:`summitsim.moves.Protocol`).

Jitted functions take only arrays and scalars and write into preallocated outputs; the
public wrappers :func:`simulate` and :func:`count` validate and allocate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit, prange

from summitsim import draws, moves, rules
from summitsim.arrays import ScenarioArrays, nominal_inputs
from summitsim.blame import sidelining, talks_and_blame
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime
from summitsim.moves import Protocol, ProtocolTuple, protocol_of
from summitsim.outcomes import (
    CANCELLED,
    COUNT_COLUMNS,
    DEADLINE,
    SUMMIT,
    VETOED,
    Count,
)
from summitsim.talks1 import talks1

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Trials of a block are split into this many chunks, whatever the number of threads.
CHUNKS = 64
#: Positions in the flat ``case`` tuple of :func:`kernel_case`.
_NOMINAL, _ISSUES, _REVIEWED = 0, 7, 9
#: An empty noise table: the kernel then draws each judgement's noise from the trial key.
#: A scenario's arrays as the kernel's loops take them (:func:`kernel_case`): numba types
#: a tuple by its items, so the drivers hand it a tuple, not the dataclass.
KernelCase = tuple[Any, ...]
#: A trial's scratch arrays, allocated once per chunk: params, offers, framework, held,
#: spare, order, shares (see :func:`negotiate`).
Scratch = tuple[np.ndarray, ...]
NO_GIVEN_NOISE = np.zeros((0, draws.NOISE_SLOTS))


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


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
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
    Inlined into the block loops: a call level of its own would copy every array
    argument's fields (see :mod:`summitsim.jit_options`)."""
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
        outcome, decider, contact = talks1(
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
def _trial(
    trial: int, case: KernelCase, block: np.ndarray, scratch: Scratch, full: bool
) -> tuple[int, int, int, int, bool, int, int]:
    """Trial ``trial`` of the block keyed ``block``: draw its parameters and its held
    contacts, then negotiate (:func:`negotiate_with_scratch`, with ``scratch`` and ``full``).

    ``case`` is the scenario as :func:`kernel_case` packs it: (nominal vector, the six
    columns of the uncertainty table, issues, first mover, reviewed (T x 2),
    has_negotiator (2), then the four arrays of :meth:`Protocol.as_tuple`) - flat, as
    numba's parallel loops take no nested tuples."""
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
    params, offers, framework, held, spare, order, shares = scratch
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


@njit(cache=True, error_model="numpy")
def scratch_for(case: KernelCase) -> Scratch:
    """A trial's scratch arrays for the scenario ``case``, allocated once per chunk (the
    loops that use them are compiled without numba's runtime, which cannot allocate)."""
    issues, contacts = case[_ISSUES], case[_REVIEWED].shape[0]
    return (
        np.empty_like(case[_NOMINAL]),
        np.empty((2, issues)),
        np.empty(issues),
        np.ones(contacts, dtype=np.bool_),
        np.empty((3, issues)),
        np.empty((2, issues), dtype=np.int64),
        np.empty((2, contacts)),
    )


@njit_no_runtime(cache=True, error_model="numpy")
def _count_range(
    start: int, stop: int, case: KernelCase, block: np.ndarray, counts: np.ndarray, scratch: Scratch
) -> None:
    """Add the outcomes of trials ``start .. stop - 1`` of a block to the row ``counts``.
    Compiled without numba's runtime, so no reference is counted on any array of the loop
    (with the runtime a loop this large loses numba's pruning of those counts: about 40
    atomic operations a trial)."""
    for trial in range(start, stop):
        outcome, side, _, mask, summit_held, _, _ = _trial(trial, case, block, scratch, False)
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


@njit(cache=True, parallel=True, error_model="numpy")
def count_block_parallel(case: KernelCase, block: np.ndarray, trials: int, out: np.ndarray) -> None:
    """Outcome counts of ``trials`` trials of one block, over numba threads: ``out`` is a
    (CHUNKS x 10) array of zeros; row c counts chunk c (columns :data:`COUNT_COLUMNS`)."""
    size = (trials + CHUNKS - 1) // CHUNKS
    for c in prange(CHUNKS):
        scratch = scratch_for(case)
        _count_range(
            min(c * size, trials), min((c + 1) * size, trials), case, block, out[c], scratch
        )


@njit(cache=True, error_model="numpy")
def count_block_serial(case: KernelCase, block: np.ndarray, trials: int, out: np.ndarray) -> None:
    """:func:`count_block_parallel` on the calling thread alone (for Dask workers)."""
    _count_range(0 * trials, trials, case, block, out[0], scratch_for(case))  # 0 * trials: an
    # int64, not the literal 0, which would compile the loop a second time


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
    out = (outcome, side, contact, sidelined, framework, held, blamed, who)
    for c in prange(CHUNKS):
        scratch = scratch_for(case)
        _simulate_range(
            min(c * size, trials), min((c + 1) * size, trials), case, block, out, scratch
        )


@njit_no_runtime(cache=True, error_model="numpy")
def _simulate_range(
    start: int,
    stop: int,
    case: KernelCase,
    block: np.ndarray,
    out: tuple[np.ndarray, ...],
    scratch: Scratch,
) -> None:
    """Trials ``start .. stop - 1`` of :func:`simulate_block` into its arrays ``out`` (in
    its order), without numba's runtime (see :func:`_count_range`)."""
    outcome, side, contact, sidelined, framework, held, blamed, who = out
    agreed = scratch[2]
    for trial in range(start, stop):
        (
            outcome[trial],
            side[trial],
            contact[trial],
            sidelined[trial],
            held[trial],
            blamed[trial],
            who[trial],
        ) = _trial(trial, case, block, scratch, True)
        for k in range(agreed.shape[0]):  # a loop: no array runtime
            framework[trial, k] = agreed[k]


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
