"""The Monte Carlo driver: one trial, and parallel batches of trials, built from ``rules.py``.

A trial reads a flat parameter vector (layout in :mod:`summitsim.arrays`) and walks the
contacts exactly as design.md section 2 says; the Mesa model (:mod:`summitsim.model`) walks
the same contacts day by day. Given the same parameters and the same noise, both reach the
same outcome, side, contact and framework (tested).

Jitted functions take only arrays and scalars and write into preallocated outputs; the
public wrappers :func:`simulate` and :func:`count` validate and allocate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit, prange
from numba.core import event

from summitsim import draws, rules
from summitsim.arrays import (
    CONCESSION,
    HAWKISHNESS,
    PATIENCE,
    RESERVATION,
    SIDELINE_BELOW,
    SOFTNESS,
    TRUST,
    TRUST_LOSS,
    ScenarioArrays,
    UncertaintyColumns,
    noise_offset,
    side_offset,
)
from summitsim.fingerprint import key_numba_cache

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: The scenario as the one flat tuple the jitted kernels take (:func:`kernel_case`).
KernelCase = tuple[np.ndarray, *UncertaintyColumns, int, int, np.ndarray, np.ndarray]

#: Outcome codes, in the order of :data:`OUTCOMES`.
SUMMIT, CANCELLED, VETOED, DEADLINE = 0, 1, 2, 3
OUTCOMES = ("summit", "cancelled", "vetoed", "deadline")
#: Columns of a count row: summits, cancelled by A, by B, vetoed by A, by B, deadlines,
#: A's negotiator sidelined, B's negotiator sidelined.
COUNT_COLUMNS = (
    "summit",
    "cancelled_a",
    "cancelled_b",
    "vetoed_a",
    "vetoed_b",
    "deadline",
    "sidelined_a",
    "sidelined_b",
)
#: Trials of a block are split into this many chunks, whatever the number of threads.
CHUNKS = 64
#: Positions in the flat ``case`` tuple of :func:`kernel_case`.
_NOMINAL, _ISSUES = 0, 7
#: What a sweep says while numba compiles the counting kernel (its cache lacks it).
COMPILING_NOTICE = "compiling the Monte Carlo kernel (first run only)"
#: An empty noise table: the kernel then draws each judgement's noise from the trial key.
NO_GIVEN_NOISE = np.zeros((0, draws.NOISE_SLOTS))


@njit(cache=True, inline="always", error_model="numpy")
def _judgement_noise(
    sd: float, key: np.uint64, given: np.ndarray, contact: int, slot: int
) -> float:
    """Noise ``e`` of one judgement: ``sd`` times the standard normal of its slot."""
    if sd == 0.0:
        return 0.0
    if given.shape[0] > 0:
        return sd * given[contact, slot]
    return sd * draws.judgement_noise(key, contact, slot)


@njit(cache=True, inline="always", error_model="numpy")
def _scalar(params: np.ndarray, side: int, issues: int, field: int) -> float:
    return params[side_offset(side, issues) + 2 * issues + field]


@njit(cache=True, inline="always", error_model="numpy")
def _ideal(params: np.ndarray, side: int, issues: int) -> np.ndarray:
    """View of side ``side``'s ideal point in the flat vector."""
    base = side_offset(side, issues)
    return params[base : base + issues]


@njit(cache=True, inline="always", error_model="numpy")
def _salience(params: np.ndarray, side: int, issues: int) -> np.ndarray:
    """View of side ``side``'s (normalised) salience weights in the flat vector."""
    base = side_offset(side, issues) + issues
    return params[base : base + issues]


@njit(cache=True, inline="always", error_model="numpy")
def _value(params: np.ndarray, side: int, issues: int, x: np.ndarray) -> float:
    """Value of position ``x`` to side ``side``'s principal."""
    return rules.utility(x, _ideal(params, side, issues), _salience(params, side, issues))


@njit(cache=True, inline="always", error_model="numpy")
def _propose(
    params: np.ndarray, side: int, issues: int, toward: np.ndarray, aim: float, out: np.ndarray
) -> None:
    """Side ``side``'s offer toward ``toward`` at target ``aim``, into ``out``."""
    rules.offer(_ideal(params, side, issues), _salience(params, side, issues), toward, aim, out)


