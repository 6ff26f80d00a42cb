"""The classroom page's figures: one builder per panel, each a pure function of a model's
state (or of a computed curve) returning a new matplotlib :class:`Figure`.

The builders read only what a :class:`summitsim.model.SummitModel` exposes: its scenario
(``setup``), its principals (ideal, salience, reservation, patience, ``value``), its
``offers`` and its ``outcome``. They never step or change the model. Figures are built
with :class:`matplotlib.figure.Figure` directly (no pyplot), so pages open in several
browsers at once share no plotting state. Every value of a position is
:func:`summitsim.rules.utility`, as the principals compute it.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass
from datetime import date

import numpy as np
from matplotlib.figure import Figure

from summitsim import rules
from summitsim.figures import palette
from summitsim.figures.run import ending_text
from summitsim.figures.save import figure_png
from summitsim.outcomes import Outcome

__all__ = [
    "Curve",
    "figure_png",
    "offers_figure",
    "p_summit_figure",
    "pareto_frontier",
    "utility_space_figure",
    "values_figure",
]

#: Panel size in inches at :data:`DPI` (700 x 450 px): shown at about that size in half
#: of a 1920 px projector page or across the main area at 1280 px.
PANEL_SIZE = (7.0, 4.5)
DPI = 100
#: The smallest text in any figure, and the titles (points; at 100 dpi 11 pt is 15 px, so
#: at least 14 px on the screen as long as a figure is shown at 92% of its size or more).
TEXT_PT = 11
TITLE_PT = 13
#: Positions drawn to show the shape of the utility space.
CLOUD_POINTS = 2500


@dataclass(frozen=True)
class Curve:
    """P(summit) at each value of one parameter path, with Wilson 95% bounds."""

    path: str
    label: str
    values: np.ndarray
    p_summit: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    trials: int


def _figure(size: tuple[float, float] = PANEL_SIZE) -> Figure:
    return Figure(figsize=size, dpi=DPI, layout="constrained")


def _short_date(day: date | str) -> str:
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day:%b} {day.day}"


def _contact_axis(axes, model) -> None:
    """x axis over every contact of the scenario, labelled by date; contacts not yet
    held are greyed."""
    contacts = model.setup.contacts
    held = len(model.offers)
    axes.set_xlim(-0.4, len(contacts) - 0.6)
    axes.set_xticks(range(len(contacts)))
    axes.set_xticklabels([_short_date(c.date) for c in contacts], fontsize=TEXT_PT)
    for t, label in enumerate(axes.get_xticklabels()):
        if t >= held:
            label.set_color(palette.FAINT)


def offers_figure(model) -> Figure:
    """Each side's offer on each issue at every contact held, one small chart per issue,
    with both principals' ideals dotted and the issue's own words at 0 and 1."""
    issues = model.setup.issues
    sides = model.setup.sides
    columns = 2 if len(issues) > 1 else 1
    rows = -(-len(issues) // columns)
    figure = _figure((PANEL_SIZE[0], max(PANEL_SIZE[1], 2.7 * rows)))
    grid = figure.subplots(rows, columns, squeeze=False, sharex=True)
    offers = model.offers
    for k, issue in enumerate(issues):
        axes = grid[k // columns][k % columns]
        for j, side in enumerate(sides):
            points = [
                (t, entry[side.id][issue.id]) for t, entry in enumerate(offers) if side.id in entry
            ]
            colour = palette.SIDES[j]
            axes.axhline(model.principals[j].ideal[k], color=colour, lw=0.8, ls=":")
            if points:
                x, y = zip(*points)
                axes.plot(x, y, "o-", color=colour, lw=1.5, ms=4, label=side.id)
        axes.set_ylim(-0.05, 1.25)
        axes.set_yticks([0, 0.5, 1])
        axes.tick_params(labelsize=TEXT_PT)
        axes.set_title(issue.label, fontsize=TITLE_PT, loc="left")
        axes.text(
            0.02,
            0.03,
            "0 = " + textwrap.shorten(issue.low, 36),
            fontsize=TEXT_PT,
            transform=axes.transAxes,
            color=palette.MUTED,
        )
        axes.text(
            0.02,
            0.97,
            "1 = " + textwrap.shorten(issue.high, 36),
            fontsize=TEXT_PT,
            transform=axes.transAxes,
            color=palette.MUTED,
            va="top",
        )
        _contact_axis(axes, model)
    for k in range(len(issues), rows * columns):
        grid[k // columns][k % columns].set_visible(False)
    handles, labels = grid[0][0].get_legend_handles_labels()
    if handles:
        figure.legend(
            handles,
            labels,
            loc="outside upper right",
            ncols=len(sides),
            fontsize=TEXT_PT,
            frameon=False,
        )
    return figure


def values_figure(model) -> Figure:
    """For each principal, the value to it of the other side's offer at every contact,
    against its patience (walks out below it) and its reservation (vetoes below it)."""
    sides = model.setup.sides
    figure = _figure()
    grid = figure.subplots(1, len(sides), squeeze=False, sharey=True)[0]
    offers = model.offers
    for j, principal in enumerate(model.principals):
        other = sides[1 - j]
        axes = grid[j]
        points = [
            (t, principal.value(_position(entry[other.id], model)))
            for t, entry in enumerate(offers)
            if other.id in entry
        ]
        if points:
            x, y = zip(*points)
            axes.plot(
                x, y, "o-", color=palette.SIDES[1 - j], lw=1.5, ms=4, label=f"offer from {other.id}"
            )
        axes.axhline(
            principal.patience,
            color=palette.MUTED,
            ls="--",
            lw=1,
            label=f"patience {principal.patience:.2f}",
        )
        axes.axhline(
            principal.reservation,
            color=palette.INK,
            ls=":",
            lw=1.2,
            label=f"reservation {principal.reservation:.2f}",
        )
        axes.set_ylim(0, 1.02)
        axes.set_title(principal.name, fontsize=TITLE_PT, loc="left")
        axes.tick_params(labelsize=TEXT_PT)
        axes.legend(fontsize=TEXT_PT, loc="lower right")
        _contact_axis(axes, model)
    grid[0].set_ylabel("value of the other side's offer", fontsize=TEXT_PT)
    return figure


def _position(offer: dict[str, float], model) -> np.ndarray:
    """An offer ``{issue id: value}`` as a vector in the scenario's issue order."""
    return np.array([offer[issue.id] for issue in model.setup.issues])


