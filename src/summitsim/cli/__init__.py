"""The command line (design.md section 4): the ``summitsim`` parser and the entry point;
each family of commands in a room of its own (:mod:`summitsim.cli.run`: run, validate,
check; :mod:`summitsim.cli.sweep`; :mod:`summitsim.cli.demo`; :mod:`summitsim.cli.analysis`:
infer, whatif, sensitivity, discover, baselines; :mod:`summitsim.cli.backtest`).

Exit status: 0 success, 1 a ``check`` that failed, 2 bad input (a scenario, a flag, a
parameter path, a file that cannot be written), always with one clear message on stderr and
no traceback, 3 a sweep whose Dask scheduler went away (its finished blocks are kept for
``--resume``), 130 interrupted. Heavy modules (Mesa, matplotlib, Dask) are imported only by
the commands that use them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from summitsim import __version__
from summitsim.cli import analysis, backtest, demo, run, sweep
from summitsim.cli.flags import BAD_INPUT
from summitsim.scenario import ScenarioError

#: The exit status of a command whose reader went away (128 + SIGPIPE), as shell tools do.
BROKEN_PIPE = 141


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr with exit status 2, like
    every other bad input (``--help`` still prints the full usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``summitsim`` argument parser with its subcommands."""
    parser = _Parser(
        prog="summitsim",
        description="Simulate pre-summit diplomacy: run a scenario, sweep it, check it, "
        "analyse it, or show it in class.",
    )
    parser.add_argument("--version", action="version", version=f"summitsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.add_commands(commands)
    sweep.add_command(commands)
    demo.add_command(commands)
    analysis.add_commands(commands)
    backtest.add_command(commands)
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": run.command_run,
    "validate": run.command_validate,
    "check": run.command_check,
    "sweep": sweep.command_sweep,
    "demo": demo.command_demo,
    "infer": analysis.command_infer,
    "whatif": analysis.command_whatif,
    "sensitivity": analysis.command_sensitivity,
    "discover": analysis.command_discover,
    "baselines": analysis.command_baselines,
    "backtest": backtest.command_backtest,
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
