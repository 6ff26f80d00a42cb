"""Same draws, same outcome: the Monte Carlo kernel against the Mesa model, trial by trial.

The kernel draws every trial's parameters and (lazily) its noise from the trial key; the
Mesa model is handed the same parameters and the full noise table of that key. Outcome,
deciding side, deciding contact, framework and sidelining must agree on every trial.
"""

from pathlib import Path

import numpy as np
import pytest

from summitsim import draws, kernel
from summitsim.arrays import compile_scenario, trial_inputs
from summitsim.model import SummitModel
from summitsim.scenario import load_scenario

# The historical cases in scenarios/cases/ are scored by `backtest` rather than compared
# here: twelve more trial-by-trial comparisons would multiply this test's time, and a case
# whose outcome never varies would fail the check below that two kinds of outcome are seen.
SCENARIOS = sorted(p for p in Path("scenarios").rglob("*.yaml") if "cases" not in p.parts)
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


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_kernel_and_mesa_model_agree_trial_by_trial(path):
    scenario = load_scenario(path)
    arrays = compile_scenario(scenario)
    key = draws.block_key(11, 0, 0)
    fast = kernel.simulate(arrays, TRIALS, key)
    seen = set()
    for i in range(TRIALS):
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
    assert len(seen) >= 2, "the comparison should cover more than one kind of outcome"


def test_the_comparison_covers_every_outcome():
    """Across the scenarios compared, every outcome occurs, so every branch is compared."""
    seen = set()
    for path in SCENARIOS:
        arrays = compile_scenario(load_scenario(path))
        seen |= set(kernel.simulate(arrays, TRIALS, draws.block_key(11, 0, 0)).outcome)
    assert seen == {kernel.SUMMIT, kernel.CANCELLED, kernel.VETOED, kernel.DEADLINE}


def test_nominal_run_is_the_kernel_without_noise():
    scenario = load_scenario("scenarios/budapest_2025.yaml")
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
