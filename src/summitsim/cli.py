"""The command line (design.md section 4).

Exit status: 0 success, 1 a ``check`` that failed, 2 bad input (a scenario, a flag, a
parameter path, a file that cannot be written), always with one clear message on stderr and
no traceback, 3 a sweep whose Dask scheduler went away (its finished blocks are kept for
``--resume``), 130 interrupted. Heavy modules (Mesa, matplotlib, Dask) are imported only by
the commands that use them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from summitsim import __version__
from summitsim.scenario import Scenario, ScenarioError, load_scenario

BAD_INPUT = 2
#: The exit status of a command whose reader went away (128 + SIGPIPE), as shell tools do.
BROKEN_PIPE = 141


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr with exit status 2, like
    every other bad input (``--help`` still prints the full usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole_number(minimum: int, limit: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum`` (and below ``limit``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum or (limit is not None and value >= limit):
            allowed = f">= {minimum}" if limit is None else f"from {minimum} to {limit - 1}"
            raise argparse.ArgumentTypeError(
                f"{value} is not allowed; allowed: a whole number {allowed}"
            )
        return value

    return parse


_positive_int = _whole_number(1)
#: Seeds are 64-bit (summitsim.draws.SEED_LIMIT, written out to keep numpy unimported here).
_seed = _whole_number(0, 1 << 64)


def _non_empty(what: str) -> Callable[[str], str]:
    """An argparse type: any text but the empty one."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"an empty value is not allowed; allowed: {what}")
        return text

    return parse


