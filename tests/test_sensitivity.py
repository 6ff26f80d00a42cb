"""One-at-a-time sensitivity: signs the model implies, and common random numbers."""

import pytest
from repository import BUDAPEST_FILE

from summitsim.scenario import load_scenario
from summitsim.sensitivity import default_paths, sensitivity

BUDAPEST = load_scenario(BUDAPEST_FILE)


@pytest.mark.slow
def test_levers_have_the_signs_the_model_implies():
    found = {
        row.path: row
        for row in sensitivity(
            BUDAPEST, ["putin.softness", "trump.patience", "putin.trust"], trials=20_000
        )
    }
    assert found["putin.softness"].effect > 3 * found["putin.softness"].se  # softer Moscow
    assert found["trump.patience"].effect < -3 * found["trump.patience"].se  # stricter Trump
    # trust only acts after the outcome: with the same draws the estimate is identical
    assert found["putin.trust"].effect == 0.0


def test_rows_are_ranked_and_steps_clipped():
    rows = sensitivity(
        BUDAPEST, ["putin.softness", "lavrov.hawkishness", "putin.trust"], trials=5_000
    )
    effects = [abs(row.effect) for row in rows]
    assert effects == sorted(effects, reverse=True)
    softness = next(row for row in rows if row.path == "putin.softness")
    assert (softness.low, softness.high) == (0.0, 0.1)  # 0.05 - 0.05 and + 0.05


def test_default_paths_are_the_actors_scalar_fields():
    paths = default_paths(BUDAPEST)
    assert "putin.softness" in paths and "lavrov.concession" in paths
    assert "noise" not in paths and not any(p.count(".") > 1 for p in paths)
