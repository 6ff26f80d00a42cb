"""A finished run of the Mesa model as a dated account: plain text for people, JSON for
scripts (the ``run`` command of design.md section 4)."""

from __future__ import annotations

from summitsim.model import SummitModel
from summitsim.terminal_text import printable

_KIND_WIDTH = 12


def account_json(model: SummitModel) -> dict[str, object]:
    """The run as design.md section 4 specifies for ``summitsim run --json``, with the keys
    of design-schema2.md section 12: ``held`` (the summit took place), ``who`` (the actor
    that vetoed, else null) and ``blamed`` (the negotiators whose trust fell)."""
    outcome = model.outcome
    if outcome is None:
        raise ValueError("the run has no outcome yet: call model.run() first")
    return {
        "outcome": outcome.kind,
        "by": outcome.side,
        "date": outcome.date.isoformat(),
        "contact": outcome.contact,
        "framework": outcome.framework,
        "sidelined": list(model.sidelined),
        "offers": model.offers,
        "events": [event.to_json() for event in model.events],
        # design-schema2.md section 12, after the keys of design.md section 4
        "held": outcome.held,
        "who": outcome.who,
        "blamed": list(model.blamed),
    }


def account_text(model: SummitModel) -> str:
    """The run as a dated timeline: a header naming the issues' scales, one line per event
    (contacts, offers with their values, reviews, the outcome, the consequences) and a
    closing line with the outcome."""
    scenario, outcome = model.setup, model.outcome
    if outcome is None:
        raise ValueError("the run has no outcome yet: call model.run() first")
    lines = [f"{scenario.title} ({scenario.name}): {scenario.start} to {scenario.summit}"]
    lines += [
        f"  {issue.label}: 0 = {issue.low or 'low'}, 1 = {issue.high or 'high'}"
        for issue in scenario.issues
    ]
    lines.append("")
    for event in model.events:
        lines.append(f"{event.date.isoformat()}  {event.kind:<{_KIND_WIDTH}} {event.text}")
    lines.append("")
    lines.append(outcome_line(model))
    # every line holds text from the file (names, labels, event texts): escape it line by
    # line, so the account's own line breaks stay and a text's cannot add lines
    return "\n".join(printable(line) for line in lines)


def outcome_line(model: SummitModel) -> str:
    """One line: what happened, by whom, when, at which contact, and who was sidelined."""
    outcome = model.outcome
    assert outcome is not None
    by = f" by {outcome.side}" if outcome.side else ""
    contacts = len(model.setup.contacts)
    at = (
        "in person at the summit"
        if outcome.contact == contacts
        else f"contact {outcome.contact + 1} of {contacts}"
    )
    line = f"Outcome: {outcome.kind}{by} on {outcome.date.isoformat()} ({at})"
    if model.sidelined:
        line += f"; sidelined: {', '.join(model.sidelined)}"
    return line
