"""What one trial of the Mesa model reads beyond the agents' numeric fields.

Both drivers read a trial from the same flat vector and the same scenario arrays
(:mod:`summitsim.arrays`); this module gathers, for the Mesa model, what design-schema2.md
adds that is not a principal's or negotiator's number: which contacts are held, the
clock, the noise model, each side's tactic, belief about the other's salience and blame,
the trial's review schedule (``reviews_from`` may be drawn) and the approvers. A schema 1
trial reads exactly what it read before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summitsim import arrays as layout
from summitsim import draws, rules
from summitsim.arrays import ScenarioArrays, side_offset
from summitsim.scenario import Scenario

#: Clock codes of ``ScenarioArrays.clock`` (design-schema2.md section 1).
CONTACTS_CLOCK, CALENDAR_CLOCK = 0, 1
#: Noise model codes of ``ScenarioArrays.noise_model`` (section 5).
JUDGEMENT, PERCEPTION = 0, 1
#: Tactic codes of ``ScenarioArrays.tactic`` (section 2).
SEGMENT, TRADEOFF = 0, 1
#: Blame codes of ``ScenarioArrays.blame`` (section 8).
ALWAYS, PIVOTAL = 0, 1


@dataclass(frozen=True)
class Approver:
    """A veto player beyond a side's principal (section 7), as the trial drew it."""

    actor_id: str
    name: str
    side: int
    slot: int  # its noise slot: draws.NOISE_SLOTS + its index among all approvers
    ideal: np.ndarray
    salience: np.ndarray
    reservation: float


@dataclass(frozen=True)
class SideSetup:
    """One side's rules in a trial (its numbers, reciprocity and mandate among them, are
    the agents' fields of the table of fields)."""

    tactic: int
    blame: int
    believes: np.ndarray  # the other principal's salience as this side reads it


@dataclass(frozen=True)
class TrialSetup:
    """The schema 2 settings of one trial: ``held`` (T,) which contacts take place,
    ``reviewed`` (T, 2) which contacts each principal reviews (None: the arrays'
    schedule, ``ScenarioArrays.reviewed``), ``elapsed`` the clock's
    elapsed time at each held contact (None on the contacts clock, whose time is the index
    among held contacts), the sides' settings, the approvers, and whether the noise table
    has the summit's row (row T: some principal has ``meets_without_deal``)."""

    held: np.ndarray
    reviewed: np.ndarray | None  # None: the arrays' schedule (reviews_from not drawn)
    clock: int
    noise_model: int
    contact_day: np.ndarray
    summit_day: int
    sides: tuple[SideSetup, SideSetup]
    approvers: tuple[Approver, ...]

    @property
    def noise_shape(self) -> tuple[int, int]:
        """Rows and slots of the trial's noise table: a row per contact and the summit's
        row, the six judgement slots and one per approver (draws.noise_matrix)."""
        return self.held.shape[0] + 1, draws.NOISE_SLOTS + len(self.approvers)

    def elapsed(self, contact: int, index: int, held: int) -> float:
        """Elapsed time at the held contact ``contact`` (file index), the ``index``-th of
        ``held`` held contacts, on the scenario's clock (rules.contacts_elapsed or
        rules.calendar_elapsed)."""
        if self.clock == CALENDAR_CLOCK:
            return rules.calendar_elapsed(int(self.contact_day[contact]), self.summit_day)
        return rules.contacts_elapsed(index, held)


def _believes(params: np.ndarray, side: int, issues: int) -> np.ndarray:
    """What ``side`` believes the other principal's salience is: the written (or drawn)
    belief, else the other principal's salience of this trial (section 13)."""
    start = layout.believes_offset(side, issues)
    belief = params[start : start + issues]
    if np.isnan(belief).any():
        other = side_offset(1 - side, issues) + issues
        return params[other : other + issues]
    return belief


def contacts_held(
    arrays: ScenarioArrays, params: np.ndarray, key: np.ndarray | None, trial: int = 0
) -> np.ndarray:
    """Which contacts take place: every one in a nominal run (``key`` None), else trial
    ``trial`` of the block keyed ``key`` draws them (arrays.trial_held, section B)."""
    if key is None:
        return np.ones(arrays.contacts, dtype=np.bool_)
    return layout.trial_held(arrays, params, key, trial)


def _reviewed(scenario: Scenario, arrays: ScenarioArrays, params: np.ndarray) -> np.ndarray | None:
    """The trial's review schedule when a ``reviews_from`` is drawn (whole days, section
    13): contact t is reviewed by side j iff its day is on or after j's drawn day. None when
    neither is drawn: the arrays' schedule holds (as in the kernel)."""
    issues = arrays.issues
    at = [layout.field_offset(j, "reviews_from", issues) for j in range(2)]
    if not np.isin(at, arrays.uncertainty.index).any():
        return None
    return np.array(
        [[day >= params[at[j]] for j in range(2)] for day in arrays.contact_day], dtype=np.bool_
    ).reshape(arrays.contacts, 2)


def trial_setup(
    scenario: Scenario, arrays: ScenarioArrays, params: np.ndarray, held: np.ndarray
) -> TrialSetup:
    """The schema 2 settings of the trial with flat vector ``params`` and held contacts
    ``held``."""
    issues = arrays.issues
    sides = tuple(
        SideSetup(
            tactic=int(arrays.tactic[j]),
            blame=int(arrays.blame[j]),
            believes=_believes(params, j, issues),
        )
        for j in range(2)
    )
    return TrialSetup(
        held=np.asarray(held, dtype=np.bool_),
        reviewed=_reviewed(scenario, arrays, params),
        clock=arrays.clock,
        noise_model=arrays.noise_model,
        contact_day=arrays.contact_day,
        summit_day=arrays.summit_day,
        sides=(sides[0], sides[1]),
        approvers=_approvers(scenario, arrays, params),
    )


def _approvers(
    scenario: Scenario, arrays: ScenarioArrays, params: np.ndarray
) -> tuple[Approver, ...]:
    """The approvers of both sides (A's first, file order), read from the flat vector."""
    found: list[Approver] = []
    issues = arrays.issues
    for a, (j, person) in enumerate(scenario.approvers.values()):
        start = layout.approver_offset(a, issues, arrays.contacts)
        found.append(
            Approver(
                actor_id=person.id,
                name=person.name,
                side=j,
                slot=draws.NOISE_SLOTS + a,
                ideal=params[start : start + issues],
                salience=params[start + issues : start + 2 * issues],
                reservation=float(params[start + 2 * issues]),
            )
        )
    return tuple(found)
