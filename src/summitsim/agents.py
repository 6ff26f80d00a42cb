"""The two kinds of actor, as Mesa agents: principals (heads of state) and negotiators.

A principal owns the preferences: its ideal point, salience weights, the value of no
summit (reservation), its patience, and the trust it puts in its negotiator. A negotiator
holds the principal's mandate and concedes over the contacts toward a floor that agency
slack (hawkishness) makes harder than the mandate. Every number they compute comes from
:mod:`summitsim.rules`.
"""

from __future__ import annotations

import math
from datetime import date

import mesa
import numpy as np

from summitsim import rules
from summitsim.scenario.fields import NEGOTIATOR_FIELDS, PRINCIPAL_FIELDS
from summitsim.trial_setup import SEGMENT, TRADEOFF


def _set_fields(agent: mesa.Agent, names: tuple[str, ...], given: dict[str, float]) -> None:
    """Set the agent's scalar fields of the table of fields from keyword arguments: every
    one of ``names``, nothing else (a field the table has and the agent lacks is an
    error, not a silent default)."""
    if set(given) != set(names):
        raise TypeError(
            f"{type(agent).__name__} takes the fields {', '.join(names)}; got {', '.join(given)}"
        )
    for name in names:
        setattr(agent, name, float(given[name]))


class Principal(mesa.Agent):
    """A head of state judging positions by ``u(x) = 1 - sum_k w_k |x_k - a_k|``.

    ``reservation`` r in [0, 1) is the value of no summit; ``softness`` s in [0, 1] the share
    of the concession range conceded in the opening demand (a mandate the negotiator
    follows); ``patience`` q in [0, 1] the value below which it walks out when reviewing
    from ``reviews_from``; ``trust`` in its negotiator falls by ``trust_loss (1 + h)`` after
    a failure it did not cause, and the negotiator is sidelined strictly below
    ``sideline_below``. These scalars are the principal fields of the table of fields
    (``PRINCIPAL_FIELDS``), given as keyword arguments.
    """

    reservation: float
    mandate: float  # NaN: the trial's reservation (design-schema2.md section 4)
    meets_without_deal: float  # NaN: null, it meets only over an agreed framework
    softness: float
    patience: float
    trust: float
    trust_loss: float
    sideline_below: float

    def __init__(
        self,
        model: mesa.Model,
        actor_id: str,
        name: str,
        side: int,
        ideal: np.ndarray,
        salience: np.ndarray,
        reviews_from: date,
        **fields: float,
    ) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = name
        self.side = side
        self.ideal = np.array(ideal, dtype=np.float64)
        self.salience = np.array(salience, dtype=np.float64)
        self.reviews_from = reviews_from
        _set_fields(self, PRINCIPAL_FIELDS, fields)

    def value(self, position: np.ndarray) -> float:
        """Utility of ``position`` to this principal, in [0, 1]."""
        return rules.utility(position, self.ideal, self.salience)

    def cancels(self, offer: np.ndarray, noise: float) -> bool:
        """Whether the other side's latest ``offer`` is too poor to stay at the table."""
        return rules.cancels(self.value(offer), noise, self.patience)

    def approves(self, framework: np.ndarray, noise: float) -> bool:
        """Whether the agreed ``framework`` beats no summit."""
        return rules.approves(self.value(framework), noise, self.reservation)

    def attends(self, offer: np.ndarray, noise: float) -> bool:
        """Whether it goes to the summit without an agreed framework, judging the other
        side's latest ``offer`` against ``meets_without_deal`` (design-schema2.md section 6;
        NaN, the field's null, never attends)."""
        if math.isnan(self.meets_without_deal):
            return False
        return rules.attends(self.value(offer), noise, self.meets_without_deal)

    def blame(self, negotiator: Negotiator) -> bool:
        """Lower trust in ``negotiator`` after a failure (whether it is blamed at all is
        :func:`rules.blames`, decided by the model); True if it is now sidelined."""
        self.trust = rules.trust_after_failure(self.trust, self.trust_loss, negotiator.hawkishness)
        negotiator.sidelined = rules.sidelined(self.trust, self.sideline_below)
        return negotiator.sidelined


