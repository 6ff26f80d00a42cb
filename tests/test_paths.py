"""Parameter paths: resolving, reading, setting, parsing ``--set`` and ``--over`` texts."""

import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitsim.scenario import ScenarioError, load_scenario, parse_scenario
from summitsim.scenario.overrides import with_values
from summitsim.scenario.paths import (
    get_value,
    parse_assignment,
    parse_range,
    resolve,
    scalar_paths,
)

BASE = (Path(__file__).parent / "scenarios" / "base.yaml").read_text(encoding="utf-8")
SCENARIO = parse_scenario(BASE, "base.yaml")
# Russia negotiated by its principal (the Lavrov lines and references removed).
SOLO = parse_scenario(
    BASE.replace(
        "    negotiator:\n      id: lavrov\n      concession: 0.5\n      hawkishness: 0.2\n", ""
    )
    .replace("who: lavrov, ", "")
    .replace("  lavrov.concession: {lognormal_sd: 0.3}\n", ""),
    "solo.yaml",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("noise", (None, None, "scenario", "noise", None, 0.0, math.inf, False, True)),
        (
            "trump.reservation",
            ("trump", 0, "principal", "reservation", None, 0.0, 1.0, False, True),
        ),
        ("putin.softness", ("putin", 1, "principal", "softness", None, 0.0, 1.0, False, False)),
        (
            "lavrov.concession",
            ("lavrov", 1, "negotiator", "concession", None, 0.0, math.inf, True, True),
        ),
        (
            "rubio.hawkishness",
            ("rubio", 0, "negotiator", "hawkishness", None, 0.0, 1.0, False, False),
        ),
        ("putin.ideal", ("putin", 1, "principal", "ideal", None, 0.0, 1.0, False, False)),
        (
            "putin.ideal.territory",
            ("putin", 1, "principal", "ideal", "territory", 0.0, 1.0, False, False),
        ),
        (
            "trump.salience.ceasefire",
            ("trump", 0, "principal", "salience", "ceasefire", 0.0, 1e6, False, False),
        ),
    ],
)
def test_resolve(text, expected):
    path = resolve(SCENARIO, text)
    assert (
        path.actor,
        path.side,
        path.role,
        path.field,
        path.issue,
        path.low,
        path.high,
        path.low_open,
        path.high_open,
    ) == expected
    assert path.text == text
    assert path.vector == (text == "putin.ideal")


def test_principal_carries_negotiator_fields_without_a_negotiator():
    path = resolve(SOLO, "putin.concession")
    assert (path.role, path.side, path.field) == ("principal", 1, "concession")
    assert get_value(SOLO, path) == 1.0  # the default
    changed = with_values(SOLO, {"putin.concession": 0.4, "putin.hawkishness": 0.3})
    assert (changed.concession(1), changed.hawkishness(1)) == (0.4, 0.3)
    assert changed.sides[1].principal.concession == 0.4


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "putn.softness",
            (
                "unknown actor 'putn'; allowed: noise, ACTOR.FIELD, ACTOR.ideal.ISSUE, "
                "ACTOR.salience.ISSUE, ACTOR.believes.salience[.ISSUE] or CONTACT.held with "
                "ACTOR one of trump, rubio, putin, lavrov"
            ),
        ),
        (
            "putin.softnes",
            ("unknown field 'softnes' of putin; allowed: putin.reservation, putin.softness"),
        ),
        ("putin.concession", "concession belongs to putin's negotiator: use lavrov.concession"),
        ("lavrov.softness", "allowed: lavrov.concession, lavrov.hawkishness"),
        (
            "putin.ideal.peace",
            (
                "unknown issue 'peace'; allowed: putin.ideal.ISSUE with ISSUE "
                "one of territory, ceasefire"
            ),
        ),
        ("putin.softness.territory", "softness has no issues; allowed: putin.softness"),
        ("putin", "not a parameter path; allowed: noise, ACTOR.FIELD"),
        ("putin.ideal.territory.x", "not a parameter path"),
        ("putin..territory", "not a parameter path"),
        ("", "not a parameter path"),
    ],
)
def test_resolve_refuses_bad_paths(text, says):
    with pytest.raises(ScenarioError) as caught:
        resolve(SCENARIO, text)
    assert says in caught.value.message
    assert caught.value.field == text


