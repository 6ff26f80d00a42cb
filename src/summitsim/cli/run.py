"""``summitsim run``, ``validate`` and ``check``: one scenario, one run or its file's own
checks."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from summitsim.cli.flags import figure_file, seed
from summitsim.scenario import Scenario, ScenarioError, load_scenario


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The ``run``, ``validate`` and ``check`` subcommands."""
    run = commands.add_parser("run", help="one run of a scenario, as a dated timeline")
    run.add_argument("file", metavar="FILE", help="scenario YAML file")
    run.add_argument(
        "--seed",
        type=seed,
        help="one Monte Carlo trial drawn from this seed, 0 to 2^64 - 1 "
        "(uncertainty and noise); without it the nominal run, no noise",
    )
    run.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a parameter, e.g. putin.softness=0.8 (held: its uniform "
        "uncertainty is not drawn)",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.add_argument(
        "--plot",
        type=figure_file,
        metavar="PNG",
        help="write a figure of the run (.png, .pdf, .svg, ...: by the file's extension)",
    )

    validate = commands.add_parser("validate", help="check a scenario file and say what is wrong")
    validate.add_argument("file", metavar="FILE")

    check = commands.add_parser("check", help="assert the file's expect: block")
    check.add_argument("file", metavar="FILE")


def _assignments(texts: Sequence[str]) -> dict[str, float]:
    """The ``--set PATH=VALUE`` flags as ``{path: value}``; a path given twice is refused
    (which value was meant cannot be told)."""
    from summitsim.scenario.paths import parse_assignment

    values: dict[str, float] = {}
    for text in texts:
        path, value = parse_assignment(text)
        if path in values:
            raise ScenarioError(
                f"set twice ({values[path]:g}, then {value:g}); allowed: each path once",
                field=path,
            )
        values[path] = value
    return values


def _scenario_for_run(args: argparse.Namespace) -> Scenario:
    """The scenario with the ``--set`` values, held in a seeded trial (README, "Held
    values")."""
    from summitsim.scenario.overrides import with_held_values

    scenario = load_scenario(args.file)
    if args.assignments:
        scenario = with_held_values(scenario, _assignments(args.assignments))
    return scenario


def command_run(args: argparse.Namespace) -> int:
    """``summitsim run``: the nominal run (or one trial with --seed), as text or JSON."""
    scenario = _scenario_for_run(args)
    from summitsim.model import SummitModel
    from summitsim.timeline import account_json, account_text

    model = SummitModel(scenario, seed=args.seed)
    model.run()
    if args.plot:
        from summitsim.figures.run import run_figure
        from summitsim.figures.save import save_figure

        save_figure(run_figure(model), args.plot)
    if args.json:
        # a NaN or an infinity is a bug upstream: never print it as invalid JSON
        print(json.dumps(account_json(model), indent=2, allow_nan=False))
    else:
        print(account_text(model))
        if args.plot:
            print(f"Figure written to {args.plot}")
    return 0


def command_validate(args: argparse.Namespace) -> int:
    """``summitsim validate``: load the file and report it valid (errors exit 2)."""
    scenario = load_scenario(args.file)
    actors = ", ".join(
        side.principal.id + (f"/{side.negotiator.id}" if side.negotiator else "")
        for side in scenario.sides
    )
    print(
        f"{args.file}: valid ({scenario.name}: {len(scenario.issues)} issues, "
        f"{len(scenario.contacts)} contacts, {actors})"
    )
    return 0


def command_check(args: argparse.Namespace) -> int:
    """``summitsim check``: assert the expect: block; 0 pass, 1 fail."""
    scenario = load_scenario(args.file)  # bad input is refused before the heavy imports
    from summitsim.expectations import check_expectations

    report = check_expectations(scenario)
    print(report.text())
    return 0 if report.passed else 1
