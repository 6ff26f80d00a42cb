"""What would it have taken? The value of one lever at which the summit becomes likely.

``summitsim whatif FILE --lever PATH [--target P]`` moves one scalar parameter from the
scenario's value in whichever direction raises P(summit) and finds, by bisection, where
P(summit) reaches the target. Every evaluated value runs the same trials (common random
numbers, :func:`summitsim.factors.counts_at`), so the estimated P is a step function of the
lever that moves only where some trial's outcome changes, and the bisection is well posed.

The 95% interval is where the Wilson 95% bounds of the estimate cross the target: the
lever value where the upper bound first reaches it (below it the target is excluded) and
where the lower bound does (beyond it the target is reached with 95% confidence). It
measures the Monte Carlo error of the estimate only, pointwise at each value; the
uncertainty the scenario's ``uncertainty`` block describes is already inside P.

The nominal run's own threshold is found the same way on the nominal run (no noise, every
value as written), to :data:`NOMINAL_TOLERANCE` in the lever: where its outcome turns into
a summit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from summitsim.analysis import wilson_interval
from summitsim.arrays import compile_scenario
from summitsim.factors import counts_at, held, progress_bar, scalar_path, summits
from summitsim.kernel import nominal_trial
from summitsim.outcomes import Outcome
from summitsim.scenario.overrides import with_values
from summitsim.scenario.paths import ParameterPath, scalar_value
from summitsim.scenario.schema import Scenario
from summitsim.terminal_text import printable

#: Bisection of the nominal run stops when the bracket is this narrow (in lever units).
NOMINAL_TOLERANCE = 1e-9
#: Bisection of the Monte Carlo estimate stops when the bracket is this narrow, times
#: max(1, |scenario's value|): its steps are 1/trials wide in P, so a finer lever value
#: says nothing more.
MONTE_CARLO_TOLERANCE = 1e-6
#: An unbounded lever (a concession, the noise) is searched up to the scenario's value plus
#: this many doublings of max(1, |value|).
UNBOUNDED_DOUBLINGS = 12
#: The confidence of the interval.
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Reach:
    """Where along the lever something is first reached: ``status`` is ``found`` (at
    ``value``), ``already`` (at the scenario's value) or ``never`` (not up to ``limit``,
    the end of the searched range)."""

    status: str
    value: float | None
    limit: float

    def text(self, path: str, direction: str) -> str:
        if self.status == "already":
            return "already at the scenario's value"
        if self.status == "never":
            return f"never within the field's range (up to {path} = {self.limit:.6g})"
        return f"{path} {direction} to {self.value:.6g}"


@dataclass(frozen=True)
class WhatIf:
    """The answer of ``whatif``: the Monte Carlo threshold with its interval, and the
    nominal run's threshold."""

    path: str
    scenario_value: float
    target: float
    trials: int
    seed: int
    direction: str  # "raised" or "lowered": the way P(summit) rises
    p_at_scenario: float
    p_held_at_scenario: float  # the summit meets; under schema 1 the same as p_at_scenario
    p_at_limit: float
    limit: float
    threshold: Reach
    ci_low: Reach  # where the upper Wilson bound reaches the target
    ci_high: Reach  # where the lower Wilson bound reaches the target
    ci_method: str
    nominal_outcome: str
    nominal_direction: str
    nominal: Reach
    evaluations: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def nominal_outcome(scenario: Scenario) -> tuple[int, int]:
    """``(outcome code, deciding side)`` of the nominal run, by the kernel (the Mesa
    model's nominal run is the same, tested in test_kernel_vs_model)."""
    outcome, side, *_ = nominal_trial(compile_scenario(scenario))
    return outcome, side


def _ends(path: ParameterPath, value: float) -> tuple[float, float]:
    """The searched range: the field's range (open ends just inside), an infinite end
    replaced by the scenario's value plus :data:`UNBOUNDED_DOUBLINGS` doublings."""
    reach = max(1.0, abs(value)) * 2.0**UNBOUNDED_DOUBLINGS
    low = path.clip(path.low) if math.isfinite(path.low) else value - reach
    high = path.clip(path.high) if math.isfinite(path.high) else value + reach
    return low, high


def bisect(reached: Callable[[float], bool], start: float, end: float, tolerance: float) -> float:
    """The first value from ``start`` toward ``end`` where ``reached`` holds, to
    ``tolerance``: ``reached(start)`` is false and ``reached(end)`` true; the returned value
    is the midpoint of the final bracket.

    >>> round(bisect(lambda v: v >= 0.3, 0.0, 1.0, 1e-9), 6)
    0.3
    """
    while abs(end - start) > tolerance:
        middle = 0.5 * (start + end)
        if middle in (start, end):  # the bracket is as narrow as floats go
            break
        if reached(middle):
            end = middle
        else:
            start = middle
    return 0.5 * (start + end)


def _reach(reached: Callable[[float], bool], value: float, limit: float, tolerance: float) -> Reach:
    if reached(value):
        return Reach("already", value, limit)
    if not reached(limit):
        return Reach("never", None, limit)
    return Reach("found", bisect(reached, value, limit, tolerance), limit)