def test_get_value():
    assert get_value(SCENARIO, resolve(SCENARIO, "noise")) == 0.02
    assert get_value(SCENARIO, resolve(SCENARIO, "trump.patience")) == 0.45
    assert get_value(SCENARIO, resolve(SCENARIO, "lavrov.concession")) == 0.5
    assert get_value(SCENARIO, resolve(SCENARIO, "rubio.concession")) == 1.0
    assert get_value(SCENARIO, resolve(SCENARIO, "putin.trust")) == 1.0
    assert get_value(SCENARIO, resolve(SCENARIO, "trump.ideal")) == [0.2, 0.0]
    assert get_value(SCENARIO, resolve(SCENARIO, "trump.salience.ceasefire")) == 0.6


def test_with_values_returns_a_validated_copy():
    changed = with_values(
        SCENARIO,
        {
            "putin.softness": 0.8,
            "noise": 0.1,
            "lavrov.hawkishness": 0.0,
            "trump.ideal.territory": 0.5,
        },
    )
    assert changed.sides[1].principal.softness == 0.8
    assert changed.noise == 0.1
    assert changed.hawkishness(1) == 0.0
    assert changed.sides[0].principal.ideal == {"territory": 0.5, "ceasefire": 0.0}
    assert SCENARIO.sides[1].principal.softness == 0.0  # the original is untouched
    assert (changed.source, changed.sha256) == (SCENARIO.source, SCENARIO.sha256)
    assert changed.uncertainty == SCENARIO.uncertainty
    assert with_values(SCENARIO, {}) == SCENARIO


def test_with_values_keeps_salience_raw():
    changed = with_values(SCENARIO, {"putin.salience.territory": 3.0})
    assert changed.sides[1].principal.salience == {"territory": 3.0, "ceasefire": 0.5}
    assert changed.sides[1].principal.weights(changed.issue_ids) == pytest.approx([6 / 7, 1 / 7])


def test_with_values_sets_a_whole_vector():
    changed = with_values(SCENARIO, {"putin.ideal": [0.9, 0.8]})
    assert get_value(changed, resolve(changed, "putin.ideal")) == [0.9, 0.8]
    with pytest.raises(ScenarioError, match="allowed: 2 numbers, one per issue"):
        with_values(SCENARIO, {"putin.ideal": [0.9]})


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (
            {"putin.softness": 1.2},
            "putin.softness: 1.2 is out of range; allowed: a number in [0, 1]",
        ),
        ({"trump.reservation": 1.0}, "1.0 is out of range; allowed: a number in [0, 1)"),
        ({"lavrov.concession": 0}, "lavrov.concession: 0 is out of range; allowed: a number > 0"),
        ({"noise": -0.1}, "noise: -0.1 is out of range; allowed: a number >= 0"),
        ({"noise": math.nan}, "noise: nan is out of range"),
        ({"putin.patience": True}, "putin.patience: got True; allowed: a number in [0, 1]"),
        ({"putin.reviews_from": 0.5}, "reviews_from is a date"),
    ],
)
def test_with_values_refuses_bad_values(values, says):
    with pytest.raises(ScenarioError) as caught:
        with_values(SCENARIO, values)
    assert says in str(caught.value)


def test_with_values_reruns_the_cross_checks():
    with pytest.raises(ScenarioError, match="every weight is 0"):
        with_values(SCENARIO, {"trump.salience.territory": 0, "trump.salience.ceasefire": 0})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("putin.softness=0.8", ("putin.softness", 0.8)),
        (" noise = 0 ", ("noise", 0.0)),
        ("lavrov.concession=1e-3", ("lavrov.concession", 0.001)),
        ("putin.ideal.territory=-1", ("putin.ideal.territory", -1.0)),  # range checked later
    ],
)
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "putin.softness",
        "putin.softness=",
        "=0.5",
        "putin.softness=high",
        "putin.softness=nan",
        "noise=inf",
    ],
)
def test_parse_assignment_refuses(text):
    with pytest.raises(ScenarioError, match="allowed: PATH=VALUE") as caught:
        parse_assignment(text)
    assert caught.value.field == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("putin.softness=0:1:21", ("putin.softness", 0.0, 1.0, 21)),
        ("noise=0.1:0:3", ("noise", 0.1, 0.0, 3)),
        ("trump.patience=0.4:0.4:1", ("trump.patience", 0.4, 0.4, 1)),
    ],
)
def test_parse_range(text, expected):
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "putin.softness",
        "putin.softness=0:1",
        "putin.softness=0:1:0",
        "putin.softness=0:1:2.5",
        "putin.softness=a:1:3",
        "putin.softness=0:1:3:4",
        "=0:1:3",
    ],
)
def test_parse_range_refuses(text):
    with pytest.raises(ScenarioError, match="allowed: PATH=START:STOP:NUM") as caught:
        parse_range(text)
    assert caught.value.field == text


