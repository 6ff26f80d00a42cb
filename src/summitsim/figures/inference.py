"""The corner figure of ``summitsim infer``: prior against posterior, one row and one
column per free parameter. On the diagonal each parameter's density, the prior as a grey
filled histogram and the posterior as a blue outline with hatching; below it each pair,
the prior's draws as grey dots and the kept draws as blue dots. Labelled in words; the
grey and the hatching say what the colour says."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from summitsim.figures import palette

#: At most this many parameters in the figure (every one is in posterior.csv).
SHOWN = 6
#: At most this many dots per cloud: more add ink, not information.
DOTS = 2000
BINS = 30


def shown_parameters(prior: np.ndarray, posterior: np.ndarray, limit: int = SHOWN) -> list[int]:
    """The columns to draw, in their order: all when they fit, else the ``limit`` whose
    posterior mean moved furthest from the prior's, in units of the prior's sd."""
    count = prior.shape[1]
    if count <= limit or posterior.shape[0] == 0:
        return list(range(min(count, limit)))
    spread = np.std(prior, axis=0)
    shift = np.abs(np.mean(posterior, axis=0) - np.mean(prior, axis=0))
    score = np.where(spread > 0, shift / np.where(spread > 0, spread, 1.0), 0.0)
    chosen = np.argsort(-score, kind="stable")[:limit]
    return sorted(int(k) for k in chosen)


def corner_figure(
    title: str,
    names: Sequence[str],
    prior: np.ndarray,
    posterior: np.ndarray,
    caption: str,
) -> Figure:
    """Prior (``prior``: draws x parameters) against posterior (``posterior``: kept draws
    x parameters) for the parameters ``names`` (the columns' names)."""
    columns = shown_parameters(prior, posterior)
    n = len(columns)
    size = max(1.9 * n, 4.5)
    height = size + 1.4  # the title above, the legend below
    figure = Figure(figsize=(size, height))
    grid = figure.add_gridspec(
        n, n, left=0.8 / size, right=1 - 0.15 / size, bottom=1.1 / height, top=1 - 0.75 / height
    )
    grid.update(wspace=0.08, hspace=0.08)
    # the lower triangle only: the upper one would repeat it (and costs time to draw)
    axes = [
        [figure.add_subplot(grid[r, c]) if c <= r else None for c in range(n)] for r in range(n)
    ]
    prior_dots = prior[:DOTS]
    posterior_dots = posterior[:DOTS]
    for row, i in enumerate(columns):
        for col, j in enumerate(columns):
            axis = axes[row][col]
            if axis is None:
                continue
            low, high = _limits(prior[:, j], posterior[:, j])
            if row == col:
                edges = np.linspace(
                    low, high, BINS + 1
                ).tolist()  # matplotlib types bins as a sequence
                axis.hist(
                    prior[:, j],
                    bins=edges,
                    density=True,
                    color=palette.BACKDROP,
                    label="prior: the uncertainty: block",
                )
                if posterior.shape[0]:
                    axis.hist(
                        posterior[:, j],
                        bins=edges,
                        density=True,
                        histtype="step",
                        hatch="//",
                        color=palette.FIRST,
                        linewidth=1.5,
                        label="posterior: the trials that reproduce what happened",
                    )
                axis.set_yticks([])
                axis.set_xlim(low, high)
                if row == 0:
                    axis.set_ylabel("density", fontsize=7)
            else:
                lows = _limits(prior[:, i], posterior[:, i])
                axis.scatter(
                    prior_dots[:, j],
                    prior_dots[:, i],
                    s=2,
                    color=palette.BACKDROP,
                    marker=".",
                    rasterized=True,
                )
                axis.scatter(
                    posterior_dots[:, j],
                    posterior_dots[:, i],
                    s=3,
                    color=palette.FIRST,
                    marker="o",
                    linewidths=0,
                    alpha=0.5,
                    rasterized=True,
                )
                axis.set_xlim(low, high)
                axis.set_ylim(*lows)
                if col == 0:
                    axis.set_ylabel(names[i], fontsize=7)
                else:
                    axis.set_yticklabels([])
            if row == n - 1:
                axis.set_xlabel(names[j], fontsize=7)
            else:
                axis.set_xticklabels([])
            axis.tick_params(labelsize=6)
    first = axes[0][0]
    assert first is not None
    handles, labels = first.get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=1, fontsize=8, frameon=False)
    figure.suptitle(f"{title}: prior against posterior\n{caption}", fontsize=9)
    return figure


def _limits(*samples: np.ndarray) -> tuple[float, float]:
    """The range the samples span (a point widened a little, so that it can be drawn)."""
    values = np.concatenate([s[np.isfinite(s)] for s in samples])
    if values.size == 0:
        return 0.0, 1.0
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return low - 0.5, high + 0.5
    return low, high
