"""The counter-based draws: exact where they must be, right in distribution where they may
vary, and the same whatever order they are asked for in."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from summitsim import draws

KEY = draws.trial_key(draws.block_key(7, 0, 0), 3)
N = 40_000


def sample(function, *args):
    return np.array([function(KEY, i, *args) for i in range(N)])


def test_block_keys_come_from_seed_sequence():
    expected = np.random.SeedSequence([1, 2, 3]).generate_state(2, np.uint64)
    np.testing.assert_array_equal(draws.block_key(1, 2, 3), expected)
    assert not np.array_equal(draws.block_key(1, 2, 3), draws.block_key(1, 2, 4))


def test_small_seeds_keep_their_recorded_keys():
    """Seeds below 2^32 keep the keys every earlier result was computed with (recorded
    from ``SeedSequence([7, 0, 0])`` before large seeds were keyed apart)."""
    assert [int(word) for word in draws.block_key(7, 0, 0)] == [
        16920295385781661272,
        610735763742393210,
    ]
    assert [int(word) for word in draws.block_key(2**32 - 1, 3, 4)] == [
        int(word) for word in np.random.SeedSequence([2**32 - 1, 3, 4]).generate_state(2, np.uint64)
    ]


def test_a_large_seed_does_not_replay_a_small_seeds_block():
    """2^32 + 5 was read as the words [5, 1]: point 0 of it was point 1 of seed 5."""
    large = draws.block_key(2**32 + 5, 0, 0)
    assert not np.array_equal(large, draws.block_key(5, 1, 0))
    assert not np.array_equal(large, draws.block_key(5, 0, 0))
    assert not np.array_equal(draws.block_key(2**32, 0, 0), draws.block_key(0, 1, 0))


def test_distinct_seed_point_block_give_distinct_keys():
    seeds = [0, 1, 5, 2**32 - 1, 2**32, 2**32 + 1, 2**32 + 5, 2**33, 2**63, 2**64 - 1]
    triples = [(s, p, b) for s in seeds for p in (0, 1, 2, 5) for b in (0, 1, 2, 5)]
    keys = {tuple(int(w) for w in draws.block_key(*triple)) for triple in triples}
    assert len(keys) == len(triples)


@pytest.mark.parametrize(("seed", "point", "block"), [(-1, 0, 0), (2**64, 0, 0), (0, 2**32, 0)])
def test_keys_outside_the_bounds_are_refused(seed, point, block):
    with pytest.raises(ValueError, match="outside"):
        draws.block_key(seed, point, block)


def test_trial_keys_differ_and_repeat():
    block = draws.block_key(0, 0, 0)
    keys = {int(draws.trial_key(block, i)) for i in range(10_000)}
    assert len(keys) == 10_000
    assert draws.trial_key(block, 5) == draws.trial_key(block.copy(), 5)


def test_ziggurat_normal_is_normal_in_the_body_and_the_tails():
    z = np.array([draws.standard_normal(KEY, i) for i in range(400_000)])
    assert stats.kstest(z, stats.norm().cdf).pvalue > 1e-3
    # beyond the base layer (R = 3.4426) the tail algorithm takes over: 0.058% of draws
    beyond = np.sum(np.abs(z) > 3.442619855899)
    expected = z.size * 2 * stats.norm.sf(3.442619855899)
    assert abs(beyond - expected) < 4 * np.sqrt(expected)
    tail = np.abs(z[np.abs(z) > 3.442619855899])
    conditional = stats.truncnorm(3.442619855899, np.inf)
    assert stats.kstest(tail, conditional.cdf).pvalue > 1e-3


def test_each_number_depends_on_its_counter_alone():
    forward = [draws.standard_normal(KEY, i) for i in range(2000)]
    backward = [draws.standard_normal(KEY, i) for i in reversed(range(2000))][::-1]
    assert forward == backward


def test_uniform_and_normal_pass_kolmogorov_smirnov():
    assert stats.kstest(sample(draws.uniform), "uniform").pvalue > 1e-3
    assert stats.kstest(sample(draws.standard_normal), "norm").pvalue > 1e-3


@pytest.mark.parametrize("shape", [0.3, 1.0, 2.5, 30.0])
def test_gamma_passes_kolmogorov_smirnov(shape):
    values = np.array([draws.gamma(KEY, 64 * i, shape)[0] for i in range(N // 4)])
    assert stats.kstest(values, stats.gamma(shape).cdf).pvalue > 1e-3


def table(*rows):
    columns = list(zip(*rows))
    return (
        np.array(columns[0], np.int64),
        np.array(columns[1], np.int64),
        np.array(columns[2], np.int64),
        *(np.array(c, np.float64) for c in columns[3:]),
    )


def draw_many(nominal, columns, trials=8000):
    out = np.empty((trials, nominal.size))
    block = draws.block_key(0, 0, 0)
    for i in range(trials):
        draws.draw_parameters(nominal, *columns, draws.trial_key(block, i), out[i])
    return out


def test_uncertainty_forms_have_the_stated_distributions():
    nominal = np.array([0.5, 0.2, 0.7, 0.3, 0.9, 0.4, 0.6])
    columns = table(
        (draws.UNIFORM, 0, 1, 0.0, 0.3, 0.6),
        (draws.NORMAL, 1, 1, 0.05, 0.0, 1.0),
        (draws.LOGNORMAL, 2, 1, 0.3, 1e-9, np.inf),
        (draws.BETA, 3, 2, 30.0, 0.0, 1.0),
        (draws.DIRICHLET, 5, 2, 40.0, 0.0, 1.0),
    )
    out = draw_many(nominal, columns)
    assert stats.kstest(out[:, 0], stats.uniform(0.3, 0.3).cdf).pvalue > 1e-3
    assert stats.kstest(out[:, 1], stats.norm(0.2, 0.05).cdf).pvalue > 1e-3
    assert stats.kstest(np.log(out[:, 2] / 0.7), stats.norm(0, 0.3).cdf).pvalue > 1e-3
    assert stats.kstest(out[:, 3], stats.beta(9.0, 21.0).cdf).pvalue > 1e-3
    assert stats.kstest(out[:, 4], stats.beta(27.0, 3.0).cdf).pvalue > 1e-3
    # Dirichlet(40 * (0.4, 0.6)): the first weight is Beta(16, 24), the two sum to 1
    assert stats.kstest(out[:, 5], stats.beta(16.0, 24.0).cdf).pvalue > 1e-3
    np.testing.assert_allclose(out[:, 5] + out[:, 6], 1.0, atol=1e-12)


def test_normal_forms_are_clipped_to_the_field_range():
    nominal = np.array([0.98])
    out = draw_many(nominal, table((draws.NORMAL, 0, 1, 0.5, 0.0, 1.0)), trials=2000)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert (out == 1.0).any() and (out == 0.0).any()


def test_beta_means_at_the_edges_are_pulled_inside():
    out = draw_many(np.array([0.0, 1.0]), table((draws.BETA, 0, 2, 30.0, 0.0, 1.0)), 4000)
    assert abs(out[:, 0].mean() - 0.01) < 0.005
    assert abs(out[:, 1].mean() - 0.99) < 0.005


def test_zero_salience_stays_zero_under_dirichlet():
    out = draw_many(np.array([0.0, 0.3, 0.7]), table((draws.DIRICHLET, 0, 3, 10.0, 0.0, 1.0)), 500)
    assert (out[:, 0] == 0.0).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_noise_matrix_is_the_lazy_noise():
    out = np.empty((4, draws.NOISE_SLOTS))
    draws.noise_matrix(KEY, 4, out)
    assert out[2, 5] == draws.judgement_noise(KEY, 2, 5)
    assert out[0, 0] == draws.standard_normal(KEY, draws.NOISE_COUNTER)


# -- allowed extremes never give NaN (issue 8, point 5) -----------------------------------

#: The concentrations a scenario may give (summitsim.scenario.CONCENTRATION).
LEAST, MOST = 1e-3, 1e6


def test_beta_with_the_least_concentration_is_finite_and_in_range():
    # Gamma(0.003 * mean) underflows to 0 for most uniforms: both gammas 0 gave 0 / 0
    out = draw_many(np.array([0.5, 0.3]), table((draws.BETA, 0, 2, 0.003, 0.0, 1.0)), 2000)
    assert np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0
    # nearly all mass at the ends, with P(1) = mean (the limit of Beta as c -> 0)
    assert ((out < 1e-6) | (out > 1 - 1e-6)).mean() > 0.95
    assert abs((out[:, 0] > 0.5).mean() - 0.5) < 0.05
    assert abs((out[:, 1] > 0.5).mean() - 0.3) < 0.05


def test_dirichlet_with_the_least_concentration_is_finite_and_sums_to_1():
    nominal = np.array([0.0, 0.2, 0.3, 0.5])
    out = draw_many(nominal, table((draws.DIRICHLET, 0, 4, LEAST, 0.0, 1.0)), 2000)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    assert (out[:, 0] == 0.0).all()
    # in the limit one issue takes all the weight, issue k with probability w_k
    winners = out.argmax(axis=1)
    assert abs((winners == 3).mean() - 0.5) < 0.05


def test_the_log_path_is_the_same_variate():
    # where both can be computed, log_gamma is the log of gamma, drawn from the same counters
    for shape in (0.3, 1.0, 7.5):
        for i in range(200):
            value, after = draws.gamma(KEY, 64 * i, shape)
            log_value, log_after = draws.log_gamma(KEY, 64 * i, shape)
            assert after == log_after
            assert np.log(value) == pytest.approx(log_value, rel=1e-12, abs=1e-12)


def test_salience_drawn_all_to_zero_becomes_equal_weights():
    # two small raw weights with a wide normal: both clip to 0 in about a quarter of trials
    nominal = np.array([0.5, 0.5])
    columns = table(
        (draws.NORMAL, 0, 1, 5.0, 0.0, 1e6),
        (draws.NORMAL, 1, 1, 5.0, 0.0, 1e6),
        (draws.NORMALISE, 0, 2, 0.0, 0.0, 0.0),
    )
    out = draw_many(nominal, columns, 2000)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    assert (out == 0.5).all(axis=1).sum() > 300


def test_lognormal_of_zero_with_a_huge_sd_stays_zero():
    nominal = np.array([0.0, 2.0])
    big = np.finfo(np.float64).max
    columns = table(
        (draws.LOGNORMAL, 0, 1, 1e300, 0.0, 1.0), (draws.LOGNORMAL, 1, 1, 1e300, 1e-9, big)
    )
    out = draw_many(nominal, columns, 500)
    assert (out[:, 0] == 0.0).all()
    assert np.isfinite(out).all() and out[:, 1].min() >= 1e-9


@settings(max_examples=200, deadline=None)
@given(
    concentration=st.floats(LEAST, MOST),
    means=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5),
    raw=st.lists(st.floats(0.0, 1e6), min_size=2, max_size=5).filter(lambda w: sum(w) > 0),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_allowed_concentration_gives_finite_draws_in_range(concentration, means, raw, seed):
    weights = np.array(raw) / sum(raw)
    k, m = len(means), len(weights)
    nominal = np.concatenate([means, weights])
    columns = table(
        (draws.BETA, 0, k, concentration, 0.0, 1.0),
        (draws.DIRICHLET, k, m, concentration, 0.0, 1.0),
    )
    block = draws.block_key(seed, 0, 0)
    out = np.empty_like(nominal)
    for trial in range(20):
        draws.draw_parameters(nominal, *columns, draws.trial_key(block, trial), out)
        assert np.isfinite(out).all(), out
        assert (out >= 0.0).all() and (out[:k] <= 1.0).all()
        assert out[k:].sum() == pytest.approx(1.0)
        assert (out[k:][weights == 0.0] == 0.0).all()
