"""Held values: a parameter the user sets keeps its value in every Monte Carlo trial.

A value is *held* when the user gives it: ``run --set PATH=VALUE``, a sweep's grid value
(``--over``), a classroom slider moved away from the file's value. The ``uncertainty:``
block then applies to it by one rule (README, "Held values"; design-schema2.md section 13):

* a ``uniform`` on a held path is not drawn (it would replace the value by a draw that
  ignores it);
* ``normal_sd`` and ``lognormal_sd`` stay, centred on the held value;
* ``concentration`` on a vector path (``ACTOR.ideal``, ``ACTOR.salience``) stays, centred
  on the held value of the issue.

``run``, ``sweep``, ``sensitivity`` and the page all call :func:`hold` (or
:func:`with_held_values`), so a held value means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from summitsim.paths import ParameterPath, resolve, with_values
from summitsim.scenario import Scenario


def _covers(held: ParameterPath, drawn: ParameterPath) -> bool:
    """Whether holding ``held`` fixes the value that ``drawn`` names: the same field, and
    the same issue or the whole vector of issues."""
    return (held.actor, held.role, held.field) == (
        drawn.actor,
        drawn.role,
        drawn.field,
    ) and held.issue in (None, drawn.issue)


def undrawn(scenario: Scenario, held: Iterable[str]) -> list[str]:
    """The ``uncertainty`` paths (in file order) that are not drawn when ``held`` paths are
    held: every ``uniform`` on a held path."""
    fixed = [resolve(scenario, text) for text in held]
    return [
        text
        for text, spec in scenario.uncertainty.items()
        if spec.uniform is not None
        and any(_covers(path, resolve(scenario, text)) for path in fixed)
    ]


def hold(scenario: Scenario, held: Iterable[str]) -> Scenario:
    """``scenario`` with the ``held`` paths held at the values it already has: the
    ``uniform`` uncertainty of each is dropped, every other form is kept."""
    dropped = set(undrawn(scenario, held))
    if not dropped:
        return scenario
    kept = {text: spec for text, spec in scenario.uncertainty.items() if text not in dropped}
    return scenario.model_copy(update={"uncertainty": kept})


def with_held_values(scenario: Scenario, values: Mapping[str, float | Sequence[float]]) -> Scenario:
    """``scenario`` with each path set to its value (checked as
    :func:`summitsim.paths.with_values` does) and held there."""
    return hold(with_values(scenario, values), values)


def held_fixed(scenario: Scenario, held: Iterable[str]) -> list[str]:
    """The ``held`` paths (in their order) whose ``uniform`` uncertainty is not drawn:
    what a sweep's or an analysis's manifest lists as ``held_fixed``."""
    return [text for text in held if undrawn(scenario, [text])]
