"""Bad input at the command line: every class of design.md section 3, and bad flags, exits
with status 2 and exactly one clear line on stderr naming the file, the line and the field
where they apply, with nothing on stdout and no traceback.

Bad scenario files are the reference scenario with one piece of text replaced. As in
test_cli.py, all commands are started together and each test reads its own result.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from commands import BUDAPEST, BUDAPEST_TEXT, Batch

MARKER = "os-system-ran"  # the file the !!python tag would create if anything ran it


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """A 'billion laughs' YAML file: 9 ** 9 strings once every alias is expanded."""
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [
        f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * width) + "]"
        for n in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


# name: (old text, its replacement, where the error is, field, message part). The error
# is on the line where the replacement begins, or (when "at" is given) where "at" ends.
FILE_CASES = {
    "unknown field": (
        "      softness: 0.3 ",
        "      softnes: 0.3 ",
        None,
        "sides[0].principal.softnes",
        "unknown field 'softnes'; allowed fields: id, name, ideal, salience, reservation, softness",
    ),
    "missing field": (
        "      reservation: 0.4 ",
        "      # reservation: 0.4 ",
        "- id: russia\n    principal:",
        "sides[1].principal.reservation",
        "required field is missing; allowed: a number in [0, 1)",
    ),
    "out of range": (
        "softness: 0.05 ",
        "softness: 1.05 ",
        None,
        "sides[1].principal.softness",
        "1.05 is out of range; allowed: a number in [0, 1]",
    ),
    "open end of a range": (
        "reservation: 0.45 ",
        "reservation: 1.0  ",
        None,
        "sides[0].principal.reservation",
        "1.0 is out of range; allowed: a number in [0, 1)",
    ),
    "wrong type: string": (
        "patience: 0.5 ",
        'patience: "half" ',
        None,
        "sides[0].principal.patience",
        "got the string 'half'; allowed: a number in [0, 1]",
    ),
    "wrong type: mapping": (
        "    negotiator:\n      id: rubio",
        "    negotiator: rubio\n    x:\n      id: rubio",
        None,
        "sides[0].negotiator",
        "allowed: a mapping with fields id, name, concession, hawkishness",
    ),
    "unknown issue id": (
        "        sanctions: 1.0 ",
        "        sanction: 1.0 ",
        None,
        "sides[1].principal.ideal.sanction",
        "unknown issue 'sanction'; allowed: a value for each issue id",
    ),
    "unknown actor id in a path": (
        "lavrov.concession:",
        "lavrof.concession:",
        None,
        "uncertainty.lavrof.concession",
        "unknown actor 'lavrof'; allowed: noise, ACTOR.FIELD",
    ),
    "unknown negotiator": (
        "who: lavrov\n    on: 2025-11-05",
        "who: lavrof\n    on: 2025-11-05",
        None,
        "consequences[2].who",
        "unknown negotiator 'lavrof'; allowed: one of rubio, lavrov",
    ),
    "unknown side": (
        "first_mover: us ",
        "first_mover: usa",
        None,
        "first_mover",
        "unknown side 'usa'; allowed: one of us, russia",
    ),
    "duplicate issue id": (
        "  - id: ceasefire",
        "  - id: territory",
        None,
        "issues[1].id",
        "duplicate issue id 'territory'; allowed: an id no other issue has",
    ),
    "duplicate side id": (
        "  - id: russia",
        "  - id: us",
        None,
        "sides[1].id",
        "duplicate side id 'us'; allowed: an id no other side has",
    ),
    "duplicate actor id": (
        "      id: lavrov",
        "      id: rubio",
        None,
        "sides[1].negotiator.id",
        "duplicate actor id 'rubio'; allowed: an id no other principal",
    ),
    "dates out of order": (
        "  - date: 2025-10-20",
        "  - date: 2025-10-28",
        "  - date: 2025-10-27",
        "contacts[2].date",
        "2025-10-27 is not after the previous contact "
        "(2025-10-28); allowed: contacts in strictly increasing date order",
    ),
    "contact after the summit": (
        "  - date: 2025-10-27",
        "  - date: 2025-10-31",
        None,
        "contacts[2].date",
        "2025-10-31 is outside the talks; allowed: "
        "a date from start (2025-10-16) to before the summit",
    ),
    "review after the summit": (
        "reviews_from: 2025-10-20",
        "reviews_from: 2025-11-20",
        None,
        "sides[0].principal.reviews_from",
        "2025-11-20 is after the summit; allowed: a date on or before",
    ),
    "summit before the start": (
        "summit: 2025-10-30 ",
        "summit: 2025-10-10 ",
        None,
        "summit",
        "2025-10-10 is not after start 2025-10-16",
    ),
    "after_days beyond 100 years": (
        "    after_days: 3\n",
        "    after_days: 100000000\n",
        None,
        "consequences[1].after_days",
        "100000000 is out of range; allowed: a whole number from 0 to 36,500 (100 years)",
    ),
    "on: 9999-12-31": (
        "    on: 2025-11-05\n",
        "    on: 9999-12-31\n",
        None,
        "consequences[2].on",
        "9999-12-31 is more than 36,500 days after the summit; allowed: a date from",
    ),
    "YAML syntax error": (
        "  - id: ceasefire",
        "  - id: ceasefire: x",
        None,
        None,
        "YAML syntax error at column 18: mapping values are not allowed",
    ),
    "python tag": (
        "name: budapest-2025",
        f'name: !!python/object/apply:os.system ["touch {MARKER}"]',
        None,
        None,
        "YAML tag !!python/object/apply:os.system is not allowed; allowed: plain YAML",
    ),
}

# name: (arguments after the command, message) for input that is not a scenario's text
ARGUMENT_CASES = {
    "bad --set path": (
        ["run", BUDAPEST, "--set", "putin.softnes=0.8"],
        "summitsim run: error: putin.softnes: unknown field 'softnes' of putin; "
        "allowed: putin.reservation, putin.softness",
    ),
    "bad --set actor": (
        ["run", BUDAPEST, "--set", "putn.softness=0.8"],
        "summitsim run: error: putn.softness: unknown actor 'putn'; allowed: ",
    ),
    "--set out of range": (
        ["run", BUDAPEST, "--set", "putin.softness=1.8"],
        "summitsim run: error: putin.softness: 1.8 is out of range; allowed: a number in [0, 1]",
    ),
    "--set not a number": (
        ["run", BUDAPEST, "--set", "putin.softness=soft"],
        "summitsim run: error: putin.softness=soft: 'soft' is not a number; allowed: PATH=VALUE",
    ),
    "--set twice": (
        ["run", BUDAPEST, "--set", "putin.softness=0.8", "--set", "putin.softness=0.2"],
        "summitsim run: error: putin.softness: set twice (0.8, then 0.2); allowed: each path once",
    ),
    "--set without =": (
        ["run", BUDAPEST, "--set", "putin.softness"],
        "summitsim run: error: putin.softness: 'putin.softness' is not of the form PATH=VALUE",
    ),
    "bad --over spec": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1", "--trials", "10"],
        "summitsim sweep: error: putin.softness=0:1: '0:1' is not "
        "START:STOP:NUM; allowed: PATH=START:STOP:NUM",
    ),
    "--over out of range": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:2:3", "--trials", "10"],
        "summitsim sweep: error: putin.softness: 2.0 is out of range; allowed: a number in [0, 1]",
    ),
    "--trials 0": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1:3", "--trials", "0"],
        "summitsim sweep: error: argument --trials: 0 is not allowed; allowed: a whole number >= 1",
    ),
    "--seed -1": (
        ["run", BUDAPEST, "--seed", "-1"],
        "summitsim run: error: argument --seed: -1 is not allowed",
    ),
    "--seed 2^64": (
        ["run", BUDAPEST, "--seed", str(2**64)],
        f"summitsim run: error: argument --seed: {2**64} is not allowed; allowed: a whole "
        f"number from 0 to {2**64 - 1}",
    ),
    "sweep --seed -5": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1:3", "--trials", "10", "--seed", "-5"],
        "summitsim sweep: error: argument --seed: -5 is not allowed; allowed: a whole "
        f"number from 0 to {2**64 - 1}",
    ),
    "--plot of an unknown format": (
        ["run", BUDAPEST, "--plot", "run.xyz"],
        "summitsim run: error: argument --plot: run.xyz: .xyz is not a figure format; "
        "allowed: a file name ending in ",
    ),
    "--plot a folder": (
        ["run", BUDAPEST, "--plot", "scenarios"],
        "summitsim run: error: argument --plot: scenarios is a folder; allowed: a file name",
    ),
    "empty --out": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1:3", "--trials", "10", "--out", ""],
        "summitsim sweep: error: argument --out: an empty value is not allowed; allowed: a folder",
    ),
    "empty --scheduler": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1:3", "--trials", "10", "--scheduler", ""],
        "summitsim sweep: error: argument --scheduler: an empty value is not allowed; allowed: "
        "the address of a Dask scheduler",
    ),
    "--trials 10**30": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1:21", "--trials", str(10**30)],
        f"summitsim sweep: error: --trials: {10**30:,} trials at each of 21 grid points "
        "(2.1e+31 in all); allowed: 1 to 100,000,000,000 trials in all",
    ),
    "--over too many values": (
        ["sweep", BUDAPEST, "--over", "putin.softness=0:1:10000000", "--trials", "10"],
        "summitsim sweep: error: putin.softness: 10,000,000 values; allowed: at most 10,000 "
        "values per swept path",
    ),
    "--over too many points": (
        [
            "sweep",
            BUDAPEST,
            "--over",
            "putin.softness=0:1:1000",
            "--over",
            "trump.patience=0.3:0.6:1000",
            "--trials",
            "10",
        ],
        "summitsim sweep: error: --over: 1,000 x 1,000 = 1,000,000 grid points; allowed: at "
        "most 100,000 grid points",
    ),
    "unknown flag": (["run", BUDAPEST, "--jsn"], "summitsim: error: unrecognized arguments: --jsn"),
    "unknown command": (
        ["rnu", BUDAPEST],
        "summitsim: error: argument COMMAND: invalid choice: 'rnu'",
    ),
}

# name: (file text or None for no file, message); the command names the file in tmp
WHOLE_FILE_CASES = {
    "alias bomb": (billion_laughs(), "the aliases here expand to more than 100,000 YAML nodes"),
    "empty file": ("", "the file is empty; allowed: a YAML mapping with fields schema, name"),
    "missing file": (None, "no such file; allowed: the path of a YAML scenario file"),
    "many nodes, no aliases": (
        BUDAPEST_TEXT + "data:\n" + "  - 1\n" * 100_001,
        "the file has more than 100,000 YAML nodes; allowed: a scenario of at most 100,000",
    ),
}
# name: (command, path or None for a FIFO in tmp, message): files that are not files
SPECIAL_FILE_CASES = {
    "a FIFO": ("run", None, "is a FIFO, not a regular file; allowed: a YAML scenario file"),
    "/dev/zero": (
        "validate",
        "/dev/zero",
        "is a character device, not a regular file; allowed: a YAML scenario file",
    ),
}

# the command each file case is given to: every command loads scenarios the same way
COMMANDS = ("run", "validate", "check", "run")


def line_at(text: str, at: str) -> int:
    """The 1-based line on which the only occurrence of ``at`` in ``text`` ends."""
    assert text.count(at) == 1, at
    return text[: text.index(at) + len(at)].count("\n") + 1


def error_line(old: str, new: str, at: str | None) -> int:
    """The line a file case's error is expected on (see FILE_CASES)."""
    if at is None:
        return BUDAPEST_TEXT[: BUDAPEST_TEXT.index(old)].count("\n") + 1
    return line_at(bad_text(old, new), at)


