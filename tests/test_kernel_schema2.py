"""Schema 2 in the Monte Carlo kernel (design-schema2.md sections 1-8), numbers by hand.

Each scenario is a file, schema 1 or (with schema 2 fields) schema 2 with every setting
written, loaded and compiled as a user's would be.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sizes import trials as scaled

from summitsim import draws, kernel, moves, outcomes
from summitsim.arrays import ScenarioArrays, compile_scenario, field_offset
from summitsim.scenario import load_scenario

SE = 4.0  # Monte Carlo checks hold within this many standard errors


def two_sides(
    *,
    issues: tuple[str, ...] = ("land",),
    ideals: tuple[tuple[float, ...], tuple[float, ...]] = ((0.0,), (1.0,)),
    saliences: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
    reservations: tuple[float, float] = (0.2, 0.2),
    hawkishness: tuple[float, float] = (0.0, 0.0),
    softness: tuple[float, float] = (0.0, 0.0),
    concession: tuple[float, float] = (1.0, 1.0),
    patience: tuple[float, float] = (0.0, 0.0),
    trust_loss: float = 0.0,
    days: tuple[int, ...] = (1,),
    noise: float = 0.0,
) -> str:
    """A schema 1 file: side A (us, first mover) against side B (russia), both with a
    negotiator, contacts on ``days`` after the start (2025-10-01), the summit on day 10.
    :func:`build` turns it into schema 2 where asked."""
    if saliences is None:
        saliences = ((1.0,) * len(issues), (1.0,) * len(issues))

    def point(values: tuple[float, ...]) -> str:
        return "{" + ", ".join(f"{k}: {v!r}" for k, v in zip(issues, values)) + "}"

    sides = ""
    for j, (side, principal, negotiator) in enumerate(
        (("us", "trump", "rubio"), ("russia", "putin", "lavrov"))
    ):
        sides += f"""  - id: {side}
    principal:
      id: {principal}
      ideal: {point(ideals[j])}
      salience: {point(saliences[j])}
      reservation: {reservations[j]!r}
      softness: {softness[j]!r}
      patience: {patience[j]!r}
      trust_loss: {trust_loss!r}
      sideline_below: 0.5
      #{principal}
    negotiator:
      id: {negotiator}
      concession: {concession[j]!r}
      hawkishness: {hawkishness[j]!r}
      #{negotiator}
    #{side}
"""
    contacts = "".join(f"  - date: 2025-10-{1 + d:02d}  #contact{t}\n" for t, d in enumerate(days))
    return f"""schema: 1
