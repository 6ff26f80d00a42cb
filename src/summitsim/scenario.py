"""Scenario files: the schema of design.md section 3, its validation and clear errors.

A scenario is read safely by :mod:`summitsim.safeyaml` (size guard, safe loader, plain
tags, bounded aliases, line numbers), then validated by the pydantic models below
(unknown fields are errors) and by the cross-checks between fields (ids, dates,
parameter paths). Nothing in a file ever executes.

Any bad input raises :class:`ScenarioError`, whose text names the file, the line where
the YAML gives it, the field path and what is allowed.
"""

import hashlib
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from summitsim.errors import Loc, ScenarioError
from summitsim.safeyaml import (
    DATE_WORDS,
    LineMap,
    read_text,
    read_yaml,
)
from summitsim.safeyaml import MAX_FILE_BYTES as MAX_FILE_BYTES
from summitsim.safeyaml import MAX_NODES as MAX_NODES
from summitsim.safeyaml import read_document as read_document
from summitsim.safeyaml import read_scenario_bytes as read_scenario_bytes

#: The longest span of days a scenario may cover: the talks (start to summit) and a
#: consequence after the summit (``after_days``, or ``on`` counted from the summit).
MAX_DAYS = 36_500
#: The most trials ``expect:`` may ask for (20,000 is the default).
MAX_EXPECT_TRIALS = 100_000_000

# -- value types -----------------------------------------------------------------------


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


@dataclass(frozen=True)
class Allowed:
    """What a field accepts, in words; read by the error messages."""

    words: str


UNIT = Range(0.0, 1.0)
NON_NEGATIVE = Range(0.0, math.inf)
POSITIVE = Range(0.0, math.inf, low_open=True)

#: The range of every numeric field (for ``ideal`` and ``salience``: of each issue's value).
RANGES: dict[str, Range] = {
    "reservation": Range(0.0, 1.0, high_open=True),
    "softness": UNIT,
    "patience": UNIT,
    "trust": UNIT,
    "trust_loss": UNIT,
    "sideline_below": UNIT,
    "concession": POSITIVE,
    "hawkishness": UNIT,
    "ideal": UNIT,
    # Raw weights are normalised by their sum: far below the float range, so no sum
    # overflows (1e308 + 1e308 is inf, and every weight would become 0).
    "salience": Range(0.0, 1e6),
    "noise": NON_NEGATIVE,
}

#: Concentrations the Beta and Dirichlet draws handle: below 1e-3 even the logs of their
#: gamma variates leave the float range for some issue, above 1e6 the draw is the nominal
#: value to six digits anyway.
CONCENTRATION = Range(1e-3, 1e6)


def _described(value: object) -> str:
    """What a wrong value is, for messages: ``the string '0.5'``, ``a mapping``."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value if len(value) <= 40 else value[:37] + '...'!r}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def _scalar(kind: type, bounds: Range, allowed: str) -> Any:
    """A number type that takes ints (and, for floats, floats) but never booleans or
    strings, and checks ``bounds`` itself so the message can say what is allowed."""
    accepted = (int, float) if kind is float else (int,)

    # Validators raise ValueError even for a wrong type: pydantic reports only ValueError
    # (and AssertionError) as a validation error, anything else would escape as a crash.
    def check(value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, accepted):
            raise ValueError(f"got {_described(value)}; allowed: {allowed}")
        try:
            inside = bounds.contains(float(value))
        except OverflowError:  # an int too large for a float
            inside = False
        if not inside:
            raise ValueError(f"{value} is out of range; allowed: {allowed}")
        return kind(value)

    return Annotated[kind, PlainValidator(check), Allowed(allowed)]


def _number(bounds: Range) -> Any:
    return _scalar(float, bounds, bounds.text())


def _whole(minimum: int, maximum: int | None = None, unit: str = "") -> Any:
    if maximum is None:
        return _scalar(int, Range(minimum), f"a whole number >= {minimum}")
    words = f"a whole number from {minimum} to {maximum:,}" + (f" ({unit})" if unit else "")
    return _scalar(int, Range(minimum, maximum), words)


ID_WORDS = "an id: a letter or digit, then letters, digits, '_' or '-'"


def _as_date(value: object) -> date:
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
    raise ValueError(f"got {_described(value)}; allowed: {DATE_WORDS}")


Unit = _number(UNIT)
HalfOpenUnit = _number(RANGES["reservation"])
Positive = _number(POSITIVE)
NonNegative = _number(NON_NEGATIVE)
Weight = _number(RANGES["salience"])
Concentration = _number(CONCENTRATION)
AnyNumber = _number(Range(-math.inf, math.inf))
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
Day = Annotated[date, PlainValidator(_as_date), Allowed(DATE_WORDS)]


def _default_to(data: Any, field: str, source: str) -> Any:
    """``data`` with ``field`` set to ``data[source]`` when only the latter is given."""
    if isinstance(data, dict) and field not in data and source in data:
        return {**data, field: data[source]}
    return data


class _Section(BaseModel):
    """A part of a scenario file: unknown fields are errors and values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- the schema --------------------------------------------------------------------------