def bad_text(old: str, new: str) -> str:
    assert BUDAPEST_TEXT.count(old) == 1, old
    return BUDAPEST_TEXT.replace(old, new)


def file_case(folder: Path, name: str) -> tuple[str, Path]:
    """The command a file case is given to and the bad file's path."""
    n = list(FILE_CASES).index(name)
    return COMMANDS[n % len(COMMANDS)], folder / f"case{n}.yaml"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad")


@pytest.fixture(scope="module")
def runs(folder):
    commands: dict[str, list[object]] = {}
    for name, (old, new, *_) in FILE_CASES.items():
        command, file = file_case(folder, name)
        file.write_text(bad_text(old, new.replace(MARKER, str(folder / MARKER))), encoding="utf-8")
        commands[name] = [command, file]
    for name, (text, _) in WHOLE_FILE_CASES.items():
        file = folder / f"{name.replace(' ', '-')}.yaml"
        if text is not None:
            file.write_text(text, encoding="utf-8")
        commands[name] = ["run", file]
    commands["a directory"] = ["validate", folder]
    os.mkfifo(folder / "fifo.yaml")  # with no writer: opening it for reading would block
    for name, (command, path, _) in SPECIAL_FILE_CASES.items():
        commands[name] = [command, path or folder / "fifo.yaml"]
    commands |= {name: args for name, (args, _) in ARGUMENT_CASES.items()}
    with Batch(commands) as batch:
        yield batch


