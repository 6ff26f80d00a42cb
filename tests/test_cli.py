"""The command line end to end, as a user types it (design.md section 4).

Every test runs the installed ``summitsim`` console script in a subprocess from the
repository root and looks only at what a user sees: standard output, standard error, the
exit status and the files written. The commands of this module are started together at
the beginning (:class:`Batch`), so Python, numba and Mesa start up in parallel rather than
one after another; each test then reads the result it needs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from commands import BUDAPEST, BUDAPEST_TEXT, PNG_SIGNATURE, Batch, Result
from repository import ROOT

from summitsim.scenario import load_scenario

COMMANDS = ("run", "validate", "check", "sweep", "demo")


def expect_failing_copy(folder: Path) -> Path:
    """The reference scenario with an ``expect:`` block that its nominal run contradicts."""
    old = "expect:\n  outcome: cancelled\n  by: us\n  p_summit: {max: 0.10}\n"
    assert BUDAPEST_TEXT.count(old) == 1
    copy = folder / "expects_a_summit.yaml"
    copy.write_text(BUDAPEST_TEXT.replace(old, "expect:\n  outcome: summit\n"), encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    (folder / "figure").mkdir()
    return folder


def least_concentration_copy(folder: Path) -> Path:
    """The reference scenario with the least concentration allowed on Putin's ideal."""
    old = "putin.ideal: {concentration: 30}"
    assert BUDAPEST_TEXT.count(old) == 1
    copy = folder / "least_concentration.yaml"
    copy.write_text(BUDAPEST_TEXT.replace(old, "putin.ideal: {concentration: 0.003}"), "utf-8")
    return copy


@pytest.fixture(scope="module")
def runs(tmp) -> Iterator[Batch]:
    json_run = ["run", BUDAPEST, "--json"]
    commands: dict[str, list[object]] = {
        # the slow ones first, so that they do not finish last
        "check": ["check", BUDAPEST],
        "sweep": [
            "sweep",
            BUDAPEST,
            "--over",
            "putin.softness=0:1:5",
            "--trials",
            "2000",
            "--out",
            tmp / "sweep-1d",
        ],
        "sweep 2-D": [
            "sweep",
            BUDAPEST,
            "--over",
            "putin.softness=0:1:3",
            "--over",
            "trump.patience=0.3:0.6:2",
            "--trials",
            "500",
            "--seed",
            "7",
            "--out",
            tmp / "sweep-2d",
            "--quiet",
        ],
        "sweep 2-D sample": [
            "sweep",
            BUDAPEST,
            "--over",
            "putin.softness=0:1:6",
            "--over",
            "trump.patience=0.3:0.6:5",
            "--trials",
            "200",
            "--out",
            tmp / "sweep-2d-sample",
            "--quiet",
        ],
        "check fails": ["check", expect_failing_copy(tmp)],
        "text": ["run", BUDAPEST],
        "json": json_run,
        "set one": [*json_run, "--set", "putin.softness=0.8"],
        "set several": [
            "run",
            BUDAPEST,
            "--set",
            "putin.softness=0.8",
            "--set",
            "rubio.hawkishness=0.5",
            "--plot",
            tmp / "figure" / "run.png",
        ],
        "seed 3": [*json_run, "--seed", "3"],
        "seed 3 again": [*json_run, "--seed", "3"],
        "seed 4": [*json_run, "--seed", "4"],
        "least concentration": ["run", least_concentration_copy(tmp), "--seed", "1", "--json"],
        "seed 1 held": ["run", BUDAPEST, "--seed", "1", "--set", "trump.patience=0"],
        "seed 1 held json": [*json_run, "--seed", "1", "--set", "trump.patience=0"],
        "validate": ["validate", BUDAPEST],
        "help": ["--help"],
        "version": ["--version"],
        **{f"help {command}": [command, "--help"] for command in COMMANDS},
    }
    with Batch(commands) as batch:
        yield batch


@pytest.fixture(scope="module")
def budapest():
    return load_scenario(ROOT / BUDAPEST)


def json_of(result: Result) -> dict:
    result.assert_clean()
    return json.loads(result.out)