class Issue(_Section):
    """One dimension of a position, valued in [0, 1]; ``low`` and ``high`` say what 0 and
    1 mean."""

    id: Id
    label: Text
    low: Text = ""
    high: Text = ""

    @model_validator(mode="before")
    @classmethod
    def _label_defaults_to_id(cls, data: Any) -> Any:
        return _default_to(data, "label", "id")


class Principal(_Section):
    """A head of state: preferences, the value of no summit, demand softness, patience,
    and trust in its negotiator. On a side without a negotiator it also carries
    ``concession`` and ``hawkishness`` (default 1 and 0, see :meth:`Scenario.concession`)."""

    id: Id
    name: Text
    ideal: Annotated[dict[str, Unit], Allowed("a mapping from each issue id to a number in [0, 1]")]
    salience: Annotated[
        dict[str, Weight],
        Allowed("a mapping from each issue id to a number in [0, 1e6], not all 0"),
    ]
    reservation: HalfOpenUnit
    softness: Unit = 0.0
    patience: Unit = 0.0
    reviews_from: Day | None = None
    trust: Unit = 1.0
    trust_loss: Unit = 0.0
    sideline_below: Unit = 0.0
    concession: Positive | None = None
    hawkishness: Unit | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_id(cls, data: Any) -> Any:
        return _default_to(data, "name", "id")

    def weights(self, issue_ids: Iterable[str]) -> list[float]:
        """The salience of each of ``issue_ids``, normalised to sum 1."""
        raw = [self.salience[issue] for issue in issue_ids]
        total = sum(raw)
        return [value / total for value in raw]


class Negotiator(_Section):
    """A foreign minister or envoy: ``concession`` beta > 0 (< 1 holds out, > 1 concedes
    early) and ``hawkishness`` h in [0, 1] (how much harder than the mandate)."""

    id: Id
    name: Text
    concession: Positive = 1.0
    hawkishness: Unit = 0.0

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_id(cls, data: Any) -> Any:
        return _default_to(data, "name", "id")


class Side(_Section):
    """One party: a principal and at most one negotiator."""

    id: Id
    principal: Principal
    negotiator: Negotiator | None = None


class Contact(_Section):
    """A dated exchange between the sides."""

    date: Day
    label: Text = ""


Outcome = Literal["summit", "cancelled", "vetoed", "deadline"]


class Consequence(_Section):
    """An event that fires after the outcome: on ``on`` or ``after_days`` after the
    outcome's date. ``by`` narrows cancelled/vetoed to a side, ``who`` narrows sidelined
    to a negotiator."""

    when: Literal["summit", "cancelled", "vetoed", "deadline", "collapse", "sidelined"]
    by: Id | None = None
    who: Id | None = None
    on: Day | None = None
    after_days: _whole(0, MAX_DAYS, "100 years") | None = None
    text: Text


