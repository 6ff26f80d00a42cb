"""Peak memory and Dask overhead of ``summitsim sweep``, measured; ``benchmark.py`` imports
these functions and writes their figures (this script writes no file).

* :func:`peak_memory`: peak resident memory of one sweep command over a one-point grid.
  Only per-block counts are kept, so it should not grow with the number of trials.
* :func:`dask_overhead`: trials/s of the same sweep on numba threads and on an embedded
  Dask cluster of two single-threaded workers (``--workers 2``), cluster start and stop
  included, and what start and stop alone cost.

Usage: ``uv run python experiments/benchmark_memory.py [TRIALS ...]`` prints both.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summitsim.cluster import dask_backend
from summitsim.scenario import load_scenario
from summitsim.sweep import Grid, SweepPlan, local_backend, run_sweep

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "v1" / "budapest_2025.yaml"
CLI = str(Path(sys.executable).parent / "summitsim")
#: Runs its arguments as a command, then prints the peak resident memory (KiB on Linux) of
#: that command, its only child: a fresh process, so no earlier child counts.
_PROBE = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_memory(trials: int) -> float:
    """Peak resident memory (MiB) of ``summitsim sweep`` with ``trials`` trials at one grid
    point (``putin.softness=0.5:0.5:1``, seed 0, numba threads, checkpoints on), measured
    in a fresh process as ``getrusage(RUSAGE_CHILDREN).ru_maxrss``."""
    with tempfile.TemporaryDirectory() as out:
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                _PROBE,
                CLI,
                "sweep",
                str(SCENARIO),
                "--over",
                "putin.softness=0.5:0.5:1",
                "--trials",
                str(trials),
                "--out",
                out,
                "--quiet",
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    return int(probe.stdout.split()[-1]) / 1024


def dask_overhead(trials: int, points: int = 5) -> dict[str, float | int | str]:
    """Trials/s of one sweep (``trials`` in all over ``points`` values of putin.softness,
    seed 0, no checkpoints) on numba threads (kernel warm) and on ``--workers 2`` (cluster
    start, workers' kernel load and cluster stop included), their ratio, and the seconds
    ``--workers 2`` takes for a single 1,000-trial block (mostly start and stop)."""
    scenario = load_scenario(SCENARIO)
    plan = SweepPlan(
        scenario, Grid.parse(scenario, [f"putin.softness=0:1:{points}"]), trials // points, seed=0
    )
    tiny = SweepPlan(scenario, Grid((), ()), 1000, seed=0)
    run_sweep(tiny, progress=False)  # load the kernel here
    workers_2 = dask_backend(workers=2, scheduler=None)[0]
    threads_s = _seconds(plan, local_backend)
    workers_2_s = _seconds(plan, workers_2)
    total = plan.trials * points
    return {
        "trials": total,
        "grid": f"putin.softness=0:1:{points}",
        "threads_trials_per_second": round(total / threads_s),
        "workers_2_trials_per_second": round(total / workers_2_s),
        "workers_2_over_threads": round(threads_s / workers_2_s, 3),
        "workers_2_one_block_s": round(_seconds(tiny, workers_2), 2),
    }


def _seconds(plan: SweepPlan, backend) -> float:
    started = time.perf_counter()
    run_sweep(plan, backend=backend, progress=False)
    return time.perf_counter() - started


def main() -> None:
    sizes = [int(float(arg)) for arg in sys.argv[1:]] or [10**7, 10**8]
    figures = {
        "dask": dask_overhead(sizes[0]),
        "peak_memory_mib": {f"{n:.0e}": round(peak_memory(n), 1) for n in sizes},
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
