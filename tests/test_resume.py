"""Checkpoints and ``--resume``: a sweep killed part way and resumed writes the same
``summary.csv`` as one run straight through; a folder of another sweep is refused (exit 2,
one message, no traceback); Ctrl-C stops cleanly and says how to resume.

Blocks are made small (``SUMMITSIM_BLOCK_TRIALS``) so that a short sweep has many of them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from commands import (
    BLOCK_TRIALS,
    GRID,
    LONG_TRIALS,
    SCRIPT,
    blocks_in,
    run_command,
    summary_of,
    sweep_args,
    sweep_env,
)
from repository import BUDAPEST_FILE, ROOT

from summitsim.cli import main

POINTS = 9


def start_and_stop(
    out: Path, args: list[str], stop: signal.Signals, after_blocks: int = 20
) -> subprocess.CompletedProcess:
    """Start ``summitsim ARGS`` in a process group of its own, send the group ``stop`` (as
    Ctrl-C in a terminal does) once ``after_blocks`` blocks are in ``out``, and wait for
    it; fails if it ends first."""
    process = subprocess.Popen(
        [SCRIPT, *args],
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


@pytest.mark.slow
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
    other.write_text(BUDAPEST_FILE.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
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


@pytest.mark.slow
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


@pytest.mark.slow
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

    scenario = load_scenario(BUDAPEST_FILE)
    plan = sweep.SweepPlan(
        scenario, sweep.Grid.parse(scenario, ["putin.softness=0:1:2"]), 2000, 0, block_trials=1000
    )
    sweep.run_sweep(plan, tmp_path, progress=False)
    monkeypatch.setattr(sweep, "model_fingerprint", lambda: "other code")
    with pytest.raises(ScenarioError, match="model_sha256"):
        sweep.run_sweep(plan, tmp_path, resume=True, progress=False)


@pytest.mark.slow
def test_resume_with_the_over_flags_swapped_is_refused(straight: Path, tmp_path: Path) -> None:
    """The same paths in another order put every count on another grid point."""
    out = tmp_path / "swapped"
    shutil.copytree(straight / "blocks", out / "blocks")

    done = run_command(sweep_args(out, LONG_TRIALS, "--resume", grid=GRID[::-1]))

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "--resume refused" in done.stderr and "grid" in done.stderr
    assert "another order: give --over putin.softness, then trump.patience" in done.stderr
    assert not (out / "summary.csv").exists()


# -- checkpoints checked before they are trusted ------------------------------------------

SMALL_GRID = ["putin.softness=0:1:2"]
SMALL_TRIALS, SMALL_BLOCK = 2500, 1000  # blocks of 1000, 1000 and 500 trials per point


def small_plan(seed: int = 0, grid: list[str] = SMALL_GRID):
    from summitsim.scenario import load_scenario
    from summitsim.sweep import Grid, SweepPlan

    scenario = load_scenario(BUDAPEST_FILE)
    return SweepPlan(
        scenario, Grid.parse(scenario, grid), SMALL_TRIALS, seed, block_trials=SMALL_BLOCK
    )


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory) -> tuple[Path, object]:
    """A finished small sweep's folder and its counts."""
    from summitsim.sweep import run_sweep

    out = tmp_path_factory.mktemp("small")
    return out, run_sweep(small_plan(), out, progress=False).counts


def block_file(out: Path, point: int, block: int) -> Path:
    return out / "blocks" / f"p{point:06d}-b{block:06d}.json"


def rewritten(record: dict, **changes: object) -> str:
    """The record with ``changes`` and a checksum that matches them (a careful edit)."""
    from summitsim.checkpoints import record_digest

    record = {**record, **changes}
    record["record_sha256"] = record_digest(record)
    return json.dumps(record)


def one_more_summit(record: dict) -> str:
    counts = list(record["counts"])
    counts[0], counts[5] = counts[0] + 1, counts[5] - 1  # still adds up to the trials
    return json.dumps({**record, "counts": counts})


