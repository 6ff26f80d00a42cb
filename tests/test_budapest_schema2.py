"""Regression of the schema 2 Budapest scenario (``scenarios/budapest_2025.yaml``): its
nominal run tells the collapse of October 2025, and what the model says of Lavrov's
sidelining under pivotal blame is pinned down, whichever way it goes. The version 1 file
keeps its own regression tests in ``test_budapest.py``."""

import json
import re
from datetime import date

import pytest
from commands import summitsim
from repository import ROOT
from scenario_comments import unexplained, value_blocks
from sizes import trials as scaled

from summitsim.model import SummitModel
from summitsim.scenario import load_scenario
from summitsim.scenario.overrides import with_values
from summitsim.sweep import Grid, SweepPlan, run_sweep

FILE = ROOT / "scenarios" / "budapest_2025.yaml"
TYPED = "scenarios/budapest_2025.yaml"
SCENARIO = load_scenario(FILE)


@pytest.fixture(scope="module")
def nominal() -> SummitModel:
    model = SummitModel(SCENARIO)
    model.run()
    return model


def events_on(model: SummitModel, day: str) -> list[str]:
    return [f"{e.kind}: {e.text}" for e in model.events if e.date == date.fromisoformat(day)]


def test_it_is_a_schema_2_file_with_the_tools_the_record_calls_for():
    assert SCENARIO.schema_version == 2
    assert (SCENARIO.clock, SCENARIO.noise_model) == ("calendar", "perception")
    prep = SCENARIO.contacts[2]
    assert (prep.id, prep.date, prep.held) == ("budapest_prep", date(2025, 10, 23), 0.5)
    us, russia = SCENARIO.sides
    assert [a.id for a in us.approvers] == ["kyiv"]
    assert russia.principal.mandate == 0.485
    assert {side.principal.blame for side in SCENARIO.sides} == {"pivotal"}
    observed = SCENARIO.observed
    assert (observed.outcome, observed.by, observed.sidelined) == ("cancelled", "us", ["lavrov"])
    assert observed.window == (date(2025, 10, 21), date(2025, 10, 22))


def test_trump_cancels_on_21_october_after_the_rubio_lavrov_call(nominal):
    outcome = nominal.outcome
    assert (outcome.kind, outcome.side, outcome.framework) == ("cancelled", "us", None)
    call = SCENARIO.contacts[outcome.contact]
    assert call.date == date(2025, 10, 20) and "Rubio-Lavrov phone call" in call.label
    assert outcome.date == date(2025, 10, 21)
    assert any(
        line.startswith("cancelled: Donald Trump cancels")
        for line in events_on(nominal, "2025-10-21")
    )


def test_lavrovs_offer_of_20_october_is_worth_what_the_comments_work_out():
    """By hand: 4 of 14 days elapsed, Boulware 0.5, softness 0.05: alpha = 0.05 + 0.95
    (4/14)^2; Lavrov's floor 0.485 + 0.2 (1 - 0.485) = 0.588; the trade-off gives up the
    ceasefire first (Trump's 0.45 over Putin's 0.15), so Trump gains 3 per unit of budget
    alpha (1 - floor), from 0.185 at Putin's ideal."""
    out = summitsim("run", TYPED)
    out.assert_clean()
    alpha = 0.05 + 0.95 * (4 / 14) ** 2
    worth = 0.185 + 3 * alpha * (1 - (0.485 + 0.2 * (1 - 0.485)))
    assert worth == pytest.approx(0.342653, abs=1e-6)
    assert (
        f"Sergey Lavrov (russia) offers Territory 1.00, Ceasefire sequencing "
        f"{1 - alpha * 0.412 / 0.15:.2f}, Security and 'root causes' 1.00, Sanctions 1.00; "
        f"worth {worth:.3f} to Donald Trump" in out.out
    )
    assert f"the other side's offer is worth {worth:.3f}, below its patience 0.500" in out.out
    assert out.out.rstrip().endswith("Outcome: cancelled by us on 2025-10-21 (contact 2 of 3)")


def test_sanctions_on_rosneft_and_lukoil_follow_on_23_october(nominal):
    sanctions = [e for e in nominal.events if "Rosneft and Lukoil" in e.text]
    assert [(e.date, e.kind) for e in sanctions] == [(date(2025, 10, 23), "consequence")]


def test_under_pivotal_blame_the_model_does_not_sideline_lavrov(nominal):
    """What the model says, not what happened: a faithful Lavrov (hawkishness 0, the same
    mandate) would still have been turned down on 21 October, so Putin does not blame him
    and the observed sidelining is not reproduced."""
    assert nominal.sidelined == []
    assert [p.trust for p in nominal.principals] == [1.0, 1.0]
    assert (
        "blame: Vladimir Putin does not blame Sergey Lavrov: the talks would have failed even "
        "with a faithful negotiator (hawkishness 0): cancelled by us"
    ) in events_on(nominal, "2025-10-21")
    assert not [e for e in nominal.events if "Oreshkin" in e.text or "Security Council" in e.text]
    faithful = SummitModel(with_values(SCENARIO, {"lavrov.hawkishness": 0.0}))
    assert (faithful.run().kind, faithful.outcome.date) == ("cancelled", date(2025, 10, 21))


def test_run_json_says_not_held_and_nobody_blamed():
    out = summitsim("run", TYPED, "--json")
    out.assert_clean()
    account = json.loads(out.out)
    assert (account["outcome"], account["by"], account["date"]) == ("cancelled", "us", "2025-10-21")
    assert (account["held"], account["blamed"], account["sidelined"]) == (False, [], [])


def test_a_softer_moscow_meets_kyivs_veto_on_territory():
    """At softness 0.8 the sides agree Rubio's offer of 20 October, which cedes all of the
    territory: worth 1 - 1.0 = 0 to Kyiv, below its reservation 0.7."""
    model = SummitModel(with_values(SCENARIO, {"putin.softness": 0.8}))
    outcome = model.run()
    assert (outcome.kind, outcome.side, outcome.date) == ("vetoed", "us", date(2025, 10, 21))
    assert outcome.framework["territory"] == pytest.approx(1.0)
    assert (
        "vetoed: Volodymyr Zelensky (Ukraine) rejects the framework (worth 0.000, below its "
        "reservation 0.700)"
    ) in events_on(model, "2025-10-21")


def test_the_monte_carlo_collapse_is_a_us_cancellation_and_never_a_summit():
    trials = scaled(20_000)
    counts = run_sweep(SweepPlan(SCENARIO, Grid((), ()), trials, 0), progress=False).counts[0]
    summits, cancelled_by_us, held = counts[0], counts[1], counts[9]
    assert summits == held == 0
    assert cancelled_by_us / trials > 0.5


def test_every_value_says_why():
    text = FILE.read_text(encoding="utf-8")
    assert sum(len(values) for _, values in value_blocks(text)) >= 40
    assert unexplained(text) == []
    top = text[: text.index("\nissues:\n")]
    numbers = [line for line in top.splitlines() if re.match(r"^(?!schema:)\w+: \d", line)]
    assert len(numbers) == 3 and all("#" in line for line in numbers)  # start, summit, noise
    contacts = text[text.index("\ncontacts:\n") : text.index("\nconsequences:\n")]
    assert all("#" in line for line in contacts.splitlines() if "held:" in line)
    uncertainty = text[text.index("\nuncertainty:\n") + 14 : text.index("\nobserved:\n")]
    assert all("#" in line for line in uncertainty.splitlines() if ": {" in line)