def test_clip_at_open_and_closed_ends():
    reservation = resolve(SCENARIO, "trump.reservation")
    assert reservation.clip(1.0) == 1.0 - 1e-9
    assert reservation.clip(-3.0) == 0.0
    assert reservation.clip(0.5) == 0.5
    concession = resolve(SCENARIO, "lavrov.concession")
    assert concession.clip(0.0) == 1e-9
    assert concession.clip(-5.0) == 1e-9
    assert concession.clip(1e6) == 1e6
    assert resolve(SCENARIO, "noise").clip(1e9) == 1e9
    assert resolve(SCENARIO, "putin.softness").clip(2.0) == 1.0
    # an infinite end clips to the largest float: a value drawn there is still in range
    assert concession.clip(math.inf) == sys.float_info.max
    assert concession.range.contains(concession.clip(math.inf))


def test_allowed_text():
    assert resolve(SCENARIO, "trump.reservation").allowed() == "a number in [0, 1)"
    assert resolve(SCENARIO, "putin.softness").allowed() == "a number in [0, 1]"
    assert resolve(SCENARIO, "lavrov.concession").allowed() == "a number > 0"
    assert resolve(SCENARIO, "noise").allowed() == "a number >= 0"
    assert resolve(SCENARIO, "putin.salience.territory").allowed() == "a number in [0, 1e+06]"


def test_scalar_paths_order():
    paths = scalar_paths(SCENARIO)
    assert paths[:8] == [
        "noise",
        "trump.reservation",
        "trump.softness",
        "trump.patience",
        "trump.trust",
        "trump.trust_loss",
        "trump.sideline_below",
        "trump.ideal.territory",
    ]
    assert paths[11:13] == ["rubio.concession", "rubio.hawkishness"]
    assert paths[-2:] == ["lavrov.concession", "lavrov.hawkishness"]
    assert len(paths) == 1 + 2 * (6 + 2 * 2 + 2)
    assert scalar_paths(SOLO)[-2:] == ["putin.concession", "putin.hawkishness"]
    assert not any(resolve(SCENARIO, path).vector for path in paths)


@st.composite
def scalar_assignment(draw, scenario):
    path = resolve(scenario, draw(st.sampled_from(scalar_paths(scenario))))
    value = draw(
        st.floats(
            min_value=path.low,
            max_value=min(path.high, 50.0),
            exclude_min=path.low_open,
            exclude_max=path.high_open and path.high <= 50.0,
            allow_nan=False,
        )
    )
    return path, value


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_with_values_then_get_value_round_trips(data):
    scenario = data.draw(st.sampled_from([SCENARIO, SOLO]))
    path, value = data.draw(scalar_assignment(scenario))
    changed = with_values(scenario, {path.text: value})
    assert get_value(changed, resolve(changed, path.text)) == value


# -- schema 2 paths (design-schema2.md; the project's arrays, section A) -------------------

SCHEMA2 = load_scenario(Path(__file__).parent / "scenarios" / "schema2_all.yaml")


