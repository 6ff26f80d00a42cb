"""What the observed outcome says about the uncertain inputs: ``summitsim infer``.

Approximate Bayesian computation by exact matching (design-schema2.md sections 10-11).
Trials are drawn from the scenario's ``uncertainty:`` block, the prior, and a trial is
kept when it reproduces every line of ``observed:`` (:mod:`summitsim.observation`); the
kept trials' drawn values are a sample of the posterior. Trial ``i`` of block ``b`` is
keyed ``block_key(seed, 0, b)`` as in a sweep, so infer's trials are the sweep's trials of
the scenario as written, and the kept set is the same on any number of threads.

The trials run in the kernel (:func:`summitsim.observation.observe`), which reports per
trial what the match needs and the drawn values of the free parameters. Block by block
the draws are summarised (exact means and sds) and the first ones kept for the
quantiles, so memory is bounded whatever the number of trials or the acceptance rate.

``--whatif PATH=VALUE`` re-runs every kept trial with its own draws (the same trial key:
common random numbers) and the path set to VALUE over them, and reports P(summit | what
happened, the change). The values are set after the draws: a drawn lever is replaced,
every other draw is the trial's own, to the counter (the draws are made from the
scenario as written, so a changed mean cannot shift the stream of a later draw).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numba import njit

from summitsim import draws
from summitsim.analysis import wilson_interval
from summitsim.arrays import ScenarioArrays, compile_scenario, path_offset
from summitsim.compilation import COMPILING_NOTICE, noticing_compilation
from summitsim.factors import progress_bar
from summitsim.fingerprint import key_numba_cache
from summitsim.moves import protocol_of
from summitsim.observation import Setting, Target, match, observe, target_of
from summitsim.outcomes import SUMMIT
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.overrides import with_values
from summitsim.scenario.paths import parse_assignment, resolve
from summitsim.scenario.schema import Scenario
from summitsim.sweep import BLOCK_TRIALS, MAX_TOTAL_TRIALS

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Fewer kept trials than this and the command warns: the posterior is then rough.
FEW_KEPT = 100
#: The quantiles of the prior are those of the first trials' draws, this many at most
#: (about 0.001 of a unit range of Monte Carlo error); its mean and sd are over every draw.
PRIOR_SAMPLE = 200_000
#: The quantiles of the posterior, ``samples.csv`` and the figure read the first kept
#: draws, this many numbers at most (every kept draw of one parameter up to 1,000,000
#: kept trials, of 26 up to 38,461), and never fewer than POSTERIOR_ROWS rows: memory and
#: the file stay bounded whatever the acceptance rate. Its mean and sd are over every
#: kept draw.
POSTERIOR_NUMBERS = 1_000_000
POSTERIOR_ROWS = 20_000
#: The interval of each summary: the 5% and 95% quantiles.
QUANTILES = (0.05, 0.5, 0.95)
#: The confidence of a counterfactual's interval (Wilson).
CONFIDENCE = 0.95
WHATIF_FORM = "PATH=VALUE[,PATH=VALUE...], e.g. putin.softness=0.6"


# -- the free parameters --------------------------------------------------------------------


@dataclass(frozen=True)
class FreeParameter:
    """One drawn number of the prior: its column name (the uncertainty path, with the
    issue for a per-issue field), the path it belongs to, and its place in the flat
    vector. ``reviews_from`` is in days since the start."""

    name: str
    path: str
    index: int


def free_parameters(scenario: Scenario) -> list[FreeParameter]:
    """Every number the ``uncertainty:`` block draws, in its order: a scalar path once, a
    per-issue path once per issue (``trump.ideal.territory``). A salience is the
    normalised weight the trial uses."""
    found = []
    contacts, approvers = scenario.contact_ids, list(scenario.approvers)
    for text in scenario.uncertainty:
        path = resolve(scenario, text)
        index, width = path_offset(path, scenario.issue_ids, contacts, approvers)
        if width == 1:
            found.append(FreeParameter(text, text, index))
        else:
            found += [
                FreeParameter(f"{text}.{issue}", text, index + k)
                for k, issue in enumerate(scenario.issue_ids)
            ]
    return found


# -- counterfactuals ------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One ``--whatif``: the paths and the values they are set to in every kept trial."""

    values: dict[str, float]

    @property
    def text(self) -> str:
        return ", ".join(f"{path} = {value:g}" for path, value in self.values.items())


