"""Measure summitsim's speed on this machine and write ``results/benchmark.json``.

All figures come from one run of this script, so ratios compare like with like:

* kernel trials/s: the parallel counting kernel (uncertainty and noise drawn in the
  kernel), warm, best of 5, on the schema 1 Budapest file (``SCHEMA1``) and the schema 2
  one (``SCHEMA2``), in the same run; with ``--against GIT_REF`` also the kernel of that
  commit on the same two files, in a subprocess of the same environment, and the ratio;
* end-to-end sweep trials/s: ``run_sweep`` + ``write_outputs`` (grid compilation, drawing,
  kernel, aggregation, checkpoints, CSV, manifest, plot) over a 21-point softness grid,
  and the same through the ``summitsim sweep`` command, process start included;
* Mesa-model runs/s: the agent model on Monte Carlo trials of the same scenario, and the
  kernel/Mesa ratio per trial;
* ``summitsim run`` start-up, cold (empty numba cache) and warm;
* the README's first command (``uv run summitsim sweep ... --trials 100000``): on a fresh
  ``git clone`` of this repository's last commit (uv creates the environment, installs from
  its package cache and compiles bytecode, then numba compiles the kernel), with an empty
  numba cache, and warm; and the kernel's compile time from the cold run's manifest;
* the Dask overhead against threads and the peak memory of 10^7 and 10^8 trials
  (``benchmark_memory.py``);
* ``summitsim infer`` on Budapest with 10^7 prior draws, warm, process start included.

Usage: ``uv run python experiments/benchmark.py [--quick] [--kernel-only] [--against REF]``
(``--kernel-only``: the kernel figures alone, printed, nothing written). The environment
variables ``SUMMITSIM_BENCHMARK_SCHEMA1`` and ``SUMMITSIM_BENCHMARK_SCHEMA2`` point the two
kernel measurements at other files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

from summitsim import __version__, draws, kernel
from summitsim.arrays import compile_scenario
from summitsim.model import SummitModel
from summitsim.outputs.sweep import write_outputs
from summitsim.scenario import load_scenario
from summitsim.sweep import Grid, SweepPlan, run_sweep

ROOT = Path(__file__).resolve().parent.parent
#: The Budapest scenario in each schema, relative to the repository.
SCHEMA1 = os.environ.get("SUMMITSIM_BENCHMARK_SCHEMA1", "scenarios/v1/budapest_2025.yaml")
SCHEMA2 = os.environ.get("SUMMITSIM_BENCHMARK_SCHEMA2", "scenarios/budapest_2025.yaml")
#: The file of the Mesa, sweep and memory figures: version 1, as in earlier measurements.
SCENARIO = ROOT / SCHEMA1
CLI = str(Path(sys.executable).parent / "summitsim")
#: The README's first command, after ``uv run summitsim``.
FIRST_COMMAND = [
    "sweep",
    "scenarios/v1/budapest_2025.yaml",
    "--over",
    "putin.softness=0:1:21",
    "--trials",
    "100000",
]


def best_rate(work: int, run, repeats: int = 3) -> float:
    """Work units per second of the fastest of ``repeats`` timed calls of ``run()``."""
    fastest = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - started)
    return work / fastest


def kernel_rate(trials: int, scenario: Path = SCENARIO, repeats: int = 5) -> float:
    """Trials per second of the parallel counting kernel on ``scenario``, warm."""
    arrays = compile_scenario(load_scenario(scenario))
    key = draws.block_key(0, 0, 0)
    kernel.count(arrays, 1000, key)  # load or compile
    return best_rate(trials, lambda: kernel.count(arrays, trials, key), repeats)


def kernel_rates(trials: int) -> dict[str, float]:
    """:func:`kernel_rate` of both Budapest files, one after the other."""
    return {
        "schema1": kernel_rate(trials, ROOT / SCHEMA1),
        "schema2": kernel_rate(trials, ROOT / SCHEMA2),
    }


def kernel_rates_of(ref: str, trials: int) -> dict[str, float]:
    """:func:`kernel_rates` with the package of commit ``ref`` (``git archive`` into a
    temporary folder, imported ahead of this checkout's), on this checkout's files."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = subprocess.run(
            ["git", "archive", ref, "src"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", scratch], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": str(Path(scratch) / "src")}
        env["NUMBA_CACHE_DIR"] = str(Path(scratch) / "numba-cache")
        for name, value in (("SCHEMA1", SCHEMA1), ("SCHEMA2", SCHEMA2)):
            env[f"SUMMITSIM_BENCHMARK_{name}"] = str(ROOT / value)
        script = (
            "import json, sys; sys.path.insert(0, sys.argv[1]); import benchmark; "
            "print(json.dumps(benchmark.kernel_rates(int(sys.argv[2]))))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(Path(__file__).parent), str(trials)],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(done.stdout.splitlines()[-1])


def kernel_figures(trials: int, against: str | None) -> dict[str, object]:
    """Kernel trials/s of both schemas, and of commit ``against`` beside them."""
    rates = kernel_rates(trials)
    figures: dict[str, object] = {
        "kernel_trials_per_second": {k: round(v) for k, v in rates.items()},
        "kernel_scenarios": {"schema1": SCHEMA1, "schema2": SCHEMA2},
    }
    if against:
        base = kernel_rates_of(against, trials)
        figures["kernel_against"] = {
            "ref": against,
            "trials_per_second": {k: round(v) for k, v in base.items()},
            "ratio": {k: round(rates[k] / base[k], 3) for k in rates},
        }
    return figures


def mesa_rate(runs: int) -> float:
    """Monte Carlo trials per second of the Mesa model (seeds 0 .. runs - 1)."""
    scenario = load_scenario(SCENARIO)
    SummitModel(scenario, seed=0).run()

    def run_all() -> None:
        for seed in range(runs):
            SummitModel(scenario, seed=seed).run()

    return best_rate(runs, run_all, repeats=1)


def sweep_rate(trials_per_point: int) -> dict[str, float]:
    """End-to-end sweep over putin.softness=0:1:21, in process and through the command."""
    scenario = load_scenario(SCENARIO)
    grid = Grid.parse(scenario, ["putin.softness=0:1:21"])
    total = trials_per_point * 21
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = run_sweep(
            SweepPlan(scenario, grid, trials_per_point, 0), Path(out), progress=False
        )
        write_outputs(result, Path(out), str(SCENARIO))
        in_process = total / (time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(
            [
                CLI,
                "sweep",
                str(SCENARIO),
                "--over",
                "putin.softness=0:1:21",
                "--trials",
                str(trials_per_point),
                "--out",
                out,
                "--quiet",
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        command = total / (time.perf_counter() - started)
    return {
        "trials": total,
        "in_process_trials_per_second": in_process,
        "command_trials_per_second": command,
    }


def run_startup(cold: bool, through_uv: bool = False) -> float:
    """Seconds for ``summitsim run scenarios/v1/budapest_2025.yaml`` (best of 3), from the
    environment's script or as ``uv run summitsim ...`` (uv's environment check included)."""
    command = (["uv", "run", "summitsim"] if through_uv else [CLI]) + ["run", str(SCENARIO)]
    times = []
    for _ in range(3):
        env = dict(os.environ)
        cache = tempfile.mkdtemp() if cold else None
        if cache:
            env["NUMBA_CACHE_DIR"] = cache
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - started)
        if cache:
            shutil.rmtree(cache, ignore_errors=True)
    return min(times)


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds of ``command`` and its standard error."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stderr


def _uv_seconds(stderr: str, what: str) -> float | None:
    """The seconds uv reports for ``what`` ("Installed", "Bytecode compiled") in ``stderr``."""
    found = re.search(rf"{what} [\d,]+ \w+ in ([\d.]+)(m?s)", stderr)
    if not found:
        return None
    return float(found.group(1)) / (1000 if found.group(2) == "ms" else 1)


def first_command() -> dict[str, float | None]:
    """Seconds of the README's first command, ``uv run summitsim sweep ...``, as typed:

    * ``fresh_clone``: in a fresh ``git clone`` of the last commit, so uv creates
      ``.venv`` (from its package cache: nothing to download when warm), compiles the
      bytecode, and numba compiles the kernel into the clone's empty cache; with uv's own
      figures for the install and the bytecode;
    * ``cold_numba_cache``: in this environment with an empty ``NUMBA_CACHE_DIR``, with
      the kernel's ``compile_s`` from that sweep's manifest;
    * ``warm``: in this environment again (best of 3).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NUMBA_CACHE_DIR")}
    figures: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "summitsim"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        seconds, stderr = _timed(["uv", "run", "summitsim", *FIRST_COMMAND, "--quiet"], clone, env)
        figures["fresh_clone"] = seconds
        figures["fresh_clone_uv_install"] = _uv_seconds(stderr, "Installed")
        figures["fresh_clone_uv_bytecode"] = _uv_seconds(stderr, "Bytecode compiled")
        out = Path(scratch) / "out"
        command = ["uv", "run", "summitsim", *FIRST_COMMAND, "--quiet", "--out", str(out)]
        cache = Path(scratch) / "numba-cache"
        figures["cold_numba_cache"] = _timed(command, ROOT, {**env, "NUMBA_CACHE_DIR": str(cache)})[
            0
        ]
        figures["kernel_compile"] = json.loads((out / "manifest.json").read_text())["compile_s"]
        figures["warm"] = min(_timed(command, ROOT, env)[0] for _ in range(3))
    return {k: None if v is None else round(v, 2) for k, v in figures.items()}


def classroom_curve_seconds() -> float:
    """Seconds the classroom page takes to recompute its P(summit) curve after a slider
    moves (kernel warm; best of 3 distinct slider values, so no cached answer)."""
    from summitsim.demo import app

    sliders = app.model_params(str(SCENARIO), load_scenario(SCENARIO))
    values = {
        path: slider["value"]
        for path, slider in sliders.items()
        if isinstance(slider, dict) and slider["type"] == "SliderFloat" and path != "putin.softness"
    }
    app.p_summit_curve(str(SCENARIO), tuple(sorted(values.items())), "putin.softness")
    times = []
    for patience in (0.41, 0.42, 0.43):
        moved = tuple(sorted({**values, "trump.patience": patience}.items()))
        started = time.perf_counter()
        app.p_summit_curve(str(SCENARIO), moved, "putin.softness")
        times.append(time.perf_counter() - started)
    return min(times)


def cluster_figures(quick: bool) -> dict[str, object]:
    """Dask overhead and peak memory, from ``benchmark_memory.py``."""
    sys.path.insert(0, str(Path(__file__).parent))
    import benchmark_memory

    overhead = benchmark_memory.dask_overhead(2_000_000 if quick else 20_000_000)
    memory = {
        f"{n:.0e}": benchmark_memory.peak_memory(n)
        for n in ((10**6, 10**7) if quick else (10**7, 10**8))
    }
    return {"dask": overhead, "peak_memory_mib": memory}


def infer_seconds(trials: int, scenario: Path = SCENARIO) -> float:
    """Wall seconds of ``summitsim infer SCENARIO --trials N`` (the scenario needs an
    ``observed:`` block), warm: a first small run loads or compiles the kernel."""
    with tempfile.TemporaryDirectory() as folder:
        command = [CLI, "infer", str(scenario), "--quiet", "--out", folder]
        subprocess.run([*command, "--trials", "1000"], check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([*command, "--trials", str(trials)], check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    parser.add_argument("--out", default=str(ROOT / "results" / "benchmark.json"))
    parser.add_argument(
        "--kernel-only", action="store_true", help="the kernel figures alone, printed"
    )
    parser.add_argument("--against", metavar="GIT_REF", help="time this commit's kernel too")
    args = parser.parse_args()
    quick = args.quick
    # the machine may be shared: its load when the run starts says how far to trust it
    load = [round(x, 2) for x in os.getloadavg()]
    kernel_part = kernel_figures(2_000_000 if quick else 20_000_000, args.against)
    if args.kernel_only:
        print(json.dumps({**kernel_part, "load_average_at_start": load}, indent=2))
        return
    kernel_tps = kernel_part["kernel_trials_per_second"]["schema1"]  # type: ignore[index]
    # infer right after the kernels, on the same quiet machine: measured last, after the
    # Dask clusters, it once took twice as long as alone (20.4 s against 10.8-11.6 s)
    infer_s = round(infer_seconds(10**6 if quick else 10**7, ROOT / SCHEMA2), 2)
    mesa_tps = mesa_rate(100 if quick else 1000)
    figures = {
        "machine": {
            "cpus": os.cpu_count(),
            "numba_threads": numba.get_num_threads(),
            "python": platform.python_version(),
            "numba": numba.__version__,
            "numpy": np.__version__,
            "summitsim": __version__,
            "processor": platform.processor() or platform.machine(),
        },
        "scenario": SCHEMA1,
        **kernel_part,
        "mesa_trials_per_second": round(mesa_tps, 1),
        "kernel_over_mesa": round(kernel_tps / mesa_tps),
        "sweep": {k: round(v) for k, v in sweep_rate(100_000 if quick else 5_000_000).items()},
        "classroom_curve_seconds": round(classroom_curve_seconds(), 3),
        "run_seconds": {
            "cold": round(run_startup(cold=True), 2),
            "warm": round(run_startup(cold=False), 2),
            "warm_through_uv_run": round(run_startup(False, through_uv=True), 2),
        },
        "first_command_seconds": first_command(),
        "load_average_at_start": load,
        **cluster_figures(quick),
        "infer_1e7_seconds": infer_s,
        "command": "uv run python experiments/benchmark.py" + (" --quick" if quick else ""),
    }
    from summitsim.atomic import write_text

    write_text(args.out, json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
