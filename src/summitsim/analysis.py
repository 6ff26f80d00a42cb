"""Statistics of Monte Carlo counts: Wilson intervals and the tipping point.

>>> low, high = wilson_interval(np.array([50]), np.array([100]))
>>> round(float(low[0]), 4), round(float(high[0]), 4)
(0.4038, 0.5962)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

#: The probability at which the summit is as likely held as not.
TIPPING_LEVEL = 0.5


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions ``successes / trials``:
    ``(p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``z`` the normal
    quantile of ``(1 + confidence) / 2``. Vectorised; ``trials`` >= 1."""
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # at k = 0 and k = n the bound is exactly 0 or 1; rounding would leave 1e-19
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high


@dataclass(frozen=True)
class TippingPoint:
    """Where P(summit) crosses ``level`` along a swept parameter, with a 95% interval.

    ``value`` is the linear interpolation between the two grid points that bracket the
    first crossing; the interval is the 2.5 and 97.5 percentiles of the same estimate over
    parametric bootstrap replicates (each point's count redrawn Binomial(n, p)). A
    replicate whose curve does not cross counts at the grid's end, so the interval widens
    honestly. ``rising`` tells the direction of the crossing."""

    path: str
    value: float
    ci_low: float
    ci_high: float
    level: float
    rising: bool
    method: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def crossing(values: np.ndarray, p: np.ndarray, level: float = TIPPING_LEVEL) -> float | None:
    """The first ``x`` where the piecewise-linear curve ``p(values)`` reaches ``level``
    (None when it never does).

    >>> crossing(np.array([0.0, 1.0, 2.0]), np.array([0.1, 0.3, 0.7]))
    1.5
    """
    above = p >= level
    if above.all() or not above.any():
        return None
    i = int(np.flatnonzero(above != above[0])[0])
    x0, x1, p0, p1 = values[i - 1], values[i], p[i - 1], p[i]
    return float(x0 + (level - p0) * (x1 - x0) / (p1 - p0))


def _crossing_or_edge(values: np.ndarray, p: np.ndarray, level: float, rising: bool) -> float:
    """The crossing, or the grid end where it must lie beyond when the curve misses it."""
    found = crossing(values, p, level)
    if found is not None:
        return found
    beyond_start = bool((p >= level).all()) == rising
    return float(values[0] if beyond_start else values[-1])


def tipping_point(
    path: str,
    values: np.ndarray,
    successes: np.ndarray,
    trials: np.ndarray,
    level: float = TIPPING_LEVEL,
    replicates: int = 2000,
    seed: int = 0,
) -> TippingPoint | None:
    """The tipping point of a 1-D sweep (None when the estimated curve never crosses)."""
    values = np.asarray(values, dtype=np.float64)
    trials = np.asarray(trials, dtype=np.int64)
    p = np.asarray(successes, dtype=np.float64) / trials
    estimate = crossing(values, p, level)
    if estimate is None:
        return None
    rising = bool(p[-1] >= p[0])
    rng = np.random.default_rng(seed)
    resampled = rng.binomial(trials, p, size=(replicates, p.size)) / trials
    spread = np.array([_crossing_or_edge(values, row, level, rising) for row in resampled])
    low, high = np.percentile(spread, [2.5, 97.5])
    return TippingPoint(
        path,
        estimate,
        float(low),
        float(high),
        level,
        rising,
        f"linear interpolation, parametric bootstrap ({replicates} replicates)",
    )
