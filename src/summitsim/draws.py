"""Per-trial parameters and judgement noise, reproducible from (seed, grid point, block, trial).

Every Monte Carlo trial owns a 64-bit *trial key*. Its random numbers are a counter-based
stream: the ``n``-th number of a trial is ``splitmix64(trial key + n * golden gamma)``, so
any number can be computed on its own, in any order, on any thread, worker or machine.

* Block keys come from numpy's ``SeedSequence`` of (seed, grid point, block) (see
  :func:`block_key`); the trial key mixes the block key with the trial's index inside its
  block. The same (seed, point,
  block, trial) always gives the same draws, whatever the partition of the work.
* Counters ``0, 1, 2, ...`` feed the ``uncertainty`` block, in the order of its table
  (:func:`summitsim.arrays.uncertainty_table`: the file's order, beliefs last).
* The judgement noise of contact ``t`` and slot ``k`` (design.md section 2: S judges x_F,
  F judges x_S, approval by A, approval by B, review by A, review by B) is the standard
  normal at counter ``NOISE_COUNTER + 6 t + k``. The kernel draws a slot only when the
  judgement is made; the Mesa model reads the same numbers from :func:`noise_matrix`.

The layout of schema 2's draws
------------------------------

design-schema2.md leaves the layout to the project; this is it. With no approvers and no
``meets_without_deal`` it is exactly schema 1's, counter for counter.

* Contact held (section 8): after the uncertainty block, contact ``t`` of a trial is held
  iff ``uniform(key, HELD_COUNTER + t) < held_t`` (:func:`contact_held`), with
  ``HELD_COUNTER = 2**39``: a fixed base, so the held draws do not depend on how many
  counters the uncertainty used. A contact with ``held_t == 1`` is held without a draw,
  and a nominal run holds every contact.
* Noise rows and slots: a row per contact ``t = 0 .. T-1``, and row ``T`` for the summit
  (the meeting decisions and the in-person round, section 6) when some principal may
  meet without a deal (:func:`noise_rows`). Each row has :func:`noise_slots` slots: the
  six of schema 1 (``S_JUDGES``, ``F_JUDGES``, ``APPROVAL + j``, ``REVIEW + j``), then
  ``APPROVER + a`` for approver ``a`` (file order, side A's first). Slot ``k`` of row
  ``r`` is the standard normal at ``NOISE_COUNTER + slots * r + k``
  (:func:`row_noise`); :func:`noise_matrix` fills the whole matrix.
* Judgement model: every judgement has its own slot, as in schema 1. Principal ``j``'s
  meeting decision uses row T slot ``REVIEW + j``; the in-person round uses row T slots
  ``S_JUDGES``, ``F_JUDGES`` and ``APPROVAL + j``; the approvers of a framework agreed at
  contact ``t`` use row ``t`` slot ``APPROVER + a`` (at the summit round: row T).
* Perception model (section 5): a side reads each offer of the other side once. S's
  reading of F's offer at contact ``t`` is row ``t`` slot ``S_JUDGES``; F's reading of S's
  offer at contact ``t`` is row ``t`` slot ``F_JUDGES``. The negotiator's acceptance, the
  principal's approval of that offer, its review of it and its meeting decision over it
  reuse that reading's error; an own side's offer is read without error. With no offer of
  the other side ever read (no contact held), the meeting decision judges the other's
  ideal with row T slot ``REVIEW + j``. In the in-person round each new offer is read once
  (row T, ``S_JUDGES`` / ``F_JUDGES``). Approvers read with their own slots in both models.
* Uncertainty forms of schema 2: ``UNIFORM_DAY`` (a whole day for ``{dates: [D1, D2]}``)
  and ``COPY`` (an unwritten belief starts as the other principal's drawn salience).

Normals come from Doornik's (2005) ziggurat, gamma variates from Marsaglia and Tsang
(2000), beta as a ratio of gammas, Dirichlet as normalised gammas: each exact in
distribution, and fast enough that drawing costs about what negotiating does.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime

key_numba_cache()  # before the first @njit: numba fixes its cache folder there

#: Counter of the first noise number (slot 0 of contact 0); uncertainty uses counters below.
NOISE_COUNTER = 1 << 40
#: Judgement slots per contact, in the order of design.md section 2: S judges x_F,
#: F judges x_S, approval by side j at APPROVAL + j, review by side j at REVIEW + j.
NOISE_SLOTS = 6
S_JUDGES, F_JUDGES, APPROVAL, REVIEW = 0, 1, 2, 4

#: Slot of approver 0 in a noise row; approver ``a`` is at ``APPROVER + a``.
APPROVER = NOISE_SLOTS
#: Counter of contact 0's held draw (contact ``t``: ``HELD_COUNTER + t``), between the
#: uncertainty's counters and the noise's.
HELD_COUNTER = 1 << 39

#: Uncertainty forms, as codes the kernel reads.
UNIFORM, NORMAL, LOGNORMAL, BETA, DIRICHLET = 0, 1, 2, 3, 4
#: Not a form of the file: rescales a side's salience to sum 1 after scalar draws on it.
NORMALISE = 5
#: ``{dates: [D1, D2]}``: a whole day ``floor(low + (high - low + 1) u)``, both ends in.
UNIFORM_DAY = 6
#: Not a form of the file: copies ``width`` entries from index ``low`` (a belief that
#: starts as the other principal's drawn salience).
COPY = 7
#: Means of 0 or 1 would give a degenerate Beta: they are taken as these.
BETA_MEAN_MIN, BETA_MEAN_MAX = 0.01, 0.99

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SHIFT30, _SHIFT27, _SHIFT31, _SHIFT11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_POW_M53 = 1.0 / 9007199254740992.0

# Doornik's (2005) ziggurat for the standard normal: 128 layers of equal area V, the base
# layer ending at R. _ZIG_X[i] is the right edge of layer i, _ZIG_RATIO[i] = X[i+1] / X[i].
_ZIG_LAYERS, _ZIG_R, _ZIG_V = 128, 3.442619855899, 9.91256303526217e-3


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros(_ZIG_LAYERS + 1)
    f = math.exp(-0.5 * _ZIG_R * _ZIG_R)
    x[0], x[1] = _ZIG_V / f, _ZIG_R
    for i in range(2, _ZIG_LAYERS):
        x[i] = math.sqrt(-2.0 * math.log(_ZIG_V / x[i - 1] + f))
        f = math.exp(-0.5 * x[i] * x[i])
    return x, x[1:] / x[:-1]


_ZIG_X, _ZIG_RATIO = _ziggurat_tables()
_LAYER_MASK = np.uint64(_ZIG_LAYERS - 1)
_RETRY = np.uint64(0xD1B54A32D192ED03)  # odd constant: steps the stream of one normal's retries

#: Seeds are whole numbers below this (64 bits), grid points and blocks below INDEX_LIMIT
#: (one 32-bit word each: the layout of a block's seed words is then unambiguous).
SEED_LIMIT = 1 << 64
INDEX_LIMIT = 1 << 32


def block_key(seed: int, point: int, block: int) -> np.ndarray:
    """The two 64-bit words seeding block ``block`` of grid point ``point`` of a run with
    ``seed``: ``0 <= seed <`` :data:`SEED_LIMIT`, ``0 <= point, block <`` :data:`INDEX_LIMIT`.

    A seed below 2^32 keys ``SeedSequence([seed, point, block])``, as summitsim always
    has (its numbers stay). A larger seed cannot: numpy reads it as two 32-bit words and
    pads entropy shorter than its pool (4 words) with zeros, so seed 2^32 + 5 at point 0
    would give the words [5, 1, 0, 0] of seed 5 at point 1. A large seed keys
    ``SeedSequence(seed, spawn_key=(point, block))`` instead, whose input is the seed's
    words padded to 4 and then point and block: 6 words, never the 3-word input of a
    small seed, and one layout for every large seed.
    """
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError(f"seed {seed} is outside [0, 2^64)")
    if not (0 <= point < INDEX_LIMIT and 0 <= block < INDEX_LIMIT):
        raise ValueError(f"grid point {point} or block {block} is outside [0, 2^32)")
    if seed < INDEX_LIMIT:
        sequence = np.random.SeedSequence([seed, point, block])
    else:
        sequence = np.random.SeedSequence(seed, spawn_key=(point, block))
    return sequence.generate_state(2, np.uint64)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64's output function: a bijective avalanche of 64 bits."""
    z = (z ^ (z >> _SHIFT30)) * _MIX1
    z = (z ^ (z >> _SHIFT27)) * _MIX2
    return z ^ (z >> _SHIFT31)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def mix_trial_key(key: np.ndarray, trial: int) -> np.uint64:
    """Key of trial ``trial`` (0-based, inside its block) of the block keyed by ``key``."""
    return _mix(key[0] ^ _mix(key[1] + np.uint64(trial) * _GOLDEN))