UNCERTAINTY_FORMS = ("uniform", "normal_sd", "lognormal_sd", "concentration")


class Uncertainty(_Section):
    """How one parameter varies between Monte Carlo trials: exactly one form.

    ``uniform`` [low, high] and ``normal_sd`` / ``lognormal_sd`` (both clipped to the
    field's range) for scalar paths; ``concentration`` c in [1e-3, 1e6] for ``ACTOR.ideal``
    (Beta per issue) and ``ACTOR.salience`` (Dirichlet)."""

    uniform: (
        Annotated[
            list[AnyNumber],
            Field(min_length=2, max_length=2),
            Allowed("[low, high]: two numbers inside the field's range, low <= high"),
        ]
        | None
    ) = None
    normal_sd: NonNegative | None = None
    lognormal_sd: NonNegative | None = None
    concentration: Concentration | None = None

    @property
    def forms(self) -> list[str]:
        """The forms given (valid: exactly one)."""
        return [form for form in UNCERTAINTY_FORMS if getattr(self, form) is not None]


class Bounds(_Section):
    """An interval for a probability: ``min <= max``, both in [0, 1]."""

    min: Unit = 0.0
    max: Unit = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> "Bounds":
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}; allowed: min <= max")
        return self


class Expect(_Section):
    """What ``summitsim check`` asserts: the nominal ``outcome`` (and ``by``) and
    ``p_summit`` bounds, estimated with ``trials`` trials from ``seed``. ``trials`` and
    ``seed`` may also be written inside ``p_summit``; there they win."""

    outcome: Outcome | None = None
    by: Id | None = None
    p_summit: Bounds | None = None
    trials: _whole(1, MAX_EXPECT_TRIALS) = 20000
    seed: _whole(0) = 0

    @model_validator(mode="before")
    @classmethod
    def _run_settings_from_bounds(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("p_summit"), dict):
            bounds = dict(data["p_summit"])
            moved = {key: bounds.pop(key) for key in ("trials", "seed") if key in bounds}
            return {**data, "p_summit": bounds, **moved}
        return data


