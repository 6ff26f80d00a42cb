"""The equations of the model (design.md section 2), each once, as small numba functions.

Positions are points ``x`` in ``[0, 1]^K``; ``ideal`` and ``salience`` are float64 arrays of
length ``K`` (salience normalised to sum 1). Both drivers, the Mesa model (``model.py``,
``agents.py``) and the Monte Carlo kernel (``kernel.py``), call these functions and nothing
else computes them.

Example: the published Faratin et al. (1998) polynomial tactic with initial constant
``kappa = 0.1`` and ``beta = 2`` at half time.

>>> round(concession_share(1, 3, 0.1, 2.0), 6)
0.736396
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Tolerance of every comparison (design.md, "Ties").
EPS = 1e-9
#: A distance at or below this counts as zero: the offer is then the point proposed toward.
ZERO_DISTANCE = 1e-12


@njit(cache=True, inline="always", error_model="numpy")
def utility(x: np.ndarray, ideal: np.ndarray, salience: np.ndarray) -> float:
    """Linear additive utility ``u(x) = 1 - sum_k w_k |x_k - a_k|``, in ``[0, 1]``.

    >>> import numpy as np
    >>> float(utility(np.array([0.5, 1.0]), np.array([0.0, 1.0]), np.array([0.4, 0.6])))
    0.8
    """
    return 1.0 - distance(x, ideal, salience)


@njit(cache=True, inline="always", error_model="numpy")
def distance(y: np.ndarray, ideal: np.ndarray, salience: np.ndarray) -> float:
    """Weighted distance ``D = sum_k w_k |y_k - a_k|`` of a point from an ideal, in ``[0, 1]``."""
    total = 0.0
    for k in range(y.shape[0]):
        total += salience[k] * abs(y[k] - ideal[k])
    return total


@njit(cache=True, inline="always", error_model="numpy")
def floor(reservation: float, hawkishness: float) -> float:
    """The negotiator's floor ``f = r + h (1 - r)``: its principal's reservation value made
    harder by agency slack ``h`` in ``[0, 1]``; ``f`` in ``[r, 1]``.

    >>> floor(0.4, 0.5)
    0.7
    """
    return reservation + hawkishness * (1.0 - reservation)


@njit(cache=True, inline="always", error_model="numpy")
def concession_share(contact: int, contacts: int, softness: float, concession: float) -> float:
    """Share of the concession range given up at contact ``t`` of ``T`` (Faratin's alpha):
    ``alpha(t) = s + (1 - s) (t / (T - 1))^(1 / beta)``, and ``alpha = 1`` when ``T = 1``.

    ``softness`` s in [0, 1] is the share already given up in the opening demand;
    ``concession`` beta > 0 is the tactic (< 1 Boulware, 1 linear, > 1 Conceder).
    """
    if contact >= contacts - 1:
        return 1.0  # the last contact (or the only one) reaches the floor
    if contact == 0:
        return softness  # 0 ** (1 / beta) = 0, without paying for the power
    elapsed = contact / (contacts - 1.0)
    return softness + (1.0 - softness) * elapsed ** (1.0 / concession)


@njit(cache=True, inline="always", error_model="numpy")
def target(share: float, floor_value: float) -> float:
    """The utility a side aims at: ``tau = 1 - alpha (1 - f)``, from 1 (its ideal) down to
    its floor ``f`` as the share ``alpha`` of the range given up goes from 0 to 1.

    >>> target(0.5, 0.6)
    0.8
    """
    return 1.0 - share * (1.0 - floor_value)


@njit(cache=True, inline="always", error_model="numpy")
def offer(
    ideal: np.ndarray, salience: np.ndarray, toward: np.ndarray, aim: float, out: np.ndarray
) -> None:
    """Write into ``out`` the offer ``x = a + lambda (y - a)`` from the own ideal ``a`` toward
    the point ``y``, with ``lambda = min(1, (1 - tau) / D)`` and ``D`` the weighted distance
    of ``y`` from ``a`` (``lambda = 1`` when ``D <= 1e-12``). The offer is worth exactly
    ``tau`` to its author unless ``y`` itself is worth more.
    """
    gap = distance(toward, ideal, salience)
    step = 1.0
    if gap > ZERO_DISTANCE:
        step = min(1.0, (1.0 - aim) / gap)
    for k in range(ideal.shape[0]):
        out[k] = ideal[k] + step * (toward[k] - ideal[k])


@njit(cache=True, inline="always", error_model="numpy")
def accepts(value: float, noise: float, aim: float) -> bool:
    """A side accepts an offer worth ``value`` to its principal when ``u + e >= tau - EPS``."""
    return value + noise >= aim - EPS


@njit(cache=True, inline="always", error_model="numpy")
def approves(value: float, noise: float, reservation: float) -> bool:
    """A principal approves a framework when ``u + e >= r - EPS`` (else it vetoes the summit)."""
    return value + noise >= reservation - EPS


@njit(cache=True, inline="always", error_model="numpy")
def cancels(value: float, noise: float, patience: float) -> bool:
    """A principal under review cancels when the other side's latest offer is worth
    ``u + e < q - EPS`` to it."""
    return value + noise < patience - EPS


@njit(cache=True, inline="always", error_model="numpy")
def trust_after_failure(trust: float, trust_loss: float, hawkishness: float) -> float:
    """Trust left in a negotiator after a failure its principal did not cause:
    ``trust - trust_loss (1 + h)``; a harder negotiator is blamed more.

    >>> trust_after_failure(1.0, 0.4, 0.25)
    0.5
    """
    return trust - trust_loss * (1.0 + hawkishness)


@njit(cache=True, inline="always", error_model="numpy")
def sidelined(trust: float, sideline_below: float) -> bool:
    """A negotiator is sidelined when its principal's trust is strictly below the threshold."""
    return trust < sideline_below