def trial_key(key: np.ndarray, trial: int) -> np.uint64:
    """:func:`mix_trial_key` for Python callers, typed as numpy's uint64 (numba returns a
    plain int, which it would later read back as a signed 64-bit integer)."""
    return np.uint64(mix_trial_key(key, trial))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _unit(bits: np.uint64) -> float:
    """The top 53 of 64 random bits as a float in the open interval (0, 1)."""
    return (np.float64(bits >> _SHIFT11) + 0.5) * _TWO_POW_M53


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def uniform(key: np.uint64, counter: int) -> float:
    """The ``counter``-th uniform number of a trial, in the open interval (0, 1)."""
    return _unit(_mix(np.uint64(key) + np.uint64(counter) * _GOLDEN))


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def standard_normal(key: np.uint64, counter: int) -> float:
    """The ``counter``-th standard normal number of a trial, by Doornik's ziggurat.

    One 64-bit draw gives the layer (low 7 bits) and the abscissa (top 53 bits); 98.8%
    of draws end there. The rare rejections draw again from a private sequence of that
    counter, so the result still depends on (key, counter) alone.
    """
    bits = _mix(np.uint64(key) + np.uint64(counter) * _GOLDEN)
    while True:
        layer = bits & _LAYER_MASK
        u = 2.0 * _unit(bits) - 1.0
        # typed: an element of an array is typed Any (a typed local, not a cast, which
        # numba would compile)
        x: float = u * _ZIG_X[layer]
        if abs(u) < _ZIG_RATIO[layer]:
            return x
        bits = _mix(bits + _RETRY)
        if layer == 0:
            return _normal_tail(bits, u < 0.0)
        above = math.exp(-0.5 * (_ZIG_X[layer] * _ZIG_X[layer] - x * x))
        below = math.exp(-0.5 * (_ZIG_X[layer + 1] * _ZIG_X[layer + 1] - x * x))
        if below + _unit(bits) * (above - below) < 1.0:
            return x
        bits = _mix(bits + _RETRY)


