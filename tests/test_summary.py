"""A sweep's summary of schema 2's outcomes: P(held) with its Wilson interval and the share
of summits held without a deal, from hand-written counts."""

import numpy as np
import pytest

from summitsim.outcomes import COUNT_COLUMNS, Count
from summitsim.scenario import load_scenario
from summitsim.summary import summarise
from summitsim.sweep import Grid, SweepPlan, SweepResult


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("scenarios/v1/budapest_2025.yaml")


def result_of(scenario, rows: list[dict[Count, int]], trials: int = 10) -> SweepResult:
    grid = Grid.parse(scenario, [f"putin.softness=0:1:{len(rows)}"])
    counts = np.zeros((len(rows), len(COUNT_COLUMNS)), dtype=np.int64)
    for i, row in enumerate(rows):
        for column, value in row.items():
            counts[i, column] = value
    return SweepResult(SweepPlan(scenario, grid, trials, seed=1), counts, 1.0, "threads")


# 10 trials per point. Point 0: 2 summits, 3 held without a deal, 5 deadlines: held = 5.
# Point 1: no summit, 10 deadlines: held = 0.
ROWS = [
    {Count.SUMMIT: 2, Count.NO_DEAL: 3, Count.DEADLINE: 5, Count.HELD: 5},
    {Count.DEADLINE: 10},
]


def test_held_and_no_deal_columns_come_after_the_schema_1_columns(scenario):
    summary = summarise(result_of(scenario, ROWS))
    assert summary.columns[-4:] == ["p_held", "p_held_ci_low", "p_held_ci_high", "p_no_deal"]
    assert summary.columns[:6] == [
        "putin.softness",
        "trials",
        "summits",
        "p_summit",
        "ci_low",
        "ci_high",
    ]


def test_p_held_has_its_wilson_interval(scenario):
    summary = summarise(result_of(scenario, ROWS))
    # 5 of 10, z = 1.959964: centre 0.5, half-width z sqrt(0.025 + z^2/400) / (1 + z^2/10)
    # = 1.959964 * 0.186020 / 1.384146 = 0.263407
    np.testing.assert_allclose(summary.column("p_held"), [0.5, 0.0])
    np.testing.assert_allclose(summary.column("p_held_ci_low"), [0.236593, 0.0], atol=1e-6)
    # 0 of 10: the upper bound is (z^2/10) / (1 + z^2/10) = 0.384146 / 1.384146 = 0.277533
    np.testing.assert_allclose(summary.column("p_held_ci_high"), [0.763407, 0.277533], atol=1e-6)
    np.testing.assert_allclose(summary.column("p_no_deal"), [0.3, 0.0])
    np.testing.assert_allclose(summary.column("p_summit"), [0.2, 0.0])


def test_held_differs_from_summit_only_when_some_summit_is_held_without_a_deal(scenario):
    assert summarise(result_of(scenario, ROWS)).held_differs()
    same = [{Count.SUMMIT: 4, Count.HELD: 4, Count.DEADLINE: 6}, {Count.DEADLINE: 10}]
    assert not summarise(result_of(scenario, same)).held_differs()


def test_the_printed_table_shows_p_held_beside_p_summit_only_where_they_differ(scenario, capsys):
    from pathlib import Path

    from summitsim.cli.sweep import print_summary

    differs = result_of(scenario, ROWS)
    print_summary(differs, summarise(differs), Path("out"))
    lines = capsys.readouterr().out.splitlines()
    header = ["putin.softness", "P(summit)", "95%", "interval", "P(held)", "95%", "interval"]
    assert lines[1].split() == header
    assert lines[2].split() == [
        "0",
        "0.2000",
        "[0.0567,",
        "0.5098]",
        "0.5000",
        "[0.2366,",
        "0.7634]",
    ]
    same_rows = [{Count.SUMMIT: 4, Count.HELD: 4, Count.DEADLINE: 6}, {Count.DEADLINE: 10}]
    same = result_of(scenario, same_rows)
    print_summary(same, summarise(same), Path("out"))
    lines = capsys.readouterr().out.splitlines()
    assert "P(held)" not in lines[1]
    assert lines[2].split() == ["0", "0.4000", "[0.1682,", "0.6873]"]


def test_a_schema_2_sweep_on_the_command_line(tmp_path, capsys, monkeypatch):
    # tests/scenarios/no_deal.yaml has no noise: each principal meets without a deal iff
    # the other side's last offer, worth 0.3, is at least its meets_without_deal; then the
    # summit is held without an agreement in every trial, else no framework by the date.
    import csv
    import json
    from pathlib import Path

    from summitsim.cli import main

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    scenario = "tests/scenarios/no_deal.yaml"
    grid = "pa.meets_without_deal=0:0.5:3"
    args = ["sweep", scenario, "--over", grid, "--trials", "200", "--out", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    header = ["pa.meets_without_deal", "P(summit)", "95%", "interval", "P(held)", "95%"]
    assert out[1].split() == [*header, "interval"]
    # 200 of 200: the Wilson lower bound is 1 / (1 + z^2/200) = 200 / 203.841459 = 0.981155
    assert out[2].split()[-3:] == ["1.0000", "[0.9812,", "1.0000]"]
    assert out[4].split()[-3:] == ["0.0000", "[0.0000,", "0.0188]"]
    with open(tmp_path / "summary.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["p_held"] for row in rows] == ["1.0", "1.0", "0.0"]
    assert [row["p_no_deal"] for row in rows] == ["1.0", "1.0", "0.0"]
    assert [row["p_deadline"] for row in rows] == ["0.0", "0.0", "1.0"]
    assert float(rows[0]["p_held_ci_low"]) == pytest.approx(200 / 203.841459, abs=1e-6)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["tipping_point"] is None  # P(summit)'s: 0 everywhere
    assert manifest["tipping_point_note"] == "P(summit) does not cross 0.5 over the grid"
