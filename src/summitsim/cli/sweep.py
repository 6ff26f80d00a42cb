"""``summitsim sweep``: the flags, the backend they ask for, the default output folder and
the summary printed at the end (the engine is :mod:`summitsim.sweep`, the files
:mod:`summitsim.outputs.sweep`)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from summitsim.cli.flags import non_empty, positive_int, seed
from summitsim.scenario import Scenario, ScenarioError, load_scenario
from summitsim.terminal_text import printable

if TYPE_CHECKING:
    from summitsim.summary import Summary
    from summitsim.sweep import Backend, Grid, SweepResult

#: Seconds of kernel warm-up from which the printed summary names the compilation.
COMPILE_SHOWN_S = 0.5
#: Lines of the printed table at most (a larger grid is shown evenly sampled).
SHOWN_ROWS = 25


def add_command(commands: argparse._SubParsersAction) -> None:
    """The ``sweep`` subcommand."""
    sweep = commands.add_parser(
        "sweep",
        help="Monte Carlo over a grid of parameter values",
        description="Monte Carlo over a grid of parameter values. Limits: at most "
        "10,000 values per swept path, 100,000 grid points, 10^11 trials in all and "
        "1,000,000 blocks (checkpoint files).",
    )
    sweep.add_argument("file", metavar="FILE")
    sweep.add_argument(
        "--over",
        action="append",
        required=True,
        metavar="PATH=START:STOP:NUM",
        help="a swept parameter (once or twice)",
    )
    sweep.add_argument(
        "--trials",
        type=positive_int,
        required=True,
        help="trials per grid point (at most 10^11 trials in all)",
    )
    sweep.add_argument("--seed", type=seed, default=0, help="0 to 2^64 - 1 (default 0)")
    sweep.add_argument(
        "--out",
        type=non_empty("a folder"),
        metavar="DIR",
        help="output folder (default results/<scenario name>/sweep-<paths>)",
    )
    backend = sweep.add_mutually_exclusive_group()
    backend.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="run on an embedded Dask cluster of N worker processes",
    )
    backend.add_argument(
        "--scheduler",
        type=non_empty("the address of a Dask scheduler, e.g. tcp://10.0.0.5:8786"),
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786",
    )
    sweep.add_argument(
        "--resume", action="store_true", help="skip the blocks already finished in --out"
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")


def command_sweep(args: argparse.Namespace) -> int:
    """``summitsim sweep``: run, write ``summary.csv``, ``manifest.json`` and
    ``p_summit.png`` under the output folder, print a summary."""
    from summitsim.checkpoints import locked
    from summitsim.outputs.sweep import write_outputs
    from summitsim.sweep import CLUSTER_LOST, ClusterLost, Grid, SweepPlan, run_sweep

    block_trials = _block_trials()
    scenario = load_scenario(args.file)
    grid = Grid.parse(scenario, args.over)
    plan = SweepPlan(scenario, grid, args.trials, args.seed, block_trials)
    plan.point_arrays()  # a grid value out of its field's range is refused before OUT is made
    out = Path(args.out) if args.out is not None else default_out(scenario, grid)
    backend, name = choose_backend(args)
    with locked(out, shlex.join(sys.argv)):
        try:
            result = run_sweep(plan, out, args.resume, backend, name, progress=not args.quiet)
        except KeyboardInterrupt:
            print(
                f"\nInterrupted. Finished blocks are kept in {out}/blocks; continue with the "
                "same command and --resume.",
                file=sys.stderr,
            )
            return 130
        except ClusterLost as lost:
            print(
                f"summitsim sweep: {lost}. Finished blocks are kept in {out}/blocks; continue "
                "with the same command and --resume (on this or another cluster, or without "
                "--scheduler).",
                file=sys.stderr,
            )
            return CLUSTER_LOST
        print_summary(result, write_outputs(result, out, args.file), out)
    return 0


def default_out(scenario: Scenario, grid: Grid) -> Path:
    """``results/<scenario name>/sweep-<path>[-<path>]``."""
    return Path("results") / scenario.name / ("sweep-" + "-".join(grid.paths))


def _block_trials() -> int:
    """:data:`summitsim.sweep.BLOCK_TRIALS`, or ``SUMMITSIM_BLOCK_TRIALS`` (small blocks
    for tests). The block size is part of a sweep's identity: other blocks, other numbers."""
    from summitsim.sweep import BLOCK_TRIALS

    text = os.environ.get("SUMMITSIM_BLOCK_TRIALS")
    if text is None:
        return BLOCK_TRIALS
    try:
        block_trials = int(text)
    except ValueError:
        block_trials = 0
    if not 1 <= block_trials <= BLOCK_TRIALS * 100:
        raise ScenarioError(
            field="SUMMITSIM_BLOCK_TRIALS",
            message=f"{text!r}; allowed: unset (blocks of {BLOCK_TRIALS:,} trials) or a whole "
            f"number from 1 to {BLOCK_TRIALS * 100:,}",
        )
    return block_trials


