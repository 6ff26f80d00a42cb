"""The table of numeric fields: one row per model parameter, the one place it is named.

Everything else that lists the numeric fields is derived from :data:`FIELDS`: the ranges
the schema checks (:data:`RANGES`), the flat-vector layout of :mod:`summitsim.arrays`
(:data:`SIDE_FIELDS`, in table order), the fields the Mesa agents are built with, the
parameter paths (:data:`PRINCIPAL_FIELDS`, :data:`ISSUE_FIELDS`, :data:`NEGOTIATOR_FIELDS`,
:data:`SCENARIO_FIELDS`) and the classroom sliders (:func:`sliders`).

The order of the rows is the layout of one side of the flat vector (per-issue fields
first, then the principal's and the negotiator's scalars), then the scenario's fields.

A new scalar field is a row here, its line in the section of its role in :mod:`.schema`
(``name: _field("name") = default("name")``; tests/test_fields.py fails without it), and
its rule: the equation in :mod:`summitsim.rules`, its index constant in
:mod:`summitsim.arrays` where the kernel reads it, and its use in the kernel and in the
agent (a ``name: float`` attribute). Paths, ranges in messages, the layout, the
agents' arguments and a slider follow from the row.

>>> SIDE_FIELDS[:3], ISSUE_FIELDS, SCENARIO_FIELDS
(('reservation', 'softness', 'patience'), ('ideal', 'salience'), ('noise',))
>>> RANGES["reservation"].text(), RANGES["concession"].text()
('a number in [0, 1)', 'a number > 0')
"""

import math
from dataclasses import dataclass
from typing import Literal

Role = Literal["principal", "negotiator", "scenario"]


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
    issue. ``schemas`` are the schema versions that have the field."""

    name: str
    role: Role
    range: Range
    default: float | None
    per_issue: bool = False
    schemas: tuple[int, ...] = (1,)
    slider: Slider | None = None


FIELDS: tuple[NumericField, ...] = (
    NumericField("ideal", "principal", UNIT, None, per_issue=True),
    # Raw weights are normalised by their sum: far below the float range, so no sum
    # overflows (1e308 + 1e308 is inf, and every weight would become 0).
    NumericField("salience", "principal", Range(0.0, 1e6), None, per_issue=True),
    NumericField(
        "reservation",
        "principal",
        Range(0.0, 1.0, high_open=True),
        None,
        slider=Slider(0.0, 0.99, 0.01, place=2),
    ),
    NumericField("softness", "principal", UNIT, 0.0, slider=Slider(0.0, 1.0, 0.01, place=0)),
    NumericField("patience", "principal", UNIT, 0.0, slider=Slider(0.0, 1.0, 0.01, place=1)),
    NumericField("trust", "principal", UNIT, 1.0),
    NumericField("trust_loss", "principal", UNIT, 0.0),
    NumericField("sideline_below", "principal", UNIT, 0.0),
    NumericField("concession", "negotiator", POSITIVE, 1.0, slider=Slider(0.1, 4.0, 0.05, place=3)),
    NumericField("hawkishness", "negotiator", UNIT, 0.0, slider=Slider(0.0, 1.0, 0.01, place=4)),
    NumericField(
        "noise",
        "scenario",
        NON_NEGATIVE,
        0.0,
        slider=Slider(0.0, 0.2, 0.005, place=0, label="Noise (sd of each judgement)"),
    ),
)

#: Each field by name.
BY_NAME: dict[str, NumericField] = {field.name: field for field in FIELDS}
#: The range of every numeric field (for ``ideal`` and ``salience``: of each issue's value).
RANGES: dict[str, Range] = {field.name: field.range for field in FIELDS}
#: The per-issue fields of a principal, in layout order.
ISSUE_FIELDS = tuple(field.name for field in FIELDS if field.per_issue)
#: A principal's scalar fields, in layout order.
PRINCIPAL_FIELDS = tuple(
    field.name for field in FIELDS if field.role == "principal" and not field.per_issue
)
#: A negotiator's fields (a principal's on a side without a negotiator), in layout order.
NEGOTIATOR_FIELDS = tuple(field.name for field in FIELDS if field.role == "negotiator")
#: Scalar fields of a side, in their order after the side's per-issue fields.
SIDE_FIELDS = PRINCIPAL_FIELDS + NEGOTIATOR_FIELDS
#: The scenario's own fields, in their order after both sides.
SCENARIO_FIELDS = tuple(field.name for field in FIELDS if field.role == "scenario")


def default(name: str) -> float:
    """The value of an optional field when the file gives none."""
    value = BY_NAME[name].default
    if value is None:
        raise KeyError(f"{name} has no default: a scenario must give it")
    return value


def sliders(role: Role) -> list[tuple[NumericField, Slider]]:
    """The fields of ``role`` that have a slider, with it, in their order on the page.

    >>> [field.name for field, _ in sliders("principal")]
    ['softness', 'patience', 'reservation']
    """
    found = [(field, field.slider) for field in FIELDS if field.role == role and field.slider]
    return sorted(found, key=lambda pair: pair[1].place)
