"""The schema 2 rules (design-schema2.md sections 1-8) with numbers worked by hand, and their
invariants: the trade-off offer is checked against a linear programme."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from summitsim import outcomes, rules

# The logroll of the schema 2 issue: two issues, ideals (0, 0) and (1, 1), saliences
# (0.8, 0.2) and (0.2, 0.8), reservations 0.2. Side 1 cares about issue 0, side 2 about
# issue 1: each gains most by conceding the issue the other cares about.
A1, W1 = np.array([0.0, 0.0]), np.array([0.8, 0.2])
A2, W2 = np.array([1.0, 1.0]), np.array([0.2, 0.8])
RESERVATION = 0.2


def tradeoff(own_ideal, own_salience, other_ideal, believed, aim):
    out = np.empty(own_ideal.size)
    rules.tradeoff_offer(own_ideal, own_salience, other_ideal, believed, aim, out)
    return out


# --- clocks (section 1) ---------------------------------------------------------------


def test_contacts_clock_by_hand():
    # e = t / (T - 1): 1 / 4 = 0.25, 3 / 4 = 0.75; the last contact and a lone contact: 1
    assert rules.contacts_elapsed(1, 5) == 0.25
    assert rules.contacts_elapsed(3, 5) == 0.75
    assert rules.contacts_elapsed(0, 5) == 0.0
    assert rules.contacts_elapsed(4, 5) == 1.0
    assert rules.contacts_elapsed(0, 1) == 1.0


def test_calendar_clock_by_hand():
    # start 1 October, summit 9 October: 8 days. A contact on 7 October: e = 6 / 8 = 0.75;
    # on the start day 0; on the summit day 1. A summit on the start day: 1.
    assert rules.calendar_elapsed(6, 8) == 0.75
    assert rules.calendar_elapsed(0, 8) == 0.0
    assert rules.calendar_elapsed(8, 8) == 1.0
    assert rules.calendar_elapsed(0, 0) == 1.0
    # one day before an 8-day summit: 7 / 8 = 0.875 < 1
    assert rules.calendar_elapsed(7, 8) == 0.875


def test_calendar_concession_by_hand():
    # e = 0.75, s = 0.2, beta = 1: alpha = 0.2 + 0.8 * 0.75 = 0.8; beta = 0.5 (Boulware):
    # 0.2 + 0.8 * 0.75^2 = 0.2 + 0.45 = 0.65; beta = 2: 0.2 + 0.8 * sqrt(0.75) = 0.892820
    e = rules.calendar_elapsed(6, 8)
    assert rules.concession_share_at(e, 0.2, 1.0) == pytest.approx(0.8, abs=1e-15)
    assert rules.concession_share_at(e, 0.2, 0.5) == pytest.approx(0.65, abs=1e-15)
    assert rules.concession_share_at(e, 0.2, 2.0) == pytest.approx(0.892820, abs=1e-6)
    # the ends: s at e = 0, 1 at e = 1
    assert rules.concession_share_at(0.0, 0.1, 3.0) == 0.1
    assert rules.concession_share_at(1.0, 0.1, 3.0) == 1.0
    # a contact moved later concedes more: 5 of 8 days against 6 of 8
    earlier = rules.concession_share_at(rules.calendar_elapsed(5, 8), 0.0, 1.0)
    assert earlier == pytest.approx(0.625) and earlier < rules.concession_share_at(e, 0.0, 1.0)


def schema1_share(contact, contacts, softness, concession):
    """The contacts-clock share exactly as rules.py computed it before the calendar clock."""
    if contact >= contacts - 1:
        return 1.0
    if contact == 0:
        return softness
    elapsed = contact / (contacts - 1.0)
    return softness + (1.0 - softness) * elapsed ** (1.0 / concession)


@settings(max_examples=300, deadline=None)
@given(
    contacts=st.integers(1, 40),
    data=st.data(),
    softness=st.floats(0.0, 1.0),
    concession=st.floats(0.01, 50.0),
)
def test_contacts_share_is_bit_identical_to_schema1(contacts, data, softness, concession):
    contact = data.draw(st.integers(0, contacts - 1))
    got = rules.concession_share(contact, contacts, softness, concession)
    assert got == schema1_share(contact, contacts, softness, concession)  # to the last bit


# --- trade-off offers (section 2) ------------------------------------------------------


def test_logroll_tradeoff_offers_by_hand():
    # Side 1 believes side 2's salience (0.2, 0.8): v / w = (0.25, 4), so issue 1 first.
    # tau = 0.75: B = 0.25; c_1 = 0.2 * 1 = 0.2 <= 0.25: x_1 = 1, B = 0.05;
    # c_0 = 0.8 > 0.05: x_0 = 0.05 / 0.8 = 0.0625. Worth 1 - 0.8 * 0.0625 - 0.2 = 0.75 to
    # side 1 and 1 - 0.2 * 0.9375 = 0.8125 to side 2.
    x = tradeoff(A1, W1, A2, W2, 0.75)
    np.testing.assert_allclose(x, [0.0625, 1.0], atol=1e-15)
    assert rules.utility(x, A1, W1) == pytest.approx(0.75, abs=1e-12)
    assert rules.utility(x, A2, W2) == pytest.approx(0.8125, abs=1e-12)
    # Side 2 mirrors it: v / w = (0.8 / 0.2, 0.2 / 0.8) = (4, 0.25), issue 0 first:
    # x_0 = 0, then x_1 = 1 - 0.05 / 0.8 = 0.9375; worth 0.75 to side 2, 0.8125 to side 1.
    y = tradeoff(A2, W2, A1, W1, 0.75)
    np.testing.assert_allclose(y, [0.0, 0.9375], atol=1e-15)
    assert rules.utility(y, A2, W2) == pytest.approx(0.75, abs=1e-12)
    assert rules.utility(y, A1, W1) == pytest.approx(0.8125, abs=1e-12)
    # tau = 0.9: B = 0.1 < c_1 = 0.2: half of issue 1 only, x = (0, 0.5), worth 0.9 and 0.4
    z = tradeoff(A1, W1, A2, W2, 0.9)
    np.testing.assert_allclose(z, [0.0, 0.5], atol=1e-12)
    assert rules.utility(z, A2, W2) == pytest.approx(0.4, abs=1e-12)


def logroll_frontier_u2(u1):
    """Side 2's best utility given side 1 gets u1 in the logroll, worked by hand: conceding
    issue 1 costs side 1 0.2 and gains side 2 0.8 (points (1, 0) to (0.8, 0.8)); then issue
    0 costs 0.8 and gains 0.2 (to (0, 1)). So u2 = 4 (1 - u1) for u1 >= 0.8, else
    u2 = 0.8 + (0.8 - u1) / 4."""
    return 4.0 * (1.0 - u1) if u1 >= 0.8 else 0.8 + (0.8 - u1) / 4.0


@pytest.mark.parametrize("aim", [1.0, 0.9, 0.84, 0.8 + 2**-20, 0.75, 0.68, 0.5, 0.3, 0.2])
def test_logroll_tradeoff_offers_lie_on_the_pareto_frontier(aim):
    for own, w, other, v in ((A1, W1, A2, W2), (A2, W2, A1, W1)):
        x = tradeoff(own, w, other, v, aim)
        mine, theirs = rules.utility(x, own, w), rules.utility(x, other, v)
        assert mine == pytest.approx(aim, abs=1e-12)
        assert theirs == pytest.approx(logroll_frontier_u2(mine), abs=1e-12)
        # and no package is better for both: the best the other can get while the author
        # keeps at least what it has, from a linear programme, is what it gets
        assert best_for_other(own, w, other, v, mine) == pytest.approx(theirs, abs=1e-9)


def test_logroll_under_tradeoff_against_segment_six_contacts_by_hand():
    # Six contacts on the contacts clock, linear concession, softness 0, hawkishness 0:
    # tau(t) = 1 - (t / 5) * (1 - 0.2) = 1, 0.84, 0.68, 0.52, 0.36, 0.2 for both sides.
    # t = 0: side 1 offers its ideal (B = 0), side 2 its own: nobody accepts.
    # t = 1: side 1 offers (0, 0.16 / 0.2) = (0, 0.8): worth 1 - 0.2 - 0.8 * 0.2 = 0.64 < 0.84
    #        to side 2; side 2 offers (0.2, 1): worth 0.64 < 0.84 to side 1.
    # t = 2: side 1 offers (0.12 / 0.8, 1) = (0.15, 1), worth 1 - 0.2 * 0.85 = 0.83 >= 0.68
    #        to side 2, which accepts: framework (0.15, 1) at contact index 2, worth
    #        (0.68, 0.83), on the frontier (u1 < 0.8: u2 = 0.8 + 0.12 / 4 = 0.83), where the
    #        segment tactic reaches (0.52, 0.52) only at contact index 4, worth (0.48, 0.52).
    framework, agreed_at = None, None
    for t in range(6):
        aim = rules.target(rules.concession_share(t, 6, 0.0, 1.0), rules.floor(RESERVATION, 0))
        x1 = tradeoff(A1, W1, A2, W2, aim)
        if rules.accepts(rules.utility(x1, A2, W2), 0.0, aim):
            framework, agreed_at = x1, t
            break
        x2 = tradeoff(A2, W2, A1, W1, aim)
        if rules.accepts(rules.utility(x2, A1, W1), 0.0, aim):
            framework, agreed_at = x2, t
            break
    assert agreed_at == 2
    np.testing.assert_allclose(framework, [0.15, 1.0], atol=1e-12)
    assert rules.utility(framework, A1, W1) == pytest.approx(0.68, abs=1e-12)
    assert rules.utility(framework, A2, W2) == pytest.approx(0.83, abs=1e-12)


def test_tradeoff_takes_the_other_ideal_when_it_is_worth_the_target():
    # b = (1, 1) is worth 0 to side 1: at tau = 0 it is offered whole
    np.testing.assert_array_equal(tradeoff(A1, W1, A2, W2, 0.0), A2)
    # b = (0.5, 0) is worth 1 - 0.8 * 0.5 = 0.6 >= 0.55 to side 1
    b = np.array([0.5, 0.0])
    np.testing.assert_array_equal(tradeoff(A1, W1, b, W2, 0.55), b)


def test_tradeoff_ranking_ties_keep_file_order_and_free_issues_go_first():
    a, b = np.zeros(3), np.ones(3)
    # equal ratios v / w = 1 on all three issues: B = 0.5 concedes issue 0 whole (0.25),
    # then issue 1 whole (0.25), and issue 2 stays: file order
    w = np.array([0.25, 0.25, 0.5])
    np.testing.assert_array_equal(tradeoff(a, w, b, w, 0.5), [1.0, 1.0, 0.0])
    # w_2 = 0 ranks first whatever v_2 (an issue the author does not care about is free):
    # then v / w = (1 / 0.5 = 2, 0 / 0.5 = 0) puts issue 0 next. B = 0.25: x_0 = 0.25 / 0.5
    w = np.array([0.5, 0.5, 0.0])
    v = np.array([0.5, 0.0, 0.5])
    np.testing.assert_allclose(tradeoff(a, w, b, v, 0.75), [0.5, 0.0, 1.0], atol=1e-15)
    # at tau = 1 (B = 0) only the free issue moves
    np.testing.assert_array_equal(tradeoff(a, w, b, v, 1.0), [0.0, 0.0, 1.0])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]), st.sampled_from([0.0, 0.2, 0.25, 0.5])
        ),
        min_size=1,
        max_size=7,
    )
)
def test_tradeoff_ranking_is_the_stable_sort_by_ratio_highest_first(pairs):
    # Saliences from a few values, so that exact ties (and free issues, w = 0) are common:
    # the ranking is numpy's stable sort of -v/w (w = 0 first), ties in file order.
    believed = np.array([v for v, _ in pairs])
    own = np.array([w for _, w in pairs])
    with np.errstate(divide="ignore"):
        ratio = np.where(own == 0.0, np.inf, believed / np.where(own == 0.0, 1.0, own))
    order = np.empty(len(pairs), dtype=np.int64)
    rules.tradeoff_ranking(believed, own, order)
    assert order.tolist() == np.argsort(-ratio, kind="stable").tolist()


def test_tradeoff_moves_down_as_well_as_up_and_leaves_shared_ideals():
    # own ideal (1, 0.3, 0.5), other (0, 0.3, 0.9): issue 1 is shared and stays at 0.3.
    # w = (0.5, 0.3, 0.2), v = (0.1, 0.6, 0.3): ratios (0.2, 2, 1.5): issue 1 (cost 0), then
    # issue 2: c = 0.2 * 0.4 = 0.08 <= B = 0.1, x_2 = 0.9, B = 0.02; issue 0: c = 0.5 > 0.02,
    # x_0 = 1 - 0.02 / 0.5 = 0.96.
    a, b = np.array([1.0, 0.3, 0.5]), np.array([0.0, 0.3, 0.9])
    x = tradeoff(a, np.array([0.5, 0.3, 0.2]), b, np.array([0.1, 0.6, 0.3]), 0.9)
    np.testing.assert_allclose(x, [0.96, 0.3, 0.9], atol=1e-15)


# HiGHS's default feasibility tolerance (1e-7) would let the programme beat an exact answer
TIGHT = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def best_for_other(own_ideal, own_salience, other_ideal, believed, aim):
    """The most the other side can get (as the author reads it) from any package in [0, 1]^K
    worth at least ``aim`` to the author: a linear programme in (x, s, t) with
    s_k >= |x_k - a_k|, t_k >= |x_k - b_k|, sum w s <= 1 - aim, minimising sum v t."""
    k = own_ideal.size
    eye, zero = np.eye(k), np.zeros((k, k))
    a_ub = np.vstack(
        [
            np.hstack([eye, -eye, zero]),
            np.hstack([-eye, -eye, zero]),
            np.hstack([eye, zero, -eye]),
            np.hstack([-eye, zero, -eye]),
            np.hstack([np.zeros(k), own_salience, np.zeros(k)])[None, :],
        ]
    )
    b_ub = np.concatenate([own_ideal, -own_ideal, other_ideal, -other_ideal, [1.0 - aim]])
    cost = np.concatenate([np.zeros(2 * k), believed])
    bounds = [(0.0, 1.0)] * k + [(0.0, None)] * (2 * k)
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs", options=TIGHT)
    assert result.status == 0, result.message
    return 1.0 - result.fun


# A weight is 0 or at least 1e-6: a subnormal weight (1e-267) makes an issue cost less
# than the linear programme's tolerance, so the reference would move it for "free" where
# the contract's exact budget test (c_k <= B) rightly does not.
weight = st.one_of(st.just(0.0), st.floats(1e-6, 10.0))


@st.composite
def instance(draw):
    k = draw(st.integers(1, 6))
    unit_list = st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k)
    weights = st.lists(weight, min_size=k, max_size=k)
    own, other = np.array(draw(unit_list)), np.array(draw(unit_list))
    w, v = np.array(draw(weights)), np.array(draw(weights))
    for raw in (w, v):
        if raw.sum() == 0:
            raw[0] = 1.0
    aim = draw(st.floats(0.0, 1.0))
    return own, w / w.sum(), other, v / v.sum(), aim


@settings(max_examples=300, deadline=None)
@given(instance())
def test_tradeoff_offer_is_worth_its_target_or_is_the_other_ideal(case):
    own, w, other, v, aim = case
    x = tradeoff(own, w, other, v, aim)
    assert ((x >= 0.0) & (x <= 1.0)).all()
    if np.array_equal(x, other):
        assert rules.utility(other, own, w) >= aim - 1e-12
    else:
        assert rules.utility(x, own, w) == pytest.approx(aim, abs=1e-12)
    # every issue lies between the two ideals; shared ideals stay
    lo, hi = np.minimum(own, other), np.maximum(own, other)
    assert ((x >= lo) & (x <= hi)).all()
    np.testing.assert_array_equal(x[own == other], own[own == other])


@settings(max_examples=200, deadline=None)
@given(instance())
def test_tradeoff_offer_is_the_fractional_knapsack_optimum(case):
    own, w, other, v, aim = case
    x = tradeoff(own, w, other, v, aim)
    worth_to_other = rules.utility(x, other, v)
    # no package in the box worth at least the target to its author is worth more to the
    # other side as the author reads it (the greedy walk solves the linear programme)
    assert worth_to_other >= best_for_other(own, w, other, v, aim) - 1e-9


@settings(max_examples=300, deadline=None)
@given(instance())
def test_tradeoff_walk_on_the_ranking_is_the_tradeoff_offer_to_the_bit(case):
    """The kernel ranks the issues once per trial and walks the ranking at each offer:
    the offer is exactly :func:`rules.tradeoff_offer`'s."""
    own, w, other, v, aim = case
    order = np.empty(len(own), dtype=np.int64)
    rules.tradeoff_ranking(v, w, order)
    assert sorted(order.tolist()) == list(range(len(own)))
    walked = np.empty(len(own))
    rules.tradeoff_walk(own, w, other, order, aim, walked)
    np.testing.assert_array_equal(walked, tradeoff(own, w, other, v, aim))


