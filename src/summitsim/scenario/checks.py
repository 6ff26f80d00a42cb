"""The cross-checks between fields of a scenario: fields the file's schema version has,
unique ids, known issues, dates in order, consequences, ``expect`` and ``observed`` that
name real sides and negotiators, and ``uncertainty`` keys that are parameter paths of the
scenario with a form that fits.

The loader runs :func:`cross_check` after pydantic has validated every field, so the
schema stays pure data and may be read without this room (or :mod:`.paths`).
"""

from collections.abc import Iterable
from datetime import date, timedelta

from summitsim.scenario.fields import (
    DATE_FIELDS,
    FIELDS,
    ISSUE_FIELDS,
    NEGOTIATOR_FIELDS,
    SETTINGS,
    Role,
)
from summitsim.scenario.messages import Loc, ScenarioError
from summitsim.scenario.paths import resolve
from summitsim.scenario.schema import (
    UNCERTAINTY_FORMS,
    Approver,
    Consequence,
    Negotiator,
    Principal,
    Scenario,
)
from summitsim.scenario.values import MAX_DAYS

#: The fields a side's principal may carry only when the side has no negotiator: the
#: negotiator's numbers and its settings (``tactic``) and beliefs.
DELEGATED = (
    *NEGOTIATOR_FIELDS,
    *(setting.name for setting in SETTINGS if setting.role == "negotiator"),
    "believes",
)


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


def _written(scenario: Scenario, name: str, role: Role) -> list[Loc]:
    """Where the file writes the field ``name`` of ``role`` (a negotiator's field also on a
    principal standing in for its negotiator; a contact's on each contact)."""
    found: list[Loc] = []
    if role == "scenario":
        return [(name,)] if name in scenario.model_fields_set else []
    if role == "contact":
        return [
            ("contacts", t, name)
            for t, contact in enumerate(scenario.contacts)
            if name in contact.model_fields_set
        ]
    for j, side in enumerate(scenario.sides):
        holders: list[tuple[str, Principal | Negotiator]] = [("principal", side.principal)]
        if role == "negotiator" and side.negotiator is not None:
            holders.append(("negotiator", side.negotiator))
        for where, holder in holders:
            if name in holder.model_fields_set:
                found.append(("sides", j, where, name))
    return found


def _check_schema_version(scenario: Scenario) -> None:
    """A file may write only the fields of its schema version (design-schema2.md section
    9): a schema 1 file that chose a schema 2 rule would change what it means."""
    version = scenario.schema_version
    # the settings first, each with the rule it means in this schema, then the fields
    unwritable = [
        (row.name, row.role, f" (schema {version} means {row.default(version)})")
        for row in SETTINGS
        if version not in row.schemas
    ] + [(row.name, row.role, "") for row in FIELDS if version not in row.schemas]
    for name, role, rule in unwritable:
        for loc in _written(scenario, name, role):
            raise ScenarioError(
                f"set `schema: 2` to use {name}; allowed: `schema: 2`, or no "
                f"{name} in a schema {version} file{rule}",
                loc=loc,
            )


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
    # approvers and contacts (schema 2) share the id space of the actors: paths name them
    taken = list(scenario.actors)
    others: list[tuple[str, Loc]] = [
        (approver.id, ("sides", j, "approvers", a, "id"))
        for j, side in enumerate(scenario.sides)
        for a, approver in enumerate(side.approvers)
    ]
    others += [
        (contact.id, ("contacts", t, "id"))
        for t, contact in enumerate(scenario.contacts)
        if contact.id is not None
    ]
    for value, loc in others:
        _require(
            value not in taken,
            loc,
            f"duplicate id {value!r}",
            "an id no principal, negotiator, approver or contact has (taken: "
            + ", ".join(taken)
            + ")",
        )
        taken.append(value)
    _require(
        scenario.first_mover in scenario.side_ids,
        ("first_mover",),
        f"unknown side {scenario.first_mover!r}",
        f"one of {', '.join(scenario.side_ids)}",
    )


def _check_issue_values(scenario: Scenario, given: dict[str, float], at: Loc) -> None:
    """A mapping with a value for each issue, exactly."""
    issues = scenario.issue_ids
    every = f"a value for each issue id, exactly: {', '.join(issues)}"
    for issue in given:
        _require(issue in issues, (*at, issue), f"unknown issue {issue!r}", every)
    missing = [issue for issue in issues if issue not in given]
    _require(not missing, at, f"no value for issue {', '.join(missing)}", every)


def _check_weights(weights: dict[str, float], at: Loc) -> None:
    _require(any(weights.values()), at, "every weight is 0", "numbers >= 0, at least one above 0")


def _check_preferences(scenario: Scenario, person: Principal | Approver, at: Loc) -> None:
    for field in ISSUE_FIELDS:
        _check_issue_values(scenario, getattr(person, field), (*at, field))
    _check_weights(person.salience, (*at, "salience"))


