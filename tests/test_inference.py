"""``summitsim infer``: the posterior against closed forms worked by hand, the kernel's
trials against the counting kernel's, matching line by line, the counterfactuals, and
the same numbers on any number of threads."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sizes import trials as scaled

from summitsim import draws
from summitsim.arrays import compile_scenario
from summitsim.inference import (
    Moments,
    free_parameters,
    infer,
    parse_change,
    posterior_rows,
)
from summitsim.kernel import count
from summitsim.observation import Setting, Target, match, observe, target_of
from summitsim.outcomes import CANCELLED, COUNT_COLUMNS, SUMMIT, VETOED, Count
from summitsim.scenario import ScenarioError, load_scenario, scenario_from_data
from summitsim.scenario.safe_yaml import read_yaml

THRESHOLD = "tests/scenarios/infer_threshold.yaml"
#: The threshold of tests/scenarios/infer_threshold.yaml, by hand: Alice cancels when
#: Bob's counter-offer, worth 0.6 s to her, is below her patience 0.27.
S_STAR = 0.27 / 0.6
CASE = "scenarios/cases/budapest_2025.yaml"


def threshold(**observed: object) -> object:
    """The threshold scenario with its ``observed:`` block replaced."""
    data = read_yaml(open(THRESHOLD, encoding="utf-8").read())[0]
    data["observed"] = {**observed, "sources": ["by hand"]}
    return scenario_from_data(data, source="threshold.yaml")


@pytest.fixture(scope="module")
def cancelled():
    return infer(load_scenario(THRESHOLD), 200_000, 1, progress=False)


@pytest.mark.slow
def test_the_posterior_below_a_threshold_is_uniform_on_zero_to_it(cancelled):
    softness = cancelled.posterior[:, 0]
    kept = cancelled.kept
    # every prior draw below s* cancels, none above: kept ~ Binomial(trials, s*)
    assert abs(kept - 200_000 * S_STAR) < 4 * np.sqrt(200_000 * S_STAR * (1 - S_STAR))
    assert softness.max() < S_STAR and softness.min() >= 0.0
    assert stats.kstest(softness, stats.uniform(0, S_STAR).cdf).pvalue > 1e-3
    row = cancelled.summary_rows()[0]
    se = S_STAR / np.sqrt(12 * kept)
    assert row["path"] == "bob.softness"
    assert abs(row["posterior_mean"] - S_STAR / 2) < 4 * se
    assert row["posterior_sd"] == pytest.approx(S_STAR / np.sqrt(12), rel=0.02)
    for key, q in (("posterior_q05", 0.05), ("posterior_median", 0.5), ("posterior_q95", 0.95)):
        # a quantile's Monte Carlo sd: sqrt(q (1 - q) / n) / density
        assert abs(row[key] - q * S_STAR) < 4 * np.sqrt(q * (1 - q) / kept) * S_STAR
    assert row["prior_mean"] == pytest.approx(0.5, abs=0.005)
    assert row["acceptance_rate"] == kept / 200_000


@pytest.mark.slow
def test_a_parameter_the_outcome_does_not_see_keeps_its_prior(cancelled):
    trust = cancelled.posterior[:, 1]
    assert stats.kstest(trust, stats.uniform(0, 1).cdf).pvalue > 1e-3


@pytest.mark.slow
def test_the_posterior_above_the_threshold_is_uniform_on_it_to_one():
    result = infer(threshold(outcome="summit"), 100_000, 2, progress=False)
    softness = result.posterior[:, 0]
    assert softness.min() >= S_STAR
    assert stats.kstest(softness, stats.uniform(S_STAR, 1 - S_STAR).cdf).pvalue > 1e-3
    assert result.summary_rows()[0]["posterior_mean"] == pytest.approx(
        (1 + S_STAR) / 2, abs=4 * (1 - S_STAR) / np.sqrt(12 * result.kept)
    )


@pytest.mark.parametrize(
    ("observed", "expected"),
    [
        ({"outcome": "cancelled", "by": "a", "date": "2030-01-04"}, "all cancellations"),
        ({"outcome": "cancelled", "by": "b"}, 0),
        ({"outcome": "cancelled", "date": "2030-01-05"}, 0),  # a day late
        ({"outcome": "cancelled", "date": ["2030-01-02", "2030-01-04"]}, "all cancellations"),
        ({"outcome": "summit", "date": "2030-01-20"}, "all summits"),
        ({"outcome": "summit", "date": "2030-01-19"}, 0),
        ({"outcome": "vetoed"}, 0),
        ({"outcome": "cancelled", "sidelined": []}, "all cancellations"),
    ],
)
def test_each_line_of_observed_must_match(observed, expected):
    scenario = threshold(**observed)
    found = infer(scenario, 5000, 4, progress=False)
    arrays = compile_scenario(scenario)
    counts = count(arrays, 5000, draws.block_key(4, 0, 0))
    wanted = {
        "all cancellations": counts[Count.CANCELLED_A],
        "all summits": counts[Count.SUMMIT],
    }.get(expected, expected)
    assert found.kept == wanted
    if wanted:
        share = S_STAR if "cancel" in expected else 1 - S_STAR
        assert found.kept == pytest.approx(5000 * share, rel=0.08)


def test_the_sidelined_set_is_matched_exactly_and_only_when_written():
    target = Target(CANCELLED, 0, None, 0b10, "")
    outcome = np.array([CANCELLED] * 4 + [VETOED])
    side = np.array([0, 0, 0, 1, 0])
    sidelined = np.array([0b10, 0b11, 0, 0b10, 0b10])
    day = np.zeros(5, dtype=np.int64)
    assert match(target, outcome, side, day, sidelined).tolist() == [
        True,  # exactly B's negotiator
        False,  # and A's as well: no others
        False,  # nobody
        False,  # cancelled by the other side
        False,  # another outcome
    ]
    anyone = Target(CANCELLED, 0, None, None, "")
    assert match(anyone, outcome, side, day, sidelined).tolist() == [True] * 3 + [False] * 2


def test_the_case_file_observation_in_kernel_terms():
    scenario = load_scenario(CASE)
    target = target_of(scenario)
    # cancelled by us on 21 or 22 October (days 5 and 6 after 16 October), Lavrov (side B's
    # negotiator) sidelined and nobody else
    assert (target.outcome, target.side, target.window, target.sidelined) == (
        CANCELLED,
        0,
        (5, 6),
        0b10,
    )
    assert target.words == "cancelled by us 2025-10-21 to 2025-10-22; sidelined: lavrov"
    data = read_yaml(open(CASE, encoding="utf-8").read())[0]
    del data["observed"]["sidelined"]
    assert target_of(scenario_from_data(data)).sidelined is None


@pytest.mark.parametrize("file", [THRESHOLD, CASE, "tests/scenarios/schema2_all.yaml"])
def test_the_kernel_reports_the_counting_kernels_trials(file):
    # the same outcomes, sides and sidelinings as kernel.count, trial for trial in sum
    arrays = compile_scenario(load_scenario(file))
    key = draws.block_key(9, 0, 3)
    n = scaled(5000)
    found = observe(Setting.as_written(arrays), key, np.arange(n), np.zeros(0, np.int64))
    counts = np.zeros(len(COUNT_COLUMNS), dtype=np.int64)
    for outcome, side, sidelined, held in zip(
        found.outcome, found.side, found.sidelined, found.held
    ):
        column = {SUMMIT: Count.SUMMIT, CANCELLED: Count.CANCELLED_A, VETOED: Count.VETOED_A}
        if outcome in column:
            counts[column[outcome] + (side if outcome != SUMMIT else 0)] += 1
        else:
            counts[Count.DEADLINE if outcome == 3 else Count.NO_DEAL] += 1
        counts[Count.SIDELINED_A] += sidelined & 1
        counts[Count.SIDELINED_B] += sidelined >> 1
        counts[Count.HELD] += held
    assert counts.tolist() == count(arrays, n, key).tolist()


def test_the_drawn_values_are_the_trials_own():
    scenario = load_scenario(CASE)
    arrays = compile_scenario(scenario)
    parameters = free_parameters(scenario)
    assert [p.name for p in parameters][:2] == ["trump.ideal.ceasefire", "trump.ideal.territory"]
    assert parameters[-1].name == "budapest_prep.held"
    index = np.array([p.index for p in parameters])
    key = draws.block_key(5, 0, 0)
    found = observe(Setting.as_written(arrays), key, np.array([7, 3]), index)
    for row, trial in enumerate((7, 3)):
        params = np.empty_like(arrays.nominal)
        draws.draw_parameters(
            arrays.nominal, *arrays.uncertainty.columns(), draws.trial_key(key, trial), params
        )
        assert found.drawn[row].tolist() == params[index].tolist()


@pytest.mark.slow
def test_a_change_reruns_the_kept_trials_with_their_own_draws(cancelled):
    scenario = load_scenario(THRESHOLD)
    changes = [
        parse_change(scenario, "alice.patience=0.1"),
        parse_change(scenario, "bob.softness=0.7"),
        parse_change(scenario, "alice.patience=0.27"),  # the scenario's own value
        parse_change(scenario, "alice.patience=0.1,bob.softness=0.1"),
    ]
    result = infer(scenario, 200_000, 1, changes, progress=False)
    assert result.kept == cancelled.kept
    patience, soft, same, both = result.counterfactuals
    # by hand: with patience 0.1 Alice cancels only below s = 1/6, and a summit follows
    # from 1/6 on: P = (0.45 - 1/6) / 0.45 = 17/27 of the kept trials
    rates = patience.rates()
    assert rates["ci_low"] <= 17 / 27 <= rates["ci_high"]
    assert patience.reproduced + patience.summits == result.kept
    assert (soft.summits, soft.reproduced) == (result.kept, 0)
    assert (same.summits, same.reproduced) == (0, result.kept)  # common random numbers
    assert (both.summits, both.reproduced) == (0, result.kept)  # 0.6 * 0.1 < 0.1
    assert result.computed_trials == 200_000 + 4 * result.kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bob.softnes=0.5", "unknown field 'softnes' of bob"),
        ("bob.softness=2", "bob.softness=2: 2.0 is out of range; allowed: a number in [0, 1]"),
        ("bob.softness", "PATH=VALUE"),
        ("bob.softness=high", "is not a number"),
        ("bob.salience=0.5", "names one value per issue"),
        ("bob.softness=0.1,bob.softness=0.2", "bob.softness is given twice"),
    ],
)
def test_a_bad_change_is_one_clear_message(text, message):
    with pytest.raises(ScenarioError) as raised:
        parse_change(load_scenario(THRESHOLD), text)
    assert raised.value.field == "--whatif"
    assert message in str(raised.value)


def test_a_file_without_observed_or_uncertainty_is_refused():
    with pytest.raises(ScenarioError, match="no observed: block"):
        infer(load_scenario("tests/scenarios/one_lever.yaml"), 10, progress=False)
    data = read_yaml(open(THRESHOLD, encoding="utf-8").read())[0]
    del data["uncertainty"]
    with pytest.raises(ScenarioError, match="no uncertainty: block"):
        infer(scenario_from_data(data), 10, progress=False)


def test_moments_merged_block_by_block_are_the_whole_samples():
    values = np.random.default_rng(3).normal(20.0, 0.01, size=(1001, 3))
    moments = Moments.empty(3)
    for part in np.array_split(values, 7):
        moments.add(part)
    moments.add(values[:0])
    assert moments.count == 1001
    assert moments.mean == pytest.approx(values.mean(axis=0), rel=1e-14)
    assert moments.sd() == pytest.approx(values.std(axis=0, ddof=1), rel=1e-9)


def test_the_posterior_sample_is_bounded_in_numbers_not_below_its_floor():
    assert posterior_rows(1) == 1_000_000
    assert posterior_rows(26) == 38_461
    assert posterior_rows(1000) == 20_000