def choose_backend(args: argparse.Namespace) -> tuple[Backend, str]:
    """The backend the flags ask for: numba threads, an embedded or an existing Dask cluster."""
    if getattr(args, "workers", None) or getattr(args, "scheduler", None):
        from summitsim.cluster import dask_backend

        return dask_backend(workers=args.workers, scheduler=args.scheduler)
    from summitsim.sweep import local_backend

    return local_backend, "threads"


def print_summary(result: SweepResult, summary: Summary, out: Path) -> None:
    """A short table of P(summit) per point, and of P(held) beside it where the two differ
    anywhere on the grid (at most :data:`SHOWN_ROWS` lines, saying so when that is a sample
    of the grid), the tipping point and where the files are."""
    from summitsim.summary import tipping_text, trials_per_second

    plan = result.plan
    print(
        f"{printable(plan.scenario.title)}: {plan.trials:,} trials at each of "
        f"{len(summary.rows)} grid points, seed {plan.seed}"
    )
    stride = -(-len(summary.rows) // SHOWN_ROWS)  # evenly spaced
    shown = summary.rows[::stride]
    header = "  ".join(f"{p:>16}" for p in plan.grid.paths)
    # P(held) only earns its columns where some summit is held without a deal, so that a
    # schema 1 sweep prints as it always did
    held = summary.held_differs()
    held_header = f"{'':4}  {'P(held)':>9}  95% interval" if held else ""
    print(f"{header}  {'P(summit)':>9}  95% interval{held_header}")
    k = len(plan.grid.paths)
    for row in shown:
        values = "  ".join(f"{v:>16.4g}" for v in row[:k])
        line = f"{values}  {row[k + 2]:>9.4f}  [{row[k + 3]:.4f}, {row[k + 4]:.4f}]"
        if held:
            i = summary.columns.index("p_held")
            line += f"  {row[i]:>9.4f}  [{row[i + 1]:.4f}, {row[i + 2]:.4f}]"
        print(line)
    if len(shown) < len(summary.rows):
        print(
            f"(showing {len(shown)} of {len(summary.rows)} grid points, one in {stride}; "
            "all are in summary.csv)"
        )
    if len(plan.grid.paths) == 1:
        print(tipping_text(summary.tipping, plan.grid.paths[0]))
    rate = trials_per_second(result)
    # loading a cached kernel takes milliseconds; only a compilation is worth a word
    compiling = (
        f"{result.compile_s:.2f} s of it compiling the kernel; "
        if result.compile_s >= COMPILE_SHOWN_S
        else ""
    )
    print(
        f"{result.computed_trials:,} trials computed in {result.elapsed_s:.2f} s "
        f"({compiling}{rate:,.0f} trials/s, {result.backend})"
    )
    print(f"Wrote {os.path.join(out, 'summary.csv')}, manifest.json, p_summit.png")
