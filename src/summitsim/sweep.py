"""Monte Carlo sweeps: grids, blocks, execution, checkpoints and aggregation.

A sweep runs ``trials`` trials at every point of a grid over one or two parameter paths.
The trials of a point are cut into blocks of :data:`BLOCK_TRIALS`; block ``b`` of point
``i`` is seeded from ``SeedSequence([seed, i, b])`` (:func:`summitsim.draws.block_key`),
so every count is the same whatever runs the blocks and in whatever order: numba threads,
a Dask cluster, or a run resumed after a crash. Each finished block is written atomically
under ``OUT/blocks/``; only per-block counts are kept, so memory stays flat.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from summitsim import draws
from summitsim.arrays import ScenarioArrays, compile_scenario
from summitsim.atomic import write_text
from summitsim.kernel import COMPILING_NOTICE, COUNT_COLUMNS, count, warm_up
from summitsim.paths import parse_range, resolve, with_values
from summitsim.scenario import Scenario, ScenarioError, load_scenario

#: Trials per block: the unit of work, of checkpoints and of seeding.
BLOCK_TRIALS = 100_000


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
        return cls(tuple(paths), tuple(values))

    def points(self) -> list[tuple[float, ...]]:
        """Every point, in order (row-major)."""
        return list(itertools.product(*self.values))

    def to_json(self) -> dict[str, list[float]]:
        return {path: list(values) for path, values in zip(self.paths, self.values)}


def held_fixed(scenario: Scenario, swept: Sequence[str]) -> Scenario:
    """The scenario without the ``uniform`` uncertainty of the swept paths."""
    dropped = {
        path
        for path in swept
        if path in scenario.uncertainty and scenario.uncertainty[path].uniform is not None
    }
    if not dropped:
        return scenario
    kept = {path: spec for path, spec in scenario.uncertainty.items() if path not in dropped}
    return scenario.model_copy(update={"uncertainty": kept})


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

    def tasks(self) -> list[BlockTask]:
        """Every block of every point, in order."""
        blocks = -(-self.trials // self.block_trials)
        return [
            BlockTask(point, block, min(self.block_trials, self.trials - block * self.block_trials))
            for point in range(len(self.grid.points()))
            for block in range(blocks)
        ]

    def point_arrays(self) -> list[ScenarioArrays]:
        """The compiled scenario at every grid point (validated: a value out of a field's
        range is bad input). A swept path is held at its grid value: a ``uniform``
        uncertainty on it, which would ignore that value, is dropped; ``normal_sd`` and
        ``lognormal_sd`` stay, centred on the grid value."""
        base = held_fixed(self.scenario, self.grid.paths)
        return [
            compile_scenario(with_values(base, dict(zip(self.grid.paths, point))))
            for point in self.grid.points()
        ]

    def identity(self) -> dict[str, object]:
        """What must match for ``--resume`` to continue a folder: the scenario, the plan,
        and the code that turns draws into outcomes."""
        return {
            "model_sha256": model_fingerprint(),
            "scenario_sha256": self.scenario.sha256,
            "seed": self.seed,
            "grid": self.grid.to_json(),
            "trials": self.trials,
            "block_trials": self.block_trials,
        }


def model_fingerprint() -> str:
    """SHA-256 of the source of the modules that decide a trial's numbers (the rules, the
    draws, the flat layout and the kernel): blocks computed by other code do not mix."""
    from summitsim import arrays, kernel, rules

    digest = hashlib.sha256()
    for module in (rules, draws, arrays, kernel):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def run_block(
    arrays: ScenarioArrays, task: BlockTask, seed: int, parallel: bool = True
) -> np.ndarray:
    """Counts (:data:`COUNT_COLUMNS`) of one block; the same on any thread or machine."""
    return count(arrays, task.trials, draws.block_key(seed, task.point, task.block), parallel)


class Checkpoints:
    """Finished blocks under ``OUT/blocks/``, one small JSON file each, written atomically,
    and the plan they belong to in ``OUT/blocks/plan.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "blocks"

    def _file(self, task: BlockTask) -> Path:
        return self.folder / f"p{task.point:06d}-b{task.block:06d}.json"

    def start(self, plan: SweepPlan, resume: bool) -> dict[tuple[int, int], np.ndarray]:
        """Prepare the folder; return the finished blocks when resuming (refusing a folder
        made for another plan), else clear old blocks and return none."""
        plan_file = self.folder / "plan.json"
        if resume and plan_file.exists():
            found = json.loads(plan_file.read_text())
            mismatched = [key for key, value in plan.identity().items() if found.get(key) != value]
            if mismatched:
                raise ScenarioError(
                    file=str(plan_file),
                    field=", ".join(mismatched),
                    message="--resume refused: this folder holds a sweep with another "
                    f"{', '.join(mismatched)}; allowed: the same scenario, seed, grid, "
                    "trials and summitsim model code, or a new --out folder",
                )
            return self._finished()
        if self.folder.exists():
            for old in self.folder.glob("p*-b*.json"):
                old.unlink()
        write_text(plan_file, json.dumps(plan.identity(), indent=1))
        return {}

    def _finished(self) -> dict[tuple[int, int], np.ndarray]:
        finished = {}
        for path in self.folder.glob("p*-b*.json"):
            record = json.loads(path.read_text())
            counts = np.array(record["counts"], dtype=np.int64)
            finished[(record["point"], record["block"])] = counts
        return finished

    def save(self, task: BlockTask, counts: np.ndarray) -> None:
        record = {
            "point": task.point,
            "block": task.block,
            "trials": task.trials,
            "counts": [int(c) for c in counts],
        }
        write_text(self._file(task), json.dumps(record))


