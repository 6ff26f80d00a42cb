"""The figure of ``summitsim backtest``: per case, each predictor's probability of what
happened, and the model's calibration. Labelled in words; hatching repeats the colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from summitsim.figures import palette

if TYPE_CHECKING:
    from summitsim.backtest import Backtest

#: Each predictor's colour, hatching and label.
STYLE = {
    "model": (palette.BLUE, "", "the model (Monte Carlo)"),
    "compromise": (palette.ORANGE, "//", "compromise model"),
    "nash": (palette.BLUISH_GREEN, "\\\\", "Nash bargaining"),
    "winset": (palette.REDDISH_PURPLE, "..", "win-set overlap"),
    "base_rate": (palette.GREY, "xx", "base rate (other cases)"),
}
#: Bins of the calibration plot: five of width 0.2.
CALIBRATION_BINS = 5
CLASS_WORDS = {"deal": "held, deal", "no_deal": "held, no deal", "not_held": "not held"}


def calibration_points(result: Backtest) -> list[tuple[float, float, int]]:
    """(mean predicted probability, observed frequency, pairs) per non-empty bin, over every
    case's three classes: a class forecast with p happened or not."""
    from summitsim.scoring import OUTCOME_CLASSES

    pairs = [
        (p, 1.0 if name == row.observed else 0.0)
        for row in result.rows
        if row.predictor == "model"
        for name, p in zip(OUTCOME_CLASSES, row.forecast)
    ]
    found = []
    for b in range(CALIBRATION_BINS):
        low, high = b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS
        inside = [
            (p, o) for p, o in pairs if low <= p < high or (b == CALIBRATION_BINS - 1 and p == 1)
        ]
        if inside:
            found.append(
                (
                    float(np.mean([p for p, _ in inside])),
                    float(np.mean([o for _, o in inside])),
                    len(inside),
                )
            )
    return found


def backtest_figure(result: Backtest) -> Figure:
    """Left: per case, bars of P(observed class) by predictor; right: the model's predicted
    probability against the observed frequency, in bins, beside the diagonal."""
    present = [p for p in STYLE if p in result.overall]
    cases = result.cases
    figure = Figure(figsize=(13, 0.6 * len(cases) + 3))
    bars, calibration = figure.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    height = 0.8 / len(present)
    by_key = {(row.file, row.predictor): row for row in result.rows}
    for k, predictor in enumerate(present):
        colour, hatch, label = STYLE[predictor]
        y = [i + 0.4 - height * (k + 0.5) for i in range(len(cases))]
        values = [
            by_key[(case.file, predictor)].p_observed if (case.file, predictor) in by_key else 0
            for case in cases
        ]
        bars.barh(
            y,
            values,
            height=height,
            color=colour,
            hatch=hatch,
            edgecolor=palette.PAPER,
            label=label,
        )
    bars.set_yticks(range(len(cases)))
    bars.set_yticklabels(
        [f"{case.scenario.name}\n({CLASS_WORDS[case.observed]})" for case in cases], fontsize=8
    )
    bars.invert_yaxis()
    bars.set_xlim(0, 1)
    bars.set_xlabel("probability given to what happened (higher is better)")
    bars.set_title("Each case: the probability of the observed outcome, by predictor")
    bars.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize=8, frameon=False)

    points = calibration_points(result)
    calibration.plot(
        [0, 1], [0, 1], color=palette.FAINT, linestyle=":", label="perfect calibration"
    )
    if points:
        xs, ys, _ = zip(*points)
        calibration.plot(xs, ys, color=palette.BLUE, marker="o", label="the model, per bin")
        for predicted, observed, n in points:
            calibration.annotate(
                f"{n}",
                (predicted, observed),
                textcoords="offset points",
                xytext=(5, -10),
                fontsize=8,
                color=palette.MUTED,
            )
    calibration.set_xlim(0, 1)
    calibration.set_ylim(-0.02, 1.02)
    calibration.set_xlabel("the model's predicted probability (bins of 0.2)")
    calibration.set_ylabel("observed frequency")
    calibration.set_title("Calibration of the model\n(every case's three classes; n per bin)")
    calibration.legend(loc="upper left", fontsize=8, frameon=False)
    figure.suptitle(
        f"Scored against history: {len(cases)} cases, {result.trials:,} trials each "
        f"(seed {result.seed})"
    )
    return figure
