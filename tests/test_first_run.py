"""The first sweep on a fresh clone: it says that it compiles the kernel, and its speed
figures leave the compilation out.

The command-line test runs the installed ``summitsim`` script twice on one empty
``NUMBA_CACHE_DIR``: the first run compiles the counting kernel, the second loads it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

from summitsim.cli.sweep import print_summary
from summitsim.compilation import COMPILING_NOTICE
from summitsim.outcomes import COUNT_COLUMNS
from summitsim.outputs.sweep import manifest
from summitsim.scenario import load_scenario
from summitsim.summary import summarise
from summitsim.sweep import Grid, SweepPlan, SweepResult

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = str(Path(sys.executable).parent / "summitsim")
BUDAPEST = "scenarios/v1/budapest_2025.yaml"


def _sweep(cache: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    command = [SCRIPT, "sweep", BUDAPEST, "--over", "putin.softness=0:1:2", "--trials", "200"]
    return subprocess.run(
        [*command, "--out", str(out), *flags],
        cwd=ROOT,
        env={**os.environ, "NUMBA_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="with the JIT off nothing is compiled")
def test_compiling_is_announced_on_a_cold_cache_only(tmp_path: Path) -> None:
    cache = tmp_path / "numba-cache"
    cold = _sweep(cache, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    # said once, on stderr, before the progress bar draws its first line
    assert cold.stderr.count(COMPILING_NOTICE) == 1
    assert cold.stderr.index(COMPILING_NOTICE) < cold.stderr.index("sweep:")
    assert COMPILING_NOTICE not in cold.stdout
    assert "compiling the kernel" in cold.stdout  # the summary line says where the time went
    cold_manifest = json.loads((tmp_path / "cold" / "manifest.json").read_text())
    assert 0 < cold_manifest["compile_s"] <= cold_manifest["elapsed_s"]

    warm = _sweep(cache, tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr
    assert COMPILING_NOTICE not in warm.stderr
    assert "sweep:" in warm.stderr  # the bar is still there
    assert "compiling the kernel" not in warm.stdout
    warm_manifest = json.loads((tmp_path / "warm" / "manifest.json").read_text())
    assert "compile_s" in warm_manifest
    assert (tmp_path / "warm" / "summary.csv").read_text() == (
        tmp_path / "cold" / "summary.csv"
    ).read_text()


def _result(elapsed_s: float, compile_s: float) -> SweepResult:
    """A finished 3-point sweep of 1,000 trials a point with the given timings."""
    scenario = load_scenario(ROOT / BUDAPEST)
    plan = SweepPlan(scenario, Grid.parse(scenario, ["putin.softness=0:1:3"]), 1000, 0)
    counts = np.zeros((3, len(COUNT_COLUMNS)), dtype=np.int64)
    counts[:, 0] = (100, 500, 900)  # summits
    counts[:, 5] = (900, 500, 100)  # deadlines
    return SweepResult(plan, counts, elapsed_s, "threads", 3000, compile_s)


def test_manifest_speed_leaves_the_compilation_out() -> None:
    result = _result(elapsed_s=10.0, compile_s=8.5)
    written = manifest(result, summarise(result), BUDAPEST)
    assert written["elapsed_s"] == 10.0  # the whole sweep
    assert written["compile_s"] == 8.5
    assert written["trials_per_second"] == 2000  # 3,000 trials in 10 - 8.5 = 1.5 s


def test_printed_speed_leaves_the_compilation_out(capsys, tmp_path: Path) -> None:
    result = _result(elapsed_s=10.0, compile_s=8.5)
    print_summary(result, summarise(result), tmp_path)
    assert (
        "3,000 trials computed in 10.00 s (8.50 s of it compiling the kernel; "
        "2,000 trials/s, threads)"
    ) in capsys.readouterr().out
    warm = _result(elapsed_s=1.502, compile_s=0.002)  # 3,000 trials in 1.5 s
    print_summary(warm, summarise(warm), tmp_path)
    assert "3,000 trials computed in 1.50 s (2,000 trials/s, threads)" in capsys.readouterr().out
