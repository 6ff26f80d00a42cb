"""Parameter paths: the one name for a numeric field, used by ``--set``, sweeps, sliders
and the ``uncertainty`` block.

Grammar (actor ids are principal or negotiator ids of the scenario; schema 2 adds
approver and contact ids)::

    noise                      the sd of every judgement's noise, [0, inf)
    ACTOR.FIELD                a principal's reservation [0, 1), softness, patience, trust,
                               trust_loss, sideline_below [0, 1], ideal, salience (vectors),
                               mandate [0, 1) (only on a side with a negotiator),
                               meets_without_deal [0, 1], reviews_from (a date: only in
                               ``uncertainty``, form ``dates``);
                               a negotiator's concession (0, inf), hawkishness and
                               reciprocity [0, 1] (on a side without a negotiator: its
                               principal's)
    ACTOR.ideal.ISSUE          one issue's ideal point, [0, 1]
    ACTOR.salience.ISSUE       one issue's raw (unnormalised) weight, [0, 1e6]
    ACTOR.believes.salience[.ISSUE]
                               the other principal's salience as the negotiator believes it
    APPROVER.FIELD[.ISSUE]     an approver's ideal, salience (vectors, or one issue) and
                               reservation [0, 1)
    CONTACT.held               the probability that the contact takes place, (0, 1]

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
    APPROVER_FIELDS,
    BY_NAME,
    CONTACT_FIELDS,
    DATE_FIELDS,
    ISSUE_FIELDS,
    LATE_ISSUE_FIELDS,
    NEGOTIATOR_FIELDS,
    PRINCIPAL_FIELDS,
    RANGES,
    SCENARIO_FIELDS,
    Range,
    Role,
)
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.schema import Approver, Negotiator, Principal, Scenario

#: How far inside an open end :meth:`ParameterPath.clip` puts a value.
CLIP_MARGIN = 1e-9


def _either(words: Sequence[str]) -> str:
    """``a, b or c``."""
    return ", ".join(words[:-1]) + " or " + words[-1]


#: The forms of a path, in words (for messages).
GRAMMAR = _either(
    [
        *SCENARIO_FIELDS,
        "ACTOR.FIELD",
        *(f"ACTOR.{name}.ISSUE" for name in ISSUE_FIELDS),
        "ACTOR.believes.salience[.ISSUE]",
        *(f"CONTACT.{name}" for name in CONTACT_FIELDS),
    ]
)
#: How a per-issue field after a side's scalars is spelled in a path (and in the file).
SPELLED = {"believes": "believes.salience"}


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
        """Whether the path names a whole per-issue field (``ideal``, ``salience``,
        ``believes``: one value per issue)."""
        return BY_NAME[self.field].per_issue and self.issue is None

    @property
    def side_index(self) -> int:
        """The side of a path to a principal's, negotiator's or approver's field."""
        if self.side is None:
            raise ValueError(f"{self.text} names no side's field")
        return self.side

    @property
    def owner(self) -> str:
        """The id of the actor, approver or contact whose field the path names."""
        if self.actor is None:
            raise ValueError(f"{self.text} names a field of the scenario itself")
        return self.actor

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


#: The fields a path may name on a negotiator (or on a principal standing in for one).
_DELEGATE_FIELDS = NEGOTIATOR_FIELDS + LATE_ISSUE_FIELDS


def _fields_of(scenario: Scenario, side: int, role: str) -> tuple[str, ...]:
    """The fields a path may name on an actor: a principal also carries the negotiator
    fields when its side has no negotiator, and then has no mandate."""
    if role == "negotiator":
        return _DELEGATE_FIELDS
    if role == "approver":
        return APPROVER_FIELDS
    fields = PRINCIPAL_FIELDS + DATE_FIELDS + ISSUE_FIELDS
    if scenario.negotiator_of(side) is None:
        return tuple(name for name in fields if name != "mandate") + _DELEGATE_FIELDS
    return fields


def _field_problem(scenario: Scenario, side: int, role: str, actor: str, field: str) -> str:
    """Why ``field`` is not a path field of ``actor``, as helpfully as possible."""
    negotiator = scenario.negotiator_of(side)
    if field in _DELEGATE_FIELDS and role == "principal" and negotiator is not None:
        spelled = SPELLED.get(field, field)
        return f"{spelled} belongs to {actor}'s negotiator: use {negotiator.id}.{spelled}"
    if field == "mandate" and negotiator is None and role == "principal":
        return f"{actor}'s side has no negotiator, so no mandate"
    return f"unknown field {field!r} of {actor}"


