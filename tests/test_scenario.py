"""Loading valid scenarios: defaults, the look-ups the drivers use, and the file hash."""

import hashlib
import pickle
from datetime import date
from pathlib import Path

import pytest
import yaml

from summitsim.scenario import (
    Negotiator,
    Principal,
    ScenarioError,
    load_scenario,
    parse_scenario,
    safe_yaml,
)

HERE = Path(__file__).parent
BASE_FILE = HERE / "scenarios" / "base.yaml"
BASE = BASE_FILE.read_text(encoding="utf-8")
BUDAPEST = HERE.parent / "scenarios" / "v1" / "budapest_2025.yaml"

# Russia negotiated by its principal, who then carries the negotiator fields.
LAVROV = "    negotiator:\n      id: lavrov\n      concession: 0.5\n      hawkishness: 0.2\n"
WITHOUT_NEGOTIATOR = (
    BASE.replace(LAVROV, "")
    .replace(
        "sideline_below: 0.5\n",
        "sideline_below: 0.5\n      concession: 0.5\n      hawkishness: 0.2\n",
    )
    .replace("who: lavrov, ", "")
    .replace("lavrov.concession", "putin.concession")
)


@pytest.fixture(scope="module")
def base():
    return load_scenario(BASE_FILE)


def test_base_loads_with_defaults_filled(base):
    assert base.schema_version == 1
    assert base.name == "test-summit"
    assert base.title == "test-summit"  # defaults to the name
    assert base.sources == []
    assert (base.start, base.summit) == (date(2025, 10, 16), date(2025, 10, 30))
    assert base.noise == 0.02
    assert base.expect is None
    assert [issue.label for issue in base.issues] == ["Territory", "ceasefire"]
    assert (base.issues[1].low, base.issues[1].high) == ("", "")
    trump = base.sides[0].principal
    assert trump.name == "trump"  # defaults to the id
    assert (trump.trust, trump.trust_loss, trump.sideline_below) == (1.0, 0.0, 0.0)
    assert (trump.concession, trump.hawkishness) == (None, None)
    putin = base.sides[1].principal
    assert (putin.softness, putin.patience, putin.reviews_from) == (0.0, 0.0, None)
    rubio = base.sides[0].negotiator
    assert (rubio.name, rubio.concession, rubio.hawkishness) == ("Marco Rubio", 1.0, 0.0)
    assert base.contacts[1].label == ""
    assert base.consequences[0].by == "us" and base.consequences[0].after_days == 1
    assert base.consequences[1].on == date(2025, 11, 5)  # a plain `on:` key, not a boolean
    assert base.uncertainty["trump.patience"].uniform == [0.3, 0.55]
    assert base.uncertainty["putin.ideal"].forms == ["concentration"]


def test_numbers_are_floats_even_when_written_as_ints():
    scenario = parse_scenario(BASE.replace("reservation: 0.4\n", "reservation: 0\n"))
    assert scenario.sides[1].principal.reservation == 0.0
    assert isinstance(scenario.sides[1].principal.reservation, float)
    assert isinstance(scenario.sides[1].principal.ideal["territory"], float)


def test_look_ups(base):
    assert base.issue_ids == ["territory", "ceasefire"]
    assert base.side_ids == ["us", "russia"]
    assert base.side_index("russia") == 1
    assert base.first_mover_index == 0
    assert isinstance(base.actor("putin"), Principal)
    assert isinstance(base.actor("lavrov"), Negotiator)
    assert [base.actor_side(a) for a in ("trump", "rubio", "putin", "lavrov")] == [0, 0, 1, 1]
    assert list(base.actors) == ["trump", "rubio", "putin", "lavrov"]
    assert base.negotiator_of(1).id == "lavrov"
    assert (base.concession(0), base.concession(1)) == (1.0, 0.5)
    assert (base.hawkishness(0), base.hawkishness(1)) == (0.0, 0.2)
    assert base.reviews_from(0) == date(2025, 10, 20)
    assert base.reviews_from(1) == base.start  # default
    assert base.sides[0].principal.weights(base.issue_ids) == pytest.approx([0.4, 0.6])
    assert base.sides[0].principal.weights(["ceasefire", "territory"]) == pytest.approx([0.6, 0.4])