def parse_change(scenario: Scenario, text: str) -> Change:
    """A :class:`Change` from ``PATH=VALUE[,PATH=VALUE...]``: scalar numeric paths of the
    scenario, each once, each value in its field's range (ScenarioError naming
    ``--whatif`` otherwise)."""
    values: dict[str, float] = {}
    for part in text.split(","):
        try:
            name, value = parse_assignment(part.strip())
            path = resolve(scenario, name)
        except ScenarioError as error:
            raise ScenarioError(
                f"{part.strip()!r}: {error.message}; allowed: {WHATIF_FORM}", field="--whatif"
            ) from None
        if path.vector:
            raise ScenarioError(
                f"{name} names one value per issue; allowed: a scalar path such as "
                f"{name}.{scenario.issue_ids[0]}",
                field="--whatif",
            )
        if path.text in values:
            raise ScenarioError(f"{path.text} is given twice in {text!r}", field="--whatif")
        values[path.text] = value
    try:
        with_values(scenario, values)
    except ScenarioError as error:
        raise ScenarioError(f"{text}: {error.message}", field="--whatif") from None
    return Change(values)


def changed_setting(scenario: Scenario, arrays: ScenarioArrays, change: Change) -> Setting:
    """The kept trials' setting under ``change``: drawn from the scenario as written, the
    changed entries of the flat vector (the paths, and what the change moves with them,
    such as a renormalised salience) set over the draws, negotiated by the changed
    scenario (its reviews and protocol)."""
    changed = compile_scenario(with_values(scenario, change.values))
    before, after = arrays.nominal, changed.nominal
    moved = ~((before == after) | (np.isnan(before) & np.isnan(after)))
    for text in change.values:
        path = resolve(scenario, text)
        index, width = path_offset(
            path, scenario.issue_ids, scenario.contact_ids, list(scenario.approvers)
        )
        moved[index : index + width] = True
    at = np.flatnonzero(moved).astype(np.int64)
    # the changed scenario's protocol: a contact's ``held`` set below 1, say, needs the
    # schema 2 protocol even where the scenario as written runs part 1's
    run = replace(changed, uncertainty=arrays.uncertainty)
    return Setting(arrays, run, protocol_of(run), at, after[at].astype(np.float64))


@dataclass(frozen=True)
class Counterfactual:
    """The kept trials re-run under a change: how many end in a summit, meet, and still
    reproduce what happened; P(summit) and P(held) with Wilson 95% intervals."""

    change: Change
    kept: int
    summits: int
    held: int
    reproduced: int

    def rates(self) -> dict[str, float]:
        if self.kept == 0:
            nan = math.nan
            return {k: nan for k in ("p_summit", "ci_low", "ci_high", "p_held")} | {
                "held_ci_low": nan,
                "held_ci_high": nan,
            }
        k = np.array([self.summits, self.held])
        low, high = wilson_interval(k, np.array([self.kept, self.kept]), CONFIDENCE)
        return {
            "p_summit": self.summits / self.kept,
            "ci_low": float(low[0]),
            "ci_high": float(high[0]),
            "p_held": self.held / self.kept,
            "held_ci_low": float(low[1]),
            "held_ci_high": float(high[1]),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "change": self.change.values,
            "kept": self.kept,
            "summits": self.summits,
            "held": self.held,
            "reproduced": self.reproduced,
            **self.rates(),
        }


# -- the inference --------------------------------------------------------------------------


@dataclass
class Moments:
    """Count, mean and sum of squared deviations per column, merged block by block
    (Chan, Golub and LeVeque 1979): the exact mean and sd of every draw in bounded
    memory, without the cancellation of a sum of squares."""

    count: int
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def empty(cls, columns: int) -> Moments:
        return cls(0, np.zeros(columns), np.zeros(columns))

    def add(self, values: np.ndarray, rows: np.ndarray | None = None) -> None:
        """Merge the rows ``rows`` (default all) of ``values`` (rows x columns)."""
        rows = np.arange(values.shape[0]) if rows is None else rows
        n = rows.shape[0]
        if n == 0:
            return
        mean, m2 = np.empty(values.shape[1]), np.empty(values.shape[1])
        _block_moments(values, rows.astype(np.int64), mean, m2)
        total = self.count + n
        delta = mean - self.mean
        self.mean = self.mean + delta * (n / total)
        self.m2 = self.m2 + m2 + delta**2 * (self.count * n / total)
        self.count = total

    def sd(self) -> np.ndarray:
        """The sample sd (n - 1), NaN below two rows."""
        if self.count < 2:
            return np.full(self.mean.shape, math.nan)
        return np.sqrt(self.m2 / (self.count - 1))


@njit(cache=True, error_model="numpy")
def _block_moments(values: np.ndarray, rows: np.ndarray, mean: np.ndarray, m2: np.ndarray) -> None:
    """Mean and sum of squared deviations of each column of ``values[rows]`` (two passes
    along the rows, without the copy ``values[rows]`` would make)."""
    columns = values.shape[1]
    mean[:] = 0.0
    m2[:] = 0.0
    for i in rows:
        for k in range(columns):
            mean[k] += values[i, k]
    for k in range(columns):
        mean[k] /= rows.shape[0]
    for i in rows:
        for k in range(columns):
            m2[k] += (values[i, k] - mean[k]) ** 2