def what_if(
    scenario: Scenario,
    lever: str,
    target: float = 0.5,
    trials: int = 20_000,
    seed: int = 0,
    progress: bool = True,
) -> WhatIf:
    """The lever value at which P(summit) reaches ``target`` (and the nominal threshold)."""
    path = scalar_path(scenario, lever, "--lever")
    value = scalar_value(scenario, path)
    low, high = _ends(path, value)
    cache: dict[float, np.ndarray] = {}  # count rows by lever value
    bar = progress_bar(0, "whatif", progress)

    def summits_at(v: float) -> int:
        if v not in cache:
            bar.total += trials
            cache[v] = counts_at(scenario, [path.text], [[v]], trials, seed, bar)[0]
        return int(summits(cache[v]))

    try:
        p = {v: summits_at(v) / trials for v in (value, low, high)}
        limit = high if p[high] >= p[low] else low
        estimate = _monte_carlo(summits_at, value, limit, target, trials)
    finally:
        bar.close()
    direction = "raised" if limit >= value else "lowered"
    nominal_direction, nominal = _nominal(scenario, path, value, (low, high), limit)
    outcome, side = nominal_outcome(scenario)
    said = Outcome(outcome).word + (f" by {scenario.side_ids[side]}" if side >= 0 else "")
    return WhatIf(
        path=path.text,
        scenario_value=value,
        target=target,
        trials=trials,
        seed=seed,
        direction=direction,
        p_at_scenario=p[value],
        p_held_at_scenario=float(held(cache[value], scenario)) / trials,
        p_at_limit=p[limit],
        limit=limit,
        threshold=estimate[0],
        ci_low=estimate[1],
        ci_high=estimate[2],
        ci_method=f"the values where the Wilson {CONFIDENCE:.0%} bounds of P(summit) reach "
        "the target: Monte Carlo error only",
        nominal_outcome=said,
        nominal_direction=nominal_direction,
        nominal=nominal,
        evaluations=len(cache),
    )


def _monte_carlo(
    summits_at: Callable[[float], int], value: float, limit: float, target: float, trials: int
) -> tuple[Reach, Reach, Reach]:
    """The threshold of the estimate and of its upper and lower Wilson bounds."""

    def bounds(v: float) -> tuple[float, float]:
        low, high = wilson_interval(np.array([summits_at(v)]), np.array([trials]), CONFIDENCE)
        return float(low[0]), float(high[0])

    tolerance = MONTE_CARLO_TOLERANCE * max(1.0, abs(value))
    return (
        _reach(lambda v: summits_at(v) / trials >= target, value, limit, tolerance),
        _reach(lambda v: bounds(v)[1] >= target, value, limit, tolerance),
        _reach(lambda v: bounds(v)[0] >= target, value, limit, tolerance),
    )


def _nominal(
    scenario: Scenario,
    path: ParameterPath,
    value: float,
    ends: tuple[float, float],
    preferred: float,
) -> tuple[str, Reach]:
    """Where the nominal run turns into a summit: toward ``preferred`` (the way P(summit)
    rises) when the nominal run is a summit there, else toward the other end."""

    def summit_at(v: float) -> bool:
        return nominal_outcome(with_values(scenario, {path.text: v}))[0] == Outcome.SUMMIT

    order = sorted(ends, key=lambda end: end != preferred)
    for end in order:
        found = _reach(summit_at, value, end, NOMINAL_TOLERANCE)
        if found.status != "never":
            return ("raised" if end >= value else "lowered"), found
    return ("raised" if preferred >= value else "lowered"), Reach("never", None, preferred)


def whatif_text(scenario: Scenario, answer: WhatIf) -> str:
    """The answer in words, for the terminal."""
    a = answer
    if a.p_at_limit > a.p_at_scenario:
        rises = f"P(summit) rises as {a.path} is {a.direction} (P = {a.p_at_limit:.4f} at "
    else:
        rises = f"P(summit) is no higher at either end of the range (P = {a.p_at_limit:.4f} at "
    lines = [
        f"What if {a.path} moves? {printable(scenario.title)} (the scenario has {a.path} = "
        f"{a.scenario_value:g})",
        "",
        f"Monte Carlo, {a.trials:,} trials from seed {a.seed}, the same trials at every value:",
        f"  P(summit) = {a.p_at_scenario:.4f} as written (P(held) = {a.p_held_at_scenario:.4f})",
        f"  {rises}{a.limit:.6g})",
        f"  P(summit) reaches {a.target:g}: {a.threshold.text(a.path, a.direction)}",
    ]
    if a.threshold.status != "never":
        ends = sorted([a.ci_low, a.ci_high], key=lambda r: r.limit if r.value is None else r.value)
        lines.append(f"  {CONFIDENCE:.0%} interval: {_end(ends[0])} to {_end(ends[1])}")
        lines.append(f"    ({a.ci_method})")
    lines += [
        "",
        f"Nominal run (no noise, every value as written): {a.nominal_outcome}",
        f"  it turns into a summit: {a.nominal.text(a.path, a.nominal_direction)}",
    ]
    return "\n".join(lines)


def _end(reach: Reach) -> str:
    if reach.status == "already":
        return f"the scenario's value ({reach.value:.6g})"
    if reach.status == "never":
        return f"beyond the field's range (past {reach.limit:.6g})"
    return f"{reach.value:.6g}"
