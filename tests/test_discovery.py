"""``discover``: Latin hypercube samples and the EMA Workbench's PRIM boxes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from repository import TEST_SCENARIOS

from summitsim.discovery import discover, find_boxes, latin_hypercube, patient_alpha
from summitsim.factors import Factor, parse_factors
from summitsim.scenario import load_scenario

# a summit exactly when putin.softness >= 0.5 (to 2e-9), no noise, no uncertainty
ONE_LEVER = load_scenario(TEST_SCENARIOS / "one_lever.yaml")


@pytest.mark.parametrize("seed", [0, 1])
def test_the_first_box_finds_the_softness_threshold_within_one_sampling_step(seed):
    samples = 200
    factors = parse_factors(ONE_LEVER, ["putin.softness=0:1", "putin.trust=0:1"])
    found = discover(
        ONE_LEVER, factors, samples, trials=5, threshold=0.5, seed=seed, progress=False
    )
    box = found.boxes[0]
    assert box.restricted == ("putin.softness",)
    low, high = box.limits["putin.softness"]
    assert abs(low - 0.5) <= 1.0 / samples  # one stratum of the Latin hypercube
    assert high == pytest.approx(found.points[:, 0].max())
    assert (box.coverage, box.density) == (1.0, 1.0)
    # every sample's P(summit) is 0 or 1, and 1 exactly at softness >= 0.5
    p = found.counts["p_summit"] / 5
    assert ((p == 1.0) == (found.points[:, 0] >= 0.5)).all()


def test_latin_hypercube_puts_one_sample_in_each_stratum_and_follows_the_seed():
    factors = [Factor("a", 0.0, 1.0), Factor("b", 2.0, 4.0)]
    points = latin_hypercube(factors, 50, 9)
    assert sorted(np.floor(points[:, 0] * 50).astype(int)) == list(range(50))
    assert sorted(np.floor((points[:, 1] - 2.0) / 2.0 * 50).astype(int)) == list(range(50))
    assert (points == latin_hypercube(factors, 50, 9)).all()
    assert not (points == latin_hypercube(factors, 50, 10)).all()


def test_a_diagonal_edge_keeps_the_default_peel():
    # of interest above the diagonal a + b > 1: one-sample peels stop early there, so the
    # box of the EMA Workbench's default peel, the denser one, is kept
    points = latin_hypercube([Factor("a", 0, 1), Factor("b", 0, 1)], 300, 3)
    y = points.sum(axis=1) > 1.3
    boxes, alpha = find_boxes(pd.DataFrame(points, columns=["a", "b"]), y)
    assert alpha == 0.05
    assert boxes[0].density > 0.9


def test_no_sample_of_interest_gives_no_box():
    points = latin_hypercube([Factor("a", 0, 1)], 20, 0)
    assert find_boxes(pd.DataFrame(points, columns=["a"]), np.zeros(20, dtype=bool))[0] == []


def test_patient_alpha():
    assert patient_alpha(100) == 0.01 and patient_alpha(10_000) == 0.002
