"""One-at-a-time sensitivity of P(summit) to every numeric parameter of a scenario.

For each scalar path, P(summit) is estimated at the scenario's value minus and plus a
step (clipped to the field's range), each with the same seed: both estimates use the same
draws for everything else (common random numbers), so their difference reflects the
parameter, not the noise of two independent samples. A path with a ``uniform``
uncertainty is held at the stepped values, as in a sweep.

The result ranks the levers of a scenario: which single number, moved a little, changes
the chance of a summit most.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from summitsim.scenario import Scenario
from summitsim.scenario.overrides import hold, with_values
from summitsim.scenario.paths import resolve, scalar_paths, scalar_value
from summitsim.sweep import estimate_p_summit


@dataclass(frozen=True)
class Sensitivity:
    """P(summit) at ``low`` and ``high`` values of ``path``; ``effect`` = p_high - p_low,
    with its standard error ``se`` (binomial, the two estimates taken as independent: an
    upper bound under common random numbers)."""

    path: str
    low: float
    high: float
    p_low: float
    p_high: float
    effect: float
    se: float

    def to_row(self) -> dict[str, float | str]:
        return asdict(self)


def default_paths(scenario: Scenario) -> list[str]:
    """Every scalar field of the principals and negotiators (not per-issue values, not
    the noise)."""
    return [path for path in scalar_paths(scenario) if path != "noise" and path.count(".") == 1]


def sensitivity(
    scenario: Scenario,
    paths: list[str] | None = None,
    step: float = 0.05,
    trials: int = 20_000,
    seed: int = 0,
) -> list[Sensitivity]:
    """The sensitivity of P(summit) to each of ``paths`` (default: :func:`default_paths`),
    largest absolute effect first."""
    found = [
        _one(scenario, path, step, trials, seed)
        for path in (default_paths(scenario) if paths is None else paths)
    ]
    return sorted(found, key=lambda s: -abs(s.effect))


def _one(scenario: Scenario, path: str, step: float, trials: int, seed: int) -> Sensitivity:
    where = resolve(scenario, path)
    value = scalar_value(scenario, where)
    low, high = where.clip(value - step), where.clip(value + step)
    fixed = hold(scenario, [path])
    p_low, p_high = (
        estimate_p_summit(with_values(fixed, {path: v}), trials, seed)[0] / trials
        for v in (low, high)
    )
    se = math.sqrt((p_low * (1 - p_low) + p_high * (1 - p_high)) / trials)
    return Sensitivity(path, low, high, p_low, p_high, p_high - p_low, se)