def pareto_frontier(
    ideal_a: np.ndarray, salience_a: np.ndarray, ideal_b: np.ndarray, salience_b: np.ndarray
) -> np.ndarray:
    """The Pareto frontier of two linear additive utilities ``u(x) = 1 - sum w |x - a|``
    over the unit box, as the corners ``(u_A, u_B)`` of a concave polyline from B's ideal
    to A's ideal.

    Every efficient position lies between the two ideals; moving issue k from B's ideal
    to A's gains A ``w_Ak d_k`` and costs B ``w_Bk d_k``, so the frontier concedes the
    issues in falling order of ``w_Ak / w_Bk`` (tied issues give corners on one straight
    segment). Each corner is a position, valued by :func:`rules.utility`.
    """
    ideal_a, ideal_b = np.asarray(ideal_a, float), np.asarray(ideal_b, float)
    salience_a, salience_b = np.asarray(salience_a, float), np.asarray(salience_b, float)
    gap = np.abs(ideal_a - ideal_b)
    gain, cost = salience_a * gap, salience_b * gap
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, gain / cost, np.inf)
    position = ideal_b.copy()
    corners = []
    traded: list[int] = np.flatnonzero(gain + cost > 0).tolist()
    for k in [-1, *sorted(traded, key=lambda k: -ratio[k])]:
        if k >= 0:
            position[k] = ideal_a[k]
        corners.append(
            (
                rules.utility(position, ideal_a, salience_a),
                rules.utility(position, ideal_b, salience_b),
            )
        )
    return np.array(corners)


def _offer_path(model) -> list[tuple[int, int, float, float]]:
    """(contact, side index, u_A, u_B) of every offer, in the order made."""
    first = model.setup.first_mover_index
    path = []
    for t, entry in enumerate(model.offers):
        for j in (first, 1 - first):
            side = model.setup.sides[j].id
            if side in entry:
                x = _position(entry[side], model)
                path.append((t, j, model.principals[0].value(x), model.principals[1].value(x)))
    return path