@dataclass
class Inference:
    """A finished inference: the observation, the free parameters, the moments of every
    prior draw and every kept draw, the samples the quantiles, ``samples.csv`` and the
    figure read (the first :data:`PRIOR_SAMPLE` trials' draws, the first
    kept draws, :func:`posterior_rows` at most, in trial order), the counterfactuals and what it
    cost."""

    target: Target
    parameters: list[FreeParameter]
    trials: int
    seed: int
    prior_moments: Moments
    posterior_moments: Moments
    prior: np.ndarray
    posterior: np.ndarray
    counterfactuals: list[Counterfactual] = field(default_factory=list)
    elapsed_s: float = 0.0
    compile_s: float = 0.0
    simulation_s: float = 0.0

    @property
    def kept(self) -> int:
        return self.posterior_moments.count

    @property
    def acceptance_rate(self) -> float:
        return self.kept / self.trials

    @property
    def computed_trials(self) -> int:
        """Every trial run: the prior's and each counterfactual's re-runs."""
        return self.trials + self.kept * len(self.counterfactuals)

    @property
    def trials_per_second(self) -> float:
        return self.computed_trials / max(self.simulation_s, 1e-9)

    def summary_rows(self) -> list[dict[str, object]]:
        """One row per free parameter: prior and posterior mean, sd, median and 90%
        interval, with the trials, the kept and the acceptance rate."""
        parts = {
            "prior": (self.prior_moments, self.prior),
            "posterior": (self.posterior_moments, self.posterior),
        }
        rows = []
        for k, parameter in enumerate(self.parameters):
            row: dict[str, object] = {"path": parameter.name}
            for name, (moments, sample) in parts.items():
                row |= {
                    f"{name}_{key}": value for key, value in summarise(moments, sample, k).items()
                }
            row |= {
                "trials": self.trials,
                "kept": self.kept,
                "acceptance_rate": self.acceptance_rate,
            }
            rows.append(row)
        return rows


SUMMARY_KEYS = ("mean", "sd", "median", "q05", "q95")


def summarise(moments: Moments, sample: np.ndarray, column: int) -> dict[str, float]:
    """Mean and sd (n - 1) of every draw, median and the 5% and 95% quantiles of the
    sample; NaN where undefined."""
    if moments.count == 0:
        return dict.fromkeys(SUMMARY_KEYS, math.nan)
    q05, median, q95 = np.quantile(sample[:, column], QUANTILES)
    return {
        "mean": float(moments.mean[column]),
        "sd": float(moments.sd()[column]),
        "median": float(median),
        "q05": float(q05),
        "q95": float(q95),
    }


def check_inputs(scenario: Scenario, trials: int) -> None:
    """What infer needs of the file and the flags, before anything runs."""
    if scenario.observed is None:
        raise ScenarioError(
            "no observed: block, so nothing to condition on; infer reads a file that "
            "records what happened (observed: outcome, by, date, sidelined)",
            file=scenario.source,
            field="observed",
        )
    if not scenario.uncertainty:
        raise ScenarioError(
            "no uncertainty: block, so nothing to infer; allowed: a prior on what you want "
            "to learn, e.g. uncertainty: {putin.softness: {uniform: [0, 1]}}",
            file=scenario.source,
            field="uncertainty",
        )
    if trials > MAX_TOTAL_TRIALS:
        raise ScenarioError(
            f"{trials:,} trials; allowed: a whole number from 1 to {MAX_TOTAL_TRIALS:,}",
            field="--trials",
        )


