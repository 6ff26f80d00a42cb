"""Per-trial parameters and judgement noise, reproducible from (seed, grid point, block, trial).

Every Monte Carlo trial owns a 64-bit *trial key*. Its random numbers are a counter-based
stream: the ``n``-th number of a trial is ``splitmix64(trial key + n * golden gamma)``, so
any number can be computed on its own, in any order, on any thread, worker or machine.

* Block keys come from numpy's ``SeedSequence([seed, grid point, block])``; the trial key
  mixes the block key with the trial's index inside its block. The same (seed, point,
  block, trial) always gives the same draws, whatever the partition of the work.
* Counters ``0, 1, 2, ...`` feed the ``uncertainty`` block, in the order of the file.
* The judgement noise of contact ``t`` and slot ``k`` (design.md section 2: S judges x_F,
  F judges x_S, approval by A, approval by B, review by A, review by B) is the standard
  normal at counter ``NOISE_COUNTER + 6 t + k``. The kernel draws a slot only when the
  judgement is made; the Mesa model reads the same numbers from :func:`noise_matrix`.

Normals come from the inverse normal CDF (Acklam's rational approximation, refined in
the tails; relative error below 2e-9), gamma variates from Marsaglia and Tsang (2000),
beta as a ratio of gammas, Dirichlet as normalised gammas.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Counter of the first noise number (slot 0 of contact 0); uncertainty uses counters below.
NOISE_COUNTER = 1 << 40
#: Judgement slots per contact, in the order of design.md section 2.
NOISE_SLOTS = 6

#: Uncertainty forms, as codes the kernel reads.
UNIFORM, NORMAL, LOGNORMAL, BETA, DIRICHLET = 0, 1, 2, 3, 4
#: Not a form of the file: rescales a side's salience to sum 1 after scalar draws on it.
NORMALISE = 5
#: Means of 0 or 1 would give a degenerate Beta: they are taken as these.
BETA_MEAN_MIN, BETA_MEAN_MAX = 0.01, 0.99

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SHIFT30, _SHIFT27, _SHIFT31, _SHIFT11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_POW_M53 = 1.0 / 9007199254740992.0

# Acklam's coefficients for the inverse of the standard normal CDF.
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549671479258744e00, 4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425
_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def block_key(seed: int, point: int, block: int) -> np.ndarray:
    """The two 64-bit words seeding block ``block`` of grid point ``point`` of a run with
    ``seed`` (all non-negative integers), from ``SeedSequence([seed, point, block])``."""
    return np.random.SeedSequence([seed, point, block]).generate_state(2, np.uint64)


@njit(cache=True, inline="always", error_model="numpy")
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64's output function: a bijective avalanche of 64 bits."""
    z = (z ^ (z >> _SHIFT30)) * _MIX1
    z = (z ^ (z >> _SHIFT27)) * _MIX2
    return z ^ (z >> _SHIFT31)


@njit(cache=True, inline="always", error_model="numpy")
def mix_trial_key(key: np.ndarray, trial: int) -> np.uint64:
    """Key of trial ``trial`` (0-based, inside its block) of the block keyed by ``key``."""
    return _mix(key[0] ^ _mix(key[1] + np.uint64(trial) * _GOLDEN))


def trial_key(key: np.ndarray, trial: int) -> np.uint64:
    """:func:`mix_trial_key` for Python callers, typed as numpy's uint64 (numba returns a
    plain int, which it would later read back as a signed 64-bit integer)."""
    return np.uint64(mix_trial_key(key, trial))


@njit(cache=True, inline="always", error_model="numpy")
def uniform(key: np.uint64, counter: int) -> float:
    """The ``counter``-th uniform number of a trial, in the open interval (0, 1)."""
    bits = _mix(np.uint64(key) + np.uint64(counter) * _GOLDEN) >> _SHIFT11
    return (np.float64(bits) + 0.5) * _TWO_POW_M53


