"""Held values (README, "Held values"): a value the user sets is held the same way by
``run --set``, sweeps and the classroom page, through :func:`summitsim.scenario.overrides.hold`."""

from pathlib import Path

import numpy as np

from summitsim.arrays import path_offset
from summitsim.demo import app
from summitsim.draws import UNIFORM
from summitsim.model import SummitModel
from summitsim.scenario import load_scenario, overrides, parse_scenario
from summitsim.scenario.overrides import hold, undrawn, with_held_values
from summitsim.scenario.paths import resolve
from summitsim.sweep import Grid, SweepPlan

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "tests" / "scenarios" / "base.yaml").read_text(encoding="utf-8")
BUDAPEST = str(ROOT / "scenarios" / "v1" / "budapest_2025.yaml")
# every form of the file, on paths that a test can hold
EVERY_FORM = BASE.replace(
    "  lavrov.concession: {lognormal_sd: 0.3}\n",
    "  lavrov.concession: {lognormal_sd: 0.3}\n"
    "  putin.reservation: {normal_sd: 0.05}\n"
    "  trump.ideal.territory: {uniform: [0.0, 0.2]}\n",
)


def forms(scenario) -> dict[str, list[str]]:
    return {path: spec.forms for path, spec in scenario.uncertainty.items()}


def test_a_held_uniform_is_not_drawn_and_every_other_form_stays():
    scenario = parse_scenario(EVERY_FORM, "every.yaml")
    paths = ["trump.patience", "putin.ideal.territory", "lavrov.concession", "putin.reservation"]
    fixed = hold(scenario, paths)
    assert forms(fixed) == {
        "putin.ideal": ["concentration"],
        "lavrov.concession": ["lognormal_sd"],
        "putin.reservation": ["normal_sd"],
        "trump.ideal.territory": ["uniform"],  # not held: trump.ideal.ceasefire or others
    }
    assert undrawn(scenario, paths) == ["trump.patience"]
    # the scenario itself is unchanged, and nothing held gives the same object back
    assert "trump.patience" in scenario.uncertainty
    assert hold(scenario, ["putin.softness"]) is scenario


def test_holding_a_whole_vector_holds_each_of_its_issues():
    scenario = parse_scenario(EVERY_FORM, "every.yaml")
    fixed = with_held_values(scenario, {"trump.ideal": [0.1, 0.3]})
    assert "trump.ideal.territory" not in fixed.uncertainty
    assert fixed.sides[0].principal.ideal == {"territory": 0.1, "ceasefire": 0.3}


def test_a_held_value_is_the_value_of_every_trial():
    scenario = with_held_values(parse_scenario(BASE, "base.yaml"), {"trump.patience": 0.05})
    assert [SummitModel(scenario, seed=s).principals[0].patience for s in range(5)] == [0.05] * 5


def test_the_sweep_holds_its_grid_values_with_the_same_function():
    scenario = load_scenario(BUDAPEST)
    grid = Grid.parse(scenario, ["trump.patience=0:0.5:2"])
    patience, _ = path_offset(resolve(scenario, "trump.patience"), scenario.issue_ids)
    for arrays in SweepPlan(scenario, grid, 10, 0).point_arrays():
        table = arrays.uncertainty
        uniform_at = [i for f, i in zip(table.form, table.index) if f == UNIFORM]
        assert patience not in uniform_at
        assert len(uniform_at) == 1  # lavrov.hawkishness: not swept, still drawn


def test_the_page_holds_a_moved_slider_with_the_same_function(monkeypatch):
    params = app.model_params(BUDAPEST, load_scenario(BUDAPEST))
    values = {k: v["value"] for k, v in params.items() if isinstance(v, dict) and "min" in v}
    moved = {**values, "trump.patience": 0.0}
    calls = []
    monkeypatch.setattr(app, "hold", lambda s, paths: calls.append(list(paths)) or hold(s, paths))
    scenario = app.with_sliders(BUDAPEST, moved)
    assert calls == [["trump.patience"]]
    assert app.hold.__module__ != overrides.__name__  # the spy, wrapping overrides.hold
    assert "trump.patience" not in scenario.uncertainty
    assert "lavrov.hawkishness" in scenario.uncertainty  # its slider was not moved
    model = app.ClassroomModel(BUDAPEST, seed="1", **moved)
    model.run()
    reviews = [e.text for e in model.events if "Donald Trump" in e.text and "patience" in e.text]
    assert reviews and all(text.endswith("patience 0.000)") for text in reviews)
    assert np.isclose(model.principals[0].patience, 0.0)


def test_held_fixed_lists_the_held_paths_whose_uniform_is_dropped_in_their_order():
    """What a manifest lists as held fixed: the same rule as :func:`hold`, in the order
    the paths were given (a sweep's --over order, as its manifest always listed them)."""
    scenario = load_scenario(BUDAPEST)
    given = ["lavrov.hawkishness", "putin.softness", "trump.patience", "putin.reservation"]
    assert overrides.held_fixed(scenario, given) == ["lavrov.hawkishness", "trump.patience"]
    assert overrides.held_fixed(scenario, given[::-1]) == ["trump.patience", "lavrov.hawkishness"]
    # a vector path holds the uniform of each of its issues
    every = parse_scenario(EVERY_FORM)
    assert overrides.held_fixed(every, ["trump.ideal"]) == ["trump.ideal"]
    assert overrides.held_fixed(every, ["trump.ideal.territory", "putin.ideal"]) == [
        "trump.ideal.territory"
    ]
