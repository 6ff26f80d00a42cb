"""``summitsim backtest``: exact scores on synthetic cases whose forecasts are known by hand,
the files it writes, determinism, and bad input (exit 2, one message, nothing written)."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from summitsim.backtest import backtest, base_rate, load_cases
from summitsim.scenario import ScenarioError

ROOT = Path(__file__).parent.parent
GENEVA = ROOT / "scenarios" / "cases" / "geneva_2021.yaml"
LN_FLOOR = -math.log(1e-3)  # 6.907755...: the log score of a sure miss


def synthetic(folder: Path, observed: dict[str, str], keep_observed: bool = True) -> Path:
    """Geneva 2021 made certain: no noise and no uncertainty, so every trial is the nominal
    run, a summit with a deal (the baselines, which read the values as written, predict a
    summit as well); one file per observed outcome given."""
    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(GENEVA.read_text(encoding="utf-8"))
    data["noise"] = 0.0
    data.pop("uncertainty", None)
    for name, outcome in observed.items():
        case = dict(data, name=name)
        case["observed"] = {"outcome": outcome, "sources": ["synthetic"]}
        if not keep_observed:
            case.pop("observed")
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
    return folder


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summitsim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_exact_scores_of_two_certain_cases(tmp_path: Path) -> None:
    # case a happened as the model says (a summit with a deal), case b did not (cancelled)
    cases = load_cases([str(synthetic(tmp_path, {"a": "summit", "b": "cancelled"}))])
    result = backtest(cases, trials=300, seed=5)
    rows = {(row.case, row.predictor): row for row in result.rows}
    assert rows[("a", "model")].forecast == (1.0, 0.0, 0.0)
    assert rows[("b", "model")].forecast == (1.0, 0.0, 0.0)
    # a: (1-1)^2 + 0 + 0 = 0 and -ln 1 = 0; b: 1^2 + 0 + (0-1)^2 = 2 and -ln(0.001)
    assert (rows[("a", "model")].brier, rows[("a", "model")].log) == (0.0, 0.0)
    assert rows[("b", "model")].brier == 2.0
    assert rows[("b", "model")].log == pytest.approx(LN_FLOOR, abs=1e-12)
    assert result.overall["model"][0] == 1.0
    assert result.overall["model"][1] == pytest.approx(3.453877639491, abs=1e-9)
    # base rate, leave-one-out: a sees only b (not held), b sees only a (a deal): both miss
    assert rows[("a", "base_rate")].forecast == (0.0, 0.0, 1.0)
    assert rows[("b", "base_rate")].forecast == (1.0, 0.0, 0.0)
    assert result.overall["base_rate"][0] == 2.0
    assert result.overall["base_rate"][1] == pytest.approx(LN_FLOOR, abs=1e-12)
    # the baselines predict a summit: a deal with probability 1, scored like the model
    for name in ("compromise", "nash", "winset"):
        assert rows[("a", name)].forecast == (1.0, 0.0, 0.0)
        assert result.overall[name] == result.overall["model"]
    assert result.best_baseline() == "compromise"  # ties go to the first


def test_a_summit_held_without_a_deal_is_scored_as_such(tmp_path: Path) -> None:
    cases = load_cases([str(synthetic(tmp_path, {"c": "no_deal"}))])
    assert cases[0].observed == "no_deal"
    result = backtest(cases, trials=100, seed=0)
    model = next(row for row in result.rows if row.predictor == "model")
    # forecast (1, 0, 0) against no_deal: 1 + 1 + 0 = 2
    assert (model.p_observed, model.brier) == (0.0, 2.0)
    # one case: no other case, so no base rate
    assert "base_rate" not in result.overall


def test_base_rate_leaves_the_case_out() -> None:
    assert base_rate(["deal", "deal", "not_held"], 0) == (0.5, 0.0, 0.5)
    assert base_rate(["deal", "deal", "not_held"], 2) == (1.0, 0.0, 0.0)
    assert base_rate(["deal"], 0) is None


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    cases = load_cases([str(ROOT / "scenarios" / "cases" / "anchorage_2025.yaml")])
    first = backtest(cases, trials=400, seed=11).rows[0].forecast
    assert backtest(cases, trials=400, seed=11).rows[0].forecast == first
    assert backtest(cases, trials=400, seed=12).rows[0].forecast != first


def test_command_line_writes_table_figure_and_manifest(tmp_path: Path) -> None:
    cases = synthetic(tmp_path / "cases", {"a": "summit", "b": "cancelled"})
    out = tmp_path / "out"
    done = cli("backtest", str(cases), "--trials", "200", "--seed", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "best baseline by Brier: compromise" in done.stdout
    assert "Brier" in done.stdout and "base_rate" in done.stdout
    with open(out / "backtest.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 5  # two cases, five predictors
    b_model = next(r for r in rows if r["case"] == "b" and r["predictor"] == "model")
    assert (float(b_model["p_observed"]), float(b_model["brier"])) == (0.0, 2.0)
    with open(out / "overall.csv", encoding="utf-8") as handle:
        overall = {r["predictor"]: r for r in csv.DictReader(handle)}
    assert float(overall["model"]["brier"]) == 1.0
    assert (out / "backtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in manifest["scenarios"]] == ["a", "b"]
    assert all(len(s["sha256"]) == 64 for s in manifest["scenarios"])
    assert (manifest["seed"], manifest["trials"], manifest["total_trials"]) == (3, 200, 400)
    assert manifest["trials_per_second"] > 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda tmp: [str(synthetic(tmp, {"x": "summit"}, keep_observed=False) / "x.yaml")],
            "x.yaml: observed: no observed: block, so nothing to score against",
        ),
        (lambda tmp: [str(tmp)], "a folder without case files (*.yaml)"),
        (lambda tmp: [str(tmp / "missing.yaml")], "missing.yaml"),
    ],
    ids=["no observed", "empty folder", "missing file"],
)
def test_bad_input_exits_2_with_one_message_and_writes_nothing(
    tmp_path: Path, make, message: str
) -> None:
    paths = make(tmp_path)
    out = tmp_path / "out"
    done = cli("backtest", *paths, "--trials", "10", "--out", str(out))
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_folder_with_one_file_without_observed_is_refused(tmp_path: Path) -> None:
    synthetic(tmp_path, {"a": "summit"})
    synthetic(tmp_path, {"z": "summit"}, keep_observed=False)
    with pytest.raises(ScenarioError, match="no observed: block"):
        load_cases([str(tmp_path)])
