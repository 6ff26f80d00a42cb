"""The classroom page: a Mesa SolaraViz page over one scenario (``solara run
summitsim.demo.app``).

Every browser that opens the page gets its own model (built in :func:`Page` with
``solara.use_memo``), so students moving sliders do not disturb each other. The first
scenario is the file named by the ``SUMMITSIM_SCENARIO`` environment variable (set by
``summitsim demo``); the picker offers every ``*.yaml`` beside it.

Controls: for each side, the principal's softness, patience and reservation and the
negotiator's concession and hawkishness; the noise and a seed (empty: the nominal run,
no noise; a whole number: that Monte Carlo trial, uncertainty and noise drawn from it).
As everywhere in Mesa, model sliders apply on Reset; Step and Play walk the calendar one
day at a time.
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
from mesa.visualization import SolaraViz

from summitsim.analysis import wilson_interval
from summitsim.demo import panels
from summitsim.demo.serve import SCENARIO_VARIABLE
from summitsim.held import hold
from summitsim.model import SummitModel
from summitsim.paths import get_value, resolve, with_values
from summitsim.scenario import Scenario, ScenarioError, load_scenario
from summitsim.sweep import Grid, SweepPlan, run_sweep

#: Served when ``SUMMITSIM_SCENARIO`` is unset.
DEFAULT_SCENARIO = "scenarios/budapest_2025.yaml"
#: (field, low, high, step) of the sliders per principal and per negotiator.
PRINCIPAL_SLIDERS = (
    ("softness", 0.0, 1.0, 0.01),
    ("patience", 0.0, 1.0, 0.01),
    ("reservation", 0.0, 0.99, 0.01),
)
NEGOTIATOR_SLIDERS = (("concession", 0.1, 4.0, 0.05), ("hawkishness", 0.0, 1.0, 0.01))
NOISE_SLIDER = (0.0, 0.2, 0.005)
#: The P(summit) curve: grid points, trials per point and the seed of its draws.
CURVE_POINTS = 21
CURVE_TRIALS = 10_000
CURVE_SEED = 0


def parse_seed(text: str | int | None) -> int | None:
    """The seed box's text as a trial seed: a whole number >= 0, else None (the nominal
    run). Solara's text box returns a string once edited."""
    if isinstance(text, int):
        return text
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def slider_paths(scenario: Scenario) -> dict[str, tuple[str, float, float, float, float]]:
    """``{path: (label, nominal value, low, high, step)}`` of every slider, side by side.

    A side without a negotiator is negotiated by its principal, which then carries the
    negotiator's fields (its path is the principal's id)."""
    sliders = {}
    for side in scenario.sides:
        person = side.principal
        delegate = side.negotiator or person
        rows = [(person, spec) for spec in PRINCIPAL_SLIDERS]
        rows += [(delegate, spec) for spec in NEGOTIATOR_SLIDERS]
        for actor, (field, low, high, step) in rows:
            path = f"{actor.id}.{field}"
            sliders[path] = (
                f"{actor.name}: {field}",
                float(get_value(scenario, resolve(scenario, path))),
                low,
                high,
                step,
            )
    low, high, step = NOISE_SLIDER
    sliders["noise"] = ("Noise (sd of each judgement)", scenario.noise, low, high, step)
    return sliders


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
    params["seed"] = {
        "type": "InputText",
        "label": "Seed (empty: nominal run, no noise)",
        "value": "",
    }
    return params


def with_sliders(scenario_file: str, values: dict[str, float]) -> Scenario:
    """The scenario with the slider values. A slider moved away from the file's value is
    held there, as ``run --set`` holds a value (:func:`summitsim.held.hold`); the others
    keep the file's uncertainty."""
    written = load_scenario(scenario_file)
    moved = [
        path
        for path, value in values.items()
        if value != get_value(written, resolve(written, path))
    ]
    return hold(with_values(written, values), moved)


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
        **values: float,
    ) -> None:
        del scenario
        chosen = {path: float(value) for path, value in values.items()}
        trial = parse_seed(seed)
        super().__init__(with_sliders(scenario_file, chosen), seed=trial)
        self.scenario_file = scenario_file
        self.slider_values = chosen
        self.trial_seed = trial


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
    summits = run_sweep(plan, progress=False).counts[:, 0]
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
    """``Outcome: cancelled by us on 2025-10-21`` or ``Outcome: not decided yet``."""
    outcome = model.outcome
    if outcome is None:
        return "Outcome: not decided yet"
    by = f" by {outcome.side}" if outcome.side else ""
    return f"Outcome: {outcome.kind}{by} on {outcome.date.isoformat()}"


