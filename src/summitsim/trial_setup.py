"""What one trial of the Mesa model reads beyond the preferences: the schema 2 settings.

Both drivers read a trial from the same flat vector and the same scenario arrays
(:mod:`summitsim.arrays`); this module gathers, for the Mesa model, the settings of
design-schema2.md that are not a principal's or negotiator's preferences: which contacts
are held, the clock, each side's tactic, reciprocity, mandate, belief about the other's
salience, willingness to meet without a deal and blame, the review schedule of the trial
(``reviews_from`` may be drawn) and the approvers. Every value keeps its schema 1 meaning
when the scenario does not set it, so a schema 1 trial reads exactly what it read before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from summitsim import arrays as layout
from summitsim import draws, rules
from summitsim.arrays import ScenarioArrays, side_offset
from summitsim.scenario import Scenario
from summitsim.scenario.fields import SIDE_FIELDS

#: Clock codes of ``ScenarioArrays.clock`` (design-schema2.md section 1).
CONTACTS_CLOCK, CALENDAR_CLOCK = 0, 1
#: Noise model codes of ``ScenarioArrays.noise_model`` (section 5).
JUDGEMENT, PERCEPTION = 0, 1
#: Tactic codes of ``ScenarioArrays.tactic`` (section 2).
SEGMENT, TRADEOFF = 0, 1
#: Blame codes of ``ScenarioArrays.blame`` (section 8).
ALWAYS, PIVOTAL = 0, 1
#: The side fields of schema 2 read here, not by the agents' table of fields.
SETTINGS_FIELDS = frozenset({"reciprocity", "mandate", "meets_without_deal", "reviews_from"})


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
    """One side's schema 2 settings in a trial; NaN stands for "not set"."""

    tactic: int
    blame: int
    reciprocity: float
    mandate: float  # NaN: the trial's reservation
    meets_without_deal: float  # NaN: null, the principal does not meet without a deal
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
    def meets(self) -> bool:
        """Whether the summit date can see a meeting without a deal (section 6)."""
        return any(not math.isnan(side.meets_without_deal) for side in self.sides)

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


def _array(arrays: ScenarioArrays, name: str, default: object) -> object:
    """A schema 2 array of ``arrays``, or its schema 1 value when the scenario has none."""
    return getattr(arrays, name, default)


def _side_scalar(params: np.ndarray, side: int, name: str, issues: int, default: float) -> float:
    if name not in SIDE_FIELDS:
        return default
    return float(params[layout.field_offset(side, name, issues)])


def _believes(params: np.ndarray, side: int, issues: int) -> np.ndarray:
    """What ``side`` believes the other principal's salience is: the written (or drawn)
    belief, else the other principal's salience of this trial (section 13)."""
    other = side_offset(1 - side, issues) + issues
    truth = params[other : other + issues]
    offset = getattr(layout, "believes_offset", None)
    if offset is None:
        return truth
    start = offset(side, issues)
    belief = params[start : start + issues]
    return truth if np.isnan(belief).any() else belief


def contacts_held(arrays: ScenarioArrays, params: np.ndarray, key: np.uint64 | None) -> np.ndarray:
    """Which contacts take place: every one in a nominal run (``key`` None), else the
    trial's draws (draws.contact_held, section B of the design)."""
    held = np.ones(arrays.contacts, dtype=np.bool_)
    probability = getattr(layout, "held_probabilities", None)
    if key is None or probability is None:
        return held
    draws.contact_held(key, probability(arrays, params), held)
    return held


def trial_setup(
    scenario: Scenario, arrays: ScenarioArrays, params: np.ndarray, held: np.ndarray
) -> TrialSetup:
    """The schema 2 settings of the trial with flat vector ``params`` and held contacts
    ``held``."""
    issues = arrays.issues
    tactic = np.asarray(_array(arrays, "tactic", np.zeros(2, dtype=np.int64)))
    blame = np.asarray(_array(arrays, "blame", np.zeros(2, dtype=np.int64)))
    sides = tuple(
        SideSetup(
            tactic=int(tactic[j]),
            blame=int(blame[j]),
            reciprocity=_side_scalar(params, j, "reciprocity", issues, 0.0),
            mandate=_side_scalar(params, j, "mandate", issues, math.nan),
            meets_without_deal=_side_scalar(params, j, "meets_without_deal", issues, math.nan),
            believes=_believes(params, j, issues),
        )
        for j in range(2)
    )
    contact_day = np.array([(c.date - scenario.start).days for c in scenario.contacts])
    reviewed = None
    if "reviews_from" in SIDE_FIELDS:  # drawn per trial (section 13): whole days
        days = [_side_scalar(params, j, "reviews_from", issues, 0.0) for j in range(2)]
        reviewed = np.array([[day >= days[j] for j in range(2)] for day in contact_day])
    return TrialSetup(
        held=np.asarray(held, dtype=np.bool_),
        reviewed=reviewed,
        clock=int(_array(arrays, "clock", CONTACTS_CLOCK)),
        noise_model=int(_array(arrays, "noise_model", JUDGEMENT)),
        contact_day=contact_day,
        summit_day=(scenario.summit - scenario.start).days,
        sides=(sides[0], sides[1]),
        approvers=_approvers(scenario, arrays, params),
    )


def _approvers(
    scenario: Scenario, arrays: ScenarioArrays, params: np.ndarray
) -> tuple[Approver, ...]:
    """The approvers of both sides (A's first, file order), read from the flat vector."""
    offset = getattr(layout, "approver_offset", None)
    found: list[Approver] = []
    issues = arrays.issues
    for j, side in enumerate(scenario.sides):
        for person in getattr(side, "approvers", []):
            a = len(found)
            start = offset(arrays, a)
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
