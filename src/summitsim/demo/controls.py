"""The classroom page's controls: the buttons that walk the calendar, the sliders and the
seed box, and the note that says what waits for Reset.

Mesa's own control card (play and render intervals, "use threads") and its "Information"
card mean nothing to students and are not shown; Mesa's :func:`ModelController` still
drives the model (Reset, play, Step), at a fixed pace of one day per
:data:`PLAY_INTERVAL_MS`.
"""

from __future__ import annotations

import re

import solara
from mesa.visualization.solara_viz import ModelController

from summitsim.draws import SEED_LIMIT

#: One calendar day per 0.6 s on Play: slow enough to read the offers as they come.
PLAY_INTERVAL_MS = 600
#: What the seed box accepts: digits only (``str.isdigit`` would also take "²").
_SEED = re.compile(r"[0-9]{1,30}")
#: The page's words for the negotiators' tactics (design-schema2.md section 3).
TACTIC_WORDS = {"segment": "segment", "tradeoff": "trade-off"}
SEED_HELP = (
    "a whole number (0, 1, 2, ... below 2^64) for one Monte Carlo trial, "
    "or empty for the nominal run"
)


def seed_problem(text: str | int | None) -> str | None:
    """What is wrong with the seed box's text, or None if it is a seed or empty."""
    if text is None:
        return None
    if isinstance(text, int):
        value = text
    else:
        stripped = text.strip()
        if not stripped:
            return None
        if not _SEED.fullmatch(stripped):
            return f"{stripped!r} is not a seed: type {SEED_HELP}"
        value = int(stripped)
    if value < 0:
        return f"{value} is negative: type {SEED_HELP}"
    if value >= SEED_LIMIT:
        return f"{value} is too large: type {SEED_HELP}"
    return None


def parse_seed(text: str | int | None) -> int | None:
    """The seed box's text as a trial seed, None for an empty box (the nominal run).
    Anything else raises ValueError (the box refuses it before it gets here). Solara's
    text box returns a string once edited."""
    problem = seed_problem(text)
    if problem:
        raise ValueError(problem)
    if isinstance(text, int):
        return text
    stripped = (text or "").strip()
    return int(stripped) if stripped else None


def slider_label(label: str, value: float, step: float) -> str:
    """``"Vladimir Putin: softness = 0.05"``: the value is always in sight, not only while
    the slider is dragged; as many decimals as the step has."""
    decimals = max(0, -int(f"{step:e}".split("e")[1]))
    return f"{label} = {value:.{decimals}f}"


def pending_changes(params: dict[str, object], chosen: dict, applied: dict) -> list[str]:
    """``"putin.softness 0.05 -> 0.80"`` for every input whose chosen value differs from
    the one the model runs with (``applied``)."""
    changes = []
    for name in params:
        if name == "scenario_file" or chosen.get(name) == applied.get(name):
            continue
        before, after = applied.get(name), chosen.get(name)
        if name == "seed":
            before, after = before or "none", after or "none"
            changes.append(f"seed {before} -> {after}")
        elif isinstance(after, str):  # a tactic switch
            changes.append(f"{name} {before} -> {after}")
        else:
            changes.append(f"{name} {before:.2f} -> {after:.2f}")
    return changes


@solara.component
def SeedBox(chosen: solara.Reactive[dict]):
    """The seed box: a valid text goes to ``chosen["seed"]``; anything else stays in the
    box with a message under it and changes nothing."""
    text, set_text = solara.use_state(str(chosen.value.get("seed") or ""))
    problem = seed_problem(text)

    def typed(value: str | None) -> None:
        value = value or ""
        set_text(value)
        if seed_problem(value) is None:
            chosen.value = {**chosen.value, "seed": value.strip()}

    solara.InputText(
        "Seed (empty: nominal run, no noise)",
        value=text,
        on_value=typed,
        continuous_update=True,
        error=problem or False,
    )
    if problem:
        held = chosen.value.get("seed") or "empty (the nominal run)"
        solara.Error(f"{problem}. Reset keeps the seed {held}.", classes=["summitsim-seed-error"])


@solara.component
def ParameterInputs(params: dict[str, object], chosen: solara.Reactive[dict], applied: dict):
    """A slider per model parameter (value in its label), the seed box, and what waits
    for Reset."""
    with solara.Card("Model parameters", classes=["summitsim-parameters"]):
        solara.Info(
            "Sliders and the seed take effect when you press Reset.",
            dense=True,
            classes=["summitsim-reset-note"],
        )
        changes = pending_changes(params, chosen.value, applied)
        # in a column that is always there: the note coming and going must not shift the
        # sliders' places (a slider re-created under the keyboard loses its focus)
        with solara.Column(gap="0px"):
            if changes:
                solara.Warning(
                    "Press Reset to apply: " + "; ".join(changes),
                    dense=True,
                    classes=["summitsim-pending"],
                )
        for name, spec in params.items():
            if isinstance(spec, dict) and spec.get("type") == "Select":
                TacticSwitch(name, spec, chosen)
                continue
            if not isinstance(spec, dict) or spec.get("type") != "SliderFloat":
                continue
            value = float(chosen.value.get(name, spec["value"]))

            def moved(new: float, name: str = name) -> None:
                chosen.value = {**chosen.value, name: float(new)}

            solara.SliderFloat(
                slider_label(spec["label"], value, spec["step"]),
                value=value,
                min=spec["min"],
                max=spec["max"],
                step=spec["step"],
                on_value=moved,
                thumb_label=False,
            )
        SeedBox(chosen)


@solara.component
def TacticSwitch(name: str, spec: dict, chosen: solara.Reactive[dict]):
    """Two buttons, ``segment`` and ``trade-off``, for a negotiator's tactic (schema 2):
    one line under the sliders, so the card does not grow by a menu."""

    def switched(new: str | None) -> None:
        if new is not None:
            chosen.value = {**chosen.value, name: new}

    solara.Text(spec["label"], classes=["summitsim-tactic-label"])
    with solara.ToggleButtonsSingle(
        value=str(chosen.value.get(name, spec["value"])),
        on_value=switched,
        dense=True,
        classes=["summitsim-tactic"],
    ):
        for tactic in spec["values"]:
            solara.Button(TACTIC_WORDS[tactic], value=tactic)


@solara.component
def RunControls(model: solara.Reactive, chosen: solara.Reactive[dict]):
    """Reset (a new model with the chosen values), play and Step: Mesa's controller at
    :data:`PLAY_INTERVAL_MS` per day, one day per step, on the page's own thread."""
    # Mesa's controller reads these as reactive values (it lets its own sliders move them)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    with solara.Card("Calendar"):
        ModelController(
            model,
            model_parameters=chosen,
            play_interval=play_interval,
            render_interval=render_interval,
            use_threads=use_threads,
        )
