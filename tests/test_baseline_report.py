"""``baselines`` on a scenario: hand-worked frameworks and values beside the model."""

from __future__ import annotations

import pytest
from repository import BUDAPEST_FILE, TEST_SCENARIOS

from summitsim.baseline_report import NO_BASE_RATE, preferences, report
from summitsim.scenario import load_scenario

LOGROLL = load_scenario(TEST_SCENARIOS / "logroll.yaml")
BUDAPEST = load_scenario(BUDAPEST_FILE)


@pytest.fixture(scope="module")
def logroll():
    return {row["name"]: row for row in report(LOGROLL, 500, 0)["baselines"]}


def test_the_logroll_nash_point_is_0_1_worth_0_8_to_each(logroll):
    nash = logroll["nash"]
    assert nash["framework"] == pytest.approx({"territory": 0.0, "sanctions": 1.0})
    assert nash["utilities"] == pytest.approx({"trump": 0.8, "putin": 0.8})
    assert nash["accepted"] == {"trump": True, "putin": True}
    assert nash["predicts"] == "summit"


def test_the_logroll_compromise_is_the_salience_weighted_mean(logroll):
    # territory (0.8 * 0 + 0.2 * 1) / 1 = 0.2; sanctions (0.2 * 0 + 0.8 * 1) / 1 = 0.8
    compromise = logroll["compromise"]
    assert compromise["framework"] == pytest.approx({"territory": 0.2, "sanctions": 0.8})
    # 1 - 0.8 * 0.2 - 0.2 * 0.8 = 0.68 to each
    assert compromise["utilities"] == pytest.approx({"trump": 0.68, "putin": 0.68})


def test_the_win_set_rule_uses_the_negotiators_floors():
    # Budapest: Lavrov's hawkishness 0.2 on Putin's reservation 0.4: 0.4 + 0.2 * 0.6 = 0.52
    found = preferences(BUDAPEST)
    assert found.floors.tolist() == pytest.approx([0.45, 0.52])
    winset = next(row for row in report(BUDAPEST, 200, 0)["baselines"] if row["name"] == "winset")
    assert winset["utilities"]["putin"] >= 0.52 - 1e-9
    assert winset["utilities"]["trump"] >= 0.45 - 1e-9


def test_the_model_and_the_honest_base_rate_sit_beside_the_baselines():
    found = report(BUDAPEST, 2000, 0)
    assert found["base_rate"] == {"value": None, "note": NO_BASE_RATE}
    model = found["model"]
    assert (model["nominal_outcome"], model["nominal_by"]) == ("cancelled", "us")
    low, high = model["p_summit_ci95"]
    assert low < model["p_summit"] < high
    assert model["p_held"] == model["p_summit"]  # schema 1: a held summit is a deal


def test_a_schema_2_case_gets_its_nominal_outcome_from_the_schema_2_protocol():
    """Anchorage 2025 is held and its deal vetoed at the summit in the nominal run: the
    report's nominal outcome is the kernel's, which agrees with the Mesa model's."""
    from summitsim.model import SummitModel

    case = load_scenario("scenarios/cases/anchorage_2025.yaml")
    model = SummitModel(case)
    model.run()
    found = report(case, 500, 0)["model"]
    assert found["nominal_outcome"] == model.outcome.kind
    assert 0.0 <= found["p_summit"] <= found["p_held"] <= 1.0
