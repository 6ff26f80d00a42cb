"""Every class of bad scenario input gets one clear ScenarioError: the file, the line, the
field path and what is allowed. Bad variants are made from tests/scenarios/base.yaml by
replacing one unique piece of text."""

import time
from pathlib import Path

import pytest
import yaml

from summitsim.scenario import MAX_NODES, ScenarioError, load_scenario, parse_scenario, safe_yaml

BASE = (Path(__file__).parent / "scenarios" / "base.yaml").read_text(encoding="utf-8")
EXPECT = "lavrov.concession: {lognormal_sd: 0.3}"


def variant(old: str, new: str) -> str:
    """The base text with ``old`` (which occurs exactly once) replaced by ``new``."""
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``fragment``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def error_for(text: str, folder: Path, name: str = "bad.yaml") -> tuple[ScenarioError, Path]:
    file = folder / name
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    return caught.value, file


# (old, new, line fragment in the new text, field path, text the message must contain)
CASES = {
    "unknown field": (
        "      softness: 0.3",
        "      softnes: 0.3",
        "softnes:",
        "sides[0].principal.softnes",
        "allowed fields: id, name, ideal, salience",
    ),
    "unknown top-level field": (
        "noise: 0.02",
        "noise: 0.02\ncolour: red",
        "colour:",
        "colour",
        "allowed fields: schema, name, title",
    ),
    "missing field": (
        "      reservation: 0.4\n",
        "",
        "principal:  # the Russian",
        "sides[1].principal.reservation",
        "required field is missing; allowed: a number in [0, 1)",
    ),
    "out of range": (
        "sideline_below: 0.5",
        "sideline_below: 1.5",
        "sideline_below",
        "sides[1].principal.sideline_below",
        "1.5 is out of range; allowed: a number in [0, 1]",
    ),
    "open end of a range": (
        "reservation: 0.4\n",
        "reservation: 1.0\n",
        "reservation: 1.0",
        "sides[1].principal.reservation",
        "allowed: a number in [0, 1)",
    ),
    "negative concession": (
        "concession: 0.5",
        "concession: -1",
        "concession: -1",
        "sides[1].negotiator.concession",
        "allowed: a number > 0",
    ),
    "string for a number": (
        "reservation: 0.45",
        'reservation: "0.45"',
        "reservation",
        "sides[0].principal.reservation",
        "got the string '0.45'; allowed: a number in [0, 1)",
    ),
    "boolean for a number": (
        "noise: 0.02",
        "noise: true",
        "noise",
        "noise",
        "got the boolean true; allowed: a number >= 0",
    ),
    "string for a mapping": (
        "negotiator: {id: rubio, name: Marco Rubio}",
        "negotiator: rubio",
        "negotiator: rubio",
        "sides[0].negotiator",
        "allowed: a mapping with fields id, name, concession, hawkishness",
    ),
    "not an outcome": (
        "when: cancelled",
        "when: canceled",
        "canceled",
        "consequences[0].when",
        "allowed: one of summit, no_deal, held, cancelled, vetoed, deadline, collapse, failure",
    ),
    "not a slug": ("name: test-summit", "name: Test Summit", "name:", "name", "allowed: a slug"),
    "not a date": (
        "start: 2025-10-16",
        'start: "next week"',
        "start:",
        "start",
        "allowed: a date like 2025-10-16",
    ),
    "not a calendar date": (
        "start: 2025-10-16",
        "start: 2025-02-30",
        "start:",
        "start",
        "2025-02-30 is not a valid date",
    ),
    "a time of day": (
        "start: 2025-10-16",
        "start: 2025-10-16T10:00:00",
        "start:",
        "start",
        "allowed: a date like 2025-10-16",
    ),
    "schema version": ("schema: 1", "schema: 3", "schema:", "schema", "allowed: 1 or 2"),
    "empty list": (
        "contacts:\n  - {date: 2025-10-17, label: first call}\n  - date: 2025-10-20",
        "contacts: []",
        "contacts:",
        "contacts",
        "0 given; allowed: a list of at least",
    ),
    "unknown issue": (
        "ideal: {territory: 1.0, ceasefire: 1.0}",
        "ideal: {territory: 1.0, ceasefir: 1.0}",
        "ceasefir:",
        "sides[1].principal.ideal.ceasefir",
        "unknown issue 'ceasefir'; allowed: a value for each issue id",
    ),
    "issue missing": (
        "salience: {territory: 0.4, ceasefire: 0.6}",
        "salience: {territory: 0.4}",
        "salience: {territory: 0.4}",
        "sides[0].principal.salience",
        "no value for issue ceasefire; allowed",
    ),
    "zero weights": (
        "salience: {territory: 0.5, ceasefire: 0.5}",
        "salience: {territory: 0, ceasefire: 0}",
        "salience: {territory: 0,",
        "sides[1].principal.salience",
        "at least one above 0",
    ),
    "salience weight too large": (
        "salience: {territory: 0.4, ceasefire: 0.6}",
        "salience: {territory: 1.0e+308, ceasefire: 0.6}",
        "territory: 1.0e+308",
        "sides[0].principal.salience.territory",
        "1e+308 is out of range; allowed: a number in [0, 1e+06]",
    ),
    "concentration too small": (
        "putin.ideal: {concentration: 30}",
        "putin.ideal: {concentration: 0.0001}",
        "putin.ideal:",
        "uncertainty.putin.ideal.concentration",
        "0.0001 is out of range; allowed: a number in [0.001, 1e+06]",
    ),
    "concentration too large": (
        "putin.ideal: {concentration: 30}",
        "putin.ideal: {concentration: 1.0e+7}",
        "putin.ideal:",
        "uncertainty.putin.ideal.concentration",
        "10000000.0 is out of range; allowed: a number in [0.001, 1e+06]",
    ),
    "after_days beyond 100 years": (
        "after_days: 1,",
        "after_days: 100000000,",
        "after_days: 100000000",
        "consequences[0].after_days",
        "100000000 is out of range; allowed: a whole number from 0 to 36,500 (100 years)",
    ),
    "on more than 100 years after the summit": (
        "on: 2025-11-05",
        "on: 9999-12-31",
        "on: 9999-12-31",
        "consequences[1].on",
        "9999-12-31 is more than 36,500 days after the summit; allowed: a date from "
        "2025-10-16 to 2125-10-06",
    ),
    "talks longer than 100 years": (
        "summit: 2025-10-30",
        "summit: 9999-10-30",
        "summit:",
        "summit",
        "9999-10-30 is more than 36,500 days after start 2025-10-16; allowed: a date from "
        "2025-10-17 to 2125-09-22",
    ),
    "expect.trials too many": (
        "noise: 0.02",
        "noise: 0.02\nexpect:\n  trials: 1000000000000000",
        "trials:",
        "expect.trials",
        "1000000000000000 is out of range; allowed: a whole number from 1 to 100,000,000",
    ),
    "unknown actor in a path": (
        "putin.ideal:",
        "putn.ideal:",
        "putn.ideal",
        "uncertainty.putn.ideal",
        "unknown actor 'putn'; allowed: noise, ACTOR.FIELD",
    ),
    "unknown side": (
        "first_mover: us",
        "first_mover: usa",
        "first_mover",
        "first_mover",
        "unknown side 'usa'; allowed: one of us, russia",
    ),
    "unknown negotiator": (
        "who: lavrov",
        "who: lavrof",
        "who: lavrof",
        "consequences[1].who",
        "allowed: one of rubio, lavrov",
    ),
    "who without sidelined": (
        "by: us, after_days",
        "who: rubio, after_days",
        "who: rubio",
        "consequences[0].who",
        "'who' only with sidelined",
    ),
    "duplicate issue id": (
        "  - id: ceasefire",
        "  - id: territory  # again",
        "# again",
        "issues[1].id",
        "duplicate issue id 'territory'",
    ),
    "duplicate side id": (
        "  - id: russia",
        "  - id: us  # again",
        "# again",
        "sides[1].id",
        "duplicate side id 'us'; allowed: an id no other side has",
    ),
    "duplicate actor id": (
        "      id: lavrov",
        "      id: rubio",
        "      id: rubio",
        "sides[1].negotiator.id",
        "allowed: an id no other principal or negotiator has",
    ),
    "duplicate key": (
        "      softness: 0.3",
        "      softness: 0.3\n      softness: 0.1",
        "softness: 0.1",
        "sides[0].principal.softness",
        "each key once",
    ),
    "contacts out of order": (
        "  - date: 2025-10-20",
        "  - date: 2025-10-17",
        "  - date: 2025-10-17",
        "contacts[1].date",
        "strictly increasing date order",
    ),
    "contact after the summit": (
        "  - date: 2025-10-20",
        "  - date: 2025-10-31",
        "2025-10-31",
        "contacts[1].date",
        "before the summit (2025-10-30)",
    ),
    "summit before start": (
        "summit: 2025-10-30",
        "summit: 2025-10-10",
        "summit:",
        "summit",
        "is not after start 2025-10-16; allowed: a date after start",
    ),
    "review after the summit": (
        "reviews_from: 2025-10-20",
        "reviews_from: 2025-11-20",
        "reviews_from",
        "sides[0].principal.reviews_from",
        "on or before the summit",
    ),
    "consequence dated twice": (
        "after_days: 1,",
        "after_days: 1, on: 2025-10-25,",
        "after_days",
        "consequences[0]",
        "exactly one of 'on'",
    ),
    "principal concession beside a negotiator": (
        "      patience: 0.45",
        "      patience: 0.45\n      concession: 2.0",
        "concession: 2.0",
        "sides[0].principal.concession",
        "concession on the negotiator rubio",
    ),
    "form for the wrong path": (
        "putin.ideal: {concentration: 30}",
        "putin.ideal: {normal_sd: 0.1}",
        "putin.ideal",
        "uncertainty.putin.ideal.normal_sd",
        "allowed: concentration",
    ),
    "two forms": (
        "putin.ideal: {concentration: 30}",
        "putin.ideal: {concentration: 30, uniform: [0, 1]}",
        "putin.ideal",
        "uncertainty.putin.ideal",
        "exactly one of uniform, normal_sd, lognormal_sd, concentration",
    ),
    "uniform out of range": (
        "[0.3, 0.55]",
        "[0.3, 1.5]",
        "trump.patience",
        "uncertainty.trump.patience.uniform[1]",
        "1.5 is out of range for trump.patience; allowed: a number in [0, 1]",
    ),
    "uniform reversed": (
        "[0.3, 0.55]",
        "[0.55, 0.3]",
        "trump.patience",
        "uncertainty.trump.patience.uniform",
        "low <= high",
    ),
    "expect by without cancelled": (
        EXPECT,
        EXPECT + "\nexpect: {outcome: deadline, by: us}",
        "expect:",
        "expect.by",
        "'by' only with cancelled or vetoed",
    ),
    "p_summit bounds reversed": (
        EXPECT,
        EXPECT + "\nexpect:\n  p_summit: {min: 0.5, max: 0.2}",
        "p_summit",
        "expect.p_summit",
        "allowed: min <= max",
    ),
}


