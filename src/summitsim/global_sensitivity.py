"""Which factors move P(summit), over their whole ranges: ``summitsim sensitivity``.

Three methods, each over the factors ``PATH=LOW:HIGH`` (:mod:`summitsim.factors`):

* ``sobol``: SALib's Saltelli sample (``N (D + 2)`` points for ``D`` factors, N a power
  of 2) and Sobol' first-order (S1) and total-order (ST) indices with 95% bootstrap
  intervals (Saltelli et al. 2010, "Variance based sensitivity analysis of model output",
  Computer Physics Communications 181(2)).
* ``morris``: SALib's Morris trajectories (N trajectories of ``D + 1`` points on a 4-level
  grid) and the elementary effects' mu* (mean absolute effect, with its 95% interval) and
  sigma (their spread: interactions or curvature) (Morris 1991, Technometrics 33(2);
  Campolongo et al. 2007). An effect is the change of P per step of ``2/3`` of the range.
* ``oat``: one factor at a time, P(summit) at its LOW and HIGH with every other value as
  written (:mod:`summitsim.sensitivity`'s analysis, for any scenario and factors).

Every sample point runs the same trials (common random numbers), so the indices measure the
factors and not the Monte Carlo noise. P(summit) and P(held) are both analysed.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from summitsim.factors import Factor, counts_at, outcome_counts, progress_bar
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.schema import Scenario
from summitsim.sensitivity import Sensitivity

METHODS = ("sobol", "morris", "oat")
DEFAULT_SAMPLES = {"sobol": 256, "morris": 20}
DEFAULT_TRIALS = 2000
#: Morris grid levels (SALib's default; an even number, so every step is 2/3 of the range).
MORRIS_LEVELS = 4
#: Bootstrap resamples of SALib's intervals.
RESAMPLES = 200
CONFIDENCE = 0.95
FIGURE = {"sobol": "sobol.png", "morris": "morris.png", "oat": "tornado.png"}
OUTCOMES = {"p_summit": "P(summit)", "p_held": "P(held)"}
#: The indices of each method, in the order of its table's columns.
SOBOL_KEYS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_KEYS = ("mu", "mu_star", "mu_star_conf", "sigma")
#: SALib's description of the factors (``num_vars``, ``names``, ``bounds``).
Problem = dict[str, object]
#: One outcome's indices (per key, one value per factor) and a note on them, if any.
Indices = tuple[Mapping[str, Sequence[float]], str | None]


@dataclass
class SensitivityResult:
    """A finished analysis: the sample points, the counts at each, the table of indices
    (``rows``, columns ``columns``) and what it cost."""

    method: str
    factors: list[Factor]
    samples: int | None
    trials: int
    seed: int
    points: np.ndarray
    counts: dict[str, np.ndarray]
    columns: list[str]
    rows: list[dict[str, object]]
    elapsed_s: float
    notes: list[str] = field(default_factory=list)
    baseline: float | None = None

    @property
    def computed_trials(self) -> int:
        return self.trials * len(self.points)


def check_samples(method: str, samples: int | None) -> int | None:
    """The number of samples ``method`` takes (its default when None); ScenarioError
    naming ``--samples`` when it is not allowed."""
    if method == "oat":
        if samples is not None:
            raise ScenarioError(
                "oat evaluates each factor at its LOW and HIGH; allowed: no --samples with "
                "--method oat",
                field="--samples",
            )
        return None
    if samples is None:
        return DEFAULT_SAMPLES[method]
    if method == "sobol" and (samples < 4 or samples & (samples - 1)):
        below = 2 ** max(2, math.floor(math.log2(max(samples, 1))))
        raise ScenarioError(
            f"{samples} is not a power of 2, which Sobol' sampling needs for its balance "
            f"properties; allowed: 4, 8, 16, ... (e.g. {below} or {2 * below})",
            field="--samples",
        )
    if method == "morris" and samples < 2:
        raise ScenarioError(
            f"{samples} trajectory cannot give a spread; allowed: a whole number >= 2",
            field="--samples",
        )
    return samples


def _problem(factors: Sequence[Factor]) -> Problem:
    return {
        "num_vars": len(factors),
        "names": [factor.path for factor in factors],
        "bounds": [[factor.low, factor.high] for factor in factors],
    }


def _evaluate(
    scenario: Scenario,
    factors: Sequence[Factor],
    points: np.ndarray,
    trials: int,
    seed: int,
    progress: bool,
) -> dict[str, np.ndarray]:
    bar = progress_bar(len(points) * trials, "sensitivity", progress)
    try:
        counts = counts_at(scenario, [f.path for f in factors], points, trials, seed, bar)
    finally:
        bar.close()
    return outcome_counts(counts, scenario)


def _constant(outcome: str, y: np.ndarray) -> str | None:
    if np.all(y == y[0]):
        return f"{OUTCOMES[outcome]} is {y[0]:.4g} at every sample point: its indices are undefined"
    return None


def sobol_analysis(
    scenario: Scenario,
    factors: Sequence[Factor],
    samples: int,
    trials: int,
    seed: int,
    progress: bool = True,
) -> SensitivityResult:
    """Sobol' first- and total-order indices of P(summit) and P(held)."""
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    def indices(problem: Problem, points: np.ndarray, outcome: str, y: np.ndarray) -> Indices:
        note = _constant(outcome, y)
        if note:  # no variance to apportion
            return {key: [math.nan] * len(factors) for key in SOBOL_KEYS}, note
        found = sobol.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            # a Generator, not the int: SALib 1.6 tests ``if seed:`` and draws from
            # numpy's global state for seed 0
            seed=np.random.default_rng(seed),
        )
        return found, None

    def sample(problem: Problem) -> np.ndarray:
        points: np.ndarray = sobol_sample.sample(
            problem, samples, calc_second_order=False, seed=seed
        )
        return points

    return _index_analysis(
        "sobol", SOBOL_KEYS, sample, indices, scenario, factors, samples, trials, seed, progress
    )


