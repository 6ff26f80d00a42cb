"""Same draws, same outcome: the Monte Carlo kernel against the Mesa model, trial by trial.

The kernel draws every trial's parameters and (lazily) its noise from the trial key; the
Mesa model is handed the same parameters and the full noise table of that key. Outcome,
deciding side, deciding contact, framework and sidelining must agree on every trial: on
the shipped scenarios, and on random valid scenarios that hypothesis writes.
"""

from datetime import date, timedelta

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repository import BUDAPEST_FILE, ROOT

from summitsim import draws, kernel
from summitsim.arrays import compile_scenario, trial_inputs
from summitsim.model import SummitModel
from summitsim.scenario import load_scenario, parse_scenario

SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))
TRIALS = 2000


def model_result(scenario, params, noise):
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
    return kernel.OUTCOMES.index(outcome.kind), side, outcome.contact, sidelined, framework


def agree_trial_by_trial(scenario, trials, key):
    """Run both drivers on the same draws; return the outcome codes seen."""
    arrays = compile_scenario(scenario)
    fast = kernel.simulate(arrays, trials, key)
    seen = set()
    for i in range(trials):
        params, noise = trial_inputs(arrays, key, i)
        outcome, side, contact, sidelined, framework = model_result(scenario, params, noise)
        assert (fast.outcome[i], fast.side[i], fast.contact[i], fast.sidelined[i]) == (
            outcome,
            side,
            contact,
            sidelined,
        ), f"trial {i}"
        np.testing.assert_allclose(fast.framework[i], framework, rtol=0, atol=1e-12)
        seen.add(outcome)
    return seen


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_kernel_and_mesa_model_agree_trial_by_trial(path):
    seen = agree_trial_by_trial(load_scenario(path), TRIALS, draws.block_key(11, 0, 0))
    assert len(seen) >= 2, "the comparison should cover more than one kind of outcome"


# -- random valid scenarios -----------------------------------------------------------------

#: Trials compared per random scenario: each one is a Mesa run (about 10 ms).
RANDOM_TRIALS = 25
START = date(2025, 10, 1)
UNIT = st.floats(0.0, 1.0)
#: The fields of a principal and of a negotiator, each with the values drawn for it: the
#: whole range where it is bounded, a wide part of it where it is not.
RESERVATION = st.floats(0.0, 1.0, exclude_max=True)
PRINCIPAL = {
    "softness": UNIT,
    "patience": UNIT,
    "trust": UNIT,
    "trust_loss": UNIT,
    "sideline_below": UNIT,
}
NEGOTIATOR = {"concession": st.floats(0.05, 8.0), "hawkishness": UNIT}


def _days(draw, low, high):
    return START + timedelta(days=draw(st.integers(low, high)))


def _principal(draw, name, issues, has_negotiator, summit_day):
    principal = {
        "id": name,
        "ideal": {issue: draw(UNIT) for issue in issues},
        "salience": {issue: draw(st.floats(0.0, 10.0)) for issue in issues},
        "reservation": draw(RESERVATION),
    }
    principal["salience"][draw(st.sampled_from(issues))] = draw(st.floats(0.01, 10.0))
    fields = {**PRINCIPAL, **({} if has_negotiator else NEGOTIATOR)}
    for field, values in fields.items():
        if draw(st.booleans()):  # else the default
            principal[field] = draw(values)
    if draw(st.booleans()):
        principal["reviews_from"] = _days(draw, 0, summit_day)
    return principal


