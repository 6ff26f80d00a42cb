"""Figures of what moves P(summit): the one-at-a-time tornado (``summitsim sensitivity``
and ``--method oat``) and the Sobol' or Morris indices with their intervals. Labelled in
words; hatching and markers repeat what the colour says."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from summitsim.figures import palette

if TYPE_CHECKING:
    from summitsim.global_sensitivity import SensitivityResult
    from summitsim.sensitivity import Sensitivity

_LABELS = {"p_summit": "P(summit)", "p_held": "P(held)"}
_INDICES = {
    "sobol": (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total order ST")),
    "morris": (("mu_star", "mu_star_conf", "mu* (mean |effect|)"), ("sigma", None, "sigma")),
}


def sensitivity_figure(title: str, rows: Sequence[Sensitivity], baseline: float) -> Figure:
    """A tornado chart: for each parameter, P(summit) a step below and a step above the
    scenario's value, largest effect on top, against the baseline P(summit)."""
    shown = list(rows)[::-1]
    figure = Figure(figsize=(9, 0.42 * len(shown) + 1.6))
    axis = figure.subplots()
    for i, row in enumerate(shown):
        axis.plot(
            [row.p_low, row.p_high],
            [i, i],
            color=palette.BACKDROP,
            linewidth=6,
            solid_capstyle="butt",
            zorder=1,
        )
        axis.scatter(
            [row.p_low],
            [i],
            color=palette.FIRST,
            marker="<",
            zorder=2,
            label="a step lower" if i == 0 else None,
        )
        axis.scatter(
            [row.p_high],
            [i],
            color=palette.SECOND,
            marker=">",
            zorder=2,
            label="a step higher" if i == 0 else None,
        )
    axis.axvline(
        baseline,
        color=palette.AS_WRITTEN,
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


def index_figure(title: str, result: SensitivityResult) -> Figure:
    """One panel per outcome: two bars per factor (S1 and ST, or mu* and sigma), with the
    95% intervals as error bars."""
    outcomes = list(dict.fromkeys(str(row["outcome"]) for row in result.rows))
    factors = [factor.path for factor in result.factors]
    height = 0.5 * len(factors) + 1.4
    figure = Figure(figsize=(5.2 * len(outcomes), height))
    axes = figure.subplots(1, len(outcomes), sharey=True, squeeze=False)
    y = np.arange(len(factors))
    for axis, outcome in zip(axes[0], outcomes):
        rows = {row["factor"]: row for row in result.rows if row["outcome"] == outcome}
        for shift, colour, hatch, (key, conf, label) in zip(
            (-0.2, 0.2), (palette.FIRST, palette.SECOND), ("", "//"), _INDICES[result.method]
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
                edgecolor=palette.PAPER,
                ecolor=palette.INK,
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
        axis.axvline(0, color=palette.INK, linewidth=0.8)
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