def _figure_file(text: str) -> str:
    """An argparse type: a file name matplotlib can write, by its extension (none: PNG),
    checked before anything runs."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value is not allowed; allowed: a file name")
    if Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; allowed: a file name, e.g. run.png")
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    suffix = Path(text).suffix.lstrip(".").lower()
    if suffix and suffix not in formats:
        raise argparse.ArgumentTypeError(
            f"{text}: .{suffix} is not a figure format; allowed: a file name ending in "
            + ", ".join(f".{name}" for name in sorted(formats))
        )
    return text


#: The highest TCP port number.
_MAX_PORT = 65_535


def _port(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    value = _positive_int(text)
    if value > _MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"{value} is not allowed; allowed: a port from 1 to {_MAX_PORT}"
        )
    return value


def _share(open_low: bool, open_high: bool) -> Callable[[str], float]:
    """An argparse type: a probability in [0, 1] with the given ends open."""
    allowed = f"a number in {'(' if open_low else '['}0, 1{')' if open_high else ']'}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a number; allowed: {allowed}"
            ) from None
        if not (0 < value if open_low else 0 <= value) or not (
            value < 1 if open_high else value <= 1
        ):
            raise argparse.ArgumentTypeError(f"{value:g} is not allowed; allowed: {allowed}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The ``summitsim`` argument parser with its subcommands."""
    parser = _Parser(
        prog="summitsim",
        description="Simulate pre-summit diplomacy: run a scenario, sweep it, check it, "
        "analyse it, or show it in class.",
    )
    parser.add_argument("--version", action="version", version=f"summitsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="one run of a scenario, as a dated timeline")
    run.add_argument("file", metavar="FILE", help="scenario YAML file")
    run.add_argument(
        "--seed",
        type=_seed,
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
        type=_figure_file,
        metavar="PNG",
        help="write a figure of the run (.png, .pdf, .svg, ...: by the file's extension)",
    )

    validate = commands.add_parser("validate", help="check a scenario file and say what is wrong")
    validate.add_argument("file", metavar="FILE")

    check = commands.add_parser("check", help="assert the file's expect: block")
    check.add_argument("file", metavar="FILE")

    sweep = commands.add_parser(
        "sweep",
        help="Monte Carlo over a grid of parameter values",
        description="Monte Carlo over a grid of parameter values. Limits: at most "
        "10,000 values per swept path, 100,000 grid points, 10^11 trials in all and "
        "1,000,000 blocks (checkpoint files).",
    )
    sweep.add_argument("file", metavar="FILE")
    sweep.add_argument(
        "--over",
        action="append",
        required=True,
        metavar="PATH=START:STOP:NUM",
        help="a swept parameter (once or twice)",
    )
    sweep.add_argument(
        "--trials",
        type=_positive_int,
        required=True,
        help="trials per grid point (at most 10^11 trials in all)",
    )
    sweep.add_argument("--seed", type=_seed, default=0, help="0 to 2^64 - 1 (default 0)")
    sweep.add_argument(
        "--out",
        type=_non_empty("a folder"),
        metavar="DIR",
        help="output folder (default results/<scenario name>/sweep-<paths>)",
    )
    backend = sweep.add_mutually_exclusive_group()
    backend.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="run on an embedded Dask cluster of N worker processes",
    )
    backend.add_argument(
        "--scheduler",
        type=_non_empty("the address of a Dask scheduler, e.g. tcp://10.0.0.5:8786"),
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786",
    )
    sweep.add_argument(
        "--resume", action="store_true", help="skip the blocks already finished in --out"
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")

    demo = commands.add_parser("demo", help="the classroom page on http://127.0.0.1:PORT")
    demo.add_argument(
        "file", metavar="FILE", nargs="?", help="scenario YAML file (default: the Budapest one)"
    )
    demo.add_argument("--port", type=_port, default=8765)
    _add_analysis_commands(commands)
    return parser


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


def _add_analysis_commands(commands: argparse._SubParsersAction) -> None:
    """The analysis commands (design-schema2.md section 11)."""
    factor_help = "a factor and its range, e.g. putin.softness=0:1 (once per factor)"
    whatif = commands.add_parser(
        "whatif", help="the value of one lever at which P(summit) reaches a target"
    )
    whatif.add_argument("file", metavar="FILE")
    whatif.add_argument("--lever", required=True, metavar="PATH", help="e.g. putin.softness")
    whatif.add_argument(
        "--target", type=_share(True, False), default=0.5, metavar="P", help="default 0.5"
    )
    whatif.add_argument("--trials", type=_positive_int, default=20_000, help="default 20000")
    whatif.add_argument("--seed", type=_seed, default=0)
    whatif.add_argument("--json", action="store_true", help="print one JSON object")
    whatif.add_argument("--quiet", action="store_true", help="no progress bar")

    sensitivity = commands.add_parser(
        "sensitivity", help="global sensitivity of P(summit): Sobol', Morris or one at a time"
    )
    sensitivity.add_argument("file", metavar="FILE")
    sensitivity.add_argument("--method", required=True, choices=("sobol", "morris", "oat"))
    sensitivity.add_argument("--factor", action="append", metavar="PATH=LOW:HIGH", help=factor_help)
    sensitivity.add_argument(
        "--samples",
        type=_positive_int,
        metavar="N",
        help="Sobol': base sample N, a power of 2 (default 256); Morris: trajectories "
        "(default 20); not for oat",
    )
    sensitivity.add_argument("--trials", type=_positive_int, default=2000, help="per point")
    sensitivity.add_argument("--seed", type=_seed, default=0)
    sensitivity.add_argument(
        "--out", metavar="DIR", help="output folder (default results/<name>/sensitivity-<method>)"
    )
    sensitivity.add_argument("--quiet", action="store_true", help="no progress bar")

    discover = commands.add_parser(
        "discover", help="scenario discovery: PRIM boxes of factor ranges where a summit is likely"
    )
    discover.add_argument("file", metavar="FILE")
    discover.add_argument("--factor", action="append", metavar="PATH=LOW:HIGH", help=factor_help)
    discover.add_argument(
        "--samples", type=_whole_number(10), default=500, help="Latin hypercube samples"
    )
    discover.add_argument("--trials", type=_positive_int, default=1000, help="per sample")
    discover.add_argument(
        "--threshold",
        type=_share(False, True),
        default=0.5,
        metavar="P",
        help="a sample is of interest when P(summit) > P (default 0.5)",
    )
    discover.add_argument("--seed", type=_seed, default=0)
    discover.add_argument(
        "--out", metavar="DIR", help="output folder (default results/<name>/discover)"
    )
    discover.add_argument("--quiet", action="store_true", help="no progress bar")

    baselines = commands.add_parser(
        "baselines", help="what simple models predict, beside the model's forecast"
    )
    baselines.add_argument("file", metavar="FILE")
    baselines.add_argument("--trials", type=_positive_int, default=20_000)
    baselines.add_argument("--seed", type=_seed, default=0)
    baselines.add_argument("--json", action="store_true", help="print one JSON object")


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


def command_sweep(args: argparse.Namespace) -> int:
    """``summitsim sweep``: Monte Carlo over the grid, with summary, manifest and plot."""
    from summitsim.sweep import sweep_from_args

    return sweep_from_args(args)


def command_demo(args: argparse.Namespace) -> int:
    """``summitsim demo``: serve the classroom page (the shipped Budapest scenario unless a
    file is named, found from the package whatever the working directory)."""
    from summitsim.shipped import default_scenario

    file = args.file or str(default_scenario())
    load_scenario(file)
    from summitsim.demo.serve import DemoSettingError, serve

    try:
        return serve(file, args.port)
    except DemoSettingError as error:
        print(f"summitsim demo: error: {error}", file=sys.stderr)
        return BAD_INPUT


def command_whatif(args: argparse.Namespace) -> int:
    """``summitsim whatif``: the lever value where P(summit) reaches the target."""
    scenario = load_scenario(args.file)
    from summitsim.whatif import what_if, whatif_text

    answer = what_if(
        scenario, args.lever, args.target, args.trials, args.seed, progress=not args.quiet
    )
    print(json.dumps(answer.to_json(), indent=2) if args.json else whatif_text(scenario, answer))
    return 0


def command_sensitivity(args: argparse.Namespace) -> int:
    """``summitsim sensitivity``: Sobol', Morris or one-at-a-time sensitivity."""
    from summitsim.global_sensitivity import sensitivity_from_args

    return sensitivity_from_args(args)


def command_discover(args: argparse.Namespace) -> int:
    """``summitsim discover``: PRIM scenario discovery over Latin hypercube samples."""
    from summitsim.discovery import discover_from_args

    return discover_from_args(args)


def command_baselines(args: argparse.Namespace) -> int:
    """``summitsim baselines``: simple models' predictions beside the model's."""
    from summitsim.baseline_report import baselines_from_args

    return baselines_from_args(args)


COMMANDS = {
    "run": command_run,
    "validate": command_validate,
    "check": command_check,
    "sweep": command_sweep,
    "demo": command_demo,
    "whatif": command_whatif,
    "sensitivity": command_sensitivity,
    "discover": command_discover,
    "baselines": command_baselines,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``summitsim`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ScenarioError as error:
        print(f"summitsim {args.command}: error: {error}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:
        # the reader (``| head``) has gone: stop quietly, and keep Python from complaining
        # again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"summitsim {args.command}: error: {where}{error.strerror or error}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        print(f"summitsim {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
