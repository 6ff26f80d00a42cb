"""A validated scenario as the flat arrays both drivers read.

Every numeric parameter of a trial lives in one flat float64 vector, laid out per side
(A, the first side listed, then B) as ``[ideal (K), salience (K), reservation, softness,
patience, trust, trust_loss, sideline_below, concession, hawkishness]`` followed by the
scenario's ``noise``. Salience is normalised to sum 1 here, once. A side without a
negotiator carries its principal's concession and hawkishness (default 1 and 0).

The ``uncertainty`` block becomes a table of forms (see :mod:`summitsim.draws`) acting on
slices of that vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from summitsim import draws
from summitsim.fingerprint import key_numba_cache
from summitsim.paths import ParameterPath, resolve
from summitsim.scenario import Scenario

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Scalar fields of a side, in their order after the side's ideal and salience.
SIDE_FIELDS = (
    "reservation",
    "softness",
    "patience",
    "trust",
    "trust_loss",
    "sideline_below",
    "concession",
    "hawkishness",
)
RESERVATION, SOFTNESS, PATIENCE, TRUST, TRUST_LOSS, SIDELINE_BELOW, CONCESSION, HAWKISHNESS = range(
    len(SIDE_FIELDS)
)

_SIDE_SCALARS = len(SIDE_FIELDS)


@njit(cache=True, inline="always", error_model="numpy")
def side_width(issues: int) -> int:
    """Entries of one side in the flat vector."""
    return 2 * issues + _SIDE_SCALARS


@njit(cache=True, inline="always", error_model="numpy")
def side_offset(side: int, issues: int) -> int:
    """Index of side ``side``'s ideal in the flat vector."""
    return side * side_width(issues)


def field_offset(side: int, field: str, issues: int) -> int:
    """Index of a side's scalar ``field`` (one of :data:`SIDE_FIELDS`)."""
    return side_offset(side, issues) + 2 * issues + SIDE_FIELDS.index(field)


@njit(cache=True, inline="always", error_model="numpy")
def noise_offset(issues: int) -> int:
    """Index of the noise sd, the last entry."""
    return 2 * side_width(issues)


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
    the nominal flat vector, which side reviews after which contact and the uncertainty."""

    issues: int
    contacts: int
    first: int
    nominal: np.ndarray  # (P,) float64
    reviewed: np.ndarray  # (T, 2) bool: contact t is on or after side j's reviews_from
    has_negotiator: np.ndarray  # (2,) bool
    uncertainty: UncertaintyTable


def path_offset(path: ParameterPath, issue_ids: list[str]) -> tuple[int, int]:
    """(index, width) of a parameter path in the flat vector of a scenario whose issues are
    ``issue_ids``."""
    issues = len(issue_ids)
    if path.field == "noise":
        return noise_offset(issues), 1
    assert path.side is not None  # every field but the noise belongs to a side
    base = side_offset(path.side, issues)
    if path.field in ("ideal", "salience"):
        start = base + (issues if path.field == "salience" else 0)
        if path.issue is None:
            return start, issues
        return start + issue_ids.index(path.issue), 1
    return field_offset(path.side, path.field, issues), 1


def nominal_vector(scenario: Scenario) -> np.ndarray:
    """The flat parameter vector of a scenario, every value as written (salience normalised)."""
    issue_ids = scenario.issue_ids
    values: list[float] = []
    for j, side in enumerate(scenario.sides):
        principal = side.principal
        values += [principal.ideal[k] for k in issue_ids]
        values += principal.weights(issue_ids)
        values += [
            principal.reservation,
            principal.softness,
            principal.patience,
            principal.trust,
            principal.trust_loss,
            principal.sideline_below,
            scenario.concession(j),
            scenario.hawkishness(j),
        ]
    values.append(scenario.noise)
    return np.array(values, dtype=np.float64)


def uncertainty_table(scenario: Scenario) -> UncertaintyTable:
    """Compile ``scenario.uncertainty`` (in file order) into an :class:`UncertaintyTable`."""
    issues = len(scenario.issues)
    codes = {"uniform": draws.UNIFORM, "normal_sd": draws.NORMAL, "lognormal_sd": draws.LOGNORMAL}
    rows: list[tuple[int, int, int, float, float, float]] = []
    renormalise: set[int] = set()
    for text, spec in scenario.uncertainty.items():
        path = resolve(scenario, text)
        index, width = path_offset(path, scenario.issue_ids)
        low, high = path.clip(path.low), path.clip(path.high)
        if spec.concentration is not None:
            form = draws.BETA if path.field == "ideal" else draws.DIRICHLET
            rows.append((form, index, width, spec.concentration, low, high))
            continue
        if spec.uniform is not None:
            low, high = spec.uniform
            rows.append((draws.UNIFORM, index, 1, 0.0, low, high))
        else:
            form_name = "normal_sd" if spec.normal_sd is not None else "lognormal_sd"
            rows.append((codes[form_name], index, 1, getattr(spec, form_name), low, high))
        if path.field == "salience":
            assert path.side is not None  # a salience belongs to a side
            renormalise.add(side_offset(path.side, issues) + issues)
    rows += [(draws.NORMALISE, at, issues, 0.0, 0.0, 0.0) for at in sorted(renormalise)]
    columns = list(zip(*rows)) if rows else [()] * 6
    return UncertaintyTable(
        form=np.array(columns[0], dtype=np.int64),
        index=np.array(columns[1], dtype=np.int64),
        width=np.array(columns[2], dtype=np.int64),
        spread=np.array(columns[3], dtype=np.float64),
        low=np.array(columns[4], dtype=np.float64),
        high=np.array(columns[5], dtype=np.float64),
    )


def compile_scenario(scenario: Scenario) -> ScenarioArrays:
    """The arrays of a validated scenario."""
    reviewed = np.array(
        [
            [contact.date >= scenario.reviews_from(j) for j in range(2)]
            for contact in scenario.contacts
        ],
        dtype=np.bool_,
    )
    return ScenarioArrays(
        issues=len(scenario.issues),
        contacts=len(scenario.contacts),
        first=scenario.first_mover_index,
        nominal=nominal_vector(scenario),
        reviewed=reviewed,
        has_negotiator=np.array([side.negotiator is not None for side in scenario.sides]),
        uncertainty=uncertainty_table(scenario),
    )


def trial_inputs(
    arrays: ScenarioArrays, key: np.ndarray, trial: int
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters (flat vector) and standard-normal noise (T x 6) of trial ``trial`` of the
    block keyed ``key``: exactly what the kernel draws for that trial."""
    trial_key = draws.trial_key(key, trial)
    params = np.empty_like(arrays.nominal)
    draws.draw_parameters(arrays.nominal, *arrays.uncertainty.columns(), trial_key, params)
    noise = np.empty((arrays.contacts, draws.NOISE_SLOTS))
    draws.noise_matrix(trial_key, arrays.contacts, noise)
    return params, noise


def nominal_inputs(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray]:
    """The nominal run's inputs: every value as written and no noise."""
    params = arrays.nominal.copy()
    params[noise_offset(arrays.issues)] = 0.0
    return params, np.zeros((arrays.contacts, draws.NOISE_SLOTS))