def check_account(account: dict, scenario) -> None:
    """``account`` has every key of ``run --json`` (design.md section 4) with its type, and
    its parts agree with each other and with the scenario."""
    assert list(account) == [
        "outcome",
        "by",
        "date",
        "contact",
        "framework",
        "sidelined",
        "offers",
        "events",
        "held",  # design-schema2.md section 12 adds these three
        "who",
        "blamed",
    ]
    assert account["outcome"] in ("summit", "cancelled", "vetoed", "deadline")
    assert account["held"] is (account["outcome"] == "summit")  # schema 1: held = summit
    assert account["who"] is None or account["outcome"] == "vetoed"
    assert account["by"] is None or account["by"] in scenario.side_ids
    assert (account["by"] is not None) == (account["outcome"] in ("cancelled", "vetoed"))
    outcome_date = date.fromisoformat(account["date"])
    contact = account["contact"]
    assert type(contact) is int and 0 <= contact < len(scenario.contacts)
    if account["framework"] is None:
        assert account["outcome"] in ("cancelled", "deadline")
    else:
        assert list(account["framework"]) == scenario.issue_ids
        assert all(0.0 <= v <= 1.0 for v in account["framework"].values())
    negotiators = [side.negotiator.id for side in scenario.sides if side.negotiator]
    assert isinstance(account["sidelined"], list)
    assert set(account["sidelined"]) <= set(negotiators)
    # one entry per contact held, up to the deciding one, with the offers made there
    offers = account["offers"]
    assert [entry["date"] for entry in offers] == [
        c.date.isoformat() for c in scenario.contacts[: contact + 1]
    ]
    for entry in offers:
        sides = [key for key in entry if key != "date"]
        assert sides and set(sides) <= set(scenario.side_ids)
        for position in (entry[side] for side in sides):
            assert list(position) == scenario.issue_ids
            assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in position.values())
    events = account["events"]
    assert all(list(event) == ["date", "kind", "text"] for event in events)
    assert all(isinstance(event["kind"], str) and event["text"] for event in events)
    dates = [date.fromisoformat(event["date"]) for event in events]
    assert dates == sorted(dates)
    assert dates[0] == scenario.start
    assert account["outcome"] in {event["kind"] for event in events}
    assert outcome_date in dates


# -- run ---------------------------------------------------------------------------------

TIMELINE_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})  ([a-z]+) +\S")


def test_run_prints_a_dated_timeline_and_the_outcome(runs):
    result = runs["text"]
    result.assert_clean()
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].startswith(
        "Budapest summit, October 2025 (budapest-2025): 2025-10-16 to 2025-10-30"
    )
    dated = [TIMELINE_LINE.match(line) for line in lines]
    dated = [(match[1], match[2]) for match in dated if match]
    assert [day for day, _ in dated] == sorted(day for day, _ in dated)
    assert ("2025-10-20", "contact") in dated and ("2025-10-21", "cancelled") in dated
    assert ("2025-10-23", "consequence") in dated
    offer_lines = [line for line in lines if "  offer  " in line]
    assert len(offer_lines) == 4  # two contacts held, both sides offering at each
    assert all(
        re.search(r"worth \d\.\d{3} to Donald Trump, \d\.\d{3} to Vladimir Putin", line)
        for line in offer_lines
    )
    assert lines[-1] == (
        "Outcome: cancelled by us on 2025-10-21 (contact 2 of 3); sidelined: lavrov"
    )


def test_run_json_has_every_key_of_the_design(runs, budapest):
    account = json_of(runs["json"])
    check_account(account, budapest)
    assert (account["outcome"], account["by"], account["date"], account["contact"]) == (
        "cancelled",
        "us",
        "2025-10-21",
        1,
    )
    assert account["framework"] is None
    assert account["sidelined"] == ["lavrov"]
    assert all(set(entry) == {"date", "us", "russia"} for entry in account["offers"])
    kinds = [event["kind"] for event in account["events"]]
    assert kinds.count("consequence") == 5  # cancelled by us (2), collapse, sidelined (2)
    assert account["events"][-1]["date"] == "2025-11-14"


def test_set_one_value(runs, budapest):
    account = json_of(runs["set one"])
    check_account(account, budapest)
    assert (account["outcome"], account["by"], account["date"]) == ("summit", None, "2025-10-30")
    last = account["offers"][-1]
    assert "russia" not in last, "Russia accepted the US offer: it made none of its own"
    assert account["framework"] == last["us"]
    assert account["sidelined"] == []