#: A backend runs the given tasks and calls ``done(task, counts)`` as each one finishes.
Backend = Callable[[SweepPlan, list[ScenarioArrays], list[BlockTask], Callable], None]


def local_backend(
    plan: SweepPlan,
    arrays: list[ScenarioArrays],
    tasks: list[BlockTask],
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
    tasks = plan.tasks()
    checkpoints = Checkpoints(out) if out is not None else None
    finished = checkpoints.start(plan, resume) if checkpoints else {}
    counts = np.zeros((len(arrays), len(COUNT_COLUMNS)), dtype=np.int64)
    for (point, _), block_counts in finished.items():
        counts[point] += block_counts
    todo = [task for task in tasks if (task.point, task.block) not in finished]
    # Compile (or load) the kernel before the bar starts, saying so on a cache miss, and
    # time it apart: the speed reported is then that of the trials. Dask workers compile
    # in their own processes, so only the local backend warms up here.
    compile_s = 0.0
    if backend is local_backend and todo:
        compile_s = warm_up(arrays[todo[0].point], lambda: _notice(COMPILING_NOTICE, progress))
    bar = _progress_bar(sum(task.trials for task in tasks), progress)
    bar.update(sum(task.trials for task in tasks) - sum(task.trials for task in todo))

    def done(task: BlockTask, block_counts: np.ndarray) -> None:
        counts[task.point] += block_counts
        if checkpoints:
            checkpoints.save(task, block_counts)
        bar.update(task.trials)

    try:
        backend(plan, arrays, todo, done)
    finally:
        bar.close()
    return SweepResult(
        plan,
        counts,
        time.perf_counter() - started,
        backend_name,
        sum(task.trials for task in todo),
        compile_s,
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
    result = run_sweep(SweepPlan(scenario, Grid((), ()), trials, seed), progress=False)
    return int(result.counts[0, 0]), trials


def default_out(scenario: Scenario, grid: Grid) -> Path:
    """``results/<scenario name>/sweep-<path>[-<path>]``."""
    return Path("results") / scenario.name / ("sweep-" + "-".join(grid.paths))


def sweep_from_args(args: argparse.Namespace) -> int:
    """The ``summitsim sweep`` command: run, write ``summary.csv``, ``manifest.json`` and
    ``p_summit.png`` under the output folder, print a summary."""
    from summitsim.report import print_summary, write_outputs

    scenario = load_scenario(args.file)
    grid = Grid.parse(scenario, args.over)
    plan = SweepPlan(scenario, grid, args.trials, args.seed, _block_trials())
    out = Path(args.out) if args.out else default_out(scenario, grid)
    backend, name = choose_backend(args)
    try:
        result = run_sweep(plan, out, args.resume, backend, name, progress=not args.quiet)
    except KeyboardInterrupt:
        print(
            f"\nInterrupted. Finished blocks are kept in {out}/blocks; continue with the "
            "same command and --resume.",
            file=sys.stderr,
        )
        return 130
    print_summary(result, write_outputs(result, out, args.file), out)
    return 0


def _block_trials() -> int:
    """:data:`BLOCK_TRIALS`, or ``SUMMITSIM_BLOCK_TRIALS`` (small blocks for tests). The
    block size is part of a sweep's identity: other blocks, other numbers."""
    return int(os.environ.get("SUMMITSIM_BLOCK_TRIALS", BLOCK_TRIALS))


def choose_backend(args: argparse.Namespace) -> tuple[Backend, str]:
    """The backend the flags ask for: numba threads, an embedded or an existing Dask cluster."""
    if getattr(args, "workers", None) or getattr(args, "scheduler", None):
        from summitsim.cluster import dask_backend

        return dask_backend(workers=args.workers, scheduler=args.scheduler)
    return local_backend, "threads"
