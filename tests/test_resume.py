"""Checkpoints and ``--resume``: a sweep killed part way and resumed writes the same
``summary.csv`` as one run straight through; a folder of another sweep is refused (exit 2,
one message, no traceback); Ctrl-C stops cleanly and says how to resume.

Blocks are made small (``SUMMITSIM_BLOCK_TRIALS``) so that a short sweep has many of them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summitsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "budapest_2025.yaml"
COMMAND = str(Path(sys.executable).parent / "summitsim")
BLOCK_TRIALS = 5000
GRID = ("putin.softness=0:1:3", "trump.patience=0.3:0.6:3")
POINTS = 9
#: Trials per point of the sweeps that are interrupted: 108 blocks, about a second.
LONG_TRIALS = 60_000


def sweep_args(
    out: Path, trials: int, *flags: str, scenario: Path = SCENARIO, grid: tuple[str, ...] = GRID
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
        [COMMAND, *args], capture_output=True, text=True, env=sweep_env(), cwd=ROOT, timeout=120
    )


def summary_of(args: list[str], out: Path) -> str:
    """``summary.csv`` of a sweep that must succeed."""
    done = run_command(args)
    assert done.returncode == 0, done.stderr
    return (out / "summary.csv").read_text()


def blocks_in(out: Path) -> int:
    return len(list((out / "blocks").glob("p*-b*.json")))


def start_and_stop(
    out: Path, args: list[str], stop: signal.Signals, after_blocks: int = 20
) -> subprocess.CompletedProcess:
    """Start ``summitsim ARGS`` in a process group of its own, send the group ``stop`` (as
    Ctrl-C in a terminal does) once ``after_blocks`` blocks are in ``out``, and wait for
    it; fails if it ends first."""
    process = subprocess.Popen(
        [COMMAND, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=sweep_env(),
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while blocks_in(out) < after_blocks and process.poll() is None:
            assert time.monotonic() < deadline, "no blocks written"
            time.sleep(0.01)
        assert process.poll() is None, "the sweep ended before it could be stopped"
        os.killpg(process.pid, stop)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def straight(tmp_path_factory) -> Path:
    """The long sweep, run straight through."""
    out = tmp_path_factory.mktemp("straight")
    summary_of(sweep_args(out, LONG_TRIALS), out)
    return out


def test_resume_after_kill_gives_the_same_summary(straight: Path, tmp_path: Path) -> None:
    out = tmp_path / "killed"
    killed = start_and_stop(out, sweep_args(out, LONG_TRIALS), signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    kept = blocks_in(out)
    assert 0 < kept < POINTS * LONG_TRIALS // BLOCK_TRIALS
    assert not (out / "summary.csv").exists()

    resumed = summary_of(sweep_args(out, LONG_TRIALS, "--resume"), out)

    assert resumed == (straight / "summary.csv").read_text()
    manifest = (out / "manifest.json").read_text()
    assert f'"computed_trials": {POINTS * LONG_TRIALS - kept * BLOCK_TRIALS},' in manifest


def other_scenario(folder: Path) -> Path:
    """The scenario with one more comment line: other bytes, another sha256."""
    other = folder / "budapest_edited.yaml"
    other.write_text(SCENARIO.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    return other


MISMATCHES = {
    "seed": (lambda out, folder: sweep_args(out, LONG_TRIALS, "--seed", "7"), "seed"),
    "grid": (lambda out, folder: sweep_args(out, LONG_TRIALS, grid=GRID[:1]), "grid"),
    "trials": (lambda out, folder: sweep_args(out, LONG_TRIALS + 1), "trials"),
    "scenario": (
        lambda out, folder: sweep_args(out, LONG_TRIALS, scenario=other_scenario(folder)),
        "scenario_sha256",
    ),
}


@pytest.mark.parametrize("changed", MISMATCHES)
def test_resume_refuses_a_folder_of_another_sweep(
    changed: str, straight: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    out = tmp_path / "other"
    shutil.copytree(straight / "blocks", out / "blocks")
    before = sorted(path.name for path in (out / "blocks").iterdir())
    make_args, field = MISMATCHES[changed]
    monkeypatch.setenv("SUMMITSIM_BLOCK_TRIALS", str(BLOCK_TRIALS))

    status = main([*make_args(out, tmp_path), "--resume"])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("summitsim sweep: error: ") and err.count("\n") == 1
    assert field in err and "--resume refused" in err and "new --out folder" in err
    assert sorted(path.name for path in (out / "blocks").iterdir()) == before


def test_refusal_is_one_line_in_a_real_process(straight: Path, tmp_path: Path) -> None:
    out = tmp_path / "other"
    shutil.copytree(straight / "blocks", out / "blocks")

    done = run_command(sweep_args(out, LONG_TRIALS, "--seed", "7", "--resume"))

    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "--resume refused" in done.stderr


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param((), id="threads"),
        pytest.param(("--workers", "2"), id="local-cluster", marks=pytest.mark.dask),
    ],
)
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(
    backend: tuple[str, ...], tmp_path: Path
) -> None:
    out = tmp_path / "interrupted"

    stopped = start_and_stop(
        out, sweep_args(out, LONG_TRIALS, *backend), signal.SIGINT, after_blocks=5
    )

    assert stopped.returncode == 130
    assert "Traceback" not in stopped.stderr and "ERROR" not in stopped.stderr
    assert "--resume" in stopped.stderr and str(out / "blocks") in stopped.stderr
    assert not (out / "summary.csv").exists()


def test_resume_refuses_blocks_of_other_model_code(tmp_path, monkeypatch):
    """Blocks computed by other rules, draws or kernel code must not be mixed in."""
    from summitsim import sweep
    from summitsim.scenario import ScenarioError, load_scenario

    scenario = load_scenario("scenarios/budapest_2025.yaml")
    plan = sweep.SweepPlan(
        scenario, sweep.Grid.parse(scenario, ["putin.softness=0:1:2"]), 2000, 0, block_trials=1000
    )
    sweep.run_sweep(plan, tmp_path, progress=False)
    monkeypatch.setattr(sweep, "model_fingerprint", lambda: "other code")
    with pytest.raises(ScenarioError, match="model_sha256"):
        sweep.run_sweep(plan, tmp_path, resume=True, progress=False)
