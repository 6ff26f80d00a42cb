"""The records of a run of the Mesa model: its dated events, its contacts and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from summitsim.outcomes import Outcome


@dataclass(frozen=True)
class Event:
    """One dated line of the account: ``kind`` is announcement, contact, not held, offer,
    accepted, review, cancelled, approved, vetoed, meeting (a decision to meet without a
    deal), summit, deadline, no_deal, blame (why a negotiator is or is not blamed under
    pivotal blame), trust, sidelined or consequence."""

    date: date
    kind: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class Ending:
    """How the talks ended: ``outcome`` (written as ``kind``: summit | cancelled | vetoed |
    deadline | no_deal); ``side`` the side id that cancelled or vetoed; ``contact`` the
    deciding contact (0-based, the file's last one for a deadline, T for the in-person round
    at the summit); ``framework`` the agreed position per issue, or None; ``held`` whether
    the summit took place (a summit, a summit without a deal, a veto of a deal made at the
    summit); ``who`` the actor id that vetoed (a principal or an approver), else None."""

    outcome: Outcome
    side: str | None
    date: date
    contact: int
    framework: dict[str, float] | None
    held: bool = False
    who: str | None = None

    @property
    def kind(self) -> str:
        """The outcome as the scenario files, the account and ``run --json`` write it."""
        return self.outcome.word


@dataclass
class ContactRecord:
    """What happened at one contact: each side's offer (absent if it accepted instead), the
    value of each offer to both principals and each side's target."""

    index: int
    date: date
    label: str
    offers: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    accepted_by: str | None = None