name: schema2-kernel-test
start: 2025-10-01
summit: 2025-10-11
first_mover: us
noise: {noise!r}
issues:
{"".join(f"  - id: {k}" + chr(10) for k in issues)}sides:
{sides}contacts:
{contacts}"""


SETTING_WORDS = {
    "clock": ("contacts", "calendar"),
    "noise_model": ("judgement", "perception"),
    "tactic": ("segment", "tradeoff"),
    "blame": ("always", "pivotal"),
}


def schema2_text(
    text: str,
    *,
    reciprocity: tuple[float, float] = (0.0, 0.0),
    mandate: tuple[float, float] = (math.nan, math.nan),
    meets: tuple[float, float] = (math.nan, math.nan),
    held: tuple[float, ...] | None = None,
    approvers: tuple[tuple[int, tuple[float, ...], tuple[float, ...], float], ...] = (),
    clock: int = moves.CONTACTS_CLOCK,
    noise_model: int = moves.JUDGEMENT,
    tactic: tuple[int, int] = (moves.SEGMENT, moves.SEGMENT),
    blame: tuple[int, int] = (moves.ALWAYS, moves.ALWAYS),
) -> str:
    """``text`` (from :func:`two_sides`) as a schema 2 file with these fields; every
    setting is written, at part 1's choice unless given (schema 2's defaults differ)."""
    issues = [line.split("id: ")[1] for line in text.splitlines() if line.startswith("  - id: ")]
    issues = [k for k in issues if k not in ("us", "russia")]
    text = text.replace("schema: 1", "schema: 2", 1)
    top = f"clock: {SETTING_WORDS['clock'][clock]}\n"
    top += f"noise_model: {SETTING_WORDS['noise_model'][noise_model]}\n"
    text = text.replace("issues:\n", top + "issues:\n", 1)
    for j, (side, principal, negotiator) in enumerate(
        (("us", "trump", "rubio"), ("russia", "putin", "lavrov"))
    ):
        lines = f"      blame: {SETTING_WORDS['blame'][blame[j]]}\n"
        if not math.isnan(mandate[j]):
            lines += f"      mandate: {mandate[j]!r}\n"
        if not math.isnan(meets[j]):
            lines += f"      meets_without_deal: {meets[j]!r}\n"
        text = text.replace(f"      #{principal}\n", lines, 1)
        lines = f"      tactic: {SETTING_WORDS['tactic'][tactic[j]]}\n"
        lines += f"      reciprocity: {reciprocity[j]!r}\n"
        text = text.replace(f"      #{negotiator}\n", lines, 1)
        mine = [(n, a) for n, a in enumerate(approvers) if a[0] == j]
        lines = "    approvers:\n" if mine else ""
        for n, (_, ideal, salience, reservation) in mine:
            lines += f"      - id: approver{n}\n"
            lines += "        ideal: {" + ", ".join(f"{k}: {v!r}" for k, v in zip(issues, ideal))
            lines += "}\n        salience: {"
            lines += ", ".join(f"{k}: {v!r}" for k, v in zip(issues, salience)) + "}\n"
            lines += f"        reservation: {reservation!r}\n"
        text = text.replace(f"    #{side}\n", lines, 1)
    for t, p in enumerate(held or ()):
        text = text.replace(f"  #contact{t}\n", f"\n    held: {p!r}\n", 1)
    return text


def build(
    tmp_path: Path, text: str, *, force: bool = False, **fields: object
) -> tuple[ScenarioArrays, moves.Protocol]:
    """Compile ``text``, as a schema 2 file when ``fields`` are given (see
    :func:`schema2_text`). ``force`` runs schema 2's protocol even when nothing asks for
    it."""
    if fields:
        text = schema2_text(text, **fields)  # type: ignore[arg-type]
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    arrays = compile_scenario(load_scenario(path))
    protocol = moves.protocol_of(arrays)
    if force:
        protocol.settings[moves.PROTOCOL2] = 1
    return arrays, protocol


def nominal(arrays: ScenarioArrays, protocol: moves.Protocol) -> tuple:
    """The nominal run through ``kernel.negotiate``: every contact held, no noise; returns
    (outcome, side, contact, sidelined, held, blamed, who), the offers and the framework."""
    params = arrays.nominal.copy()
    noise = np.zeros(arrays.noise_shape)
    offers, framework = np.empty((2, arrays.issues)), np.empty(arrays.issues)
    result = kernel.negotiate(
        params,
        arrays.issues,
        arrays.first,
        arrays.reviewed,
        arrays.has_negotiator,
        np.uint64(0),
        noise,
        offers,
        framework,
        protocol.as_tuple(),
        np.ones(arrays.contacts, dtype=np.bool_),
        True,
        np.empty((3, arrays.issues)),
        np.empty((2, arrays.issues), dtype=np.int64),
    )
    return result, offers, framework


def share(hits: int, trials: int, p: float) -> bool:
    """Whether ``hits`` of ``trials`` is within SE standard errors of ``p``."""
    return abs(hits / trials - p) <= SE * math.sqrt(p * (1 - p) / trials) + 1e-12


KEY = draws.block_key(7, 0, 0)


# -- the self-veto ----------------------------------------------------------------------


@pytest.mark.parametrize(("h", "expected"), [(0.0, 0.5), (0.05, 0.12167)])
@pytest.mark.parametrize("schema2", [False, True])
def test_self_veto_under_judgement_noise(tmp_path, h, expected, schema2):
    """One contact (alpha = 1): Trump's negotiator offers x = 1 - f at f = r + h (1 - r),
    worth f to Trump; Putin accepts (worth 0.7 - 0.7 h, far above 0.3); Trump approves
    when f + e >= r, so he vetoes with P = Phi(-h (1 - r) / sigma): 0.5 at h = 0 and
    Phi(-0.035 / 0.03) = Phi(-1.1667) = 0.12167 at h = 0.05. On both protocols."""
    text = two_sides(reservations=(0.3, 0.3), hawkishness=(h, 0.0), noise=0.03)
    arrays, protocol = build(tmp_path, text, force=schema2)
    assert protocol.settings[moves.PROTOCOL2] == int(schema2)
    trials = scaled(200_000)
    counts = kernel.count(arrays, trials, KEY, protocol=protocol)
    columns = dict(zip(outcomes.COUNT_COLUMNS, counts.tolist()))
    assert share(columns["vetoed_a"], trials, expected)
    assert columns["vetoed_a"] + columns["summit"] == trials  # nothing else happens
    assert math.isclose(0.5 * math.erfc(0.035 / 0.03 / math.sqrt(2)), 0.12167, abs_tol=5e-6)


@pytest.mark.parametrize("h", [0.0, 0.05])
def test_no_self_veto_under_perception_noise(tmp_path, h):
    """Under perception Trump reads his own side's offer without error: it is worth
    f >= r, so he never vetoes it; Putin's reading (0.7 - 0.7 h + e vs 0.3) never fails."""
    text = two_sides(reservations=(0.3, 0.3), hawkishness=(h, 0.0), noise=0.03)
    arrays, protocol = build(tmp_path, text, noise_model=moves.PERCEPTION)
    trials = scaled(100_000)
    counts = kernel.count(arrays, trials, KEY, protocol=protocol)
    assert counts[outcomes.COUNT_COLUMNS.index("summit")] == trials


