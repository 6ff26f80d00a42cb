"""A finished run on one slide (``summitsim run --plot``): each side's offers per issue,
each principal's value of the other side's offers against its patience and reservation,
and a strip of the dated events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from summitsim.figures import palette
from summitsim.outcomes import Outcome

if TYPE_CHECKING:
    from summitsim.model import SummitModel

#: One marker per issue (cycled), so issues stay apart where colours mark the sides.
_ISSUE_MARKERS = "osD^vP*X"
#: Event kinds in words where the kind's word is not one.
EVENT_WORDS = {Outcome.NO_DEAL.word: "held, no agreement"}
#: Event texts longer than this are shortened on the strip.
_EVENT_TEXT = 70


def run_figure(model: SummitModel) -> Figure:
    """A finished run on one slide: each side's offers per issue over the contacts; each
    principal's value of the other side's offers against its patience and reservation; and
    a strip of the dated events (contacts, the outcome, sidelining, consequences)."""
    scenario = model.setup
    figure = Figure(figsize=(12, 9))
    offers_axis, value_axis, events_axis = figure.subplots(
        3, 1, sharex=True, gridspec_kw={"height_ratios": [1.1, 1, 0.9]}
    )
    _plot_offers(model, offers_axis)
    _plot_values(model, value_axis)
    _plot_events(model, events_axis)
    for axis in (offers_axis, value_axis, events_axis):
        axis.axvline(scenario.summit, color=palette.INK, linestyle="--", linewidth=0.8)
    offers_axis.annotate(
        "planned summit",
        (mdates.date2num(scenario.summit), 1.0),
        xytext=(3, -10),
        textcoords="offset points",
        fontsize=8,
    )
    events_axis.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    events_axis.set_xlim(mdates.date2num(scenario.start) - 1, mdates.date2num(model.today) + 8)
    outcome = model.outcome
    verdict = "" if outcome is None else f" - {ending_text(model)} on {outcome.date:%d %b %Y}"
    figure.suptitle(f"{scenario.title}{verdict}", fontsize=13)
    figure.autofmt_xdate()
    return figure


def ending_text(model: SummitModel) -> str:
    """How the talks ended, in words, without the date: ``summit``, ``cancelled by us``;
    a summit held without a deal is ``held, no agreement``; a veto names an approver that
    made it (``vetoed by the Duma (ru)``) and says when it fell at the summit. Schema 1 endings
    read as they always did."""
    outcome = model.outcome
    if outcome is None:
        return "talks under way"
    if outcome.kind == Outcome.NO_DEAL.word:
        return "held, no agreement"
    words = outcome.kind + (f" by {outcome.side}" if outcome.side else "")
    if outcome.kind == Outcome.VETOED.word:
        approvers = {
            approver.id: approver.name or approver.id
            for side in model.setup.sides
            for approver in side.approvers
        }
        if outcome.who in approvers:
            words = f"vetoed by {approvers[outcome.who]} ({outcome.side})"
        if outcome.held:
            words += " at the summit"
    return words


def _plot_offers(model: SummitModel, axis: Axes) -> None:
    for j, side in enumerate(model.setup.sides):
        for k, issue in enumerate(model.setup.issues):
            points = [
                (record.date, record.offers[side.id][k])
                for record in model.contacts_held
                if side.id in record.offers
            ]
            if points:
                axis.plot(
                    *zip(*points),
                    color=palette.SIDES[j],
                    marker=_ISSUE_MARKERS[k % len(_ISSUE_MARKERS)],
                    linestyle="-" if j == 0 else "--",
                    label=f"{side.id}: {issue.label}",
                )
    axis.set_ylim(-0.05, 1.05)
    axis.set_ylabel("offer on the issue's scale\n(0 = low end, 1 = high end)")
    axis.set_title("Offers at each contact", fontsize=10, loc="left")
    axis.legend(fontsize=7, ncol=2, loc="center left", bbox_to_anchor=(1.01, 0.5))


def _plot_values(model: SummitModel, axis: Axes) -> None:
    for j, principal in enumerate(model.principals):
        other = model.setup.sides[1 - j].id
        colour = palette.SIDES[j]
        points = [
            (record.date, record.values[other][principal.actor_id])
            for record in model.contacts_held
            if other in record.values
        ]
        if points:
            axis.plot(
                *zip(*points),
                color=colour,
                marker="o",
                label=f"{principal.name}: value of {other}'s offer",
            )
        axis.axhline(
            principal.patience,
            color=colour,
            linestyle=":",
            label=f"{principal.name}: patience {principal.patience:.2f}",
        )
        axis.axhline(
            principal.reservation,
            color=colour,
            linestyle="-.",
            alpha=0.6,
            label=f"{principal.name}: value of no summit {principal.reservation:.2f}",
        )
    axis.set_ylim(0, 1)
    axis.set_ylabel("value to the principal")
    axis.set_title("What each principal thinks of the other side's offer", fontsize=10, loc="left")
    axis.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))


def _plot_events(model: SummitModel, axis: Axes) -> None:
    """One staggered, labelled marker per event that matters on a slide."""
    shown = [e for e in model.events if e.kind in palette.EVENTS]
    rows = max(len(shown), 1)
    for i, event in enumerate(shown):
        colour = palette.EVENTS[event.kind]
        height = rows - i
        # yellow (a summit without a deal) is outlined, to be seen on white; the ignores:
        # matplotlib's stubs leave out dates, which its date converter plots
        axis.plot(
            [event.date],  # type: ignore[arg-type]
            [height],
            marker="o",
            color=colour,
            markeredgecolor=palette.text_colour(colour),
        )
        axis.vlines(
            event.date,  # type: ignore[arg-type]
            0,
            height,
            color=colour,
            alpha=0.35,
            linewidth=1,
        )
        text = event.text
        if len(text) > _EVENT_TEXT:
            text = text[: _EVENT_TEXT - 3] + "..."
        axis.annotate(
            f"{EVENT_WORDS.get(event.kind, event.kind)}: {text}",
            (mdates.date2num(event.date), height),
            xytext=(5, -3),
            textcoords="offset points",
            fontsize=7,
            color=palette.text_colour(colour),
        )
    axis.set_ylim(0, rows + 1)
    axis.set_yticks([])
    axis.set_title("Events", fontsize=10, loc="left")
