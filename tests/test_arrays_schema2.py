"""The arrays of a schema 2 scenario (design section A of the project's arrays), worked by
hand from tests/scenarios/schema2_all.yaml, the schema 2 draws (section B) and the refusal
of schema 2 by the drivers until they simulate it."""

import math
from pathlib import Path

import numpy as np

from summitsim import arrays, draws
from summitsim.scenario import load_scenario, parse_scenario

HERE = Path(__file__).parent
ALL = HERE / "scenarios" / "schema2_all.yaml"
TEXT = ALL.read_text(encoding="utf-8")
SCENARIO = load_scenario(ALL)
NAN = math.nan
CLIPPED = 1.0 - 1e-9  # the open end of [0, 1), as the uncertainty table clips it


def test_the_flat_vector_by_hand():
    # K = 2: a side is 2 + 2 + 12 scalars + 2 believed weights = 18 entries; then noise,
    # three held probabilities and two approvers of 2 + 2 + 1 entries: 36 + 1 + 3 + 10
    us = [0.0, 0.2, 0.75, 0.25]  # ideal, salience 3:1 normalised
    us += [0.4, 0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 0.1]  # the schema 1 scalars
    us += [0.25, 0.3, 0.5, 2.0]  # reciprocity, mandate, meets_without_deal, reviews_from day
    us += [0.25, 0.75]  # rubio's belief of putin's salience, 1:3 normalised
    russia = [1.0, 1.0, 0.5, 0.5, 0.35, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]
    russia += [0.0, NAN, NAN, 0.0, NAN, NAN]  # unset mandate, null meeting, no belief
    rest = [0.03, 1.0, 0.5, 1.0]  # noise, held of the three contacts
    rest += [0.0, 0.0, 0.8, 0.2, 0.5]  # kyiv
    rest += [1.0, 0.5, 0.25, 0.75, 0.2]  # duma
    np.testing.assert_array_equal(arrays.nominal_vector(SCENARIO), us + russia + rest)
    assert arrays.side_width(2) == 18 and arrays.believes_offset(1, 2) == 34
    assert arrays.noise_offset(2) == 36 and arrays.held_offset(2) == 37
    assert arrays.approver_offset(0, 2, 3) == 40 and arrays.approver_offset(1, 2, 3) == 45
    assert (arrays.RECIPROCITY, arrays.MANDATE, arrays.MEETS_WITHOUT_DEAL) == (8, 9, 10)
    assert arrays.REVIEWS_FROM == 11


def test_the_settings_and_days_by_hand():
    built = arrays.compile_scenario(SCENARIO)
    assert (built.schema, built.clock, built.noise_model) == (2, 0, 0)  # contacts, judgement
    assert built.tactic.tolist() == [0, 1]  # rubio segment (written), lavrov tradeoff (default)
    assert built.blame.tolist() == [0, 1]  # trump always (written), putin pivotal (default)
    assert built.contact_day.tolist() == [1, 4, 8] and built.summit_day == 10
    assert built.approver_side.tolist() == [0, 1] and built.approvers == 2
    # trump reviews from 18 October: not after the contact of the 17th
    assert built.reviewed.tolist() == [[False, True], [True, True], [True, True]]
    assert built.summit_round and built.noise_shape == (4, 8)  # row T; 6 + 2 approvers
    assert built.has_negotiator.tolist() == [True, True]


def test_schema_2_defaults_of_an_unwritten_setting():
    text = TEXT.replace("clock: contacts\n", "").replace("noise_model: judgement\n", "")
    text = text.replace("      blame: always\n", "").replace("      tactic: segment\n", "")
    built = arrays.compile_scenario(parse_scenario(text))
    assert (built.clock, built.noise_model) == (1, 1)  # calendar, perception
    assert built.tactic.tolist() == [1, 1] and built.blame.tolist() == [1, 1]
    schema1 = arrays.compile_scenario(load_scenario(HERE / "scenarios" / "base.yaml"))
    assert (schema1.clock, schema1.noise_model) == (0, 0)
    assert schema1.tactic.tolist() == [0, 0] and schema1.blame.tolist() == [0, 0]
    assert not schema1.summit_round and schema1.noise_shape == (2, 6)  # schema 1's layout