@njit(cache=True, inline="always", error_model="numpy")
def _aim(params: np.ndarray, side: int, issues: int, contact: int, contacts: int) -> float:
    """Target utility ``tau_j(t)`` of side ``side`` at contact ``contact``."""
    share = rules.concession_share(
        contact,
        contacts,
        _scalar(params, side, issues, SOFTNESS),
        _scalar(params, side, issues, CONCESSION),
    )
    return rules.target(
        share,
        rules.floor(
            _scalar(params, side, issues, RESERVATION),
            _scalar(params, side, issues, HAWKISHNESS),
        ),
    )


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
) -> tuple[int, int, int, int]:
    """One trial with parameters ``params``; returns ``(outcome, side, contact, sidelined)``.

    ``side`` is the deciding side (0 = A, 1 = B, -1 for summit and deadline), ``contact``
    the deciding contact (the last one for a deadline), ``sidelined`` a bit mask (bit j:
    side j's negotiator sidelined). ``offers`` (2 x K) is scratch: row j ends as side j's
    latest offer. ``framework`` (K) receives the agreed framework, or NaN. Noise comes
    from ``given_noise`` (T x 6) when it has rows, else from the trial ``key``.
    """
    contacts = reviewed.shape[0]
    sd = params[noise_offset(issues)]
    mover, other = first, 1 - first
    offers[other] = _ideal(params, other, issues)  # F's first proposal goes toward S's ideal
    framework[:] = np.nan
    outcome, decider, contact = DEADLINE, -1, contacts - 1
    for t in range(contacts):
        aim_mover = _aim(params, mover, issues, t, contacts)
        aim_other = _aim(params, other, issues, t, contacts)
        _propose(params, mover, issues, offers[other], aim_mover, offers[mover])
        value = _value(params, other, issues, offers[mover])
        agreed = -1
        noise = _judgement_noise(sd, key, given_noise, t, draws.S_JUDGES)
        if rules.accepts(value, noise, aim_other):
            agreed = mover
        else:
            _propose(params, other, issues, offers[mover], aim_other, offers[other])
            value = _value(params, mover, issues, offers[other])
            noise = _judgement_noise(sd, key, given_noise, t, draws.F_JUDGES)
            if rules.accepts(value, noise, aim_mover):
                agreed = other
        if agreed >= 0:
            framework[:] = offers[agreed]
            outcome, decider, contact = SUMMIT, -1, t
            for j in (mover, other):
                value = _value(params, j, issues, framework)
                noise = _judgement_noise(sd, key, given_noise, t, draws.APPROVAL + j)
                if not rules.approves(value, noise, _scalar(params, j, issues, RESERVATION)):
                    outcome, decider = VETOED, j
                    break
            break
        for j in (mover, other):
            if not reviewed[t, j]:
                continue
            value = _value(params, j, issues, offers[1 - j])
            noise = _judgement_noise(sd, key, given_noise, t, draws.REVIEW + j)
            if rules.cancels(value, noise, _scalar(params, j, issues, PATIENCE)):
                outcome, decider, contact = CANCELLED, j, t
                break
        if outcome == CANCELLED:
            break
    return outcome, decider, contact, _sidelining(params, issues, has_negotiator, outcome, decider)


@njit(cache=True, error_model="numpy")
def _sidelining(
    params: np.ndarray, issues: int, has_negotiator: np.ndarray, outcome: int, decider: int
) -> int:
    """Bit mask of the sides whose negotiator is sidelined after ``outcome``: after any
    outcome but a summit, a principal whose side did not cancel blames its negotiator."""
    mask = 0
    if outcome == SUMMIT:
        return mask
    for j in range(2):
        if not has_negotiator[j] or (outcome == CANCELLED and decider == j):
            continue
        trust = rules.trust_after_failure(
            _scalar(params, j, issues, TRUST),
            _scalar(params, j, issues, TRUST_LOSS),
            _scalar(params, j, issues, HAWKISHNESS),
        )
        if rules.sidelined(trust, _scalar(params, j, issues, SIDELINE_BELOW)):
            mask |= 1 << j
    return mask


@njit(cache=True, error_model="numpy")
def _trial(
    trial: int,
    case: KernelCase,
    block: np.ndarray,
    params: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
) -> tuple[int, int, int, int]:
    """Trial ``trial`` of the block keyed ``block``: draw its parameters, then negotiate.

    ``case`` is the scenario as :func:`kernel_case` packs it: (nominal vector, the six
    columns of the uncertainty table, issues, first mover, reviewed (T x 2),
    has_negotiator (2)) - flat, as numba's parallel loops take no nested tuples."""
    nominal, form, index, width, spread, low, high, issues, first, reviewed, has_negotiator = case
    key = draws.mix_trial_key(block, trial)
    draws.draw_parameters(nominal, form, index, width, spread, low, high, key, params)
    return negotiate(
        params, issues, first, reviewed, has_negotiator, key, NO_GIVEN_NOISE, offers, framework
    )


@njit(cache=True, error_model="numpy")
def _count_range(
    start: int, stop: int, case: KernelCase, block: np.ndarray, counts: np.ndarray
) -> None:
    """Add the outcomes of trials ``start .. stop - 1`` of a block to the row ``counts``."""
    params = np.empty_like(case[_NOMINAL])
    offers = np.empty((2, case[_ISSUES]))
    framework = np.empty(case[_ISSUES])
    for trial in range(start, stop):
        outcome, side, _, mask = _trial(trial, case, block, params, offers, framework)
        if outcome == SUMMIT:
            counts[0] += 1
        elif outcome == CANCELLED:
            counts[1 + side] += 1
        elif outcome == VETOED:
            counts[3 + side] += 1
        else:
            counts[5] += 1
        counts[6] += mask & 1
        counts[7] += (mask >> 1) & 1


