"""The rules of the Mesa model (design.md section 2) in small scenarios worked by hand.

The toy talks have one issue x in [0, 1]: side a wants 0, side b wants 1 (salience 1 each),
so u_a(x) = 1 - x and u_b(x) = x, and an offer worth tau to its author is x = 1 - tau from
a and x = tau from b (when the point proposed toward is at least that far). Unless a test
says otherwise: reservation 0.2, softness 0, patience 0, concession 1, hawkishness 0; three
contacts on 2 March (t = 0), 5 March (t = 1) and 8 March (t = 2); summit on 10 March;
first mover a. Targets tau(t) = 1 - alpha(t) (1 - f) with alpha = t / 2, f = 0.2:
tau = 1, 0.6, 0.2.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import yaml

from summitsim import rules
from summitsim.arrays import compile_scenario
from summitsim.draws import APPROVAL
from summitsim.model import SummitModel
from summitsim.scenario import Scenario, parse_scenario

TOY = """
schema: 1
name: toy
title: Toy talks
start: 2025-03-01
summit: 2025-03-10
first_mover: a
noise: 0.1
issues:
  - {id: x, low: "a's way", high: "b's way"}
sides:
  - id: a
    principal: {id: pa, ideal: {x: 0.0}, salience: {x: 1}, reservation: 0.2}
    negotiator: {id: na}
  - id: b
    principal: {id: pb, ideal: {x: 1.0}, salience: {x: 1}, reservation: 0.2}
    negotiator: {id: nb}
contacts:
  - {date: 2025-03-02, label: first}
  - {date: 2025-03-05, label: second}
  - {date: 2025-03-08, label: third}
