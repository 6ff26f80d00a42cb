"""A finished sweep in numbers: P(summit) and P(held) with their Wilson intervals and the
share of every outcome at each grid point, the tipping point of a one-path sweep, and the
words for it.

What the numbers are, apart from where they go: :mod:`summitsim.outputs.sweep` writes them
to ``summary.csv`` and ``manifest.json``, the command line prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summitsim.analysis import TippingPoint, tipping_point, wilson_interval
from summitsim.outcomes import CANCELLED_BY, SIDELINED, VETOED_BY, Count
from summitsim.sweep import SweepResult


@dataclass(frozen=True)
class Summary:
    """Per grid point: the swept values, P(summit) with its Wilson 95% interval, the share
    of every outcome, then P(held) with its interval and the share of summits held without
    a deal (columns named as in ``summary.csv``; schema 2's columns come last so that a
    schema 1 reader finds every column where it always was)."""

    columns: list[str]
    rows: list[list[float | int]]
    tipping: TippingPoint | None

    def column(self, name: str) -> np.ndarray:
        """The values of column ``name``, one per grid point."""
        i = self.columns.index(name)
        return np.array([row[i] for row in self.rows], dtype=np.float64)

    def held_differs(self) -> bool:
        """Whether P(held) differs from P(summit) at any grid point: only then is it worth
        a second line in the table and the figure (in schema 1 every held summit agrees)."""
        if "p_held" not in self.columns:
            return False
        return bool(np.any(self.column("p_held") != self.column("p_summit")))


def share_columns(result: SweepResult) -> list[tuple[str, np.ndarray]]:
    """The outcome shares, overall and by side, from the count columns."""
    scenario, counts = result.plan.scenario, result.counts
    n = float(result.plan.trials)
    a, b = scenario.side_ids
    cancelled = [counts[:, column] for column in CANCELLED_BY]
    vetoed = [counts[:, column] for column in VETOED_BY]
    shares = [
        ("p_cancelled", (cancelled[0] + cancelled[1]) / n),
        ("p_vetoed", (vetoed[0] + vetoed[1]) / n),
        ("p_deadline", counts[:, Count.DEADLINE] / n),
        (f"p_cancelled_by_{a}", cancelled[0] / n),
        (f"p_cancelled_by_{b}", cancelled[1] / n),
        (f"p_vetoed_by_{a}", vetoed[0] / n),
        (f"p_vetoed_by_{b}", vetoed[1] / n),
    ]
    for j, side in enumerate(scenario.sides):
        if side.negotiator is not None:
            shares.append((f"p_sidelined_{side.negotiator.id}", counts[:, SIDELINED[j]] / n))
    return shares


def summarise(result: SweepResult) -> Summary:
    """Summary rows of a sweep, and the tipping point of a 1-D sweep."""
    plan = result.plan
    summits = result.counts[:, Count.SUMMIT]
    trials = np.full(summits.shape, plan.trials)
    low, high = wilson_interval(summits, trials)
    shares = share_columns(result)
    held = result.counts[:, Count.HELD]
    held_low, held_high = wilson_interval(held, trials)
    columns = [
        *plan.grid.paths,
        "trials",
        "summits",
        "p_summit",
        "ci_low",
        "ci_high",
        *(name for name, _ in shares),
        "p_held",
        "p_held_ci_low",
        "p_held_ci_high",
        "p_no_deal",
    ]
    rows = []
    for i, point in enumerate(plan.grid.points()):
        rows.append(
            [
                *point,
                plan.trials,
                int(summits[i]),
                float(summits[i] / plan.trials),
                float(low[i]),
                float(high[i]),
                *(float(v[i]) for _, v in shares),
                float(held[i] / plan.trials),
                float(held_low[i]),
                float(held_high[i]),
                float(result.counts[i, Count.NO_DEAL] / plan.trials),
            ]
        )
    tipping = None
    if len(plan.grid.paths) == 1 and len(rows) > 1:
        tipping = tipping_point(
            plan.grid.paths[0], np.array(plan.grid.values[0]), summits, trials, seed=plan.seed
        )
    return Summary(columns, rows, tipping)


def trials_per_second(result: SweepResult) -> float:
    """Trials computed per second of the sweep, leaving out the kernel's compilation."""
    return result.computed_trials / max(result.elapsed_s - result.compile_s, 1e-9)


def tipping_text(tipping: TippingPoint | None, path: str) -> str:
    """One line on the tipping point, or its absence."""
    if tipping is None:
        return f"Tipping point: none (P(summit) does not cross 0.5 over {path}'s grid)"
    return (
        f"Tipping point: P(summit) = 0.5 at {path} = {tipping.value:.4f} "
        f"(95% interval {tipping.ci_low:.4f} to {tipping.ci_high:.4f})"
    )