class Negotiator(mesa.Agent):
    """A negotiator conceding with Faratin's polynomial tactic toward its floor.

    ``concession`` beta > 0 (< 1 Boulware, 1 linear, > 1 Conceder); ``hawkishness`` h in
    [0, 1] sets the floor ``f = m + h (1 - m)`` above the mandate m (the principal's
    reservation unless a ``mandate`` is given). Schema 2 adds its ``tactic`` (segment or
    tradeoff), ``reciprocity`` rho and what it ``believes`` the other principal's salience
    is (design-schema2.md sections 2-4). On a
    side without a negotiator the principal negotiates: the model then creates this agent
    with ``stands_in=True`` and the principal's own id. ``concession`` and ``hawkishness``
    are the negotiator fields of the table of fields (``NEGOTIATOR_FIELDS``), given as
    keyword arguments.
    """

    concession: float
    hawkishness: float
    reciprocity: float

    def __init__(
        self,
        model: mesa.Model,
        actor_id: str,
        name: str,
        principal: Principal,
        stands_in: bool = False,
        tactic: int = SEGMENT,
        believes: np.ndarray | None = None,
        **fields: float,
    ) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = name
        self.principal = principal
        _set_fields(self, NEGOTIATOR_FIELDS, fields)
        self.stands_in = stands_in
        self.sidelined = False
        self.tactic = tactic
        self.believes = np.asarray(believes if believes is not None else [], dtype=np.float64)
        self.aim = 1.0  # the target of its previous contact: 1 before the first
        self.seen_value: float | None = None  # the other's latest offer then, to its principal

    @property
    def floor(self) -> float:
        """The least utility this negotiator will settle for: ``f = m + h (1 - m)`` with the
        mandate ``m`` its principal gave it (the trial's reservation unless the scenario
        sets a ``mandate``, design-schema2.md section 4)."""
        principal = self.principal
        mandate = principal.reservation if math.isnan(principal.mandate) else principal.mandate
        return rules.floor(mandate, self.hawkishness)

    def time_target(self, elapsed: float) -> float:
        """The time-dependent target ``tau = 1 - alpha (1 - f)`` at elapsed time ``e`` of
        the scenario's clock (Faratin's polynomial tactic, design.md section 2)."""
        share = rules.concession_share_at(elapsed, self.principal.softness, self.concession)
        return rules.target(share, self.floor)

    def set_target(self, elapsed: float, other_offer_value: float | None) -> float:
        """Set and return the target of this contact: the time-dependent target, lowered by
        reciprocity ``rho`` times what the other side conceded since this side last set
        its target (design-schema2.md sections 3 and 13). ``other_offer_value`` is the
        value to the principal of the other side's latest offer now (None: no offer yet)."""
        gain = 0.0
        if other_offer_value is not None and self.seen_value is not None:
            gain = rules.conceded_gain(other_offer_value, self.seen_value)
        self.aim = rules.reciprocal_target(
            self.time_target(elapsed), self.aim, self.reciprocity, gain, self.floor
        )
        self.seen_value = other_offer_value
        return self.aim

    def propose(self, toward: np.ndarray, other_ideal: np.ndarray, aim: float) -> np.ndarray:
        """An offer worth ``aim`` to the principal (or the point aimed at when that is worth
        more): on the segment from the principal's ideal toward ``toward`` (tactic
        ``segment``), or the trade-off package toward the other principal's ideal that the
        other side values most as this side reads it (tactic ``tradeoff``)."""
        principal = self.principal
        out = np.empty_like(principal.ideal)
        if self.tactic == TRADEOFF:
            rules.tradeoff_offer(
                principal.ideal, principal.salience, other_ideal, self.believes, aim, out
            )
        else:
            rules.offer(
                principal.ideal, principal.salience, np.asarray(toward, np.float64), aim, out
            )
        return out

    def accepts(self, offer: np.ndarray, noise: float, aim: float) -> bool:
        """Whether ``offer``, judged by the principal's utility, meets the target ``aim``."""
        return rules.accepts(self.principal.value(offer), noise, aim)
