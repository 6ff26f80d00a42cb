"""What happened, as a test a trial passes or fails: the ``observed:`` block
(design-schema2.md section 10) compiled for matching, and the kernel that reports, per
trial, what the match needs.

A trial reproduces the observation when every line written matches:

* ``outcome``: the trial's outcome is that one (``summit`` a summit with a deal,
  ``no_deal`` held without one, ``vetoed`` a veto before or at the summit);
* ``by`` (if written): the deciding side is that side;
* ``date`` (if written): the outcome's date (a cancellation or a veto before the summit
  the day after its contact; a summit, a meeting without a deal, a veto at the summit or a
  deadline on the summit's date) lies in the inclusive window;
* ``sidelined`` (if written): exactly these negotiators are sidelined, no others; an
  empty list says nobody is. A file that does not write the line says nothing about
  sidelining, and any trial matches it.

:func:`observe_block` draws each trial's parameters
(:func:`summitsim.draws.draw_parameters`), optionally sets some of them over the draws,
and negotiates it with the kernel's own protocol (:func:`summitsim.kernel.negotiate`, its
scratch arrays allocated once per chunk),
writing per trial the outcome, the deciding side and contact, the sidelined negotiators,
whether the summit met, and the drawn values of the parameters asked for. With nothing
set over the draws its trials are the counting kernel's, trial for trial (tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from summitsim import draws, moves
from summitsim.arrays import ScenarioArrays
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime
from summitsim.kernel import (
    CHUNKS,
    NO_GIVEN_NOISE,
    Scratch,
    negotiate_with_scratch,
    outcome_days,
    scratch_for,
)
from summitsim.moves import Protocol, ProtocolTuple, protocol_of
from summitsim.outcomes import Outcome
from summitsim.scenario.schema import Scenario

key_numba_cache()  # before the first @njit: numba fixes its cache folder there


@dataclass(frozen=True)
class Target:
    """The observation in the kernel's terms: the outcome code, the deciding side (None:
    any), the window of days since the start (None: any) and the bit mask of sidelined
    negotiators (bit j: side j's; None: not observed); ``words`` says it in the file's
    terms."""

    outcome: int
    side: int | None
    window: tuple[int, int] | None
    sidelined: int | None
    words: str


def target_of(scenario: Scenario) -> Target:
    """The scenario's ``observed:`` block as a :class:`Target` (the block must exist)."""
    observed = scenario.observed
    assert observed is not None
    side = scenario.side_ids.index(observed.by) if observed.by is not None else None
    window = observed.window
    days = None if window is None else (scenario.day(window[0]), scenario.day(window[1]))
    sidelined = None
    if "sidelined" in observed.model_fields_set:
        negotiators = [s.negotiator.id if s.negotiator else None for s in scenario.sides]
        sidelined = sum(1 << negotiators.index(who) for who in observed.sidelined)
    words = observed.outcome + (f" by {observed.by}" if observed.by else "")
    if window is not None:
        words += f" on {window[0]}" if window[0] == window[1] else f" {window[0]} to {window[1]}"
    if sidelined is not None:
        words += "; sidelined: " + (", ".join(observed.sidelined) or "nobody")
    return Target(int(Outcome[observed.outcome.upper()]), side, days, sidelined, words)


def match(
    target: Target,
    outcome: np.ndarray,
    side: np.ndarray,
    day: np.ndarray,
    sidelined: np.ndarray,
) -> np.ndarray:
    """Per trial, whether it reproduces ``target`` (arrays as the kernel reports them)."""
    kept = outcome == target.outcome
    if target.side is not None:
        kept &= side == target.side
    if target.window is not None:
        kept &= (day >= target.window[0]) & (day <= target.window[1])
    if target.sidelined is not None:
        kept &= sidelined == target.sidelined
    return kept


# -- the kernel ----------------------------------------------------------------------------


@njit(cache=True, parallel=True, error_model="numpy")
def observe_block(
    nominal: np.ndarray,
    form: np.ndarray,
    index: np.ndarray,
    width: np.ndarray,
    spread: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    issues: int,
    first: int,
    reviewed: np.ndarray,
    has_negotiator: np.ndarray,
    contact_day: np.ndarray,
    settings: np.ndarray,
    layout: np.ndarray,
    approver_side: np.ndarray,
    block: np.ndarray,
    trial_ids: np.ndarray,
    free_index: np.ndarray,
    set_index: np.ndarray,
    set_value: np.ndarray,
    outcome: np.ndarray,
    side: np.ndarray,
    contact: np.ndarray,
    sidelined: np.ndarray,
    held: np.ndarray,
    drawn: np.ndarray,
) -> None:
    """Trials ``trial_ids`` of the block keyed ``block``, over numba threads: row i is
    trial ``trial_ids[i]``, drawn from ``nominal`` and the uncertainty table (the six
    columns of :meth:`summitsim.arrays.UncertaintyTable.columns`), with
    ``params[set_index] = set_value`` after the draws, held contacts drawn and negotiated
    under the protocol (``reviewed`` ... ``approver_side`` as in
    :func:`summitsim.kernel.kernel_case`). Writes ``outcome[i]``, ``side[i]``,
    ``contact[i]``, ``sidelined[i]`` (bit mask), ``held[i]`` and ``drawn[i, k] =
    params[free_index[k]]`` as drawn (before the values set). Pivotal blame is decided
    wherever it could sideline, as in counting."""
    n = trial_ids.shape[0]
    size = (n + CHUNKS - 1) // CHUNKS
    prior = (nominal, form, index, width, spread, low, high)
    run = (issues, first, reviewed, has_negotiator)
    protocol = (contact_day, settings, layout, approver_side)
    out = (outcome, side, contact, sidelined, held, drawn)
    for c in prange(CHUNKS):
        # The scenario as the kernel packs it, for its scratch arrays.
        case = (*prior, *run, *protocol)
        _observe_trials(
            min(c * size, n),
            min((c + 1) * size, n),
            prior,
            run,
            protocol,
            block,
            (trial_ids, free_index, set_index, set_value),
            out,
            scratch_for(case),
        )


@njit_no_runtime(cache=True, error_model="numpy")
def _observe_trials(
    start: int,
    stop: int,
    prior: tuple[np.ndarray, ...],
    run: tuple[int, int, np.ndarray, np.ndarray],
    protocol: ProtocolTuple,
    block: np.ndarray,
    asked: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    out: tuple[np.ndarray, ...],
    scratch: Scratch,
) -> None:
    """Rows ``start .. stop - 1`` of :func:`observe_block` (``asked``: its trial_ids,
    free_index, set_index and set_value; ``out`` its outputs, in its order), with a chunk's
    scratch (:func:`summitsim.kernel.scratch_for`): compiled without numba's runtime, so no
    reference is counted on any array of the loop."""
    nominal, form, index, width, spread, low, high = prior
    issues, first, reviewed, has_negotiator = run
    trial_ids, free_index, set_index, set_value = asked
    outcome, side, contact, sidelined, held, drawn = out
    params, offers, framework, contacts_held, spare, order, shares = scratch
    layout = protocol[2]
    for i in range(start, stop):
        key = draws.mix_trial_key(block, trial_ids[i])
        draws.draw_parameters(nominal, form, index, width, spread, low, high, key, params)
        for k in range(free_index.shape[0]):
            drawn[i, k] = params[free_index[k]]
        for k in range(set_index.shape[0]):
            params[set_index[k]] = set_value[k]
        if layout[moves.HELD] >= 0:
            moves.draw_held(params, layout, key, contacts_held)
        result = negotiate_with_scratch(
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
            contacts_held,
            False,
            spare,
            order,
            shares,
        )
        outcome[i], side[i], contact[i], sidelined[i], held[i] = result[:5]


@dataclass(frozen=True)
class Setting:
    """What a batch of trials runs: the prior they are drawn from (``prior``: its nominal
    vector and uncertainty table), the scenario they negotiate (``run``: issues, first
    mover, reviews, negotiators; ``protocol``) and the values set over the draws."""

    prior: ScenarioArrays
    run: ScenarioArrays
    protocol: Protocol
    set_index: np.ndarray
    set_value: np.ndarray

    @classmethod
    def as_written(cls, arrays: ScenarioArrays) -> Setting:
        """The scenario's own trials: nothing set over the draws."""
        return cls(
            arrays, arrays, protocol_of(arrays), np.zeros(0, np.int64), np.zeros(0, np.float64)
        )


@dataclass(frozen=True)
class Observations:
    """Per trial of :func:`observe`: outcome, deciding side (-1 none), deciding contact,
    sidelined negotiators (bit j: side j's), whether the summit met, its date (days since
    the start, :func:`summitsim.kernel.outcome_days`) and the drawn free parameters."""

    outcome: np.ndarray
    side: np.ndarray
    contact: np.ndarray
    sidelined: np.ndarray
    held: np.ndarray
    day: np.ndarray
    drawn: np.ndarray


def observe(
    setting: Setting, key: np.ndarray, trial_ids: np.ndarray, free_index: np.ndarray
) -> Observations:
    """Trials ``trial_ids`` of the block keyed ``key`` under ``setting``: what the match
    needs and the drawn values at ``free_index``. The same on any number of threads."""
    trial_ids = np.ascontiguousarray(trial_ids, dtype=np.int64)
    free_index = np.ascontiguousarray(free_index, dtype=np.int64)
    n = trial_ids.shape[0]
    outcome, side, contact, sidelined = (np.empty(n, dtype=np.int64) for _ in range(4))
    held = np.empty(n, dtype=np.bool_)
    drawn = np.empty((n, free_index.shape[0]))
    prior, run = setting.prior, setting.run
    observe_block(
        np.ascontiguousarray(prior.nominal),
        *prior.uncertainty.columns(),
        run.issues,
        run.first,
        np.ascontiguousarray(run.reviewed),
        np.ascontiguousarray(run.has_negotiator),
        *setting.protocol.as_tuple(),
        key,
        trial_ids,
        free_index,
        setting.set_index,
        setting.set_value,
        outcome,
        side,
        contact,
        sidelined,
        held,
        drawn,
    )
    day = outcome_days(setting.protocol, outcome, contact)
    return Observations(outcome, side, contact, sidelined, held, day, drawn)