# name: how the block file p000001-b000002.json (500 trials) is damaged
DAMAGED = {
    "edited": one_more_summit,
    "negative": lambda r: rewritten(
        r, counts=[-1, *r["counts"][1:5], r["counts"][5] + 1 + r["counts"][0], *r["counts"][6:]]
    ),
    "oversized": lambda r: rewritten(r, counts=[10**12, *r["counts"][1:]]),
    "not adding up": lambda r: rewritten(r, counts=[0] * len(r["counts"])),
    "other trials": lambda r: rewritten(r, trials_in_block=1000),
    "misnamed": lambda r: rewritten(r, block=1),
    "truncated": lambda r: json.dumps(r)[:40],
    "empty": lambda r: "",
    "not a record": lambda r: "[1, 2, 3]",
}


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_block_is_computed_again_with_a_warning(
    damage: str, small_sweep, tmp_path: Path, capsys
) -> None:
    from summitsim.sweep import local_backend, run_sweep

    finished, counts = small_sweep
    out = tmp_path / "damaged"
    shutil.copytree(finished / "blocks", out / "blocks")
    damaged = block_file(out, 1, 2)
    damaged.write_text(DAMAGED[damage](json.loads(damaged.read_text())))
    ran = []

    def recording(plan, arrays, tasks, done) -> None:
        tasks = list(tasks)
        ran.extend((task.point, task.block) for task in tasks)
        local_backend(plan, arrays, tasks, done)

    result = run_sweep(small_plan(), out, resume=True, backend=recording, progress=False)

    assert ran == [(1, 2)]
    np.testing.assert_array_equal(result.counts, counts)
    warning = capsys.readouterr().err
    assert warning.count("\n") == 1
    assert warning.startswith(f"summitsim sweep: warning: {damaged}: ")
    assert warning.endswith("; this block is computed again\n")
    assert json.loads(damaged.read_text()) == json.loads(block_file(finished, 1, 2).read_text())


def foreign_block(tmp_path: Path, **plan: object) -> Path:
    """Block 0 of point 0 of another small sweep."""
    from summitsim.sweep import run_sweep

    other = tmp_path / "other-sweep"
    run_sweep(small_plan(**plan), other, progress=False)
    return block_file(other, 0, 0)


FOREIGN = {
    "other seed": (lambda tmp: foreign_block(tmp, seed=1), "its seed is 1, this sweep's 0"),
    "another sweep's folder": (
        lambda tmp: foreign_block(tmp, grid=["putin.softness=0:0.5:2"]),
        "another grid_sha256",
    ),
}


@pytest.mark.parametrize("case", FOREIGN)
def test_a_block_of_another_sweep_is_refused(
    case: str, small_sweep, tmp_path: Path, capsys, monkeypatch
) -> None:
    finished, _ = small_sweep
    out = tmp_path / "mixed"
    shutil.copytree(finished / "blocks", out / "blocks")
    make, message = FOREIGN[case]
    shutil.copy(make(tmp_path), block_file(out, 0, 0))

    status = resume_small(out, monkeypatch)

    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1, err
    assert err.startswith(f"summitsim sweep: error: {block_file(out, 0, 0)}: --resume refused: ")
    assert message in err and "a block of another sweep" in err
    assert not (out / "summary.csv").exists()


def test_a_block_beyond_the_plan_is_refused(small_sweep, tmp_path: Path, capsys, monkeypatch):
    finished, _ = small_sweep
    out = tmp_path / "extra"
    shutil.copytree(finished / "blocks", out / "blocks")
    record = json.loads(block_file(out, 1, 2).read_text())
    block_file(out, 1, 3).write_text(rewritten(record, block=3))

    status = resume_small(out, monkeypatch)

    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1, err
    assert f"{block_file(out, 1, 3)}: --resume refused: grid point 1 block 3 is outside" in err
    assert "(2 grid points of 3 blocks each)" in err