class Scenario(_Section):
    """A validated scenario file (schema version 1, design.md section 3).

    Besides the fields, it offers the look-ups the drivers use (sides by index, actors
    by id, the effective concession and hawkishness of each side), ``source`` (the file
    name shown in messages) and ``sha256`` (of the file's bytes, or of the text).
    """

    schema_version: _scalar(int, Range(1.0, 1.0), "1, the only schema version so far") = Field(
        alias="schema"
    )
    name: Slug
    title: Text
    sources: Annotated[list[Text], Allowed("a list of strings (citations)")] = []
    start: Day
    summit: Day
    first_mover: Id
    noise: NonNegative = 0.0
    issues: Annotated[
        list[Issue],
        Field(min_length=1),
        Allowed("a list of at least one issue, each a mapping with fields id, label, low, high"),
    ]
    sides: Annotated[
        list[Side],
        Field(min_length=2, max_length=2),
        Allowed("exactly two sides, each a mapping with fields id, principal, negotiator"),
    ]
    contacts: Annotated[
        list[Contact],
        Field(min_length=1),
        Allowed("a list of at least one contact, each a mapping with fields date, label"),
    ]
    consequences: list[Consequence] = []
    uncertainty: Annotated[
        dict[str, Uncertainty],
        Allowed("a mapping from parameter paths (like putin.softness) to a form"),
    ] = {}
    expect: Expect | None = None

    _source: str = PrivateAttr(default="<string>")
    _sha256: str = PrivateAttr(default="")

    @model_validator(mode="before")
    @classmethod
    def _title_defaults_to_name(cls, data: Any) -> Any:
        return _default_to(data, "title", "name")

    @model_validator(mode="after")
    def _cross_check(self) -> "Scenario":
        # ScenarioError is not a ValueError, so pydantic lets it through with its loc.
        for check in CROSS_CHECKS:
            check(self)
        return self

    @property
    def source(self) -> str:
        """The file name shown in messages (``<string>`` for text)."""
        return self._source

    @property
    def sha256(self) -> str:
        """The sha256 (hex) of the file's bytes, or of the text's UTF-8 encoding."""
        return self._sha256

    @property
    def issue_ids(self) -> list[str]:
        return [issue.id for issue in self.issues]

    @property
    def side_ids(self) -> list[str]:
        return [side.id for side in self.sides]

    def side_index(self, side_id: str) -> int:
        """Index of a side in ``sides`` (0 is side A, the first listed)."""
        if side_id not in self.side_ids:
            raise ScenarioError(_unknown("side", side_id, self.side_ids), field=side_id)
        return self.side_ids.index(side_id)

    @property
    def first_mover_index(self) -> int:
        return self.side_index(self.first_mover)

    @property
    def actors(self) -> dict[str, tuple[int, Principal | Negotiator]]:
        """Every principal and negotiator by id, with its side index, in file order."""
        found: dict[str, tuple[int, Principal | Negotiator]] = {}
        for j, side in enumerate(self.sides):
            for person in (side.principal, side.negotiator):
                if person is not None:
                    found.setdefault(person.id, (j, person))
        return found

    def actor(self, actor_id: str) -> Principal | Negotiator:
        """The principal or negotiator with this id."""
        return self._actor_entry(actor_id)[1]

    def actor_side(self, actor_id: str) -> int:
        """The side index of a principal or negotiator."""
        return self._actor_entry(actor_id)[0]

    def _actor_entry(self, actor_id: str) -> tuple[int, Principal | Negotiator]:
        actors = self.actors
        if actor_id not in actors:
            raise ScenarioError(_unknown("actor", actor_id, list(actors)), field=actor_id)
        return actors[actor_id]

    def negotiator_of(self, side_index: int) -> Negotiator | None:
        """The side's negotiator; None for a side negotiated by its principal."""
        return self.sides[side_index].negotiator

    def concession(self, side_index: int) -> float:
        """The side's concession beta: its negotiator's, else its principal's, else 1."""
        value = (self.negotiator_of(side_index) or self.sides[side_index].principal).concession
        return 1.0 if value is None else value

    def hawkishness(self, side_index: int) -> float:
        """The side's hawkishness h: its negotiator's, else its principal's, else 0."""
        value = (self.negotiator_of(side_index) or self.sides[side_index].principal).hawkishness
        return 0.0 if value is None else value

    def reviews_from(self, side_index: int) -> date:
        """The first date on which the side's principal reviews the talks (default start)."""
        return self.sides[side_index].principal.reviews_from or self.start


# -- cross-checks ---------------------------------------------------------------------------


def _unknown(what: str, value: object, allowed: Iterable[str]) -> str:
    listed = ", ".join(allowed) or "none"
    return f"unknown {what} {value!r}; allowed: one of {listed}"


def _require(condition: bool, loc: Loc, problem: str, allowed: str) -> None:
    if not condition:
        raise ScenarioError(f"{problem}; allowed: {allowed}", loc=loc)


def _check_unique(entries: Iterable[tuple[str, Loc]], what: str, owners: str) -> None:
    seen: list[str] = []
    for value, loc in entries:
        _require(
            value not in seen,
            loc,
            f"duplicate {what} id {value!r}",
            f"an id no other {owners} has (taken: {', '.join(seen)})",
        )
        seen.append(value)


