"""The schema of a scenario file (design.md section 3, design-schema2.md) as pydantic
models: pure data.

Each section refuses unknown fields and never changes once made; each value type
(:mod:`.values`) checks its own range (taken from the table of fields, :mod:`.fields`) so
that a message can say what is allowed. What needs more than one field (ids, dates in
order, parameter paths) is checked by :mod:`.checks`, which the loader runs after these
models.
"""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, model_validator

from summitsim.outcomes import EndingWord, HeldWord
from summitsim.scenario.fields import RANGES, SETTING_BY_NAME, Range, default
from summitsim.scenario.messages import Allowed, ScenarioError, unknown
from summitsim.scenario.outcomes import Expect, Observed
from summitsim.scenario.values import (
    MAX_DAYS,
    SECTION_CONFIG,
    AnyNumber,
    Concentration,
    Day,
    Id,
    NonNegative,
    Slug,
    Text,
    default_to,
    field_check,
    normalised,
    scalar,
    setting_check,
    whole,
)

# -- the schema --------------------------------------------------------------------------


class _Section(BaseModel):
    """A part of a scenario file: unknown fields are errors and values never change."""

    model_config = SECTION_CONFIG


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
        return default_to(data, "label", "id")


class Beliefs(_Section):
    """What a side believes of the other side (design-schema2.md section 2): the other
    principal's ``salience`` as this side reads it (raw weights, normalised)."""

    salience: Annotated[
        dict[str, Annotated[float, field_check("believes")]],
        Allowed("a mapping from each issue id to a number in [0, 1e6], not all 0"),
    ]


class Principal(_Section):
    """A head of state: preferences, the value of no summit, demand softness, patience,
    and trust in its negotiator. On a side without a negotiator it also carries
    ``concession`` and ``hawkishness`` (default 1 and 0, see :meth:`Scenario.concession`)."""

    id: Id
    name: Text
    ideal: Annotated[
        dict[str, Annotated[float, field_check("ideal")]],
        Allowed(f"a mapping from each issue id to {RANGES['ideal'].text()}"),
    ]
    salience: Annotated[
        dict[str, Annotated[float, field_check("salience")]],
        Allowed("a mapping from each issue id to a number in [0, 1e6], not all 0"),
    ]
    reservation: Annotated[float, field_check("reservation")]
    softness: Annotated[float, field_check("softness")] = default("softness")
    patience: Annotated[float, field_check("patience")] = default("patience")
    reviews_from: Day | None = None
    trust: Annotated[float, field_check("trust")] = default("trust")
    trust_loss: Annotated[float, field_check("trust_loss")] = default("trust_loss")
    sideline_below: Annotated[float, field_check("sideline_below")] = default("sideline_below")
    # schema 2 (design-schema2.md sections 4, 6, 8); None: unset, the rule's fallback
    mandate: Annotated[float, field_check("mandate")] | None = None
    meets_without_deal: Annotated[float, field_check("meets_without_deal")] | None = None
    blame: Annotated[str, setting_check("blame")] | None = None
    # None: the side's negotiator carries them, or (no negotiator) the fields' defaults.
    concession: Annotated[float, field_check("concession")] | None = None
    hawkishness: Annotated[float, field_check("hawkishness")] | None = None
    reciprocity: Annotated[float, field_check("reciprocity")] | None = None
    tactic: Annotated[str, setting_check("tactic")] | None = None
    believes: Beliefs | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_id(cls, data: Any) -> Any:
        return default_to(data, "name", "id")

    def weights(self, issue_ids: Iterable[str]) -> list[float]:
        """The salience of each of ``issue_ids``, normalised to sum 1."""
        return normalised(self.salience, issue_ids)


class Negotiator(_Section):
    """A foreign minister or envoy: ``concession`` beta > 0 (< 1 holds out, > 1 concedes
    early) and ``hawkishness`` h in [0, 1] (how much harder than the mandate); schema 2:
    ``reciprocity`` rho in [0, 1], ``tactic`` and ``believes``."""

    id: Id
    name: Text
    concession: Annotated[float, field_check("concession")] = default("concession")
    hawkishness: Annotated[float, field_check("hawkishness")] = default("hawkishness")
    reciprocity: Annotated[float, field_check("reciprocity")] = default("reciprocity")
    tactic: Annotated[str, setting_check("tactic")] | None = None
    believes: Beliefs | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_id(cls, data: Any) -> Any:
        return default_to(data, "name", "id")


class Approver(_Section):
    """A veto player beyond the principals (design-schema2.md section 7): its consent to
    the framework is needed after both principals'."""

    id: Id
    name: Text
    ideal: Annotated[
        dict[str, Annotated[float, field_check("ideal")]],
        Allowed(f"a mapping from each issue id to {RANGES['ideal'].text()}"),
    ]
    salience: Annotated[
        dict[str, Annotated[float, field_check("salience")]],
        Allowed("a mapping from each issue id to a number in [0, 1e6], not all 0"),
    ]
    reservation: Annotated[float, field_check("reservation")]

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_id(cls, data: Any) -> Any:
        return default_to(data, "name", "id")

    def weights(self, issue_ids: Iterable[str]) -> list[float]:
        """The salience of each of ``issue_ids``, normalised to sum 1."""
        return normalised(self.salience, issue_ids)


