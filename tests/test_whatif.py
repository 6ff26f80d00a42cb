"""``whatif``: the lever value where P(summit) reaches a target, and the nominal threshold,
against values derived by hand."""

from __future__ import annotations

import pytest
from repository import BUDAPEST_FILE, TEST_SCENARIOS

from summitsim.factors import counts_at
from summitsim.scenario import ScenarioError, load_scenario
from summitsim.sweep import estimate_p_summit
from summitsim.whatif import NOMINAL_TOLERANCE, bisect, what_if

BUDAPEST = load_scenario(BUDAPEST_FILE)
ONE_LEVER = load_scenario(TEST_SCENARIOS / "one_lever.yaml")


@pytest.mark.slow
def test_budapest_nominal_threshold_of_putins_softness():
    # Lavrov's 20 October offer is worth 0.185 + 0.539586 alpha to Trump against his
    # patience 0.5: alpha = 0.582... at softness 0.445041 (issue 11)
    answer = what_if(BUDAPEST, "putin.softness", trials=2000, progress=False)
    assert answer.nominal.status == "found"
    assert answer.nominal.value == pytest.approx(0.445041, abs=1e-4)
    assert answer.nominal_direction == "raised"
    assert answer.nominal_outcome == "cancelled by us"


@pytest.mark.slow
def test_budapest_nominal_threshold_of_trumps_patience_comes_by_lowering_it():
    answer = what_if(BUDAPEST, "trump.patience", trials=2000, progress=False)
    assert answer.nominal.value == pytest.approx(0.340131, abs=1e-4)
    assert answer.nominal_direction == "lowered"
    assert answer.direction == "lowered"  # P(summit) rises as Trump grows less strict
    assert answer.threshold.value < answer.scenario_value


def test_without_noise_the_monte_carlo_threshold_is_the_hand_derived_one():
    # one_lever.yaml: a summit exactly when putin.softness >= 0.5 (to 2e-9), every trial alike
    answer = what_if(ONE_LEVER, "putin.softness", trials=500, progress=False)
    assert (answer.p_at_scenario, answer.p_at_limit) == (0.0, 1.0)
    assert answer.threshold.value == pytest.approx(0.5, abs=1e-5)
    assert answer.ci_low.value == pytest.approx(0.5, abs=1e-5)
    assert answer.ci_high.value == pytest.approx(0.5, abs=1e-5)
    assert answer.nominal.value == pytest.approx(0.5, abs=1e-8)


@pytest.mark.slow
def test_the_interval_brackets_the_estimate_and_uses_common_random_numbers():
    answer = what_if(BUDAPEST, "putin.softness", trials=4000, seed=3, progress=False)
    assert answer.ci_low.value < answer.threshold.value < answer.ci_high.value
    # the scenario's own P(summit) is the one estimate_p_summit gives with the same seed
    assert answer.p_at_scenario == estimate_p_summit(BUDAPEST, 4000, 3)[0] / 4000
    assert answer.p_held_at_scenario == answer.p_at_scenario  # schema 1: held means a deal


def test_a_lever_that_cannot_matter_never_reaches_the_target():
    answer = what_if(ONE_LEVER, "putin.trust", trials=200, progress=False)
    assert answer.threshold.status == "never"
    assert answer.nominal.status == "never"


def test_a_target_already_met_is_reported_as_such():
    lifted = load_scenario(TEST_SCENARIOS / "one_lever.yaml")
    from summitsim.scenario.overrides import with_values

    answer = what_if(
        with_values(lifted, {"putin.softness": 0.7}), "putin.softness", trials=100, progress=False
    )
    assert answer.threshold.status == "already"
    assert answer.nominal.status == "already"


@pytest.mark.slow
def test_an_unbounded_lever_is_searched_beyond_its_scenario_value():
    answer = what_if(BUDAPEST, "lavrov.concession", trials=1000, progress=False)
    assert answer.threshold.status == "found"
    assert 0.5 < answer.threshold.value < 10


def test_bisection_reaches_the_tolerance():
    found = bisect(lambda v: v >= 0.123456789, 0.0, 1.0, NOMINAL_TOLERANCE)
    assert abs(found - 0.123456789) <= NOMINAL_TOLERANCE


@pytest.mark.parametrize(
    ("lever", "message"),
    [
        ("putin.softnes", "unknown field 'softnes' of putin"),
        ("putin.ideal", "names one value per issue"),
        ("nobody.softness", "unknown actor 'nobody'"),
    ],
)
def test_bad_levers_are_refused(lever, message):
    with pytest.raises(ScenarioError, match=message) as error:
        what_if(BUDAPEST, lever, trials=10, progress=False)
    assert error.value.field == "--lever"


def test_counts_at_a_point_equal_the_estimate_of_the_scenario_set_there():
    from summitsim.scenario.overrides import hold, with_values

    at = counts_at(BUDAPEST, ["trump.patience"], [[0.3]], 3000, 5)[0, 0]
    fixed = hold(BUDAPEST, ["trump.patience"])
    assert at == estimate_p_summit(with_values(fixed, {"trump.patience": 0.3}), 3000, 5)[0]