@njit_no_runtime(cache=True, error_model="numpy")
def _normal_tail(bits: np.uint64, negative: bool) -> float:
    """A normal beyond the base layer's edge R (Marsaglia's tail method)."""
    while True:
        x = math.log(_unit(bits)) / _ZIG_R
        bits = _mix(bits + _RETRY)
        y = math.log(_unit(bits))
        bits = _mix(bits + _RETRY)
        if -2.0 * y >= x * x:
            return x - _ZIG_R if negative else _ZIG_R - x


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _marsaglia_tsang(key: np.uint64, counter: int, shape: float) -> tuple[float, float, int]:
    """Marsaglia and Tsang's squeeze for ``shape >= 1``: ``(d, v, next counter)``, the
    Gamma(shape, 1) variate being ``d * v``."""
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
            return d, v, counter


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def gamma(key: np.uint64, counter: int, shape: float) -> tuple[float, int]:
    """A Gamma(shape, 1) variate for ``shape > 0`` (Marsaglia and Tsang, 2000), drawn from
    counters ``counter, counter + 1, ...``; returns the variate and the next free counter.
    For small shapes the variate often underflows to 0: :func:`log_gamma` gives its log."""
    boost = 1.0
    if shape < 1.0:
        # Gamma(a) = Gamma(a + 1) * U^(1/a): keeps the squeeze efficient for small shapes.
        boost = uniform(key, counter) ** (1.0 / shape)
        counter += 1
        shape += 1.0
    d, v, counter = _marsaglia_tsang(key, counter, shape)
    return boost * d * v, counter