@pytest.mark.parametrize(("old", "new", "at", "field", "allowed"), CASES.values(), ids=CASES)
def test_bad_value_names_file_line_field_and_what_is_allowed(
    tmp_path, old, new, at, field, allowed
):
    text = variant(old, new)
    error, file = error_for(text, tmp_path)
    assert str(error).startswith(f"{file}:{line_of(text, at)}: {field}: "), str(error)
    assert allowed in str(error)
    assert "allowed" in error.message
    assert (error.file, error.line, error.field) == (str(file), line_of(text, at), field)


def test_several_problems_report_the_first_and_count_the_rest(tmp_path):
    text = variant("  - id: ceasefire", "  - id: 5")  # the label defaults to the id: bad too
    error, file = error_for(text, tmp_path)
    assert str(error).startswith(f"{file}:{line_of(text, '- id: 5')}: issues[1].id: ")
    assert "got the number 5; allowed: an id" in str(error)
    assert str(error).endswith("(and 1 more)")


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    text = variant("  - id: ceasefire", "  - id: ceasefire: x")
    error, file = error_for(text, tmp_path)
    assert str(error).startswith(
        f"{file}:{line_of(text, 'ceasefire: x')}: YAML syntax error "
        "at column 18: mapping values are not allowed"
    )


def test_a_second_document_is_refused(tmp_path):
    error, file = error_for(BASE + "---\nname: other\n", tmp_path)
    assert f"{file}:{line_of(BASE, 'lavrov.concession') + 1}: YAML syntax error" in str(error)
    assert "single document" in str(error)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path, text):
    error, file = error_for(text, tmp_path)
    assert str(error).startswith(
        f"{file}: the file is empty; allowed: a YAML mapping with fields schema, name"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [("- 1\n- 2\n", "a list"), ("hello\n", "the string 'hello'"), ("42\n", "the number 42")],
)
def test_top_level_not_a_mapping(tmp_path, text, found):
    error, file = error_for(text, tmp_path)
    assert str(error) == (
        f"{file}:1: the top level is {found}; allowed: a mapping with fields "
        "schema, name, title, sources, start, summit, first_mover, noise, clock, noise_model, "
        "issues, sides, contacts, consequences, uncertainty, expect, observed"
    )


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file; allowed: the path of a YAML") as caught:
        load_scenario(tmp_path / "absent.yaml")
    assert caught.value.file == str(tmp_path / "absent.yaml")


