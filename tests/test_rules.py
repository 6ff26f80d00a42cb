"""Each rule of design.md section 2 with numbers worked by hand, and its invariants."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitsim import rules

A = np.array([0.0, 1.0])
W = np.array([0.4, 0.6])


def test_utility_by_hand():
    # 1 - (0.4 * |0.5 - 0| + 0.6 * |1 - 1|) = 1 - 0.2 = 0.8
    assert rules.utility(np.array([0.5, 1.0]), A, W) == pytest.approx(0.8, abs=1e-15)
    assert rules.utility(A, A, W) == 1.0
    assert rules.utility(np.array([1.0, 0.0]), A, W) == pytest.approx(0.0, abs=1e-15)


def test_floor_by_hand():
    # f = r + h (1 - r) = 0.4 + 0.5 * 0.6 = 0.7
    assert rules.floor(0.4, 0.5) == pytest.approx(0.7)
    assert rules.floor(0.4, 0.0) == 0.4
    assert rules.floor(0.4, 1.0) == 1.0


def test_faratin_published_value():
    # Faratin et al. (1998): kappa 0.1, beta 2, t/tmax = 0.5: 0.1 + 0.9 * sqrt(0.5)
    assert rules.concession_share(1, 3, 0.1, 2.0) == pytest.approx(0.736396, abs=1e-6)


@pytest.mark.parametrize(
    "contact, contacts, softness, concession, expected",
    [
        (0, 3, 0.3, 1.0, 0.3),  # the opening demand gives up the softness share
        (2, 3, 0.3, 0.5, 1.0),  # the last contact reaches the floor
        (1, 3, 0.0, 0.5, 0.25),  # Boulware: 0.5 ** (1 / 0.5)
        (1, 3, 0.0, 2.0, 0.5**0.5),  # Conceder
        (0, 1, 0.0, 1.0, 1.0),  # a single contact: alpha = 1
    ],
)
def test_concession_share_by_hand(contact, contacts, softness, concession, expected):
    assert rules.concession_share(contact, contacts, softness, concession) == pytest.approx(
        expected, abs=1e-12
    )


def test_target_by_hand():
    # tau = 1 - alpha (1 - f) = 1 - 0.5 * 0.4 = 0.8
    assert rules.target(0.5, 0.6) == pytest.approx(0.8)
    assert rules.target(0.0, 0.6) == 1.0
    assert rules.target(1.0, 0.6) == pytest.approx(0.6)


@pytest.mark.parametrize(
    "contact, contacts, softness, concession, reservation, hawkishness, expected",
    [
        # e = 1/2, alpha = 0.2 + 0.8 * 0.5 = 0.6; f = 0.4 + 0.5 * 0.6 = 0.7; 1 - 0.6 * 0.3
        (1, 3, 0.2, 1.0, 0.4, 0.5, 0.82),
        (0, 4, 0.0, 1.0, 0.4, 0.5, 1.0),  # the opening demand of a side with softness 0
        (3, 4, 0.0, 0.5, 0.4, 0.5, 0.7),  # the last contact: the floor
        # Boulware beta 0.5 at e = 1/2: alpha = 0.25; f = 0.3: 1 - 0.25 * 0.7 = 0.825
        (1, 3, 0.0, 0.5, 0.3, 0.0, 0.825),
    ],
)
def test_aim_by_hand(contact, contacts, softness, concession, reservation, hawkishness, expected):
    got = rules.aim(contact, contacts, softness, concession, reservation, hawkishness)
    assert got == pytest.approx(expected, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    contacts=st.integers(1, 12),
    softness=st.floats(0.0, 1.0),
    concession=st.floats(0.05, 20.0),
    reservation=st.floats(0.0, 0.999),
    hawkishness=st.floats(0.0, 1.0),
    data=st.data(),
)
def test_aim_is_the_target_at_the_share_and_the_floor_to_the_bit(
    contacts, softness, concession, reservation, hawkishness, data
):
    t = data.draw(st.integers(0, contacts - 1))
    share = rules.concession_share(t, contacts, softness, concession)
    expected = rules.target(share, rules.floor(reservation, hawkishness))
    assert rules.aim(t, contacts, softness, concession, reservation, hawkishness) == expected


@pytest.mark.parametrize(
    "summit_held, own_side_cancelled, has_negotiator, blamed",
    [
        (False, False, True, True),  # the other side cancelled, a veto or the deadline
        (False, True, True, False),  # its own side cancelled: its own doing
        (True, False, True, False),  # a summit: nobody is blamed
        (False, False, False, False),  # a principal negotiating for itself
        (False, True, False, False),
        (True, False, False, False),
    ],
)
def test_blame_by_hand(summit_held, own_side_cancelled, has_negotiator, blamed):
    assert rules.blames(summit_held, own_side_cancelled, has_negotiator) is blamed


def test_offer_by_hand():
    # toward y = (1, 0): D = 0.4 * 1 + 0.6 * 1 = 1; tau 0.75 -> lambda 0.25 -> x = (0.25, 0.75)
    out = np.empty(2)
    rules.offer(A, W, np.array([1.0, 0.0]), 0.75, out)
    np.testing.assert_allclose(out, [0.25, 0.75], atol=1e-15)
    assert rules.utility(out, A, W) == pytest.approx(0.75)


def test_offer_takes_the_point_when_it_is_worth_more():
    # y worth 0.9 > tau 0.7: lambda = min(1, 0.3 / 0.1) = 1
    out = np.empty(2)
    y = np.array([0.25, 1.0])
    rules.offer(A, W, y, 0.7, out)
    np.testing.assert_array_equal(out, y)


def test_offer_at_zero_distance_is_the_point():
    out = np.empty(2)
    rules.offer(A, W, A + 1e-13, 0.5, out)
    np.testing.assert_array_equal(out, A + 1e-13)


def test_comparisons_allow_for_rounding():
    assert rules.accepts(0.7 - 1e-10, 0.0, 0.7)  # within EPS
    assert not rules.accepts(0.7 - 1e-8, 0.0, 0.7)
    assert rules.accepts(0.6, 0.1, 0.7)  # noise helps
    assert rules.approves(0.45 - 5e-10, 0.0, 0.45)
    assert not rules.approves(0.44, 0.0, 0.45)
    assert rules.cancels(0.34, 0.0, 0.5)
    assert not rules.cancels(0.5 - 5e-10, 0.0, 0.5)  # at patience: stays
    assert not rules.cancels(0.45, 0.06, 0.5)


def test_trust_and_sidelining_by_hand():
    # 1 - 0.5 * (1 + 0.2) = 0.4 < 0.5
    trust = rules.trust_after_failure(1.0, 0.5, 0.2)
    assert trust == pytest.approx(0.4)
    assert rules.sidelined(trust, 0.5)
    assert not rules.sidelined(0.5, 0.5)  # strictly below


unit = st.floats(0.0, 1.0)
issues = st.integers(1, 6)


@st.composite
def preferences(draw, k=None):
    k = k or draw(issues)
    ideal = np.array(draw(st.lists(unit, min_size=k, max_size=k)))
    raw = np.array(draw(st.lists(st.floats(0.0, 10.0), min_size=k, max_size=k)))
    if raw.sum() == 0:
        raw[0] = 1.0
    return ideal, raw / raw.sum()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_utility_in_unit_interval(data):
    ideal, weights = data.draw(preferences())
    x = np.array(data.draw(st.lists(unit, min_size=ideal.size, max_size=ideal.size)))
    assert -1e-12 <= rules.utility(x, ideal, weights) <= 1.0 + 1e-12


@settings(max_examples=200, deadline=None)
@given(
    contacts=st.integers(1, 12),
    softness=unit,
    concession=st.floats(0.05, 20.0),
    reservation=st.floats(0.0, 0.999),
    hawkishness=unit,
)
def test_targets_never_rise_and_end_at_the_floor(
    contacts, softness, concession, reservation, hawkishness
):
    floor = rules.floor(reservation, hawkishness)
    aims = [
        rules.target(rules.concession_share(t, contacts, softness, concession), floor)
        for t in range(contacts)
    ]
    assert all(later <= earlier + 1e-12 for earlier, later in itertools.pairwise(aims))
    assert aims[-1] == pytest.approx(floor, abs=1e-12)
    assert all(floor - 1e-12 <= aim <= 1.0 + 1e-12 for aim in aims)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), aim=unit)
def test_offers_stay_on_the_segment_and_above_the_target(data, aim):
    ideal, weights = data.draw(preferences())
    toward = np.array(data.draw(st.lists(unit, min_size=ideal.size, max_size=ideal.size)))
    out = np.empty(ideal.size)
    rules.offer(ideal, weights, toward, aim, out)
    assert ((out >= -1e-12) & (out <= 1 + 1e-12)).all()
    # on the segment from the own ideal to the point proposed toward
    step = np.where(np.abs(toward - ideal) > 1e-12, (out - ideal) / (toward - ideal + 1e-300), 0)
    moving = np.abs(toward - ideal) > 1e-9
    if moving.any():
        assert np.ptp(step[moving]) < 1e-6
        assert -1e-9 <= step[moving][0] <= 1 + 1e-9
    # never below the side's own target (its floor once fully conceded)
    value = rules.utility(out, ideal, weights)
    assert value >= min(aim, rules.utility(toward, ideal, weights)) - 1e-9