# --- reciprocity (section 3) -----------------------------------------------------------


def test_reciprocity_by_hand():
    # the other side's offer rose from 0.55 to 0.7 to j: Delta = 0.15; rho = 0.5 concedes
    # 0.075 from the previous target 0.9: min(0.88, 0.825) = 0.825, above the floor 0.4
    gain = rules.conceded_gain(0.7, 0.55)
    assert gain == pytest.approx(0.15, abs=1e-15)
    assert rules.reciprocal_target(0.88, 0.9, 0.5, gain, 0.4) == pytest.approx(0.825)
    # a small gain leaves the time-dependent target in charge: 0.9 - 0.5 * 0.01 > 0.88
    assert rules.reciprocal_target(0.88, 0.9, 0.5, 0.01, 0.4) == 0.88
    # a large gain cannot push the target under the floor: 0.9 - 1 * 0.7 = 0.2 -> 0.4
    assert rules.reciprocal_target(0.88, 0.9, 1.0, 0.7, 0.4) == 0.4
    # a retreat by the other side counts as no concession
    assert rules.conceded_gain(0.5, 0.6) == 0.0


@settings(max_examples=300, deadline=None)
@given(
    time_aim=st.floats(-1.0, 2.0),
    previous=st.floats(-1.0, 2.0),
    gain=st.floats(0.0, 1.0),
    floor=st.floats(0.0, 1.0),
)
def test_reciprocity_zero_is_the_time_dependent_target_exactly(time_aim, previous, gain, floor):
    # no max(f, .) with rho = 0, even where the time target lies under the floor
    assert rules.reciprocal_target(time_aim, previous, 0.0, gain, floor) == time_aim


