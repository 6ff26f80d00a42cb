"""The classroom page over one scenario: Solara's app module (``SOLARA_APP``, served by
``summitsim demo``).

Every browser that opens the page gets its own model (built in :func:`Classroom` with
``solara.use_memo``), so students moving sliders do not disturb each other. The first
scenario is the file named by the ``SUMMITSIM_SCENARIO`` environment variable (set by
``summitsim demo``); the picker offers every shipped scenario and every ``*.yaml``
beside the first.

Controls (:mod:`summitsim.demo.controls`): for each side, the principal's softness,
patience and reservation and the negotiator's concession and hawkishness; the noise and
a seed (empty: the nominal run, no noise; a whole number: that Monte Carlo trial,
uncertainty and noise drawn from it). Sliders and seed apply on Reset, as the page says;
Step and Play walk the calendar one day at a time and stop with the outcome. The page is
laid out with Mesa's controller and Solara's app layout but not Mesa's SolaraViz, whose
fixed-height grid cards clipped the figures and whose own controls mean nothing in class.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from summitsim.analysis import wilson_interval
from summitsim.demo.controls import TACTIC_WORDS, ParameterInputs, RunControls, parse_seed
from summitsim.demo.serve import SCENARIO_VARIABLE
from summitsim.figures import panels
from summitsim.figures.run import ending_text
from summitsim.model import SummitModel
from summitsim.outcomes import Count
from summitsim.scenario import fields
from summitsim.scenario.loading import load_scenario, scenario_from_data
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.overrides import hold, with_values
from summitsim.scenario.paths import resolve, scalar_value
from summitsim.scenario.schema import Scenario
from summitsim.shipped import default_scenario, scenario_folder, shipped_scenarios
from summitsim.sweep import Grid, SweepPlan, run_sweep

#: The P(summit) curve: grid points, trials per point and the seed of its draws.
CURVE_POINTS = 21
CURVE_TRIALS = 10_000
CURVE_SEED = 0


def slider_paths(scenario: Scenario) -> dict[str, tuple[str, float, float, float, float]]:
    """``{path: (label, nominal value, low, high, step)}`` of every slider, side by side.

    The sliders and their spans are those of the table of fields: per side the
    principal's, then the negotiator's (on a side without a negotiator its principal
    carries them, and its path is the principal's id), then the scenario's."""
    sliders = {}
    schema = scenario.schema_version
    for side in scenario.sides:
        person = side.principal
        delegate = side.negotiator or person
        rows = [(person, *pair) for pair in fields.sliders("principal", schema)]
        rows += [(delegate, *pair) for pair in fields.sliders("negotiator", schema)]
        for actor, field, span in rows:
            path = f"{actor.id}.{field.name}"
            sliders[path] = _slider(scenario, path, f"{actor.name}: {field.name}", span)
    for field, span in fields.sliders("scenario"):
        sliders[field.name] = _slider(scenario, field.name, span.label or field.name, span)
    return sliders


def _slider(
    scenario: Scenario, path: str, label: str, span: fields.Slider
) -> tuple[str, float, float, float, float]:
    """``(label, nominal value, low, high, step)`` of the slider of ``path``."""
    return label, shown_value(scenario, path), span.low, span.high, span.step


def shown_value(scenario: Scenario, path: str) -> float:
    """The value a slider starts at: the file's, or for a field the file leaves unset
    (schema 2's mandate) the value it falls back on, the principal's reservation."""
    value = scalar_value(scenario, resolve(scenario, path))
    if np.isnan(value) and path.endswith(".mandate"):
        actor = path.removesuffix(".mandate")
        value = scalar_value(scenario, resolve(scenario, f"{actor}.reservation"))
    return value


def tactic_switches(scenario: Scenario) -> dict[str, tuple[str, str]]:
    """``{"rubio.tactic": (label, tactic)}`` per side of a schema 2 scenario: the switch
    between conceding on every issue alike and trading the cheap issues first; none for a
    schema 1 scenario, whose page stays as it was."""
    if scenario.schema_version < 2:
        return {}
    switches = {}
    for j, side in enumerate(scenario.sides):
        actor = side.negotiator or side.principal
        label = f"{actor.name}: tactic"
        switches[f"{actor.id}.tactic"] = (label, scenario.setting("tactic", j))
    return switches


def with_tactics(scenario: Scenario, tactics: dict[str, str]) -> Scenario:
    """``scenario`` with each ``ACTOR.tactic`` of ``tactics`` set (validated again)."""
    if not tactics:
        return scenario
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    for side in data["sides"]:
        for role in ("negotiator", "principal"):
            actor = side.get(role)
            if actor is not None and f"{actor['id']}.tactic" in tactics:
                actor["tactic"] = tactics[f"{actor['id']}.tactic"]
                break
    return scenario_from_data(data, source=scenario.source, sha256=scenario.sha256)


def model_params(scenario_file: str, scenario: Scenario) -> dict[str, object]:
    """SolaraViz's ``model_params`` for :class:`ClassroomModel` on ``scenario_file``."""
    params: dict[str, object] = {"scenario_file": scenario_file}
    for path, (label, value, low, high, step) in slider_paths(scenario).items():
        params[path] = {
            "type": "SliderFloat",
            "label": label,
            "value": float(value),
            "min": low,
            "max": high,
            "step": step,
        }
    for path, (label, tactic) in tactic_switches(scenario).items():
        params[path] = {
            "type": "Select",
            "label": label,
            "value": tactic,
            "values": list(TACTIC_WORDS),
        }
    params["seed"] = {
        "type": "InputText",
        "label": "Seed (empty: nominal run, no noise)",
        "value": "",
    }
    return params


def with_sliders(scenario_file: str, values: dict[str, float | str]) -> Scenario:
    """The scenario with the slider values and the tactic switches. A slider moved away
    from the value it starts at is held there, as ``run --set`` holds a value
    (:func:`summitsim.scenario.overrides.hold`); the others keep the file's uncertainty,
    and a field the file leaves unset stays unset (a mandate keeps following the
    reservation)."""
    written = load_scenario(scenario_file)
    tactics = {path: str(v) for path, v in values.items() if path.endswith(".tactic")}
    moved = {
        path: float(value)
        for path, value in values.items()
        if path not in tactics and float(value) != shown_value(written, path)
    }
    return with_tactics(hold(with_values(written, moved), list(moved)), tactics)


class ClassroomModel(SummitModel):
    """A :class:`SummitModel` built the way SolaraViz rebuilds models on Reset: from the
    scenario file, the slider values (keyword arguments named by parameter path, e.g.
    ``**{"putin.softness": 0.8}``) and the seed box's text.

    ``scenario`` is Mesa's own experiment object, which SolaraViz passes on Reset; it is
    ignored (the scenario comes from ``scenario_file``).
    """

    def __init__(
        self,
        scenario_file: str,
        seed: str | int | None = None,
        scenario: object = None,
        **values: float | str,
    ) -> None:
        del scenario
        # the tactic switches carry words, the sliders numbers
        chosen = {
            path: value if path.endswith(".tactic") else float(value)
            for path, value in values.items()
        }
        trial = parse_seed(seed)
        super().__init__(with_sliders(scenario_file, chosen), seed=trial)
        self.scenario_file = scenario_file
        self.slider_values = chosen
        self.trial_seed = trial
        #: The day the outcome was decided (None before).
        self.decided_on = None if self.outcome is None else self.today

    def step(self) -> None:
        """One day; on the day the outcome is decided, also the days after it up to the
        last consequence, so that Play stops with the outcome (the consequences appear in
        the feed at once, under their own dates) instead of walking on past it."""
        super().step()
        if self.outcome is not None and self.decided_on is None:
            self.decided_on = self.today
            while self.running:
                super().step()


def curve_path(scenario: Scenario) -> str:
    """The curve's parameter: the softness of the principal of the last side listed (in
    the Budapest scenario, Putin's)."""
    return f"{scenario.sides[-1].principal.id}.softness"


@functools.lru_cache(maxsize=128)
def p_summit_curve(
    scenario_file: str, others: tuple[tuple[str, float], ...], path: str
) -> panels.Curve:
    """P(summit) over ``path`` from 0 to 1 with the other parameters at ``others``
    (``(path, value)`` pairs), by the Monte Carlo kernel (:data:`CURVE_TRIALS` trials per
    point, seed :data:`CURVE_SEED`), moved sliders pinned (:func:`with_sliders`).
    Cached: every student starts from the same sliders, and moving only ``path`` moves
    the marker, not the curve."""
    scenario = with_sliders(scenario_file, dict(others))
    grid = np.linspace(0.0, 1.0, CURVE_POINTS)
    plan = SweepPlan(
        scenario, Grid((path,), (tuple(float(v) for v in grid),)), CURVE_TRIALS, CURVE_SEED
    )
    summits = run_sweep(plan, progress=False).counts[:, Count.SUMMIT]
    trials = np.full(len(grid), CURVE_TRIALS)
    low, high = wilson_interval(summits, trials)
    person = next(
        side.principal for side in scenario.sides if f"{side.principal.id}.softness" == path
    )
    return panels.Curve(
        path,
        f"{person.name}'s demand softness ({path})",
        grid,
        summits / CURVE_TRIALS,
        low,
        high,
        CURVE_TRIALS,
    )


# -- the panels ---------------------------------------------------------------------------


def outcome_text(model: SummitModel) -> str:
    """``Outcome: cancelled by us on 2025-10-21``, ``Outcome: held, no agreement on
    2025-03-10`` or ``Outcome: not decided yet``."""
    outcome = model.outcome
    if outcome is None:
        return "Outcome: not decided yet"
    return f"Outcome: {ending_text(model)} on {outcome.date.isoformat()}"


def calendar_text(model: ClassroomModel) -> str:
    """Where the calendar stands: today while undecided, the day of the decision after.
    Counted in days of the planned span, so it never reads "day 30 of 15"."""
    scenario = model.setup
    span = (scenario.summit - scenario.start).days + 1
    shown = model.decided_on or model.today
    day = (shown - scenario.start).days + 1
    where = f"day {day} of {span}" if day <= span else f"{day - span} days after the summit date"
    what = "Decided on" if model.decided_on else "Today:"
    return f"{what} {shown.isoformat()} ({where}; summit planned for {scenario.summit.isoformat()})"


@solara.component
def OutcomePanel(model: ClassroomModel):
    """Where the calendar stands, the outcome so far and the values the model runs with."""
    update_counter.get()  # redrawn after every step
    seed = model.trial_seed
    run = "nominal run" if seed is None else f"Monte Carlo trial, seed {seed}"
    with solara.Card("Outcome", style={"height": "100%"}):
        solara.Text(calendar_text(model), style={"font-size": "1.1em"})
        solara.HTML(
            tag="div",
            unsafe_innerHTML=html.escape(outcome_text(model)),
            classes=["summitsim-outcome"],
            style={"font-size": "1.6em", "font-weight": "bold", "margin": "0.4em 0"},
        )
        applied = ", ".join(f"{path} {value:.2f}" for path, value in model.slider_values.items())
        solara.Text(f"{run}; {applied}", style={"font-size": "0.95em", "color": "#444"})


@solara.component
def FigurePanel(title: str, build: Callable[[], Figure], state: tuple):
    """A titled card showing ``build()`` as a PNG at the card's full width, as tall as it
    needs (no fixed height, nothing clipped); rebuilt only when ``state`` changes (not on
    every day the calendar moves)."""
    png = solara.use_memo(lambda: panels.figure_png(build()), [state])
    with solara.Card(title, classes=["summitsim-figure"]):
        solara.Image(png)


def drawn_state(model: ClassroomModel) -> tuple:
    """What the model figures show: the model, the contacts held and the outcome."""
    return (model, len(model.offers), model.outcome is not None)


@solara.component
def OffersPanel(model: ClassroomModel):
    update_counter.get()
    FigurePanel("Offers per issue", lambda: panels.offers_figure(model), drawn_state(model))


@solara.component
def ValuesPanel(model: ClassroomModel):
    update_counter.get()
    FigurePanel(
        "Value of the other side's offer", lambda: panels.values_figure(model), drawn_state(model)
    )


@solara.component
def UtilitySpacePanel(model: ClassroomModel):
    update_counter.get()
    FigurePanel("Utility space", lambda: panels.utility_space_figure(model), drawn_state(model))


@solara.component
def EventFeed(model: ClassroomModel):
    """The dated account so far, newest first (a long feed scrolls inside its card)."""
    update_counter.get()
    cell = "<td style='white-space:nowrap;padding-right:0.8em;vertical-align:top'>"
    rows = "".join(
        f"<tr>{cell}{e.date:%d %b}</td>{cell}<b>{html.escape(e.kind)}</b></td>"
        f"<td>{html.escape(e.text)}</td></tr>"
        for e in reversed(model.events)
    )
    with solara.Card("Events (newest first)"):
        solara.HTML(
            tag="table",
            unsafe_innerHTML=rows,
            classes=["summitsim-events"],
            style={
                "font-size": "1em",
                "display": "block",
                "max-height": "32em",
                "overflow-y": "auto",
            },
        )


@solara.component
def CurvePanel(model: ClassroomModel):
    path = curve_path(model.setup)
    others = tuple(sorted((p, v) for p, v in model.slider_values.items() if p != path))
    current = model.slider_values[path]
    person = model.setup.sides[-1].principal.name

    def build() -> Figure:
        return panels.p_summit_figure(p_summit_curve(model.scenario_file, others, path), current)

    FigurePanel(
        f"P(summit) against {person}'s softness",
        build,
        (model.scenario_file, others, path, current),
    )


#: A figure is shown at most at its own size (text at :data:`panels.TEXT_PT` stays about
#: 15 px), narrower when its card is, and never taller than the window below the app bar,
#: so it is seen whole on a projector at 1280 x 720. A slider's label (with its value)
#: sits above it, so the slider has the sidebar's full width.
FIGURE_CSS = """
.summitsim-figure img {
    display: block; margin: 0 auto; width: auto; height: auto;
    max-width: 100%; max-height: calc(100vh - 150px);
}
.summitsim-parameters .v-input__slot { flex-wrap: wrap; }
.summitsim-parameters .v-input__slot > .v-label { width: 100%; margin-bottom: -6px; }
"""
#: The panels under the outcome, in page order.
COMPONENTS = [OffersPanel, ValuesPanel, UtilitySpacePanel, CurvePanel, EventFeed]
#: Panels side by side when the page is wide enough for two of this width (a projector at
#: 1920 px), one under the other below that (1280 px), so no figure shrinks below
#: :data:`summitsim.figures.panels.PANEL_SIZE` by more than a little.
PANEL_MIN_WIDTH_PX = 640


# -- the page -----------------------------------------------------------------------------


def first_scenario() -> str:
    """The file named by ``SUMMITSIM_SCENARIO``, else the shipped Budapest scenario
    (absolute)."""
    return str(Path(os.environ.get(SCENARIO_VARIABLE) or default_scenario()).resolve())


def scenario_choices(current: str) -> dict[str, str]:
    """``{label: absolute path}``: every shipped scenario (``budapest_2025.yaml``,
    ``examples/late_deal.yaml``, ...), then every ``*.yaml`` beside ``current`` and
    ``current`` itself, each file once."""
    current_path = Path(current).resolve()
    folder = scenario_folder()
    files = [*shipped_scenarios(), *sorted(current_path.parent.glob("*.yaml")), current_path]
    choices: dict[str, str] = {}
    for file in files:
        file = file.resolve()
        if str(file) in choices.values():
            continue
        if folder is not None and file.is_relative_to(folder.resolve()):
            label = file.relative_to(folder.resolve()).as_posix()
        else:
            label = file.name
        choices[label if label not in choices else str(file)] = str(file)
    return choices


@solara.component
def ScenarioPicker(current: str, on_pick, error: str | None):
    """A select over :func:`scenario_choices`; shows ``error`` (a file that failed to
    load) under it. Rebuilt after every pick, so it always shows the file in use."""
    attempts, set_attempts = solara.use_state(0)
    names = scenario_choices(current)
    shown = next(label for label, path in names.items() if path == str(Path(current).resolve()))

    def pick(name: str) -> None:
        set_attempts(attempts + 1)
        on_pick(names[name])

    with solara.Card("Scenario"):
        solara.Select("Scenario file", value=shown, values=list(names), on_value=pick).key(
            f"picker-{attempts}"
        )
        if error:
            solara.Error(error)


def initial_values(params: dict[str, object]) -> dict[str, object]:
    """The model's keyword arguments at the file's own values."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


@solara.component
def Classroom(scenario_file: str, picker):
    """The page for one scenario: its own model (one per browser tab), the controls in the
    sidebar, the outcome and the panels in the main area."""
    scenario = solara.use_memo(lambda: load_scenario(scenario_file), [])
    params = solara.use_memo(lambda: model_params(scenario_file, scenario), [])
    first = solara.use_memo(lambda: ClassroomModel(**initial_values(params)), [])
    model = solara.use_reactive(first)
    chosen = solara.use_reactive(initial_values(params))
    current = model.value
    applied = {
        **current.slider_values,
        "seed": "" if current.trial_seed is None else str(current.trial_seed),
    }
    solara.Style(FIGURE_CSS)
    with solara.AppBar():
        solara.AppBarTitle(f"summitsim: {scenario.title}")
    with solara.Sidebar():
        picker()
        RunControls(model, chosen)
        ParameterInputs(params, chosen, applied)
    OutcomePanel(current)
    grid = (
        "display: grid; gap: 12px; align-items: start; grid-template-columns: "
        f"repeat(auto-fit, minmax({PANEL_MIN_WIDTH_PX}px, 1fr))"
    )
    with solara.v.Html(tag="div", style_=grid, class_="summitsim-panels"):
        for panel in COMPONENTS:
            panel(current)


@solara.component
def Page():
    """One model per browser tab; picking another scenario rebuilds the page."""
    scenario_file, set_scenario_file = solara.use_state(first_scenario())
    error, set_error = solara.use_state(None)

    def pick(path: str) -> None:
        try:
            load_scenario(path)
        except ScenarioError as failure:
            set_error(str(failure))
            return
        set_error(None)
        set_scenario_file(path)

    Classroom(scenario_file, lambda: ScenarioPicker(scenario_file, pick, error)).key(scenario_file)