def resume_small(out: Path, monkeypatch) -> int:
    """``summitsim sweep ... --resume`` of the small sweep into ``out``, in this process."""
    monkeypatch.setenv("SUMMITSIM_BLOCK_TRIALS", str(SMALL_BLOCK))
    args = sweep_args(out, SMALL_TRIALS, "--resume", grid=tuple(SMALL_GRID))
    return main(args)


def test_a_sound_resume_warns_of_nothing(small_sweep, tmp_path: Path, capsys, monkeypatch):
    finished, _ = small_sweep
    out = tmp_path / "sound"
    shutil.copytree(finished / "blocks", out / "blocks")

    assert resume_small(out, monkeypatch) == 0

    assert capsys.readouterr().err == ""
    assert '"computed_trials": 0,' in (out / "manifest.json").read_text()


# -- one sweep per folder --------------------------------------------------------------------


def test_a_second_sweep_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "shared"
    # long enough (about a minute, killed below) that the second command, which takes a
    # second or two to start, surely finds the first still running
    first = subprocess.Popen(
        [SCRIPT, *sweep_args(out, 50 * LONG_TRIALS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=sweep_env(),
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while blocks_in(out) < 2:
            assert time.monotonic() < deadline and first.poll() is None, "no blocks written"
            time.sleep(0.01)
        # finished files only: a temporary one (a block being written) is renamed meanwhile
        before = sorted(p.name for p in (out / "blocks").iterdir() if not p.name.startswith("."))

        second = run_command(sweep_args(out, 50 * LONG_TRIALS, "--resume"))

        assert first.poll() is None, "the first sweep ended before the second started"
    finally:
        first.kill()
        first.communicate()
    assert second.returncode == 2 and second.stderr.count("\n") == 1, second.stderr
    assert second.stderr.startswith(f"summitsim sweep: error: {out}: another summitsim sweep")
    assert f"(pid {first.pid}: {SCRIPT} sweep {BUDAPEST_FILE}" in second.stderr
    assert "allowed: wait for it to end, or another --out folder" in second.stderr
    assert set(before) <= {path.name for path in (out / "blocks").iterdir()}


# -- files as the user's umask says, a full disk, bad block sizes ---------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_follow_the_umask(umask: int, mode: int, tmp_path: Path) -> None:
    out = tmp_path / "files"
    done = subprocess.run(
        [SCRIPT, *sweep_args(out, 10_000, grid=GRID[:1])],
        capture_output=True,
        text=True,
        env=sweep_env(),
        cwd=ROOT,
        timeout=120,
        preexec_fn=lambda: os.umask(umask),
    )
    assert done.returncode == 0, done.stderr
    written = [out / "summary.csv", out / "manifest.json", out / "p_summit.png"]
    written += [*(out / "blocks").glob("*.json")]
    assert len(written) == 3 + 1 + 6
    assert {path.name: oct(path.stat().st_mode & 0o777) for path in written} == {
        path.name: oct(mode) for path in written
    }


def test_a_full_disk_names_the_file(small_sweep, tmp_path: Path, capsys, monkeypatch) -> None:
    import errno

    def full(handle: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    out = tmp_path / "full"

    status = resume_small(out, monkeypatch)

    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1, err
    assert (
        err == f"summitsim sweep: error: {out / 'blocks' / 'plan.json'}: No space left on device\n"
    )
    assert not [path for path in (out / "blocks").iterdir() if path.name.startswith(".")]


@pytest.mark.parametrize("size", ["abc", "0", "-1", "", "1.5"])
def test_a_bad_block_size_is_refused(size: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [SCRIPT, *sweep_args(tmp_path / "never", 1000, grid=GRID[:1])],
        capture_output=True,
        text=True,
        env={**os.environ, "SUMMITSIM_BLOCK_TRIALS": size},
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(
        f"summitsim sweep: error: SUMMITSIM_BLOCK_TRIALS: {size!r}; allowed: unset"
    )
    assert not (tmp_path / "never").exists()
