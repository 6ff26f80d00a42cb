"""The Mesa model's schema 2 events (design-schema2.md sections 1-8), worked by hand.

The toy talks have one issue x in [0, 1]: side a wants 0, side b wants 1 (salience 1
each), so u_a(x) = 1 - x and u_b(x) = x; an offer worth tau to its author is x = 1 - tau
from a and x = tau from b. Unless a test says otherwise: reservation 0.2, softness 0,
patience 0, concession 1, hawkishness 0, no noise; contacts on 2, 5 and 8 March; start
1 March, summit 10 March; a moves first. On the contacts clock the targets are 1, 0.6, 0.2
(alpha = t / 2, f = 0.2).

The toy is a schema 2 file with part 1's rules written out (contacts clock, judgement
noise, segment offers, blame always), so that each test changes exactly the field it is
about.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import yaml

from summitsim import arrays, draws
from summitsim.model import SummitModel
from summitsim.scenario import Scenario, parse_scenario
from summitsim.timeline import account_json, account_text

TOY = """
schema: 2
name: toy
title: Toy talks
start: 2025-03-01
summit: 2025-03-10
first_mover: a
clock: contacts
noise_model: judgement
issues:
  - {id: x}
sides:
  - id: a
    principal: {id: pa, name: Pa, ideal: {x: 0.0}, salience: {x: 1}, reservation: 0.2,
                blame: always}
    negotiator: {id: na, name: Na, tactic: segment}
  - id: b
    principal: {id: pb, name: Pb, ideal: {x: 1.0}, salience: {x: 1}, reservation: 0.2,
                blame: always}
    negotiator: {id: nb, name: Nb, tactic: segment}
contacts:
  - {date: 2025-03-02, label: first}
  - {date: 2025-03-05, label: second}
  - {date: 2025-03-08, label: third}
