"""``summitsim backtest``: the model and the baselines scored against what happened.

For each case file with ``observed:`` (design-schema2.md section 10) every predictor gives
a probability to each outcome class (:data:`summitsim.scoring.OUTCOME_CLASSES`: held with a
deal, held without one, not held), and the forecast is scored against the observed class
with the Brier and the log score (:mod:`summitsim.scoring`).

The predictors:

* ``model``: the Monte Carlo shares of the kernel's counts, with the case's
  ``uncertainty:`` block drawn: ``deal = summit``, ``no_deal = held - summit``,
  ``not_held = trials - held``. Case ``i`` (in the order the files are given, a folder's
  files by name) runs the blocks keyed ``(seed, i, b)``, so the numbers depend on the seed
  and the case's place alone, not on the thread count.
* ``compromise``, ``nash``, ``winset``: the baselines of ``summitsim baselines``. They
  predict whether a framework is agreed, not whether a summit meets without one, so each
  predicts a class with probability 1: a summit with a deal when it predicts a summit,
  else not held.
* ``base_rate``: the share of each class among the OTHER cases' observed classes
  (leave-one-out, so a case never predicts itself). With one case there are no others
  and no base rate.

An observed ``vetoed`` records no meeting, so it counts as not held.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from summitsim import draws
from summitsim.arrays import compile_scenario
from summitsim.baseline_report import all_baselines, preferences
from summitsim.kernel import count
from summitsim.outcomes import Count
from summitsim.scenario import ScenarioError, load_scenario
from summitsim.scenario.schema import Scenario
from summitsim.scoring import OUTCOME_CLASSES, outcome_class, score_case
from summitsim.sweep import BLOCK_TRIALS

#: The predictors, in the order of the table, the CSV and the figure.
PREDICTORS = ("model", "compromise", "nash", "winset", "base_rate")
#: The baselines among them.
BASELINES = PREDICTORS[1:]
#: Blocks of fewer trials run on the calling thread (the counts are the same either way).
PARALLEL_FROM = 20_000
COLUMNS = (
    "case",
    "file",
    "observed",
    "predictor",
    "p_deal",
    "p_no_deal",
    "p_not_held",
    "p_observed",
    "brier",
    "log",
)


@dataclass(frozen=True)
class Case:
    """One case file and the class of what happened."""

    file: str
    scenario: Scenario
    observed: str


@dataclass(frozen=True)
class Row:
    """One predictor's forecast of one case and its scores."""

    case: str
    file: str
    observed: str
    predictor: str
    forecast: tuple[float, float, float]
    brier: float
    log: float

    @property
    def p_observed(self) -> float:
        return self.forecast[OUTCOME_CLASSES.index(self.observed)]

    def to_csv(self) -> dict[str, object]:
        return {
            "case": self.case,
            "file": self.file,
            "observed": self.observed,
            "predictor": self.predictor,
            **{f"p_{name}": p for name, p in zip(OUTCOME_CLASSES, self.forecast)},
            "p_observed": self.p_observed,
            "brier": self.brier,
            "log": self.log,
        }


@dataclass(frozen=True)
class Backtest:
    """Every row, the mean scores per predictor, and how the run went."""

    cases: list[Case]
    rows: list[Row]
    overall: dict[str, tuple[float, float]]  # predictor -> (mean Brier, mean log)
    trials: int
    seed: int
    elapsed_s: float
    simulation_s: float

    def best_baseline(self) -> str:
        """The baseline with the lowest mean Brier score (ties: the first in order)."""
        return min((p for p in BASELINES if p in self.overall), key=lambda p: self.overall[p][0])


def case_files(paths: Sequence[str]) -> list[str]:
    """The files named, a folder standing for its ``*.yaml`` and ``*.yml`` files by name."""
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not inside:
                raise ScenarioError("a folder without case files (*.yaml)", file=given)
            found += [str(p) for p in inside]
        else:
            found.append(given)
    return found


def load_cases(paths: Sequence[str]) -> list[Case]:
    """Every case, loaded and checked before anything runs: a file without ``observed:``
    cannot be scored and is refused."""
    cases = []
    for file in case_files(paths):
        scenario = load_scenario(file)
        if scenario.observed is None:
            raise ScenarioError(
                "no observed: block, so nothing to score against; backtest reads case files "
                "that record what happened (observed: outcome, ...)",
                file=file,
                field="observed",
            )
        observed = outcome_class(scenario.observed.outcome, held=False)
        cases.append(Case(file=file, scenario=scenario, observed=observed))
    return cases


