"""Scoring probability forecasts of a summit against what happened (issue: backtest).

A forecast gives a probability to each of three outcome classes: the summit was held with
a deal (``deal``), held without one (``no_deal``), or not held (``not_held``). Two proper
scores, both lower-is-better, compare a forecast with the observed class: the multi-class
Brier score (range ``[0, 2]``) and the logarithmic score (range ``[0, -ln 0.001]`` with
the floor on probabilities).

>>> round(brier_score((0.7, 0.2, 0.1), "deal"), 12), round(log_score((0.7, 0.2, 0.1), "deal"), 6)
(0.14, 0.356675)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The outcome classes scored, in the order of a forecast given as a sequence.
OUTCOME_CLASSES = ("deal", "no_deal", "not_held")
#: The smallest probability the log score credits: a forecast of 0 for what happened costs
#: ``-ln(0.001) = 6.91``, not infinity, so one confident miss does not swamp every case.
PROBABILITY_FLOOR = 1e-3
#: How far a forecast's probabilities may sum from 1 (rounding in Monte Carlo shares).
SUM_TOLERANCE = 1e-9

Forecast = Mapping[str, float] | Sequence[float]


def outcome_class(outcome: str, held: bool) -> str:
    """The class of a model or observed outcome: ``summit`` is ``deal``; ``no_deal`` is
    ``no_deal``; a veto of a deal made at the summit itself (``held``) left the summit held
    without a deal, so ``no_deal``; ``cancelled``, ``deadline`` and a veto before the summit
    are ``not_held`` (design-schema2.md sections 6 and 13).

    >>> outcome_class("summit", True), outcome_class("vetoed", True), outcome_class("vetoed", False)
    ('deal', 'no_deal', 'not_held')
    """
    if outcome == "summit":
        return "deal"
    if outcome == "no_deal" or (outcome == "vetoed" and held):
        return "no_deal"
    if outcome in ("cancelled", "deadline", "vetoed"):
        return "not_held"
    raise ValueError(
        f"unknown outcome {outcome!r}: allowed are summit, no_deal, cancelled, vetoed, deadline"
    )


def forecast_vector(forecast: Forecast) -> tuple[float, float, float]:
    """The probabilities of ``OUTCOME_CLASSES`` in order, from a mapping class -> p (classes
    left out have 0) or a sequence of three; each must lie in [0, 1] and they must sum to 1.
    """
    if isinstance(forecast, Mapping):
        unknown = sorted(set(forecast) - set(OUTCOME_CLASSES))
        if unknown:
            raise ValueError(f"unknown outcome class {unknown[0]!r}: allowed are {OUTCOME_CLASSES}")
        values = tuple(float(forecast.get(name, 0.0)) for name in OUTCOME_CLASSES)
    else:
        values = tuple(float(p) for p in forecast)
        if len(values) != len(OUTCOME_CLASSES):
            raise ValueError(
                f"a forecast has {len(OUTCOME_CLASSES)} probabilities"
                f" ({', '.join(OUTCOME_CLASSES)}), not {len(values)}"
            )
    if any(not 0.0 <= p <= 1.0 for p in values):
        raise ValueError(f"probabilities must lie in [0, 1], not {values}")
    if abs(sum(values) - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"probabilities must sum to 1, not {sum(values)!r}")
    return values[0], values[1], values[2]


def _observed_index(observed: str) -> int:
    if observed not in OUTCOME_CLASSES:
        raise ValueError(f"unknown outcome class {observed!r}: allowed are {OUTCOME_CLASSES}")
    return OUTCOME_CLASSES.index(observed)


def brier_score(forecast: Forecast, observed: str) -> float:
    """Multi-class Brier score ``sum_c (p_c - o_c)^2``, ``o_c = 1`` for the observed class and
    0 otherwise; 0 for a sure hit, 2 for a sure miss (Brier 1950, "Verification of forecasts
    expressed in terms of probability", Monthly Weather Review 78(1), in its original
    multi-category form).

    >>> round(brier_score({"deal": 0.5, "not_held": 0.5}, "not_held"), 12)
    0.5
    """
    hit = _observed_index(observed)
    return sum(
        (p - (1.0 if c == hit else 0.0)) ** 2 for c, p in enumerate(forecast_vector(forecast))
    )


def log_score(forecast: Forecast, observed: str) -> float:
    """Logarithmic score ``-ln(max(p_observed, 0.001))``: 0 for a sure hit, lower is better
    (Good 1952, "Rational decisions", JRSS B 14(1)); the floor keeps a confident miss finite.

    >>> round(log_score((0.0, 0.0, 1.0), "deal"), 6)
    6.907755
    """
    p = forecast_vector(forecast)[_observed_index(observed)]
    return -math.log(max(p, PROBABILITY_FLOOR))


@dataclass(frozen=True)
class Scores:
    """The two scores of one case, or their means over cases."""

    brier: float
    log: float


def score_case(forecast: Forecast, observed: str) -> Scores:
    """Both scores of one forecast against the observed class."""
    return Scores(brier=brier_score(forecast, observed), log=log_score(forecast, observed))


def score_cases(cases: Sequence[tuple[Forecast, str]]) -> tuple[list[Scores], Scores]:
    """The scores of each ``(forecast, observed class)`` case and their means over the cases
    (each case counts once, whatever its number of trials).

    >>> per_case, mean = score_cases([((1, 0, 0), "deal"), ((1, 0, 0), "not_held")])
    >>> mean.brier, round(mean.log, 6)
    (1.0, 3.453878)
    """
    if not cases:
        raise ValueError("no cases to score")
    per_case = [score_case(forecast, observed) for forecast, observed in cases]
    mean = Scores(
        brier=math.fsum(s.brier for s in per_case) / len(per_case),
        log=math.fsum(s.log for s in per_case) / len(per_case),
    )
    return per_case, mean
