"""The Mesa model's summit date without a framework, and the approvers' consent.

design-schema2.md sections 6 and 7: after the last held contact with no framework, each
principal (the first mover's first) decides whether to meet without a deal; if both
attend, they bargain once more in person, and an agreed framework goes to the approvers
only. The approvers (a legislature, an ally) judge every framework after both principals.
This is the part of :class:`summitsim.model.SummitModel` that schema 2 added, kept in a
class of its own so that the model's module stays readable; it uses the model's state
(principals, negotiators, latest offers, noise) and its ``_decide`` and ``_log``.
"""

from __future__ import annotations

import numpy as np

from summitsim import draws, rules
from summitsim.account import ContactRecord
from summitsim.outcomes import Outcome


class SummitDay:
    """The summit date's meeting decisions and in-person round, and the approvers."""

    def _approvers_consent(self, row: int, framework: np.ndarray, held: bool = False) -> bool:
        """The approvers judge the framework after both principals, F's side first, each
        with its own noise slot (design-schema2.md section 7); the first refusal vetoes."""
        order = sorted(self.trial.approvers, key=lambda a: a.side != self.first)
        for approver in order:
            worth = rules.utility(framework, approver.ideal, approver.salience)
            if not rules.approves(worth, self.noise[row, approver.slot], approver.reservation):
                self._log(
                    self.today,
                    Outcome.VETOED.word,
                    f"{approver.name} rejects the framework (worth {worth:.3f}, below "
                    f"its reservation {approver.reservation:.3f})",
                )
                self._decide(
                    Outcome.VETOED,
                    approver.side,
                    self.today,
                    row,
                    framework,
                    held,
                    approver.actor_id,
                )
                return False
            self._log(
                self.today,
                "approved",
                f"{approver.name} approves the framework (worth {worth:.3f})",
            )
        return True

    def _close_talks(self) -> None:
        """No framework after the last held contact: a meeting without a deal if some
        principal would consider one (section 6), else the summit is postponed."""
        if self.arrays.summit_round:
            self._meet_without_deal()
        else:
            self._decide(Outcome.DEADLINE, None, self.setup.summit, self.arrays.contacts - 1, None)

    def _meet_without_deal(self) -> None:
        row = self.arrays.contacts  # the summit's noise row
        for j in (self.first, 1 - self.first):
            principal = self.principals[j]
            offer = self.latest[1 - j]
            if offer is None:
                offer = self.principals[1 - j].ideal
            error = self._error(j, row, draws.REVIEW + j)
            worth = principal.value(offer)
            if not principal.attends(offer, error):
                reason = (
                    "it meets only over an agreed framework"
                    if np.isnan(principal.meets_without_deal)
                    else f"the other side's offer is worth {worth:.3f}, below "
                    f"{principal.meets_without_deal:.3f}"
                )
                self._log(
                    self.today,
                    "meeting",
                    f"{principal.name} does not attend a summit without a deal: {reason}",
                )
                self._decide(Outcome.DEADLINE, None, self.setup.summit, row - 1, None)
                return
            self._log(
                self.today,
                "meeting",
                f"{principal.name} attends the summit without a deal (the other side's "
                f"offer is worth {worth:.3f}, at least {principal.meets_without_deal:.3f})",
            )
        self._in_person(row)

    def _in_person(self, row: int) -> None:
        """The principals bargain once more in person: elapsed time 1, no hawkishness, the
        floor their true reservation, each side's own tactic; then the approvers only."""
        mover, other = self.first, 1 - self.first
        record = ContactRecord(row, self.today, "In person at the summit")
        self.contacts_held.append(record)
        names = " and ".join(p.name for p in (self.principals[mover], self.principals[other]))
        self._log(self.today, "contact", f"{names} meet in person without an agreed framework")
        record.targets = {self._side_id(j): self.principals[j].reservation for j in range(2)}
        for proposer, judge, slot in (
            (mover, other, draws.S_JUDGES),
            (other, mover, draws.F_JUDGES),
        ):
            toward = self.latest[judge]
            ideal = self.principals[judge].ideal
            offer = self.negotiators[proposer].propose(
                ideal if toward is None else toward, ideal, record.targets[self._side_id(proposer)]
            )
            self._make_offer(record, proposer, offer, in_person=True)
            principal = self.principals[judge]
            if rules.accepts(principal.value(offer), self.noise[row, slot], principal.reservation):
                record.accepted_by = self._side_id(judge)
                self._log(
                    self.today,
                    "accepted",
                    f"{principal.name} accepts the offer of "
                    f"{self.principals[proposer].name} in person",
                )
                if self._approvers_consent(row, offer, held=True):
                    self._decide(Outcome.SUMMIT, None, self.setup.summit, row, offer, held=True)
                return
        self._decide(Outcome.NO_DEAL, None, self.setup.summit, row, None, held=True)
