"""A validated scenario as the flat arrays both drivers read.

Every numeric parameter of a trial lives in one flat float64 vector, laid out per side
(A, the first side listed, then B) as ``[ideal (K), salience (K), reservation, softness,
patience, trust, trust_loss, sideline_below, concession, hawkishness, reciprocity,
mandate, meets_without_deal, reviews_from, believes (K)]`` followed by the scenario's
``noise``, then each contact's ``held`` probability (T values), then per approver (side
A's first, in file order) ``ideal (K), salience (K), reservation``: the order of the table
of fields (:mod:`summitsim.scenario.fields`). The schema 1 entries of a side come first,
so they keep their positions relative to the side. Salience (a principal's, an
approver's, a written belief) is normalised to sum 1 here, once. A side without a
negotiator carries its principal's negotiator fields (defaults 1, 0 and 0). NaN means
unset: ``mandate`` (the trial's reservation), ``meets_without_deal`` (null), ``believes``
(the other principal's salience of the trial). ``reviews_from`` is whole days since
``start``.

Settings that choose a rule are integers beside the vector (:class:`ScenarioArrays`):
``clock`` (0 contacts, 1 calendar), ``noise_model`` (0 judgement, 1 perception), per
side ``tactic`` (0 segment, 1 tradeoff) and ``blame`` (0 always, 1 pivotal): the index of
the choice in :data:`summitsim.scenario.fields.SETTINGS`.

The ``uncertainty`` block becomes a table of forms (see :mod:`summitsim.draws`) acting on
slices of that vector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from summitsim import draws
from summitsim.fingerprint import key_numba_cache
from summitsim.scenario.fields import (
    APPROVER_FIELDS,
    CONTACT_FIELDS,
    ISSUE_FIELDS,
    LATE_ISSUE_FIELDS,
    NEGOTIATOR_FIELDS,
    PRINCIPAL_FIELDS,
    SCENARIO_FIELDS,
    SETTING_BY_NAME,
    SIDE_FIELDS,
)
from summitsim.scenario.paths import ParameterPath, resolve
from summitsim.scenario.schema import Scenario

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

# The index of each scalar field of a side after its per-issue fields (the kernel reads
# them); a field the kernel does not read needs no constant.
RESERVATION = SIDE_FIELDS.index("reservation")
SOFTNESS = SIDE_FIELDS.index("softness")
PATIENCE = SIDE_FIELDS.index("patience")
TRUST = SIDE_FIELDS.index("trust")
TRUST_LOSS = SIDE_FIELDS.index("trust_loss")
SIDELINE_BELOW = SIDE_FIELDS.index("sideline_below")
CONCESSION = SIDE_FIELDS.index("concession")
HAWKISHNESS = SIDE_FIELDS.index("hawkishness")
RECIPROCITY = SIDE_FIELDS.index("reciprocity")
MANDATE = SIDE_FIELDS.index("mandate")
MEETS_WITHOUT_DEAL = SIDE_FIELDS.index("meets_without_deal")
REVIEWS_FROM = SIDE_FIELDS.index("reviews_from")
#: The index of the noise sd among the scenario's fields, which follow both sides.
NOISE = SCENARIO_FIELDS.index("noise")

_EARLY_PER_ISSUE = len(ISSUE_FIELDS)
_PER_ISSUE = _EARLY_PER_ISSUE + len(LATE_ISSUE_FIELDS)
_SIDE_SCALARS = len(SIDE_FIELDS)
_SIDES = 2
_APPROVER_PER_ISSUE = sum(name in ISSUE_FIELDS for name in APPROVER_FIELDS)
_APPROVER_SCALARS = len(APPROVER_FIELDS) - _APPROVER_PER_ISSUE
_SCENARIO_SCALARS = len(SCENARIO_FIELDS)
_CONTACT_SCALARS = len(CONTACT_FIELDS)


@njit(cache=True, inline="always", error_model="numpy")
def side_width(issues: int) -> int:
    """Entries of one side in the flat vector."""
    return _PER_ISSUE * issues + _SIDE_SCALARS


@njit(cache=True, inline="always", error_model="numpy")
def side_offset(side: int, issues: int) -> int:
    """Index of side ``side``'s ideal in the flat vector."""
    return side * side_width(issues)


def field_offset(side: int, field: str, issues: int) -> int:
    """Index of a side's scalar ``field`` (one of :data:`SIDE_FIELDS`)."""
    return side_offset(side, issues) + _EARLY_PER_ISSUE * issues + SIDE_FIELDS.index(field)


