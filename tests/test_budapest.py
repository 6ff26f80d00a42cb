"""Regression of the reference scenario, the planned Budapest summit of October 2025: the
nominal run must tell what happened (see the dated facts in the scenario's header)."""

import re
from datetime import date
from pathlib import Path

import pytest
from scenario_comments import unexplained, value_blocks

from summitsim.model import SummitModel
from summitsim.scenario import load_scenario
from summitsim.scenario.overrides import with_values

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "v1" / "budapest_2025.yaml"
SCENARIO = load_scenario(FILE)


@pytest.fixture(scope="module")
def nominal() -> SummitModel:
    model = SummitModel(SCENARIO)
    model.run()
    return model


def events_on(model: SummitModel, day: str) -> list[str]:
    return [f"{e.kind}: {e.text}" for e in model.events if e.date == date.fromisoformat(day)]


def test_trump_cancels_after_the_rubio_lavrov_call(nominal):
    outcome = nominal.outcome
    assert (outcome.kind, outcome.side, outcome.framework) == ("cancelled", "us", None)
    call = SCENARIO.contacts[outcome.contact]
    assert call.date == date(2025, 10, 20) and "Rubio-Lavrov phone call" in call.label
    assert outcome.date in (date(2025, 10, 21), date(2025, 10, 22))
    assert outcome.date > call.date
    assert any(
        line.startswith("cancelled: Donald Trump cancels")
        for line in events_on(nominal, outcome.date.isoformat())
    )


def test_sanctions_on_rosneft_and_lukoil_follow_on_23_october(nominal):
    sanctions = [e for e in nominal.events if "Rosneft and Lukoil" in e.text]
    assert [(e.date, e.kind) for e in sanctions] == [(date(2025, 10, 23), "consequence")]


def test_lavrov_is_sidelined(nominal):
    assert nominal.sidelined == ["lavrov"]
    assert any(
        line.startswith("sidelined: Vladimir Putin sidelines Sergey Lavrov")
        for line in events_on(nominal, nominal.outcome.date.isoformat())
    )
    assert any(
        "Lavrov absent" in line and "Security Council" in line
        for line in events_on(nominal, "2025-11-05")
    )
    g20 = [e for e in nominal.events if "Oreshkin" in e.text]
    assert len(g20) == 1 and "G20 delegation" in g20[0].text
    assert g20[0].date > date(2025, 11, 5)


def test_a_softer_moscow_gets_its_summit_on_30_october():
    model = SummitModel(with_values(SCENARIO, {"putin.softness": 0.8}))
    outcome = model.run()
    assert (outcome.kind, outcome.side, outcome.date) == ("summit", None, date(2025, 10, 30))
    assert model.sidelined == []
    assert "consequence: Trump and Putin meet in Budapest" in events_on(model, "2025-10-30")


def test_the_issues_of_the_talks():
    assert len(SCENARIO.issues) >= 4
    assert {"territory", "ceasefire", "security", "sanctions"} <= set(SCENARIO.issue_ids)
    assert all(issue.low and issue.high for issue in SCENARIO.issues)


def test_every_value_of_principals_and_negotiators_says_why():
    text = FILE.read_text(encoding="utf-8")
    assert sum(len(values) for _, values in value_blocks(text)) >= 30
    assert unexplained(text) == []
    # the check sees a block whose reasons are gone: Lavrov's two values
    bare = re.sub(r"(concession: 0\.5|hawkishness: 0\.2) +#.*", r"\1", text)
    assert unexplained(bare) == ["concession: 0.5", "hawkishness: 0.2"]


def test_the_data_collector_has_one_row_per_day_with_events(nominal):
    frame = nominal.datacollector.get_model_vars_dataframe()
    last = nominal.events[-1].date
    assert last == date(2025, 11, 14)
    busy = sorted({event.date for event in nominal.events})
    assert list(frame["date"]) == [day.isoformat() for day in busy]
    assert "2025-10-18" not in list(frame["date"])  # nothing happened that day


def test_trust_falls_for_putin_only(nominal):
    frame = nominal.datacollector.get_model_vars_dataframe().set_index("date")
    assert (frame["trump.trust"] == 1.0).all()
    putin = frame["putin.trust"]
    # 1 - trust_loss (1 + h_lavrov) = 1 - 0.5 * 1.2 = 0.4, from the day of the cancellation
    assert (putin[:"2025-10-20"] == 1.0).all()
    assert putin["2025-10-21":].to_numpy() == pytest.approx(0.4)
    assert [p.trust for p in nominal.principals] == pytest.approx([1.0, 0.4])
