"""Factors of an analysis and P(summit) at many points of them, with common random numbers.

A factor is a scalar parameter path with a range, written ``PATH=LOW:HIGH`` on the command
line (``putin.softness=0:1``). The analysis commands (``sensitivity``, ``discover``,
``whatif``) evaluate the scenario at many points of their factors; every point runs the
same trials, keyed exactly as :func:`summitsim.sweep.estimate_p_summit` keys them
(``block_key(seed, 0, b)``), so two points differ only by the factors' values, not by
the Monte Carlo noise (common random numbers), and a point's counts equal
``estimate_p_summit`` of the scenario set to that point.

A factor with a ``uniform`` uncertainty is held at each point's value (as a sweep holds a
swept path); ``normal_sd`` and ``lognormal_sd`` stay, centred on that value.

P(held) is the share of trials where the summit meets. Under schema 1 a summit meets
exactly when the principals agree, so P(held) equals P(summit); the column is computed
apart so that schema 2 (summits without a deal) slots in here alone.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from summitsim import draws
from summitsim.arrays import compile_scenario
from summitsim.kernel import count
from summitsim.outcomes import COUNT_COLUMNS, Count
from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.overrides import hold, with_values
from summitsim.scenario.paths import ParameterPath, resolve
from summitsim.scenario.schema import Scenario
from summitsim.sweep import BLOCK_TRIALS

#: Blocks of fewer trials run on the calling thread: starting numba's threads costs more
#: than such a block (the counts are the same either way).
PARALLEL_FROM = 20_000
FACTOR_FORM = "PATH=LOW:HIGH with LOW < HIGH, e.g. putin.softness=0:1"


@dataclass(frozen=True)
class Factor:
    """A scalar parameter path and the range an analysis moves it over."""

    path: str
    low: float
    high: float

    def to_json(self) -> dict[str, float | str]:
        return {"path": self.path, "low": self.low, "high": self.high}


def scalar_path(scenario: Scenario, text: str, flag: str) -> ParameterPath:
    """The resolved scalar path ``text`` (ScenarioError naming ``flag`` otherwise)."""
    try:
        path = resolve(scenario, text)
    except ScenarioError as error:
        raise ScenarioError(f"{text}: {error.message}", field=flag) from None
    if path.vector:
        raise ScenarioError(
            f"{text} names one value per issue; allowed: a scalar path such as "
            f"{text}.{scenario.issue_ids[0]}",
            field=flag,
        )
    return path


def parse_factor(scenario: Scenario, text: str) -> Factor:
    """A factor from ``PATH=LOW:HIGH``: a scalar path of the scenario, LOW < HIGH, both
    inside the field's range. ScenarioError (field ``--factor``) otherwise."""
    name, sign, spec = text.partition("=")
    parts = spec.split(":")
    try:
        if not sign or len(parts) != 2:
            raise ValueError(text)
        low, high = (float(part) for part in parts)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(text)
    except ValueError:
        raise ScenarioError(
            f"{text!r} is not of the form {FACTOR_FORM}", field="--factor"
        ) from None
    path = scalar_path(scenario, name.strip(), "--factor")
    for value in (low, high):
        if not path.range.contains(value):
            raise ScenarioError(
                f"{text}: {value:g} is outside the range of {path.text}; allowed: {path.allowed()}",
                field="--factor",
            )
    if not low < high:
        raise ScenarioError(
            f"{text}: LOW must be below HIGH; allowed: {FACTOR_FORM}", field="--factor"
        )
    return Factor(path.text, low, high)


def parse_factors(scenario: Scenario, texts: Sequence[str] | None) -> list[Factor]:
    """Every ``--factor``: at least one, no path twice."""
    if not texts:
        raise ScenarioError(
            f"no factor given; allowed: one or more --factor {FACTOR_FORM}", field="--factor"
        )
    factors = [parse_factor(scenario, text) for text in texts]
    paths = [factor.path for factor in factors]
    twice = sorted({path for path in paths if paths.count(path) > 1})
    if twice:
        raise ScenarioError(f"{twice[0]} is given twice; allowed: each path once", field="--factor")
    return factors


def progress_bar(total: int, desc: str, enabled: bool = True) -> tqdm:
    """A progress bar on stderr counting trials, as the sweep's."""
    return tqdm(
        total=total,
        unit="trial",
        unit_scale=True,
        file=sys.stderr,
        disable=not enabled,
        desc=desc,
        smoothing=0.1,
        mininterval=0.5,
    )


def counts_at(
    scenario: Scenario,
    paths: Sequence[str],
    points: npt.ArrayLike,
    trials: int,
    seed: int,
    bar: tqdm | None = None,
) -> np.ndarray:
    """Outcome counts (rows of :data:`COUNT_COLUMNS`) at each row of ``points`` (one column
    per path), every row with the same trial keys. ``paths`` with a ``uniform``
    uncertainty are held at the point's value."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    base = hold(scenario, list(paths))
    keys = [draws.block_key(seed, 0, b) for b in range(-(-trials // BLOCK_TRIALS))]
    sizes = [min(BLOCK_TRIALS, trials - b * BLOCK_TRIALS) for b in range(len(keys))]
    found = np.zeros((points.shape[0], len(COUNT_COLUMNS)), dtype=np.int64)
    for i, point in enumerate(points):
        values = {path: float(value) for path, value in zip(paths, point)}
        arrays = compile_scenario(with_values(base, values) if values else base)
        for key, size in zip(keys, sizes):
            found[i] += count(arrays, size, key, parallel=size >= PARALLEL_FROM)
            if bar is not None:
                bar.update(size)
    return found


def summits(counts: np.ndarray) -> np.ndarray:
    """Trials ending in a summit with a deal, per count row."""
    return np.asarray(counts)[..., Count.SUMMIT]


def held(counts: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Trials where the summit meets, per count row: under schema 1, the summits."""
    del scenario  # schema 2 reads its no-deal summits from the scenario's count layout
    return summits(counts)


def outcome_counts(counts: np.ndarray, scenario: Scenario) -> dict[str, np.ndarray]:
    """The trials of each outcome every analysis reports, per count row: ``p_summit`` (a
    summit with a deal) and ``p_held`` (the summit meets)."""
    return {"p_summit": summits(counts), "p_held": held(counts, scenario)}