@njit(cache=True, parallel=True, error_model="numpy")
def count_block_parallel(case: KernelCase, block: np.ndarray, trials: int, out: np.ndarray) -> None:
    """Outcome counts of ``trials`` trials of one block, over numba threads: ``out`` is a
    (CHUNKS x 8) array of zeros; row c counts chunk c (columns :data:`COUNT_COLUMNS`)."""
    size = (trials + CHUNKS - 1) // CHUNKS
    for c in prange(CHUNKS):
        _count_range(min(c * size, trials), min((c + 1) * size, trials), case, block, out[c])


@njit(cache=True, error_model="numpy")
def count_block_serial(case: KernelCase, block: np.ndarray, trials: int, out: np.ndarray) -> None:
    """:func:`count_block_parallel` on the calling thread alone (for Dask workers)."""
    _count_range(0, trials, case, block, out[0])


@njit(cache=True, parallel=True, error_model="numpy")
def simulate_block(
    case: KernelCase,
    block: np.ndarray,
    outcome: np.ndarray,
    side: np.ndarray,
    contact: np.ndarray,
    sidelined: np.ndarray,
    framework: np.ndarray,
) -> None:
    """Every trial of a block in full: trial i writes ``outcome[i]``, ``side[i]``,
    ``contact[i]``, ``sidelined[i]`` (bit mask) and ``framework[i]`` (K, NaN if none)."""
    trials = outcome.shape[0]
    size = (trials + CHUNKS - 1) // CHUNKS
    for c in prange(CHUNKS):
        params = np.empty_like(case[_NOMINAL])
        offers = np.empty((2, case[_ISSUES]))
        for trial in range(min(c * size, trials), min((c + 1) * size, trials)):
            outcome[trial], side[trial], contact[trial], sidelined[trial] = _trial(
                trial, case, block, params, offers, framework[trial]
            )


@dataclass(frozen=True)
class Trials:
    """Per-trial results of :func:`simulate` (arrays of length n; framework n x K)."""

    outcome: np.ndarray
    side: np.ndarray
    contact: np.ndarray
    sidelined: np.ndarray
    framework: np.ndarray


def kernel_case(arrays: ScenarioArrays) -> KernelCase:
    """The scenario's arrays as the one tuple the jitted kernels take."""
    return (
        np.ascontiguousarray(arrays.nominal),
        *arrays.uncertainty.columns(),
        arrays.issues,
        arrays.first,
        np.ascontiguousarray(arrays.reviewed),
        np.ascontiguousarray(arrays.has_negotiator),
    )


def simulate(arrays: ScenarioArrays, trials: int, key: np.ndarray) -> Trials:
    """Run ``trials`` trials of the block keyed ``key`` (see :func:`draws.block_key`) and
    return every trial's result."""
    if trials < 0:
        raise ValueError(f"trials must be >= 0, got {trials}")
    result = Trials(
        outcome=np.empty(trials, dtype=np.int64),
        side=np.empty(trials, dtype=np.int64),
        contact=np.empty(trials, dtype=np.int64),
        sidelined=np.empty(trials, dtype=np.int64),
        framework=np.empty((trials, arrays.issues)),
    )
    simulate_block(
        kernel_case(arrays),
        key,
        result.outcome,
        result.side,
        result.contact,
        result.sidelined,
        result.framework,
    )
    return result


def count(
    arrays: ScenarioArrays, trials: int, key: np.ndarray, parallel: bool = True
) -> np.ndarray:
    """Outcome counts (columns :data:`COUNT_COLUMNS`, int64) of ``trials`` trials of the
    block keyed ``key``. The counts do not depend on ``parallel`` nor on the thread count."""
    if trials < 0:
        raise ValueError(f"trials must be >= 0, got {trials}")
    out = np.zeros((CHUNKS, len(COUNT_COLUMNS)), dtype=np.int64)
    kernel = count_block_parallel if parallel else count_block_serial
    kernel(kernel_case(arrays), key, trials, out)
    return out.sum(axis=0)


class _FirstCompile(event.Listener):
    """Calls ``notice()`` once, when numba starts its first compilation: numba raises the
    ``numba:compile`` event only on a cache miss, so a warm cache never calls it."""

    def __init__(self, notice: Callable[[], None]) -> None:
        self.notice: Callable[[], None] | None = notice

    def on_start(self, event: event.Event) -> None:
        if self.notice is not None:
            notice, self.notice = self.notice, None
            notice()

    def on_end(self, event: event.Event) -> None:
        pass


def warm_up(arrays: ScenarioArrays, on_compile: Callable[[], None], parallel: bool = True) -> float:
    """Load the counting kernel of :func:`count` from numba's cache, or compile it, on a
    one-trial block; ``on_compile()`` is called first if it must compile. Returns the
    seconds this took (about a millisecond when cached), so that speed figures can leave
    compilation out."""
    started = time.perf_counter()
    with event.install_listener("numba:compile", _FirstCompile(on_compile)):
        count(arrays, 1, np.zeros(2, dtype=np.uint64), parallel)
    return time.perf_counter() - started
