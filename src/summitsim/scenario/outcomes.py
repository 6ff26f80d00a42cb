"""What a scenario file says about outcomes: the outcome kinds, what ``summitsim check``
expects (``expect:``) and what happened (``observed:``, design-schema2.md section 10)."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, PlainValidator, model_validator

from summitsim.outcomes import OutcomeWord
from summitsim.scenario.messages import Allowed, described
from summitsim.scenario.values import (
    MAX_EXPECT_TRIALS,
    SECTION_CONFIG,
    Id,
    Text,
    Unit,
    as_date,
    whole,
)


class _Section(BaseModel):
    """A part of a scenario file: unknown fields are errors and values never change."""

    model_config = SECTION_CONFIG


WINDOW = "a date like 2025-10-16, or an inclusive window [D1, D2] with D1 <= D2"


def as_window(value: object) -> date | tuple[date, date]:
    """One date, or a list of two dates (an inclusive window)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{len(value)} dates given; allowed: {WINDOW}")
        return as_date(value[0]), as_date(value[1])
    try:
        return as_date(value)
    except ValueError:
        raise ValueError(f"got {described(value)}; allowed: {WINDOW}") from None


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

    outcome: OutcomeWord | None = None
    by: Id | None = None
    p_summit: Bounds | None = None
    trials: Annotated[int, whole(1, MAX_EXPECT_TRIALS)] = 20000
    seed: Annotated[int, whole(0)] = 0

    @model_validator(mode="before")
    @classmethod
    def _run_settings_from_bounds(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("p_summit"), dict):
            bounds = dict(data["p_summit"])
            moved = {key: bounds.pop(key) for key in ("trials", "seed") if key in bounds}
            return {**data, "p_summit": bounds, **moved}
        return data


class Observed(_Section):
    """What happened (design-schema2.md section 10): the ``outcome``, optionally the side
    it was ``by``, its ``date`` (one date or an inclusive window [D1, D2]), exactly the
    negotiators ``sidelined``, and the ``sources``."""

    outcome: OutcomeWord
    by: Id | None = None
    # Any: the validator makes a date or a pair of dates (a union would warn on dumping)
    date: Annotated[Any, PlainValidator(as_window), Allowed(WINDOW)] = None
    sidelined: Annotated[list[Id], Allowed("a list of negotiator ids")] = []
    sources: Annotated[list[Text], Allowed("a list of strings (citations)")] = []

    @property
    def window(self) -> tuple[date, date] | None:
        """The observed date as an inclusive window (a single date: both ends)."""
        if self.date is None:
            return None
        if isinstance(self.date, date):
            return self.date, self.date
        return self.date[0], self.date[1]
