"""Monte Carlo sweeps: grids, blocks, execution, checkpoints and aggregation.

A sweep runs ``trials`` trials at every point of a grid over one or two parameter paths.
The trials of a point are cut into blocks of :data:`BLOCK_TRIALS`; block ``b`` of point
``i`` is seeded from (seed, i, b) (:func:`summitsim.draws.block_key`), so every count is
the same whatever runs the blocks and in whatever order: numba threads, a Dask cluster, or
a run resumed after a crash. Each finished block is written atomically under
``OUT/blocks/`` (:mod:`summitsim.checkpoints`); only per-block counts are kept, and blocks
and grid points are made as they are run, so memory stays flat whatever the sweep's size.

Sizes are bounded so that what is accepted can finish on one machine:
:data:`MAX_VALUES_PER_PATH` values per swept path, :data:`MAX_POINTS` grid points,
:data:`MAX_TOTAL_TRIALS` trials in all and :data:`MAX_BLOCKS` blocks (checkpoint files).

The engine only: the ``sweep`` command's flags and printed summary are
:mod:`summitsim.cli.sweep`, the files it writes :mod:`summitsim.outputs.sweep`.
"""

from __future__ import annotations

import functools
import itertools
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from summitsim import draws
from summitsim.arrays import ScenarioArrays, compile_scenario
from summitsim.checkpoints import Checkpoints
from summitsim.compilation import COMPILING_NOTICE, warm_up
from summitsim.fingerprint import model_fingerprint
from summitsim.kernel import count
from summitsim.outcomes import COUNT_COLUMNS, Count
from summitsim.scenario import Scenario, ScenarioError
from summitsim.scenario.overrides import hold, with_values
from summitsim.scenario.paths import parse_range, resolve

#: Trials per block: the unit of work, of checkpoints and of seeding.
BLOCK_TRIALS = 100_000
#: Bounds of a sweep (about a day of 2 cores at a million trials per second, and one
#: checkpoint file per block): larger ones are refused before anything runs.
MAX_VALUES_PER_PATH = 10_000
MAX_POINTS = 100_000
MAX_TOTAL_TRIALS = 10**11
MAX_BLOCKS = 1_000_000
#: Exit status of a sweep whose Dask scheduler or cluster went away (not bad input, 2).
CLUSTER_LOST = 3


class ClusterLost(Exception):
    """The cluster running a sweep went away; the blocks finished so far are kept."""


@dataclass(frozen=True)
class Grid:
    """The swept paths and their values; points run over the last path fastest."""

    paths: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]

    @classmethod
    def parse(cls, scenario: Scenario, specs: Sequence[str]) -> Grid:
        """A grid from ``PATH=START:STOP:NUM`` texts (one or two), checked against the
        scenario: scalar paths only, each value inside the field's range."""
        if not 1 <= len(specs) <= 2:
            raise ScenarioError(
                field="--over",
                message=f"{len(specs)} swept paths given; "
                "allowed: one or two --over PATH=START:STOP:NUM",
            )
        paths, values = [], []
        for spec in specs:
            text, start, stop, num = parse_range(spec)
            if num > MAX_VALUES_PER_PATH:
                raise ScenarioError(
                    field=text,
                    message=f"{num:,} values; allowed: at most {MAX_VALUES_PER_PATH:,} "
                    "values per swept path",
                )
            path = resolve(scenario, text)
            if path.vector:
                raise ScenarioError(
                    field=text,
                    message="a sweep needs a scalar path; allowed: "
                    f"{text}.ISSUE or another numeric field",
                )
            if text in paths:
                raise ScenarioError(field=text, message="swept twice; allowed: two different paths")
            paths.append(text)
            # 12 significant digits: 0.3, not linspace's 0.30000000000000004
            values.append(tuple(float(f"{v:.12g}") for v in np.linspace(start, stop, num)))
        grid = cls(tuple(paths), tuple(values))
        if grid.size > MAX_POINTS:
            raise ScenarioError(
                field="--over",
                message=f"{' x '.join(f'{len(v):,}' for v in values)} = {grid.size:,} grid "
                f"points; allowed: at most {MAX_POINTS:,} grid points",
            )
        return grid

    @property
    def size(self) -> int:
        """The number of grid points."""
        return functools.reduce(lambda n, values: n * len(values), self.values, 1)

    def points(self) -> list[tuple[float, ...]]:
        """Every point, in order (row-major)."""
        return list(itertools.product(*self.values))

    def corners(self) -> list[tuple[float, ...]]:
        """The points at the ends of every path's values."""
        return list(itertools.product(*(sorted({v[0], v[-1]}) for v in self.values)))

    def to_json(self) -> dict[str, list[float]]:
        return {path: list(values) for path, values in zip(self.paths, self.values)}

    def ordered(self) -> list[list[object]]:
        """``[[path, [values]], ...]`` in the order of the points: what two grids must share
        for their points (and so their blocks) to mean the same values."""
        return [[path, list(values)] for path, values in zip(self.paths, self.values)]