def test_set_several_values_and_plot(runs, tmp):
    result = runs["set several"]
    result.assert_clean()
    # softness 0.8 alone gives a summit, hawkishness 0.5 alone a cancellation; both: deadline
    assert "Outcome: deadline on 2025-10-30 (contact 3 of 3); sidelined: lavrov" in result.out
    figure = tmp / "figure" / "run.png"
    assert f"Figure written to {figure}" in result.out
    assert figure.read_bytes().startswith(PNG_SIGNATURE)
    assert [path.name for path in figure.parent.iterdir()] == ["run.png"], "a temp file is left"


def test_seed_gives_one_reproducible_trial(runs, budapest):
    first, again, other = (runs[name] for name in ("seed 3", "seed 3 again", "seed 4"))
    check_account(json_of(first), budapest)
    check_account(json_of(other), budapest)
    assert first.out == again.out
    assert first.out != other.out
    assert first.out != runs["json"].out, "--seed draws the uncertainty: not the nominal run"


def test_a_set_value_is_held_in_a_seeded_run(runs, budapest):
    """trump.patience has a uniform uncertainty in the file: --set holds it (README, "Held
    values"), so the trial's account names the value given, not a draw."""
    assert budapest.uncertainty["trump.patience"].uniform == [0.4, 0.6]
    result = runs["seed 1 held"]
    result.assert_clean()
    trump = [line for line in result.out.splitlines() if "Donald Trump stays" in line]
    assert trump, result.out
    assert all(line.endswith("patience 0.000)") for line in trump), trump
    assert "cancels" not in result.out
    check_account(json_of(runs["seed 1 held json"]), budapest)


def refuse_constant(name: str) -> float:
    raise AssertionError(f"{name} is not JSON")


def test_json_is_strict_json_even_at_the_least_concentration(runs, budapest):
    # Beta(0.003 m, 0.003 (1 - m)) drew 0 / 0 = NaN for most issues: printed as bare NaN
    result = runs["least concentration"]
    result.assert_clean()
    account = json.loads(result.out, parse_constant=refuse_constant)
    check_account(account, budapest)


# -- validate and check ------------------------------------------------------------------


def test_validate_a_good_file(runs):
    result = runs["validate"]
    result.assert_clean()
    assert result.out == (
        f"{BUDAPEST}: valid (budapest-2025: 4 issues, 3 contacts, trump/rubio, putin/lavrov)\n"
    )


def test_check_passes_on_the_reference_scenario(runs):
    result = runs["check"]
    result.assert_clean(0)
    lines = result.out.splitlines()
    assert lines[0] == "budapest-2025: expectations passed"
    assert lines[1].startswith(
        "  PASS  nominal outcome: expected cancelled by us, found cancelled by us on 2025-10-21"
    )
    assert re.match(r"  PASS  P\(summit\): expected in \[0\.0, 0\.1\], found 0\.0\d+ ", lines[2])


def test_check_fails_with_exit_status_1(runs):
    result = runs["check fails"]
    result.assert_clean(1)
    assert result.out.splitlines() == [
        "budapest-2025: expectations FAILED",
        "  FAIL  nominal outcome: expected summit, found cancelled by us on 2025-10-21",
    ]


# -- sweep -------------------------------------------------------------------------------

SUMMARY_START = ["trials", "summits", "p_summit", "ci_low", "ci_high"]
MANIFEST_KEYS = {
    "scenario",
    "scenario_sha256",
    "seed",
    "grid",
    "trials",
    "version",
    "elapsed_s",
    "trials_per_second",
}