"""
ROLES = {"pa": (0, "principal"), "na": (0, "negotiator"), "pb": (1, "principal")}
ROLES |= {"nb": (1, "negotiator")}


def toy_text(changes: dict[str, object] | None = None, text: str = TOY, **top: object) -> str:
    """The toy file with ``ACTOR.FIELD`` changes and top-level ones, as YAML."""
    data = yaml.safe_load(text) | top
    for key, value in (changes or {}).items():
        actor, _, name = key.partition(".")
        side, role = ROLES[actor]
        data["sides"][side][role][name] = value
    return yaml.safe_dump(data, sort_keys=False)


def toy(changes: dict[str, object] | None = None, text: str = TOY, **top: object) -> Scenario:
    return parse_scenario(toy_text(changes, text, **top), "toy.yaml")


def kinds(model: SummitModel, kind: str) -> list[tuple[str, str]]:
    return [(e.date.isoformat(), e.text) for e in model.events if e.kind == kind]


def offers(model: SummitModel, side: str) -> list[float]:
    return [
        round(record.offers[side][0], 12) for record in model.contacts_held if side in record.offers
    ]


def test_a_contact_not_held_is_narrated_and_the_contacts_clock_skips_it():
    # the second contact is not held: two held contacts, targets 1 then 0.2; at the third
    # a offers x = 0.8 (worth 0.2 to a, 0.8 to b), which b accepts: summit, framework 0.8
    scenario = toy()
    model = SummitModel(
        scenario,
        params=arrays.nominal_inputs(arrays.compile_scenario(scenario))[0],
        noise=np.zeros((3, 6)),
        held=np.array([True, False, True]),
    )
    outcome = model.run()
    assert kinds(model, "not held") == [("2025-03-05", "second: not held")]
    assert offers(model, "a") == [0.0, 0.8]
    assert (outcome.kind, outcome.contact, outcome.framework, outcome.held) == (
        "summit",
        2,
        {"x": pytest.approx(0.8, abs=1e-12)},
        True,
    )


def test_the_calendar_clock_concedes_by_date():
    # 9 days from start to summit; contacts on days 1, 4, 7: e = 1/9, 4/9, 7/9 and
    # tau = 1 - 0.8 e = 0.91111, 0.64444, 0.37778. At the third a offers 0.62222, worth
    # 0.62222 >= 0.37778 to b: summit on a framework the contacts clock would put at 0.8.
    model = SummitModel(toy(clock="calendar"))
    outcome = model.run()
    assert offers(model, "a") == pytest.approx([0.8 / 9, 3.2 / 9, 5.6 / 9], abs=1e-12)
    assert offers(model, "b") == pytest.approx([1 - 0.8 / 9, 1 - 3.2 / 9], abs=1e-12)
    assert outcome.framework == {"x": pytest.approx(5.6 / 9, abs=1e-12)}
    assert "worth 0.378 to Pa, 0.622 to Pb (target 0.378)" in kinds(model, "offer")[-1][1]


def test_a_mandate_below_the_reservation_gets_vetoed_by_its_own_principal():
    # Pa's true reservation 0.3, its mandate to Na 0.1: Na's floor 0.1, targets 1, 0.55,
    # 0.1. Nb at hawkishness 0.75 has floor 0.8 and counters 1, then 0.9. At the third Na
    # offers x = 0.9 (worth 0.1 to Pa), which Nb accepts; Pa vetoes it (0.1 < 0.3)
    model = SummitModel(toy({"pa.reservation": 0.3, "pa.mandate": 0.1, "nb.hawkishness": 0.75}))
    outcome = model.run()
    assert offers(model, "a") == pytest.approx([0.0, 0.45, 0.9], abs=1e-12)
    assert (outcome.kind, outcome.side, outcome.who, outcome.held) == ("vetoed", "a", "pa", False)
    assert kinds(model, "vetoed") == [
        ("2025-03-09", "Pa vetoes the framework (worth 0.100, below the value of no summit 0.300)")
    ]
    assert account_json(model)["who"] == "pa"


def test_an_approver_rejects_the_framework():
    # the nominal toy agrees at the third contact on Na's offer toward Nb's 0.6: x = 0.6,
    # worth 0.6 to the Rada (ideal 1), below its reservation 0.85: both principals
    # approve, then the Rada vetoes for side b
    data = yaml.safe_load(toy_text())
    rada = {"id": "rada", "name": "the Verkhovna Rada", "ideal": {"x": 1}, "salience": {"x": 1}}
    data["sides"][1]["approvers"] = [rada | {"reservation": 0.85}]
    text = yaml.safe_dump(data)
    model = SummitModel(toy(text=text))
    outcome = model.run()
    assert (outcome.kind, outcome.side, outcome.who, outcome.date.isoformat()) == (
        "vetoed",
        "b",
        "rada",
        "2025-03-09",
    )
    assert [text for _, text in kinds(model, "approved")] == [
        "Pa approves the framework (worth 0.400)",
        "Pb approves the framework (worth 0.600)",
    ]
    assert kinds(model, "vetoed") == [
        (
            "2025-03-09",
            "the Verkhovna Rada rejects the framework (worth 0.600, below its reservation 0.850)",
        )
    ]


NO_ZOPA = {"pa.reservation": 0.7, "pb.reservation": 0.7}
MEET = {"pa.meets_without_deal": 0.2, "pb.meets_without_deal": 0.2}
PIVOTAL = {"pa.blame": "pivotal", "pb.blame": "pivotal"}


def test_a_summit_is_held_without_a_deal():
    # reservations 0.7: a needs x <= 0.3, b x >= 0.7. The talks end with a at 0.3, b at
    # 0.7, each worth 0.3 to the other. Both meet without a deal (0.3 >= 0.2); in person
    # Pa offers 0.3, Pb counters 0.7, neither reaches 0.7: held, no deal, on 10 March.
    model = SummitModel(toy(NO_ZOPA | MEET))
    outcome = model.run()
    assert (outcome.kind, outcome.held, outcome.date.isoformat(), outcome.contact) == (
        "no_deal",
        True,
        "2025-03-10",
        3,
    )
    assert [text for _, text in kinds(model, "meeting")] == [
        "Pa attends the summit without a deal (the other side's offer is worth 0.300, "
        "at least 0.200)",
        "Pb attends the summit without a deal (the other side's offer is worth 0.300, "
        "at least 0.200)",
    ]
    assert [text for _, text in kinds(model, "offer")][-2:] == [
        "Pa (a) offers x 0.30; worth 0.700 to Pa, 0.300 to Pb (target 0.700)",
        "Pb (b) offers x 0.70; worth 0.300 to Pa, 0.700 to Pb (target 0.700)",
    ]
    assert kinds(model, "no_deal") == [
        ("2025-03-10", "Summit held without an agreement: Toy talks")
    ]
    text = account_text(model)
    assert "Pa and Pb meet in person without an agreed framework" in text
    assert text.endswith("Outcome: no_deal on 2025-03-10 (in person at the summit)")
    assert account_json(model)["held"] is True


def test_a_principal_that_will_not_meet_without_a_deal_postpones_the_summit():
    # Pb would meet only over an offer worth 0.5; a's 0.3 is worth 0.3 to it: deadline
    model = SummitModel(toy(NO_ZOPA | MEET | {"pb.meets_without_deal": 0.5}))
    outcome = model.run()
    assert (outcome.kind, outcome.held, outcome.contact) == ("deadline", False, 2)
    assert kinds(model, "meeting")[-1] == (
        "2025-03-10",
        "Pb does not attend a summit without a deal: the other side's offer is worth 0.300, "
        "below 0.500",
    )


def test_a_deal_made_in_person_at_the_summit():
    # Na at hawkishness 1 has floor 1 and offers 0 throughout; Nb concedes to 0.2. In
    # person (h = 0, floor 0.2) Pa offers toward Nb's 0.2: x = 0.2, worth 0.2 >= 0.2 to Pb
    changes = {"na.hawkishness": 1.0, "pa.meets_without_deal": 0.5, "pb.meets_without_deal": 0.0}
    model = SummitModel(toy(changes))
    outcome = model.run()
    assert (outcome.kind, outcome.held, outcome.contact) == ("summit", True, 3)
    assert outcome.framework == {"x": pytest.approx(0.2, abs=1e-12)}
    assert kinds(model, "accepted")[-1] == ("2025-03-10", "Pb accepts the offer of Pa in person")


def test_pivotal_blame_blames_a_negotiator_whose_hawkishness_decided():
    # Na at hawkishness 1 holds out: deadline. With h = 0 Na offers 0.8 at the third
    # contact and Nb accepts: a summit, so Pa blames Na: trust 1 - 0.3 (1 + 1) = 0.4 < 0.5
    scenario = toy(
        PIVOTAL | {"na.hawkishness": 1.0, "pa.trust_loss": 0.3, "pa.sideline_below": 0.5}
    )
    model = SummitModel(scenario)
    assert model.run().kind == "deadline"
    assert kinds(model, "blame") == [
        (
            "2025-03-10",
            "Pa blames Na: with a faithful negotiator (hawkishness 0) the same talks would "
            "have ended in a summit",
        ),
        (
            "2025-03-10",
            "Pb does not blame Nb: the talks would have failed even with a faithful "
            "negotiator (hawkishness 0): deadline",
        ),
    ]
    assert (model.sidelined, model.blamed) == (["na"], ["na"])
    assert account_json(model)["blamed"] == ["na"]


def test_pivotal_blame_spares_a_negotiator_whose_talks_would_have_failed_anyway():
    # no zone of agreement: with Na at h = 0.5 or 0 the talks end in a deadline
    scenario = toy(NO_ZOPA | {"pa.blame": "pivotal", "na.hawkishness": 0.5, "pa.trust_loss": 0.3})
    model = SummitModel(scenario)
    assert model.run().kind == "deadline"
    assert kinds(model, "blame") == [
        (
            "2025-03-10",
            "Pa does not blame Na: the talks would have failed even with a faithful "
            "negotiator (hawkishness 0): deadline",
        )
    ]
    assert (model.sidelined, model.blamed, model.principals[0].trust) == ([], [], 1.0)


def test_reciprocity_makes_one_sides_concession_move_the_others_offer():
    # Nb Boulware (beta 0.5): alone its target at the second contact is 1 - 0.25 * 0.8 =
    # 0.8. With rho = 1 it gives back what Na just conceded to it: u_b(0.4) - u_b(0) = 0.4,
    # so its target is min(0.8, 1 - 0.4) = 0.6 and it counters with x = 0.6, not 0.8
    alone = SummitModel(toy({"nb.concession": 0.5}))
    alone.run()
    model = SummitModel(toy({"nb.concession": 0.5, "nb.reciprocity": 1.0}))
    model.run()
    assert offers(alone, "b") == pytest.approx([1.0, 0.8], abs=1e-12)
    assert offers(model, "b") == pytest.approx([1.0, 0.6], abs=1e-12)
    assert [record.targets["b"] for record in model.contacts_held] == pytest.approx(
        [1.0, 0.6, 0.2], abs=1e-12
    )


LOGROLL = """
schema: 2
name: logroll
clock: contacts  # tactic: tradeoff, the schema 2 default
start: 2025-03-01
summit: 2025-03-10
first_mover: a
issues: [{id: p}, {id: q}]
sides:
  - id: a
    principal: {id: pa, ideal: {p: 0, q: 0}, salience: {p: 0.8, q: 0.2}, reservation: 0.2}
  - id: b
    principal: {id: pb, ideal: {p: 1, q: 1}, salience: {p: 0.2, q: 0.8}, reservation: 0.2}