def _check_principals(scenario: Scenario) -> None:
    for j, side in enumerate(scenario.sides):
        principal, at = side.principal, ("sides", j, "principal")
        _check_preferences(scenario, principal, at)
        for a, approver in enumerate(side.approvers):
            _check_preferences(scenario, approver, ("sides", j, "approvers", a))
        for where, holder in (("principal", principal), ("negotiator", side.negotiator)):
            if holder is not None and holder.believes is not None:
                belief = (*at[:2], where, "believes", "salience")
                _check_issue_values(scenario, holder.believes.salience, belief)
                _check_weights(holder.believes.salience, belief)
        for field in DELEGATED:
            if side.negotiator is not None:
                _require(
                    getattr(principal, field) is None,
                    (*at, field),
                    f"{field} on principal {principal.id}, whose side has a negotiator",
                    f"{field} on the negotiator {side.negotiator.id}",
                )
        # design-schema2.md section 4: a side without a negotiator has no mandate
        _require(
            side.negotiator is not None or principal.mandate is None,
            (*at, "mandate"),
            f"mandate on principal {principal.id}, whose side has no negotiator",
            "a mandate only on a side with a negotiator (a principal negotiating for "
            "itself negotiates to its true reservation)",
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
    for key, spec in scenario.uncertainty.items():
        at = ("uncertainty", key)
        _require(
            len(spec.forms) == 1,
            at,
            f"{len(spec.forms)} forms given",
            "exactly one of " + ", ".join(UNCERTAINTY_FORMS),
        )
        try:
            path = resolve(scenario, key)
        except ScenarioError as error:
            raise ScenarioError(error.message, loc=at) from None
        form = spec.forms[0]
        if path.field in DATE_FIELDS or form == "dates":
            _check_dates_form(scenario, key, form, path.field in DATE_FIELDS, at)
            continue
        unset = path.role == "principal" and getattr(scenario.actor(path.owner), path.field) is None
        _require(
            form == "uniform" or not (unset and path.field in ("mandate", "meets_without_deal")),
            (*at, form),
            f"{form} around an unset {path.field} (it has no value to centre on)",
            f"uniform, or write {path.actor}'s {path.field}",
        )
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
                "uniform, normal_sd or lognormal_sd (concentration only for ACTOR.ideal, "
                "ACTOR.salience and ACTOR.believes.salience)",
            )
        if spec.uniform is not None:  # the one form is uniform
            low, high = spec.uniform
            _require(low <= high, (*at, form), f"low {low} is above high {high}", "low <= high")
            for end, value in enumerate(spec.uniform):
                _require(
                    path.range.contains(value),
                    (*at, form, end),
                    f"{value} is out of range for {key}",
                    path.allowed(),
                )


def _check_dates_form(scenario: Scenario, key: str, form: str, date_path: bool, at: Loc) -> None:
    """``{dates: [D1, D2]}``: for a date path alone, D1 <= D2, both from start to the
    summit (design-schema2.md section 8)."""
    dates = scenario.uncertainty[key].dates
    _require(
        date_path and form == "dates",
        (*at, form),
        f"{form} for {key}",
        "dates (two dates [D1, D2]) for ACTOR.reviews_from, and only there",
    )
    assert dates is not None  # the form is dates (_require raised otherwise)
    first, last = dates
    _require(first <= last, (*at, form), f"{first} is after {last}", "D1 <= D2")
    for end, day in enumerate((first, last)):
        _require(
            scenario.start <= day <= scenario.summit,
            (*at, form, end),
            f"{day} is outside the talks",
            f"a date from start ({scenario.start}) to the summit ({scenario.summit})",
        )


def _check_observed(scenario: Scenario) -> None:
    """``observed:`` (design-schema2.md section 10) names real sides and negotiators, and
    its date window is in order, not before start and at most MAX_DAYS after the summit."""
    observed = scenario.observed
    if observed is None:
        return
    _check_side_reference(scenario, observed.by, observed.outcome, ("observed", "by"))
    window = observed.window
    if window is not None:
        _require(
            window[0] <= window[1],
            ("observed", "date"),
            f"{window[0]} is after {window[1]}",
            "one date, or a window [D1, D2] with D1 <= D2",
        )
        latest = _days_after(scenario.summit, MAX_DAYS)
        for day in window:
            _require(
                scenario.start <= day <= latest,
                ("observed", "date"),
                f"{day} is outside the scenario",
                f"a date from start ({scenario.start}) to {latest}",
            )
    negotiators = [side.negotiator.id for side in scenario.sides if side.negotiator]
    for n, who in enumerate(observed.sidelined):
        at = ("observed", "sidelined", n)
        _require(
            who in negotiators,
            at,
            f"unknown negotiator {who!r}",
            f"one of {', '.join(negotiators) or 'none (no side has a negotiator)'}",
        )
        _require(
            who not in observed.sidelined[:n], at, f"{who} listed twice", "each negotiator once"
        )


def _check_expect(scenario: Scenario) -> None:
    if scenario.expect is not None:
        _check_side_reference(
            scenario, scenario.expect.by, scenario.expect.outcome, ("expect", "by")
        )


# In this order: uncertainty paths are resolved only once ids and issues are known good.
CROSS_CHECKS = (
    _check_schema_version,
    _check_ids,
    _check_principals,
    _check_dates,
    _check_consequences,
    _check_expect,
    _check_observed,
    _check_uncertainty,
)


def cross_check(scenario: Scenario) -> None:
    """Run every cross-check on a scenario whose fields pydantic has validated; the first
    failure raises ScenarioError with the position it is about."""
    for check in CROSS_CHECKS:
        check(scenario)
