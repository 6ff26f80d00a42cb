"""Same draws, same outcome: the Monte Carlo kernel against the Mesa model, trial by trial.

The kernel draws every trial's parameters and (lazily) its noise from the trial key; the
Mesa model is handed the same parameters and the full noise table of that key. Outcome,
deciding side, deciding contact, framework and sidelining must agree on every trial.
"""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from summitsim import draws, kernel, outcomes
from summitsim.arrays import compile_scenario, trial_inputs
from summitsim.model import SummitModel
from summitsim.outcomes import OUTCOMES
from summitsim.scenario import load_scenario, parse_scenario
from summitsim.trial_setup import contacts_held

# The historical cases in scenarios/cases/ are scored by `backtest` rather than compared
# here: twelve more trial-by-trial comparisons would multiply this test's time, and a case
# whose outcome never varies would fail the check below that two kinds of outcome are seen.
SCENARIOS = sorted(p for p in Path("scenarios").rglob("*.yaml") if "cases" not in p.parts)
TRIALS = 2000


def model_result(scenario, params=None, noise=None, model=None):
    if model is None:
        model = SummitModel(scenario, params=params, noise=noise)
    outcome = model.run()
    side = -1 if outcome.side is None else scenario.side_index(outcome.side)
    framework = (
        np.full(len(scenario.issues), np.nan)
        if outcome.framework is None
        else np.array([outcome.framework[k] for k in scenario.issue_ids])
    )
    sidelined = sum(
        1 << j
        for j, s in enumerate(scenario.sides)
        if s.negotiator is not None and s.negotiator.id in model.sidelined
    )
    return OUTCOMES.index(outcome.kind), side, outcome.contact, sidelined, framework


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_kernel_and_mesa_model_agree_trial_by_trial(path):
    scenario = load_scenario(path)
    arrays = compile_scenario(scenario)
    key = draws.block_key(11, 0, 0)
    fast = kernel.simulate(arrays, TRIALS, key)
    seen = set()
    for i in range(TRIALS):
        params, noise = trial_inputs(arrays, key, i)
        held = contacts_held(arrays, params, key, i)  # a contact with held < 1 may be drawn out
        model = SummitModel(scenario, params=params, noise=noise, held=held)
        outcome, side, contact, sidelined, framework = model_result(scenario, model=model)
        assert (fast.outcome[i], fast.side[i], fast.contact[i], fast.sidelined[i]) == (
            outcome,
            side,
            contact,
            sidelined,
        ), f"trial {i}"
        np.testing.assert_allclose(fast.framework[i], framework, rtol=0, atol=1e-12)
        seen.add(outcome)
    assert len(seen) >= 2, "the comparison should cover more than one kind of outcome"


def test_the_comparison_covers_every_outcome():
    """Across the scenarios compared, every outcome occurs, so every branch is compared."""
    seen = set()
    for path in SCENARIOS:
        arrays = compile_scenario(load_scenario(path))
        seen |= set(kernel.simulate(arrays, TRIALS, draws.block_key(11, 0, 0)).outcome)
    assert seen == {outcomes.SUMMIT, outcomes.CANCELLED, outcomes.VETOED, outcomes.DEADLINE}


def test_nominal_run_is_the_kernel_without_noise():
    scenario = load_scenario("scenarios/v1/budapest_2025.yaml")
    arrays = compile_scenario(scenario)
    from summitsim.arrays import nominal_inputs

    params, noise = nominal_inputs(arrays)
    offers, framework = np.empty((2, arrays.issues)), np.empty(arrays.issues)
    result = kernel.negotiate(
        params,
        arrays.issues,
        arrays.first,
        arrays.reviewed,
        arrays.has_negotiator,
        np.uint64(0),
        noise,
        offers,
        framework,
        kernel.protocol_of(arrays).as_tuple(),
        np.ones(arrays.contacts, dtype=np.bool_),
        True,
        np.empty((3, arrays.issues)),
        np.empty((2, arrays.issues), dtype=np.int64),
    )
    model = SummitModel(scenario)
    model.run()
    assert result[:3] == (outcomes.CANCELLED, 0, 1)
    assert (model.outcome.kind, model.outcome.side, model.outcome.contact) == ("cancelled", "us", 1)
    for j, side in enumerate(scenario.side_ids):
        np.testing.assert_array_equal(offers[j], model.contacts_held[-1].offers[side])


# -- random valid scenarios (hypothesis) ----------------------------------------------

START = date(2025, 3, 1)
SUMMIT_DAY = 40
EXAMPLE_TRIALS = 40


def unit(draw, low=0.0, high=1.0):
    return draw(st.floats(low, high, allow_nan=False, allow_subnormal=False))