@njit(cache=True, inline="always", error_model="numpy")
def standard_normal(key: np.uint64, counter: int) -> float:
    """The ``counter``-th standard normal number of a trial (inverse CDF of a uniform)."""
    p = uniform(key, counter)
    if p < _P_LOW:
        return _normal_tail(p)
    if p > 1.0 - _P_LOW:
        return -_normal_tail(1.0 - p)
    q = p - 0.5
    r = q * q
    num = (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
    den = ((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0
    return num / den


@njit(cache=True, inline="always", error_model="numpy")
def _normal_tail(p: float) -> float:
    """Inverse normal CDF in the lower tail ``p < 0.02425``: Acklam's rational start, then
    one Halley step on ``Phi(x) = p`` (the rare tail pays for full precision)."""
    q = np.sqrt(-2.0 * np.log(p))
    num = ((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]
    den = (((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0
    x = num / den
    error = 0.5 * math.erfc(-x / _SQRT2) - p
    step = error * _SQRT2PI * math.exp(0.5 * x * x)
    return x - step / (1.0 + 0.5 * x * step)


@njit(cache=True, inline="always", error_model="numpy")
def gamma(key: np.uint64, counter: int, shape: float) -> tuple[float, int]:
    """A Gamma(shape, 1) variate for ``shape > 0`` (Marsaglia and Tsang, 2000), drawn from
    counters ``counter, counter + 1, ...``; returns the variate and the next free counter."""
    boost = 1.0
    if shape < 1.0:
        # Gamma(a) = Gamma(a + 1) * U^(1/a): keeps the squeeze efficient for small shapes.
        boost = uniform(key, counter) ** (1.0 / shape)
        counter += 1
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    while True:
        x = standard_normal(key, counter)
        u = uniform(key, counter + 1)
        counter += 2
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2 or np.log(u) < 0.5 * x2 + d * (1.0 - v + np.log(v)):
            return boost * d * v, counter


@njit(cache=True, error_model="numpy")
def draw_parameters(
    nominal: np.ndarray,
    form: np.ndarray,
    index: np.ndarray,
    width: np.ndarray,
    spread: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    key: np.uint64,
    out: np.ndarray,
) -> None:
    """Write into ``out`` the flat parameter vector of one trial: ``nominal`` with each
    entry ``u`` of the uncertainty table drawn in turn.

    Entry ``u`` acts on ``out[index[u] : index[u] + width[u]]`` with form ``form[u]``:
    ``UNIFORM`` on ``[low, high]``; ``NORMAL`` nominal + Normal(0, spread) and ``LOGNORMAL``
    nominal * exp(Normal(0, spread)), both clipped to ``[low, high]``; ``BETA`` each entry
    Beta with the nominal mean (clamped to [0.01, 0.99]) and concentration ``spread``;
    ``DIRICHLET`` Dirichlet(spread * nominal weights), zero weights staying zero;
    ``NORMALISE`` rescales the slice to sum 1.
    """
    out[:] = nominal
    counter = 0
    for u in range(form.shape[0]):
        at = index[u]
        if form[u] == UNIFORM:
            out[at] = low[u] + (high[u] - low[u]) * uniform(key, counter)
            counter += 1
        elif form[u] == NORMAL or form[u] == LOGNORMAL:
            shock = spread[u] * standard_normal(key, counter)
            counter += 1
            value = out[at] + shock if form[u] == NORMAL else out[at] * np.exp(shock)
            out[at] = min(max(value, low[u]), high[u])
        elif form[u] == BETA:
            for k in range(at, at + width[u]):
                mean = min(max(out[k], BETA_MEAN_MIN), BETA_MEAN_MAX)
                above, counter = gamma(key, counter, spread[u] * mean)
                below, counter = gamma(key, counter, spread[u] * (1.0 - mean))
                out[k] = above / (above + below)
        elif form[u] == DIRICHLET:
            counter = _dirichlet(out[at : at + width[u]], spread[u], key, counter)
        else:
            weights = out[at : at + width[u]]
            weights /= weights.sum()


@njit(cache=True, error_model="numpy")
def _dirichlet(weights: np.ndarray, concentration: float, key: np.uint64, counter: int) -> int:
    """Replace ``weights`` (summing to 1) in place by a Dirichlet(concentration * weights)
    draw; returns the next free counter."""
    total = 0.0
    for k in range(weights.shape[0]):
        if weights[k] > 0.0:
            weights[k], counter = gamma(key, counter, concentration * weights[k])
            total += weights[k]
    for k in range(weights.shape[0]):
        weights[k] /= total
    return counter


@njit(cache=True, inline="always", error_model="numpy")
def judgement_noise(key: np.uint64, contact: int, slot: int) -> float:
    """Standard normal of judgement ``slot`` (0-5) at contact ``contact`` of a trial."""
    return standard_normal(key, NOISE_COUNTER + NOISE_SLOTS * contact + slot)


@njit(cache=True, error_model="numpy")
def noise_matrix(key: np.uint64, contacts: int, out: np.ndarray) -> None:
    """Write into ``out`` (contacts x 6) every standard normal a trial may use as noise."""
    for t in range(contacts):
        for slot in range(NOISE_SLOTS):
            out[t, slot] = judgement_noise(key, t, slot)
