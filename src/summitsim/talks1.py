"""Part 1's protocol of one Monte Carlo trial (design.md section 2), for the kernel
(:func:`summitsim.kernel.negotiate`): a scenario that uses nothing of schema 2 runs it,
unchanged to the last bit and at part 1's speed (schema 2's protocol is
:mod:`summitsim.talks`). The equations are in :mod:`summitsim.rules`.
"""

from __future__ import annotations

import numpy as np

from summitsim import draws, rules
from summitsim.arrays import (
    CONCESSION,
    HAWKISHNESS,
    PATIENCE,
    RESERVATION,
    SOFTNESS,
    noise_offset,
)
from summitsim.fingerprint import key_numba_cache
from summitsim.jit_options import njit_no_runtime
from summitsim.moves import ideal, salience, scalar, value
from summitsim.outcomes import CANCELLED, DEADLINE, SUMMIT, VETOED

key_numba_cache()  # before the first @njit: numba fixes its cache folder there


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _judgement_noise(
    sd: float, key: np.uint64, given: np.ndarray, contact: int, slot: int
) -> float:
    """Noise ``e`` of one judgement of part 1: ``sd`` times the standard normal of its slot."""
    if sd == 0.0:
        return 0.0
    if given.shape[0] > 0:
        given_noise: float = sd * given[contact, slot]
        return given_noise
    return sd * draws.judgement_noise(key, contact, slot)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _propose(
    params: np.ndarray, side: int, issues: int, toward: np.ndarray, aim: float, out: np.ndarray
) -> None:
    """Side ``side``'s offer toward ``toward`` at target ``aim``, into ``out``."""
    rules.offer(ideal(params, side, issues), salience(params, side, issues), toward, aim, out)


@njit_no_runtime(cache=True, inline="always", error_model="numpy")
def _aim(params: np.ndarray, side: int, issues: int, contact: int, contacts: int) -> float:
    """Target utility ``tau_j(t)`` of side ``side`` at contact ``contact`` (part 1)."""
    return rules.aim(
        contact,
        contacts,
        scalar(params, side, issues, SOFTNESS),
        scalar(params, side, issues, CONCESSION),
        scalar(params, side, issues, RESERVATION),
        scalar(params, side, issues, HAWKISHNESS),
    )


@njit_no_runtime(cache=True, error_model="numpy")
def talks1(
    params: np.ndarray,
    issues: int,
    first: int,
    reviewed: np.ndarray,
    key: np.uint64,
    given_noise: np.ndarray,
    offers: np.ndarray,
    framework: np.ndarray,
) -> tuple[int, int, int]:
    """Part 1's protocol, exactly as before schema 2: ``(outcome, side, contact)``."""
    contacts = reviewed.shape[0]
    sd = params[noise_offset(issues)]
    mover, other = first, 1 - first
    toward = ideal(params, other, issues)  # F's first proposal goes toward S's ideal
    for k in range(issues):  # a loop: no array runtime
        offers[other, k] = toward[k]
    for k in range(framework.shape[0]):  # a loop: no array runtime
        framework[k] = np.nan
    outcome, decider, contact = DEADLINE, -1, contacts - 1
    for t in range(contacts):
        aim_mover = _aim(params, mover, issues, t, contacts)
        aim_other = _aim(params, other, issues, t, contacts)
        _propose(params, mover, issues, offers[other], aim_mover, offers[mover])
        worth = value(params, other, issues, offers[mover])
        agreed = -1
        noise = _judgement_noise(sd, key, given_noise, t, draws.S_JUDGES)
        if rules.accepts(worth, noise, aim_other):
            agreed = mover
        else:
            _propose(params, other, issues, offers[mover], aim_other, offers[other])
            worth = value(params, mover, issues, offers[other])
            noise = _judgement_noise(sd, key, given_noise, t, draws.F_JUDGES)
            if rules.accepts(worth, noise, aim_mover):
                agreed = other
        if agreed >= 0:
            for k in range(framework.shape[0]):  # a loop: no array runtime
                framework[k] = offers[agreed, k]
            outcome, decider, contact = SUMMIT, -1, t
            for j in (mover, other):
                worth = value(params, j, issues, framework)
                noise = _judgement_noise(sd, key, given_noise, t, draws.APPROVAL + j)
                if not rules.approves(worth, noise, scalar(params, j, issues, RESERVATION)):
                    outcome, decider = VETOED, j
                    break
            break
        for j in (mover, other):
            if not reviewed[t, j]:
                continue
            worth = value(params, j, issues, offers[1 - j])
            noise = _judgement_noise(sd, key, given_noise, t, draws.REVIEW + j)
            if rules.cancels(worth, noise, scalar(params, j, issues, PATIENCE)):
                outcome, decider, contact = CANCELLED, j, t
                break
        if outcome == CANCELLED:
            break
    return outcome, decider, contact
