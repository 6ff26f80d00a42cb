"""Schema 1 outputs stay identical to the bit: ``run --json``, the timeline and sweep
summaries of every shipped and test scenario, against the files written by
``tests/golden/regenerate.py`` from the code before schema 2 (see its docstring)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest

from summitsim.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_spec = importlib.util.spec_from_file_location(
    "golden_regenerate", HERE / "golden" / "regenerate.py"
)
assert _spec is not None and _spec.loader is not None
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


def _stdout(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


RUN_CASES = [(scenario, variant) for scenario in golden.SCENARIOS for variant in golden.RUNS]


@pytest.mark.parametrize(
    ("scenario", "variant"), RUN_CASES, ids=[f"{golden.slug(s)}{''.join(v)}" for s, v in RUN_CASES]
)
def test_run_is_unchanged(
    scenario: str,
    variant: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = golden.slug(scenario) + "".join(f"_{part.lstrip('-')}" for part in variant)
    expected_json = (HERE / "golden" / "runs" / f"{name}.json").read_text()
    expected_text = (HERE / "golden" / "runs" / f"{name}.txt").read_text()
    got_json = json.loads(_stdout(capsys, monkeypatch, "run", scenario, "--json", *variant))
    want_json = json.loads(expected_json)
    # schema 2 may add keys (held, blamed); every key schema 1 wrote keeps its value exactly
    assert {key: got_json[key] for key in want_json} == want_json
    assert _stdout(capsys, monkeypatch, "run", scenario, *variant) == expected_text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "scenario", "args"), golden.SWEEPS, ids=[sweep[0] for sweep in golden.SWEEPS]
)
def test_sweep_summary_is_unchanged(
    name: str,
    scenario: str,
    args: tuple[str, ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stdout(capsys, monkeypatch, "sweep", scenario, *args, "--out", str(tmp_path), "--quiet")
    want = list(
        csv.DictReader(io.StringIO((HERE / "golden" / "sweeps" / f"{name}.csv").read_text()))
    )
    got = list(csv.DictReader(io.StringIO((tmp_path / "summary.csv").read_text())))
    assert len(got) == len(want)
    # new columns may be added; every column schema 1 wrote keeps its text exactly
    assert [{key: row[key] for key in old} for row, old in zip(got, want)] == want