@njit_no_runtime(cache=True, error_model="numpy")
def log_gamma(key: np.uint64, counter: int, shape: float) -> tuple[float, int]:
    """The log of the variate :func:`gamma` draws from the same counters (and the same next
    counter), finite where that variate underflows: -inf only for shapes below ~1e-306."""
    log_boost = 0.0
    if shape < 1.0:
        log_boost = np.log(uniform(key, counter)) / shape
        counter += 1
        shape += 1.0
    d, v, counter = _marsaglia_tsang(key, counter, shape)
    return log_boost + np.log(d) + np.log(v), counter


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
    nominal * exp(Normal(0, spread)) (0 stays 0), both clipped to ``[low, high]``; ``BETA``
    each entry Beta with the nominal mean (clamped to [0.01, 0.99]) and concentration
    ``spread``; ``DIRICHLET`` Dirichlet(spread * nominal weights), zero weights staying
    zero; ``NORMALISE`` rescales the slice to sum 1 (weights all drawn to 0 become equal
    weights); ``UNIFORM_DAY`` a whole number uniformly from ``low`` to ``high`` (both
    included); ``COPY`` the ``width`` entries from index ``low``. For finite ``low`` and
    ``high`` and the concentrations a scenario allows, every value is finite and in range.
    """
    for k in range(out.shape[0]):  # no array copy: a loop needs no runtime
        out[k] = nominal[k]
    counter = 0
    for u in range(form.shape[0]):
        at = index[u]
        if form[u] == UNIFORM:
            out[at] = low[u] + (high[u] - low[u]) * uniform(key, counter)
            counter += 1
        elif form[u] == NORMAL or form[u] == LOGNORMAL:
            shock = spread[u] * standard_normal(key, counter)
            counter += 1
            if form[u] == NORMAL:
                value = out[at] + shock
            elif out[at] == 0.0:
                value = 0.0  # not 0 * exp(shock), which is NaN once exp overflows
            else:
                value = out[at] * np.exp(shock)
            out[at] = min(max(value, low[u]), high[u])
        elif form[u] == BETA:
            for k in range(at, at + width[u]):
                mean = min(max(out[k], BETA_MEAN_MIN), BETA_MEAN_MAX)
                out[k], counter = _beta(key, counter, spread[u] * mean, spread[u] * (1.0 - mean))
        elif form[u] == DIRICHLET:
            counter = _dirichlet(out[at : at + width[u]], spread[u], key, counter)
        elif form[u] == UNIFORM_DAY:
            day = math.floor(low[u] + (high[u] - low[u] + 1.0) * uniform(key, counter))
            out[at] = min(day, high[u])  # u just below 1 may round the product up to the span
            counter += 1
        elif form[u] == COPY:
            source = int(low[u])
            for k in range(width[u]):  # element by element: no array copy, no runtime
                out[at + k] = out[source + k]
        else:
            _normalise(out[at : at + width[u]])


@njit_no_runtime(cache=True, error_model="numpy")
def _beta(key: np.uint64, counter: int, a: float, b: float) -> tuple[float, int]:
    """A Beta(a, b) variate as a ratio of gammas, and the next free counter. When both
    gammas underflow to 0 (tiny shapes) the ratio is taken from their logs instead."""
    first = counter
    above, counter = gamma(key, counter, a)
    second = counter
    below, counter = gamma(key, counter, b)
    if above + below > 0.0:
        return above / (above + below), counter
    log_above, _ = log_gamma(key, first, a)
    log_below, _ = log_gamma(key, second, b)
    return 1.0 / (1.0 + np.exp(log_below - log_above)), counter


@njit_no_runtime(cache=True, error_model="numpy")
def _dirichlet(weights: np.ndarray, concentration: float, key: np.uint64, counter: int) -> int:
    """Replace ``weights`` (summing to 1) in place by a Dirichlet(concentration * weights)
    draw; returns the next free counter.

    A gamma that underflows to 0 keeps its (negative, finite) log in its place; if every
    gamma underflowed, the weights come from the logs (relative to the largest), otherwise
    the underflowed ones are 0, as their share is below the float range."""
    total = 0.0
    for k in range(weights.shape[0]):
        if weights[k] > 0.0:
            shape = concentration * weights[k]
            value, after = gamma(key, counter, shape)
            if value > 0.0:
                weights[k] = value
                total += value
            else:
                weights[k], _ = log_gamma(key, counter, shape)
                weights[k] = min(weights[k], -1.0)  # a log marks itself by its sign
            counter = after
    if total > 0.0:
        for k in range(weights.shape[0]):
            weights[k] = weights[k] / total if weights[k] > 0.0 else 0.0
        return counter
    largest = -np.inf
    for k in range(weights.shape[0]):
        if weights[k] < 0.0:
            largest = max(largest, weights[k])
    for k in range(weights.shape[0]):
        weights[k] = np.exp(weights[k] - largest) if weights[k] < 0.0 else 0.0
    _normalise(weights)
    return counter


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _normalise(weights: np.ndarray) -> None:
    """Rescale ``weights`` (>= 0) to sum 1; all 0 become equal weights (no issue counts
    more than another), not 0 / 0."""
    total = weights.sum()
    if total > 0.0:
        weights /= total
    else:
        for k in range(weights.shape[0]):  # a loop: no array runtime
            weights[k] = 1.0 / weights.shape[0]


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def judgement_noise(key: np.uint64, contact: int, slot: int) -> float:
    """Standard normal of judgement ``slot`` (0-5) at contact ``contact`` of a trial."""
    return standard_normal(key, NOISE_COUNTER + NOISE_SLOTS * contact + slot)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def noise_slots(approvers: int) -> int:
    """Noise slots per row: the six of schema 1, then one per approver."""
    return NOISE_SLOTS + approvers


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def noise_rows(contacts: int, summit_round: bool) -> int:
    """Noise rows: one per contact, and row T for the summit when some principal may meet
    without a deal."""
    return contacts + 1 if summit_round else contacts


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def row_noise(key: np.uint64, row: int, slot: int, slots: int) -> float:
    """Standard normal of ``slot`` in noise row ``row`` of a layout with ``slots`` slots per
    row (:func:`noise_slots`); with 6 slots, :func:`judgement_noise`."""
    return standard_normal(key, NOISE_COUNTER + slots * row + slot)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def contact_held(key: np.uint64, contact: int, probability: float) -> bool:
    """Whether contact ``contact`` takes place in the trial keyed ``key``, held with
    ``probability`` (a sure contact draws nothing)."""
    if probability >= 1.0:
        return True
    return uniform(key, HELD_COUNTER + contact) < probability


@njit_no_runtime(cache=True, error_model="numpy")
def noise_matrix(key: np.uint64, rows: int, out: np.ndarray) -> None:
    """Write into ``out`` (rows x slots: T x 6 in schema 1, see :func:`noise_rows` and
    :func:`noise_slots`) every standard normal a trial may use as noise."""
    slots = out.shape[1]
    for row in range(rows):
        for slot in range(slots):
            out[row, slot] = row_noise(key, row, slot, slots)
