"""The table of numeric fields: one row per model parameter, the one place it is named.

Everything else that lists the numeric fields is derived from :data:`FIELDS`: the ranges
the schema checks (:data:`RANGES`), the flat-vector layout of :mod:`summitsim.arrays`
(:data:`SIDE_FIELDS`, in table order), the fields the Mesa agents are built with, the
parameter paths (:data:`PRINCIPAL_FIELDS`, :data:`ISSUE_FIELDS`, :data:`NEGOTIATOR_FIELDS`,
:data:`SCENARIO_FIELDS`, :data:`CONTACT_FIELDS`, :data:`APPROVER_FIELDS`) and the
classroom sliders (:func:`sliders`).

The order of the rows is the layout of one side of the flat vector: the schema 1
per-issue fields, the schema 1 scalars, then the schema 2 scalars and the schema 2
per-issue field (``believes``), so that a schema 1 side keeps its positions; then the
scenario's fields, the contacts' and the approvers' (design-schema2.md, section A of the
project's arrays).

Two more columns say how a field came in: ``since`` is the schema version that
introduced it (older files list only older fields among their paths and sliders) and
``schemas`` the versions whose files may write it. The settings that choose a rule
rather than a number (``clock``, ``noise_model``, ``tactic``, ``blame``) are the rows of
:data:`SETTINGS`, with their default in each schema (design-schema2.md section 9).

A new scalar field is a row here, its line in the section of its role in :mod:`.schema`
(``name: Annotated[float, field_check("name")] = default("name")``; tests/test_fields.py
fails without it), and its rule: the equation in :mod:`summitsim.rules`, its index
constant in :mod:`summitsim.arrays` where the kernel reads it, and its use in the kernel
and in the agent (a ``name: float`` attribute). Paths, ranges in messages, the layout, the
agents' arguments and a slider follow from the row.

>>> SIDE_FIELDS[:3], ISSUE_FIELDS, SCENARIO_FIELDS
(('reservation', 'softness', 'patience'), ('ideal', 'salience'), ('noise',))
>>> RANGES["reservation"].text(), RANGES["concession"].text()
('a number in [0, 1)', 'a number > 0')
"""

import math
from dataclasses import dataclass
from typing import Literal

Role = Literal["principal", "negotiator", "scenario", "contact", "approver"]
#: How a field is written in a file: a number (or a mapping of numbers per issue), a date
#: (``reviews_from``: whole days since ``start`` in the vector), or the belief mapping
#: ``believes: {salience: {...}}``.
Written = Literal["number", "date", "belief"]
#: The schema versions there are.
SCHEMA_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Range:
    """An interval of real numbers, each end closed or open. An infinite end is always
    open: infinity itself is never a valid value."""

    low: float
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "low_open", self.low_open or math.isinf(self.low))
        object.__setattr__(self, "high_open", self.high_open or math.isinf(self.high))

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (NaN never does)."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def text(self) -> str:
        """Human text: ``a number in [0, 1)``, ``a number > 0``, ``a number >= 0``."""
        if math.isinf(self.high):
            return f"a number {'>' if self.low_open else '>='} {self.low:g}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"a number in {left}{self.low:g}, {self.high:g}{right}"


UNIT = Range(0.0, 1.0)
NON_NEGATIVE = Range(0.0, math.inf)
POSITIVE = Range(0.0, math.inf, low_open=True)
WEIGHT = Range(0.0, 1e6)
#: The last day number a date of the talks can have (schema.MAX_DAYS after start).
MAX_DAY = 36_500.0


@dataclass(frozen=True)
class Slider:
    """A field's slider on the classroom page: its span and step (a teaching span, inside
    the field's range), its ``place`` among the sliders of an actor, and a label for a
    scenario field (an actor's slider is labelled by the actor's name and the field)."""

    low: float
    high: float
    step: float
    place: int
    label: str = ""


