"""The case library (scenarios/cases/): every file validates, records what happened, and its
nominal run completes with an outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from summitsim.model import SummitModel
from summitsim.outcomes import OUTCOMES
from summitsim.scenario import load_scenario

CASES = sorted((Path(__file__).parent.parent / "scenarios" / "cases").glob("*.yaml"))


def test_the_library_holds_at_least_ten_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_case_validates_and_its_nominal_run_completes(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.observed is not None, "a case records what happened"
    assert scenario.observed.sources, "a case names its sources"
    ending = SummitModel(scenario).run()  # the nominal run, as `summitsim run FILE`
    assert ending.kind in OUTCOMES
    assert ending.side is None or ending.side in scenario.side_ids
