"""Scenario discovery: where in the space of assumptions is a summit likely?
``summitsim discover``.

The factors (``PATH=LOW:HIGH``) are sampled by a Latin hypercube (scipy's
``qmc.LatinHypercube``, seeded by ``--seed``); P(summit) is estimated at every sample with
the same trials (common random numbers); a sample is *of interest* when P(summit) exceeds
the threshold. The Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in
high-dimensional data", Statistics and Computing 9(2); Bryant & Lempert 2010, "Thinking
inside the box", Technological Forecasting and Social Change 77(1)) then peels the factor
space down to boxes where such samples are dense. PRIM is the EMA Workbench's
implementation (see :func:`find_boxes` for its settings), imported here only (it takes
seconds to import and the other commands do not need it), with its import-time notices
silenced.

Each box is reported with its limits, its *coverage* (the share of all samples of interest
that fall inside it), its *density* (the share of the box's samples that are of interest)
and its *mass* (the share of all samples inside it). PRIM's box is the last one on its
peeling-and-pasting trajectory (the EMA Workbench's choice); the whole trajectory is written
out, so another trade-off between coverage and density can be read from it.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from summitsim.factors import Factor, counts_at, outcome_counts, progress_bar
from summitsim.scenario.schema import Scenario
from summitsim.terminal_text import printable

if TYPE_CHECKING:
    import pandas as pd

#: At most this many boxes are looked for, one after another on the samples left outside.
MAX_BOXES = 3
#: The least mass of a box (the EMA Workbench's default).
MASS_MIN = 0.05
#: The EMA Workbench's default peeling (and pasting) share: a twentieth of the box a step.
DEFAULT_PEEL_ALPHA = 0.05
#: The least share of the patient peel (see :func:`patient_alpha`).
LEAST_PEEL_ALPHA = 0.002
#: A box after the first is reported only when most of its samples are of interest.
LEAST_DENSITY = 0.5


@dataclass(frozen=True)
class Box:
    """One PRIM box: its limits per factor (only the restricted factors differ from the
    sampled range), coverage, density and mass, and its peeling trajectory."""

    limits: dict[str, tuple[float, float]]
    restricted: tuple[str, ...]
    coverage: float
    density: float
    mass: float
    samples: int
    of_interest: int
    trajectory: pd.DataFrame
    chosen: int


@dataclass
class Discovery:
    """Samples, P(summit) and P(held) at each, and the boxes found."""

    factors: list[Factor]
    threshold: float
    trials: int
    seed: int
    points: np.ndarray
    counts: dict[str, np.ndarray]
    boxes: list[Box]
    elapsed_s: float
    simulation_s: float = 0.0
    peel_alpha: float = DEFAULT_PEEL_ALPHA

    @property
    def of_interest(self) -> np.ndarray:
        return self.counts["p_summit"] / self.trials > self.threshold


def latin_hypercube(factors: Sequence[Factor], samples: int, seed: int) -> np.ndarray:
    """``samples`` points of a Latin hypercube over the factors' ranges: each factor's range
    cut into ``samples`` equal strata, one point in each."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(seed)).random(samples)
    return qmc.scale(unit, [f.low for f in factors], [f.high for f in factors])