# -- the logroll ------------------------------------------------------------------------


def logroll(tmp_path: Path, tactic: int) -> tuple:
    text = two_sides(
        issues=("territory", "sanctions"),
        ideals=((0.0, 0.0), (1.0, 1.0)),
        saliences=((0.8, 0.2), (0.2, 0.8)),
        reservations=(0.2, 0.2),
        days=(1, 2, 3, 4, 5, 6),
    )
    return nominal(*build(tmp_path, text, tactic=(tactic, tactic)))


def test_logroll_under_segment(tmp_path):
    """Targets 1 - 0.16 t on both sides (contacts clock, T = 6, linear, softness 0): on
    the segment the framework is (0.52, 0.52) at contact index 4, worth (0.48, 0.52)."""
    (outcome, _, contact, *_), _, framework = logroll(tmp_path, moves.SEGMENT)
    assert (outcome, contact) == (outcomes.SUMMIT, 4)
    np.testing.assert_allclose(framework, [0.52, 0.52], atol=1e-12)
    worth = [1 - 0.8 * 0.52 - 0.2 * 0.52, 1 - 0.2 * 0.48 - 0.8 * 0.48]
    np.testing.assert_allclose(worth, [0.48, 0.52], atol=1e-12)


def test_logroll_under_tradeoff_by_hand_and_on_the_pareto_frontier(tmp_path):
    """By hand: Trump ranks sanctions first (v/w = 0.8/0.2), cost 0.2; Putin ranks territory
    first, cost 0.2. Index 0 (tau 1): both offer their ideals. Index 1 (tau 0.84, budget
    0.16): Trump offers (0, 0.8), worth 0.64 < 0.84 to Putin; Putin (0.2, 1), worth 0.64
    to Trump. Index 2 (tau 0.68, budget 0.32): Trump concedes sanctions whole (0.12 left)
    and territory by 0.12 / 0.8 = 0.15: (0.15, 1), worth 0.68 to Trump and
    1 - 0.2 * 0.85 = 0.83 >= 0.68 to Putin: agreed at index 2."""
    (outcome, _, contact, *_), _, framework = logroll(tmp_path, moves.TRADEOFF)
    assert (outcome, contact) == (outcomes.SUMMIT, 2)
    np.testing.assert_allclose(framework, [0.15, 1.0], atol=1e-12)
    trump = 1 - 0.8 * framework[0] - 0.2 * (framework[1])
    putin = 1 - 0.2 * (1 - framework[0]) - 0.8 * (1 - framework[1])
    assert trump == pytest.approx(0.68, abs=1e-12) and putin == pytest.approx(0.83, abs=1e-12)
    grid = np.linspace(0, 1, 201)
    x, y = np.meshgrid(grid, grid)
    u_trump, u_putin = 1 - 0.8 * x - 0.2 * y, 1 - 0.2 * (1 - x) - 0.8 * (1 - y)
    dominates = (u_trump >= trump - 1e-12) & (u_putin > putin + 1e-9)
    assert not dominates.any()  # nothing is better for Putin at Trump's 0.68
    assert trump + putin > 0.48 + 0.52  # the logroll beats the segment's deal