@settings(max_examples=300, deadline=None)
@given(
    floor=st.floats(0.0, 0.99),
    data=st.data(),
    rho=st.floats(1e-6, 1.0),
    gain=st.floats(0.0, 1.0),
)
def test_reciprocity_keeps_between_floor_and_time_target(floor, data, rho, gain):
    time_aim = data.draw(st.floats(floor, 1.0))
    previous = data.draw(st.floats(floor, 1.0))
    aim = rules.reciprocal_target(time_aim, previous, rho, gain, floor)
    assert floor <= aim <= time_aim


# --- mandate, meeting, approvers, blame (sections 4, 6, 7, 8) ---------------------------


def test_mandate_floor_and_the_involuntary_defection_by_hand():
    # mandate m = 0.1 under a true reservation 0.3, h = 0.5: f = 0.1 + 0.5 * 0.9 = 0.55
    assert rules.floor(0.1, 0.5) == pytest.approx(0.55)
    # a faithful negotiator (h = 0) with mandate 0.1 accepts a framework worth 0.2 at its
    # floor, which its principal, judging against r = 0.3, then vetoes
    negotiator_floor = rules.floor(0.1, 0.0)
    assert rules.accepts(0.2, 0.0, negotiator_floor)
    assert not rules.approves(0.2, 0.0, 0.3)