def utility_space_figure(model) -> Figure:
    """Principal A's value against B's: a cloud of possible positions, the Pareto
    frontier, the zone both would accept (both at or above their reservation), the path
    of offers and the framework, if one was agreed."""
    a, b = model.principals
    figure = _figure()
    axes = figure.subplots()
    cloud = np.random.default_rng(0).random((CLOUD_POINTS, len(model.setup.issues)))
    axes.scatter(
        _values(cloud, a),
        _values(cloud, b),
        s=2,
        color=palette.BACKDROP,
        label="possible positions",
        rasterized=True,
    )
    axes.fill_between(
        [a.reservation, 1.02],
        b.reservation,
        1.02,
        color=palette.AGREEMENT,
        alpha=0.12,
        lw=0,
        label="both above reservation",
    )
    frontier = pareto_frontier(a.ideal, a.salience, b.ideal, b.salience)
    axes.plot(
        frontier[:, 0], frontier[:, 1], "-", color=palette.INK, lw=1.5, label="Pareto frontier"
    )
    inside = _clip_frontier(frontier, a.reservation, b.reservation)
    if inside is not None:
        axes.plot(
            inside[:, 0],
            inside[:, 1],
            "-",
            color=palette.AGREEMENT,
            lw=4,
            alpha=0.8,
            label="zone of agreement",
        )
    else:
        axes.text(
            0.02,
            0.02,
            "no zone of agreement",
            transform=axes.transAxes,
            fontsize=TEXT_PT,
            color=palette.AGREEMENT,
        )
    path = _offer_path(model)
    if path:
        axes.plot([p[2] for p in path], [p[3] for p in path], "-", color=palette.MUTED, lw=0.8)
    for j, side in enumerate(model.setup.sides):
        mine = [p for p in path if p[1] == j]
        if mine:
            axes.scatter(
                [p[2] for p in mine],
                [p[3] for p in mine],
                s=28,
                color=palette.SIDES[j],
                zorder=3,
                label=f"offers from {side.id}",
            )
            for t, _, x, y in mine:
                axes.annotate(
                    str(t + 1), (x, y), fontsize=TEXT_PT, xytext=(3, 3), textcoords="offset points"
                )
    outcome = model.outcome
    if outcome is not None and outcome.framework is not None:
        framework = np.array([outcome.framework[issue.id] for issue in model.setup.issues])
        axes.scatter(
            [a.value(framework)],
            [b.value(framework)],
            marker="*",
            s=220,
            color=palette.FRAMEWORK,
            edgecolor=palette.INK,
            zorder=4,
            # a framework that did not become the summit's names who stopped it
            label="framework"
            if outcome.kind == Outcome.SUMMIT.word
            else f"framework, {ending_text(model)}",
        )
    if outcome is not None and outcome.kind == Outcome.NO_DEAL.word:
        axes.text(
            0.98,
            0.98,
            f"summit {ending_text(model)}",
            transform=axes.transAxes,
            ha="right",
            va="top",
            fontsize=TEXT_PT,
            color=palette.INK,
        )
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel(f"value to {a.name}", fontsize=TEXT_PT)
    axes.set_ylabel(f"value to {b.name}", fontsize=TEXT_PT)
    axes.tick_params(labelsize=TEXT_PT)
    figure.legend(fontsize=TEXT_PT, loc="outside right upper", markerscale=1.0, frameon=False)
    return figure


def _values(positions: np.ndarray, principal) -> np.ndarray:
    """``principal``'s utility of each row of ``positions``, by :func:`rules.utility`."""
    return np.array([rules.utility(x, principal.ideal, principal.salience) for x in positions])


def _clip_frontier(frontier: np.ndarray, floor_a: float, floor_b: float) -> np.ndarray | None:
    """The part of the polyline ``frontier`` with u_A >= floor_a and u_B >= floor_b, or
    None if there is none."""
    dense = np.concatenate(
        [np.linspace(p, q, 200) for p, q in itertools.pairwise(frontier)] or [frontier]
    )
    keep = dense[(dense[:, 0] >= floor_a) & (dense[:, 1] >= floor_b)]
    return keep if len(keep) else None


def p_summit_figure(curve: Curve, current: float) -> Figure:
    """P(summit) against ``curve.path`` with its 95% band, the 0.5 line and a marker at
    ``current`` (the value the page's model runs with)."""
    figure = _figure()
    axes = figure.subplots()
    axes.fill_between(
        curve.values,
        curve.ci_low,
        curve.ci_high,
        color=palette.SUMMIT,
        alpha=0.2,
        lw=0,
        label="95% interval",
    )
    axes.plot(curve.values, curve.p_summit, "-", color=palette.SUMMIT, lw=2, label="P(summit)")
    axes.axhline(0.5, color=palette.FAINT, ls=":", lw=1)
    here = float(np.interp(current, curve.values, curve.p_summit))
    axes.axvline(current, color=palette.AS_WRITTEN, lw=1, ls="--")
    axes.plot(
        [current],
        [here],
        "o",
        color=palette.AS_WRITTEN,
        ms=8,
        label=f"now: {curve.path} = {current:.2f}, P = {here:.2f}",
    )
    axes.set_xlim(curve.values[0], curve.values[-1])
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel(curve.label, fontsize=TEXT_PT)
    axes.set_ylabel("P(summit)", fontsize=TEXT_PT)
    axes.tick_params(labelsize=TEXT_PT)
    axes.legend(fontsize=TEXT_PT, loc="upper left")
    axes.set_title(f"Monte Carlo, {curve.trials:,} trials per point", fontsize=TEXT_PT, loc="left")
    return figure
