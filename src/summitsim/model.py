"""The Mesa model: the calendar of a planned summit, walked one day a step.

On a contact's date the first mover's negotiator proposes and the other side accepts or
counter-proposes; the day after, the principals approve an agreed framework or review the
talks (design.md section 2). After the outcome, trust and sidelining are settled and the
scenario's consequences fire on their dates. :meth:`SummitModel.step` moves on one day
(the page's Step); :meth:`SummitModel.run` jumps from one day on which something happens
to the next, so a run costs what its events cost, not its days. A
:class:`mesa.DataCollector` keeps one row per day on which something happened (and the
first and last day): nothing changes on the days between, whose row would repeat the one
before. :attr:`SummitModel.events` is the dated account.

The model reads its parameters from the same flat vector as the Monte Carlo kernel, its
noise from the same draws and its review schedule from the same arrays
(``arrays.reviewed``), so both drivers reach the same outcome (tested). The protocol is
written here a second time on purpose, for the account and the page (the kernel's is for
numbers; docs/design.md section 5); targets and blame come from ``rules.aim`` and
``rules.blames``, as in the kernel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

import mesa
import numpy as np

from summitsim import draws, rules
from summitsim.agents import Negotiator, Principal
from summitsim.arrays import (
    SIDE_FIELDS,
    compile_scenario,
    noise_offset,
    nominal_inputs,
    side_offset,
    trial_inputs,
)
from summitsim.scenario import Consequence, Scenario
from summitsim.scenario.fields import NEGOTIATOR_FIELDS, PRINCIPAL_FIELDS

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Event:
    """One dated line of the account: ``kind`` is announcement, contact, offer, accepted,
    review, cancelled, approved, vetoed, summit, deadline, trust, sidelined or consequence."""

    date: date
    kind: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class Ending:
    """How the talks ended: ``kind`` summit | cancelled | vetoed | deadline; ``side`` the side
    id that cancelled or vetoed; ``contact`` the deciding contact (0-based, the last one
    for a deadline); ``framework`` the agreed position per issue, or None."""

    kind: str
    side: str | None
    date: date
    contact: int
    framework: dict[str, float] | None


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


class SummitModel(mesa.Model):
    """Pre-summit talks between two sides, one calendar day per step.

    ``seed=None`` is the nominal run; an integer ``seed`` is one Monte Carlo trial (trial 0
    of block 0 of grid point 0, as a sweep with that seed draws it). Tests
    and the kernel comparison pass ``params`` (flat vector) and ``noise`` (T x 6 standard
    normals) directly. The start day is processed on creation; :meth:`step` moves on a day
    and ``running`` turns False once the outcome's last consequence has fired.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        params: np.ndarray | None = None,
        noise: np.ndarray | None = None,
    ) -> None:
        super().__init__(rng=seed if seed is not None else 0)
        self.setup = scenario
        self.arrays = compile_scenario(scenario)
        if params is None:
            if seed is None:
                params, noise = nominal_inputs(self.arrays)
            else:
                params, noise = trial_inputs(self.arrays, draws.block_key(seed, 0, 0), 0)
        self.params = np.asarray(params, dtype=np.float64)
        sd = self.params[noise_offset(self.arrays.issues)]
        self.noise = np.asarray(noise, dtype=np.float64) * sd
        self.principals, self.negotiators = self._create_agents()
        self.first = scenario.first_mover_index
        self.today = scenario.start
        self.end = scenario.summit
        self.contacts_held: list[ContactRecord] = []
        self._next_contact = 0  # the first contact whose date has not come yet
        self.latest: list[np.ndarray | None] = [None, None]
        self.outcome: Ending | None = None
        self.sidelined: list[str] = []
        self._agenda: dict[date, list[Callable[[], None]]] = defaultdict(list)
        self._account: dict[date, list[Event]] = defaultdict(list)
        self.events: list[Event] = []
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self._log(
            scenario.start,
            "announcement",
            f"{scenario.title}: summit planned for {scenario.summit.isoformat()}",
        )
        self._process_day()

    # -- set-up ---------------------------------------------------------------------------

    def _create_agents(self) -> tuple[list[Principal], list[Negotiator]]:
        scenario, issues = self.setup, self.arrays.issues
        principals, negotiators = [], []
        for j, side in enumerate(scenario.sides):
            base = side_offset(j, issues)
            scalars = dict(zip(SIDE_FIELDS, self.params[base + 2 * issues :]))
            person = side.principal
            principal = Principal(
                self,
                person.id,
                person.name,
                j,
                ideal=self.params[base : base + issues],
                salience=self.params[base + issues : base + 2 * issues],
                reviews_from=scenario.reviews_from(j),
                **{name: scalars[name] for name in PRINCIPAL_FIELDS},
            )
            delegate = side.negotiator or person
            negotiators.append(
                Negotiator(
                    self,
                    delegate.id,
                    delegate.name,
                    principal,
                    stands_in=side.negotiator is None,
                    **{name: scalars[name] for name in NEGOTIATOR_FIELDS},
                )
            )
            principals.append(principal)
        return principals, negotiators

    def _reporters(self) -> dict[str, Callable[[SummitModel], object]]:
        """One column per quantity of the day: each side's latest offer per issue, its value
        to both principals, each side's latest target and each principal's trust."""
        columns = ["date"]
        for side in self.setup.sides:
            columns += [f"{side.id}.{issue}" for issue in self.setup.issue_ids]
            columns += [f"{side.id}.value.{other.principal.id}" for other in self.setup.sides]
            columns.append(f"{side.id}.target")
        columns += [f"{side.principal.id}.trust" for side in self.setup.sides]
        return {name: partial(SummitModel._report, column=name) for name in columns}

    def _report(self, column: str) -> object:
        return self._state.get(column, np.nan)

    def _day_state(self) -> dict[str, object]:
        state: dict[str, object] = {"date": self.today.isoformat()}
        last = self.contacts_held[-1] if self.contacts_held else None
        for j, side in enumerate(self.setup.sides):
            offer = self.latest[j]
            if offer is not None:
                state.update(
                    {f"{side.id}.{k}": float(v) for k, v in zip(self.setup.issue_ids, offer)}
                )
                state.update(
                    {f"{side.id}.value.{p.actor_id}": p.value(offer) for p in self.principals}
                )
            if last is not None:
                state[f"{side.id}.target"] = last.targets[side.id]
            state[f"{side.principal.id}.trust"] = self.principals[j].trust
        return state

    # -- the calendar ---------------------------------------------------------------------

    def step(self) -> None:
        """Move on one day and process it."""
        if not self.running:
            return
        self.today += _DAY
        self._process_day()

    def run(self) -> Ending:
        """Process every day on which something happens, jumping over the days between,
        until the last consequence has fired; return the outcome."""
        while self.running:
            self.today = self._next_busy_day()
            self._process_day()
        assert self.outcome is not None
        return self.outcome

    def _next_busy_day(self) -> date:
        """The next day with a contact, a scheduled judgement or a dated event, or the
        summit date (or last consequence) that ends the calendar."""
        days = [self.end, *self._agenda, *self._account]
        contacts = self.setup.contacts
        if self.outcome is None and self._next_contact < len(contacts):
            days.append(contacts[self._next_contact].date)
        return max(min(days), self.today + _DAY)

    def _process_day(self) -> None:
        actions = self._agenda.pop(self.today, [])
        for action in actions:
            action()
        contacts = self.setup.contacts
        # contact dates strictly increase: at most one falls on a day
        if self._next_contact < len(contacts) and contacts[self._next_contact].date == self.today:
            self._next_contact += 1
            if self.outcome is None:
                self._hold_contact(self._next_contact - 1)
        happened = self._account.pop(self.today, [])
        self.events.extend(happened)
        if self.outcome is not None and self.today >= self.end and not self._account:
            self.running = False
        if actions or happened or not self.running or self.today == self.setup.start:
            self._state = self._day_state()
            self.datacollector.collect(self)

    def _log(self, day: date, kind: str, text: str) -> None:
        self._account[day].append(Event(day, kind, text))
        self.end = max(self.end, day)

    def _side_id(self, j: int) -> str:
        return self.setup.sides[j].id

    # -- one contact ----------------------------------------------------------------------

    def _hold_contact(self, t: int) -> None:
        contacts = self.arrays.contacts
        mover, other = self.first, 1 - self.first
        contact = self.setup.contacts[t]
        record = ContactRecord(t, contact.date, contact.label)
        record.targets = {
            self._side_id(j): self.negotiators[j].target(t, contacts) for j in range(2)
        }
        self.contacts_held.append(record)
        self._log(self.today, "contact", contact.label or f"Contact {t + 1}")
        toward = self.latest[other]
        if toward is None:
            toward = self.principals[other].ideal
        self._make_offer(record, mover, self.negotiators[mover].propose(toward, t, contacts))
        if self.negotiators[other].accepts(
            self.latest[mover], self.noise[t, draws.S_JUDGES], t, contacts
        ):
            self._agree(record, other, mover)
            return
        counter = self.negotiators[other].propose(self.latest[mover], t, contacts)
        self._make_offer(record, other, counter)
        if self.negotiators[mover].accepts(counter, self.noise[t, draws.F_JUDGES], t, contacts):
            self._agree(record, mover, other)
            return
        self._agenda[self.today + _DAY].append(partial(self._review, t))

    def _make_offer(self, record: ContactRecord, j: int, offer: np.ndarray) -> None:
        side = self._side_id(j)
        self.latest[j] = offer
        record.offers[side] = offer
        record.values[side] = {p.actor_id: p.value(offer) for p in self.principals}
        worth = ", ".join(
            f"{v:.3f} to {self._principal_name(p)}" for p, v in record.values[side].items()
        )
        self._log(
            self.today,
            "offer",
            f"{self.negotiators[j].name} ({side}) offers "
            f"{self._position_text(offer)}; worth {worth} "
            f"(target {record.targets[side]:.3f})",
        )

    def _agree(self, record: ContactRecord, acceptor: int, author: int) -> None:
        record.accepted_by = self._side_id(acceptor)
        framework = self.latest[author]
        self._log(
            self.today,
            "accepted",
            f"{self.negotiators[acceptor].name} accepts the offer "
            f"of {self.negotiators[author].name} as the framework",
        )
        self._agenda[self.today + _DAY].append(partial(self._approve, record.index, framework))

    # -- the day after a contact ----------------------------------------------------------

    def _approve(self, t: int, framework: np.ndarray) -> None:
        for j in (self.first, 1 - self.first):
            principal = self.principals[j]
            if not principal.approves(framework, self.noise[t, draws.APPROVAL + j]):
                self._log(
                    self.today,
                    "vetoed",
                    f"{principal.name} vetoes the framework "
                    f"(worth {principal.value(framework):.3f}, below the value of no "
                    f"summit {principal.reservation:.3f})",
                )
                self._decide("vetoed", j, self.today, t, framework)
                return
            self._log(
                self.today,
                "approved",
                f"{principal.name} approves the framework (worth {principal.value(framework):.3f})",
            )
        self._decide("summit", None, self.setup.summit, t, framework)

    def _review(self, t: int) -> None:
        for j in (self.first, 1 - self.first):
            principal = self.principals[j]
            if not self.arrays.reviewed[t, j]:  # the review schedule both drivers read
                continue
            offer = self.latest[1 - j]
            worth = principal.value(offer)
            if principal.cancels(offer, self.noise[t, draws.REVIEW + j]):
                self._log(
                    self.today,
                    "cancelled",
                    f"{principal.name} cancels the summit: "
                    f"the other side's offer is worth {worth:.3f}, below its patience "
                    f"{principal.patience:.3f}",
                )
                self._decide("cancelled", j, self.today, t, None)
                return
            self._log(
                self.today,
                "review",
                f"{principal.name} stays at the table (the other "
                f"side's offer is worth {worth:.3f}, patience {principal.patience:.3f})",
            )
        if t == self.arrays.contacts - 1:
            self._decide("deadline", None, self.setup.summit, t, None)

    # -- the outcome and what follows -----------------------------------------------------

    def _decide(
        self, kind: str, j: int | None, day: date, t: int, framework: np.ndarray | None
    ) -> None:
        side = None if j is None else self._side_id(j)
        self.outcome = Ending(
            kind,
            side,
            day,
            t,
            None if framework is None else dict(zip(self.setup.issue_ids, map(float, framework))),
        )
        texts = {
            "summit": f"Summit held: {self.setup.title}",
            "deadline": "No framework by the summit date: the summit is postponed",
        }
        if kind in texts:
            self._log(day, kind, texts[kind])
        self._settle_trust(day, kind, j)
        for consequence in self.setup.consequences:
            if self._applies(consequence):
                when = consequence.on or day + timedelta(days=consequence.after_days)
                self._log(max(when, self.today), "consequence", consequence.text)

    def _settle_trust(self, day: date, kind: str, decider: int | None) -> None:
        """Each principal that :func:`rules.blames` its negotiator after an outcome of
        ``kind`` decided by side ``decider`` loses trust in it, and may sideline it."""
        for j, principal in enumerate(self.principals):
            negotiator = self.negotiators[j]
            if not rules.blames(
                kind == "summit",
                kind == "cancelled" and j == decider,
                bool(self.arrays.has_negotiator[j]),
            ):
                continue
            before = principal.trust
            if principal.blame(negotiator):
                self.sidelined.append(negotiator.actor_id)
                self._log(
                    day,
                    "sidelined",
                    f"{principal.name} sidelines {negotiator.name} "
                    f"(trust {principal.trust:.2f}, below {principal.sideline_below:.2f})",
                )
            elif principal.trust != before:  # no "falls to 1.00" when trust_loss is 0
                self._log(
                    day,
                    "trust",
                    f"{principal.name}'s trust in {negotiator.name} falls to {principal.trust:.2f}",
                )

    def _applies(self, consequence: Consequence) -> bool:
        outcome = self.outcome
        assert outcome is not None
        if consequence.when == "sidelined":
            return bool(self.sidelined) and consequence.who in (None, *self.sidelined)
        if consequence.when == "collapse":
            return outcome.kind != "summit"
        return consequence.when == outcome.kind and consequence.by in (None, outcome.side)

    # -- words ----------------------------------------------------------------------------

    def _principal_name(self, actor_id: str) -> str:
        return next(p.name for p in self.principals if p.actor_id == actor_id)

    def _position_text(self, position: np.ndarray) -> str:
        return ", ".join(
            f"{issue.label} {value:.2f}" for issue, value in zip(self.setup.issues, position)
        )

    # -- for the command line and the page -----------------------------------------------

    @property
    def offers(self) -> list[dict[str, object]]:
        """One entry per contact held: ``{"date": ISO, SIDE_ID: {issue id: value}, ...}``."""
        issue_ids = self.setup.issue_ids
        return [
            {"date": record.date.isoformat()}
            | {
                side: dict(zip(issue_ids, map(float, offer)))
                for side, offer in record.offers.items()
            }
            for record in self.contacts_held
        ]