def test_directory(tmp_path):
    with pytest.raises(ScenarioError, match="is a directory; allowed: a YAML scenario file"):
        load_scenario(tmp_path)


def test_not_utf8(tmp_path):
    file = tmp_path / "latin1.yaml"
    file.write_bytes(BASE.replace("Vladimir", "Vl\xe4dimir").encode("latin-1"))
    with pytest.raises(ScenarioError, match="is not UTF-8 text; allowed: a UTF-8 YAML file"):
        load_scenario(file)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/object/apply:subprocess.check_call",
        "!!python/name:os.system",
        "!!python/module:os",
        "!custom",
    ],
)
def test_python_tags_are_refused_and_never_run(tmp_path, tag):
    marker = tmp_path / "ran"
    text = variant("name: test-summit", f'name: {tag} ["touch {marker}"]')
    error, file = error_for(text, tmp_path)
    assert str(error).startswith(
        f"{file}:{line_of(text, 'name:')}: YAML tag {tag} is not allowed; allowed: plain YAML"
    )
    assert not marker.exists()


def test_tag_on_a_mapping_key_is_refused(tmp_path):
    marker = tmp_path / "ran"
    text = f'? !!python/object/apply:os.system ["touch {marker}"]\n: 1\n' + BASE
    error, _ = error_for(text, tmp_path)
    assert "YAML tag !!python/object/apply:os.system is not allowed" in str(error)
    assert not marker.exists()


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['lol0: &lol0 ["' + '", "'.join(["lol"] * width) + '"]']
    lines += [
        f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * width) + "]"
        for n in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("loader", ["C", "pure Python"])
