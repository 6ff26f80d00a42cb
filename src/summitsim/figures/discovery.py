"""The figure of ``summitsim discover``: PRIM's peeling trade-off between coverage and
density, the chosen box marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from summitsim.figures import palette

if TYPE_CHECKING:
    import pandas as pd


def tradeoff_figure(title: str, trajectory: pd.DataFrame, chosen: int) -> Figure:
    """PRIM's peeling trajectory: density against coverage for every box, the number of
    restricted factors written beside each, the chosen box marked."""
    figure = Figure(figsize=(7, 5))
    axis = figure.subplots()
    axis.plot(
        trajectory["coverage"],
        trajectory["density"],
        color=palette.FIRST,
        marker="o",
        markersize=4,
        label="boxes along the peeling trajectory",
    )
    changes = trajectory["res_dim"].ne(trajectory["res_dim"].shift())
    for _, step in trajectory[changes].iterrows():  # where the box restricts another factor
        axis.annotate(
            f"{int(step['res_dim'])}",
            (step["coverage"], step["density"]),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=7,
        )
    at = trajectory.iloc[chosen]
    axis.plot(
        [at["coverage"]],
        [at["density"]],
        marker="D",
        markersize=9,
        color=palette.SECOND,
        linestyle="none",
        label=f"the chosen box (coverage {at['coverage']:.2f}, density {at['density']:.2f})",
    )
    axis.set_xlabel("coverage: share of the samples of interest inside the box")
    axis.set_ylabel("density: share of the box's samples that are of interest")
    axis.set_xlim(-0.02, 1.02)
    axis.set_ylim(-0.02, 1.02)
    axis.set_title(
        f"{title}: PRIM peeling trade-off\n(numbers: factors the box restricts, from that step on)",
        fontsize=10,
    )
    axis.legend(loc="lower left", fontsize=8)
    return figure
