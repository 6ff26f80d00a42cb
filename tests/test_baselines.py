"""The baselines with numbers worked by hand, and the Nash point against linear programmes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from summitsim import baselines, rules

# The logroll: ideals (0, 0) and (1, 1), saliences (0.8, 0.2) and (0.2, 0.8), reservations 0.2
IDEALS = np.array([[0.0, 0.0], [1.0, 1.0]])
SALIENCES = np.array([[0.8, 0.2], [0.2, 0.8]])
RESERVATIONS = np.array([0.2, 0.2])


def test_compromise_of_the_logroll_by_hand():
    # x_0 = (0.8 * 0 + 0.2 * 1) / 1 = 0.2, x_1 = (0.2 * 0 + 0.8 * 1) / 1 = 0.8;
    # u_1 = 1 - 0.8 * 0.2 - 0.2 * 0.8 = 0.68, u_2 = 1 - 0.2 * 0.8 - 0.8 * 0.2 = 0.68
    result = baselines.compromise_baseline(IDEALS, SALIENCES, RESERVATIONS)
    np.testing.assert_allclose(result.framework, [0.2, 0.8], atol=1e-15)
    assert result.utilities == pytest.approx((0.68, 0.68), abs=1e-15)
    assert result.accepted == (True, True) and result.predicts_summit
    # with reservations (0.7, 0.2) side 1 refuses 0.68: no summit predicted
    refused = baselines.compromise_baseline(IDEALS, SALIENCES, [0.7, 0.2])
    assert refused.accepted == (False, True) and not refused.predicts_summit
    # and within EPS of the reservation it accepts, like the model's approval
    at_edge = baselines.compromise_baseline(IDEALS, SALIENCES, [0.68 + 5e-10, 0.2])
    assert at_edge.accepted == (True, True)


def test_compromise_weights_issues_and_takes_the_mean_where_nobody_cares():
    # issue 0: (1.0 * 0.1 + 0.3 * 0.7) / 1.3 = 0.31 / 1.3; issue 1: side 2 alone weighs it:
    # its ideal 0.9; issue 2: nobody weighs it: the mean (0.2 + 0.8) / 2 = 0.5
    ideals = np.array([[0.1, 0.0, 0.2], [0.7, 0.9, 0.8]])
    saliences = np.array([[1.0, 0.0, 0.0], [0.3, 0.7, 0.0]])
    np.testing.assert_allclose(
        baselines.compromise(ideals, saliences), [0.31 / 1.3, 0.9, 0.5], atol=1e-15
    )


def test_nash_point_of_the_logroll_is_exact():
    # frontier (by hand): (1, 0) -> concede issue 1 -> (0.8, 0.8) -> concede issue 0 -> (0, 1).
    # First piece: (0.8 - 0.2 s)(0.8 s - 0.2) has its peak at s = 2.125 > 1, so s = 1; second
    # piece: (0.6 - 0.8 s)(0.6 + 0.2 s) falls from s = 0. The Nash point is the kink (0, 1),
    # worth (0.8, 0.8): each side concedes the issue the other cares about.
    result = baselines.nash_baseline(IDEALS, SALIENCES, RESERVATIONS)
    assert result.framework.tolist() == [0.0, 1.0]
    assert result.utilities == (0.8, 0.8)
    assert result.accepted == (True, True) and result.predicts_summit


def test_nash_point_inside_a_piece_by_hand():
    # reservations (0, 0.9): only the second piece reaches u_2 >= 0.9, for s >= 0.5, where
    # u = (0.8 - 0.8 s, 0.8 + 0.2 s); (0.8 - 0.8 s)(0.2 s - 0.1) peaks where
    # -0.8 (0.2 s - 0.1) + 0.2 (0.8 - 0.8 s) = 0.24 - 0.32 s = 0: s = 0.75, x = (0.75, 1),
    # worth (0.2, 0.95)
    x = baselines.nash_point(IDEALS, SALIENCES, [0.0, 0.9])
    np.testing.assert_allclose(x, [0.75, 1.0], atol=1e-12)
    np.testing.assert_allclose(baselines.values_of(x, IDEALS, SALIENCES), [0.2, 0.95], atol=1e-12)


def test_nash_point_splits_the_surplus_on_one_issue():
    # one issue, ideals 0 and 1: u_1 = 1 - x, u_2 = x. Reservations (0.2, 0.4) leave a
    # surplus 1 - 0.6 = 0.4; (0.8 - x)(x - 0.4) peaks at x = 0.6: each side gets 0.2 over
    # its reservation, u = (0.4, 0.6)
    ideals, saliences = np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]])
    result = baselines.nash_baseline(ideals, saliences, [0.2, 0.4])
    np.testing.assert_allclose(result.framework, [0.6], atol=1e-12)
    assert result.utilities == pytest.approx((0.4, 0.6), abs=1e-12)
    # reservations (0.6, 0.6) need 1.2 of a total of 1: no framework, no summit
    none = baselines.nash_baseline(ideals, saliences, [0.6, 0.6])
    assert none.framework is None and none.utilities is None
    assert not none.predicts_summit and none.accepted == (False, False)


def test_nash_point_of_identical_ideals_is_the_ideal():
    ideals = np.array([[0.3, 0.7], [0.3, 0.7]])
    saliences = np.array([[0.5, 0.5], [0.1, 0.9]])
    result = baselines.nash_baseline(ideals, saliences, [0.9, 0.9])
    np.testing.assert_array_equal(result.framework, [0.3, 0.7])
    assert result.utilities == (1.0, 1.0)
    # a reservation of 1 is met there too, but an impossible 1.1 is not
    assert baselines.nash_point(ideals, saliences, [1.0, 1.0]) is not None
    assert baselines.nash_point(ideals, saliences, [1.1, 0.0]) is None


def test_nash_point_with_a_touching_frontier():
    # one issue, reservations (0.5, 0.5): the only framework worth both is x = 0.5, where
    # both products are 0
    x = baselines.nash_point(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]]), [0.5, 0.5])
    np.testing.assert_allclose(x, [0.5], atol=1e-8)


def test_winset_overlap_by_hand():
    # floors (0.5, 0.5): the Nash point with the floors as disagreement is again the kink
    # (0, 1) worth (0.8, 0.8): the win-sets overlap, a summit is predicted
    result = baselines.winset_baseline(IDEALS, SALIENCES, RESERVATIONS, [0.5, 0.5])
    assert result.predicts_summit and result.framework.tolist() == [0.0, 1.0]
    assert result.accepted == (True, True)
    # floors (0.85, 0.85): on the frontier u_1 = 0.85 leaves u_2 = 4 * 0.15 = 0.6 < 0.85
    none = baselines.winset_baseline(IDEALS, SALIENCES, RESERVATIONS, [0.85, 0.85])
    assert not none.predicts_summit and none.framework is None
    # floors (0.85, 0.6) just fit: x = (0, 0.75), worth (0.85, 0.6)
    x = baselines.winset_overlap(IDEALS, SALIENCES, [0.85, 0.6])
    np.testing.assert_allclose(x, [0.0, 0.75], atol=1e-8)


def test_frontier_vertices_of_a_three_issue_case():
    # ideals (0, 0.5, 1) and (1, 0.5, 0): issue 1 is shared. g / c: issue 0 0.6 / 0.3 = 2,
    # issue 2 0.4 / 0.3 = 4/3; issue 1 weighs nothing for either (its span is 0)
    ideals = np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])
    saliences = np.array([[0.3, 0.4, 0.3], [0.6, 0.0, 0.4]])
    vertices = baselines.frontier_vertices(ideals, saliences)
    assert [v.tolist() for v in vertices] == [[0, 0.5, 1], [1, 0.5, 1], [1, 0.5, 0]]


def test_base_rate_by_hand():
    assert baselines.base_rate(["not_held", "deal", "not_held", "not_held"]) == {
        "deal": 0.25,
        "no_deal": 0.0,
        "not_held": 0.75,
    }
    with pytest.raises(ValueError, match="no observed outcomes"):
        baselines.base_rate([])
    with pytest.raises(ValueError, match="unknown outcome class 'summit'"):
        baselines.base_rate(["summit"])


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="2 x K"):
        baselines.compromise(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="reservations must hold one number per side"):
        baselines.nash_baseline(IDEALS, SALIENCES, [0.2])


# HiGHS's default feasibility tolerance (1e-7) would let the programme beat an exact answer
TIGHT = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def best_u2_given_u1(ideals, saliences, least_u1):
    """max u_2 over x in [0, 1]^K with u_1 >= least_u1, by linear programming in (x, s, t):
    s_k >= |x_k - a_1k|, t_k >= |x_k - a_2k|; None when infeasible."""
    k = ideals.shape[1]
    eye, zero = np.eye(k), np.zeros((k, k))
    a_ub = np.vstack(
        [
            np.hstack([eye, -eye, zero]),
            np.hstack([-eye, -eye, zero]),
            np.hstack([eye, zero, -eye]),
            np.hstack([-eye, zero, -eye]),
            np.hstack([np.zeros(k), saliences[0], np.zeros(k)])[None, :],
        ]
    )
    b_ub = np.concatenate([ideals[0], -ideals[0], ideals[1], -ideals[1], [1.0 - least_u1]])
    cost = np.concatenate([np.zeros(2 * k), saliences[1]])
    bounds = [(0.0, 1.0)] * k + [(0.0, None)] * (2 * k)
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs", options=TIGHT)
    return None if result.status != 0 else 1.0 - result.fun


@st.composite
def negotiation(draw):
    k = draw(st.integers(1, 5))
    unit = st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k)
    weight = st.lists(st.one_of(st.just(0.0), st.floats(0.0, 10.0)), min_size=k, max_size=k)
    ideals = np.array([draw(unit), draw(unit)])
    saliences = np.array([draw(weight), draw(weight)])
    for row in saliences:
        if row.sum() == 0:
            row[0] = 1.0
    saliences /= saliences.sum(axis=1, keepdims=True)
    reservations = np.array([draw(st.floats(0.0, 1.0)), draw(st.floats(0.0, 1.0))])
    return ideals, saliences, reservations


@settings(max_examples=200, deadline=None)
@given(negotiation(), st.integers(0, 2**32 - 1))
def test_nash_point_is_pareto_optimal_and_beats_every_feasible_framework(case, seed):
    ideals, saliences, d = case
    x = baselines.nash_point(ideals, saliences, d)
    best_u2 = best_u2_given_u1(ideals, saliences, d[0])
    if x is None:
        # no framework gives both their reservation (a margin for EPS and the solver)
        assert best_u2 is None or best_u2 < d[1] + 1e-7
        return
    u = baselines.values_of(x, ideals, saliences)
    assert (u >= d - 1e-9).all() and ((x >= 0) & (x <= 1)).all()
    # Pareto optimal: side 2 can get no more while side 1 keeps u_1
    assert best_u2_given_u1(ideals, saliences, u[0]) <= u[1] + 1e-9
    # and no framework in the box has a larger Nash product
    product = np.prod(np.maximum(u - d, 0.0))
    others = np.random.default_rng(seed).random((200, ideals.shape[1]))
    for y in others:
        v = baselines.values_of(y, ideals, saliences)
        if (v >= d).all():
            assert np.prod(v - d) <= product + 1e-9


def test_values_agree_with_the_rules():
    x = np.array([0.3, 0.6])
    assert baselines.values_of(x, IDEALS, SALIENCES).tolist() == [
        rules.utility(x, IDEALS[0], SALIENCES[0]),
        rules.utility(x, IDEALS[1], SALIENCES[1]),
    ]