def test_meeting_decision_by_hand():
    # attends iff u + e >= q^m - EPS
    assert rules.attends(0.5, 0.0, 0.5)
    assert rules.attends(0.5 - 5e-10, 0.0, 0.5)  # within EPS
    assert not rules.attends(0.5 - 2e-9, 0.0, 0.5)
    assert rules.attends(0.45, 0.06, 0.5)  # the error of perception helps
    assert not rules.attends(0.45, 0.04, 0.5)
    assert rules.attends(0.0, 0.0, 0.0)  # q^m = 0: goes whatever the offer


def test_approver_test_by_hand():
    # Kyiv as an approver: ideal (0, 0), salience (0.7, 0.3), reservation 0.6. A framework
    # (0.5, 0.2) is worth 1 - 0.35 - 0.06 = 0.59 < 0.6: refused; with e = 0.02: approved
    kyiv_ideal, kyiv_salience = np.zeros(2), np.array([0.7, 0.3])
    value = rules.utility(np.array([0.5, 0.2]), kyiv_ideal, kyiv_salience)
    assert value == pytest.approx(0.59, abs=1e-15)
    assert not rules.approves(value, 0.0, 0.6)
    assert rules.approves(value, 0.02, 0.6)


@pytest.mark.parametrize(
    "outcome, counterfactual, blamed",
    [
        (outcomes.CANCELLED, outcomes.SUMMIT, True),  # h made the difference
        (outcomes.DEADLINE, outcomes.SUMMIT, True),
        (outcomes.VETOED, outcomes.SUMMIT, True),
        (outcomes.CANCELLED, outcomes.CANCELLED, False),  # it fails without h too
        (outcomes.DEADLINE, outcomes.VETOED, False),
        (outcomes.SUMMIT, outcomes.SUMMIT, False),  # nothing to blame
    ],
)
def test_pivotal_blame_on_the_kernel_codes(outcome, counterfactual, blamed):
    assert rules.pivotal_blame(outcome, counterfactual, outcomes.SUMMIT) is blamed