"""

#: where the fields of each actor of the toy live
ACTORS = {
    "pa": (0, "principal"),
    "na": (0, "negotiator"),
    "pb": (1, "principal"),
    "nb": (1, "negotiator"),
}
#: a scenario that both principals would veto at t = 2 (noise on A's and B's approval)
BOTH_VETO = {2: {APPROVAL: -5.0, APPROVAL + 1: -5.0}}


def toy(changes: dict[str, object] | None = None, **top: object) -> Scenario:
    """The toy scenario with ``ACTOR.FIELD`` changes (``ACTOR: None`` removes a negotiator)
    and top-level ones, written out as YAML and loaded like any file."""
    data = yaml.safe_load(TOY) | top
    for key, value in (changes or {}).items():
        actor, _, name = key.partition(".")
        side, role = ACTORS[actor]
        if name:
            data["sides"][side][role][name] = value
        else:
            del data["sides"][side][role]
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "toy.yaml")


def build(scenario: Scenario, noise: dict[int, dict[int, float]] | None = None) -> SummitModel:
    """The nominal model, or with ``noise`` (``{contact: {slot: standard normal}}``, scaled
    by the scenario's noise sd) the model with those draws and zero elsewhere."""
    if noise is None:
        return SummitModel(scenario)
    table = np.zeros((len(scenario.contacts), 6))
    for t, slots in noise.items():
        for slot, value in slots.items():
            table[t, slot] = value
    return SummitModel(scenario, params=compile_scenario(scenario).nominal, noise=table)


def run(scenario: Scenario, noise: dict[int, dict[int, float]] | None = None) -> SummitModel:
    """:func:`build`, run to the end. The events must come out in date order whatever
    happens."""
    model = build(scenario, noise)
    model.run()
    dates = [event.date for event in model.events]
    assert dates == sorted(dates)
    return model


def outcome_of(model: SummitModel) -> tuple:
    o = model.outcome
    return o.kind, o.side, o.date.isoformat(), o.contact


def kinds_on(model: SummitModel, day: str) -> list[tuple[str, str]]:
    """(kind, first word of the text) of the events of one day."""
    return [(e.kind, e.text.split()[0]) for e in model.events if e.date.isoformat() == day]


def offers(model: SummitModel, side: str) -> list[float]:
    return [entry[side]["x"] for entry in model.offers if side in entry]


def test_the_toy_talks_reach_a_summit_at_the_last_contact():
    # t=0: tau 1 for both: a offers its ideal 0, b counters with 1, neither accepts.
    # t=1: tau 0.6: a offers 1 - 0.6 = 0.4 (worth 0.4 < 0.6 to b); b counters 0.6 (worth
    #      0.4 < 0.6 to a). t=2: tau 0.2: a proposes toward 0.6 with lambda = min(1, 0.8 /
    #      0.6) = 1, so offers 0.6 itself, worth 0.6 >= 0.2 to b: accepted; approved the
    #      next day (0.4 and 0.6 >= 0.2); the summit on its date.
    model = run(toy())
    assert outcome_of(model) == ("summit", None, "2025-03-10", 2)
    assert model.outcome.framework == {"x": pytest.approx(0.6)}
    assert offers(model, "a") == pytest.approx([0.0, 0.4, 0.6])
    assert offers(model, "b") == pytest.approx([1.0, 0.6])  # none at t=2: it accepted
    assert kinds_on(model, "2025-03-09") == [("approved", "pa"), ("approved", "pb")]


def test_a_side_without_negotiator_is_negotiated_by_its_principal_and_never_sidelined():
    # b has no negotiator: pb carries concession 2 and hawkishness 0.5, so its floor is
    # 0.2 + 0.5 * 0.8 = 0.6 and its targets are 1, 1 - sqrt(1/2) * 0.4 = 0.717157, 0.6.
    # a: reservation 0.5, hawkishness 0.5 -> floor 0.75, targets 1, 0.875, 0.75.
    # t=1: a offers 0.125; b counters 0.717157 (worth 0.282843 < 0.875 to a).
    # t=2: a offers toward 0.717157 at 0.25 (worth 0.25 < 0.6 to b); b counters 0.6 (worth
    #      0.4 < 0.75 to a): deadline. pb would sideline a negotiator (trust 1 - 0.5 * 1.5
    #      = 0.25 < 0.9) but has none; pa's trust falls by 0.1 * (1 + 0.5) to 0.85.
    scenario = toy(
        {
            "nb": None,
            "pb.concession": 2.0,
            "pb.hawkishness": 0.5,
            "pb.trust_loss": 0.5,
            "pb.sideline_below": 0.9,
            "pa.reservation": 0.5,
            "na.hawkishness": 0.5,
            "pa.trust_loss": 0.1,
        },
        consequences=[{"when": "sidelined", "after_days": 1, "text": "gone"}],
    )
    model = run(scenario)
    assert outcome_of(model) == ("deadline", None, "2025-03-10", 2)
    assert offers(model, "a") == pytest.approx([0.0, 0.125, 0.25])
    assert offers(model, "b") == pytest.approx([1.0, 1 - 0.4 * 0.5**0.5, 0.6])
    assert model.sidelined == []
    assert [p.trust for p in model.principals] == pytest.approx([0.85, 1.0])
    assert kinds_on(model, "2025-03-10") == [("deadline", "No"), ("trust", "pa's")]
    assert [e.text.split()[0] for e in model.events if e.kind == "offer"][1] == "pb"


def test_one_contact_concedes_everything_at_once():
    # T = 1: alpha = 1, so a aims at its floor 0.3 at once and offers 1 - 0.3 = 0.7, worth
    # 0.7 >= 0.6 to b (floor 0.6): accepted at t=0 and approved (0.3 >= 0.3, 0.7 >= 0.6).
    # Boulware concession 0.5 changes nothing when alpha is 1.
    scenario = toy(
        {"pa.reservation": 0.3, "pb.reservation": 0.6, "na.concession": 0.5},
        contacts=[{"date": date(2025, 3, 2)}],
    )
    model = run(scenario)
    assert outcome_of(model) == ("summit", None, "2025-03-10", 0)
    assert model.outcome.framework == {"x": pytest.approx(0.7)}
    assert model.contacts_held[0].targets == pytest.approx({"a": 0.3, "b": 0.6})


@pytest.mark.parametrize(("ra", "rb"), [(0.07, 0.93), (0.2, 0.8)])
def test_an_offer_exactly_at_a_floor_is_accepted_and_approved(ra, rb):
    # T = 1 and ra + rb = 1: a offers 1 - ra, worth exactly rb to b, which is b's floor
    # and reservation; and worth exactly ra, a's reservation, to a. In floating point one
    # of these values comes out just below its threshold (checked): the ties rule (EPS)
    # accepts and approves it anyway.
    scenario = toy(
        {"pa.reservation": ra, "pb.reservation": rb}, contacts=[{"date": date(2025, 3, 2)}]
    )
    model = run(scenario)
    framework = np.array([model.outcome.framework["x"]])
    u_a, u_b = (rules.utility(framework, np.array([ideal]), np.ones(1)) for ideal in (0, 1))
    assert u_b < rb or u_a < ra, "the case should need the tolerance"
    assert outcome_of(model) == ("summit", None, "2025-03-10", 0)


def test_the_first_movers_principal_vetoes_first():
    # b moves first; T = 1 as above (ra 0.3, rb 0.6): b aims at 0.6 and offers 0.6, worth
    # 0.4 >= 0.3 to a: accepted. Noise -5 sd (x 0.1 = -0.5) on both approvals: a judges
    # 0.4 - 0.5 < 0.3 and b 0.6 - 0.5 < 0.6, both would veto; b, the first mover, is
    # asked first. With the noise on A's approval only, b approves and a vetoes.
    scenario = toy(
        {"pa.reservation": 0.3, "pb.reservation": 0.6},
        first_mover="b",
        contacts=[{"date": date(2025, 3, 2)}],
    )
    both = run(scenario, {0: BOTH_VETO[2]})
    assert outcome_of(both) == ("vetoed", "b", "2025-03-03", 0)
    assert kinds_on(both, "2025-03-03")[0] == ("vetoed", "pb")
    only_a = run(scenario, {0: {APPROVAL: -5.0}})
    assert outcome_of(only_a) == ("vetoed", "a", "2025-03-03", 0)
    assert kinds_on(only_a, "2025-03-03")[:2] == [("approved", "pb"), ("vetoed", "pa")]


@pytest.mark.parametrize("first", ["a", "b"])
def test_the_first_movers_principal_reviews_first(first):
    # Patience 0.9 for both; after t=0 each holds the other's ideal, worth 0 < 0.9: both
    # would cancel on 3 March; the first mover's principal is asked first.
    model = run(toy({"pa.patience": 0.9, "pb.patience": 0.9}, first_mover=first))
    assert outcome_of(model) == ("cancelled", first, "2025-03-03", 0)
    assert kinds_on(model, "2025-03-03") == [("cancelled", f"p{first}")]


def test_a_principal_reviews_only_from_its_reviews_from_date():
    # pa (patience 0.9) reviews from 5 March, the date of t=1: after t=0 only pb reviews
    # (patience 0: stays). After t=1 pa holds b's 0.6, worth 0.4 < 0.9: cancels on 6 March.
    model = run(toy({"pa.patience": 0.9, "pa.reviews_from": date(2025, 3, 5)}))
    assert kinds_on(model, "2025-03-03") == [("review", "pb")]
    assert outcome_of(model) == ("cancelled", "a", "2025-03-06", 1)


def test_the_model_reviews_on_the_schedule_of_its_arrays():
    # Both principals would cancel after t=0 (see above); the model asks only those the
    # arrays' review schedule marks, so with A marked alone after t=0 it is A that cancels
    # even though B moves first, and with nobody marked the talks go on to a summit.
    model = build(toy({"pa.patience": 0.9, "pb.patience": 0.9}, first_mover="b"))
    model.arrays = dataclasses.replace(
        model.arrays, reviewed=np.array([[True, False], [False, False], [False, False]])
    )
    model.run()
    assert outcome_of(model) == ("cancelled", "a", "2025-03-03", 0)
    nobody = build(toy({"pa.patience": 0.9, "pb.patience": 0.9}))
    nobody.arrays = dataclasses.replace(nobody.arrays, reviewed=np.zeros((3, 2), dtype=bool))
    nobody.run()
    assert outcome_of(nobody)[0] == "summit"


def test_the_deadline_falls_on_the_summit_date_at_the_last_contact():
    # Hawkishness 1 makes a's floor 1: a offers its ideal 0 at every contact; b concedes
    # to 0.2 at t=2, worth 0.8 < 1 to a, and 0 < 0.2 to b: no framework, the deadline is
    # dated 10 March (not the day after t=2), contact = 2. pa's trust falls by
    # 0.25 (1 + 1) = 0.5 (not below 0, no sidelining); pb's trust_loss is 0: no event.
    model = run(toy({"na.hawkishness": 1.0, "pa.trust_loss": 0.25}))
    assert outcome_of(model) == ("deadline", None, "2025-03-10", 2)
    assert model.outcome.framework is None
    assert offers(model, "a") == pytest.approx([0.0, 0.0, 0.0])
    assert kinds_on(model, "2025-03-09") == [("review", "pa"), ("review", "pb")]
    assert kinds_on(model, "2025-03-10") == [("deadline", "No"), ("trust", "pa's")]
    assert model.principals[0].trust == pytest.approx(0.5)


# Each consequence's text names what it waits for. nb is sidelined whenever pb did not
# cancel: its trust falls to 1 - 0.6 = 0.4 < 0.5. pa never sidelines na (trust_loss 0).
CONSEQUENCES = [
    {"when": "collapse", "after_days": 2, "text": "collapse"},
    {"when": "cancelled", "by": "a", "on": date(2025, 3, 20), "text": "cancelled by a"},
    {"when": "cancelled", "after_days": 1, "text": "cancelled"},
    {"when": "vetoed", "by": "a", "after_days": 0, "text": "vetoed by a"},
    {"when": "vetoed", "by": "b", "after_days": 0, "text": "vetoed by b"},
    {"when": "deadline", "after_days": 5, "text": "deadline"},
    {"when": "summit", "after_days": 1, "text": "summit"},
    {"when": "sidelined", "who": "nb", "after_days": 3, "text": "nb sidelined"},
    {"when": "sidelined", "who": "na", "on": date(2025, 3, 25), "text": "na sidelined"},
    {"when": "sidelined", "after_days": 4, "text": "someone sidelined"},
]
TRUST = {"pb.trust_loss": 0.6, "pb.sideline_below": 0.5}
OUTCOMES = {
    # outcome: (changes, noise, the outcome's date, {consequence: its date})
    "summit": ({}, None, "2025-03-10", {"summit": "2025-03-11"}),
    "cancelled by a": (
        {"pa.patience": 0.9},
        None,
        "2025-03-03",
        {
            "cancelled": "2025-03-04",
            "collapse": "2025-03-05",
            "nb sidelined": "2025-03-06",
            "someone sidelined": "2025-03-07",
            "cancelled by a": "2025-03-20",
        },
    ),
    "cancelled by b": (
        {"pb.patience": 0.9},
        None,
        "2025-03-03",
        {"cancelled": "2025-03-04", "collapse": "2025-03-05"},
    ),
    # the agreement of 8 March (see the first test), vetoed by b alone the next day
    "vetoed by b": (
        {},
        {2: {APPROVAL + 1: -5.0}},
        "2025-03-09",
        {
            "vetoed by b": "2025-03-09",
            "collapse": "2025-03-11",
            "nb sidelined": "2025-03-12",
            "someone sidelined": "2025-03-13",
        },
    ),
    "deadline": (
        {"na.hawkishness": 1.0},
        None,
        "2025-03-10",
        {
            "collapse": "2025-03-12",
            "nb sidelined": "2025-03-13",
            "someone sidelined": "2025-03-14",
            "deadline": "2025-03-15",
        },
    ),
}


@pytest.mark.parametrize(("changes", "noise", "day", "fired"), OUTCOMES.values(), ids=OUTCOMES)
def test_consequences_fire_on_their_dates(changes, noise, day, fired):
    model = run(toy(changes | TRUST, consequences=CONSEQUENCES), noise)
    assert model.outcome.date.isoformat() == day
    assert {e.text: e.date.isoformat() for e in model.events if e.kind == "consequence"} == fired
    assert model.sidelined == (["nb"] if "nb sidelined" in fired else [])
    # one data row a day on which something happened, up to the summit date or the last
    # consequence if later (the state does not change on the days between)
    rows = model.datacollector.get_model_vars_dataframe()
    last = max(*fired.values(), "2025-03-10")
    busy = {e.date.isoformat() for e in model.events} | {last}
    assert list(rows["date"]) == sorted(busy)
    assert rows["date"].iloc[0] == "2025-03-01"


def test_events_stay_in_date_order_with_a_consequence_dated_before_the_outcome():
    # cancelled by a on 3 March (as above); a consequence "on" the start date, already
    # past when the outcome is known, still fires, and no event goes back in time
    model = run(
        toy(
            {"pa.patience": 0.9},
            consequences=[
                {"when": "collapse", "on": date(2025, 3, 1), "text": "early"},
                {"when": "collapse", "after_days": 0, "text": "same day"},
            ],
        )
    )
    assert outcome_of(model) == ("cancelled", "a", "2025-03-03", 0)
    assert [e.text for e in model.events if e.kind == "consequence"] == ["early", "same day"]


@pytest.mark.parametrize(("changes", "noise", "day", "fired"), OUTCOMES.values(), ids=OUTCOMES)
def test_stepping_day_by_day_is_the_same_as_running(changes, noise, day, fired):
    """The page's Step walks every day, run jumps over the empty ones: the same account,
    outcome and data rows."""
    scenario = toy(changes | TRUST, consequences=CONSEQUENCES)
    jumped, walked = run(scenario, noise), build(scenario, noise)
    days = 1
    while walked.running:
        walked.step()
        days += 1
    assert (
        days == (date.fromisoformat(max(*fired.values(), "2025-03-10")) - scenario.start).days + 1
    )
    assert (walked.events, walked.outcome, walked.today) == (
        jumped.events,
        jumped.outcome,
        jumped.today,
    )
    frames = [m.datacollector.get_model_vars_dataframe() for m in (walked, jumped)]
    pd.testing.assert_frame_equal(*frames)


def test_a_run_costs_its_events_not_its_days():
    """2,000 contacts ten days apart and a consequence 100 years on: about 2 processed days
    per contact (the contact and the review after it), not 56,500 days."""
    start = date(2030, 1, 1)
    contacts = [{"date": start + timedelta(days=10 * t + 1)} for t in range(2000)]
    scenario = toy(
        {"pa.patience": 0.0, "pb.patience": 0.0, "pa.reservation": 0.95, "pb.reservation": 0.95},
        start=start,
        summit=start + timedelta(days=20_001),
        contacts=contacts,
        consequences=[{"when": "collapse", "after_days": 36_500, "text": "a century on"}],
    )
    model = SummitModel(scenario)
    processed = []
    original = model._process_day
    model._process_day = lambda: processed.append(model.today) or original()
    began = time.perf_counter()
    model.run()
    assert time.perf_counter() - began < 20
    assert model.outcome.kind == "deadline"
    assert len(processed) <= 2 * len(contacts) + 3
    assert model.events[-1].date == scenario.summit + timedelta(days=36_500)
    rows = model.datacollector.get_model_vars_dataframe()
    assert len(rows) <= 2 * len(contacts) + 3
