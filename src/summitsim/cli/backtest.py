"""``summitsim backtest`` (design-schema2.md section 11): its flags, its default output
folder and what it prints. The scoring is :mod:`summitsim.backtest`, the files it writes
:mod:`summitsim.outputs.backtest`."""

from __future__ import annotations

import argparse
from pathlib import Path

from summitsim.cli.flags import positive_int, seed


def add_command(commands: argparse._SubParsersAction) -> None:
    """The ``backtest`` subcommand."""
    backtest = commands.add_parser(
        "backtest", help="score the model and the baselines against what happened in past cases"
    )
    backtest.add_argument(
        "paths", nargs="+", metavar="DIR|FILE", help="case files with observed:, or folders of them"
    )
    backtest.add_argument("--trials", type=positive_int, default=20_000, help="per case")
    backtest.add_argument("--seed", type=seed, default=0)
    backtest.add_argument("--out", metavar="DIR", help="output folder (default results/backtest)")


def command_backtest(args: argparse.Namespace) -> int:
    """``summitsim backtest``: every case is loaded and checked before anything runs."""
    from summitsim.backtest import backtest, load_cases, table_text
    from summitsim.outputs.backtest import backtest_files

    cases = load_cases(args.paths)
    result = backtest(cases, args.trials, args.seed)
    written = backtest_files(result, Path(args.out) if args.out else Path("results/backtest"))
    print(table_text(result))
    print("Written: " + ", ".join(str(path) for path in written.values()))
    return 0