@st.composite
def random_scenario(draw, schema: int = 1) -> dict:
    """A valid scenario: 2-6 issues, 1-8 contacts, optional negotiators and reviews_from,
    every uncertainty form; under ``schema=2`` also every schema 2 field (design-schema2.md
    sections 1-8, both clocks, both noise models, both tactics, both blames)."""
    issues = [f"i{k}" for k in range(draw(st.integers(2, 6)))]
    days = sorted(draw(st.sets(st.integers(1, SUMMIT_DAY - 1), min_size=1, max_size=8)))
    contacts = [{"date": START + timedelta(days=d), "label": f"c{d}"} for d in days]
    sides = []
    for name in "ab":
        weights = {k: unit(draw, 0.0, 1.0) for k in issues}
        weights[issues[draw(st.integers(0, len(issues) - 1))]] = unit(draw, 0.1, 1.0)
        principal = {
            "id": f"p{name}",
            "ideal": {k: unit(draw) for k in issues},
            "salience": weights,
            # high reservations leave no zone of agreement: deadlines and summits without a deal
            "reservation": unit(draw, *draw(st.sampled_from([(0.0, 0.9), (0.75, 0.95)]))),
            "softness": unit(draw),
            "patience": unit(draw, 0.0, 0.6),
            "trust": unit(draw, 0.5, 1.0),
            "trust_loss": unit(draw, 0.0, 0.5),
            "sideline_below": unit(draw, 0.0, 0.8),
        }
        if draw(st.booleans()):
            principal["reviews_from"] = START + timedelta(days=draw(st.sampled_from(days)))
        side = {"id": name, "principal": principal}
        carrier = principal
        if draw(st.booleans()):
            side["negotiator"] = carrier = {"id": f"n{name}"}
        carrier["concession"] = unit(draw, 0.2, 4.0)
        carrier["hawkishness"] = unit(draw)
        if schema == 2:
            carrier["tactic"] = draw(st.sampled_from(["segment", "tradeoff"]))
            carrier["reciprocity"] = draw(st.sampled_from([0.0, unit(draw)]))
            if draw(st.booleans()):
                carrier["believes"] = {"salience": {k: unit(draw, 0.05, 1.0) for k in issues}}
            if "negotiator" in side and draw(st.booleans()):
                principal["mandate"] = unit(draw, 0.0, 0.9)
            if draw(st.integers(0, 3)) > 0:  # often both, so that summits without a deal occur
                principal["meets_without_deal"] = unit(draw, 0.0, 0.6)
            principal["blame"] = draw(st.sampled_from(["always", "pivotal"]))
            side["approvers"] = [
                {
                    "id": f"{name}x{a}",
                    "ideal": {k: unit(draw) for k in issues},
                    "salience": {k: unit(draw, 0.05, 1.0) for k in issues},
                    "reservation": unit(draw, 0.0, 0.6),
                }
                for a in range(draw(st.integers(0, 2)))
            ]
        sides.append(side)
    data = {
        "schema": schema,
        "name": "random",
        "start": START,
        "summit": START + timedelta(days=SUMMIT_DAY),
        "first_mover": draw(st.sampled_from("ab")),
        "noise": unit(draw, 0.0, 0.2),
        "issues": [{"id": k} for k in issues],
        "sides": sides,
        "contacts": contacts,
    }
    uncertainty = {
        "pa.softness": {"uniform": [0.0, 1.0]},
        "pb.reservation": {"normal_sd": 0.1},
        "pa.ideal": {"concentration": 20},
        "pb.salience": {"concentration": 30},
    }
    carrier_a = "na" if "negotiator" in sides[0] else "pa"
    uncertainty[f"{carrier_a}.concession"] = {"lognormal_sd": 0.3}
    if schema == 2:
        data["clock"] = draw(st.sampled_from(["contacts", "calendar"]))
        data["noise_model"] = draw(st.sampled_from(["judgement", "perception"]))
        for t, contact in enumerate(contacts):
            contact["id"] = f"contact{t}"
            if draw(st.booleans()):
                contact["held"] = unit(draw, 0.3, 1.0)
        if draw(st.booleans()):
            uncertainty["pb.reviews_from"] = {
                "dates": [START + timedelta(days=days[0]), START + timedelta(days=days[-1])]
            }
        if draw(st.booleans()):
            uncertainty[f"{carrier_a}.believes.salience"] = {"concentration": 20}
    data["uncertainty"] = {path: form for path, form in uncertainty.items() if draw(st.booleans())}
    return data


def compare_trial_by_trial(data: dict, trials: int = EXAMPLE_TRIALS) -> None:
    """The kernel and the Mesa model on the same draws: outcome, side, contact, held,
    framework (1e-12) and sidelined set, trial by trial."""
    scenario = parse_scenario(yaml.safe_dump(data, sort_keys=False), "random.yaml")
    arrays = compile_scenario(scenario)
    key = draws.block_key(5, 0, 0)
    fast = kernel.simulate(arrays, trials, key)
    for i in range(trials):
        params, noise = trial_inputs(arrays, key, i)
        held = contacts_held(arrays, params, key, i)
        model = SummitModel(scenario, params=params, noise=noise, held=held)
        outcome, side, contact, sidelined, framework = model_result(scenario, model=model)
        got = (fast.outcome[i], fast.side[i], fast.contact[i], fast.sidelined[i])
        assert got == (outcome, side, contact, sidelined), f"trial {i}"
        assert bool(fast.held[i]) == model.outcome.held, f"trial {i}"
        np.testing.assert_allclose(fast.framework[i], framework, rtol=0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(random_scenario(schema=1))
def test_random_schema_1_scenarios_agree_trial_by_trial(data):
    compare_trial_by_trial(data)


@settings(max_examples=40, deadline=None)
@given(random_scenario(schema=2))
def test_random_schema_2_scenarios_agree_trial_by_trial(data):
    compare_trial_by_trial(data)
