"""summitsim's commands as a user types them: the installed console script, run from the
repository root in a subprocess, and what a user sees of it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from repository import BUDAPEST_FILE, ROOT

SCRIPT = str(Path(sys.executable).parent / "summitsim")
#: The reference scenario as a user types it at the repository root.
BUDAPEST = "scenarios/v1/budapest_2025.yaml"
BUDAPEST_TEXT = (ROOT / BUDAPEST).read_text(encoding="utf-8")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Result:
    """What a user sees of one command: exit status, stdout, stderr, and how long it took."""

    status: int
    out: str
    err: str
    seconds: float

    def assert_clean(self, status: int = 0) -> None:
        """The expected exit status and no traceback anywhere."""
        assert self.status == status, f"exit {self.status}\n{self.out}\n{self.err}"
        assert "Traceback" not in self.out + self.err


#: Seconds a command may take: the kernels run as Python with the JIT off (the coverage
#: gate), hundreds of times slower than compiled.
COMMAND_TIMEOUT = 900.0 if os.environ.get("NUMBA_DISABLE_JIT") == "1" else 120.0


def summitsim(*args: object, timeout: float | None = None) -> Result:
    """Run ``summitsim ARGS...`` from the repository root and capture what it prints."""
    timeout = COMMAND_TIMEOUT if timeout is None else timeout
    began = time.perf_counter()
    done = subprocess.run(
        [SCRIPT, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr, time.perf_counter() - began)


class Batch:
    """Named commands started at once on a few threads; ``batch[name]`` waits for one."""

    def __init__(self, commands: Mapping[str, Sequence[object]], workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(workers)
        self._runs = {name: self._pool.submit(summitsim, *args) for name, args in commands.items()}

    def __getitem__(self, name: str) -> Result:
        return self._runs[name].result()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(cancel_futures=True)


# sweeps in many small blocks, as the checkpoint and cluster tests start them

#: Trials of a block in the sweeps started here (``SUMMITSIM_BLOCK_TRIALS``): many blocks.
BLOCK_TRIALS = 5000
GRID = ("putin.softness=0:1:3", "trump.patience=0.3:0.6:3")


def sweep_args(
    out: Path,
    trials: int,
    *flags: str,
    scenario: Path = BUDAPEST_FILE,
    grid: tuple[str, ...] = GRID,
) -> list[str]:
    """Arguments of ``summitsim sweep`` over ``grid`` into ``out`` (no progress bar)."""
    overs = [arg for path in grid for arg in ("--over", path)]
    return [
        "sweep",
        str(scenario),
        *overs,
        "--trials",
        str(trials),
        "--out",
        str(out),
        "--quiet",
        *flags,
    ]


def sweep_env() -> dict[str, str]:
    return {**os.environ, "SUMMITSIM_BLOCK_TRIALS": str(BLOCK_TRIALS)}


def run_command(args: list[str]) -> subprocess.CompletedProcess:
    """``summitsim ARGS`` to its end, with small blocks."""
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=sweep_env(), cwd=ROOT, timeout=120
    )


def summary_of(args: list[str], out: Path) -> str:
    """``summary.csv`` of a sweep that must succeed."""
    done = run_command(args)
    assert done.returncode == 0, done.stderr
    return (out / "summary.csv").read_text()


#: Trials per point of the sweeps that are interrupted: 108 blocks, about a second.
LONG_TRIALS = 60_000


def blocks_in(out: Path) -> int:
    """Finished blocks of a sweep's output folder."""
    return len(list((out / "blocks").glob("p*-b*.json")))
