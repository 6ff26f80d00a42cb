"""The two kinds of actor, as Mesa agents: principals (heads of state) and negotiators.

A principal owns the preferences: its ideal point, salience weights, the value of no
summit (reservation), its patience, and the trust it puts in its negotiator. A negotiator
holds the principal's mandate and concedes over the contacts toward a floor that agency
slack (hawkishness) makes harder than the mandate. Every number they compute comes from
:mod:`summitsim.rules`.
"""

from __future__ import annotations

from datetime import date

import mesa
import numpy as np

from summitsim import rules
from summitsim.scenario.fields import NEGOTIATOR_FIELDS, PRINCIPAL_FIELDS


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

    def blame(self, negotiator: Negotiator) -> bool:
        """Lower trust in ``negotiator`` after a failure (whether it is blamed at all is
        :func:`rules.blames`, decided by the model); True if it is now sidelined."""
        self.trust = rules.trust_after_failure(self.trust, self.trust_loss, negotiator.hawkishness)
        negotiator.sidelined = rules.sidelined(self.trust, self.sideline_below)
        return negotiator.sidelined


class Negotiator(mesa.Agent):
    """A negotiator conceding with Faratin's polynomial tactic toward its floor.

    ``concession`` beta > 0 (< 1 Boulware, 1 linear, > 1 Conceder); ``hawkishness`` h in
    [0, 1] sets the floor ``f = r + h (1 - r)`` above the principal's reservation r. On a
    side without a negotiator the principal negotiates: the model then creates this agent
    with ``stands_in=True`` and the principal's own id. ``concession`` and ``hawkishness``
    are the negotiator fields of the table of fields (``NEGOTIATOR_FIELDS``), given as
    keyword arguments.
    """

    concession: float
    hawkishness: float

    def __init__(
        self,
        model: mesa.Model,
        actor_id: str,
        name: str,
        principal: Principal,
        stands_in: bool = False,
        **fields: float,
    ) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = name
        self.principal = principal
        _set_fields(self, NEGOTIATOR_FIELDS, fields)
        self.stands_in = stands_in
        self.sidelined = False

    @property
    def floor(self) -> float:
        """The least utility this negotiator will settle for."""
        return rules.floor(self.principal.reservation, self.hawkishness)

    def target(self, contact: int, contacts: int) -> float:
        """Utility aimed at in contact ``contact`` (0-based) of ``contacts``."""
        principal = self.principal
        return rules.aim(
            contact,
            contacts,
            principal.softness,
            self.concession,
            principal.reservation,
            self.hawkishness,
        )

    def propose(self, toward: np.ndarray, contact: int, contacts: int) -> np.ndarray:
        """An offer on the segment from the principal's ideal toward ``toward``, worth the
        current target to the principal (or ``toward`` itself when that is worth more)."""
        out = np.empty_like(self.principal.ideal)
        rules.offer(
            self.principal.ideal,
            self.principal.salience,
            np.asarray(toward, dtype=np.float64),
            self.target(contact, contacts),
            out,
        )
        return out

    def accepts(self, offer: np.ndarray, noise: float, contact: int, contacts: int) -> bool:
        """Whether ``offer``, judged by the principal's utility, meets the current target."""
        return rules.accepts(self.principal.value(offer), noise, self.target(contact, contacts))
