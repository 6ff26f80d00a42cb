"""The value types of a scenario file: numbers in a field's range, whole numbers, ids,
slugs, text, dates and settings, each checking itself so that a message can say what is
allowed; and :class:`Section`, the base of every part of a file.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, GetCoreSchemaHandler, PlainValidator, StringConstraints
from pydantic_core import CoreSchema

from summitsim.scenario.fields import MAX_DAY, NON_NEGATIVE, RANGES, SETTING_BY_NAME, Range
from summitsim.scenario.messages import Allowed, described
from summitsim.scenario.safe_yaml import DATE_WORDS

#: The longest span of days a scenario may cover: the talks (start to summit) and a
#: consequence after the summit (``after_days``, or ``on`` counted from the summit).
MAX_DAYS = int(MAX_DAY)
#: The most trials ``expect:`` may ask for (20,000 is the default).
MAX_EXPECT_TRIALS = 100_000_000

#: Concentrations the Beta and Dirichlet draws handle: below 1e-3 even the logs of their
#: gamma variates leave the float range for some issue, above 1e6 the draw is the nominal
#: value to six digits anyway.
CONCENTRATION = Range(1e-3, 1e6)

# -- value types -----------------------------------------------------------------------


@dataclass(frozen=True)
class Checked(Allowed):
    """A value type's own check and its words, as one mark of an ``Annotated`` type:
    pydantic runs ``check`` instead of its own validation (as a ``PlainValidator``), the
    messages read ``words``. One mark, so that a field's type is a plain ``Annotated[float,
    field_check("trust")]`` that type checkers read as a float."""

    check: Callable[[object], Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return PlainValidator(self.check).__get_pydantic_core_schema__(source, handler)


def scalar(kind: type[int] | type[float], bounds: Range, allowed: str) -> Checked:
    """The check of a number type that takes ints (and, for floats, floats) but never
    booleans or strings, and checks ``bounds`` itself so the message can say what is
    allowed."""
    accepted = (int, float) if kind is float else (int,)

    # Validators raise ValueError even for a wrong type: pydantic reports only ValueError
    # (and AssertionError) as a validation error, anything else would escape as a crash.
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, accepted):
            raise ValueError(f"got {described(value)}; allowed: {allowed}")
        try:
            inside = bounds.contains(float(value))
        except OverflowError:  # an int too large for a float
            inside = False
        if not inside:
            raise ValueError(f"{value} is out of range; allowed: {allowed}")
        return kind(value)

    return Checked(allowed, check)


def number(bounds: Range) -> Checked:
    """The check of a float in ``bounds``."""
    return scalar(float, bounds, bounds.text())


def whole(minimum: int, maximum: int | None = None, unit: str = "") -> Checked:
    """The check of a whole number from ``minimum`` (to ``maximum``, in ``unit``)."""
    if maximum is None:
        return scalar(int, Range(minimum), f"a whole number >= {minimum}")
    words = f"a whole number from {minimum} to {maximum:,}" + (f" ({unit})" if unit else "")
    return scalar(int, Range(minimum, maximum), words)


ID_WORDS = "an id: a letter or digit, then letters, digits, '_' or '-'"


def as_date(value: object) -> date:
    """A YAML date or an ISO date string (``2025-10-16``); times of day are refused."""
    if isinstance(value, datetime):
        raise ValueError(f"got the date and time {value.isoformat()}; allowed: {DATE_WORDS}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"got {described(value)}; allowed: {DATE_WORDS}")


def setting_check(name: str) -> Checked:
    """The check of a setting of the table (:data:`.fields.SETTINGS`): one of its
    choices."""
    choices = SETTING_BY_NAME[name].choices

    def check(value: object) -> str:
        if value not in choices:
            raise ValueError(f"got {described(value)}; allowed: one of {', '.join(choices)}")
        return str(value)

    return Checked("one of " + ", ".join(choices), check)


def field_check(name: str) -> Checked:
    """The check of a numeric field (of each issue's value, for a per-issue field): a
    number in the field's range in the table of fields."""
    return number(RANGES[name])


Unit = Annotated[float, number(Range(0.0, 1.0))]
NonNegative = Annotated[float, number(NON_NEGATIVE)]
Concentration = Annotated[float, number(CONCENTRATION)]
AnyNumber = Annotated[float, number(Range(-math.inf, math.inf))]
Id = Annotated[
    str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"), Allowed(ID_WORDS)
]
Slug = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9_-]*$"),
    Allowed("a slug: lower-case letters, digits, '_' or '-', starting with a letter or digit"),
]
Text = Annotated[
    str, StringConstraints(strict=True), Allowed("a string (quote it if YAML reads a number)")
]
Day = Annotated[date, PlainValidator(as_date), Allowed(DATE_WORDS)]


def default_to(data: Any, field: str, source: str) -> Any:
    """``data`` with ``field`` set to ``data[source]`` when only the latter is given."""
    if isinstance(data, dict) and field not in data and source in data:
        return {**data, field: data[source]}
    return data


def normalised(weights: dict[str, float], issue_ids: Iterable[str]) -> list[float]:
    """The weights of ``issue_ids``, in that order, divided by their sum."""
    raw = [weights[issue] for issue in issue_ids]
    total = sum(raw)
    return [value / total for value in raw]


#: The configuration of every part of a file: unknown fields are errors and values never
#: change. Each module declares its own base with it (``class _Section(BaseModel)``), so
#: that linters see the pydantic models.
SECTION_CONFIG = ConfigDict(extra="forbid", frozen=True)