contacts: [{date: 2025-03-02}, {date: 2025-03-03}, {date: 2025-03-04},
           {date: 2025-03-05}, {date: 2025-03-06}, {date: 2025-03-07}]
"""


def test_tradeoff_offers_logroll():
    # targets 1 - 0.16 t. a concedes q first (v/w = 4), costing 0.2 whole: at t = 1 the
    # budget 0.16 moves q to 0.8 (worth 0.64 to b < 0.84); at t = 2 the budget 0.32 gives
    # q whole and p 0.12 / 0.8 = 0.15: (0.15, 1), worth 0.68 to a and 0.83 to b >= 0.68.
    # b mirrors a: at t = 1 it concedes p first, to 1 - 0.16 / 0.2 = 0.2: (0.2, 1)
    model = SummitModel(parse_scenario(LOGROLL, "logroll.yaml"))
    outcome = model.run()
    assert (outcome.kind, outcome.contact) == ("summit", 2)
    assert outcome.framework == pytest.approx({"p": 0.15, "q": 1.0}, abs=1e-12)
    np.testing.assert_allclose(model.contacts_held[1].offers["a"], [0.0, 0.8], atol=1e-12)
    np.testing.assert_allclose(model.contacts_held[1].offers["b"], [0.2, 1.0], atol=1e-12)
    assert model.contacts_held[2].values["a"] == pytest.approx({"pa": 0.68, "pb": 0.83})


def test_perception_noise_never_vetoes_its_own_negotiators_offer():
    # one contact (target = floor 0.2 for both): Na offers 0.8, Nb accepts. Approval noise
    # of -5 sd (sd 0.1) vetoes under judgement noise; under perception Pa judges its own
    # side's offer without error and Pb reuses Nb's reading (0): both approve
    noise = np.zeros((1, draws.NOISE_SLOTS))
    noise[0, draws.APPROVAL] = noise[0, draws.APPROVAL + 1] = -5.0
    outcomes = {}
    for model_name in ("judgement", "perception"):
        one = yaml.safe_load(toy_text(noise=0.1, noise_model=model_name))
        one["contacts"] = one["contacts"][:1]
        scenario = parse_scenario(yaml.safe_dump(one), "one.yaml")
        params = arrays.compile_scenario(scenario).nominal
        outcomes[model_name] = SummitModel(scenario, params=params, noise=noise)
        outcomes[model_name].run()
    judged, perceived = outcomes["judgement"], outcomes["perception"]
    assert (judged.outcome.kind, judged.outcome.side) == ("vetoed", "a")
    assert perceived.outcome.kind == "summit"
    assert math.isclose(perceived.outcome.framework["x"], 0.8, abs_tol=1e-12)


def consequences(changes: dict[str, object], *whens: str) -> Scenario:
    """The toy with ``changes`` and one consequence per ``when``, its text the ``when``."""
    return toy(changes, consequences=[{"when": w, "after_days": 0, "text": w} for w in whens])


WHENS = ("summit", "no_deal", "held", "collapse", "failure", "deadline")


def fired(model: SummitModel) -> list[str]:
    return [text for _, text in kinds(model, "consequence")]


def test_consequences_when_held_collapse_failure_and_no_deal():
    # a summit is held and no failure; a held summit without a deal is held and a
    # failure, not a collapse; a postponed summit is a collapse and a failure
    summit = SummitModel(consequences({}, *WHENS))
    summit.run()
    assert fired(summit) == ["summit", "held"]
    no_deal = SummitModel(consequences(NO_ZOPA | MEET, *WHENS))
    no_deal.run()
    assert fired(no_deal) == ["no_deal", "held", "failure"]
    postponed = SummitModel(consequences(NO_ZOPA | MEET | {"pb.meets_without_deal": 0.9}, *WHENS))
    postponed.run()
    assert fired(postponed) == ["collapse", "failure", "deadline"]


def test_schema_1_run_json_says_whether_the_summit_was_held(capsys, monkeypatch, tmp_path):
    # the command line as a user types it: the nominal toy ends in a summit (held), the
    # toy without a zone of agreement in a deadline (not held); who is null, nobody blamed
    from summitsim.cli import main

    schema_1 = yaml.safe_load(TOY) | {"schema": 1}
    del schema_1["clock"], schema_1["noise_model"]
    for side in schema_1["sides"]:
        del side["principal"]["blame"], side["negotiator"]["tactic"]
    schema_1 = yaml.safe_dump(schema_1)
    for changes, held in (({}, True), (NO_ZOPA, False)):
        path = tmp_path / "toy.yaml"
        path.write_text(toy_text(changes, schema_1))
        assert main(["run", str(path), "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        assert (got["held"], got["who"], got["blamed"]) == (held, None, [])