@dataclass(frozen=True)
class NumericField:
    """One numeric field of a scenario.

    ``role`` says whose it is: a principal's, a negotiator's (on a side without a
    negotiator its principal carries it) or the scenario's. ``range`` is what a file may
    give (for a per-issue field: each issue's value); ``default`` is the value when the
    file gives none (None: the file must give it). ``per_issue`` fields hold one value per
    issue. A NaN default means "unset": the rule falls back to what ``unset`` says (the
    file writes nothing, or null). ``since`` is the schema version that introduced the
    field, ``schemas`` the versions whose files may write it. ``approver``: an approver
    (design-schema2.md section 7) has the field too, with the same range."""

    name: str
    role: Role
    range: Range
    default: float | None
    per_issue: bool = False
    schemas: tuple[int, ...] = SCHEMA_VERSIONS
    slider: Slider | None = None
    since: int = 1
    written: Written = "number"
    unset: str = ""
    approver: bool = False


FIELDS: tuple[NumericField, ...] = (
    NumericField("ideal", "principal", UNIT, None, per_issue=True, approver=True),
    # Raw weights are normalised by their sum: far below the float range, so no sum
    # overflows (1e308 + 1e308 is inf, and every weight would become 0).
    NumericField("salience", "principal", WEIGHT, None, per_issue=True, approver=True),
    NumericField(
        "reservation",
        "principal",
        Range(0.0, 1.0, high_open=True),
        None,
        slider=Slider(0.0, 0.99, 0.01, place=2),
        approver=True,
    ),
    NumericField("softness", "principal", UNIT, 0.0, slider=Slider(0.0, 1.0, 0.01, place=0)),
    NumericField("patience", "principal", UNIT, 0.0, slider=Slider(0.0, 1.0, 0.01, place=1)),
    NumericField("trust", "principal", UNIT, 1.0),
    NumericField("trust_loss", "principal", UNIT, 0.0),
    NumericField("sideline_below", "principal", UNIT, 0.0),
    NumericField("concession", "negotiator", POSITIVE, 1.0, slider=Slider(0.1, 4.0, 0.05, place=3)),
    NumericField("hawkishness", "negotiator", UNIT, 0.0, slider=Slider(0.0, 1.0, 0.01, place=4)),
    # -- schema 2 (design-schema2.md sections 3, 4, 6, 8, 2), after every schema 1 row --
    NumericField(
        "reciprocity", "negotiator", UNIT, 0.0, since=2, slider=Slider(0.0, 1.0, 0.01, place=5)
    ),
    NumericField(
        "mandate",
        "principal",
        Range(0.0, 1.0, high_open=True),
        math.nan,
        since=2,
        unset="the trial's reservation",
        slider=Slider(0.0, 0.99, 0.01, place=3),
    ),
    NumericField(
        "meets_without_deal",
        "principal",
        UNIT,
        math.nan,
        since=2,
        unset="null: no summit without an agreed framework",
    ),
    # A date in the file; whole days since start in the vector (its uncertainty draws days).
    NumericField("reviews_from", "principal", Range(0.0, MAX_DAY), 0.0, written="date"),
    NumericField(
        "believes",
        "negotiator",
        WEIGHT,
        math.nan,
        per_issue=True,
        since=2,
        written="belief",
        unset="the other principal's salience of the trial",
    ),
    NumericField(
        "noise",
        "scenario",
        NON_NEGATIVE,
        0.0,
        slider=Slider(0.0, 0.2, 0.005, place=0, label="Noise (sd of each judgement)"),
    ),
    NumericField("held", "contact", Range(0.0, 1.0, low_open=True), 1.0, since=2),
)

