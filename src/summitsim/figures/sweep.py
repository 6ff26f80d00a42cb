"""A sweep's figure (``p_summit.png``): for one swept path the P(summit) curve with its
Wilson 95% band (and P(held) beside it where the two differ), the tipping point and the
share of each outcome; for two paths a heat map
with the 0.5 contour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from summitsim.figures import palette
from summitsim.outcomes import Outcome

if TYPE_CHECKING:
    from summitsim.summary import Summary

#: The shares' names in words where the column's word is not one.
SHARE_LABELS = {Outcome.NO_DEAL: "held, no agreement"}


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
    figure = Figure(figsize=(9, 7))
    curve, shares = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.6, 1]})
    curve.fill_between(
        x,
        summary.column("ci_low"),
        summary.column("ci_high"),
        color=palette.SUMMIT,
        alpha=0.25,
        label="P(summit) Wilson 95% interval",
    )
    curve.plot(x, summary.column("p_summit"), color=palette.SUMMIT, marker=".", label="P(summit)")
    if summary.held_differs():
        _plot_held(curve, x, summary)
    curve.axhline(0.5, color=palette.INK, linewidth=0.8, linestyle=":")
    tipping = summary.tipping
    if tipping is not None:
        curve.axvspan(tipping.ci_low, tipping.ci_high, color=palette.TIPPING, alpha=0.12)
        curve.axvline(
            tipping.value,
            color=palette.TIPPING,
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
            color=palette.AS_WRITTEN,
            markeredgecolor=palette.PAPER,
            linestyle="none",
            markersize=8,
            label=f"the scenario's value {at:g}",
        )
    trials = int(summary.column("trials")[0])
    curve.set_ylim(-0.02, 1.02)
    curve.set_ylabel("probability" if summary.held_differs() else "P(summit with an agreement)")
    shown = "P(summit) and P(held)" if summary.held_differs() else "P(summit)"
    curve.set_title(f"{title}: {shown} against {paths[0]}\n({trials:,} trials per point)")
    curve.legend(loc="best", fontsize=8)
    outcomes = dict(palette.OUTCOMES)
    # cancelled and vetoed, next to each other, differ twice
    hatches = {
        Outcome.SUMMIT: "",
        Outcome.CANCELLED: "//",
        Outcome.VETOED: "..",
        Outcome.DEADLINE: "",
    }
    if "p_no_deal" in summary.columns and summary.column("p_no_deal").any():
        outcomes[Outcome.NO_DEAL] = palette.NO_DEAL
        hatches[Outcome.NO_DEAL] = "xx"
    shares.stackplot(
        x,
        *[summary.column(f"p_{kind.word}") for kind in outcomes],
        labels=[SHARE_LABELS.get(kind, kind.word) for kind in outcomes],
        colors=list(outcomes.values()),
        hatch=[hatches[kind] for kind in outcomes],
        edgecolor=palette.PAPER,
        alpha=0.85,
    )
    shares.set_ylim(0, 1)
    shares.set_xlabel(paths[0])
    shares.set_ylabel("share of trials")
    shares.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return figure


def _plot_held(curve: Axes, x: np.ndarray, summary: Summary) -> None:
    """P(held) with its band beside P(summit): dashed with square markers and a hatched
    band, so that the two stay apart printed in grey."""
    curve.fill_between(
        x,
        summary.column("p_held_ci_low"),
        summary.column("p_held_ci_high"),
        facecolor="none",
        edgecolor=palette.HELD,
        hatch="///",
        linewidth=0,
        alpha=0.5,
        label="P(held) Wilson 95% interval",
    )
    curve.plot(
        x,
        summary.column("p_held"),
        color=palette.HELD,
        linestyle="--",
        marker="s",
        markersize=4,
        label="P(held): the summit takes place, with or without a deal",
    )


def _heat_map(
    title: str,
    paths: Sequence[str],
    values: Sequence[np.ndarray],
    summary: Summary,
    baseline: dict[str, float],
) -> Figure:
    x, y = values
    p = summary.column("p_summit").reshape(len(x), len(y))
    figure = Figure(figsize=(8, 6.5))
    axis = figure.subplots()
    mesh = axis.pcolormesh(x, y, p.T, shading="nearest", cmap=palette.HEAT_MAP, vmin=0, vmax=1)
    figure.colorbar(mesh, ax=axis, label="P(summit with an agreement)")
    if len(x) > 1 and len(y) > 1 and p.min() < 0.5 < p.max():
        contour = axis.contour(x, y, p.T, levels=[0.5], colors=palette.INK, linewidths=1.5)
        axis.clabel(contour, fmt="P = 0.5", fontsize=8)
    if all(path in baseline for path in paths):
        axis.plot(
            [baseline[paths[0]]],
            [baseline[paths[1]]],
            marker="D",
            color=palette.AS_WRITTEN,
            markeredgecolor=palette.PAPER,
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