def test_alias_bomb_is_refused_quickly(tmp_path, monkeypatch, loader):
    if loader == "pure Python":
        monkeypatch.setattr(safe_yaml, "_SafeLoader", yaml.SafeLoader)
    began = time.perf_counter()
    error, file = error_for(billion_laughs(), tmp_path)
    assert time.perf_counter() - began < 2.0
    assert str(error).startswith(f"{file}:")
    assert f"expand to more than {MAX_NODES:,} YAML nodes" in str(error)


def test_aliases_of_ordinary_size_are_fine():
    text = variant(
        "    negotiator: {id: rubio, name: Marco Rubio}",
        "    negotiator: &faithful {id: rubio, name: Marco Rubio}",
    )
    text = text.replace("      hawkishness: 0.2\n", "      hawkishness: 0.2\n      name: *name\n")
    text = text.replace("name: Vladimir Putin", "name: &name Vladimir Putin")
    assert parse_scenario(text).sides[1].negotiator.name == "Vladimir Putin"


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_recursive_alias_is_refused(text):
    with pytest.raises(ScenarioError, match="an alias refers to a node that contains it"):
        parse_scenario(text, "loop.yaml")


def test_path_errors_from_with_values_name_the_source():
    from summitsim.scenario.overrides import with_values

    scenario = parse_scenario(BASE, "base.yaml")
    with pytest.raises(ScenarioError) as caught:
        with_values(scenario, {"putin.salience.territory": 0.0, "putin.salience.ceasefire": 0.0})
    assert str(caught.value) == (
        "base.yaml: sides[1].principal.salience: every weight is 0; "
        "allowed: numbers >= 0, at least one above 0"
    )


def test_no_other_exception_escapes_for_odd_yaml():
    odd = [
        "x: !!binary aGVsbG8=\n",
        "x: !!set {a, b}\n",
        "{[1, 2]: 3}\n",
        "x: *undefined\n",
        "[1, 2\n",
        "\t- tab\n",
        "schema: 1\nnoise: .nan\n",
        "schema: 1\nnoise: .inf\n",
        "schema: 100000000000000000000000000000000000000000000000\n",
        "? [a]\n: 1\n",
    ]
    for text in odd:
        with pytest.raises(ScenarioError):
            parse_scenario(text)


def test_a_consequence_date_past_the_calendar_is_refused(tmp_path):
    # the summit + after_days would be after 9999-12-31: run died with OverflowError
    text = variant("after_days: 1,", "after_days: 100,").replace("2025-", "9999-")
    error, file = error_for(text, tmp_path)
    assert str(error) == (
        f"{file}:{line_of(text, 'after_days: 100')}: consequences[0].after_days: 100 days "
        "after the summit (9999-10-30) is past 9999-12-31; allowed: at most 62 days here"
    )


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_file_that_is_not_regular_is_refused_without_reading(tmp_path, special):
    import os

    if special == "fifo":
        path = tmp_path / "scenario.yaml"
        os.mkfifo(path)  # no writer: opening it for reading would wait forever
    else:
        path = Path(special)
    began = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.perf_counter() - began < 2.0
    kind = "a FIFO" if special == "fifo" else "a character device"
    assert str(caught.value) == (
        f"{path}: is {kind}, not a regular file; allowed: a YAML scenario file"
    )


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_yaml, "MAX_FILE_BYTES", 1000)
    text = BASE + "#" * 1000 + "\n"
    error, file = error_for(text, tmp_path)
    assert str(error) == (
        f"{file}: is {len(text.encode())} bytes; allowed: a scenario file of at most 1,000 bytes"
    )