#: Each field by name.
BY_NAME: dict[str, NumericField] = {field.name: field for field in FIELDS}
#: The range of every numeric field (for ``ideal`` and ``salience``: of each issue's value).
RANGES: dict[str, Range] = {field.name: field.range for field in FIELDS}
_SIDE_ROLES = ("principal", "negotiator")
#: The per-issue fields of a principal, in layout order (first in a side's layout).
ISSUE_FIELDS = tuple(field.name for field in FIELDS if field.per_issue and field.since == 1)
#: A principal's numeric scalar fields, in layout order (the Mesa principal's attributes).
PRINCIPAL_FIELDS = tuple(
    field.name
    for field in FIELDS
    if field.role == "principal" and not field.per_issue and field.written == "number"
)
#: A negotiator's numeric scalar fields (a principal's on a side without a negotiator).
NEGOTIATOR_FIELDS = tuple(
    field.name
    for field in FIELDS
    if field.role == "negotiator" and not field.per_issue and field.written == "number"
)
#: Every scalar of a side in the flat vector, in its order after the side's first
#: per-issue fields (ideal, salience): the schema 1 scalars first.
SIDE_FIELDS = tuple(
    field.name for field in FIELDS if field.role in _SIDE_ROLES and not field.per_issue
)
#: Per-issue fields of a side after its scalars (schema 2: ``believes``).
LATE_ISSUE_FIELDS = tuple(
    field.name
    for field in FIELDS
    if field.per_issue and field.role in _SIDE_ROLES and field.name not in ISSUE_FIELDS
)
#: The scalar fields written as dates (``reviews_from``).
DATE_FIELDS = tuple(field.name for field in FIELDS if field.written == "date")
#: The scenario's own fields, in their order after both sides.
SCENARIO_FIELDS = tuple(field.name for field in FIELDS if field.role == "scenario")
#: A contact's fields (schema 2: ``held``), one block per field after the scenario's.
CONTACT_FIELDS = tuple(field.name for field in FIELDS if field.role == "contact")
#: An approver's fields, in its layout order (per-issue fields first).
APPROVER_FIELDS = tuple(field.name for field in FIELDS if field.approver)


@dataclass(frozen=True)
class Setting:
    """A field that chooses a rule by name: its ``choices`` (the index of a choice is its
    integer code in the arrays), its default in each schema version (``defaults[v - 1]``
    for schema ``v``) and the versions whose files may write it."""

    name: str
    role: Role
    choices: tuple[str, ...]
    defaults: tuple[str, ...]
    schemas: tuple[int, ...] = (2,)

    def default(self, schema: int) -> str:
        """The rule a file of ``schema`` gets when it does not write the field."""
        return self.defaults[schema - 1]

    def code(self, choice: str) -> int:
        """The integer the arrays carry for ``choice``."""
        return self.choices.index(choice)


#: The settings (design-schema2.md sections 1, 2, 5, 8 and the defaults of section 9). A
#: schema 1 file may not write them: each would change what the file means.
SETTINGS: tuple[Setting, ...] = (
    Setting("clock", "scenario", ("contacts", "calendar"), ("contacts", "calendar")),
    Setting("noise_model", "scenario", ("judgement", "perception"), ("judgement", "perception")),
    Setting("tactic", "negotiator", ("segment", "tradeoff"), ("segment", "tradeoff")),
    Setting("blame", "principal", ("always", "pivotal"), ("always", "pivotal")),
)
#: Each setting by name.
SETTING_BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def default(name: str) -> float:
    """The value of an optional field when the file gives none."""
    value = BY_NAME[name].default
    if value is None:
        raise KeyError(f"{name} has no default: a scenario must give it")
    return value


def sliders(role: Role, schema: int = 1) -> list[tuple[NumericField, Slider]]:
    """The fields of ``role`` that have a slider on the page of a file of ``schema``, with
    it, in their order on the page (a field newer than the file has none there).

    >>> [field.name for field, _ in sliders("principal")]
    ['softness', 'patience', 'reservation']
    >>> [field.name for field, _ in sliders("negotiator", schema=2)]
    ['concession', 'hawkishness', 'reciprocity']
    """
    found = [
        (field, field.slider)
        for field in FIELDS
        if field.role == role and field.slider and field.since <= schema
    ]
    return sorted(found, key=lambda pair: pair[1].place)