# -- mandate, the summit without a deal, approvers ---------------------------------------


def test_a_mandate_below_the_reservation_produces_a_veto(tmp_path):
    """One contact: Trump (r 0.7) offers x = 0.3, worth 0.3 to Putin. Lavrov's floor is his
    mandate 0.1, so he accepts; Putin approves against his true 0.5 and vetoes. With the
    mandate at the reservation Lavrov refuses and counters at 0.5 (x = 0.5, worth 0.5
    < 0.7 to Trump): deadline."""
    text = two_sides(reservations=(0.7, 0.5))
    (outcome, side, *_), _, framework = nominal(*build(tmp_path, text, mandate=(math.nan, 0.1)))
    assert (outcome, side) == (outcomes.VETOED, 1)
    np.testing.assert_allclose(framework, [0.3], atol=1e-12)
    (outcome, *_), _, _ = nominal(*build(tmp_path, text))
    assert outcome == outcomes.DEADLINE


def test_a_summit_held_without_a_deal(tmp_path):
    """Reservations 0.7 and 0.7 leave no deal: offers 0.3 and 0.7 at the one contact.
    Each side's latest offer to the other is worth 0.3 >= 0.2: both attend; in person
    Trump offers 0.3 (worth 0.3 < 0.7 to Putin), Putin 0.7 (0.3 < 0.7 to Trump): no deal,
    held, at the summit (contact T = 1). With Putin's bar at 0.5 he stays away: deadline."""
    text = two_sides(reservations=(0.7, 0.7))
    result, _, framework = nominal(*build(tmp_path, text, meets=(0.2, 0.2)))
    outcome, side, contact, _, held, _, who = result
    assert (outcome, side, contact, held, who) == (outcomes.NO_DEAL, -1, 1, True, -1)
    assert np.isnan(framework).all()
    result, _, _ = nominal(*build(tmp_path, text, meets=(0.2, 0.5)))
    assert (result[0], result[4]) == (outcomes.DEADLINE, False)
    result, _, _ = nominal(*build(tmp_path, text, meets=(0.2, math.nan)))
    assert (result[0], result[4]) == (outcomes.DEADLINE, False)  # null: no summit without a deal


def test_a_deal_made_in_person(tmp_path):
    """Reservations 0.4, both negotiators hawkish (h 0.5: floors 0.7): offers 0.3 and 0.7
    fail. Both attend (0.3 >= 0.2); in person the principals aim at their reservations:
    Trump offers 0.6, worth 0.6 >= 0.4 to Putin: a summit with a deal, made at the summit."""
    text = two_sides(reservations=(0.4, 0.4), hawkishness=(0.5, 0.5))
    result, _, framework = nominal(*build(tmp_path, text, meets=(0.2, 0.2)))
    assert (result[0], result[2], result[4]) == (outcomes.SUMMIT, 1, True)
    np.testing.assert_allclose(framework, [0.6], atol=1e-12)