def one_error_line(result) -> str:
    """The one line on stderr of a command refused as bad input."""
    assert result.status == 2, f"exit {result.status}\n{result.out}\n{result.err}"
    assert "Traceback" not in result.out + result.err
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


@pytest.mark.parametrize(
    ("old", "new", "at", "field", "message"), FILE_CASES.values(), ids=FILE_CASES
)
def test_bad_scenario_file(runs, folder, request, old, new, at, field, message):
    name = request.node.callspec.id
    command, file = file_case(folder, name)
    where = f"{file}:{error_line(old, new, at)}: " + (f"{field}: " if field else "")
    line = one_error_line(runs[name])
    assert line.startswith(f"summitsim {command}: error: {where}"), line
    assert message in line


def test_python_tag_never_runs(runs, folder):
    one_error_line(runs["python tag"])
    assert not (folder / MARKER).exists()


@pytest.mark.parametrize("name", [*WHOLE_FILE_CASES, "a directory"])
def test_unreadable_file(runs, folder, name):
    line = one_error_line(runs[name])
    if name == "a directory":
        assert (
            line == f"summitsim validate: error: {folder}: is a directory; allowed: a "
            "YAML scenario file"
        )
        return
    file, message = folder / f"{name.replace(' ', '-')}.yaml", WHOLE_FILE_CASES[name][1]
    assert line.startswith(f"summitsim run: error: {file}"), line
    assert message in line


@pytest.mark.parametrize(
    ("command", "path", "message"), SPECIAL_FILE_CASES.values(), ids=SPECIAL_FILE_CASES
)
def test_a_special_file_is_refused_without_reading(runs, folder, request, command, path, message):
    result = runs[request.node.callspec.id]
    line = one_error_line(result)
    assert line == f"summitsim {command}: error: {path or folder / 'fifo.yaml'}: {message}"
    assert result.seconds < 30


def test_alias_bomb_is_refused_within_seconds(runs):
    assert runs["alias bomb"].seconds < 10


@pytest.mark.parametrize(("args", "message"), ARGUMENT_CASES.values(), ids=ARGUMENT_CASES)
def test_bad_argument(runs, request, args, message):
    line = one_error_line(runs[request.node.callspec.id])
    assert line.startswith(message), line
    assert "allowed" in line or "unrecognized" in line or "invalid choice" in line
