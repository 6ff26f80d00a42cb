"""The Monte Carlo numbers are right: a closed-form case, interval coverage, monotonicity in
softness, and the tipping point."""

import numpy as np
import pytest
from repository import BUDAPEST_FILE, TEST_SCENARIOS
from scipy.stats import binomtest

from summitsim import draws, kernel
from summitsim.analysis import crossing, tipping_point, wilson_interval
from summitsim.arrays import compile_scenario
from summitsim.scenario import load_scenario
from summitsim.scenario.overrides import with_values
from summitsim.sweep import estimate_p_summit

CLOSED_FORM = TEST_SCENARIOS / "uniform_patience.yaml"
P_CLOSED_FORM = 0.3  # worked out in the file's header


def test_wilson_matches_scipy():
    for k, n in [(0, 10), (3, 10), (50, 100), (2077, 100000), (100000, 100000)]:
        low, high = wilson_interval(np.array([k]), np.array([n]))
        reference = binomtest(k, n).proportion_ci(0.95, method="wilson")
        assert (low[0], high[0]) == pytest.approx((reference.low, reference.high), abs=1e-12)


@pytest.mark.slow
def test_closed_form_probability_lands_in_its_wilson_interval():
    summits, trials = estimate_p_summit(load_scenario(CLOSED_FORM), 200_000, seed=1)
    low, high = wilson_interval(np.array([summits]), np.array([trials]))
    assert low[0] <= P_CLOSED_FORM <= high[0]


@pytest.mark.slow
def test_wilson_intervals_cover_the_true_probability_95_percent_of_the_time():
    arrays = compile_scenario(load_scenario(CLOSED_FORM))
    seeds, trials = 400, 1000
    summits = np.array(
        [kernel.count(arrays, trials, draws.block_key(seed, 0, 0))[0] for seed in range(seeds)]
    )
    low, high = wilson_interval(summits, np.full(seeds, trials))
    coverage = np.mean((low <= P_CLOSED_FORM) & (P_CLOSED_FORM <= high))
    # 400 intervals: the coverage has sd 0.011 around 0.95
    assert 0.915 <= coverage <= 0.985


@pytest.mark.slow
def test_p_summit_rises_with_putin_softness():
    scenario = load_scenario(BUDAPEST_FILE)
    grid = np.linspace(0.0, 1.0, 6)
    trials = 40_000
    p = (
        np.array(
            [
                estimate_p_summit(with_values(scenario, {"putin.softness": s}), trials, 0)[0]
                for s in grid
            ]
        )
        / trials
    )
    standard_error = np.sqrt(p * (1 - p) / trials)
    assert np.all(np.diff(p) > -3 * (standard_error[1:] + standard_error[:-1]))
    assert p[0] < 0.10 < 0.9 < p[-1]


def test_crossing_and_its_absence():
    x = np.linspace(0, 1, 5)
    assert crossing(x, np.array([0.0, 0.2, 0.4, 0.6, 0.8])) == pytest.approx(0.625)
    assert crossing(x, np.array([0.9, 0.7, 0.5, 0.3, 0.1])) == pytest.approx(0.5)
    assert crossing(x, np.full(5, 0.2)) is None
    assert tipping_point("s", x, np.full(5, 20), np.full(5, 100)) is None


def test_tipping_point_interval_covers_a_known_logistic_crossing():
    x = np.linspace(0, 1, 41)
    truth = 0.37
    p = 1 / (1 + np.exp(-(x - truth) * 12))
    rng = np.random.default_rng(5)
    trials = np.full(x.size, 20_000)
    found = tipping_point("s", x, rng.binomial(trials, p), trials)
    assert found is not None and found.rising
    # the grid's linear interpolation of a logistic is exact at its symmetric centre
    assert found.ci_low <= truth <= found.ci_high
    assert found.ci_high - found.ci_low < 0.02


def test_wilson_bounds_are_exact_at_the_edges():
    low, high = wilson_interval(np.array([0, 100]), np.array([100, 100]))
    assert low[0] == 0.0 and high[1] == 1.0
    assert 0.0 < high[0] < 0.05 and 0.95 < low[1] < 1.0