def test_many_nodes_without_aliases_say_so(tmp_path):
    text = BASE + "sources:\n" + "".join(f"  - s{i}\n" for i in range(MAX_NODES))
    error, file = error_for(text, tmp_path)
    assert str(error) == (
        f"{file}: the file has more than {MAX_NODES:,} YAML nodes; allowed: a scenario of "
        f"at most {MAX_NODES:,} nodes (each key, value, list and mapping is one)"
    )
    assert "aliases" not in error.message


# -- schema 2 (design-schema2.md): one bad value per new field, on schema2_all.yaml --------

SCHEMA2 = (Path(__file__).parent / "scenarios" / "schema2_all.yaml").read_text(encoding="utf-8")


def variant2(old: str, new: str) -> str:
    """The schema 2 text with ``old`` (which occurs exactly once) replaced by ``new``."""
    assert SCHEMA2.count(old) == 1, old
    return SCHEMA2.replace(old, new)


# (old, new, line fragment in the new text, field path, text the message must contain)
CASES2 = {
    "clock": (
        "clock: contacts",
        "clock: weekly",
        "clock:",
        "clock",
        "got the string 'weekly'; allowed: one of contacts, calendar",
    ),
    "noise_model": (
        "noise_model: judgement",
        "noise_model: independent",
        "noise_model:",
        "noise_model",
        "allowed: one of judgement, perception",
    ),
    "tactic": (
        "tactic: segment",
        "tactic: greedy",
        "tactic:",
        "sides[0].negotiator.tactic",
        "allowed: one of segment, tradeoff",
    ),
    "tactic on a principal beside a negotiator": (
        "      blame: always",
        "      blame: always\n      tactic: tradeoff",
        "tactic: tradeoff",
        "sides[0].principal.tactic",
        "tactic on principal trump, whose side has a negotiator; allowed: tactic on the "
        "negotiator rubio",
    ),
    "blame": (
        "blame: always",
        "blame: sometimes",
        "blame:",
        "sides[0].principal.blame",
        "allowed: one of always, pivotal",
    ),
    "reciprocity": (
        "reciprocity: 0.25",
        "reciprocity: 1.5",
        "reciprocity:",
        "sides[0].negotiator.reciprocity",
        "1.5 is out of range; allowed: a number in [0, 1]",
    ),
    "mandate": (
        "mandate: 0.3",
        "mandate: 1.0",
        "mandate:",
        "sides[0].principal.mandate",
        "1.0 is out of range; allowed: a number in [0, 1)",
    ),
    "meets_without_deal": (
        "meets_without_deal: 0.5",
        "meets_without_deal: 1.2",
        "meets_without_deal:",
        "sides[0].principal.meets_without_deal",
        "1.2 is out of range; allowed: a number in [0, 1]",
    ),
    "believes without salience": (
        "believes: {salience: {territory: 1, sanctions: 3}}",
        "believes: {weights: {territory: 1, sanctions: 3}}",
        "believes:",
        "sides[0].negotiator.believes.salience",
        "required field is missing; allowed: a mapping from each issue id to a number in "
        "[0, 1e6], not all 0 (and 1 more)",
    ),
    "believes an unknown issue": (
        "believes: {salience: {territory: 1, sanctions: 3}}",
        "believes: {salience: {territory: 1, sanction: 3}}",
        "believes:",
        "sides[0].negotiator.believes.salience.sanction",
        "unknown issue 'sanction'; allowed: a value for each issue id, exactly: territory, "
        "sanctions",
    ),
    "believes no weight": (
        "believes: {salience: {territory: 1, sanctions: 3}}",
        "believes: {salience: {territory: 0, sanctions: 0}}",
        "believes:",
        "sides[0].negotiator.believes.salience",
        "every weight is 0; allowed: numbers >= 0, at least one above 0",
    ),
    "believes a negative weight": (
        "believes: {salience: {territory: 1, sanctions: 3}}",
        "believes: {salience: {territory: -1, sanctions: 3}}",
        "believes:",
        "sides[0].negotiator.believes.salience.territory",
        "-1 is out of range; allowed: a number in [0, 1e+06]",
    ),
    "approvers not a list": (
        "    approvers:\n      - id: kyiv\n        name: Kyiv",
        "    approvers: kyiv\n    extra:\n      - id: kyiv\n        name: Kyiv",
        "approvers: kyiv",
        "sides[0].approvers",
        "allowed: a list of approvers, each a mapping with fields id, name, ideal",
    ),
    "approver without reservation": (
        "        reservation: 0.5\n",
        "",
        "- id: kyiv",
        "sides[0].approvers[0].reservation",
        "required field is missing; allowed: a number in [0, 1)",
    ),
    "approver reservation out of range": (
        "        reservation: 0.2",
        "        reservation: 1.0",
        "reservation: 1.0",
        "sides[1].approvers[0].reservation",
        "allowed: a number in [0, 1)",
    ),
    "approver missing an issue": (
        "ideal: {territory: 1.0, sanctions: 0.5}",
        "ideal: {territory: 1.0}",
        "ideal: {territory: 1.0}",
        "sides[1].approvers[0].ideal",
        "no value for issue sanctions; allowed: a value for each issue id",
    ),
    "approver id taken by an actor": (
        "      - id: duma",
        "      - id: lavrov",
        "- id: lavrov",
        "sides[1].approvers[0].id",
        "duplicate id 'lavrov'; allowed: an id no principal, negotiator, approver or contact",
    ),
    "approver unknown field": (
        "        name: Kyiv",
        "        name: Kyiv\n        softness: 0.2",
        "softness: 0.2",
        "sides[0].approvers[0].softness",
        "unknown field 'softness'; allowed fields: id, name, ideal, salience, reservation",
    ),
    "contact id not a slug": (
        "{id: prep_meeting, date: 2025-10-20, held: 0.5}",
        "{id: Prep Meeting, date: 2025-10-20, held: 0.5}",
        "Prep Meeting",
        "contacts[1].id",
        "allowed: a slug",
    ),
    "contact id taken": (
        "{id: first_call, date: 2025-10-17}",
        "{id: putin, date: 2025-10-17}",
        "id: putin, date",
        "contacts[0].id",
        "duplicate id 'putin'",
    ),
    "contact id twice": (
        "{id: first_call, date: 2025-10-17}",
        "{id: prep_meeting, date: 2025-10-17}",
        "{id: prep_meeting, date: 2025-10-20",
        "contacts[1].id",
        "duplicate id 'prep_meeting'",
    ),
    "held 0": (
        "date: 2025-10-20, held: 0.5",
        "date: 2025-10-20, held: 0",
        "held: 0}",
        "contacts[1].held",
        "0 is out of range; allowed: a number in (0, 1]",
    ),
    "held above 1": (
        "date: 2025-10-20, held: 0.5",
        "date: 2025-10-20, held: 1.5",
        "held: 1.5",
        "contacts[1].held",
        "allowed: a number in (0, 1]",
    ),
    "reviews_from dates reversed": (
        "{dates: [2025-10-17, 2025-10-22]}",
        "{dates: [2025-10-22, 2025-10-17]}",
        "trump.reviews_from",
        "uncertainty.trump.reviews_from.dates",
        "2025-10-22 is after 2025-10-17; allowed: D1 <= D2",
    ),
    "reviews_from dates after the summit": (
        "{dates: [2025-10-17, 2025-10-22]}",
        "{dates: [2025-10-17, 2025-11-22]}",
        "trump.reviews_from",
        "uncertainty.trump.reviews_from.dates[1]",
        "2025-11-22 is outside the talks; allowed: a date from start (2025-10-16) to the "
        "summit (2025-10-26)",
    ),
    "reviews_from dates one date": (
        "{dates: [2025-10-17, 2025-10-22]}",
        "{dates: [2025-10-17]}",
        "trump.reviews_from",
        "uncertainty.trump.reviews_from.dates",
        "1 given; allowed: [D1, D2]: two dates from start to the summit",
    ),
    "reviews_from without dates": (
        "{dates: [2025-10-17, 2025-10-22]}",
        "{uniform: [1, 6]}",
        "trump.reviews_from",
        "uncertainty.trump.reviews_from.uniform",
        "uniform for trump.reviews_from; allowed: dates (two dates [D1, D2]) for "
        "ACTOR.reviews_from, and only there",
    ),
    "dates on a number": (
        "lavrov.reciprocity: {uniform: [0.0, 0.5]}",
        "lavrov.reciprocity: {dates: [2025-10-17, 2025-10-22]}",
        "lavrov.reciprocity",
        "uncertainty.lavrov.reciprocity.dates",
        "dates for lavrov.reciprocity; allowed: dates (two dates [D1, D2]) for ACTOR.reviews_from",
    ),
    "believes uncertainty form": (
        "lavrov.believes.salience: {concentration: 20}",
        "lavrov.believes.salience: {normal_sd: 0.1}",
        "lavrov.believes.salience",
        "uncertainty.lavrov.believes.salience.normal_sd",
        "normal_sd for the vector path lavrov.believes.salience; allowed: concentration",
    ),
    "believes uncertainty on a principal beside a negotiator": (
        "lavrov.believes.salience: {concentration: 20}",
        "putin.believes.salience: {concentration: 20}",
        "putin.believes.salience",
        "uncertainty.putin.believes.salience",
        "believes.salience belongs to putin's negotiator: use lavrov.believes.salience",
    ),
    "held uncertainty out of range": (
        "prep_meeting.held: {uniform: [0.2, 0.8]}",
        "prep_meeting.held: {uniform: [0.0, 0.8]}",
        "prep_meeting.held",
        "uncertainty.prep_meeting.held.uniform[0]",
        "0.0 is out of range for prep_meeting.held; allowed: a number in (0, 1]",
    ),
    "unknown field of a contact path": (
        "prep_meeting.held: {uniform: [0.2, 0.8]}",
        "prep_meeting.date: {uniform: [0.2, 0.8]}",
        "prep_meeting.date",
        "uncertainty.prep_meeting.date",
        "unknown field 'date' of contact prep_meeting; allowed: prep_meeting.held",
    ),
    "unknown field of an approver path": (
        "kyiv.reservation: {normal_sd: 0.05}",
        "kyiv.softness: {normal_sd: 0.05}",
        "kyiv.softness",
        "uncertainty.kyiv.softness",
        "unknown field 'softness' of kyiv; allowed: kyiv.ideal, kyiv.salience, kyiv.reservation",
    ),
    "normal_sd around an unset mandate": (
        "putin.meets_without_deal: {uniform: [0.3, 0.6]}",
        "putin.mandate: {normal_sd: 0.05}",
        "putin.mandate",
        "uncertainty.putin.mandate.normal_sd",
        "normal_sd around an unset mandate (it has no value to centre on); allowed: uniform, "
        "or write putin's mandate",
    ),
    "consequence when": (
        "{when: held, after_days: 2, text: photographs}",
        "{when: happened, after_days: 2, text: photographs}",
        "when: happened",
        "consequences[1].when",
        "allowed: one of summit, no_deal, held, cancelled",
    ),
    "consequence by with no_deal": (
        "{when: no_deal, after_days: 1, text: talks go on}",
        "{when: no_deal, by: us, after_days: 1, text: talks go on}",
        "when: no_deal, by",
        "consequences[0].by",
        "'by' given with no_deal; allowed: 'by' only with cancelled or vetoed",
    ),
    "observed outcome": (
        "  outcome: no_deal\n  date:",
        "  outcome: collapsed\n  date:",
        "outcome: collapsed",
        "observed.outcome",
        "allowed: one of summit, no_deal, cancelled, vetoed, deadline",
    ),
    "observed outcome missing": (
        "  outcome: no_deal\n  date:",
        "  date:",
        "observed:",
        "observed.outcome",
        "required field is missing; allowed: one of summit, no_deal",
    ),
    "observed by with no_deal": (
        "  outcome: no_deal\n  date:",
        "  outcome: no_deal\n  by: us\n  date:",
        "by: us",
        "observed.by",
        "'by' given with no_deal; allowed: 'by' only with cancelled or vetoed",
    ),
    "observed by an unknown side": (
        "  outcome: no_deal\n  date:",
        "  outcome: cancelled\n  by: usa\n  date:",
        "by: usa",
        "observed.by",
        "unknown side 'usa'; allowed: one of us, russia",
    ),
    "observed window reversed": (
        "date: [2025-10-26, 2025-10-27]",
        "date: [2025-10-27, 2025-10-26]",
        "date: [2025-10-27",
        "observed.date",
        "2025-10-27 is after 2025-10-26; allowed: one date, or a window [D1, D2] with D1 <= D2",
    ),
    "observed date not a date": (
        "date: [2025-10-26, 2025-10-27]",
        "date: late October",
        "date: late October",
        "observed.date",
        "allowed: a date like 2025-10-16, or an inclusive window [D1, D2]",
    ),
    "observed date before start": (
        "date: [2025-10-26, 2025-10-27]",
        "date: 2025-10-01",
        "date: 2025-10-01",
        "observed.date",
        "2025-10-01 is outside the scenario; allowed: a date from start (2025-10-16)",
    ),
    "observed sidelined unknown": (
        "sidelined: [lavrov]",
        "sidelined: [lavrof]",
        "sidelined",
        "observed.sidelined[0]",
        "unknown negotiator 'lavrof'; allowed: one of rubio, lavrov",
    ),
    "observed sidelined twice": (
        "sidelined: [lavrov]",
        "sidelined: [lavrov, lavrov]",
        "sidelined",
        "observed.sidelined[1]",
        "lavrov listed twice; allowed: each negotiator once",
    ),
    "observed unknown field": (
        "  sidelined: [lavrov]",
        "  sidelined: [lavrov]\n  winner: us",
        "winner: us",
        "observed.winner",
        "unknown field 'winner'; allowed fields: outcome, by, date, sidelined, sources",
    ),
}