class Side(_Section):
    """One party: a principal, at most one negotiator and its approvers (schema 2)."""

    id: Id
    principal: Principal
    negotiator: Negotiator | None = None
    approvers: Annotated[
        list[Approver],
        Allowed(
            "a list of approvers, each a mapping with fields id, name, ideal, salience, reservation"
        ),
    ] = []


class Contact(_Section):
    """A dated exchange between the sides; schema 2: an ``id`` (for parameter paths) and
    ``held``, the probability that it takes place in a Monte Carlo trial."""

    date: Day
    label: Text = ""
    id: Slug | None = None
    held: Annotated[float, field_check("held")] = default("held")


class Consequence(_Section):
    """An event that fires after the outcome: on ``on`` or ``after_days`` after the
    outcome's date. ``by`` narrows cancelled/vetoed to a side, ``who`` narrows sidelined
    to a negotiator."""

    # an outcome, or a kind of ending: held (with or without an agreement), collapse (not
    # held), failure (no summit with an agreement), a negotiator sidelined
    when: Literal[HeldWord, "held", EndingWord, "collapse", "failure", "sidelined"]
    by: Id | None = None
    who: Id | None = None
    on: Day | None = None
    after_days: Annotated[int, whole(0, MAX_DAYS, "100 years")] | None = None
    text: Text


UNCERTAINTY_FORMS = ("uniform", "normal_sd", "lognormal_sd", "concentration", "dates")


class Uncertainty(_Section):
    """How one parameter varies between Monte Carlo trials: exactly one form.

    ``uniform`` [low, high] and ``normal_sd`` / ``lognormal_sd`` (both clipped to the
    field's range) for scalar paths; ``concentration`` c in [1e-3, 1e6] for ``ACTOR.ideal``
    (Beta per issue), ``ACTOR.salience`` and ``ACTOR.believes.salience`` (Dirichlet);
    ``dates`` [D1, D2] (a whole day, both ends included) for ``ACTOR.reviews_from``."""

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
    dates: (
        Annotated[
            list[Day],
            Field(min_length=2, max_length=2),
            Allowed("[D1, D2]: two dates from start to the summit, D1 <= D2"),
        ]
        | None
    ) = None

    @property
    def forms(self) -> list[str]:
        """The forms given (valid: exactly one)."""
        return [form for form in UNCERTAINTY_FORMS if getattr(self, form) is not None]


class Scenario(_Section):
    """A validated scenario file (schema version 1, design.md section 3, or 2,
    design-schema2.md).

    Besides the fields, it offers the look-ups the drivers use (sides by index, actors
    by id, the effective concession and hawkishness of each side), ``source`` (the file
    name shown in messages) and ``sha256`` (of the file's bytes, or of the text).
    """

    schema_version: Annotated[int, scalar(int, Range(1.0, 2.0), "1 or 2")] = Field(alias="schema")
    name: Slug
    title: Text
    sources: Annotated[list[Text], Allowed("a list of strings (citations)")] = []
    start: Day
    summit: Day
    first_mover: Id
    noise: Annotated[float, field_check("noise")] = default("noise")
    # schema 2 (design-schema2.md sections 1 and 5); None: the schema's default
    clock: Annotated[str, setting_check("clock")] | None = None
    noise_model: Annotated[str, setting_check("noise_model")] | None = None
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
    observed: Observed | None = None

    _source: str = PrivateAttr(default="<string>")
    _sha256: str = PrivateAttr(default="")

    @model_validator(mode="before")
    @classmethod
    def _title_defaults_to_name(cls, data: Any) -> Any:
        return default_to(data, "title", "name")

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

    # -- schema 2 ------------------------------------------------------------------------

    def setting(self, name: str, side_index: int | None = None) -> str:
        """The rule a setting of :data:`.fields.SETTINGS` chooses: the file's (for a side's
        setting: its negotiator's, else its principal's), else the schema's default."""
        row = SETTING_BY_NAME[name]
        if row.role == "scenario":
            value = getattr(self, name)
        elif side_index is None:
            raise ValueError(f"{name} is a setting of each side: name the side")
        elif row.role == "principal":
            value = getattr(self.sides[side_index].principal, name)
        else:
            holder = self.negotiator_of(side_index) or self.sides[side_index].principal
            value = getattr(holder, name)
        return row.default(self.schema_version) if value is None else value

    def believed_salience(self, side_index: int) -> list[float] | None:
        """The other principal's salience as side ``side_index`` believes it (normalised,
        in issue order); None when the file writes no belief (then: the truth)."""
        holder = self.negotiator_of(side_index) or self.sides[side_index].principal
        if holder.believes is None:
            return None
        return normalised(holder.believes.salience, self.issue_ids)

    @property
    def approvers(self) -> dict[str, tuple[int, Approver]]:
        """Every approver by id with its side index, side A's first, in file order."""
        return {
            approver.id: (j, approver)
            for j, side in enumerate(self.sides)
            for approver in side.approvers
        }

    @property
    def contact_ids(self) -> list[str | None]:
        """The id of each contact (None where the file gives none), in file order."""
        return [contact.id for contact in self.contacts]

    def day(self, when: date) -> int:
        """Whole days from ``start`` to ``when``."""
        return (when - self.start).days
