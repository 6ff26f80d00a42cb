"""Figures of the analysis commands: sensitivity indices with their intervals and PRIM's
peeling trade-off. Labelled in words, in the palette of :mod:`summitsim.plots` (its blue
and red are told apart by people with any common colour-vision deficiency; hatching and
markers repeat what the colour says)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from summitsim.plots import SIDE_COLOURS

if TYPE_CHECKING:
    import pandas as pd

    from summitsim.global_sensitivity import SensitivityResult

_FIRST, _SECOND = SIDE_COLOURS
_LABELS = {"p_summit": "P(summit)", "p_held": "P(held)"}
_INDICES = {
    "sobol": (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total order ST")),
    "morris": (("mu_star", "mu_star_conf", "mu* (mean |effect|)"), ("sigma", None, "sigma")),
}


def index_figure(title: str, result: SensitivityResult) -> Figure:
    """One panel per outcome: two bars per factor (S1 and ST, or mu* and sigma), with the
    95% intervals as error bars."""
    outcomes = list(dict.fromkeys(row["outcome"] for row in result.rows))
    factors = [factor.path for factor in result.factors]
    height = 0.5 * len(factors) + 1.4
    figure, axes = plt.subplots(
        1, len(outcomes), figsize=(5.2 * len(outcomes), height), sharey=True, squeeze=False
    )
    y = np.arange(len(factors))
    for axis, outcome in zip(axes[0], outcomes):
        rows = {row["factor"]: row for row in result.rows if row["outcome"] == outcome}
        for shift, colour, hatch, (key, conf, label) in zip(
            (-0.2, 0.2), (_FIRST, _SECOND), ("", "//"), _INDICES[result.method]
        ):
            values = np.array([rows[f][key] for f in factors], dtype=float)
            errors = None if conf is None else np.array([rows[f][conf] for f in factors])
            axis.barh(
                y + shift,
                np.nan_to_num(values),
                height=0.38,
                xerr=errors,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                capsize=3,
                label=label + ("" if conf is None else " with 95% interval"),
            )
            ends = np.nan_to_num(values) + (0 if errors is None else np.nan_to_num(errors))
            for at, number, end in zip(y + shift, values, ends):
                # the number just beyond its bar and interval, where nothing covers it
                axis.annotate(
                    f"{number:.2f}",
                    (max(end, 0.0), at),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=6,
                )
        axis.axvline(0, color="black", linewidth=0.8)
        axis.set_yticks(y, factors, fontsize=8)
        axis.invert_yaxis()
        axis.set_title(_LABELS.get(outcome, outcome), fontsize=10)
        axis.set_xlabel(
            "share of the variance" if result.method == "sobol" else "change of P per step"
        )
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    method = "Sobol' indices" if result.method == "sobol" else "Morris elementary effects"
    figure.suptitle(
        f"{title}: {method}\n({len(result.points):,} points x {result.trials:,} trials, "
        "the same trials at every point)",
        fontsize=10,
    )
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    return figure


def tradeoff_figure(title: str, trajectory: pd.DataFrame, chosen: int) -> Figure:
    """PRIM's peeling trajectory: density against coverage for every box, the number of
    restricted factors written beside each, the chosen box marked."""
    figure, axis = plt.subplots(figsize=(7, 5))
    axis.plot(
        trajectory["coverage"],
        trajectory["density"],
        color=_FIRST,
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
        color=_SECOND,
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