def resolve(scenario: Scenario, text: str) -> ParameterPath:
    """The parameter path named by ``text`` in ``scenario``; ScenarioError (field = the
    text) naming the valid actor ids or fields otherwise."""
    if text in SCENARIO_FIELDS:
        return _path(text, None, None, "scenario", text, None)
    parts = text.split(".")
    if len(parts) >= 2 and parts[1] == "believes":
        if parts[2:3] != ["salience"]:
            raise ScenarioError(
                f"{parts[0]}.believes holds only salience; allowed: "
                f"{parts[0]}.believes.salience[.ISSUE]",
                field=text,
            )
        parts = [parts[0], "believes", *parts[3:]]  # the belief's one mapping, as one field
    if not 2 <= len(parts) <= 3 or not all(parts):
        raise ScenarioError(f"not a parameter path; allowed: {GRAMMAR}", field=text)
    actor, field, *issue = parts
    actors = scenario.actors
    if actor in scenario.contact_ids:
        return _contact_path(text, actor, field, issue)
    if actor in scenario.approvers:
        side = scenario.approvers[actor][0]
        role: Role = "approver"
    elif actor in actors:
        side = actors[actor][0]
        role = "principal" if scenario.sides[side].principal.id == actor else "negotiator"
    else:
        named = [*actors, *scenario.approvers, *(c for c in scenario.contact_ids if c)]
        raise ScenarioError(
            f"unknown actor {actor!r}; allowed: {GRAMMAR} with ACTOR one of {', '.join(named)}",
            field=text,
        )
    fields = _fields_of(scenario, side, role)
    if field not in fields:
        raise ScenarioError(
            _field_problem(scenario, side, role, actor, field)
            + "; allowed: "
            + ", ".join(f"{actor}.{SPELLED.get(name, name)}" for name in fields),
            field=text,
        )
    if issue and not BY_NAME[field].per_issue:
        raise ScenarioError(f"{field} has no issues; allowed: {actor}.{field}", field=text)
    if issue and issue[0] not in scenario.issue_ids:
        raise ScenarioError(
            f"unknown issue {issue[0]!r}; allowed: {actor}.{SPELLED.get(field, field)}.ISSUE with "
            f"ISSUE one of {', '.join(scenario.issue_ids)}",
            field=text,
        )
    return _path(text, actor, side, role, field, issue[0] if issue else None)


def _contact_path(text: str, contact: str, field: str, issue: list[str]) -> ParameterPath:
    if field not in CONTACT_FIELDS or issue:
        raise ScenarioError(
            f"unknown field {'.'.join([field, *issue])!r} of contact {contact}; allowed: "
            + ", ".join(f"{contact}.{name}" for name in CONTACT_FIELDS),
            field=text,
        )
    return _path(text, contact, None, "contact", field, None)


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
    order (salience raw, as written). The negotiator fields are the side's effective
    values (defaults 1 and 0 on a side negotiated by its principal). An unset field is
    what it means: ``mandate`` the reservation, ``believes`` the other principal's
    salience (raw), ``meets_without_deal`` NaN (null); ``reviews_from`` is the day number
    since start."""
    if path.role == "scenario":
        return float(getattr(scenario, path.field))
    if path.role == "contact":
        return float(getattr(scenario.contacts[scenario.contact_ids.index(path.owner)], path.field))
    if path.field in NEGOTIATOR_FIELDS:
        return scenario.negotiator_value(path.side_index, path.field)
    if path.field in DATE_FIELDS:
        return float(scenario.day(scenario.reviews_from(path.side_index)))
    holder: Approver | Principal | Negotiator
    if path.role == "approver":
        holder = scenario.approvers[path.owner][1]
    else:
        holder = scenario.actor(path.owner)
    values = getattr(holder, path.field)
    if path.field == "believes":
        values = believed_raw(scenario, path.side_index)
    elif values is None:  # unset: mandate is the reservation, meets_without_deal null
        return (
            scenario.sides[path.side_index].principal.reservation
            if path.field == "mandate"
            else (math.nan)
        )
    if path.issue is not None or path.vector:
        per_issue: dict[str, float] = values
        if path.issue is not None:
            return per_issue[path.issue]
        return [per_issue[issue] for issue in scenario.issue_ids]
    number: float = values
    return number


def scalar_value(scenario: Scenario, path: ParameterPath) -> float:
    """The value at a scalar path (one number: not a whole per-issue field), as a float."""
    value = get_value(scenario, path)
    if isinstance(value, list):
        raise ValueError(f"{path.text} names one value per issue, not one number")
    return float(value)


def believed_raw(scenario: Scenario, side: int) -> dict[str, float]:
    """The raw weights side ``side`` believes the other principal has: as written, else the
    other principal's own salience."""
    holder = scenario.negotiator_of(side) or scenario.sides[side].principal
    if holder.believes is not None:
        return dict(holder.believes.salience)
    return dict(scenario.sides[1 - side].principal.salience)


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
    """Every numeric scalar path of the scenario in a stable order: ``noise``, then per
    side the principal's fields and issue values, then the negotiator fields (by the
    negotiator's id, or the principal's on a side without one), then the approvers' fields
    and the contacts' ``held``. A field newer than the file's schema is left out (so a
    schema 1 file lists what it always did), and so is an unset ``meets_without_deal``
    (null: no number to vary)."""

    def listed(name: str) -> bool:
        return BY_NAME[name].since <= scenario.schema_version

    found = list(SCENARIO_FIELDS)
    for side in scenario.sides:
        principal = side.principal
        for field in PRINCIPAL_FIELDS:
            unset = field == "meets_without_deal" and principal.meets_without_deal is None
            no_mandate = field == "mandate" and side.negotiator is None
            if listed(field) and not unset and not no_mandate:
                found.append(f"{principal.id}.{field}")
        found += [
            f"{principal.id}.{field}.{issue}"
            for field in ISSUE_FIELDS
            for issue in scenario.issue_ids
        ]
        delegate = (side.negotiator or side.principal).id
        found += [f"{delegate}.{field}" for field in NEGOTIATOR_FIELDS if listed(field)]
    for approver in scenario.approvers:
        found += [f"{approver}.reservation"]
        found += [
            f"{approver}.{field}.{issue}" for field in ISSUE_FIELDS for issue in scenario.issue_ids
        ]
    for contact in scenario.contact_ids:
        if contact is not None:
            found += [f"{contact}.{field}" for field in CONTACT_FIELDS if listed(field)]
    return found
