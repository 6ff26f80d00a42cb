"""The classroom page without a browser: its figures, its model wrapper and the speed of
its P(summit) curve."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from summitsim.demo import app, controls
from summitsim.figures import panels
from summitsim.scenario import load_scenario

BUDAPEST = str(Path(__file__).resolve().parents[1] / "scenarios" / "v1" / "budapest_2025.yaml")


def utility(x: np.ndarray, ideal: np.ndarray, salience: np.ndarray) -> float:
    return 1.0 - float(np.sum(salience * np.abs(x - ideal)))


def test_pareto_frontier_by_hand():
    # A gains 0.8 per unit on issue 0 where B loses 0.5: conceded first; then issue 1.
    corners = panels.pareto_frontier([0, 0], [0.8, 0.2], [1, 1], [0.5, 0.5])
    np.testing.assert_allclose(corners, [[0.0, 1.0], [0.8, 0.5], [1.0, 0.0]])


@pytest.mark.parametrize("seed", range(5))
def test_no_position_lies_beyond_the_frontier(seed):
    rng = np.random.default_rng(seed)
    ideal_a, ideal_b = rng.random(4), rng.random(4)
    salience_a, salience_b = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
    corners = panels.pareto_frontier(ideal_a, salience_a, ideal_b, salience_b)
    assert np.all(np.diff(corners[:, 0]) >= -1e-12) and np.all(np.diff(corners[:, 1]) <= 1e-12)
    for x in rng.random((500, 4)):
        u_a, u_b = utility(x, ideal_a, salience_a), utility(x, ideal_b, salience_b)
        if u_a >= corners[0, 0]:
            assert u_b <= np.interp(u_a, corners[:, 0], corners[:, 1]) + 1e-9


def test_the_cloud_values_positions_as_the_principals_do():
    model = app.ClassroomModel(**baseline_params())
    cloud = np.random.default_rng(1).random((50, len(model.setup.issues)))
    for principal in model.principals:
        expected = [principal.value(x) for x in cloud]
        np.testing.assert_allclose(panels._values(cloud, principal), expected, atol=1e-12)


def test_seed_box():
    assert app.parse_seed("") is None
    assert app.parse_seed("  ") is None
    assert app.parse_seed(" 42 ") == 42
    assert app.parse_seed(7) == 7
    for bad in ("abc", "-3", "1.5", "1e3", "²"):  # "²".isdigit() is True, int("²") fails
        assert controls.seed_problem(bad) == f"{bad!r} is not a seed: type {controls.SEED_HELP}"
        with pytest.raises(ValueError):
            app.parse_seed(bad)


def test_seed_box_takes_the_seeds_the_command_line_takes():
    """Seeds are 64-bit everywhere (draws.SEED_LIMIT): a larger one is refused in words,
    not passed on to the draws, which would raise."""
    assert app.parse_seed(str(2**64 - 1)) == 2**64 - 1
    too_large = str(2**64)
    assert (
        controls.seed_problem(too_large) == f"{too_large} is too large: type {controls.SEED_HELP}"
    )
    with pytest.raises(ValueError):
        app.parse_seed(too_large)


def test_slider_labels_show_the_value_to_the_step():
    assert controls.slider_label("Vladimir Putin: softness", 0.05, 0.01) == (
        "Vladimir Putin: softness = 0.05"
    )
    assert controls.slider_label("Noise", 0.03, 0.005) == "Noise = 0.030"
    assert controls.slider_label("Concession", 1.0, 0.05) == "Concession = 1.00"


def test_what_waits_for_reset():
    params = app.model_params(BUDAPEST, load_scenario(BUDAPEST))
    applied = {**baseline_params(), "seed": ""}
    assert controls.pending_changes(params, applied, applied) == []
    chosen = {**applied, "putin.softness": 0.8, "seed": "3"}
    assert controls.pending_changes(params, chosen, applied) == [
        "putin.softness 0.05 -> 0.80",
        "seed none -> 3",
    ]


def test_play_stops_with_the_outcome():
    """The Budapest run is decided on 21 October (day 6 of 15): that step also fires the
    consequences (the sanctions two days later, the last on 14 November) and
    the calendar stops there, saying the day of the decision (not "day 30 of 15")."""
    model = app.ClassroomModel(**baseline_params())
    steps = 0
    while model.running:
        model.step()
        steps += 1
    assert model.outcome.kind == "cancelled"
    assert model.decided_on == model.outcome.date == date(2025, 10, 21)
    assert steps == 5
    assert app.calendar_text(model) == (
        "Decided on 2025-10-21 (day 6 of 15; summit planned for 2025-10-30)"
    )
    consequences = [e for e in model.events if e.kind == "consequence"]
    assert "sanctions Rosneft" in consequences[0].text
    assert consequences[0].date == date(2025, 10, 23)
    assert consequences[-1].date == model.today == date(2025, 11, 14)
    fresh = app.ClassroomModel(**baseline_params())
    assert app.calendar_text(fresh) == (
        "Today: 2025-10-16 (day 1 of 15; summit planned for 2025-10-30)"
    )


def test_the_picker_lists_every_shipped_scenario(tmp_path):
    choices = app.scenario_choices(BUDAPEST)
    assert list(choices) == [
        "budapest_2025.yaml",
        "examples/classroom_trade.yaml",
        "examples/late_deal.yaml",
        "v1/budapest_2025.yaml",
    ]
    assert all(Path(p).is_file() for p in choices.values())
    mine = tmp_path / "mine.yaml"
    mine.write_text(Path(BUDAPEST).read_text())
    assert list(app.scenario_choices(str(mine)))[-1] == "mine.yaml"


def baseline_params() -> dict[str, object]:
    params = app.model_params(BUDAPEST, load_scenario(BUDAPEST))
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


def test_sliders_cover_every_principal_and_negotiator():
    params = baseline_params()
    for path in (
        "trump.softness",
        "trump.patience",
        "trump.reservation",
        "rubio.concession",
        "rubio.hawkishness",
        "putin.softness",
        "putin.patience",
        "putin.reservation",
        "lavrov.concession",
        "lavrov.hawkishness",
        "noise",
    ):
        assert path in params, path
    assert params["putin.softness"] == pytest.approx(0.05)
    assert params["seed"] == ""


def test_the_model_runs_as_the_sliders_say():
    params = baseline_params()
    baseline = app.ClassroomModel(**params)
    baseline.run()
    assert baseline.outcome.kind == "cancelled"
    softer = app.ClassroomModel(**{**params, "putin.softness": 0.8})
    softer.run()
    assert softer.outcome.kind == "summit"
    assert app.outcome_text(softer).startswith("Outcome: summit")


def test_every_figure_builds_at_every_stage():
    model = app.ClassroomModel(**{**baseline_params(), "putin.softness": 0.8})
    while True:
        for build in (panels.offers_figure, panels.values_figure, panels.utility_space_figure):
            assert build(model).axes
        if not model.running:
            break
        model.step()


@pytest.mark.slow
def test_the_curve_follows_the_other_sliders():
    """(How fast it redraws is measured by experiments/benchmark.py, not asserted here.)"""
    values = tuple(
        sorted(
            (k, v)
            for k, v in baseline_params().items()
            if isinstance(v, float) and k != "putin.softness"
        )
    )
    # a lower patience means Trump walks out later: the slider pins it (no uniform draw)
    patient = tuple((k, 0.3 if k == "trump.patience" else v) for k, v in values)
    curve = app.p_summit_curve(BUDAPEST, patient, "putin.softness")
    baseline = app.p_summit_curve(BUDAPEST, values, "putin.softness")
    assert panels.p_summit_figure(curve, 0.05).axes
    assert baseline.p_summit[0] < 0.1 < 0.5 < baseline.p_summit[-1]
    assert (curve.p_summit >= baseline.p_summit - 0.02).all()
    assert curve.p_summit[0] > baseline.p_summit[0] + 0.1


NO_DEAL = str(Path(__file__).resolve().parent / "scenarios" / "no_deal.yaml")


def toy_params() -> dict[str, object]:
    return app.model_params(NO_DEAL, load_scenario(NO_DEAL))


def test_a_schema_1_page_has_no_schema_2_levers():
    names = set(baseline_params())
    assert not any(name.endswith((".reciprocity", ".mandate", ".tactic")) for name in names)
    assert len(names) == 13  # scenario_file, 2 x (3 principal + 2 negotiator), noise, seed


def test_a_schema_2_page_offers_reciprocity_mandate_and_a_tactic_switch():
    params = toy_params()
    assert params["na.reciprocity"]["value"] == 0.0
    # the toy leaves the mandate unset: its slider starts at the reservation, 0.7
    assert params["pa.mandate"]["label"] == "Pa: mandate"
    assert params["pa.mandate"]["value"] == pytest.approx(0.7)
    assert params["nb.tactic"] == {
        "type": "Select",
        "label": "Nb: tactic",
        "value": "segment",
        "values": ["segment", "tradeoff"],
    }
    assert controls.TACTIC_WORDS["tradeoff"] == "trade-off"


def test_the_schema_2_levers_reach_the_model():
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in toy_params().items()}
    untouched = app.ClassroomModel(**values)
    # an unmoved mandate slider leaves the mandate unset, following the reservation
    assert untouched.setup.sides[0].principal.mandate is None
    assert untouched.setup.setting("tactic", 1) == "segment"
    moved = app.ClassroomModel(**{**values, "nb.tactic": "tradeoff", "pa.mandate": 0.5})
    assert moved.setup.setting("tactic", 1) == "tradeoff"
    assert moved.setup.setting("tactic", 0) == "segment"
    assert moved.setup.sides[0].principal.mandate == 0.5
    assert moved.slider_values["nb.tactic"] == "tradeoff"


def test_the_page_says_held_without_agreement():
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in toy_params().items()}
    model = app.ClassroomModel(**values)
    model.run()
    assert app.outcome_text(model) == "Outcome: held, no agreement on 2025-03-10"


def test_a_switched_tactic_waits_for_reset_in_words():
    params = {"nb.tactic": {}, "pa.mandate": {}}
    chosen = {"nb.tactic": "tradeoff", "pa.mandate": 0.5}
    applied = {"nb.tactic": "segment", "pa.mandate": 0.7}
    assert controls.pending_changes(params, chosen, applied) == [
        "nb.tactic segment -> tradeoff",
        "pa.mandate 0.70 -> 0.50",
    ]


def test_the_tactic_switch_on_the_page_waits_for_reset():
    import ipyvuetify as v
    import solara

    params = toy_params()
    applied = app.initial_values(params)

    @solara.component
    def Inputs():
        chosen = solara.use_reactive(dict(applied))
        controls.ParameterInputs(params, chosen, applied)

    _, rendered = solara.render(Inputs(), handle_error=False)
    switches = rendered.find(v.BtnToggle).widgets
    assert len(switches) == 2  # one per negotiator
    switches[1].v_model = 1  # Nb: trade-off
    notes = [widget.children for widget in rendered.find(v.Alert).widgets]
    assert ["Press Reset to apply: nb.tactic segment -> tradeoff"] in notes
