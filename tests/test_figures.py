"""Every figure family of summitsim.figures: each colour comes from the one palette, and
text from a scenario file is drawn as written (a ``$`` is a dollar sign) in all of them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch
from matplotlib.text import Text

from summitsim.analysis import TippingPoint
from summitsim.figures import discovery, inference, palette, panels, run, sensitivity, sweep
from summitsim.figures.save import figure_png, save_figure
from summitsim.model import SummitModel
from summitsim.outcomes import Outcome
from summitsim.scenario import load_scenario
from summitsim.sensitivity import Sensitivity
from summitsim.summary import Summary

ROOT = Path(__file__).resolve().parents[1]
#: Cancelled with a sidelined negotiator and a consequence; a summit with a framework.
CANCELLED = ROOT / "scenarios" / "v1" / "budapest_2025.yaml"
SUMMIT = ROOT / "tests" / "scenarios" / "base.yaml"
#: Schema 2: a summit held without an agreement; a framework vetoed by a parliament.
NO_DEAL = ROOT / "tests" / "scenarios" / "no_deal.yaml"
APPROVER_VETO = ROOT / "tests" / "scenarios" / "approver_veto.yaml"
#: Not valid mathtext: drawn as maths, it raised ValueError when the figure was rendered.
DOLLARS = "aid of $2^$ in tariffs"


def finished(path: Path) -> SummitModel:
    model = SummitModel(load_scenario(path))
    model.run()
    return model


def summary(points: int, tipping: bool) -> Summary:
    x = np.linspace(0.0, 1.0, points)
    p = np.linspace(0.1, 0.9, points)
    rows = [
        [xi, 100, pi, max(pi - 0.1, 0), min(pi + 0.1, 1), (1 - pi) / 2, (1 - pi) / 4, (1 - pi) / 4]
        for xi, pi in zip(x, p)
    ]
    columns = ["x", "trials", "p_summit", "ci_low", "ci_high"]
    columns += ["p_cancelled", "p_vetoed", "p_deadline"]
    point = TippingPoint("x", 0.5, 0.45, 0.55, 0.5, True, "bootstrap") if tipping else None
    return Summary(columns, rows, point)


def held_summary(points: int = 5) -> Summary:
    """A schema 2 sweep: P(held) above P(summit) by the share held without a deal."""
    base = summary(points, True)
    columns = [*base.columns, "p_held", "p_held_ci_low", "p_held_ci_high", "p_no_deal"]
    rows = [[*row, row[2] + 0.1, row[2], min(row[2] + 0.2, 1), 0.1] for row in base.rows]
    for row in rows:
        row[7] -= 0.1  # the deadlines' share gives way to the summits held without a deal
    return Summary(columns, rows, base.tipping)


def heat_summary() -> tuple[list[np.ndarray], Summary]:
    x, y = np.linspace(0, 1, 3), np.linspace(0, 1, 4)
    p = [(a + b) / 2 for a in x for b in y]
    rows = [[0.0, 0.0, 100, v, v, v, 0, 0, 0] for v in p]
    columns = ["x", "y", "trials", "p_summit", "ci_low", "ci_high"]
    columns += ["p_cancelled", "p_vetoed", "p_deadline"]
    return [x, y], Summary(columns, rows, None)


def tornado(title: str) -> Figure:
    rows = [
        Sensitivity("putin.softness", 0.0, 0.5, 0.2, 0.7, 0.5, 0.05),
        Sensitivity("trump.patience", 0.1, 0.3, 0.6, 0.4, -0.2, 0.05),
    ]
    return sensitivity.sensitivity_figure(title, rows, 0.45)


def indices(title: str, method: str) -> Figure:
    names = ("S1", "S1_conf", "ST", "ST_conf", "mu_star", "mu_star_conf", "sigma")
    rows = [
        {"outcome": outcome, "factor": factor, **dict.fromkeys(names, value)}
        for outcome in ("p_summit", "p_held")
        for factor, value in (("putin.softness", 0.4), ("trump.patience", 0.1))
    ]
    result = SimpleNamespace(
        method=method,
        factors=[SimpleNamespace(path="putin.softness"), SimpleNamespace(path="trump.patience")],
        rows=rows,
        points=np.zeros((12, 2)),
        trials=200,
    )
    return sensitivity.index_figure(title, result)


def tradeoff(title: str) -> Figure:
    trajectory = pd.DataFrame(
        {"coverage": [1.0, 0.8, 0.5], "density": [0.3, 0.5, 0.9], "res_dim": [0, 1, 2]}
    )
    return discovery.tradeoff_figure(title, trajectory, 1)


def curve() -> panels.Curve:
    values = np.linspace(0, 1, 5)
    p = np.linspace(0.2, 0.8, 5)
    return panels.Curve("putin.softness", "softness", values, p, p - 0.1, p + 0.1, 500)


def corner(title: str, columns: int = 3) -> Figure:
    draws = np.random.default_rng(0).random((400, columns))
    names = [f"p{k}" for k in range(columns)]
    return inference.corner_figure(title, names, draws, draws[draws[:, 0] < 0.4], "caption")


#: Every figure family, built from a scenario or from numbers made up for the figure.
FIGURES = {
    "run, cancelled": lambda: run.run_figure(finished(CANCELLED)),
    "run, summit": lambda: run.run_figure(finished(SUMMIT)),
    "panel offers": lambda: panels.offers_figure(finished(CANCELLED)),
    "panel values": lambda: panels.values_figure(finished(CANCELLED)),
    "panel utility space, cancelled": lambda: panels.utility_space_figure(finished(CANCELLED)),
    "panel utility space, summit": lambda: panels.utility_space_figure(finished(SUMMIT)),
    "panel P(summit)": lambda: panels.p_summit_figure(curve(), 0.3),
    "sweep curve": lambda: sweep.sweep_figure(
        "t", ["x"], [np.linspace(0, 1, 5)], summary(5, True), {"x": 0.25}
    ),
    "sweep curve with P(held)": lambda: sweep.sweep_figure(
        "t", ["x"], [np.linspace(0, 1, 5)], held_summary(), {"x": 0.25}
    ),
    "run, held without a deal": lambda: run.run_figure(finished(NO_DEAL)),
    "run, vetoed by an approver": lambda: run.run_figure(finished(APPROVER_VETO)),
    "panel utility space, no deal": lambda: panels.utility_space_figure(finished(NO_DEAL)),
    "sweep heat map": lambda: sweep.sweep_figure(
        "t", ["x", "y"], *heat_summary(), {"x": 0.5, "y": 0.5}
    ),
    "tornado": lambda: tornado("t"),
    "sobol": lambda: indices("t", "sobol"),
    "morris": lambda: indices("t", "morris"),
    "tradeoff": lambda: tradeoff("t"),
    "corner": lambda: corner("t"),
    "corner, nothing kept": lambda: inference.corner_figure(
        "t", ["a", "b"], np.random.default_rng(1).random((50, 2)), np.zeros((0, 2)), "none"
    ),
}


#: How matplotlib spells a line style or a marker that draws nothing.
NOT_DRAWN = ("None", "none", "", " ", None)


def colours_of(figure: Figure) -> set[str]:
    """The colours (as hex, alpha dropped) of everything drawn in ``figure``, but for the
    backgrounds and what a colour map colours (the heat map and its colour bar)."""
    figure_png(figure)  # draw once, so that every artist exists and has its colours
    backgrounds = {id(figure.patch)} | {id(axes.patch) for axes in figure.axes}
    found: set[str] = set()
    for artist in figure.findobj():
        if id(artist) in backgrounds or not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            # the colours it draws with: its line if drawn, its marker's edge, and the
            # marker's face if the marker has one (an error bar's cap "|" has none)
            colours = []
            if artist.get_linestyle() not in NOT_DRAWN:
                colours.append(artist.get_color())
            if artist.get_marker() not in NOT_DRAWN:
                colours.append(artist.get_markeredgecolor())
                if MarkerStyle(artist.get_marker()).is_filled():
                    colours.append(artist.get_markerfacecolor())
        elif isinstance(artist, Collection):
            if artist.get_array() is not None:
                continue
            colours = [*artist.get_facecolor(), *artist.get_edgecolor()]
        elif isinstance(artist, Patch):
            colours = [artist.get_facecolor(), artist.get_edgecolor()]
        elif isinstance(artist, Text):
            if not artist.get_text():
                continue
            colours = [artist.get_color()]
        else:
            continue
        for colour in colours:
            if isinstance(colour, str) and colour == "none":
                continue
            if to_rgba(colour)[3] == 0:  # transparent: not drawn
                continue
            found.add(to_hex(colour, keep_alpha=False))
    return found


@pytest.mark.parametrize("name", FIGURES)
def test_every_colour_comes_from_the_palette(name: str) -> None:
    colours = colours_of(FIGURES[name]())
    assert colours, name
    assert colours <= palette.COLOURS, sorted(colours - palette.COLOURS)


def test_the_roles_are_the_okabe_ito_colours() -> None:
    # Okabe & Ito's published values (Wong 2011, Nature Methods 8: 441)
    assert palette.SIDES == ("#0072b2", "#d55e00")
    assert palette.OUTCOMES == {
        Outcome.SUMMIT: "#009e73",
        Outcome.CANCELLED: "#d55e00",
        Outcome.VETOED: "#e69f00",
        Outcome.DEADLINE: "#999999",
    }
    # what is shown side by side is told apart
    assert len(set(palette.OUTCOMES.values())) == len(palette.OUTCOMES)
    assert len(set(palette.EVENTS.values())) == len(palette.EVENTS)
    assert palette.SIDE_A != palette.SIDE_B and palette.FIRST != palette.SECOND


@pytest.mark.parametrize(
    "build",
    [
        lambda: tornado(DOLLARS),
        lambda: indices(DOLLARS, "sobol"),
        lambda: indices(DOLLARS, "morris"),
        lambda: tradeoff(DOLLARS),
        lambda: corner(DOLLARS),
        lambda: sweep.sweep_figure(DOLLARS, ["x"], [np.linspace(0, 1, 5)], summary(5, True)),
        lambda: sweep.sweep_figure(DOLLARS, ["x", "y"], *heat_summary()),
    ],
    ids=["tornado", "sobol", "morris", "tradeoff", "corner", "sweep curve", "sweep heat map"],
)
def test_every_figure_draws_dollars_literally(build, tmp_path: Path) -> None:
    figure = build()
    written = save_figure(figure, tmp_path / "figure.png")
    assert written.read_bytes().startswith(b"\x89PNG")
    texts = [t.get_text() for t in figure.findobj(match=lambda a: isinstance(a, Text))]
    assert any(DOLLARS in text for text in texts), texts


def test_a_figure_is_saved_whole_in_the_format_of_its_name(tmp_path: Path) -> None:
    for name, signature in (("f.png", b"\x89PNG"), ("f.pdf", b"%PDF"), ("f", b"\x89PNG")):
        path = save_figure(tornado("t"), tmp_path / name)
        assert path.read_bytes().startswith(signature)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f", "f.pdf", "f.png"]


def lines_labelled(figure: Figure) -> dict[str, Line2D]:
    return {
        line.get_label(): line
        for axes in figure.axes
        for line in axes.get_lines()
        if not line.get_label().startswith("_")
    }


def test_the_sweep_curve_shows_p_held_beside_p_summit_where_they_differ() -> None:
    figure = sweep.sweep_figure("t", ["x"], [np.linspace(0, 1, 5)], held_summary())
    lines = lines_labelled(figure)
    held = lines["P(held): the summit takes place, with or without a deal"]
    summit = lines["P(summit)"]
    assert to_hex(held.get_color()) == palette.HELD != palette.SUMMIT
    # apart in grey too: another line style and another marker
    assert held.get_linestyle() != summit.get_linestyle()
    assert held.get_marker() != summit.get_marker()
    np.testing.assert_allclose(held.get_ydata(), held_summary().column("p_held"))
    legend = [
        t.get_text() for axes in figure.axes if axes.get_legend() for t in axes.get_legend().texts
    ]
    assert "P(held) Wilson 95% interval" in legend
    assert "held, no agreement" in legend  # the share of summits held without a deal


def test_a_schema_1_sweep_curve_has_no_p_held() -> None:
    figure = sweep.sweep_figure("t", ["x"], [np.linspace(0, 1, 5)], summary(5, True))
    assert not any("P(held)" in label for label in lines_labelled(figure))
    legend = [
        t.get_text() for axes in figure.axes if axes.get_legend() for t in axes.get_legend().texts
    ]
    assert "held, no agreement" not in legend


def test_the_heat_map_stays_p_summit() -> None:
    x, y = np.linspace(0, 1, 3), np.linspace(0, 1, 4)
    p = [(a + b) / 2 for a in x for b in y]
    columns = ["x", "y", "trials", "p_summit", "ci_low", "ci_high", "p_cancelled", "p_vetoed"]
    columns += ["p_deadline", "p_held", "p_held_ci_low", "p_held_ci_high", "p_no_deal"]
    rows = [[0.0, 0.0, 100, v, v, v, 0, 0, 1 - v, 1.0, 1.0, 1.0, 1 - v] for v in p]
    figure = sweep.sweep_figure("t", ["x", "y"], [x, y], Summary(columns, rows, None))
    mesh = figure.axes[0].collections[0]
    np.testing.assert_allclose(np.sort(mesh.get_array().ravel()), np.sort(p))
    assert "P(summit)" in figure.axes[0].get_title()


def test_the_run_figure_says_held_without_agreement_and_names_the_vetoing_approver() -> None:
    no_deal = run.run_figure(finished(NO_DEAL))
    assert no_deal.get_suptitle() == "Toy talks without a deal - held, no agreement on 10 Mar 2025"
    strip = [t.get_text() for t in no_deal.axes[2].texts]
    assert any(text.startswith("held, no agreement: Summit held without") for text in strip)
    vetoed = run.run_figure(finished(APPROVER_VETO))
    assert vetoed.get_suptitle() == (
        "Toy talks vetoed by a parliament - vetoed by the Verkhovna Rada (b) on 09 Mar 2025"
    )
    # schema 1 endings read as before
    assert (
        run.run_figure(finished(CANCELLED))
        .get_suptitle()
        .endswith(" - cancelled by us on 21 Oct 2025")
    )


def test_the_utility_space_panel_says_held_without_agreement_and_who_vetoed() -> None:
    texts = [t.get_text() for t in panels.utility_space_figure(finished(NO_DEAL)).findobj(Text)]
    assert "summit held, no agreement" in texts
    vetoed = panels.utility_space_figure(finished(APPROVER_VETO))
    legend = [t.get_text() for t in vetoed.legends[0].texts]
    assert "framework, vetoed by the Verkhovna Rada (b)" in legend


def test_the_corner_shows_the_parameters_the_observation_moves_most() -> None:
    rng = np.random.default_rng(2)
    prior = rng.random((2000, 9))
    posterior = prior[(prior[:, 7] < 0.2) & (prior[:, 2] > 0.5)]
    shown = inference.shown_parameters(prior, posterior, limit=2)
    assert shown == [2, 7]
    figure = corner("t", 8)
    assert len(figure.axes) == 6 * 7 // 2  # six of eight, the lower triangle
