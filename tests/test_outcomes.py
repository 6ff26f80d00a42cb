"""One list of outcomes and count columns (summitsim.outcomes), read by name everywhere:
its layout by hand (checkpoint files and summary.csv depend on it), the drivers' codes,
and the words the scenario files and the account use."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from summitsim import kernel
from summitsim.arrays import compile_scenario
from summitsim.draws import block_key
from summitsim.model import SummitModel
from summitsim.outcomes import (
    CANCELLED_BY,
    COUNT_COLUMNS,
    OUTCOME_COLUMNS,
    OUTCOMES,
    SIDELINED,
    VETOED_BY,
    Count,
    Outcome,
    OutcomeWord,
)
from summitsim.scenario import ScenarioError, parse_scenario
from summitsim.scenario.outcomes import Expect, Observed
from summitsim.scenario.schema import Consequence

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "tests" / "scenarios" / "base.yaml").read_text(encoding="utf-8")


def test_the_layout_by_hand():
    assert OUTCOMES == ("summit", "cancelled", "vetoed", "deadline", "no_deal")
    assert [int(o) for o in Outcome] == [0, 1, 2, 3, 4]
    assert COUNT_COLUMNS == (
        "summit",
        "cancelled_a",
        "cancelled_b",
        "vetoed_a",
        "vetoed_b",
        "deadline",
        "sidelined_a",
        "sidelined_b",
        "no_deal",
        "held",
    )
    # schema 1's eight columns come first, in their old order; schema 2 appends
    assert OUTCOME_COLUMNS == (0, 1, 2, 3, 4, 5, 8)
    assert (CANCELLED_BY, VETOED_BY, SIDELINED) == ((1, 2), (3, 4), (6, 7))
    assert Outcome(2).word == "vetoed" and Count.SIDELINED_B.column == "sidelined_b"


def test_the_kernel_counts_each_outcome_in_its_named_column():
    """Per-trial outcomes of a block, tallied by hand into the named columns, equal the
    counting kernel's row."""
    scenario = parse_scenario(BASE)
    arrays = compile_scenario(scenario)
    trials = kernel.simulate(arrays, 5000, block_key(3, 0, 0))
    expected = np.zeros(len(COUNT_COLUMNS), dtype=np.int64)
    for outcome, side, sidelined, held in zip(
        trials.outcome, trials.side, trials.sidelined, trials.held
    ):
        expected[Count.HELD] += held
        if outcome == Outcome.SUMMIT:
            expected[Count.SUMMIT] += 1
        elif outcome == Outcome.DEADLINE:
            expected[Count.DEADLINE] += 1
        elif outcome == Outcome.NO_DEAL:
            expected[Count.NO_DEAL] += 1
        else:
            expected[(CANCELLED_BY if outcome == Outcome.CANCELLED else VETOED_BY)[side]] += 1
        for j in (0, 1):
            expected[SIDELINED[j]] += (sidelined >> j) & 1
    found = kernel.count(arrays, 5000, block_key(3, 0, 0), parallel=False)
    np.testing.assert_array_equal(found, expected)
    assert found[list(OUTCOME_COLUMNS)].sum() == 5000


def test_the_model_ends_with_an_outcome_word():
    ending = SummitModel(parse_scenario(BASE)).run()
    assert ending.kind in OUTCOMES


@pytest.mark.parametrize("word", OUTCOMES)
def test_a_scenario_expects_any_outcome_word(word):
    text = BASE.rstrip() + f"\nexpect:\n  outcome: {word}\n"
    assert parse_scenario(text).expect.outcome == word


def test_a_scenario_cannot_expect_another_word():
    with pytest.raises(ScenarioError, match=r"expect\.outcome"):
        parse_scenario(BASE.rstrip() + "\nexpect:\n  outcome: collapse\n")


def test_the_outcome_type_is_the_enum_words_and_the_schema_reads_it():
    # in the order of the messages: "allowed: one of summit, no_deal, cancelled, ..."
    assert get_args(OutcomeWord) == ("summit", "no_deal", "cancelled", "vetoed", "deadline")
    assert sorted(get_args(OutcomeWord)) == sorted(OUTCOMES)
    assert Expect.model_fields["outcome"].annotation == OutcomeWord | None
    assert Observed.model_fields["outcome"].annotation == OutcomeWord
    assert get_args(Consequence.model_fields["when"].annotation) == (
        "summit",
        "no_deal",
        "held",
        "cancelled",
        "vetoed",
        "deadline",
        "collapse",
        "failure",
        "sidelined",
    )