def sweep_files(folder: Path, paths: list[str], trials: int) -> tuple[list[dict], dict]:
    """The rows of ``summary.csv`` and the manifest, checked against design.md section 4."""
    with open(folder / "summary.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames[: len(paths) + 5] == [*paths, *SUMMARY_START]
        shares = reader.fieldnames[len(paths) + 5 :]
        assert {"p_cancelled", "p_vetoed", "p_deadline"} <= set(shares)
        rows = list(reader)
    for row in rows:
        summits, p = int(row["summits"]), float(row["p_summit"])
        assert int(row["trials"]) == trials and p == summits / trials
        # the Wilson bounds are computed in floating point: at p = 0 the lower one may
        # come out a rounding residue above 0
        assert float(row["ci_low"]) <= p <= float(row["ci_high"])
        total = p + sum(float(row[name]) for name in ("p_cancelled", "p_vetoed", "p_deadline"))
        assert total == pytest.approx(1.0)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert MANIFEST_KEYS <= set(manifest)
    assert manifest["scenario_sha256"] == hashlib.sha256(BUDAPEST_TEXT.encode()).hexdigest()
    assert manifest["trials"] == trials and list(manifest["grid"]) == paths
    assert isinstance(manifest["elapsed_s"], (int, float))
    assert isinstance(manifest["trials_per_second"], (int, float))
    assert (folder / "p_summit.png").read_bytes().startswith(PNG_SIGNATURE)
    return rows, manifest


def test_sweep_over_one_path(runs, tmp):
    result = runs["sweep"]
    result.assert_clean()
    rows, manifest = sweep_files(tmp / "sweep-1d", ["putin.softness"], 2000)
    assert [float(row["putin.softness"]) for row in rows] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert manifest["grid"] == {"putin.softness": [0.0, 0.25, 0.5, 0.75, 1.0]}
    assert (manifest["seed"], manifest["scenario"]) == (0, BUDAPEST)
    p = [float(row["p_summit"]) for row in rows]
    assert p[0] < 0.5 < p[-1]
    found = re.search(
        r"Tipping point: P\(summit\) = 0\.5 at putin\.softness = (\S+) "
        r"\(95% interval (\S+) to (\S+)\)",
        result.out,
    )
    assert found, result.out
    low, value, high = (float(found[i]) for i in (2, 1, 3))
    assert 0.0 < low <= value <= high < 1.0


def test_the_manifest_says_what_ran_it(runs, tmp):
    """Versions, processor, the command as typed and when, beside the existing keys."""
    runs["sweep"].assert_clean()
    manifest = json.loads((tmp / "sweep-1d" / "manifest.json").read_text())
    import numba
    import numpy

    assert manifest["numpy_version"] == numpy.__version__
    assert manifest["numba_version"] == numba.__version__
    assert (
        manifest["python_version"] == manifest["python"] == ".".join(map(str, sys.version_info[:3]))
    )
    assert manifest["summitsim_version"] == manifest["version"] == pyproject_version()
    assert manifest["processor"] and manifest["machine"]
    assert manifest["command_line"][0] == "summitsim"  # by name, not this machine's path
    assert manifest["command_line"][1:] == [
        "sweep",
        BUDAPEST,
        "--over",
        "putin.softness=0:1:5",
        "--trials",
        "2000",
        "--out",
        str(tmp / "sweep-1d"),
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_utc"])


def test_a_sampled_table_says_so(runs, tmp):
    result = runs["sweep 2-D sample"]
    result.assert_clean()
    table = [line for line in result.out.splitlines() if re.match(r"^ +\d", line)]
    assert len(table) == 15
    assert "(showing 15 of 30 grid points, one in 2; all are in summary.csv)" in result.out
    assert (
        len(sweep_files(tmp / "sweep-2d-sample", ["putin.softness", "trump.patience"], 200)[0])
        == 30
    )


def test_a_full_table_says_nothing_of_a_sample(runs):
    assert "showing" not in runs["sweep"].out


def pyproject_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_version(runs):
    result = runs["version"]
    result.assert_clean()
    assert result.out == f"summitsim {pyproject_version()}\n"


def test_sweep_over_two_paths_draws_a_heat_map(runs, tmp):
    runs["sweep 2-D"].assert_clean()
    rows, manifest = sweep_files(tmp / "sweep-2d", ["putin.softness", "trump.patience"], 500)
    assert [(row["putin.softness"], row["trump.patience"]) for row in rows] == [
        (s, q) for s in ("0.0", "0.5", "1.0") for q in ("0.3", "0.6")
    ]
    assert manifest["seed"] == 7


# -- help --------------------------------------------------------------------------------

OPTIONS = {
    "run": ["FILE", "--seed", "--set", "--json", "--plot"],
    "validate": ["FILE"],
    "check": ["FILE"],
    "sweep": [
        "FILE",
        "--over",
        "--trials",
        "--seed",
        "--out",
        "--workers",
        "--scheduler",
        "--resume",
    ],
    "demo": ["FILE", "--port"],
}


def test_help_names_every_command(runs):
    result = runs["help"]
    result.assert_clean()
    assert result.out.startswith("usage: summitsim")
    assert all(command in result.out for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command(runs, command):
    result = runs[f"help {command}"]
    result.assert_clean()
    assert result.out.startswith(f"usage: summitsim {command}")
    assert all(option in result.out for option in OPTIONS[command])
