"""Figures: a run's timeline for a slide, and the sweep's P(summit) curve or heat map.

Matplotlib is imported here only, with the non-interactive Agg backend, so commands that
draw nothing never pay for it. Every figure is written atomically (temporary file, then
rename).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from summitsim.atomic import replacing

if TYPE_CHECKING:
    from summitsim.model import SummitModel
    from summitsim.sensitivity import Sensitivity
    from summitsim.summary import Summary

#: Colours of the first and second side, and of events.
SIDE_COLOURS = ("#1f5fa8", "#b3261e")
EVENT_COLOURS = {
    "cancelled": "#b3261e",
    "vetoed": "#b3261e",
    "summit": "#2e7d32",
    "deadline": "#6d6d6d",
    "sidelined": "#7b1fa2",
    "consequence": "#ef6c00",
}
_ISSUE_MARKERS = "osD^vP*X"
#: Titles, labels, legends and annotations carry text from scenario files: a ``$`` there is
#: a dollar sign, never the start of matplotlib maths (which drops the dollars and raises
#: on what is not valid mathtext) nor of TeX. Every figure is built and saved under these.
LITERAL_TEXT = {"text.parse_math": False, "text.usetex": False}


@matplotlib.rc_context(LITERAL_TEXT)
def save_figure(figure: Figure, path: str | os.PathLike) -> Path:
    """Write ``figure`` to ``path`` (format by its extension) atomically and close it."""
    try:
        with replacing(path) as partial:
            figure.savefig(
                partial, dpi=150, bbox_inches="tight", format=Path(path).suffix.lstrip(".") or "png"
            )
    finally:
        plt.close(figure)
    return Path(path)


@matplotlib.rc_context(LITERAL_TEXT)
def run_figure(model: SummitModel) -> Figure:
    """A finished run on one slide: each side's offers per issue over the contacts; each
    principal's value of the other side's offers against its patience and reservation; and
    a strip of the dated events (contacts, the outcome, sidelining, consequences)."""
    scenario = model.setup
    figure, (offers_axis, value_axis, events_axis) = plt.subplots(
        3, 1, figsize=(12, 9), sharex=True, gridspec_kw={"height_ratios": [1.1, 1, 0.9]}
    )
    _plot_offers(model, offers_axis)
    _plot_values(model, value_axis)
    _plot_events(model, events_axis)
    for axis in (offers_axis, value_axis, events_axis):
        axis.axvline(scenario.summit, color="black", linestyle="--", linewidth=0.8)
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
    verdict = (
        ""
        if outcome is None
        else (
            f" - {outcome.kind}"
            + (f" by {outcome.side}" if outcome.side else "")
            + f" on {outcome.date:%d %b %Y}"
        )
    )
    figure.suptitle(f"{scenario.title}{verdict}", fontsize=13)
    figure.autofmt_xdate()
    return figure


def _plot_offers(model: SummitModel, axis: plt.Axes) -> None:
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
                    color=SIDE_COLOURS[j],
                    marker=_ISSUE_MARKERS[k % len(_ISSUE_MARKERS)],
                    linestyle="-" if j == 0 else "--",
                    label=f"{side.id}: {issue.label}",
                )
    axis.set_ylim(-0.05, 1.05)
    axis.set_ylabel("offer on the issue's scale\n(0 = low end, 1 = high end)")
    axis.set_title("Offers at each contact", fontsize=10, loc="left")
    axis.legend(fontsize=7, ncol=2, loc="center left", bbox_to_anchor=(1.01, 0.5))


def _plot_values(model: SummitModel, axis: plt.Axes) -> None:
    for j, principal in enumerate(model.principals):
        other = model.setup.sides[1 - j].id
        points = [
            (record.date, record.values[other][principal.actor_id])
            for record in model.contacts_held
            if other in record.values
        ]
        if points:
            axis.plot(
                *zip(*points),
                color=SIDE_COLOURS[j],
                marker="o",
                label=f"{principal.name}: value of {other}'s offer",
            )
        axis.axhline(
            principal.patience,
            color=SIDE_COLOURS[j],
            linestyle=":",
            label=f"{principal.name}: patience {principal.patience:.2f}",
        )
        axis.axhline(
            principal.reservation,
            color=SIDE_COLOURS[j],
            linestyle="-.",
            alpha=0.6,
            label=f"{principal.name}: value of no summit {principal.reservation:.2f}",
        )
    axis.set_ylim(0, 1)
    axis.set_ylabel("value to the principal")
    axis.set_title("What each principal thinks of the other side's offer", fontsize=10, loc="left")
    axis.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))


def _plot_events(model: SummitModel, axis: plt.Axes) -> None:
    """One staggered, labelled marker per event that matters on a slide."""
    shown = [e for e in model.events if e.kind in EVENT_COLOURS or e.kind == "contact"]
    rows = max(len(shown), 1)
    for i, event in enumerate(shown):
        colour = EVENT_COLOURS.get(event.kind, "#455a64")
        height = rows - i
        axis.plot([event.date], [height], marker="o", color=colour)
        axis.vlines(event.date, 0, height, color=colour, alpha=0.35, linewidth=1)
        text = event.text if len(event.text) <= 70 else event.text[:67] + "..."
        axis.annotate(
            f"{event.kind}: {text}",
            (mdates.date2num(event.date), height),
            xytext=(5, -3),
            textcoords="offset points",
            fontsize=7,
            color=colour,
        )
    axis.set_ylim(0, rows + 1)
    axis.set_yticks([])
    axis.set_title("Events", fontsize=10, loc="left")


OUTCOME_COLOURS = {
    "summit": "#2e7d32",
    "cancelled": "#b3261e",
    "vetoed": "#ef6c00",
    "deadline": "#9e9e9e",
}


@matplotlib.rc_context(LITERAL_TEXT)
def sweep_figure(
    title: str,
    paths: Sequence[str],
    values: Sequence[np.ndarray],
    summary: Summary,
    baseline: dict[str, float] | None = None,
) -> Figure:
    """P(summit) over a sweep: for one path a curve with its Wilson 95% band, the tipping
    point and the share of each outcome; for two paths a heat map with the 0.5 contour.
    ``baseline`` marks the scenario's own values of the swept paths."""
    baseline = baseline or {}
    if len(paths) == 2:
        return _heat_map(title, paths, values, summary, baseline)
    x = values[0]
    figure, (curve, shares) = plt.subplots(
        2, 1, figsize=(9, 7), sharex=True, gridspec_kw={"height_ratios": [1.6, 1]}
    )
    curve.fill_between(
        x,
        summary.column("ci_low"),
        summary.column("ci_high"),
        color=OUTCOME_COLOURS["summit"],
        alpha=0.25,
        label="Wilson 95% interval",
    )
    curve.plot(
        x,
        summary.column("p_summit"),
        color=OUTCOME_COLOURS["summit"],
        marker=".",
        label="P(summit)",
    )
    curve.axhline(0.5, color="black", linewidth=0.8, linestyle=":")
    tipping = summary.tipping
    if tipping is not None:
        curve.axvspan(tipping.ci_low, tipping.ci_high, color="black", alpha=0.12)
        curve.axvline(
            tipping.value,
            color="black",
            linewidth=1.2,
            label=f"tipping point {tipping.value:.3f} "
            f"[{tipping.ci_low:.3f}, {tipping.ci_high:.3f}]",
        )
    if paths[0] in baseline:
        at = baseline[paths[0]]
        curve.plot(
            [at],
            [np.interp(at, x, summary.column("p_summit"))],
            marker="D",
            color="#b3261e",
            linestyle="none",
            markersize=8,
            label=f"the scenario's value {at:g}",
        )
    trials = int(summary.column("trials")[0])
    curve.set_ylim(-0.02, 1.02)
    curve.set_ylabel("P(summit is held)")
    curve.set_title(f"{title}: P(summit) against {paths[0]}\n({trials:,} trials per point)")
    curve.legend(loc="best", fontsize=8)
    stack = [summary.column("p_summit")] + [
        summary.column(f"p_{k}") for k in ("cancelled", "vetoed", "deadline")
    ]
    shares.stackplot(
        x, *stack, labels=list(OUTCOME_COLOURS), colors=list(OUTCOME_COLOURS.values()), alpha=0.85
    )
    shares.set_ylim(0, 1)
    shares.set_xlabel(paths[0])
    shares.set_ylabel("share of trials")
    shares.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return figure


