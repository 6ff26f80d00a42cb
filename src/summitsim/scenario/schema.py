"""The schema of a scenario file (design.md section 3) as pydantic models: pure data.

Each section refuses unknown fields and never changes once made; each value type checks
its own range (taken from the table of fields, :mod:`.fields`) so that a message can say
what is allowed. What needs more than one field (ids, dates in order, parameter paths) is
checked by :mod:`.checks`, which the loader runs after these models.
"""

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from summitsim.scenario.fields import (
    NON_NEGATIVE,
    RANGES,
    Range,
    default,
)
from summitsim.scenario.messages import Allowed, ScenarioError, described, unknown
from summitsim.scenario.safe_yaml import DATE_WORDS

#: The longest span of days a scenario may cover: the talks (start to summit) and a
#: consequence after the summit (``after_days``, or ``on`` counted from the summit).
MAX_DAYS = 36_500
#: The most trials ``expect:`` may ask for (20,000 is the default).
MAX_EXPECT_TRIALS = 100_000_000

#: Concentrations the Beta and Dirichlet draws handle: below 1e-3 even the logs of their
#: gamma variates leave the float range for some issue, above 1e6 the draw is the nominal
#: value to six digits anyway.
CONCENTRATION = Range(1e-3, 1e6)

# -- value types -----------------------------------------------------------------------


def _scalar(kind: type, bounds: Range, allowed: str) -> Any:
    """A number type that takes ints (and, for floats, floats) but never booleans or
    strings, and checks ``bounds`` itself so the message can say what is allowed."""
    accepted = (int, float) if kind is float else (int,)

    # Validators raise ValueError even for a wrong type: pydantic reports only ValueError
    # (and AssertionError) as a validation error, anything else would escape as a crash.
    def check(value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, accepted):
            raise ValueError(f"got {described(value)}; allowed: {allowed}")
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
    raise ValueError(f"got {described(value)}; allowed: {DATE_WORDS}")


def _field(name: str) -> Any:
    """The value type of a numeric field (of each issue's value, for a per-issue field):
    a number in the field's range in the table of fields."""
    return _number(RANGES[name])


Unit = _number(Range(0.0, 1.0))
NonNegative = _number(NON_NEGATIVE)
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
    ideal: Annotated[
        dict[str, _field("ideal")],
        Allowed(f"a mapping from each issue id to {RANGES['ideal'].text()}"),
    ]
    salience: Annotated[
        dict[str, _field("salience")],
        Allowed("a mapping from each issue id to a number in [0, 1e6], not all 0"),
    ]
    reservation: _field("reservation")
    softness: _field("softness") = default("softness")
    patience: _field("patience") = default("patience")
    reviews_from: Day | None = None
    trust: _field("trust") = default("trust")
    trust_loss: _field("trust_loss") = default("trust_loss")
    sideline_below: _field("sideline_below") = default("sideline_below")
    # None: the side's negotiator carries them, or (no negotiator) the fields' defaults.
    concession: _field("concession") | None = None
    hawkishness: _field("hawkishness") | None = None

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
    concession: _field("concession") = default("concession")
    hawkishness: _field("hawkishness") = default("hawkishness")

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
    noise: _field("noise") = default("noise")
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
            raise ScenarioError(unknown("side", side_id, self.side_ids), field=side_id)
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
            raise ScenarioError(unknown("actor", actor_id, list(actors)), field=actor_id)
        return actors[actor_id]

    def negotiator_of(self, side_index: int) -> Negotiator | None:
        """The side's negotiator; None for a side negotiated by its principal."""
        return self.sides[side_index].negotiator

    def negotiator_value(self, side_index: int, field: str) -> float:
        """A negotiator field of the side (one of ``NEGOTIATOR_FIELDS``): its negotiator's,
        else its principal's, else the field's default."""
        holder = self.negotiator_of(side_index) or self.sides[side_index].principal
        value: float | None = getattr(holder, field)
        return default(field) if value is None else value

    def concession(self, side_index: int) -> float:
        """The side's concession beta: its negotiator's, else its principal's, else 1."""
        return self.negotiator_value(side_index, "concession")

    def hawkishness(self, side_index: int) -> float:
        """The side's hawkishness h: its negotiator's, else its principal's, else 0."""
        return self.negotiator_value(side_index, "hawkishness")

    def reviews_from(self, side_index: int) -> date:
        """The first date on which the side's principal reviews the talks (default start)."""
        return self.sides[side_index].principal.reviews_from or self.start