@pytest.mark.parametrize(("old", "new", "at", "field", "allowed"), CASES2.values(), ids=CASES2)
def test_bad_schema_2_value_names_file_line_field_and_what_is_allowed(
    tmp_path, old, new, at, field, allowed
):
    text = variant2(old, new)
    error, file = error_for(text, tmp_path)
    assert str(error).startswith(f"{file}:{line_of(text, at)}: {field}: "), str(error)
    assert allowed in str(error)
    assert "allowed" in error.message
    assert (error.file, error.line, error.field) == (str(file), line_of(text, at), field)


# A schema 1 file may not choose a schema 2 rule (design-schema2.md section 9).
SCHEMA1_REFUSED = {
    "clock": ("noise: 0.02", "noise: 0.02\nclock: calendar", "clock:", "clock", "contacts"),
    "noise_model": (
        "noise: 0.02",
        "noise: 0.02\nnoise_model: perception",
        "noise_model:",
        "noise_model",
        "judgement",
    ),
    "tactic": (
        "      hawkishness: 0.2",
        "      hawkishness: 0.2\n      tactic: tradeoff",
        "tactic:",
        "sides[1].negotiator.tactic",
        "segment",
    ),
    "blame": (
        "      sideline_below: 0.5",
        "      sideline_below: 0.5\n      blame: pivotal",
        "blame:",
        "sides[1].principal.blame",
        "always",
    ),
}


