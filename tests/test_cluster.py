"""Sweeps on Dask give the threads' numbers: on an embedded cluster (``--workers 2``), on a
real one (a ``dask scheduler`` and two ``dask worker`` processes started here), when a
worker dies mid-sweep, and when a block's result arrives twice. An unreachable scheduler is
bad input (exit 2, one line)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from commands import (
    BLOCK_TRIALS,
    LONG_TRIALS,
    SCRIPT,
    blocks_in,
    summary_of,
    sweep_args,
    sweep_env,
)
from processes import free_port, stop
from repository import BUDAPEST_FILE, ROOT

from summitsim import cluster
from summitsim.cli import main
from summitsim.kernel import COUNT_COLUMNS
from summitsim.scenario import load_scenario
from summitsim.sweep import Grid, SweepPlan, run_sweep

pytestmark = pytest.mark.dask

DASK = str(Path(sys.executable).parent / "dask")
TRIALS = 30_000
WORKERS = 4  # two ``dask worker`` processes of two single-threaded workers each


@pytest.fixture(scope="module")
def threads_summary(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("threads")
    return summary_of(sweep_args(out, TRIALS), out)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> Iterator[str]:
    """The address of a loopback cluster: a scheduler and two worker processes of two
    workers each, with one numba thread per worker; stopped by process id afterwards."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("cluster-logs")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    commands = [
        [
            DASK,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            address.rsplit(":", 1)[1],
            "--no-dashboard",
        ]
    ] + 2 * [
        [
            DASK,
            "worker",
            address,
            "--nworkers",
            "2",
            "--nthreads",
            "1",
            "--no-dashboard",
            "--host",
            "127.0.0.1",
            "--death-timeout",
            "30",
        ]
    ]
    processes = []
    try:
        for n, command in enumerate(commands):
            with open(logs / f"{n}.log", "w") as log:
                processes.append(
                    subprocess.Popen(
                        command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT
                    )
                )
        with Client(address, timeout=30) as client:
            client.wait_for_workers(WORKERS, timeout=60)
        yield address
    finally:
        for process in reversed(processes):
            stop(process)


def test_local_cluster_gives_the_threads_numbers(threads_summary: str, tmp_path: Path) -> None:
    assert summary_of(sweep_args(tmp_path, TRIALS, "--workers", "2"), tmp_path) == (threads_summary)


def test_real_cluster_gives_the_threads_numbers(
    threads_summary: str, scheduler: str, tmp_path: Path
) -> None:
    assert summary_of(sweep_args(tmp_path, TRIALS, "--scheduler", scheduler), tmp_path) == (
        threads_summary
    )


def small_block_plan(trials: int) -> SweepPlan:
    scenario = load_scenario(BUDAPEST_FILE)
    grid = Grid.parse(scenario, ["putin.softness=0:1:3", "trump.patience=0.3:0.6:3"])
    return SweepPlan(scenario, grid, trials, seed=11, block_trials=BLOCK_TRIALS)


def test_a_worker_killed_mid_sweep_loses_and_doubles_nothing(
    scheduler: str, tmp_path: Path
) -> None:
    from distributed import default_client

    plan = small_block_plan(60_000)
    expected = run_sweep(plan, progress=False).counts
    backend, name = cluster.dask_backend(workers=None, scheduler=scheduler)
    killed = []

    def kill_a_busy_worker(plan, arrays, tasks, done) -> None:
        """The backend, killing one busy worker (SIGKILL) after a few results."""

        def done_then_kill(task, counts) -> None:
            done(task, counts)
            if task.block >= 3 and not killed:
                client = default_client()  # the backend's own
                busy = [address for address, keys in client.processing().items() if keys]
                if busy:  # on a loaded machine no worker may hold a task just now: try later
                    os.kill(client.run(os.getpid, workers=busy[:1])[busy[0]], signal.SIGKILL)
                    killed.append(busy[0])

        backend(plan, arrays, tasks, done_then_kill)

    result = run_sweep(
        plan, tmp_path, backend=kill_a_busy_worker, backend_name=name, progress=False
    )

    assert killed
    assert result.computed_trials == 9 * 60_000
    np.testing.assert_array_equal(result.counts, expected)
    assert len(list((tmp_path / "blocks").glob("p*-b*.json"))) == len(list(plan.tasks()))


def test_a_block_that_comes_back_twice_counts_once(scheduler: str) -> None:
    plan = small_block_plan(TRIALS)
    tasks = list(plan.tasks())
    calls: Counter = Counter()
    total = np.zeros(len(COUNT_COLUMNS), dtype=np.int64)

    def done(task, counts) -> None:
        calls[(task.point, task.block)] += 1
        total[:] += counts

    backend, _ = cluster.dask_backend(workers=None, scheduler=scheduler)
    backend(plan, plan.point_arrays(), tasks + tasks[:5], done)

    assert set(calls.values()) == {1} and len(calls) == len(tasks)
    np.testing.assert_array_equal(total, run_sweep(plan, progress=False).counts.sum(axis=0))


def test_an_unreachable_scheduler_is_bad_input(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1.0)
    address = f"tcp://127.0.0.1:{free_port()}"

    status = main(sweep_args(tmp_path, TRIALS, "--scheduler", address))

    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert err.startswith(
        f"summitsim sweep: error: --scheduler: no Dask scheduler answered at {address} within 1 s"
    )


def test_a_ctrl_c_while_a_result_is_fetched_waits_for_the_fetch() -> None:
    """distributed's blocking calls print tracebacks when interrupted midway."""
    fetched = []

    with pytest.raises(KeyboardInterrupt):
        with cluster._ctrl_c_held():
            os.kill(os.getpid(), signal.SIGINT)
            fetched.append("result")

    assert fetched == ["result"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_lost_scheduler_stops_the_sweep_in_one_line_and_resume_finishes_it(
    tmp_path: Path,
) -> None:
    """Not bad input (exit 3, not 2); the finished blocks are kept and --resume on threads
    gives the numbers of a sweep run straight through."""

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**sweep_env(), "NUMBA_NUM_THREADS": "1"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": ROOT}
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
    )
    worker = subprocess.Popen(
        [DASK, "worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
        **quiet,
    )
    out = tmp_path / "lost"
    sweep = None
    try:
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
        sweep = subprocess.Popen(
            [SCRIPT, *sweep_args(out, LONG_TRIALS, "--scheduler", address)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        while blocks_in(out) < 5:
            assert sweep.poll() is None, sweep.communicate()
            time.sleep(0.01)
        scheduler.kill()
        scheduler.wait()
        _, err = sweep.communicate(timeout=120)
    finally:
        for process in (sweep, worker, scheduler):
            if process is not None:
                stop(process)

    assert sweep.returncode == 3, err
    assert err.count("\n") == 1 and "Traceback" not in err and "ERROR" not in err, err
    assert err.startswith("summitsim sweep: lost the connection to the Dask scheduler")
    assert f"Finished blocks are kept in {out}/blocks" in err and "--resume" in err
    assert 5 <= blocks_in(out) < 9 * LONG_TRIALS // BLOCK_TRIALS
    straight = tmp_path / "straight"
    assert summary_of(sweep_args(out, LONG_TRIALS, "--resume"), out) == summary_of(
        sweep_args(straight, LONG_TRIALS), straight
    )