def test_an_approvers_veto_names_the_approver(tmp_path):
    """One contact, reservations 0.2: Trump offers x = 0.8, Putin accepts, both approve.
    Approvers (file order, side A's first): 0 on A's side (ideal 0, r 0.1: 0.2 >= 0.1,
    approves), 1 on B's side (ideal 0, r 0.5: worth 0.2 < 0.5): vetoed by B, who = 1.
    In person the same framework meets the same veto, held."""
    text = two_sides(reservations=(0.2, 0.2))
    approvers = ((0, (0.0,), (1.0,), 0.1), (1, (0.0,), (1.0,), 0.5))
    result, _, framework = nominal(*build(tmp_path, text, approvers=approvers))
    outcome, side, contact, _, held, _, who = result
    assert (outcome, side, contact, held, who) == (outcomes.VETOED, 1, 0, False, 1)
    np.testing.assert_allclose(framework, [0.8], atol=1e-12)
    approvers = ((0, (0.0,), (1.0,), 0.1), (1, (0.0,), (1.0,), 0.1))
    result, _, _ = nominal(*build(tmp_path, text, approvers=approvers))
    assert (result[0], result[6]) == (outcomes.SUMMIT, -1)


# -- pivotal blame ----------------------------------------------------------------------


def test_pivotal_blame_blames_only_a_pivotal_negotiator(tmp_path):
    """Reservations 0.4, one contact. Rubio hawkish (0.5, floor 0.7) alone: he offers 0.3
    (worth 0.3 < 0.4 to Putin), Lavrov counters 0.6 (worth 0.4 < 0.7): deadline. With
    h = 0 Rubio offers 0.6, accepted: pivotal, blamed, and sidelined (trust 1 - 0.5 *
    1.5 = 0.25 < 0.5). With both hawkish, Rubio at h = 0 offers 0.6 against Lavrov's 0.7:
    still a deadline, so neither is pivotal and nobody is blamed."""
    text = two_sides(reservations=(0.4, 0.4), hawkishness=(0.5, 0.0), trust_loss=0.5)
    arrays, protocol = build(tmp_path, text, blame=(moves.PIVOTAL, moves.PIVOTAL))
    result, _, _ = nominal(arrays, protocol)
    assert (result[0], result[3], result[5]) == (outcomes.DEADLINE, 0b01, 0b01)
    counts = kernel.count(arrays, 1000, KEY, protocol=protocol)
    assert counts[outcomes.COUNT_COLUMNS.index("sidelined_a")] == 1000
    text = two_sides(reservations=(0.4, 0.4), hawkishness=(0.5, 0.5), trust_loss=0.5)
    arrays, protocol = build(tmp_path, text, blame=(moves.PIVOTAL, moves.PIVOTAL))
    result, _, _ = nominal(arrays, protocol)
    assert (result[0], result[3], result[5]) == (outcomes.DEADLINE, 0, 0)
    trials = kernel.simulate(arrays, 1000, KEY, protocol=protocol)
    assert not trials.blamed.any() and not trials.sidelined.any()
    arrays, protocol = build(tmp_path, text)  # always: both blamed after any failure
    assert nominal(arrays, protocol)[0][5] == 0b11


# -- reciprocity, held contacts, the calendar ---------------------------------------------


@pytest.mark.parametrize(("rho", "expected"), [(0.0, 0.95), (1.0, 0.896875)])
def test_reciprocal_lavrov_answers_rubios_concessions(tmp_path, rho, expected):
    """Reciprocity makes one side's concessions move the other's offers. Calendar clock,
    summit on day 8, contacts on days 2 and 4 (e = 0.25, 0.5).

    Rubio: softness 0.5, linear, r 0.2: tau = 1 - (0.5 + 0.5 e) 0.8 = 0.5 at e = 0.25
    (offer 0.5), 0.4 at e = 0.5 (offer 0.6). Lavrov: Boulware (beta 0.25, alpha = e^4),
    r 0.2: time targets 1 - 0.8 / 256 = 0.996875 and 1 - 0.8 / 16 = 0.95. With rho = 1:
    at the first contact Delta = 0, tau = 0.996875; at the second Rubio's offer gained
    him 0.6 - 0.5 = 0.1, so tau = min(0.95, 0.996875 - 0.1) = 0.896875 and he counters
    x = 0.896875 instead of 0.95 (worth 0.103 < 0.4 to Rubio: a deadline either way)."""
    text = two_sides(softness=(0.5, 0.0), concession=(1.0, 0.25), days=(2, 4))
    text = text.replace("summit: 2025-10-11", "summit: 2025-10-09")
    arrays, protocol = build(
        tmp_path, text, reciprocity=(0.0, rho), force=True, clock=moves.CALENDAR_CLOCK
    )
    (outcome, *_), offers, _ = nominal(arrays, protocol)
    assert outcome == outcomes.DEADLINE
    np.testing.assert_allclose(offers[0], [0.6], atol=1e-12)
    np.testing.assert_allclose(offers[1], [expected], atol=1e-12)