@pytest.mark.parametrize(
    ("old", "new", "at", "field", "means"), SCHEMA1_REFUSED.values(), ids=SCHEMA1_REFUSED
)
def test_a_schema_1_file_may_not_choose_a_schema_2_rule(tmp_path, old, new, at, field, means):
    text = variant(old, new)
    error, file = error_for(text, tmp_path)
    name = field.rsplit(".", 1)[-1]
    assert str(error) == (
        f"{file}:{line_of(text, at)}: {field}: set `schema: 2` to use {name}; allowed: "
        f"`schema: 2`, or no {name} in a schema 1 file (schema 1 means {means})"
    )
    # the same file as schema 2 is valid
    load_scenario_text = text.replace("schema: 1", "schema: 2")
    parse_scenario(load_scenario_text)


def test_a_schema_1_file_may_use_the_other_schema_2_fields():
    # section 9: everything but clock, noise_model, tactic and blame
    text = variant("      reservation: 0.4\n", "      reservation: 0.4\n      mandate: 0.3\n")
    text = text.replace("  - date: 2025-10-20", "  - {id: second, held: 0.5, date: 2025-10-20}")
    text += "observed: {outcome: cancelled, by: us, date: 2025-10-20}\n"
    scenario = parse_scenario(text)
    assert scenario.sides[1].principal.mandate == 0.3 and scenario.contacts[1].held == 0.5


def test_a_mandate_needs_a_negotiator(tmp_path):
    logroll = (Path(__file__).parent / "scenarios" / "logroll.yaml").read_text(encoding="utf-8")
    text = logroll.replace(
        "      reservation: 0.2\n", "      reservation: 0.2\n      mandate: 0.1\n", 1
    )
    error, file = error_for(text, tmp_path)
    assert str(error) == (
        f"{file}:{line_of(text, 'mandate: 0.1')}: sides[0].principal.mandate: mandate on "
        "principal trump, whose side has no negotiator; allowed: a mandate only on a side "
        "with a negotiator (a principal negotiating for itself negotiates to its true "
        "reservation)"
    )


def test_schema_2_bad_input_on_the_command_line_exits_2(tmp_path, capsys):
    from summitsim.cli import main

    file = tmp_path / "bad.yaml"
    file.write_text(variant2("tactic: segment", "tactic: greedy"), encoding="utf-8")
    for command in ("validate", "run"):
        assert main([command, str(file)]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"summitsim {command}: error: {file}:{line_of(SCHEMA2, 'tactic: segment')}: "
            "sides[0].negotiator.tactic: got the string 'greedy'; allowed: one of segment, "
            "tradeoff\n"
        )