@njit(cache=True, inline="always", error_model="numpy")
def believes_offset(side: int, issues: int) -> int:
    """Index of side ``side``'s belief of the other principal's salience (K entries)."""
    return side_offset(side, issues) + _EARLY_PER_ISSUE * issues + _SIDE_SCALARS


def scenario_field_offset(field: str, issues: int) -> int:
    """Index of a scenario field (one of ``SCENARIO_FIELDS``), after both sides."""
    return _SIDES * side_width(issues) + SCENARIO_FIELDS.index(field)


@njit(cache=True, inline="always", error_model="numpy")
def noise_offset(issues: int) -> int:
    """Index of the noise sd, after both sides."""
    return _SIDES * side_width(issues) + NOISE


@njit(cache=True, inline="always", error_model="numpy")
def held_offset(issues: int) -> int:
    """Index of contact 0's ``held`` probability, after the scenario's fields."""
    return _SIDES * side_width(issues) + _SCENARIO_SCALARS


@njit(cache=True, inline="always", error_model="numpy")
def approver_width(issues: int) -> int:
    """Entries of one approver: ideal (K), salience (K), reservation."""
    return _APPROVER_PER_ISSUE * issues + _APPROVER_SCALARS


@njit(cache=True, inline="always", error_model="numpy")
def approver_offset(approver: int, issues: int, contacts: int) -> int:
    """Index of approver ``approver``'s ideal (approvers in file order, side A's first)."""
    return held_offset(issues) + _CONTACT_SCALARS * contacts + approver * approver_width(issues)


#: The six columns of an uncertainty table, in the order ``draw_parameters`` takes them.
UncertaintyColumns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class UncertaintyTable:
    """The ``uncertainty`` block as columns for :func:`summitsim.draws.draw_parameters`."""

    form: np.ndarray
    index: np.ndarray
    width: np.ndarray
    spread: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def columns(self) -> UncertaintyColumns:
        """The columns in the order ``draw_parameters`` takes them."""
        return (self.form, self.index, self.width, self.spread, self.low, self.high)


@dataclass(frozen=True)
class ScenarioArrays:
    """Everything a trial needs, as numbers: ``K`` issues, ``T`` contacts, the first mover,
    the nominal flat vector, which side reviews after which contact and the uncertainty;
    schema 2: the settings' codes, the days of the contacts and the summit, and the side
    of each approver."""

    issues: int
    contacts: int
    first: int
    nominal: np.ndarray  # (P,) float64
    reviewed: np.ndarray  # (T, 2) bool: contact t is on or after side j's nominal reviews_from
    has_negotiator: np.ndarray  # (2,) bool
    uncertainty: UncertaintyTable
    schema: int
    clock: int  # 0 contacts, 1 calendar
    noise_model: int  # 0 judgement, 1 perception
    tactic: np.ndarray  # (2,) int64: 0 segment, 1 tradeoff
    blame: np.ndarray  # (2,) int64: 0 always, 1 pivotal
    contact_day: np.ndarray  # (T,) int64: days since start
    summit_day: int  # days from start to the summit
    approver_side: np.ndarray  # (n,) int64: the side of each approver
    summit_round: bool  # some principal may meet without a deal: noise row T exists

    @property
    def approvers(self) -> int:
        """The number of approvers, both sides."""
        return int(self.approver_side.shape[0])

    @property
    def noise_shape(self) -> tuple[int, int]:
        """(rows, slots) of a trial's noise matrix (:func:`summitsim.draws.noise_matrix`)."""
        return (
            draws.noise_rows(self.contacts, self.summit_round),
            draws.noise_slots(self.approvers),
        )


def path_offset(
    path: ParameterPath,
    issue_ids: list[str],
    contact_ids: list[str | None] | None = None,
    approver_ids: list[str] | None = None,
) -> tuple[int, int]:
    """(index, width) of a parameter path in the flat vector of a scenario whose issues are
    ``issue_ids`` (and, for a contact's or an approver's path, whose contacts and
    approvers have these ids, in layout order)."""
    issues = len(issue_ids)
    if path.role == "scenario":
        return scenario_field_offset(path.field, issues), 1
    contact_ids = contact_ids or []
    if path.role == "contact":
        return held_offset(issues) + contact_ids.index(path.owner), 1
    if path.role == "approver":
        base = approver_offset((approver_ids or []).index(path.owner), issues, len(contact_ids))
        if path.field not in ISSUE_FIELDS:
            return base + _APPROVER_PER_ISSUE * issues, 1
        start = base + issues * ISSUE_FIELDS.index(path.field)
    elif path.field in LATE_ISSUE_FIELDS:
        start = believes_offset(path.side_index, issues)
    elif path.field in ISSUE_FIELDS:
        start = side_offset(path.side_index, issues) + issues * ISSUE_FIELDS.index(path.field)
    else:
        return field_offset(path.side_index, path.field, issues), 1
    if path.issue is None:
        return start, issues
    return start + issue_ids.index(path.issue), 1