def test_the_uncertainty_table_by_hand():
    table = arrays.uncertainty_table(SCENARIO)
    rows = list(
        zip(
            table.form.tolist(),
            table.index.tolist(),
            table.width.tolist(),
            table.spread.tolist(),
            table.low.tolist(),
            table.high.tolist(),
        )
    )
    assert rows == [
        (draws.UNIFORM_DAY, 15, 1, 0.0, 1.0, 6.0),  # trump.reviews_from: days 1 to 6
        (draws.UNIFORM, 38, 1, 0.0, 0.2, 0.8),  # prep_meeting.held
        (draws.NORMAL, 44, 1, 0.05, 0.0, CLIPPED),  # kyiv.reservation
        (draws.DIRICHLET, 47, 2, 30.0, 0.0, 1e6),  # duma.salience
        (draws.NORMAL, 20, 1, 0.1, 0.0, 1e6),  # putin.salience.territory
        (draws.UNIFORM, 30, 1, 0.0, 0.0, 0.5),  # lavrov.reciprocity
        (draws.UNIFORM, 32, 1, 0.0, 0.3, 0.6),  # putin.meets_without_deal
        (draws.NORMALISE, 20, 2, 0.0, 0.0, 0.0),  # putin's salience back to sum 1
        # beliefs last: lavrov's is unwritten, so it starts as trump's salience (at 2)
        (draws.COPY, 34, 2, 0.0, 2.0, 2.0),
        (draws.DIRICHLET, 34, 2, 20.0, 0.0, 1e6),
        (draws.NORMAL, 16, 1, 0.1, 0.0, 1e6),  # rubio.believes.salience.territory
        (draws.NORMALISE, 16, 2, 0.0, 0.0, 0.0),
    ]


def _draws(scenario, trials):
    built = arrays.compile_scenario(scenario)
    key = draws.block_key(3, 0, 0)
    return np.array([arrays.trial_inputs(built, key, trial)[0] for trial in range(trials)])


def test_drawn_days_are_whole_days_from_both_ends():
    days = _draws(SCENARIO, 3000)[:, 15]
    assert set(days.tolist()) == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    counts = np.bincount(days.astype(int))[1:]
    assert counts.min() > 400  # 500 expected per day


def test_uniform_day_never_passes_its_last_day():
    # u just below 1: (6 - 1 + 1) u rounds up to 6.0 in floating point, one past the span
    out = np.zeros(1)
    columns = [np.array([draws.UNIFORM_DAY]), np.array([0]), np.array([1])]
    columns += [np.zeros(1), np.array([1.0]), np.array([6.0])]
    for trial in range(2000):
        draws.draw_parameters(
            np.zeros(1), *columns, draws.trial_key(np.array([1, 2], np.uint64), trial), out
        )
        assert 1.0 <= out[0] <= 6.0 and out[0] == int(out[0])
    assert math.floor(1.0 + 6.0 * (1.0 - 2.0**-54)) == 7  # the case the min() guards


def test_a_belief_follows_the_other_principals_drawn_salience():
    text = TEXT.replace(
        "  lavrov.believes.salience: {concentration: 20}",
        "  trump.salience: {concentration: 5}\n  lavrov.believes.salience: {concentration: 1.0e+6}",
    )
    drawn = _draws(parse_scenario(text), 200)
    trump, belief = drawn[:, 2:4], drawn[:, 34:36]
    assert np.abs(trump - [0.75, 0.25]).max() > 0.1  # trump's salience does vary
    np.testing.assert_allclose(belief, trump, atol=0.01)  # the belief is read around it
    np.testing.assert_allclose(belief.sum(axis=1), 1.0)
    written = _draws(SCENARIO, 200)[:, 16:18]  # rubio's written belief, one issue drawn
    np.testing.assert_allclose(written.sum(axis=1), 1.0)
    assert abs(written[:, 0].mean() - 0.25) < 0.05