def _prim():
    """The EMA Workbench's PRIM module, imported without its notices (it warns at import
    that optional parallel back ends are missing, which this command does not use)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.ERROR)
    return prim


def patient_alpha(samples: int) -> float:
    """A patient peeling share: one sample's worth, ``1 / samples``, but at least
    :data:`LEAST_PEEL_ALPHA`.

    >>> patient_alpha(200), patient_alpha(5000)
    (0.005, 0.002)
    """
    return max(1.0 / samples, LEAST_PEEL_ALPHA)


def find_boxes(x: pd.DataFrame, y: np.ndarray) -> tuple[list[Box], float]:
    """PRIM boxes of the samples ``x`` where ``y`` holds, and the peeling share used.

    PRIM runs twice, with the EMA Workbench's default peel (a twentieth of the box per step)
    and with a patient one (one sample's worth, :func:`patient_alpha`), and the denser first
    box is kept (on a tie, the one covering more samples of interest). The default peel
    overshoots a sharp edge by up to a peel (on a step at softness 0.5 with 500 samples its
    box began at 0.522); the patient one puts the edge within about one sample spacing of
    where it is, but stops early at an edge that runs diagonally across two factors, where
    every one-sample peel loses a sample of interest.

    Further boxes (up to :data:`MAX_BOXES`) come from the same run, each on the samples
    outside the boxes before it, when denser than :data:`LEAST_DENSITY` and than the share
    of samples of interest left.
    """
    if not y.any():
        return [], DEFAULT_PEEL_ALPHA
    prim = _prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = []
        for alpha in dict.fromkeys((DEFAULT_PEEL_ALPHA, patient_alpha(len(y)))):
            finder = prim.Prim(x, y, peel_alpha=alpha, paste_alpha=alpha, mass_min=MASS_MIN)
            first = finder.find_box()
            runs.append((first.density, first.coverage, -len(runs), alpha, finder, first))
        _, _, _, alpha, finder, first = max(runs, key=lambda run: run[:3])
        boxes = [_box(first, list(x.columns))]
        left = np.ones(len(y), dtype=bool)  # the samples outside every box so far
        left[first.yi] = False
        while len(boxes) < MAX_BOXES and y[left].any():
            share = float(y[left].mean())
            found = finder.find_box()
            if found is None or found.density <= max(share, LEAST_DENSITY):
                break
            boxes.append(_box(found, list(x.columns)))
            left[found.yi] = False
    return boxes, alpha


def _box(found: object, names: list[str]) -> Box:
    limits = found.box_lims[found._cur_box]
    initial = found.prim.box_init
    restricted = tuple(
        name
        for name in names
        if limits[name].iloc[0] > initial[name].iloc[0]
        or limits[name].iloc[1] < initial[name].iloc[1]
    )
    stats = found.peeling_trajectory.iloc[found._cur_box]
    return Box(
        limits={name: (float(limits[name].iloc[0]), float(limits[name].iloc[1])) for name in names},
        restricted=restricted,
        coverage=float(stats["coverage"]),
        density=float(stats["density"]),
        mass=float(stats["mass"]),
        samples=int(stats["n"]),
        of_interest=int(stats["k"]),
        trajectory=_trajectory(found, names),
        chosen=int(found._cur_box),
    )


def _trajectory(found: object, names: list[str]) -> pd.DataFrame:
    """Every step of the peeling and pasting: its statistics and its limits."""
    steps = found.peeling_trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]].copy()
    for name in names:
        steps[f"{name}_low"] = [float(lims[name].iloc[0]) for lims in found.box_lims]
        steps[f"{name}_high"] = [float(lims[name].iloc[1]) for lims in found.box_lims]
    return steps.reset_index(drop=True)


def discover(
    scenario: Scenario,
    factors: Sequence[Factor],
    samples: int,
    trials: int,
    threshold: float,
    seed: int,
    progress: bool = True,
) -> Discovery:
    """Latin hypercube samples, P(summit) at each, and PRIM's boxes where it exceeds
    ``threshold``."""
    import pandas as pd

    started = time.perf_counter()
    points = latin_hypercube(factors, samples, seed)
    bar = progress_bar(samples * trials, "discover", progress)
    try:
        counts = counts_at(scenario, [f.path for f in factors], points, trials, seed, bar)
    finally:
        bar.close()
    simulated = time.perf_counter() - started
    found = Discovery(
        list(factors), threshold, trials, seed, points, outcome_counts(counts, scenario), [], 0.0
    )
    x = pd.DataFrame(points, columns=[f.path for f in factors])
    found.boxes, found.peel_alpha = find_boxes(x, found.of_interest)
    found.elapsed_s = time.perf_counter() - started
    found.simulation_s = simulated
    return found


def summary_text(result: Discovery, scenario: Scenario) -> str:
    """The boxes in words."""
    interest = result.of_interest
    lines = [
        f"{printable(scenario.title)}: {len(result.points)} Latin hypercube samples x "
        f"{result.trials:,} trials (seed {result.seed}); {int(interest.sum())} have P(summit) > "
        f"{result.threshold:g}"
    ]
    if not result.boxes:
        lines.append("No box: no sample is of interest.")
    for b, box in enumerate(result.boxes, 1):
        lines.append(
            f"Box {b}: coverage {box.coverage:.3f}, density {box.density:.3f}, mass "
            f"{box.mass:.3f} ({box.of_interest} of its {box.samples} samples of interest)"
        )
        if not box.restricted:
            lines.append("  restricts no factor: the whole sampled range")
        for name in box.restricted:
            low, high = box.limits[name]
            lines.append(f"  {name:>24} in [{low:.4g}, {high:.4g}]")
    return "\n".join(lines)
