"""Parameter paths: the one name for a numeric field, used by ``--set``, sweeps, sliders
and the ``uncertainty`` block.

Grammar (actor ids are principal or negotiator ids of the scenario)::

    noise                      the sd of every judgement's noise, [0, inf)
    ACTOR.FIELD                a principal's reservation [0, 1), softness, patience, trust,
                               trust_loss, sideline_below [0, 1], ideal, salience (vectors);
                               a negotiator's concession (0, inf) and hawkishness [0, 1]
                               (on a side without a negotiator: its principal's)
    ACTOR.ideal.ISSUE          one issue's ideal point, [0, 1]
    ACTOR.salience.ISSUE       one issue's raw (unnormalised) weight, [0, 1e6]

>>> parse_assignment("putin.softness=0.8")
('putin.softness', 0.8)
>>> parse_range("putin.softness=0:1:21")
('putin.softness', 0.0, 1.0, 21)
"""

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from summitsim.scenario.fields import (
    ISSUE_FIELDS,
    NEGOTIATOR_FIELDS,
    PRINCIPAL_FIELDS,
    RANGES,
    SCENARIO_FIELDS,
    Range,
    Role,
)
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.schema import Scenario

#: How far inside an open end :meth:`ParameterPath.clip` puts a value.
CLIP_MARGIN = 1e-9


def _either(words: Sequence[str]) -> str:
    """``a, b or c``."""
    return ", ".join(words[:-1]) + " or " + words[-1]


#: The forms of a path, in words (for messages).
GRAMMAR = _either(
    [*SCENARIO_FIELDS, "ACTOR.FIELD", *(f"ACTOR.{name}.ISSUE" for name in ISSUE_FIELDS)]
)


@dataclass(frozen=True)
class ParameterPath:
    """A resolved parameter path: which field of which actor (and side), and its range.

    >>> path = ParameterPath("lavrov.concession", "lavrov", 1, "negotiator", "concession",
    ...                      None, 0.0, math.inf, True, True)
    >>> path.allowed(), path.clip(0.0), path.vector
    ('a number > 0', 1e-09, False)
    """

    text: str
    actor: str | None
    side: int | None
    role: Role
    field: str
    issue: str | None
    low: float
    high: float
    low_open: bool
    high_open: bool

    @property
    def vector(self) -> bool:
        """Whether the path names a whole ``ideal`` or ``salience`` (one value per issue)."""
        return self.field in ISSUE_FIELDS and self.issue is None

    @property
    def range(self) -> Range:
        """The field's range (for a vector path: of each issue's value)."""
        return Range(self.low, self.high, self.low_open, self.high_open)

    def allowed(self) -> str:
        """The range in words, e.g. ``a number in [0, 1)``."""
        return self.range.text()

    def clip(self, value: float) -> float:
        """``value`` clipped into the range; an open end clips to CLIP_MARGIN inside it, an
        infinite one to the largest float (infinity is never a value of a field)."""
        low = self.low + CLIP_MARGIN if self.low_open else self.low
        high = self.high - CLIP_MARGIN if self.high_open else self.high
        return min(max(value, low), min(high, sys.float_info.max))


def _fields_of(scenario: Scenario, side: int, role: str) -> tuple[str, ...]:
    """The fields a path may name on an actor: a principal also carries the negotiator
    fields when its side has no negotiator."""
    if role == "negotiator":
        return NEGOTIATOR_FIELDS
    fields = PRINCIPAL_FIELDS + ISSUE_FIELDS
    return fields + NEGOTIATOR_FIELDS if scenario.negotiator_of(side) is None else fields


def _field_problem(scenario: Scenario, side: int, role: str, actor: str, field: str) -> str:
    """Why ``field`` is not a path field of ``actor``, as helpfully as possible."""
    negotiator = scenario.negotiator_of(side)
    if field in NEGOTIATOR_FIELDS and role == "principal" and negotiator is not None:
        return f"{field} belongs to {actor}'s negotiator: use {negotiator.id}.{field}"
    if field == "reviews_from":
        return "reviews_from is a date, not a numeric parameter"
    return f"unknown field {field!r} of {actor}"