def _offset(scenario: Scenario, path: ParameterPath) -> tuple[int, int]:
    return path_offset(path, scenario.issue_ids, scenario.contact_ids, list(scenario.approvers))


def _set_or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def nominal_vector(scenario: Scenario) -> np.ndarray:
    """The flat parameter vector of a scenario, every value as written (salience normalised,
    NaN for an unset field)."""
    issue_ids = scenario.issue_ids
    values: list[float] = []
    for j, side in enumerate(scenario.sides):
        principal = side.principal
        # in the order of ISSUE_FIELDS: ideal as written, salience normalised
        values += [principal.ideal[k] for k in issue_ids]
        values += principal.weights(issue_ids)
        scalars = {name: _set_or_nan(getattr(principal, name)) for name in PRINCIPAL_FIELDS}
        scalars |= {name: scenario.negotiator_value(j, name) for name in NEGOTIATOR_FIELDS}
        scalars["reviews_from"] = float(scenario.day(scenario.reviews_from(j)))
        values += [scalars[name] for name in SIDE_FIELDS]
        believed = scenario.believed_salience(j)
        values += [math.nan] * len(issue_ids) if believed is None else believed
    values += [getattr(scenario, name) for name in SCENARIO_FIELDS]
    values += [getattr(contact, name) for name in CONTACT_FIELDS for contact in scenario.contacts]
    for _, approver in scenario.approvers.values():
        values += [approver.ideal[k] for k in issue_ids]
        values += approver.weights(issue_ids)
        values += [approver.reservation]
    return np.array(values, dtype=np.float64)


Row = tuple[int, int, int, float, float, float]


def _rows(scenario: Scenario, text: str) -> tuple[list[Row], int | None]:
    """The table rows of one ``uncertainty`` entry, and the start of the weights it leaves
    to renormalise (a scalar draw on one issue's salience or belief), if any."""
    codes = {"uniform": draws.UNIFORM, "normal_sd": draws.NORMAL, "lognormal_sd": draws.LOGNORMAL}
    spec, path = scenario.uncertainty[text], resolve(scenario, text)
    index, width = _offset(scenario, path)
    low, high = path.clip(path.low), path.clip(path.high)
    if spec.dates is not None:  # whole days, both ends included
        first, last = (float(scenario.day(day)) for day in spec.dates)
        return [(draws.UNIFORM_DAY, index, 1, 0.0, first, last)], None
    if spec.concentration is not None:
        form = draws.BETA if path.field == "ideal" else draws.DIRICHLET
        return [(form, index, width, spec.concentration, low, high)], None
    row: Row
    if spec.uniform is not None:
        uniform_low, uniform_high = spec.uniform
        row = (draws.UNIFORM, index, 1, 0.0, uniform_low, uniform_high)
    else:
        form_name = "normal_sd" if spec.normal_sd is not None else "lognormal_sd"
        row = (codes[form_name], index, 1, getattr(spec, form_name), low, high)
    # a scalar draw on weights is one issue's (the checks give a vector path concentration)
    if path.field in ("salience", *LATE_ISSUE_FIELDS) and path.issue is not None:
        return [row], index - scenario.issue_ids.index(path.issue)
    return [row], None


