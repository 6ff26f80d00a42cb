"""Pivotal blame re-runs the talks only where its answer can change (summitsim.blame):
the kernel's blame and sidelining must equal those of re-running every failed trial with
the negotiator's hawkishness at 0 (design-schema2.md sections 8 and 13)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from sizes import trials as scaled

from summitsim import draws, kernel, outcomes
from summitsim.arrays import ScenarioArrays, compile_scenario, field_offset
from summitsim.scenario import load_scenario

DATA = Path(__file__).parent / "data"
BUDAPEST = DATA / "budapest_2025_schema2.yaml"
TRIALS = scaled(20_000)
KEY = draws.block_key(3, 0, 0)


def faithful(arrays: ScenarioArrays, side: int) -> ScenarioArrays:
    """The same scenario with side ``side``'s hawkishness 0 in every trial and every other
    draw unchanged: a uniform, normal or lognormal on it draws 0 from the same counter."""
    at = field_offset(side, "hawkishness", arrays.issues)
    table = arrays.uncertainty
    hit = table.index == at
    assert set(table.form[hit].tolist()) <= {draws.UNIFORM, draws.NORMAL, draws.LOGNORMAL}
    nominal = arrays.nominal.copy()
    nominal[at] = 0.0
    low, high, spread = table.low.copy(), table.high.copy(), table.spread.copy()
    low[hit], high[hit], spread[hit] = 0.0, 0.0, 0.0
    return dataclasses.replace(
        arrays,
        nominal=nominal,
        uncertainty=dataclasses.replace(table, low=low, high=high, spread=spread),
    )


def always_rerun(arrays: ScenarioArrays) -> np.ndarray:
    """The blamed masks by re-running every failed trial of each pivotal side."""
    real = kernel.simulate(arrays, TRIALS, KEY)
    blamed = np.zeros(TRIALS, dtype=np.int64)
    for j in range(2):
        if arrays.blame[j] != 1 or not arrays.has_negotiator[j]:
            continue
        counterfactual = kernel.simulate(faithful(arrays, j), TRIALS, KEY).outcome
        pivotal = (real.outcome != outcomes.SUMMIT) & (counterfactual == outcomes.SUMMIT)
        blamed |= pivotal.astype(np.int64) << j
    return blamed


def scenarios(tmp_path: Path) -> list[ScenarioArrays]:
    """The schema 2 Budapest benchmark file, and a variant in which no contact is sure (so
    some trials hold none) and Lavrov has no mandate."""
    text = BUDAPEST.read_text()
    unsure = text.replace(
        "    label: Trump-Putin phone call", "    held: 0.4\n    label: Trump-Putin"
    )
    unsure = unsure.replace("    label: Rubio-Lavrov phone call", "    held: 0.4\n    label: Rubio")
    unsure = unsure.replace("      mandate: 0.35", "      # no mandate")
    unsure = unsure.replace("  putin.mandate: {normal_sd: 0.05}\n", "")
    variant = tmp_path / "unsure.yaml"
    variant.write_text(unsure)
    return [compile_scenario(load_scenario(path)) for path in (BUDAPEST, variant)]


@pytest.mark.parametrize("which", [0, 1])
def test_pivotal_blame_equals_rerunning_every_failed_trial(tmp_path, which):
    arrays = scenarios(tmp_path)[which]
    real = kernel.simulate(arrays, TRIALS, KEY)
    blamed = always_rerun(arrays)
    np.testing.assert_array_equal(real.blamed, blamed)
    assert blamed.any(), "the comparison must include blamed negotiators"
    if which == 1:
        assert (real.outcome == outcomes.DEADLINE).any()


@pytest.mark.parametrize("which", [0, 1])
def test_counting_sidelines_exactly_the_blamed_who_fall_below_the_line(tmp_path, which):
    arrays = scenarios(tmp_path)[which]
    real = kernel.simulate(arrays, TRIALS, KEY)
    counts = kernel.count(arrays, TRIALS, KEY)
    for j, column in enumerate(outcomes.SIDELINED):
        assert counts[column] == int(((real.sidelined >> j) & 1).sum())
    # a negotiator is sidelined only if blamed, and blame sidelines in this scenario
    # (trust 1, loss 0.5 (1 + h), line 0.5: any h > 0)
    np.testing.assert_array_equal(real.sidelined, always_rerun(arrays))