def posterior_rows(columns: int) -> int:
    """How many kept draws of ``columns`` parameters the posterior's sample holds."""
    return max(POSTERIOR_ROWS, POSTERIOR_NUMBERS // max(columns, 1))


class _Sample:
    """The first ``limit`` rows offered, in the order offered."""

    def __init__(self, limit: int, columns: int) -> None:
        self.limit, self.columns, self.size = limit, columns, 0
        self.parts: list[np.ndarray] = []

    def offer(self, rows: np.ndarray) -> None:
        if self.size < self.limit:
            self.parts.append(rows[: self.limit - self.size].copy())
            self.size += self.parts[-1].shape[0]

    def rows(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros((0, self.columns))


def infer(
    scenario: Scenario,
    trials: int = 1_000_000,
    seed: int = 0,
    changes: Sequence[Change] = (),
    progress: bool = True,
    notice: Callable[[str], None] | None = None,
) -> Inference:
    """Condition the scenario's prior on its ``observed:`` block with ``trials`` trials
    from ``seed``, and run each change on the kept trials, block by block. ``notice``
    receives the compile notice when numba must compile the kernel first."""
    check_inputs(scenario, trials)
    started = time.perf_counter()
    arrays = compile_scenario(scenario)
    setting = Setting.as_written(arrays)
    settings = [changed_setting(scenario, arrays, change) for change in changes]
    target = target_of(scenario)
    parameters = free_parameters(scenario)
    free_index = np.array([p.index for p in parameters], dtype=np.int64)
    columns = len(parameters)
    compile_s = _warm_up(setting, free_index, notice)
    simulated = time.perf_counter()
    prior_moments, posterior_moments = Moments.empty(columns), Moments.empty(columns)
    prior = _Sample(PRIOR_SAMPLE, columns)
    posterior = _Sample(posterior_rows(columns), columns)
    tallies = np.zeros((len(changes), 3), dtype=np.int64)  # summits, held, reproduced
    bar = progress_bar(trials, "infer", progress)
    try:
        for b in range(-(-trials // BLOCK_TRIALS)):
            size = min(BLOCK_TRIALS, trials - b * BLOCK_TRIALS)
            key = draws.block_key(seed, 0, b)
            found = observe(setting, key, np.arange(size, dtype=np.int64), free_index)
            kept = match(target, found.outcome, found.side, found.day, found.sidelined)
            ids = np.flatnonzero(kept).astype(np.int64)
            prior_moments.add(found.drawn)
            prior.offer(found.drawn)
            posterior_moments.add(found.drawn, ids)
            if posterior.size < posterior.limit:
                posterior.offer(found.drawn[ids[: posterior.limit - posterior.size]])
            bar.total += ids.shape[0] * len(settings)
            for c, changed in enumerate(settings):
                again = observe(changed, key, ids, free_index[:0])
                reproduced = match(target, again.outcome, again.side, again.day, again.sidelined)
                tallies[c] += (
                    np.sum(again.outcome == SUMMIT),
                    np.sum(again.held),
                    reproduced.sum(),
                )
            bar.update(size + ids.shape[0] * len(settings))
    finally:
        bar.close()
    kept_count = posterior_moments.count
    return Inference(
        target,
        parameters,
        trials,
        seed,
        prior_moments,
        posterior_moments,
        prior.rows(),
        posterior.rows(),
        [Counterfactual(change, kept_count, *map(int, t)) for change, t in zip(changes, tallies)],
        elapsed_s=time.perf_counter() - started,
        compile_s=compile_s,
        simulation_s=time.perf_counter() - simulated,
    )


def _warm_up(
    setting: Setting, free_index: np.ndarray, notice: Callable[[str], None] | None
) -> float:
    """Load :func:`summitsim.observation.observe_block` from numba's cache or compile it,
    on one trial, saying so on a cache miss; returns the seconds it took."""
    started = time.perf_counter()
    with noticing_compilation(lambda: notice(COMPILING_NOTICE) if notice else None):
        found = observe(setting, np.zeros(2, dtype=np.uint64), np.zeros(1, np.int64), free_index)
        Moments.empty(free_index.shape[0]).add(found.drawn)
    return time.perf_counter() - started


def inference_text(title: str, result: Inference) -> str:
    """The answer for the terminal: the observation, the acceptance, the table of prior
    and posterior, and each counterfactual."""
    lines = [
        f"{title}: what the observed outcome says ({result.target.words})",
        f"{result.trials:,} trials from seed {result.seed}, drawn from the uncertainty: "
        f"block; {result.kept:,} reproduce what happened (acceptance rate "
        f"{result.acceptance_rate:.4g})",
    ]
    width = max([len(p.name) for p in result.parameters] + [9])
    head = f"{'':>{width}}  {'prior mean':>10}  {'median':>8}  {'90% interval':>18}  "
    lines.append(head + f"{'posterior mean':>14}  {'median':>8}  {'90% interval':>18}")
    for row in result.summary_rows():
        lines.append(
            f"{row['path']:>{width}}  {row['prior_mean']:>10.4f}  {row['prior_median']:>8.4f}  "
            f"{_interval(row['prior_q05'], row['prior_q95']):>18}  "
            f"{row['posterior_mean']:>14.4f}  {row['posterior_median']:>8.4f}  "
            f"{_interval(row['posterior_q05'], row['posterior_q95']):>18}"
        )
    for counterfactual in result.counterfactuals:
        rates = counterfactual.rates()
        lines.append(
            f"What if {counterfactual.change.text}? Over the {result.kept:,} kept trials, "
            f"each with its own draws: P(summit | what happened, the change) = "
            f"{rates['p_summit']:.4f} [{rates['ci_low']:.4f}, {rates['ci_high']:.4f}], "
            f"P(held) = {rates['p_held']:.4f} (Wilson {CONFIDENCE:.0%} intervals); "
            f"{counterfactual.reproduced:,} still end as observed"
        )
    return "\n".join(lines)


def _interval(low: object, high: object) -> str:
    return f"[{low:.4f}, {high:.4f}]"
