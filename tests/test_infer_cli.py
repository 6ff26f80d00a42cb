"""``summitsim infer`` end to end, as a user types it: what it prints, the files, the
warning below 100 kept trials, one clear line for bad input, and the same files on one
thread and on two."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from commands import PNG_SIGNATURE, SCRIPT, summitsim
from repository import ROOT

from summitsim.scenario.safe_yaml import read_yaml

THRESHOLD = "tests/scenarios/infer_threshold.yaml"
CASE = "scenarios/cases/budapest_2025.yaml"


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("infer")
    args = ["infer", THRESHOLD, "--trials", "5000", "--seed", "3"]
    result = summitsim(*args, "--whatif", "alice.patience=0.1", "--out", out)
    return result, out


def test_infer_prints_the_posterior_and_the_counterfactual(run):
    result, out = run
    result.assert_clean()
    lines = result.out.splitlines()
    assert lines[0] == (
        "Two contacts and a threshold: what the observed outcome says (cancelled by a on "
        "2030-01-04)"
    )
    assert lines[1].startswith("5,000 trials from seed 3, drawn from the uncertainty: block; ")
    assert lines[3].split()[0] == "bob.softness"
    assert "What if alice.patience = 0.1? " in result.out
    assert lines[-1].startswith(f"Written: {out}/posterior.csv, ")
    # on stderr: the progress bar and the speed
    assert "infer" in result.err and "trials/s)" in result.err


def test_infer_writes_the_contract_files(run):
    _, out = run
    rows = _table(out / "posterior.csv")
    assert [row["path"] for row in rows] == ["bob.softness", "bob.trust"]
    for column in ("prior_mean", "prior_median", "prior_q05", "prior_q95", "posterior_mean"):
        assert column in rows[0]
    for column in ("posterior_sd", "posterior_median", "posterior_q05", "posterior_q95"):
        assert column in rows[0]
    kept = int(rows[0]["kept"])
    assert float(rows[0]["acceptance_rate"]) == kept / 5000
    # uniform on [0, 0.45]: the mean's sd is 0.45 / sqrt(12 kept), under 0.003
    assert abs(float(rows[0]["posterior_mean"]) - 0.225) < 0.015
    samples = _table(out / "samples.csv")
    assert list(samples[0]) == ["bob.softness", "bob.trust"] and len(samples) == kept
    assert max(float(row["bob.softness"]) for row in samples) < 0.45
    assert (out / "posterior.png").read_bytes().startswith(PNG_SIGNATURE)
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["command"], manifest["seed"], manifest["trials"]) == ("infer", 3, 5000)
    assert manifest["kept"] == kept and manifest["acceptance_rate"] == kept / 5000
    assert len(manifest["model_sha256"]) == 64
    assert manifest["trials_per_second"] > 0 and manifest["total_trials"] == 5000 + kept
    assert manifest["whatif"][0]["change"] == {"alice.patience": 0.1}
    assert manifest["command_line"].endswith("--whatif alice.patience=0.1 --out " + str(out))
    assert manifest["command_line"].startswith("summitsim infer ")  # by name, not a path


def test_fewer_than_100_kept_trials_warn(tmp_path):
    result = summitsim("infer", THRESHOLD, "--trials", "150", "--quiet", "--out", tmp_path)
    result.assert_clean()
    kept = int(_table(tmp_path / "posterior.csv")[0]["kept"])
    assert kept < 100
    assert result.err == (
        f"summitsim infer: warning: only {kept} of 150 trials reproduce what happened "
        "(fewer than 100): the posterior is rough; run more --trials or widen the prior\n"
    )


def test_no_kept_trial_still_writes_its_files(tmp_path):
    result = summitsim("infer", CASE, "--trials", "2000", "--quiet", "--out", tmp_path)
    result.assert_clean()
    assert "warning: only 0 of 2,000 trials" in result.err
    assert "0 reproduce what happened" in result.out
    assert (tmp_path / "samples.csv").read_text().count("\n") == 1  # the header alone
    assert (tmp_path / "posterior.png").exists()


def _no_uncertainty(folder: Path) -> Path:
    data = read_yaml((ROOT / THRESHOLD).read_text())[0]
    del data["uncertainty"]
    path = folder / "no_uncertainty.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tests/scenarios/one_lever.yaml"],
            "summitsim infer: error: tests/scenarios/one_lever.yaml: observed: no observed: "
            "block, so nothing to condition on",
        ),
        (["NO_UNCERTAINTY"], "no_uncertainty.yaml: uncertainty: no uncertainty: block"),
        ([THRESHOLD, "--whatif", "bob.sofness=0.5"], "--whatif: 'bob.sofness=0.5': unknown"),
        ([THRESHOLD, "--whatif", "bob.softness=1.5"], "1.5 is out of range"),
        ([THRESHOLD, "--trials", "0"], "argument --trials"),
        (["no_such_file.yaml"], "summitsim infer: error: no_such_file.yaml: no such file"),
    ],
    ids=["no observed", "no uncertainty", "unknown path", "out of range", "trials", "missing"],
)
def test_bad_input_is_one_clear_line_and_nothing_runs(tmp_path, args, message):
    args = [str(_no_uncertainty(tmp_path)) if a == "NO_UNCERTAINTY" else a for a in args]
    result = summitsim("infer", *args, "--out", tmp_path / "out")
    result.assert_clean(status=2)
    assert result.out == ""
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_same_files_on_one_thread_and_on_two(tmp_path):
    # a noisy schema 2 case with approvers, pivotal blame and a contact held by chance,
    # conditioned on a veto by the US (about 2% of its trials)
    data = read_yaml((ROOT / CASE).read_text())[0]
    data["observed"] = {"outcome": "vetoed", "by": "us", "sidelined": []}
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data))
    found = {}
    for threads in ("1", "2"):
        out = tmp_path / threads
        command = [SCRIPT, "infer", str(case), "--trials", "30000", "--seed", "11", "--quiet"]
        command += ["--whatif", "putin.softness=0.5", "--out", str(out)]
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["numba_threads"] == int(threads)
        found[threads] = (
            (out / "samples.csv").read_bytes(),
            (out / "posterior.csv").read_bytes(),
            manifest["whatif"],
        )
    assert found["1"] == found["2"]
    assert found["1"][0].count(b"\n") > 300  # kept trials enough to differ if they could
