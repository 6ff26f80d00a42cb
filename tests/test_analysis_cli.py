"""The analysis commands end to end, as a user types them: output, files, exit status,
and one clear line for bad input (exit 2, nothing on stdout, no traceback)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from commands import BUDAPEST, PNG_SIGNATURE, Batch
from repository import ROOT

ONE_LEVER = "tests/scenarios/one_lever.yaml"
LOGROLL = "tests/scenarios/logroll.yaml"
ANALYSIS = ("infer", "whatif", "sensitivity", "discover", "baselines")
FACTOR = ["--factor", "putin.softness=0:1", "--factor", "putin.trust=0:1"]

BAD = {
    "whatif unknown lever": (
        ["whatif", BUDAPEST, "--lever", "putin.softnes"],
        "summitsim whatif: error: --lever: putin.softnes: unknown field 'softnes' of putin",
    ),
    "whatif vector lever": (
        ["whatif", BUDAPEST, "--lever", "trump.salience"],
        "--lever: trump.salience names one value per issue",
    ),
    "whatif target": (
        ["whatif", BUDAPEST, "--lever", "putin.softness", "--target", "1.5"],
        "argument --target: 1.5 is not allowed; allowed: a number in (0, 1]",
    ),
    "sensitivity missing factor": (
        ["sensitivity", BUDAPEST, "--method", "sobol"],
        "summitsim sensitivity: error: --factor: no factor given",
    ),
    "sensitivity out of range": (
        ["sensitivity", BUDAPEST, "--method", "morris", "--factor", "trump.patience=0.2:1.2"],
        "--factor: trump.patience=0.2:1.2: 1.2 is outside the range of trump.patience; "
        "allowed: a number in [0, 1]",
    ),
    "sensitivity unknown path": (
        ["sensitivity", BUDAPEST, "--method", "oat", "--factor", "putin.patiense=0:1"],
        "--factor: putin.patiense: unknown field 'patiense' of putin",
    ),
    "sensitivity samples": (
        ["sensitivity", BUDAPEST, "--method", "sobol", *FACTOR, "--samples", "100"],
        "--samples: 100 is not a power of 2",
    ),
    "sensitivity oat samples": (
        ["sensitivity", BUDAPEST, "--method", "oat", *FACTOR, "--samples", "64"],
        "--samples: oat evaluates each factor at its LOW and HIGH",
    ),
    "discover missing factor": (
        ["discover", BUDAPEST],
        "summitsim discover: error: --factor: no factor given",
    ),
    "discover threshold": (
        ["discover", BUDAPEST, *FACTOR, "--threshold", "1"],
        "argument --threshold: 1 is not allowed; allowed: a number in [0, 1)",
    ),
    "baselines missing file": (
        ["baselines", "no_such_file.yaml"],
        "summitsim baselines: error: no_such_file.yaml: no such file",
    ),
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("analysis")


@pytest.fixture(scope="module")
def runs(out) -> Iterator[Batch]:
    commands = {
        "whatif": ["whatif", BUDAPEST, "--lever", "putin.softness", "--trials", "2000"],
        "whatif json": [
            "whatif",
            BUDAPEST,
            "--lever",
            "trump.patience",
            "--trials",
            "1000",
            "--json",
            "--quiet",
        ],
        "sobol": [
            "sensitivity",
            ONE_LEVER,
            "--method",
            "sobol",
            *FACTOR,
            "--samples",
            "32",
            "--trials",
            "5",
            "--seed",
            "3",
            "--out",
            out / "sobol",
        ],
        "morris": [
            "sensitivity",
            ONE_LEVER,
            "--method",
            "morris",
            *FACTOR,
            "--samples",
            "4",
            "--trials",
            "5",
            "--out",
            out / "morris",
            "--quiet",
        ],
        "oat": [
            "sensitivity",
            BUDAPEST,
            "--method",
            "oat",
            "--factor",
            "putin.softness=0:0.1",
            "--factor",
            "putin.trust=0.5:1",
            "--trials",
            "1000",
            "--out",
            out / "oat",
            "--quiet",
        ],
        "discover": [
            "discover",
            ONE_LEVER,
            *FACTOR,
            "--samples",
            "100",
            "--trials",
            "5",
            "--out",
            out / "discover",
            "--quiet",
        ],
        "baselines": ["baselines", LOGROLL, "--trials", "500"],
        "baselines json": ["baselines", LOGROLL, "--trials", "500", "--json"],
        "help": ["--help"],
        **{f"help {name}": [name, "--help"] for name in ANALYSIS},
        **{name: args for name, (args, _) in BAD.items()},
    }
    with Batch(commands, workers=2) as batch:
        yield batch


def test_help_lists_the_analysis_commands(runs):
    runs["help"].assert_clean()
    assert all(name in runs["help"].out for name in ANALYSIS)
    for name in ANALYSIS:
        runs[f"help {name}"].assert_clean()
        assert f"usage: summitsim {name} " in runs[f"help {name}"].out


def test_whatif_prints_the_thresholds(runs):
    result = runs["whatif"]
    result.assert_clean()
    assert "P(summit) reaches 0.5: putin.softness raised to 0.4" in result.out
    assert "it turns into a summit: putin.softness raised to 0.445041" in result.out
    assert "95% interval" in result.out


def test_whatif_json(runs):
    result = runs["whatif json"]
    result.assert_clean()
    found = json.loads(result.out)
    assert found["nominal"]["value"] == pytest.approx(0.340131, abs=1e-4)
    assert (found["direction"], found["nominal_direction"]) == ("lowered", "lowered")
    assert result.err == ""  # --quiet: no progress bar


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_sobol_writes_indices_samples_figure_and_manifest(runs, out):
    runs["sobol"].assert_clean()
    rows = {(r["outcome"], r["factor"]): r for r in _table(out / "sobol" / "sensitivity.csv")}
    assert set(rows) == {
        (o, f) for o in ("p_summit", "p_held") for f in ("putin.softness", "putin.trust")
    }
    assert float(rows["p_summit", "putin.trust"]["ST"]) == 0.0
    assert float(rows["p_summit", "putin.softness"]["ST"]) > 0.7
    assert len(_table(out / "sobol" / "samples.csv")) == 32 * 4
    assert (out / "sobol" / "sobol.png").read_bytes().startswith(PNG_SIGNATURE)
    manifest = json.loads((out / "sobol" / "manifest.json").read_text())
    for key in (
        "scenario",
        "scenario_sha256",
        "seed",
        "factors",
        "samples",
        "trials",
        "version",
        "elapsed_s",
        "trials_per_second",
    ):
        assert key in manifest
    assert (manifest["seed"], manifest["samples"], manifest["trials"]) == (3, 32, 5)
    assert manifest["total_trials"] == 32 * 4 * 5
    assert "sensitivity" in runs["sobol"].err  # the progress bar
    # and the speed, as the manifest has it
    speed = f"{32 * 4 * 5:,} trials in "
    assert speed in runs["sobol"].err and f"({manifest['trials_per_second']:,} trials/s)" in (
        runs["sobol"].err
    )


def test_morris_and_oat(runs, out):
    runs["morris"].assert_clean()
    rows = _table(out / "morris" / "sensitivity.csv")
    assert {r["factor"] for r in rows} == {"putin.softness", "putin.trust"}
    assert (out / "morris" / "morris.png").exists()
    runs["oat"].assert_clean()
    rows = _table(out / "oat" / "sensitivity.csv")
    assert [r["path"] for r in rows] == ["putin.softness", "putin.trust"]
    assert float(rows[1]["effect"]) == 0.0  # trust acts only after the outcome
    assert (out / "oat" / "tornado.png").exists()


def test_discover_writes_the_box(runs, out):
    result = runs["discover"]
    result.assert_clean()
    assert result.err == ""  # no warnings from the EMA Workbench, no progress bar
    boxes = [r for r in _table(out / "discover" / "boxes.csv") if r["box"] == "1"]
    softness = next(r for r in boxes if r["factor"] == "putin.softness")
    assert softness["restricted"] == "True"
    assert abs(float(softness["low"]) - 0.5) <= 1 / 100
    assert "putin.softness in [0.49" in result.out or "putin.softness in [0.50" in result.out
    trajectory = _table(out / "discover" / "trajectory.csv")
    assert sum(r["chosen"] == "True" for r in trajectory) == 1
    assert (out / "discover" / "tradeoff.png").read_bytes().startswith(PNG_SIGNATURE)
    manifest = json.loads((out / "discover" / "manifest.json").read_text())
    assert manifest["samples"] == 100 and manifest["threshold"] == 0.5
    # the rate is over the time spent running trials, not importing and running PRIM
    assert manifest["simulation_s"] <= manifest["elapsed_s"]
    rate = manifest["total_trials"] / max(manifest["simulation_s"], 1e-9)
    assert manifest["trials_per_second"] == pytest.approx(rate, rel=0.05)


def test_baselines_text_and_json(runs):
    text = runs["baselines"]
    text.assert_clean()
    assert "framework: territory 0.000, sanctions 1.000" in text.out
    assert "no base rate without a case library" in text.out
    found = json.loads(runs["baselines json"].out)
    nash = next(row for row in found["baselines"] if row["name"] == "nash")
    assert nash["utilities"] == pytest.approx({"trump": 0.8, "putin": 0.8})
    assert found["model"]["nominal_outcome"] == "summit"


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_is_one_clear_line(runs, name):
    result = runs[name]
    result.assert_clean(status=2)
    assert result.out == ""
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert BAD[name][1] in lines[0]


def test_other_commands_do_not_import_the_analysis_libraries():
    code = (
        "import sys; from summitsim.cli import main; main(['validate', 'scenarios/v1/budapest_2025"
        ".yaml']); main(['baselines', 'tests/scenarios/logroll.yaml', '--trials', '10']); "
        "print(sorted(m for m in ('ema_workbench', 'SALib', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