def uncertainty_table(scenario: Scenario) -> UncertaintyTable:
    """Compile ``scenario.uncertainty`` into an :class:`UncertaintyTable`: the entries in
    file order, then the renormalisations of weights drawn issue by issue, then the
    entries on beliefs (``ACTOR.believes.salience``), so that a belief follows the other
    principal's drawn salience. An unwritten belief is first copied from the other
    principal's salience of the trial (``COPY``), then drawn around it."""
    issues = len(scenario.issues)
    rows: list[Row] = []
    renormalise: set[int] = set()
    belief_rows: list[Row] = []
    copied: set[int] = set()
    for text in scenario.uncertainty:
        path = resolve(scenario, text)
        found, weights = _rows(scenario, text)
        if path.field not in LATE_ISSUE_FIELDS:
            rows += found
            if weights is not None:
                renormalise.add(weights)
            continue
        start = believes_offset(path.side_index, issues)
        if scenario.believed_salience(path.side_index) is None and start not in copied:
            source = side_offset(1 - path.side_index, issues) + issues  # the other's salience
            belief_rows.append((draws.COPY, start, issues, 0.0, float(source), float(source)))
            copied.add(start)
        belief_rows += found
        if weights is not None:
            belief_rows.append((draws.NORMALISE, start, issues, 0.0, 0.0, 0.0))
    rows += [(draws.NORMALISE, at, issues, 0.0, 0.0, 0.0) for at in sorted(renormalise)]
    rows += belief_rows
    columns = list(zip(*rows)) if rows else [()] * 6
    return UncertaintyTable(
        form=np.array(columns[0], dtype=np.int64),
        index=np.array(columns[1], dtype=np.int64),
        width=np.array(columns[2], dtype=np.int64),
        spread=np.array(columns[3], dtype=np.float64),
        low=np.array(columns[4], dtype=np.float64),
        high=np.array(columns[5], dtype=np.float64),
    )


def _code(scenario: Scenario, name: str, side: int | None = None) -> int:
    return SETTING_BY_NAME[name].code(scenario.setting(name, side))


def compile_scenario(scenario: Scenario) -> ScenarioArrays:
    """The arrays of a validated scenario, schema 1 or 2."""
    reviewed = np.array(
        [
            [contact.date >= scenario.reviews_from(j) for j in range(2)]
            for contact in scenario.contacts
        ],
        dtype=np.bool_,
    ).reshape(len(scenario.contacts), 2)
    meets = [
        side.principal.meets_without_deal is not None
        or f"{side.principal.id}.meets_without_deal" in scenario.uncertainty
        for side in scenario.sides
    ]
    return ScenarioArrays(
        issues=len(scenario.issues),
        contacts=len(scenario.contacts),
        first=scenario.first_mover_index,
        nominal=nominal_vector(scenario),
        reviewed=reviewed,
        has_negotiator=np.array([side.negotiator is not None for side in scenario.sides]),
        uncertainty=uncertainty_table(scenario),
        schema=scenario.schema_version,
        clock=_code(scenario, "clock"),
        noise_model=_code(scenario, "noise_model"),
        tactic=np.array([_code(scenario, "tactic", j) for j in range(2)], dtype=np.int64),
        blame=np.array([_code(scenario, "blame", j) for j in range(2)], dtype=np.int64),
        contact_day=np.array([scenario.day(c.date) for c in scenario.contacts], dtype=np.int64),
        summit_day=scenario.day(scenario.summit),
        approver_side=np.array([j for j, _ in scenario.approvers.values()], dtype=np.int64),
        summit_round=any(meets),
    )


def trial_inputs(
    arrays: ScenarioArrays, key: np.ndarray, trial: int
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters (flat vector) and standard-normal noise (rows x slots of
    :attr:`ScenarioArrays.noise_shape`; T x 6 in schema 1) of trial ``trial`` of the block
    keyed ``key``: exactly what the kernel draws for that trial."""
    trial_key = draws.trial_key(key, trial)
    params = np.empty_like(arrays.nominal)
    draws.draw_parameters(arrays.nominal, *arrays.uncertainty.columns(), trial_key, params)
    noise = np.empty(arrays.noise_shape)
    draws.noise_matrix(trial_key, noise.shape[0], noise)
    return params, noise


def trial_held(
    arrays: ScenarioArrays, params: np.ndarray, key: np.ndarray, trial: int
) -> np.ndarray:
    """Which contacts trial ``trial`` of the block keyed ``key`` holds, given its drawn
    ``params`` (design-schema2.md section 8: one draw per contact, after the uncertainty)."""
    trial_key = draws.trial_key(key, trial)
    at = held_offset(arrays.issues)
    return np.array(
        [draws.contact_held(trial_key, t, params[at + t]) for t in range(arrays.contacts)],
        dtype=np.bool_,
    )


def nominal_inputs(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray]:
    """The nominal run's inputs: every value as written and no noise (a nominal run holds
    every contact)."""
    params = arrays.nominal.copy()
    params[noise_offset(arrays.issues)] = 0.0
    return params, np.zeros(arrays.noise_shape)