def _heat_map(
    title: str,
    paths: Sequence[str],
    values: Sequence[np.ndarray],
    summary: Summary,
    baseline: dict[str, float],
) -> Figure:
    x, y = values
    p = summary.column("p_summit").reshape(len(x), len(y))
    figure, axis = plt.subplots(figsize=(8, 6.5))
    mesh = axis.pcolormesh(x, y, p.T, shading="nearest", cmap="RdYlGn", vmin=0, vmax=1)
    figure.colorbar(mesh, ax=axis, label="P(summit is held)")
    if len(x) > 1 and len(y) > 1 and p.min() < 0.5 < p.max():
        contour = axis.contour(x, y, p.T, levels=[0.5], colors="black", linewidths=1.5)
        axis.clabel(contour, fmt="P = 0.5", fontsize=8)
    if all(path in baseline for path in paths):
        axis.plot(
            [baseline[paths[0]]],
            [baseline[paths[1]]],
            marker="D",
            color="black",
            markersize=8,
            linestyle="none",
            label="the scenario's values",
        )
        axis.legend(loc="upper left", fontsize=8)
    axis.set_xlabel(paths[0])
    axis.set_ylabel(paths[1])
    trials = int(summary.column("trials")[0])
    axis.set_title(f"{title}: P(summit)\n({trials:,} trials per point)")
    return figure


@matplotlib.rc_context(LITERAL_TEXT)
def sensitivity_figure(title: str, rows: Sequence[Sensitivity], baseline: float) -> Figure:
    """A tornado chart: for each parameter, P(summit) a step below and a step above the
    scenario's value, largest effect on top, against the baseline P(summit)."""
    shown = list(rows)[::-1]
    figure, axis = plt.subplots(figsize=(9, 0.42 * len(shown) + 1.6))
    for i, row in enumerate(shown):
        axis.plot(
            [row.p_low, row.p_high],
            [i, i],
            color="#9e9e9e",
            linewidth=6,
            solid_capstyle="butt",
            zorder=1,
        )
        axis.scatter(
            [row.p_low], [i], color="#1f5fa8", zorder=2, label="a step lower" if i == 0 else None
        )
        axis.scatter(
            [row.p_high], [i], color="#b3261e", zorder=2, label="a step higher" if i == 0 else None
        )
    axis.axvline(
        baseline,
        color="black",
        linestyle=":",
        linewidth=1,
        label=f"the scenario as written ({baseline:.3f})",
    )
    axis.set_yticks(
        range(len(shown)), [f"{r.path}  ({r.low:g} / {r.high:g})" for r in shown], fontsize=8
    )
    axis.set_xlabel("P(summit is held)")
    axis.set_title(
        f"{title}: what moves P(summit)\n(one parameter at a time, same draws for everything else)"
    )
    axis.legend(loc="lower right", fontsize=8)
    return figure