def _uncertainty(draw, scenario):
    """A random ``uncertainty`` block: each form on paths it is valid for, uniform bounds
    inside the field's range."""
    scalars, vectors = [("noise", (0.0, 0.5))], []
    for side in scenario["sides"]:
        actors = [(side["principal"]["id"], PRINCIPAL)]
        if "negotiator" in side:
            actors.append((side["negotiator"]["id"], NEGOTIATOR))
        else:
            actors[0] = (side["principal"]["id"], {**PRINCIPAL, **NEGOTIATOR})
        for actor, fields in actors:
            scalars += [(f"{actor}.{field}", _bounds(field)) for field in fields]
        scalars.append((f"{side['principal']['id']}.reservation", _bounds("reservation")))
        principal = side["principal"]["id"]
        vectors += [f"{principal}.ideal", f"{principal}.salience"]
        issues = [issue["id"] for issue in scenario["issues"]]
        scalars += [(f"{principal}.ideal.{issue}", (0.0, 1.0)) for issue in issues]
        scalars += [(f"{principal}.salience.{issue}", (0.0, 10.0)) for issue in issues]
    block = {}
    for path, (low, high) in draw(st.lists(st.sampled_from(scalars), max_size=4, unique=True)):
        form = draw(st.sampled_from(["uniform", "normal_sd", "lognormal_sd"]))
        if form == "uniform":
            ends = sorted(draw(st.floats(low, high)) for _ in range(2))
            block[path] = {"uniform": ends}
        else:
            block[path] = {form: draw(st.floats(0.0, 0.5))}
    for path in draw(st.lists(st.sampled_from(vectors), max_size=2, unique=True)):
        block[path] = {"concentration": draw(st.floats(0.5, 200.0))}
    return block


def _bounds(field):
    return {"reservation": (0.0, 0.999), "concession": (0.05, 8.0)}.get(field, (0.0, 1.0))


@st.composite
def scenarios(draw):
    """A valid scenario: 2-6 issues, 1-8 contacts, two sides each with or without a
    negotiator, random fields, noise and uncertainty, either side moving first."""
    issues = [f"i{k}" for k in range(draw(st.integers(2, 6)))]
    contacts = draw(st.integers(1, 8))
    summit_day = draw(st.integers(contacts, 40))
    days = sorted(
        draw(
            st.lists(
                st.integers(0, summit_day - 1), min_size=contacts, max_size=contacts, unique=True
            )
        )
    )
    sides = []
    for side, (principal, negotiator) in zip(("a", "b"), (("pa", "na"), ("pb", "nb"))):
        has_negotiator = draw(st.booleans())
        entry = {
            "id": side,
            "principal": _principal(draw, principal, issues, has_negotiator, summit_day),
        }
        if has_negotiator:
            entry["negotiator"] = {"id": negotiator}
            for field, values in NEGOTIATOR.items():
                if draw(st.booleans()):
                    entry["negotiator"][field] = draw(values)
        sides.append(entry)
    scenario = {
        "schema": 1,
        "name": "random",
        "title": "A random scenario",
        "start": START,
        "summit": START + timedelta(days=summit_day),
        "first_mover": draw(st.sampled_from(["a", "b"])),
        "noise": draw(st.sampled_from([0.0, 0.01, 0.05]) | st.floats(0.0, 0.3)),
        "issues": [{"id": issue} for issue in issues],
        "sides": sides,
        "contacts": [{"date": START + timedelta(days=day)} for day in days],
    }
    scenario["uncertainty"] = _uncertainty(draw, scenario)
    return parse_scenario(yaml.safe_dump(scenario, sort_keys=False), "random scenario")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_kernel_and_mesa_model_agree_on_random_scenarios(scenario, seed):
    agree_trial_by_trial(scenario, RANDOM_TRIALS, draws.block_key(seed, 0, 0))


def test_the_comparison_covers_every_outcome():
    """Across the scenarios compared, every outcome occurs, so every branch is compared."""
    seen = set()
    for path in SCENARIOS:
        arrays = compile_scenario(load_scenario(path))
        seen |= set(kernel.simulate(arrays, TRIALS, draws.block_key(11, 0, 0)).outcome)
    assert seen == {kernel.SUMMIT, kernel.CANCELLED, kernel.VETOED, kernel.DEADLINE}


def test_nominal_run_is_the_kernel_without_noise():
    scenario = load_scenario(BUDAPEST_FILE)
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
    )
    model = SummitModel(scenario)
    model.run()
    assert result[:3] == (kernel.CANCELLED, 0, 1)
    assert (model.outcome.kind, model.outcome.side, model.outcome.contact) == ("cancelled", "us", 1)
    for j, side in enumerate(scenario.side_ids):
        np.testing.assert_array_equal(offers[j], model.contacts_held[-1].offers[side])