def test_a_contact_held_with_probability_one_half(tmp_path):
    """One contact that settles it (reservations 0.2: x = 0.8 agreed), held with
    probability 0.5: summits in about half the trials, deadlines in the rest; the nominal
    run holds it. Held 1 holds it in every trial."""
    text = two_sides()
    arrays, protocol = build(tmp_path, text, held=(0.5,))
    trials = scaled(100_000)
    counts = dict(zip(outcomes.COUNT_COLUMNS, kernel.count(arrays, trials, KEY, protocol=protocol)))
    assert share(counts["summit"], trials, 0.5)
    assert counts["summit"] + counts["deadline"] == trials
    assert nominal(arrays, protocol)[0][0] == outcomes.SUMMIT
    arrays, protocol = build(tmp_path, text, held=(1.0,))
    assert kernel.count(arrays, 1000, KEY, protocol=protocol)[0] == 1000


def test_the_contacts_clock_counts_held_contacts_only(tmp_path):
    """Two contacts, the second held with probability 0.5. Both held: targets 1 then 0.2,
    agreed at contact 1. Only the first held: it is the last (e = 1), agreed at contact 0."""
    text = two_sides(days=(1, 2))
    arrays, protocol = build(tmp_path, text, held=(1.0, 0.5))
    trials = kernel.simulate(arrays, 20_000, KEY, protocol=protocol)
    assert (trials.outcome == outcomes.SUMMIT).all()
    assert share(int((trials.contact == 0).sum()), 20_000, 0.5)
    assert set(trials.day.tolist()) == {10}  # a summit is dated on the summit's day


@pytest.mark.parametrize(("day", "offer"), [(4, 0.32), (6, 0.48)])
def test_the_calendar_clock_moves_concession_with_the_date(tmp_path, day, offer):
    """Calendar clock, summit day 10, one contact on day d: e = d / 10, Rubio's target
    1 - e (1 - 0.2) (linear, softness 0), his offer x = e 0.8: 0.32 on day 4, 0.48 on
    day 6 (Putin, r 0.9, refuses both). On the contacts clock the one contact is the
    last: x = 0.8 whatever its date."""
    text = two_sides(reservations=(0.2, 0.9), days=(day,))
    (outcome, *_), offers, _ = nominal(*build(tmp_path, text, clock=moves.CALENDAR_CLOCK))
    assert outcome == outcomes.DEADLINE
    np.testing.assert_allclose(offers[0], [offer], atol=1e-12)
    (_, *_), offers, _ = nominal(*build(tmp_path, text, force=True))
    np.testing.assert_allclose(offers[0], [0.8], atol=1e-12)


# -- schema 2's protocol with part 1's settings is part 1 ---------------------------------


@pytest.mark.parametrize("path", ["tests/scenarios/base.yaml", "scenarios/v1/budapest_2025.yaml"])
def test_schema2_protocol_with_part1_settings_gives_part1_numbers(tmp_path, path):
    """Forcing schema 2's protocol on a part 1 scenario changes no trial."""
    arrays = compile_scenario(load_scenario(path))
    protocol = moves.protocol_of(arrays)
    assert protocol.settings[moves.PROTOCOL2] == 0
    forced = dataclasses.replace(protocol, settings=protocol.settings.copy())
    forced.settings[moves.PROTOCOL2] = 1
    n = scaled(20_000)
    one = kernel.simulate(arrays, n, KEY, protocol=protocol)
    two = kernel.simulate(arrays, n, KEY, protocol=forced)
    for name in ("outcome", "side", "contact", "sidelined", "held", "blamed"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name), err_msg=name)
    np.testing.assert_array_equal(one.framework, two.framework)
    np.testing.assert_array_equal(
        kernel.count(arrays, n, KEY), kernel.count(arrays, n, KEY, protocol=forced)
    )