def morris_analysis(
    scenario: Scenario,
    factors: Sequence[Factor],
    samples: int,
    trials: int,
    seed: int,
    progress: bool = True,
) -> SensitivityResult:
    """Morris mu*, its interval, mu and sigma of P(summit) and P(held)."""
    from SALib.analyze import morris
    from SALib.sample import morris as morris_sample

    def indices(problem: Problem, points: np.ndarray, outcome: str, y: np.ndarray) -> Indices:
        found = morris.analyze(
            problem,
            points,
            y,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            num_levels=MORRIS_LEVELS,
            seed=seed,
        )
        return found, None

    def sample(problem: Problem) -> np.ndarray:
        points: np.ndarray = morris_sample.sample(
            problem, samples, num_levels=MORRIS_LEVELS, seed=seed
        )
        return points

    return _index_analysis(
        "morris", MORRIS_KEYS, sample, indices, scenario, factors, samples, trials, seed, progress
    )


def _index_analysis(
    method: str,
    keys: Sequence[str],
    sample: Callable[[Problem], np.ndarray],
    indices: Callable[[Problem, np.ndarray, str, np.ndarray], Indices],
    scenario: Scenario,
    factors: Sequence[Factor],
    samples: int,
    trials: int,
    seed: int,
    progress: bool,
) -> SensitivityResult:
    """What Sobol' and Morris share: ``sample`` the points, run the trials at each, take
    each outcome's ``indices`` and tabulate them, a row per outcome and factor."""
    started = time.perf_counter()
    problem = _problem(factors)
    points = sample(problem)
    counts = _evaluate(scenario, factors, points, trials, seed, progress)
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for outcome, k in counts.items():
        found, note = indices(problem, points, outcome, k / trials)
        if note:
            notes.append(note)
        for i, factor in enumerate(factors):
            rows.append(
                {
                    "outcome": outcome,
                    "factor": factor.path,
                    "low": factor.low,
                    "high": factor.high,
                    **{key: float(found[key][i]) for key in keys},
                }
            )
    return SensitivityResult(
        method,
        list(factors),
        samples,
        trials,
        seed,
        points,
        counts,
        ["outcome", "factor", "low", "high", *keys],
        rows,
        time.perf_counter() - started,
        notes,
    )