@pytest.mark.parametrize(
    ("text", "role", "side", "field", "issue", "value", "offset"),
    [
        ("lavrov.reciprocity", "negotiator", 1, "reciprocity", None, 0.0, (30, 1)),
        ("rubio.reciprocity", "negotiator", 0, "reciprocity", None, 0.25, (12, 1)),
        ("trump.mandate", "principal", 0, "mandate", None, 0.3, (13, 1)),
        ("putin.mandate", "principal", 1, "mandate", None, 0.35, (31, 1)),  # unset: r
        ("trump.meets_without_deal", "principal", 0, "meets_without_deal", None, 0.5, (14, 1)),
        ("trump.reviews_from", "principal", 0, "reviews_from", None, 2.0, (15, 1)),
        ("rubio.believes.salience", "negotiator", 0, "believes", None, [1.0, 3.0], (16, 2)),
        (
            "rubio.believes.salience.sanctions",
            "negotiator",
            0,
            "believes",
            "sanctions",
            3.0,
            (17, 1),
        ),
        # unwritten: lavrov reads trump's own (raw) salience
        ("lavrov.believes.salience", "negotiator", 1, "believes", None, [3.0, 1.0], (34, 2)),
        ("prep_meeting.held", "contact", None, "held", None, 0.5, (38, 1)),
        ("first_call.held", "contact", None, "held", None, 1.0, (37, 1)),
        ("kyiv.reservation", "approver", 0, "reservation", None, 0.5, (44, 1)),
        ("kyiv.ideal.territory", "approver", 0, "ideal", "territory", 0.0, (40, 1)),
        ("duma.salience", "approver", 1, "salience", None, [1.0, 3.0], (47, 2)),
        ("duma.ideal.sanctions", "approver", 1, "ideal", "sanctions", 0.5, (46, 1)),
    ],
)
def test_schema_2_paths_resolve(text, role, side, field, issue, value, offset):
    from summitsim import arrays

    path = resolve(SCHEMA2, text)
    assert (path.role, path.side, path.field, path.issue) == (role, side, field, issue)
    assert get_value(SCHEMA2, path) == value
    assert (
        arrays.path_offset(path, SCHEMA2.issue_ids, SCHEMA2.contact_ids, list(SCHEMA2.approvers))
        == offset
    )


def test_an_unset_meeting_threshold_is_nan_and_not_listed():
    assert math.isnan(get_value(SCHEMA2, resolve(SCHEMA2, "putin.meets_without_deal")))
    listed = scalar_paths(SCHEMA2)
    assert "putin.meets_without_deal" not in listed and "trump.meets_without_deal" in listed
    assert {"lavrov.reciprocity", "putin.mandate", "prep_meeting.held"} <= set(listed)
    assert {"kyiv.reservation", "duma.ideal.territory"} <= set(listed)
    assert "trump.reviews_from" not in listed  # a date, not a number to vary


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("prep_meeting.label", "unknown field 'label' of contact prep_meeting"),
        ("kyiv.softness", "allowed: kyiv.ideal, kyiv.salience, kyiv.reservation"),
        ("lavrov.believes.weights", "allowed: lavrov.believes.salience[.ISSUE]"),
        ("lavrov.believes", "lavrov.believes holds only salience"),
        ("rubio.believes.salience.peace", "allowed: rubio.believes.salience.ISSUE with ISSUE"),
        ("putin.believes.salience", "use lavrov.believes.salience"),
        ("nobody.held", "with ACTOR one of trump, rubio, putin, lavrov, kyiv, duma, first_call"),
    ],
)
def test_schema_2_paths_refused(text, says):
    with pytest.raises(ScenarioError) as caught:
        resolve(SCHEMA2, text)
    assert says in caught.value.message


def test_a_mandate_path_needs_a_negotiator():
    solo = SOLO  # putin negotiates for himself
    with pytest.raises(ScenarioError, match="putin's side has no negotiator, so no mandate"):
        resolve(solo, "putin.mandate")


def test_with_values_sets_schema_2_paths():
    changed = with_values(
        SCHEMA2,
        {
            "lavrov.reciprocity": 0.4,
            "putin.mandate": 0.2,
            "prep_meeting.held": 0.9,
            "kyiv.reservation": 0.6,
            "duma.ideal.territory": 0.7,
            "lavrov.believes.salience.territory": 2.0,  # unwritten: starts from trump's
        },
    )
    assert changed.sides[1].negotiator.reciprocity == 0.4
    assert changed.sides[1].principal.mandate == 0.2
    assert changed.contacts[1].held == 0.9
    assert changed.sides[0].approvers[0].reservation == 0.6
    assert changed.sides[1].approvers[0].ideal["territory"] == 0.7
    assert changed.sides[1].negotiator.believes.salience == {"territory": 2.0, "sanctions": 1.0}
    assert changed.observed == SCHEMA2.observed  # the window survives the round trip
    with pytest.raises(ScenarioError, match="reviews_from is a date, not a number to set"):
        with_values(SCHEMA2, {"trump.reviews_from": 3.0})
    with pytest.raises(ScenarioError, match=r"allowed: a number in \(0, 1\]"):
        with_values(SCHEMA2, {"prep_meeting.held": 0.0})
