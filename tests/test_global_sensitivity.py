"""Global sensitivity (Sobol', Morris) and one at a time, with common random numbers."""

from __future__ import annotations

import pytest
from repository import BUDAPEST_FILE, TEST_SCENARIOS

from summitsim.factors import parse_factors
from summitsim.global_sensitivity import analyse, check_samples
from summitsim.scenario import ScenarioError, load_scenario
from summitsim.sensitivity import sensitivity

BUDAPEST = load_scenario(BUDAPEST_FILE)
# a summit exactly when putin.softness >= 0.5, with no noise: trust and sidelining cannot matter
ONE_LEVER = load_scenario(TEST_SCENARIOS / "one_lever.yaml")
FACTORS = parse_factors(
    ONE_LEVER, ["putin.softness=0:1", "putin.trust=0:1", "trump.sideline_below=0:1"]
)


@pytest.fixture(scope="module")
def sobol():
    return analyse(ONE_LEVER, "sobol", FACTORS, 128, trials=10, seed=4, progress=False)


def _indices(result, outcome):
    return {row["factor"]: row for row in result.rows if row["outcome"] == outcome}


@pytest.mark.parametrize("outcome", ["p_summit", "p_held"])
def test_sobol_gives_the_one_factor_that_matters_all_the_variance(sobol, outcome):
    found = _indices(sobol, outcome)
    softness = found["putin.softness"]
    for index in ("S1", "ST"):
        # near 1, within its 95% interval (and the interval is informative)
        assert abs(softness[index] - 1.0) <= max(softness[f"{index}_conf"], 0.05)
        assert softness[f"{index}_conf"] < 0.3
    for name in ("putin.trust", "trump.sideline_below"):
        for index in ("S1", "ST"):
            assert abs(found[name][index]) <= found[name][f"{index}_conf"] + 1e-12


def test_sobol_sample_size_and_held_equal_summit_under_schema_1(sobol):
    assert len(sobol.points) == 128 * (3 + 2)  # Saltelli's N (D + 2) without second order
    assert (sobol.counts["p_held"] == sobol.counts["p_summit"]).all()


def test_morris_finds_the_step_and_nothing_else():
    factors = FACTORS[:2]
    result = analyse(ONE_LEVER, "morris", factors, 8, trials=5, seed=1, progress=False)
    found = _indices(result, "p_summit")
    assert len(result.points) == 8 * (2 + 1)
    # a step of 2/3 of the range crosses 0.5 from level 1/3 or 2/3: an effect of 1 / (2/3)
    assert found["putin.softness"]["mu_star"] > 0
    assert found["putin.trust"]["mu_star"] == 0.0
    assert found["putin.trust"]["sigma"] == 0.0


@pytest.mark.slow
def test_oat_gives_the_existing_one_at_a_time_numbers():
    paths = ["putin.softness", "trump.patience", "lavrov.hawkishness"]
    old = {row.path: row for row in sensitivity(BUDAPEST, paths, trials=3000, seed=2)}
    texts = [f"{p}={old[p].low!r}:{old[p].high!r}" for p in paths]
    new = analyse(BUDAPEST, "oat", parse_factors(BUDAPEST, texts), None, 3000, 2, False)
    assert [row["path"] for row in new.rows] == list(old)  # ranked alike
    for row in new.rows:
        assert (row["p_low"], row["p_high"], row["se"]) == (
            old[row["path"]].p_low,
            old[row["path"]].p_high,
            old[row["path"]].se,
        )
        assert row["held_effect"] == row["effect"]


@pytest.mark.parametrize(
    ("method", "samples", "message"),
    [
        ("sobol", 100, "100 is not a power of 2"),
        ("sobol", 2, "2 is not a power of 2"),
        ("morris", 1, "allowed: a whole number >= 2"),
        ("oat", 8, "no --samples with --method oat"),
    ],
)
def test_samples_not_allowed_are_refused(method, samples, message):
    with pytest.raises(ScenarioError, match=message) as error:
        check_samples(method, samples)
    assert error.value.field == "--samples"


def test_default_samples():
    assert (check_samples("sobol", None), check_samples("morris", None)) == (256, 20)
    assert check_samples("sobol", 64) == 64 and check_samples("oat", None) is None


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ([], "no factor given"),
        (["putin.softnes=0:1"], "unknown field 'softnes'"),
        (["putin.softness=0:1.5"], "1.5 is outside the range of putin.softness"),
        (["putin.reservation=0:1"], "1 is outside the range of putin.reservation"),
        (["putin.softness=0.6:0.2"], "LOW must be below HIGH"),
        (["putin.softness=0:1:3"], "is not of the form PATH=LOW:HIGH"),
        (["putin.softness=0:inf"], "is not of the form"),
        (["putin.salience=0:1"], "names one value per issue"),
        (["putin.softness=0:1", "putin.softness=0:0.5"], "given twice"),
    ],
)
def test_bad_factors_are_refused(texts, message):
    with pytest.raises(ScenarioError, match=message) as error:
        parse_factors(BUDAPEST, texts)
    assert error.value.field == "--factor"


def test_sobol_intervals_are_the_same_for_the_same_seed_even_seed_0():
    # SALib's sobol.analyze draws its bootstrap from numpy's global state when seed is 0
    runs = [analyse(ONE_LEVER, "sobol", FACTORS[:2], 16, 3, 0, False).rows for _ in range(2)]
    assert runs[0] == runs[1]
    by_outcome = {
        o: [r["S1_conf"] for r in runs[0] if r["outcome"] == o] for o in ("p_summit", "p_held")
    }
    assert by_outcome["p_summit"] == by_outcome["p_held"]  # the same P, the same resamples