def test_unknown_ids_in_look_ups_raise_scenario_error(base):
    with pytest.raises(ScenarioError, match="unknown side 'nato'; allowed: one of us, russia"):
        base.side_index("nato")
    with pytest.raises(ScenarioError, match="allowed: one of trump, rubio, putin, lavrov"):
        base.actor("biden")


def test_side_without_negotiator():
    scenario = parse_scenario(WITHOUT_NEGOTIATOR)
    assert scenario.negotiator_of(1) is None
    assert (scenario.concession(1), scenario.hawkishness(1)) == (0.5, 0.2)
    defaults = parse_scenario(
        WITHOUT_NEGOTIATOR.replace("      concession: 0.5\n", "").replace(
            "      hawkishness: 0.2\n", ""
        )
    )
    assert (defaults.concession(1), defaults.hawkishness(1)) == (1.0, 0.0)
    assert list(defaults.actors) == ["trump", "rubio", "putin"]


def test_sha256_is_of_the_file_bytes_and_stable(base, tmp_path):
    assert base.sha256 == hashlib.sha256(BASE_FILE.read_bytes()).hexdigest()
    assert load_scenario(BASE_FILE).sha256 == base.sha256
    assert parse_scenario(BASE).sha256 == base.sha256  # the text's UTF-8 bytes
    changed = tmp_path / "changed.yaml"
    changed.write_text(BASE + "# a comment changes the file\n", encoding="utf-8")
    assert load_scenario(changed).sha256 != base.sha256


def test_source_names_the_file(base):
    assert base.source == str(BASE_FILE)
    assert parse_scenario(BASE).source == "<string>"
    assert parse_scenario(BASE, "lesson.yaml").source == "lesson.yaml"


def test_scenarios_are_immutable(base):
    with pytest.raises(Exception, match="frozen"):
        base.noise = 0.5


def test_iso_date_strings_are_dates():
    scenario = parse_scenario(BASE.replace("start: 2025-10-16", 'start: "2025-10-16"'))
    assert scenario.start == date(2025, 10, 16)


def test_expect_trials_and_seed_may_sit_in_p_summit():
    text = (
        BASE + "expect:\n  outcome: cancelled\n  by: us\n  trials: 50\n"
        "  p_summit: {max: 0.1, trials: 500, seed: 7}\n"
    )
    expect = parse_scenario(text).expect
    assert (expect.outcome, expect.by, expect.trials, expect.seed) == ("cancelled", "us", 500, 7)
    assert (expect.p_summit.min, expect.p_summit.max) == (0.0, 0.1)
    plain = parse_scenario(BASE + "expect: {outcome: deadline}\n").expect
    assert (plain.trials, plain.seed, plain.p_summit) == (20000, 0, None)


def test_merge_keys_are_plain_yaml():
    text = BASE.replace(
        "    negotiator: {id: rubio, name: Marco Rubio}",
        "    negotiator: {<<: &envoy {concession: 0.8}, id: rubio}",
    )
    assert parse_scenario(text).concession(0) == 0.8


def test_pure_python_loader_reads_the_same(base, monkeypatch):
    monkeypatch.setattr(safe_yaml, "_SafeLoader", yaml.SafeLoader)
    assert load_scenario(BASE_FILE) == base


def test_budapest_scenario_loads():
    scenario = load_scenario(BUDAPEST)
    assert scenario.side_ids == ["us", "russia"]
    assert scenario.expect.outcome == "cancelled"
    sidelined = next(c for c in scenario.consequences if c.when == "sidelined")
    assert sidelined.on == date(2025, 11, 5)


def test_scenario_error_text_and_pickling():
    error = ScenarioError(
        "1.5 is out of range; allowed: a number in [0, 1]",
        file="x.yaml",
        line=12,
        loc=("sides", 1, "principal", "softness"),
    )
    assert str(error) == (
        "x.yaml:12: sides[1].principal.softness: 1.5 is out of range; allowed: a number in [0, 1]"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.loc) == (str(error), error.loc)
    assert str(ScenarioError("bad; allowed: good", field="--over")) == "--over: bad; allowed: good"
    assert str(ScenarioError("bad; allowed: good", line=3)) == "line 3: bad; allowed: good"
