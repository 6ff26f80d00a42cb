"""Which numba compilation a first sweep waits for, and what a thread-pool kernel would give.

Compares, on ``budapest_2025``, the shipped ``parallel=True`` counting kernel
(:func:`summitsim.kernel.count_block_parallel`, ``prange`` over 64 chunks) with the
alternative of a serial ``nogil`` kernel run on a thread pool, each thread a contiguous
range of the same 64 chunks (so the counts are identical):

* the cold compile of each entry point, each in its own process with an empty
  ``NUMBA_CACHE_DIR`` (wall and processor seconds; processor time is steadier on a
  shared machine);
* where the parallel kernel's compile time goes, per jitted function (numba's
  ``numba:compile`` events, exclusive of callees);
* warm trials/s of both kernels on 1 and on all numba threads, interleaved in one process
  so machine load hits both alike.

Usage: ``uv run python experiments/kernel_compile.py`` (about a minute); prints JSON.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
from numba import njit
from numba.core import event

from summitsim import draws, kernel
from summitsim.arrays import compile_scenario
from summitsim.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "v1" / "budapest_2025.yaml"
ENTRY_POINTS = ("parallel", "serial", "thread_pool")


@njit(cache=True, nogil=True, error_model="numpy")
def count_chunks(
    case: tuple, block: np.ndarray, trials: int, first: int, stop: int, out: np.ndarray
) -> None:
    """Chunks ``first .. stop - 1`` of :func:`kernel.count_block_parallel`, serially."""
    size = (trials + kernel.CHUNKS - 1) // kernel.CHUNKS
    for c in range(first, stop):
        kernel._count_range(min(c * size, trials), min((c + 1) * size, trials), case, block, out[c])


def thread_pool_count(case: tuple, key: np.ndarray, trials: int, threads: int) -> np.ndarray:
    """:func:`count_chunks` on ``threads`` threads, each a contiguous range of chunks."""
    out = np.zeros((kernel.CHUNKS, len(kernel.COUNT_COLUMNS)), dtype=np.int64)
    bounds = [kernel.CHUNKS * i // threads for i in range(threads + 1)]
    with ThreadPoolExecutor(threads) as pool:
        jobs = [
            pool.submit(count_chunks, case, key, trials, a, b, out)
            for a, b in itertools.pairwise(bounds)
        ]
        for job in jobs:
            job.result()
    return out.sum(axis=0)


def parallel_count(case: tuple, key: np.ndarray, trials: int) -> np.ndarray:
    out = np.zeros((kernel.CHUNKS, len(kernel.COUNT_COLUMNS)), dtype=np.int64)
    kernel.count_block_parallel(case, key, trials, out)
    return out.sum(axis=0)


def _case() -> tuple[tuple, np.ndarray]:
    return kernel.kernel_case(compile_scenario(load_scenario(SCENARIO))), draws.block_key(0, 0, 0)


def first_call(entry: str) -> dict[str, object]:
    """Seconds of the first call of ``entry`` in this process, and the exclusive compile
    seconds of the five costliest jitted functions."""
    case, key = _case()
    out = np.zeros((kernel.CHUNKS, len(kernel.COUNT_COLUMNS)), dtype=np.int64)
    wall, cpu = time.perf_counter(), time.process_time()
    with event.install_recorder("numba:compile") as recorder:
        if entry == "parallel":
            parallel_count(case, key, 1000)
        elif entry == "serial":
            kernel.count_block_serial(case, key, 1000, out)
        else:
            thread_pool_count(case, key, 1000, 2)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stack: list[list] = []
    own: dict[str, float] = {}
    for stamp, happened in recorder.buffer:
        name = happened.data["dispatcher"].py_func.__qualname__
        if happened.is_start:
            stack.append([name, stamp, 0.0])
            continue
        name, began, inner = stack.pop()
        own[name] = own.get(name, 0.0) + stamp - began - inner
        if stack:
            stack[-1][2] += stamp - began
    costliest = sorted(own.items(), key=lambda item: -item[1])[:5]
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "costliest_functions_s": {name: round(seconds, 2) for name, seconds in costliest},
    }


def cold(entry: str) -> dict[str, object]:
    """:func:`first_call` in a fresh process with an empty numba cache."""
    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run(
            [sys.executable, __file__, "--first-call", entry],
            env={**os.environ, "NUMBA_CACHE_DIR": cache},
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout)


def warm_rates(trials: int = 2_000_000, repeats: int = 4) -> dict[str, dict[str, int]]:
    """Best trials/s of both kernels, interleaved, on 1 thread and on all threads."""
    case, key = _case()
    parallel_count(case, key, 1000)
    thread_pool_count(case, key, 1000, 1)
    most = numba.get_num_threads()
    rates: dict[str, dict[str, int]] = {}
    for threads in sorted({1, most}):
        numba.set_num_threads(threads)
        runs = {
            "parallel": lambda: parallel_count(case, key, trials),
            "thread_pool": lambda threads=threads: thread_pool_count(case, key, trials, threads),
        }
        assert (runs["parallel"]() == runs["thread_pool"]()).all()  # the same numbers
        fastest = dict.fromkeys(runs, float("inf"))
        for _ in range(repeats):
            for name, run in runs.items():
                began = time.perf_counter()
                run()
                fastest[name] = min(fastest[name], time.perf_counter() - began)
        rates[f"{threads}_threads"] = {name: round(trials / s) for name, s in fastest.items()}
    numba.set_num_threads(most)
    return rates


def main() -> None:
    if sys.argv[1:2] == ["--first-call"]:
        print(json.dumps(first_call(sys.argv[2])))
        return
    figures = {
        "cold_first_call": {entry: cold(entry) for entry in ENTRY_POINTS},
        "warm_trials_per_second": warm_rates(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