def OutcomePanel(model: ClassroomModel):
    """Today's date, the outcome so far and the values the model runs with."""
    scenario = model.setup
    day = (model.today - scenario.start).days + 1
    span = (scenario.summit - scenario.start).days + 1
    seed = model.trial_seed
    run = "nominal run" if seed is None else f"Monte Carlo trial, seed {seed}"
    with solara.Card("Outcome", style={"height": "100%", "overflow": "auto"}):
        solara.Text(
            f"Today: {model.today.isoformat()} (day {day} of {span}; "
            f"summit planned for {scenario.summit.isoformat()})"
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=outcome_text(model),
            classes=["summitsim-outcome"],
            style={"font-size": "1.5em", "font-weight": "bold", "margin": "0.5em 0"},
        )
        applied = ", ".join(f"{path} {value:.2f}" for path, value in model.slider_values.items())
        solara.Text(f"{run}; {applied}", style={"font-size": "0.8em", "color": "#555"})


@solara.component
def FigurePanel(title: str, build: Callable[[], Figure], state: tuple):
    """A titled card showing ``build()`` as a PNG; the figure is rebuilt only when
    ``state`` changes (not on every day the calendar moves)."""
    png = solara.use_memo(lambda: panels.figure_png(build()), [state])
    with solara.Card(title, style={"height": "100%", "overflow": "auto"}):
        solara.Image(png, width="100%")


def drawn_state(model: ClassroomModel) -> tuple:
    """What the model figures show: the model, the contacts held and the outcome."""
    return (model, len(model.offers), model.outcome is not None)


def OffersPanel(model: ClassroomModel):
    return FigurePanel("Offers per issue", lambda: panels.offers_figure(model), drawn_state(model))


def ValuesPanel(model: ClassroomModel):
    return FigurePanel(
        "Value of the other side's offer", lambda: panels.values_figure(model), drawn_state(model)
    )


def UtilitySpacePanel(model: ClassroomModel):
    return FigurePanel(
        "Utility space", lambda: panels.utility_space_figure(model), drawn_state(model)
    )


def EventFeed(model: ClassroomModel):
    """The dated account so far, newest first (the card shows the top of a long feed)."""
    cell = "<td style='white-space:nowrap;padding-right:0.8em'>"
    rows = "".join(
        f"<tr>{cell}{e.date:%d %b}</td>{cell}<b>{e.kind}</b></td>"
        f"<td>{html.escape(e.text)}</td></tr>"
        for e in reversed(model.events)
    )
    with solara.Card("Events (newest first)", style={"height": "100%", "overflow": "auto"}):
        solara.HTML(
            tag="table",
            unsafe_innerHTML=rows,
            classes=["summitsim-events"],
            style={"font-size": "0.85em"},
        )


def CurvePanel(model: ClassroomModel):
    path = curve_path(model.setup)
    others = tuple(sorted((p, v) for p, v in model.slider_values.items() if p != path))
    current = model.slider_values[path]
    person = model.setup.sides[-1].principal.name

    def build() -> Figure:
        return panels.p_summit_figure(p_summit_curve(model.scenario_file, others, path), current)

    return FigurePanel(
        f"P(summit) against {person}'s softness",
        build,
        (model.scenario_file, others, path, current),
    )


#: The panels, in page order. Plain functions of the model: SolaraViz wraps each one in a
#: component that redraws after every step.
COMPONENTS = [OutcomePanel, OffersPanel, ValuesPanel, UtilitySpacePanel, EventFeed, CurvePanel]


# -- the page -----------------------------------------------------------------------------


def first_scenario() -> str:
    """The file named by ``SUMMITSIM_SCENARIO``, else :data:`DEFAULT_SCENARIO` (absolute)."""
    return str(Path(os.environ.get(SCENARIO_VARIABLE, DEFAULT_SCENARIO)).resolve())


def scenario_choices(current: str) -> list[str]:
    """Every ``*.yaml`` file beside ``current`` (absolute paths, sorted)."""
    return sorted(str(p) for p in Path(current).parent.glob("*.yaml")) or [current]


@solara.component
def ScenarioPicker(current: str, on_pick, error: str | None):
    """A select over :func:`scenario_choices`; shows ``error`` (a file that failed to
    load) under it. Rebuilt after every pick, so it always shows the file in use."""
    attempts, set_attempts = solara.use_state(0)
    names = {Path(p).name: p for p in scenario_choices(current)}

    def pick(name: str) -> None:
        set_attempts(attempts + 1)
        on_pick(names[name])

    with solara.Card("Scenario"):
        solara.Select(
            "Scenario file", value=Path(current).name, values=list(names), on_value=pick
        ).key(f"picker-{attempts}")
        if error:
            solara.Error(error)


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

    scenario = solara.use_memo(lambda: load_scenario(scenario_file), [scenario_file])
    params = solara.use_memo(lambda: model_params(scenario_file, scenario), [scenario_file])
    model = solara.use_memo(
        lambda: ClassroomModel(
            **{k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
        ),
        [scenario_file],
    )
    with solara.Sidebar():
        ScenarioPicker(scenario_file, pick, error)
    SolaraViz(
        model, components=COMPONENTS, model_params=params, name=f"summitsim: {scenario.title}"
    ).key(scenario_file)