def _check_ids(scenario: Scenario) -> None:
    _check_unique(
        ((issue.id, ("issues", k, "id")) for k, issue in enumerate(scenario.issues)),
        "issue",
        "issue",
    )
    _check_unique(
        ((side.id, ("sides", j, "id")) for j, side in enumerate(scenario.sides)), "side", "side"
    )
    _check_unique(
        (
            (person.id, ("sides", j, role, "id"))
            for j, side in enumerate(scenario.sides)
            for role, person in (("principal", side.principal), ("negotiator", side.negotiator))
            if person is not None
        ),
        "actor",
        "principal or negotiator",
    )
    _require(
        scenario.first_mover in scenario.side_ids,
        ("first_mover",),
        f"unknown side {scenario.first_mover!r}",
        f"one of {', '.join(scenario.side_ids)}",
    )


def _check_principals(scenario: Scenario) -> None:
    issues = scenario.issue_ids
    every = f"a value for each issue id, exactly: {', '.join(issues)}"
    for j, side in enumerate(scenario.sides):
        principal, at = side.principal, ("sides", j, "principal")
        for field in ("ideal", "salience"):
            given = getattr(principal, field)
            for issue in given:
                _require(issue in issues, (*at, field, issue), f"unknown issue {issue!r}", every)
            missing = [issue for issue in issues if issue not in given]
            _require(not missing, (*at, field), f"no value for issue {', '.join(missing)}", every)
        _require(
            any(principal.salience.values()),
            (*at, "salience"),
            "every weight is 0",
            "numbers >= 0, at least one above 0",
        )
        for field in ("concession", "hawkishness"):
            if side.negotiator is not None:
                _require(
                    getattr(principal, field) is None,
                    (*at, field),
                    f"{field} on principal {principal.id}, whose side has a negotiator",
                    f"{field} on the negotiator {side.negotiator.id}",
                )