# -- properties -------------------------------------------------------------------------

scenario_cases = st.fixed_dictionaries(
    {
        "k": st.integers(1, 3),
        "contacts": st.integers(1, 4),
        "seed": st.integers(0, 2**31),
        "clock": st.sampled_from([moves.CONTACTS_CLOCK, moves.CALENDAR_CLOCK]),
        "side": st.integers(0, 1),
        "field": st.sampled_from(["softness", "concession"]),
        "meets": st.booleans(),
    }
)


def random_scenario(case: dict) -> str:
    """A small random file: K issues, 1-4 contacts on distinct days, noise 0."""
    rng = np.random.default_rng(case["seed"])
    k = case["k"]

    def pair(low: float, high: float, width: int = 2) -> tuple:
        return tuple(float(round(v, 3)) for v in rng.uniform(low, high, width))

    days = sorted(rng.choice(np.arange(1, 10), case["contacts"], replace=False).tolist())
    return two_sides(
        issues=tuple(f"i{n}" for n in range(k)),
        ideals=(pair(0, 0.3, k), pair(0.7, 1, k)),
        saliences=(pair(0.01, 1, k), pair(0.01, 1, k)),
        reservations=pair(0.3, 0.8),
        hawkishness=pair(0, 0.6),
        softness=pair(0, 0.5),
        concession=pair(0.3, 3),
        patience=pair(0, 0.6),
        days=tuple(days),
    )


@settings(max_examples=40, deadline=None)
@given(case=scenario_cases, step=st.floats(0.01, 0.5))
def test_summit_never_falls_as_a_side_softens(tmp_path_factory, case, step):
    """Noise 0, trade-off offers, no reciprocity, approvers or mandates: a side that softens
    (or concedes faster) makes offers the other values at least as much, accepts at least
    as much, and leaves the other's offers unchanged, so a summit stays a summit."""
    tmp = tmp_path_factory.mktemp("monotone")
    text = random_scenario(case)
    meets = (0.3, 0.3) if case["meets"] else (math.nan, math.nan)
    options = {"tactic": (moves.TRADEOFF, moves.TRADEOFF), "clock": case["clock"], "meets": meets}
    arrays, protocol = build(tmp, text, **options)
    at = field_offset(case["side"], case["field"], arrays.issues)
    before = nominal(arrays, protocol)[0][0]
    softer = arrays.nominal.copy()
    value = softer[at]
    softer[at] = min(1.0, value + step) if case["field"] == "softness" else value * (1 + step)
    after = nominal(dataclasses.replace(arrays, nominal=softer), protocol)[0][0]
    assert not (before == outcomes.SUMMIT and after != outcomes.SUMMIT)


@settings(max_examples=60, deadline=None)
@given(case=scenario_cases)
def test_tradeoff_offers_are_worth_their_target_or_are_the_other_ideal(tmp_path_factory, case):
    """One contact (e = 1 on the contacts clock): each offer under the trade-off is worth
    exactly its author's floor to its author, or is the other principal's ideal."""
    tmp = tmp_path_factory.mktemp("tradeoff")
    case = {**case, "contacts": 1}
    arrays, protocol = build(tmp, random_scenario(case), tactic=(moves.TRADEOFF, moves.TRADEOFF))
    _, offers, framework = nominal(arrays, protocol)
    params = arrays.nominal
    # Putin made an offer unless he accepted Rubio's at once (then his row is his ideal)
    putin_offered = not np.array_equal(framework, offers[0])
    for j in (0, 1) if putin_offered else (0,):
        floor_value = moves.floor_of(params, protocol.layout, j, arrays.issues)
        worth = moves.value(params, j, arrays.issues, offers[j])
        other = moves.ideal(params, 1 - j, arrays.issues)
        assert math.isclose(worth, floor_value, abs_tol=1e-12) or np.array_equal(offers[j], other)