def test_contact_held_draws():
    key = draws.trial_key(draws.block_key(0, 0, 0), 5)
    assert draws.contact_held(key, 3, 1.0)  # sure: no draw
    u = draws.uniform(key, draws.HELD_COUNTER + 3)
    assert draws.contact_held(key, 3, u + 1e-12) and not draws.contact_held(key, 3, u)
    block = draws.block_key(1, 0, 0)
    held = np.array([draws.contact_held(draws.trial_key(block, n), 1, 0.3) for n in range(4000)])
    assert abs(held.mean() - 0.3) < 0.03
    built = arrays.compile_scenario(SCENARIO)
    params, _ = arrays.trial_inputs(built, block, 7)
    mask = arrays.trial_held(built, params, block, 7)
    trial_key = draws.trial_key(block, 7)
    assert mask.tolist() == [
        True,
        draws.uniform(trial_key, draws.HELD_COUNTER + 1) < params[38],
        True,
    ]


def test_the_noise_layout_with_approvers_and_a_summit_row():
    key = draws.trial_key(draws.block_key(7, 0, 0), 3)
    out = np.empty((4, 8))
    draws.noise_matrix(key, 4, out)
    for row in range(4):
        for slot in range(8):
            counter = draws.NOISE_COUNTER + 8 * row + slot
            assert out[row, slot] == draws.standard_normal(key, counter)
    assert draws.APPROVER == 6 and draws.noise_slots(2) == 8 and draws.noise_slots(0) == 6
    assert draws.noise_rows(3, True) == 4 and draws.noise_rows(3, False) == 3
    schema1 = np.empty((3, 6))
    draws.noise_matrix(key, 3, schema1)  # schema 1: exactly the lazy judgement noise
    assert schema1[2, 5] == draws.judgement_noise(key, 2, 5)
    built = arrays.compile_scenario(SCENARIO)
    assert arrays.trial_inputs(built, draws.block_key(7, 0, 0), 3)[1].shape == (4, 8)
    assert arrays.nominal_inputs(built)[1].shape == (4, 8)


def test_the_drivers_compile_schema_2_and_schema_2_values_in_schema_1_files():
    """Both drivers simulate every schema 2 field: nothing is refused any more."""
    assert arrays.compile_scenario(SCENARIO).schema == 2
    base = (HERE / "scenarios" / "base.yaml").read_text(encoding="utf-8")
    text = base.replace(
        "      reservation: 0.4\n", "      reservation: 0.4\n      mandate: 0.3\n", 1
    )
    built = arrays.compile_scenario(parse_scenario(text))
    assert built.nominal[arrays.field_offset(1, "mandate", built.issues)] == 0.3


def test_a_principal_negotiating_for_itself_carries_the_negotiator_fields():
    logroll = (HERE / "scenarios" / "logroll.yaml").read_text(encoding="utf-8")
    text = logroll.replace("schema: 1", "schema: 2").replace(
        "      reservation: 0.2\n",
        "      reservation: 0.2\n      tactic: segment\n      reciprocity: 0.5\n"
        "      believes: {salience: {territory: 1, sanctions: 1}}\n",
        1,
    )
    built = arrays.compile_scenario(parse_scenario(text))
    assert built.tactic.tolist() == [0, 1] and built.has_negotiator.tolist() == [False, False]
    assert built.nominal[4 + arrays.RECIPROCITY] == 0.5
    assert built.nominal[16:18].tolist() == [0.5, 0.5]  # trump's belief of putin's salience
    assert np.isnan(built.nominal[4 + arrays.MANDATE])  # no negotiator: no mandate
