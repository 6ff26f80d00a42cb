"""Overrides: a scenario with parameter values set (:func:`with_values`), and held values.

A parameter the user sets keeps its value in every Monte Carlo trial.

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
from typing import Any

from summitsim.scenario.fields import DATE_FIELDS
from summitsim.scenario.loading import scenario_from_data
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.paths import ParameterPath, believed_raw, resolve
from summitsim.scenario.schema import Scenario

#: A part of a scenario as ``model_dump`` gives it: a mapping of plain values (sections
#: nest as mappings and lists of them).
Dumped = dict[str, Any]


def _checked(path: ParameterPath, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"got {value!r}; allowed: {path.allowed()}", field=path.text)
    if not path.range.contains(value):
        raise ScenarioError(f"{value} is out of range; allowed: {path.allowed()}", field=path.text)
    return float(value)


def _new_value(
    scenario: Scenario, path: ParameterPath, value: float | Sequence[float]
) -> float | dict[str, float]:
    """The checked value to store: a float, or for a vector path a mapping by issue."""
    if path.field in DATE_FIELDS:
        raise ScenarioError(
            f"{path.field} is a date, not a number to set; allowed: the date in the file, "
            f"or in uncertainty {path.text}: {{dates: [D1, D2]}}",
            field=path.text,
        )
    if not path.vector:
        return _checked(path, value)
    issues = scenario.issue_ids
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, Sequence)
        or len(value) != len(issues)
    ):
        raise ScenarioError(
            f"got {value!r}; allowed: {len(issues)} numbers, one per issue "
            f"({', '.join(issues)}), each {path.allowed()}",
            field=path.text,
        )
    return {issue: _checked(path, entry) for issue, entry in zip(issues, value)}


def with_values(scenario: Scenario, values: Mapping[str, float | Sequence[float]]) -> Scenario:
    """A validated copy of ``scenario`` with each path set to its value (a vector path
    takes one number per issue). Every check of the file is run again; a value out of the
    field's range raises ScenarioError naming the path and the range. Salience stays raw."""
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    for text, value in values.items():
        path = resolve(scenario, text)
        new = _new_value(scenario, path, value)
        holder = _holder(scenario, data, path)
        if path.role == "scenario":
            data[path.field] = new
            continue
        field = path.field
        if field == "believes":  # the one mapping inside ``believes: {salience: ...}``;
            # an unwritten belief starts from what it means: the other's salience
            holder = holder.setdefault(
                "believes", {"salience": believed_raw(scenario, path.side_index)}
            )
            field = "salience"
        if path.issue is not None:
            holder[field][path.issue] = new
        else:
            holder[field] = new
    return scenario_from_data(data, source=scenario.source, sha256=scenario.sha256)


def _holder(scenario: Scenario, data: Dumped, path: ParameterPath) -> Dumped:
    """The mapping of ``data`` (a dumped scenario) that holds the field ``path`` names."""
    if path.role == "scenario":
        return data
    if path.role == "contact":
        contact: Dumped = data["contacts"][scenario.contact_ids.index(path.owner)]
        return contact
    side = data["sides"][path.side_index]
    if path.role == "approver":
        approvers: list[Dumped] = side["approvers"]
        return next(entry for entry in approvers if entry["id"] == path.actor)
    holder: Dumped = side[path.role]
    return holder


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


def held_fixed(scenario: Scenario, held: Iterable[str]) -> list[str]:
    """The ``held`` paths (in their order) whose ``uniform`` uncertainty is not drawn:
    what a sweep's or an analysis's manifest lists as ``held_fixed``."""
    return [text for text in held if undrawn(scenario, [text])]


def with_held_values(scenario: Scenario, values: Mapping[str, float | Sequence[float]]) -> Scenario:
    """``scenario`` with each path set to its value (checked as
    :func:`with_values` does) and held there."""
    return hold(with_values(scenario, values), values)