def resolve(scenario: Scenario, text: str) -> ParameterPath:
    """The parameter path named by ``text`` in ``scenario``; ScenarioError (field = the
    text) naming the valid actor ids or fields otherwise."""
    if text in SCENARIO_FIELDS:
        return _path(text, None, None, "scenario", text, None)
    parts = text.split(".")
    if not 2 <= len(parts) <= 3 or not all(parts):
        raise ScenarioError(f"not a parameter path; allowed: {GRAMMAR}", field=text)
    actor, field, *issue = parts
    actors = scenario.actors
    if actor not in actors:
        raise ScenarioError(
            f"unknown actor {actor!r}; allowed: {GRAMMAR} with ACTOR one of {', '.join(actors)}",
            field=text,
        )
    side = actors[actor][0]
    role: Role = "principal" if scenario.sides[side].principal.id == actor else "negotiator"
    fields = _fields_of(scenario, side, role)
    if field not in fields:
        raise ScenarioError(
            _field_problem(scenario, side, role, actor, field)
            + "; allowed: "
            + ", ".join(f"{actor}.{name}" for name in fields),
            field=text,
        )
    if issue and field not in ISSUE_FIELDS:
        raise ScenarioError(f"{field} has no issues; allowed: {actor}.{field}", field=text)
    if issue and issue[0] not in scenario.issue_ids:
        raise ScenarioError(
            f"unknown issue {issue[0]!r}; allowed: {actor}.{field}.ISSUE with "
            f"ISSUE one of {', '.join(scenario.issue_ids)}",
            field=text,
        )
    return _path(text, actor, side, role, field, issue[0] if issue else None)


def _path(
    text: str, actor: str | None, side: int | None, role: Role, field: str, issue: str | None
) -> ParameterPath:
    bounds = RANGES[field]
    return ParameterPath(
        text,
        actor,
        side,
        role,
        field,
        issue,
        bounds.low,
        bounds.high,
        bounds.low_open,
        bounds.high_open,
    )


def get_value(scenario: Scenario, path: ParameterPath) -> float | list[float]:
    """The value at ``path``: a float, or for a vector path one float per issue in issue
    order (salience raw, as written). Concession and hawkishness are the side's effective
    values (defaults 1 and 0 on a side negotiated by its principal)."""
    if path.role == "scenario":
        return float(getattr(scenario, path.field))
    if path.field in NEGOTIATOR_FIELDS:
        return scenario.negotiator_value(path.side, path.field)
    values = getattr(scenario.actor(path.actor), path.field)
    if path.issue is not None:
        return values[path.issue]
    if path.vector:
        return [values[issue] for issue in scenario.issue_ids]
    return values


def _number(text: str) -> float:
    """A finite float from text; ValueError otherwise."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _split(text: str, form: str) -> tuple[str, str]:
    path, sign, value = text.partition("=")
    if not sign or not path.strip() or not value.strip():
        raise ScenarioError(f"{text!r} is not of the form {form}; allowed: {form}", field=text)
    return path.strip(), value.strip()


def parse_assignment(text: str) -> tuple[str, float]:
    """``PATH=VALUE`` (``putin.softness=0.8``) as ``(path, value)``; the path is resolved
    later. ScenarioError, saying the form, for anything else."""
    form = "PATH=VALUE, VALUE a number, e.g. putin.softness=0.8"
    path, value = _split(text, form)
    try:
        return path, _number(value)
    except ValueError:
        raise ScenarioError(f"{value!r} is not a number; allowed: {form}", field=text) from None


def parse_range(text: str) -> tuple[str, float, float, int]:
    """``PATH=START:STOP:NUM`` as ``(path, start, stop, num)``: NUM >= 1 evenly spaced
    values from START to STOP (NUM = 1 means START alone). ScenarioError otherwise."""
    form = "PATH=START:STOP:NUM, NUM a whole number >= 1, e.g. putin.softness=0:1:21"
    path, spec = _split(text, form)
    parts = spec.split(":")
    try:
        if len(parts) != 3 or int(parts[2]) < 1:
            raise ValueError(spec)
        return path, _number(parts[0]), _number(parts[1]), int(parts[2])
    except ValueError:
        raise ScenarioError(
            f"{spec!r} is not START:STOP:NUM; allowed: {form}", field=text
        ) from None


def scalar_paths(scenario: Scenario) -> list[str]:
    """Every scalar path of the scenario in a stable order: ``noise``, then per side the
    principal's fields and issue values, then the negotiator fields (by the negotiator's
    id, or the principal's on a side without one)."""
    found = list(SCENARIO_FIELDS)
    for side in scenario.sides:
        principal = side.principal.id
        found += [f"{principal}.{field}" for field in PRINCIPAL_FIELDS]
        found += [
            f"{principal}.{field}.{issue}" for field in ISSUE_FIELDS for issue in scenario.issue_ids
        ]
        delegate = (side.negotiator or side.principal).id
        found += [f"{delegate}.{field}" for field in NEGOTIATOR_FIELDS]
    return found