def _days_after(day: date, days: int) -> date:
    """``day`` plus ``days``, or the last date there is."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def _check_dates(scenario: Scenario) -> None:
    start, summit = scenario.start, scenario.summit
    _require(
        start < summit, ("summit",), f"{summit} is not after start {start}", "a date after start"
    )
    _require(
        summit <= _days_after(start, MAX_DAYS),
        ("summit",),
        f"{summit} is more than {MAX_DAYS:,} days after start {start}",
        f"a date from {_days_after(start, 1)} to {_days_after(start, MAX_DAYS)}",
    )
    window = f"a date from start ({start}) to before the summit ({summit})"
    previous: date | None = None
    for t, contact in enumerate(scenario.contacts):
        loc = ("contacts", t, "date")
        _require(
            start <= contact.date < summit, loc, f"{contact.date} is outside the talks", window
        )
        _require(
            previous is None or contact.date > previous,
            loc,
            f"{contact.date} is not after the previous contact ({previous})",
            "contacts in strictly increasing date order",
        )
        previous = contact.date
    for j, side in enumerate(scenario.sides):
        reviews = side.principal.reviews_from
        _require(
            reviews is None or reviews <= summit,
            ("sides", j, "principal", "reviews_from"),
            f"{reviews} is after the summit",
            f"a date on or before the summit ({summit})",
        )


def _check_side_reference(
    scenario: Scenario, side_id: str | None, when: str | None, loc: Loc
) -> None:
    """``by`` (of a consequence or of expect): a side id, only with cancelled or vetoed."""
    if side_id is None:
        return
    _require(
        when in ("cancelled", "vetoed"),
        loc,
        f"'by' given with {when or 'no outcome'}",
        "'by' only with cancelled or vetoed",
    )
    _require(
        side_id in scenario.side_ids,
        loc,
        f"unknown side {side_id!r}",
        f"one of {', '.join(scenario.side_ids)}",
    )


def _check_consequences(scenario: Scenario) -> None:
    negotiators = [side.negotiator.id for side in scenario.sides if side.negotiator]
    for i, consequence in enumerate(scenario.consequences):
        at = ("consequences", i)
        _check_side_reference(scenario, consequence.by, consequence.when, (*at, "by"))
        if consequence.who is not None:
            _require(
                consequence.when == "sidelined",
                (*at, "who"),
                f"'who' given with {consequence.when}",
                "'who' only with sidelined",
            )
            _require(
                consequence.who in negotiators,
                (*at, "who"),
                f"unknown negotiator {consequence.who!r}",
                f"one of {', '.join(negotiators) or 'none (no side has a negotiator)'}",
            )
        _require(
            (consequence.on is None) != (consequence.after_days is None),
            at,
            "give the date once",
            "exactly one of 'on' (a date) and 'after_days' (a number)",
        )
        _require(
            consequence.on is None or consequence.on >= scenario.start,
            (*at, "on"),
            f"{consequence.on} is before start",
            f"a date on or after {scenario.start}",
        )
        _check_consequence_bound(scenario, consequence, at)


def _check_consequence_bound(scenario: Scenario, consequence: Consequence, at: Loc) -> None:
    """A consequence falls at most MAX_DAYS after the summit (the latest outcome date), on
    a date the calendar has: the run walks to it."""
    summit, latest = scenario.summit, _days_after(scenario.summit, MAX_DAYS)
    _require(
        consequence.on is None or consequence.on <= latest,
        (*at, "on"),
        f"{consequence.on} is more than {MAX_DAYS:,} days after the summit",
        f"a date from {scenario.start} to {latest}",
    )
    room = (date.max - summit).days
    _require(
        consequence.after_days is None or consequence.after_days <= room,
        (*at, "after_days"),
        f"{consequence.after_days} days after the summit ({summit}) is past {date.max}",
        f"at most {room} days here",
    )


def _check_uncertainty(scenario: Scenario) -> None:
    # paths imports this module; it is needed only once a Scenario exists.
    from summitsim import paths

    for key, spec in scenario.uncertainty.items():
        at = ("uncertainty", key)
        _require(
            len(spec.forms) == 1,
            at,
            f"{len(spec.forms)} forms given",
            "exactly one of " + ", ".join(UNCERTAINTY_FORMS),
        )
        try:
            path = paths.resolve(scenario, key)
        except ScenarioError as error:
            raise ScenarioError(error.message, loc=at) from None
        form = spec.forms[0]
        if path.vector:
            _require(
                form == "concentration",
                (*at, form),
                f"{form} for the vector path {key}",
                f"concentration, or {form} on one issue ({key}.ISSUE)",
            )
        else:
            _require(
                form != "concentration",
                (*at, form),
                "concentration for a scalar path",
                "uniform, normal_sd or lognormal_sd (concentration only for ACTOR.ideal "
                "and ACTOR.salience)",
            )
        if form == "uniform":
            low, high = spec.uniform
            _require(low <= high, (*at, form), f"low {low} is above high {high}", "low <= high")
            for end, value in enumerate(spec.uniform):
                _require(
                    path.range.contains(value),
                    (*at, form, end),
                    f"{value} is out of range for {key}",
                    path.allowed(),
                )


def _check_expect(scenario: Scenario) -> None:
    if scenario.expect is not None:
        _check_side_reference(
            scenario, scenario.expect.by, scenario.expect.outcome, ("expect", "by")
        )


# In this order: uncertainty paths are resolved only once ids and issues are known good.
CROSS_CHECKS = (
    _check_ids,
    _check_principals,
    _check_dates,
    _check_consequences,
    _check_expect,
    _check_uncertainty,
)


# -- pydantic errors as messages -----------------------------------------------------------


def _unwrap(annotation: Any, metadata: tuple) -> tuple[Any, tuple]:
    """Strip ``Annotated`` (collecting its metadata) and ``| None`` from a type."""
    while True:
        if get_origin(annotation) is Annotated:
            base, *extra = get_args(annotation)
            annotation, metadata = base, (*metadata, *extra)
        elif get_origin(annotation) in (Union, type(int | None)):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            annotation = options[0]
        else:
            return annotation, metadata


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _type_at(loc: Loc) -> tuple[Any, tuple]:
    """The declared type (and its metadata) of the value at ``loc``; None if unknown."""
    annotation, metadata = Scenario, ()
    for part in loc:
        annotation, metadata = _unwrap(annotation, metadata)
        if _is_section(annotation):
            fields = {info.alias or name: info for name, info in annotation.model_fields.items()}
            if part not in fields:
                return None, ()
            annotation, metadata = fields[part].annotation, tuple(fields[part].metadata)
        elif get_origin(annotation) in (list, dict):
            annotation, metadata = get_args(annotation)[-1], ()
        else:
            return None, ()
    return _unwrap(annotation, metadata)


def _allowed_at(loc: Loc) -> str:
    """What the field at ``loc`` accepts, in words."""
    annotation, metadata = _type_at(loc)
    for item in metadata:
        if isinstance(item, Allowed):
            return item.words
    if _is_section(annotation):
        return "a mapping with fields " + ", ".join(_field_names(annotation))
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(map(str, get_args(annotation)))
    return "see the scenario schema (design.md section 3)"


def _explain(detail: Mapping[str, Any]) -> str:
    """One pydantic error as ``problem; allowed: ...``."""
    kind, loc, value = detail["type"], tuple(detail["loc"]), detail.get("input")
    if kind == "value_error":
        return str(detail["ctx"]["error"])
    if kind == "missing":
        return f"required field is missing; allowed: {_allowed_at(loc)}"
    if kind == "extra_forbidden":
        model, _ = _type_at(loc[:-1])
        names = ", ".join(_field_names(model)) if _is_section(model) else "none"
        return f"unknown field {loc[-1]!r}; allowed fields: {names}"
    if kind in ("too_short", "too_long"):
        return f"{detail['ctx']['actual_length']} given; allowed: {_allowed_at(loc)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} has characters that are not allowed; allowed: {_allowed_at(loc)}"
    return f"got {_described(value)}; allowed: {_allowed_at(loc)}"


def _from_validation(error: ValidationError) -> ScenarioError:
    details = error.errors(include_url=False)
    first = details[0]
    message = _explain(first)
    if len(details) > 1:
        message += f" (and {len(details) - 1} more)"
    return ScenarioError(message, loc=tuple(part for part in first["loc"] if part != "[key]"))


def _validate(data: Any) -> Scenario:
    if data is None:
        raise ScenarioError(
            "the file is empty; allowed: a YAML mapping with fields "
            + ", ".join(_field_names(Scenario))
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"the top level is {_described(data)}; allowed: a mapping with "
            "fields " + ", ".join(_field_names(Scenario)),
            line=1,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise _from_validation(error) from None


def _build(source: str, sha256: str, read: Any) -> Scenario:
    """Run ``read()`` (which returns the data and the line map, or raises) and validate,
    naming ``source`` and the line in any error."""
    lines: LineMap | None = None
    try:
        data, lines = read()
        scenario = _validate(data)
    except ScenarioError as error:
        error.file = error.file or source
        if error.line is None and lines is not None and error.loc:
            error.line = lines.line(error.loc)
        raise
    scenario._source = source
    scenario._sha256 = sha256
    return scenario


def parse_scenario(text: str, source: str = "<string>") -> Scenario:
    """A scenario from YAML text; ``source`` names it in messages. Raises ScenarioError."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _build(source, digest, lambda: read_yaml(text))


def load_scenario(path: str | os.PathLike) -> Scenario:
    """A scenario from a YAML file (UTF-8). Raises ScenarioError for any bad input,
    including a missing file, a directory, a FIFO or device, or a file that is too large."""
    name = os.fspath(path)
    content, text = read_text(name)
    return _build(name, hashlib.sha256(content).hexdigest(), lambda: read_yaml(text))


def scenario_from_data(
    data: Mapping[str, Any], *, source: str = "<data>", sha256: str = ""
) -> Scenario:
    """A scenario from already-parsed data (as :meth:`Scenario.model_dump` with
    ``by_alias=True`` gives it), with every check; errors name ``source`` but no line."""
    return _build(source, sha256, lambda: (dict(data), None))
