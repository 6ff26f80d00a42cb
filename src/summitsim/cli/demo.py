"""``summitsim demo``: the classroom page."""

from __future__ import annotations

import argparse
import sys

from summitsim.cli.flags import BAD_INPUT, port
from summitsim.scenario import load_scenario


def add_command(commands: argparse._SubParsersAction) -> None:
    """The ``demo`` subcommand."""
    demo = commands.add_parser("demo", help="the classroom page on http://127.0.0.1:PORT")
    demo.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="scenario YAML file (default: the version 1 Budapest one)",
    )
    demo.add_argument("--port", type=port, default=8765)


def command_demo(args: argparse.Namespace) -> int:
    """``summitsim demo``: serve the classroom page (the shipped version 1 Budapest scenario
    unless a file is named, found from the package whatever the working directory)."""
    from summitsim.shipped import default_scenario

    file = args.file or str(default_scenario())
    load_scenario(file)
    from summitsim.demo.serve import DemoSettingError, serve

    try:
        return serve(file, args.port)
    except DemoSettingError as error:
        print(f"summitsim demo: error: {error}", file=sys.stderr)
        return BAD_INPUT
