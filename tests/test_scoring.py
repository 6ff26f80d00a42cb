"""The backtest's scores with numbers worked by hand."""

import math

import pytest

from summitsim import scoring


def test_brier_and_log_by_hand():
    # p = (0.7, 0.2, 0.1), a deal happened: (0.7 - 1)^2 + 0.2^2 + 0.1^2 = 0.09 + 0.04 + 0.01
    p = (0.7, 0.2, 0.1)
    assert scoring.brier_score(p, "deal") == pytest.approx(0.14, abs=1e-15)
    assert scoring.log_score(p, "deal") == pytest.approx(-math.log(0.7), abs=1e-15)
    assert scoring.log_score(p, "deal") == pytest.approx(0.356675, abs=1e-6)
    # the same forecast, held without a deal: 0.49 + 0.64 + 0.01 = 1.14; -ln 0.2 = 1.609438
    assert scoring.brier_score(p, "no_deal") == pytest.approx(1.14, abs=1e-15)
    assert scoring.log_score(p, "no_deal") == pytest.approx(1.609438, abs=1e-6)


def test_the_ends_of_the_scales():
    assert scoring.brier_score((0, 0, 1), "not_held") == 0.0  # a sure hit
    assert scoring.log_score((0, 0, 1), "not_held") == 0.0
    assert scoring.brier_score((1, 0, 0), "not_held") == 2.0  # a sure miss
    # p_obs = 0 is floored at 1e-3: -ln(0.001) = 6.907755
    assert scoring.log_score((1, 0, 0), "not_held") == pytest.approx(6.907755, abs=1e-6)
    # under the floor too: 0.0005 -> 0.001; above it, the probability itself
    assert scoring.log_score((0.9995, 0.0, 0.0005), "not_held") == pytest.approx(6.907755, 1e-6)
    assert scoring.log_score((0.998, 0.0, 0.002), "not_held") == pytest.approx(-math.log(0.002))


def test_a_mapping_names_its_classes_and_leaves_out_zeros():
    # the base rate of four cases, 1 deal and 3 not held: Brier against a deal
    # (0.25 - 1)^2 + 0 + 0.75^2 = 0.5625 + 0.5625 = 1.125
    forecast = {"deal": 0.25, "not_held": 0.75}
    assert scoring.brier_score(forecast, "deal") == pytest.approx(1.125, abs=1e-15)
    assert scoring.log_score(forecast, "no_deal") == pytest.approx(6.907755, abs=1e-6)


def test_per_case_and_mean_by_hand():
    cases = [((0.7, 0.2, 0.1), "deal"), ((0.0, 0.5, 0.5), "not_held")]
    per_case, mean = scoring.score_cases(cases)
    # case 2: 0 + 0.25 + 0.25 = 0.5 and -ln 0.5 = 0.693147
    assert [s.brier for s in per_case] == pytest.approx([0.14, 0.5], abs=1e-15)
    assert [s.log for s in per_case] == pytest.approx([0.356675, 0.693147], abs=1e-6)
    assert mean.brier == pytest.approx(0.32, abs=1e-15)  # (0.14 + 0.5) / 2
    assert mean.log == pytest.approx((0.356675 + 0.693147) / 2, abs=1e-6)


@pytest.mark.parametrize(
    "outcome, held, expected",
    [
        ("summit", True, "deal"),
        ("no_deal", True, "no_deal"),
        ("vetoed", True, "no_deal"),  # a deal made at the summit, vetoed after: held
        ("vetoed", False, "not_held"),
        ("cancelled", False, "not_held"),
        ("deadline", False, "not_held"),
    ],
)
def test_outcome_classes(outcome, held, expected):
    assert scoring.outcome_class(outcome, held) == expected


@pytest.mark.parametrize(
    "forecast, observed, message",
    [
        ((0.5, 0.5), "deal", "3 probabilities"),
        ((0.5, 0.4, 0.0), "deal", "sum to 1"),
        ((1.2, -0.2, 0.0), "deal", r"\[0, 1\]"),
        ({"held": 1.0}, "deal", "unknown outcome class 'held'"),
        ((1.0, 0.0, 0.0), "summit", "unknown outcome class 'summit'"),
    ],
)
def test_bad_forecasts_are_refused_with_a_clear_message(forecast, observed, message):
    with pytest.raises(ValueError, match=message):
        scoring.brier_score(forecast, observed)


def test_no_cases_is_refused():
    with pytest.raises(ValueError, match="no cases"):
        scoring.score_cases([])
    with pytest.raises(ValueError, match="unknown outcome 'postponed'"):
        scoring.outcome_class("postponed", False)
