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

Schema 2 (design-schema2.md; the protocol of both drivers) adds contacts that may not be
held (narrated "not held" on their date; the contacts clock counts held ones), the
calendar clock, mandates, reciprocity, trade-off offers, perception noise, approvers
(:mod:`summitsim.summit_day`), the summit without a deal with its in-person round, and
pivotal blame, decided on a counterfactual run of this model with the negotiator's
hawkishness at 0 and narrated with its reason. What a trial reads beyond the agents'
fields is :mod:`summitsim.trial_setup`; the run's records are :mod:`summitsim.account`.

The model reads its parameters from the same flat vector as the Monte Carlo kernel, its
noise from the same draws (draws.noise_matrix), its held contacts from the same draws
(arrays.trial_held) and its review schedule from the same arrays (``arrays.reviewed``),
so both drivers reach the same outcome (tested trial by trial on random scenarios). The
protocol is written here a second time on purpose, for the account and the page (the
kernel's is for numbers; docs/design.md section 5); every equation is a function of
:mod:`summitsim.rules`, as in the kernel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

import mesa
import numpy as np

from summitsim import draws, rules
from summitsim.account import ContactRecord, Ending, Event
from summitsim.agents import Negotiator, Principal
from summitsim.arrays import (
    SIDE_FIELDS,
    compile_scenario,
    field_offset,
    noise_offset,
    nominal_inputs,
    side_offset,
    trial_inputs,
)
from summitsim.outcomes import Outcome
from summitsim.scenario import Consequence, Scenario
from summitsim.scenario.fields import NEGOTIATOR_FIELDS, PRINCIPAL_FIELDS
from summitsim.summit_day import SummitDay
from summitsim.trial_setup import PERCEPTION, PIVOTAL, contacts_held, trial_setup

_DAY = timedelta(days=1)


class SummitModel(SummitDay, mesa.Model):
    """Pre-summit talks between two sides, one calendar day per step.

    ``seed=None`` is the nominal run; an integer ``seed`` is one Monte Carlo trial (trial 0
    of block 0 of grid point 0, as a sweep with that seed draws it). Tests and the kernel
    comparison pass ``params`` (flat vector), ``noise`` (standard normals, one row per
    contact and the summit's row, one column per slot: draws.noise_matrix) and ``held``
    (which contacts take place; default all) directly. The start day is processed on
    creation; :meth:`step` moves on a day and ``running`` turns False once the outcome's
    last consequence has fired. ``talks_only`` runs the talks without blame and
    consequences: the counterfactual of pivotal blame (design-schema2.md section 8).
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        params: np.ndarray | None = None,
        noise: np.ndarray | None = None,
        held: np.ndarray | None = None,
        talks_only: bool = False,
    ) -> None:
        super().__init__(rng=seed if seed is not None else 0)
        self.setup = scenario
        self.arrays = compile_scenario(scenario)
        if params is None:
            if seed is None:
                params, noise = nominal_inputs(self.arrays)[0], None
            else:
                key = draws.block_key(seed, 0, 0)
                params, noise = trial_inputs(self.arrays, key, 0)
                held = contacts_held(self.arrays, params, key, 0)
        self.params = np.asarray(params, dtype=np.float64)
        if held is None:
            held = contacts_held(self.arrays, self.params, None)
        self.trial = trial_setup(scenario, self.arrays, self.params, held)
        if noise is None:  # the nominal run: no noise in any row or slot
            noise = np.zeros(self.trial.noise_shape)
        self.standard_noise = np.asarray(noise, dtype=np.float64)
        sd = self.params[noise_offset(self.arrays.issues)]
        self.noise = self.standard_noise * sd
        self.talks_only = talks_only
        self.principals, self.negotiators = self._create_agents()
        self.first = scenario.first_mover_index
        self.today = scenario.start
        self.end = scenario.summit
        self.held_contacts = [t for t in range(self.arrays.contacts) if self.trial.held[t]]
        self.contacts_held: list[ContactRecord] = []
        self._next_contact = 0  # the first contact whose date has not come yet
        self.latest: list[np.ndarray | None] = [None, None]
        # under perception noise, the error of side j's one reading of the other side's
        # latest offer (design-schema2.md section 5); None before any offer was read
        self.reading: list[float | None] = [None, None]
        self.outcome: Ending | None = None
        self.sidelined: list[str] = []
        self.blamed: list[str] = []
        self._agenda: dict[date, list[Callable[[], None]]] = defaultdict(list)
        self._account: dict[date, list[Event]] = defaultdict(list)
        self.events: list[Event] = []
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self._log(
            scenario.start,
            "announcement",
            f"{scenario.title}: summit planned for {scenario.summit.isoformat()}",
        )
        if not self.held_contacts:  # nothing to negotiate at: the summit date decides
            self._agenda[max(scenario.summit, scenario.start)].append(self._close_talks)
        self._process_day()

    # -- set-up ---------------------------------------------------------------------------

    def _create_agents(self) -> tuple[list[Principal], list[Negotiator]]:
        scenario, issues = self.setup, self.arrays.issues
        principals, negotiators = [], []
        for j, side in enumerate(scenario.sides):
            base = side_offset(j, issues)
            scalars = dict(zip(SIDE_FIELDS, self.params[base + 2 * issues :]))
            person = side.principal
            settings = self.trial.sides[j]
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
                    tactic=settings.tactic,
                    believes=settings.believes,
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
        contact = self.setup.contacts[t]
        label = contact.label or f"Contact {t + 1}"
        if not self.trial.held[t]:
            self._log(self.today, "not held", f"{label}: not held")
            return
        mover, other = self.first, 1 - self.first
        record = ContactRecord(t, contact.date, contact.label)
        self.contacts_held.append(record)
        elapsed = self.trial.elapsed(t, len(self.contacts_held) - 1, len(self.held_contacts))
        self._log(self.today, "contact", label)
        self._set_target(record, mover, elapsed)
        self._make_offer(record, mover, self._propose(mover, record))
        self._set_target(record, other, elapsed)
        if self._judges(other, t, draws.S_JUDGES, record):
            self._agree(record, other, mover)
            return
        self._make_offer(record, other, self._propose(other, record))
        if self._judges(mover, t, draws.F_JUDGES, record):
            self._agree(record, mover, other)
            return
        self._agenda[self.today + _DAY].append(partial(self._review, t))

    def _set_target(self, record: ContactRecord, j: int, elapsed: float) -> None:
        """Side j sets its target of this contact, on first acting in it (section 3)."""
        offer = self.latest[1 - j]
        seen = None if offer is None else self.principals[j].value(offer)
        record.targets[self._side_id(j)] = self.negotiators[j].set_target(elapsed, seen)

    def _propose(self, j: int, record: ContactRecord) -> np.ndarray:
        """Side j's offer at its target, toward the other side's latest offer (its ideal
        before it made one) or, as a trade-off, toward the other principal's ideal."""
        other_ideal = self.principals[1 - j].ideal
        toward = self.latest[1 - j]
        return self.negotiators[j].propose(
            other_ideal if toward is None else toward,
            other_ideal,
            record.targets[self._side_id(j)],
        )

    def _judges(self, j: int, row: int, slot: int, record: ContactRecord) -> bool:
        """Whether side j's negotiator accepts the other side's latest offer. Its noise is
        the judgement's own draw; under perception noise it is side j's one reading of
        that offer, which its principal's later judgements of the offer reuse."""
        error = self.noise[row, slot]
        self.reading[j] = error
        return self.negotiators[j].accepts(
            self.latest[1 - j], error, record.targets[self._side_id(j)]
        )

    def _error(self, j: int, row: int, slot: int, own_offer: bool = False) -> float:
        """The noise of a principal's judgement of an offer: its own draw (``row``, ``slot``)
        under judgement noise; under perception noise the side's reading of the other
        side's offer, and no error on its own side's offer (design-schema2.md section 5)."""
        if self.trial.noise_model == PERCEPTION:
            reading = self.reading[j]
            if own_offer:
                return 0.0
            if reading is not None:
                return reading
        return float(self.noise[row, slot])

    def _make_offer(
        self, record: ContactRecord, j: int, offer: np.ndarray, in_person: bool = False
    ) -> None:
        side = self._side_id(j)
        author = self.principals[j] if in_person else self.negotiators[j]
        self.latest[j] = offer
        record.offers[side] = offer
        record.values[side] = {p.actor_id: p.value(offer) for p in self.principals}
        worth = ", ".join(
            f"{v:.3f} to {self._principal_name(p)}" for p, v in record.values[side].items()
        )
        self._log(
            self.today,
            "offer",
            f"{author.name} ({side}) offers "
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
        self._agenda[self.today + _DAY].append(
            partial(self._approve, record.index, framework, author)
        )

    # -- the day after a contact ----------------------------------------------------------

    def _approve(self, t: int, framework: np.ndarray, author: int) -> None:
        for j in (self.first, 1 - self.first):
            principal = self.principals[j]
            error = self._error(j, t, draws.APPROVAL + j, own_offer=j == author)
            if not principal.approves(framework, error):
                self._log(
                    self.today,
                    Outcome.VETOED.word,
                    f"{principal.name} vetoes the framework "
                    f"(worth {principal.value(framework):.3f}, below the value of no "
                    f"summit {principal.reservation:.3f})",
                )
                self._decide(Outcome.VETOED, j, self.today, t, framework, who=principal.actor_id)
                return
            self._log(
                self.today,
                "approved",
                f"{principal.name} approves the framework (worth {principal.value(framework):.3f})",
            )
        if self._approvers_consent(t, framework):
            self._decide(Outcome.SUMMIT, None, self.setup.summit, t, framework)

    def _review(self, t: int) -> None:
        reviewed = self.arrays.reviewed if self.trial.reviewed is None else self.trial.reviewed
        for j in (self.first, 1 - self.first):
            principal = self.principals[j]
            if not reviewed[t, j]:  # the review schedule both drivers read
                continue
            offer = self.latest[1 - j]
            worth = principal.value(offer)
            if principal.cancels(offer, self._error(j, t, draws.REVIEW + j)):
                self._log(
                    self.today,
                    Outcome.CANCELLED.word,
                    f"{principal.name} cancels the summit: "
                    f"the other side's offer is worth {worth:.3f}, below its patience "
                    f"{principal.patience:.3f}",
                )
                self._decide(Outcome.CANCELLED, j, self.today, t, None)
                return
            self._log(
                self.today,
                "review",
                f"{principal.name} stays at the table (the other "
                f"side's offer is worth {worth:.3f}, patience {principal.patience:.3f})",
            )
        if t == self.held_contacts[-1]:
            if not self.arrays.summit_round:
                self._close_talks()
            elif self.today >= self.setup.summit:
                self._meet_without_deal()
            else:
                self._agenda[self.setup.summit].append(self._meet_without_deal)

    # -- the outcome and what follows -----------------------------------------------------

    def _decide(
        self,
        outcome: Outcome,
        j: int | None,
        day: date,
        t: int,
        framework: np.ndarray | None,
        held: bool = False,
        who: str | None = None,
    ) -> None:
        side = None if j is None else self._side_id(j)
        self.outcome = Ending(
            outcome,
            side,
            day,
            t,
            None if framework is None else dict(zip(self.setup.issue_ids, map(float, framework))),
            held=held or outcome == Outcome.SUMMIT,
            who=who,
        )
        if self.talks_only:
            return
        texts = {
            Outcome.SUMMIT: f"Summit held: {self.setup.title}",
            Outcome.DEADLINE: "No framework by the summit date: the summit is postponed",
            Outcome.NO_DEAL: f"Summit held without an agreement: {self.setup.title}",
        }
        if outcome in texts:
            self._log(day, outcome.word, texts[outcome])
        self._settle_trust(day, outcome, j)
        for consequence in self.setup.consequences:
            if self._applies(consequence):
                when = consequence.on or day + timedelta(days=consequence.after_days)
                self._log(max(when, self.today), "consequence", consequence.text)

    def _settle_trust(self, day: date, outcome: Outcome, decider: int | None) -> None:
        """Each principal that blames its negotiator after ``outcome`` decided
        by side ``decider`` loses trust in it, and may sideline it: under ``always`` blame
        as :func:`rules.blames` says, under ``pivotal`` blame when the negotiator's
        hawkishness was pivotal (:func:`rules.pivotal_blame`, on a counterfactual run)."""
        for j, principal in enumerate(self.principals):
            negotiator = self.negotiators[j]
            has_negotiator = bool(self.arrays.has_negotiator[j])
            if self.trial.sides[j].blame == PIVOTAL:
                if not has_negotiator or outcome == Outcome.SUMMIT or not self._pivotal(day, j):
                    continue
            elif not rules.blames(
                outcome == Outcome.SUMMIT,
                outcome == Outcome.CANCELLED and j == decider,
                has_negotiator,
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
            if principal.trust != before:
                self.blamed.append(negotiator.actor_id)

    def _pivotal(self, day: date, j: int) -> bool:
        """Whether side j's negotiator is to blame: the same trial (parameters, noise, held
        contacts) with its hawkishness alone set to 0 ends in a summit. Narrated either
        way, with the reason."""
        params = self.params.copy()
        params[field_offset(j, "hawkishness", self.arrays.issues)] = 0.0
        faithful = SummitModel(
            self.setup,
            params=params,
            noise=self.standard_noise,
            held=self.trial.held,
            talks_only=True,
        ).run()
        assert self.outcome is not None
        blamed = rules.pivotal_blame(self.outcome.outcome, faithful.outcome, Outcome.SUMMIT)
        principal, negotiator = self.principals[j].name, self.negotiators[j].name
        if blamed:
            text = (
                f"{principal} blames {negotiator}: with a faithful negotiator (hawkishness 0) "
                "the same talks would have ended in a summit"
            )
        else:
            ending = faithful.kind + (f" by {faithful.side}" if faithful.side else "")
            text = (
                f"{principal} does not blame {negotiator}: the talks would have failed even "
                f"with a faithful negotiator (hawkishness 0): {ending}"
            )
        self._log(day, "blame", text)
        return blamed

    def _applies(self, consequence: Consequence) -> bool:
        outcome = self.outcome
        assert outcome is not None
        if consequence.when == "sidelined":
            return bool(self.sidelined) and consequence.who in (None, *self.sidelined)
        if consequence.when == "collapse":  # not held (design-schema2.md section 8)
            return not outcome.held
        if consequence.when == "failure":
            return outcome.outcome != Outcome.SUMMIT
        if consequence.when == "held":
            return outcome.held
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
