"""A sweep's figure (``p_summit.png``): for one swept path the P(summit) curve with its
Wilson 95% band, the tipping point and the share of each outcome; for two paths a heat map
with the 0.5 contour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from summitsim.figures import palette

if TYPE_CHECKING:
    from summitsim.summary import Summary


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
        label="Wilson 95% interval",
    )
    curve.plot(x, summary.column("p_summit"), color=palette.SUMMIT, marker=".", label="P(summit)")
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
    curve.set_ylabel("P(summit is held)")
    curve.set_title(f"{title}: P(summit) against {paths[0]}\n({trials:,} trials per point)")
    curve.legend(loc="best", fontsize=8)
    outcomes = list(palette.OUTCOMES)
    shares.stackplot(
        x,
        *[summary.column(f"p_{kind}") for kind in outcomes],
        labels=outcomes,
        colors=list(palette.OUTCOMES.values()),
        hatch=["", "//", "..", ""],  # cancelled and vetoed, next to each other, differ twice
        edgecolor=palette.PAPER,
        alpha=0.85,
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
    figure = Figure(figsize=(8, 6.5))
    axis = figure.subplots()
    mesh = axis.pcolormesh(x, y, p.T, shading="nearest", cmap=palette.HEAT_MAP, vmin=0, vmax=1)
    figure.colorbar(mesh, ax=axis, label="P(summit is held)")
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