@dataclass(frozen=True)
class BlockTask:
    """Block ``block`` of grid point ``point``: ``trials`` trials."""

    point: int
    block: int
    trials: int


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep computes: the same plan always gives the same numbers."""

    scenario: Scenario
    grid: Grid
    trials: int
    seed: int
    block_trials: int = BLOCK_TRIALS

    def __post_init__(self) -> None:
        """Refuse a plan that cannot finish (see the bounds above) or be seeded."""
        if not 0 <= self.seed < draws.SEED_LIMIT:
            raise ScenarioError(
                field="seed", message=f"{self.seed}; allowed: a whole number from 0 to 2^64 - 1"
            )
        total = self.trials * self.grid.size
        if self.trials < 1 or total > MAX_TOTAL_TRIALS:
            raise ScenarioError(
                field="--trials",
                message=f"{self.trials:,} trials at each of {self.grid.size:,} grid points "
                f"({total:.3g} in all); allowed: 1 to {MAX_TOTAL_TRIALS:,} trials in all",
            )
        if self.blocks * self.grid.size > MAX_BLOCKS:
            raise ScenarioError(
                field="--trials",
                message=f"{self.blocks * self.grid.size:,} blocks of {self.block_trials:,} "
                f"trials; allowed: at most {MAX_BLOCKS:,} blocks (fewer trials, or larger "
                "blocks)",
            )

    @property
    def blocks(self) -> int:
        """Blocks per grid point."""
        return -(-self.trials // self.block_trials)

    def tasks(self) -> Iterator[BlockTask]:
        """Every block of every point, in order, made as they are asked for."""
        for point in range(self.grid.size):
            for block in range(self.blocks):
                yield BlockTask(point, block, self.trials_in(block))

    def trials_in(self, block: int) -> int:
        """Trials of block ``block`` of a point: full blocks, the last one the rest."""
        return min(self.block_trials, self.trials - block * self.block_trials)

    def point_arrays(self) -> PointArrays:
        """The compiled scenario at every grid point, compiled when first used; validated
        here at the corners of the grid (a value out of a field's range is bad input, and
        field ranges are intervals). A swept path is held at its grid value
        (:func:`summitsim.scenario.overrides.hold`)."""
        arrays = PointArrays(hold(self.scenario, self.grid.paths), self.grid)
        for corner in self.grid.corners():
            arrays.compile(corner)
        return arrays

    def identity(self) -> dict[str, object]:
        """What must match for ``--resume`` to continue a folder: the scenario, the plan,
        and the code that turns draws into outcomes."""
        return {
            "model_sha256": model_fingerprint(),
            "scenario_sha256": self.scenario.sha256,
            "seed": self.seed,
            "grid": self.grid.ordered(),
            "trials": self.trials,
            "block_trials": self.block_trials,
        }


def run_block(
    arrays: ScenarioArrays, task: BlockTask, seed: int, parallel: bool = True
) -> np.ndarray:
    """Counts (:data:`COUNT_COLUMNS`) of one block; the same on any thread or machine."""
    return count(arrays, task.trials, draws.block_key(seed, task.point, task.block), parallel)


class PointArrays(Sequence[ScenarioArrays]):
    """The compiled scenario of each grid point, compiled on first use and kept for a few
    points: a backend visits the points in order, and a large grid compiled at once would
    take minutes and gigabytes."""

    def __init__(self, base: Scenario, grid: Grid) -> None:
        self.base, self.grid = base, grid
        self._cached = functools.lru_cache(maxsize=64)(self._compile_point)

    def __len__(self) -> int:
        return self.grid.size

    def __getitem__(self, point: int) -> ScenarioArrays:  # type: ignore[override]
        if not 0 <= point < len(self):
            raise IndexError(point)
        return self._cached(point)

    def _compile_point(self, point: int) -> ScenarioArrays:
        values, rest = [], point
        for path_values in reversed(self.grid.values):  # the last path runs fastest
            rest, at = divmod(rest, len(path_values))
            values.append(path_values[at])
        return self.compile(tuple(reversed(values)))

    def compile(self, point: tuple[float, ...]) -> ScenarioArrays:
        """The compiled scenario at the grid values ``point``."""
        return compile_scenario(with_values(self.base, dict(zip(self.grid.paths, point))))


#: A backend runs the given tasks and calls ``done(task, counts)`` as each one finishes.
Backend = Callable[[SweepPlan, Sequence[ScenarioArrays], Iterable[BlockTask], Callable], None]


def local_backend(
    plan: SweepPlan,
    arrays: Sequence[ScenarioArrays],
    tasks: Iterable[BlockTask],
    done: Callable[[BlockTask, np.ndarray], None],
) -> None:
    """Run blocks one after another, each over all numba threads."""
    for task in tasks:
        done(task, run_block(arrays[task.point], task, plan.seed))


@dataclass
class SweepResult:
    """Counts per grid point (rows of :data:`COUNT_COLUMNS`) and how long they took."""

    plan: SweepPlan
    counts: np.ndarray
    elapsed_s: float
    backend: str
    computed_trials: int = 0
    #: Seconds of ``elapsed_s`` spent loading or compiling the kernel (0 if not measured).
    compile_s: float = 0.0


def run_sweep(
    plan: SweepPlan,
    out: Path | None = None,
    resume: bool = False,
    backend: Backend = local_backend,
    backend_name: str = "threads",
    progress: bool = True,
) -> SweepResult:
    """Run every block of ``plan`` not yet finished in ``out`` and aggregate the counts."""
    started = time.perf_counter()
    arrays = plan.point_arrays()
    counts = np.zeros((len(arrays), len(COUNT_COLUMNS)), dtype=np.int64)
    finished: set[tuple[int, int]] = set()
    checkpoints = Checkpoints(out, plan.identity(), len(arrays)) if out is not None else None
    if checkpoints is not None:
        for point, block, block_counts in checkpoints.start(resume):
            counts[point] += block_counts
            finished.add((point, block))
    todo: Iterator[BlockTask] = (
        task for task in plan.tasks() if (task.point, task.block) not in finished
    )
    # Compile (or load) the kernel before the bar starts, saying so on a cache miss, and
    # time it apart: the speed reported is then that of the trials. Dask workers compile
    # in their own processes, so only the local backend warms up here.
    first = next(todo, None)
    compile_s = 0.0
    if first is not None:
        if backend is local_backend:
            compile_s = warm_up(arrays[first.point], lambda: _notice(COMPILING_NOTICE, progress))
        todo = itertools.chain([first], todo)
    bar = _progress_bar(plan.trials * len(arrays), progress)
    bar.update(sum(plan.trials_in(block) for _, block in finished))
    computed = 0

    def done(task: BlockTask, block_counts: np.ndarray) -> None:
        nonlocal computed
        counts[task.point] += block_counts
        if checkpoints is not None:
            checkpoints.save(task.point, task.block, task.trials, block_counts)
        computed += task.trials
        bar.update(task.trials)

    try:
        backend(plan, arrays, todo, done)
    finally:
        bar.close()
    return SweepResult(
        plan, counts, time.perf_counter() - started, backend_name, computed, compile_s
    )


def _notice(text: str, enabled: bool) -> None:
    """One line on stderr, where the progress bar goes (and silenced with it)."""
    if enabled:
        print(text, file=sys.stderr, flush=True)


def _progress_bar(total: int, enabled: bool) -> tqdm:
    return tqdm(
        total=total,
        unit="trial",
        unit_scale=True,
        file=sys.stderr,
        disable=not enabled,
        desc="sweep",
        smoothing=0.1,
        mininterval=0.5,
    )


def estimate_p_summit(scenario: Scenario, trials: int, seed: int) -> tuple[int, int]:
    """(summits, trials) at the scenario's own values: a sweep over the one-point grid."""
    if not 1 <= trials <= MAX_TOTAL_TRIALS:
        raise ScenarioError(
            field="trials", message=f"{trials:,}; allowed: 1 to {MAX_TOTAL_TRIALS:,} trials"
        )
    result = run_sweep(SweepPlan(scenario, Grid((), ()), trials, seed), progress=False)
    return int(result.counts[0, Count.SUMMIT]), trials