def model_forecast(scenario: Scenario, index: int, trials: int, seed: int) -> tuple[float, ...]:
    """The Monte Carlo shares of the outcome classes, case ``index``'s blocks keyed
    ``(seed, index, b)``."""
    arrays = compile_scenario(scenario)
    counts = np.zeros(len(Count), dtype=np.int64)
    for b in range(-(-trials // BLOCK_TRIALS)):
        size = min(BLOCK_TRIALS, trials - b * BLOCK_TRIALS)
        key = draws.block_key(seed, index, b)
        counts += count(arrays, size, key, parallel=size >= PARALLEL_FROM)
    deal, held = int(counts[Count.SUMMIT]), int(counts[Count.HELD])
    return deal / trials, (held - deal) / trials, (trials - held) / trials


def baseline_forecasts(scenario: Scenario) -> dict[str, tuple[float, ...]]:
    """Each baseline's class with probability 1: a summit predicted is a deal, anything
    else not held (the baselines say nothing of a summit held without a deal)."""
    return {
        baseline.name: (1.0, 0.0, 0.0) if baseline.predicts_summit else (0.0, 0.0, 1.0)
        for baseline in all_baselines(preferences(scenario))
    }


def base_rate(observed: Sequence[str], index: int) -> tuple[float, ...] | None:
    """The class shares among the observed classes of every case but ``index``; None when
    there is no other case.

    >>> base_rate(["deal", "not_held", "not_held", "no_deal"], 1)
    (0.3333333333333333, 0.3333333333333333, 0.3333333333333333)
    """
    others = [c for i, c in enumerate(observed) if i != index]
    if not others:
        return None
    tally = Counter(others)
    return tuple(tally[name] / len(others) for name in OUTCOME_CLASSES)


def backtest(cases: Sequence[Case], trials: int, seed: int) -> Backtest:
    """Every predictor's forecast of every case, scored; means over cases per predictor."""
    start = time.perf_counter()
    simulation_s = 0.0
    observed = [case.observed for case in cases]
    rows: list[Row] = []
    for i, case in enumerate(cases):
        began = time.perf_counter()
        forecasts: dict[str, tuple[float, ...]] = {
            "model": model_forecast(case.scenario, i, trials, seed)
        }
        simulation_s += time.perf_counter() - began
        forecasts |= baseline_forecasts(case.scenario)
        rate = base_rate(observed, i)
        if rate is not None:
            forecasts["base_rate"] = rate
        for predictor in PREDICTORS:
            if predictor not in forecasts:
                continue
            forecast = forecasts[predictor]
            # Monte Carlo shares may sum to 1 only up to rounding; the scores check the sum
            scores = score_case(forecast, case.observed)
            rows.append(
                Row(
                    case=case.scenario.name,
                    file=case.file,
                    observed=case.observed,
                    predictor=predictor,
                    forecast=(forecast[0], forecast[1], forecast[2]),
                    brier=scores.brier,
                    log=scores.log,
                )
            )
    overall = {}
    for predictor in PREDICTORS:
        mine = [row for row in rows if row.predictor == predictor]
        if mine:
            overall[predictor] = (
                math.fsum(row.brier for row in mine) / len(mine),
                math.fsum(row.log for row in mine) / len(mine),
            )
    return Backtest(
        cases=list(cases),
        rows=rows,
        overall=overall,
        trials=trials,
        seed=seed,
        elapsed_s=time.perf_counter() - start,
        simulation_s=simulation_s,
    )


def table_text(result: Backtest) -> str:
    """The printed table: per case P(observed class) by predictor, then the mean scores."""
    present = [p for p in PREDICTORS if p in result.overall]
    width = max(len(case.scenario.name) for case in result.cases)
    head = f"{'case':<{width}}  {'observed':<8}  " + "  ".join(f"{p:>10}" for p in present)
    lines = ["P(observed class) by predictor", head]
    by_case: dict[str, dict[str, Row]] = {}
    for row in result.rows:
        by_case.setdefault(row.file, {})[row.predictor] = row
    for case in result.cases:
        mine = by_case[case.file]
        cells = "  ".join(
            f"{mine[p].p_observed:>10.4f}" if p in mine else f"{'-':>10}" for p in present
        )
        lines.append(f"{case.scenario.name:<{width}}  {case.observed:<8}  {cells}")
    lines += ["", "Mean over cases (lower is better)"]
    lines.append(f"{'':<{width}}  {'':<8}  " + "  ".join(f"{p:>10}" for p in present))
    for k, name in enumerate(("Brier", "log")):
        cells = "  ".join(f"{result.overall[p][k]:>10.4f}" for p in present)
        lines.append(f"{name:<{width}}  {'':<8}  {cells}")
    lines.append(
        f"best baseline by Brier: {result.best_baseline()}; model from {result.trials:,} "
        f"trials per case, seed {result.seed}"
    )
    return "\n".join(lines)