def oat_analysis(
    scenario: Scenario,
    factors: Sequence[Factor],
    trials: int,
    seed: int,
    progress: bool = True,
) -> SensitivityResult:
    """One factor at a time: P(summit) and P(held) at each factor's LOW and HIGH, every
    other value as written (its uncertainty drawn), largest absolute effect first."""
    started = time.perf_counter()
    bar = progress_bar((2 * len(factors) + 1) * trials, "sensitivity", progress)
    found: list[tuple[Sensitivity, np.ndarray]] = []
    try:
        baseline = outcome_counts(counts_at(scenario, [], [[]], trials, seed, bar), scenario)
        for factor in factors:
            points = [[factor.low], [factor.high]]
            k = outcome_counts(
                counts_at(scenario, [factor.path], points, trials, seed, bar), scenario
            )
            p_low, p_high = k["p_summit"] / trials
            se = math.sqrt((p_low * (1 - p_low) + p_high * (1 - p_high)) / trials)
            row = Sensitivity(
                factor.path, factor.low, factor.high, p_low, p_high, p_high - p_low, se
            )
            found.append((row, k["p_held"] / trials))
    finally:
        bar.close()
    found.sort(key=lambda entry: -abs(entry[0].effect))
    rows = [
        row.to_row() | {"held_low": h[0], "held_high": h[1], "held_effect": h[1] - h[0]}
        for row, h in found
    ]
    columns = [*Sensitivity.__dataclass_fields__, "held_low", "held_high", "held_effect"]
    evaluated = np.zeros((2 * len(factors) + 1, 0))  # no sample table: counts for the rate
    return SensitivityResult(
        "oat",
        list(factors),
        None,
        trials,
        seed,
        evaluated,
        {},
        columns,
        rows,
        time.perf_counter() - started,
        baseline=float(baseline["p_summit"][0] / trials),
    )


def analyse(
    scenario: Scenario,
    method: str,
    factors: Sequence[Factor],
    samples: int | None,
    trials: int,
    seed: int,
    progress: bool = True,
) -> SensitivityResult:
    """Run ``method`` (one of :data:`METHODS`) over ``factors``."""
    checked = check_samples(method, samples)
    if checked is None:  # oat: no samples
        return oat_analysis(scenario, factors, trials, seed, progress)
    run = sobol_analysis if method == "sobol" else morris_analysis
    with warnings.catch_warnings():
        # SALib warns of what the checks above already refuse or report in the notes
        warnings.simplefilter("ignore")
        return run(scenario, factors, checked, trials, seed, progress)


def summary_text(result: SensitivityResult) -> str:
    """The table of indices for the terminal."""
    if result.method == "oat":
        lines = [f"{'factor':>24}  {'P(summit) at LOW -> HIGH':>26}  effect"]
        lines += [
            f"{row['path']:>24}  {row['p_low']:>12.4f} -> {row['p_high']:<10.4f}"
            f"  {row['effect']:+.4f}"
            for row in result.rows
        ]
        return "\n".join(lines)
    keys = (
        ("S1", "S1_conf", "ST", "ST_conf")
        if result.method == "sobol"
        else ("mu_star", "mu_star_conf", "sigma")
    )
    lines = [f"{'outcome':>9} {'factor':>24}  " + "  ".join(f"{key:>12}" for key in keys)]
    lines += [
        f"{row['outcome']:>9} {row['factor']:>24}  "
        + "  ".join(f"{row[key]:>12.4f}" for key in keys)
        for row in result.rows
    ]
    return "\n".join(lines + result.notes)
