"""The analysis commands (design-schema2.md section 11): ``infer``, ``whatif``,
``sensitivity``, ``discover`` and ``baselines``: their flags, default output folders and
what they print. The analyses are :mod:`summitsim.inference`, :mod:`summitsim.whatif`,
:mod:`summitsim.global_sensitivity`, :mod:`summitsim.discovery` and
:mod:`summitsim.baseline_report`; the files they write :mod:`summitsim.outputs.inference`
and :mod:`summitsim.outputs.analysis`. ``infer`` and ``sensitivity`` say on stderr how
many trials they ran per second (the progress bar's stream, silenced with it)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from summitsim.cli.flags import positive_int, seed, share, whole_number
from summitsim.scenario import load_scenario


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The ``infer``, ``whatif``, ``sensitivity``, ``discover`` and ``baselines``
    subcommands."""
    factor_help = "a factor and its range, e.g. putin.softness=0:1 (once per factor)"
    infer = commands.add_parser(
        "infer",
        help="what the observed outcome says about the uncertain inputs (ABC)",
        description="Approximate Bayesian computation by exact matching: trials drawn from "
        "the uncertainty: block (the prior) are kept when they reproduce every line of "
        "observed:; the kept draws are the posterior.",
    )
    infer.add_argument("file", metavar="FILE")
    infer.add_argument(
        "--trials", type=positive_int, default=1_000_000, help="prior draws (default 1000000)"
    )
    infer.add_argument("--seed", type=seed, default=0)
    infer.add_argument(
        "--whatif",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="re-run the kept trials with PATH set to VALUE (once per counterfactual; "
        "PATH=VALUE,PATH=VALUE changes several paths in one)",
    )
    infer.add_argument("--out", metavar="DIR", help="output folder (default results/<name>/infer)")
    infer.add_argument("--quiet", action="store_true", help="no progress bar, no speed line")
    whatif = commands.add_parser(
        "whatif", help="the value of one lever at which P(summit) reaches a target"
    )
    whatif.add_argument("file", metavar="FILE")
    whatif.add_argument("--lever", required=True, metavar="PATH", help="e.g. putin.softness")
    whatif.add_argument(
        "--target", type=share(True, False), default=0.5, metavar="P", help="default 0.5"
    )
    whatif.add_argument("--trials", type=positive_int, default=20_000, help="default 20000")
    whatif.add_argument("--seed", type=seed, default=0)
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
        type=positive_int,
        metavar="N",
        help="Sobol': base sample N, a power of 2 (default 256); Morris: trajectories "
        "(default 20); not for oat",
    )
    sensitivity.add_argument("--trials", type=positive_int, default=2000, help="per point")
    sensitivity.add_argument("--seed", type=seed, default=0)
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
        "--samples", type=whole_number(10), default=500, help="Latin hypercube samples"
    )
    discover.add_argument("--trials", type=positive_int, default=1000, help="per sample")
    discover.add_argument(
        "--threshold",
        type=share(False, True),
        default=0.5,
        metavar="P",
        help="a sample is of interest when P(summit) > P (default 0.5)",
    )
    discover.add_argument("--seed", type=seed, default=0)
    discover.add_argument(
        "--out", metavar="DIR", help="output folder (default results/<name>/discover)"
    )
    discover.add_argument("--quiet", action="store_true", help="no progress bar")

    baselines = commands.add_parser(
        "baselines", help="what simple models predict, beside the model's forecast"
    )
    baselines.add_argument("file", metavar="FILE")
    baselines.add_argument("--trials", type=positive_int, default=20_000)
    baselines.add_argument("--seed", type=seed, default=0)
    baselines.add_argument("--json", action="store_true", help="print one JSON object")


def _say(text: str, enabled: bool = True) -> None:
    """One line on stderr, where the progress bar goes."""
    if enabled:
        print(text, file=sys.stderr, flush=True)


def command_infer(args: argparse.Namespace) -> int:
    """``summitsim infer``: the posterior of the uncertain inputs given ``observed:``;
    every flag is checked before anything runs."""
    from summitsim.inference import FEW_KEPT, check_inputs, infer, inference_text, parse_change
    from summitsim.outputs.inference import inference_files
    from summitsim.outputs.sweep import command_words
    from summitsim.terminal_text import printable

    scenario = load_scenario(args.file)
    check_inputs(scenario, args.trials)
    changes = [parse_change(scenario, text) for text in args.whatif]
    folder = Path(args.out) if args.out else Path("results") / scenario.name / "infer"
    loud = not args.quiet
    result = infer(scenario, args.trials, args.seed, changes, loud, lambda text: _say(text, loud))
    if result.kept < FEW_KEPT:
        _say(
            f"summitsim infer: warning: only {result.kept} of {result.trials:,} trials "
            f"reproduce what happened (fewer than {FEW_KEPT}): the posterior is rough; run "
            "more --trials or widen the prior"
        )
    written = inference_files(result, scenario, args.file, folder, shlex.join(command_words()))
    _say(
        f"{result.computed_trials:,} trials in {result.simulation_s:.2f} s "
        f"({result.trials_per_second:,.0f} trials/s)",
        loud,
    )
    print(inference_text(printable(scenario.title), result))
    print("Written: " + ", ".join(str(path) for path in written.values()))
    return 0


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
    """``summitsim sensitivity``: Sobol', Morris or one-at-a-time sensitivity; every flag
    is checked before anything runs."""
    from summitsim.factors import parse_factors
    from summitsim.global_sensitivity import analyse, check_samples, summary_text
    from summitsim.outputs.analysis import sensitivity_files
    from summitsim.terminal_text import printable

    scenario = load_scenario(args.file)
    factors = parse_factors(scenario, args.factor)
    check_samples(args.method, args.samples)
    default = Path("results") / scenario.name / f"sensitivity-{args.method}"
    folder = Path(args.out) if args.out else default
    result = analyse(
        scenario, args.method, factors, args.samples, args.trials, args.seed, not args.quiet
    )
    written = sensitivity_files(result, scenario, args.file, folder)
    rate = result.computed_trials / max(result.elapsed_s, 1e-9)
    _say(
        f"{result.computed_trials:,} trials in {result.elapsed_s:.2f} s ({rate:,.0f} trials/s)",
        not args.quiet,
    )
    print(
        f"{printable(scenario.title)}: {args.method} sensitivity of P(summit) and P(held), "
        f"{len(factors)} factors, {len(result.points)} points x {args.trials:,} trials "
        f"(seed {args.seed}, the same trials at every point)"
    )
    print(summary_text(result))
    print("Written: " + ", ".join(str(path) for path in written.values()))
    return 0


def command_discover(args: argparse.Namespace) -> int:
    """``summitsim discover``: PRIM scenario discovery over Latin hypercube samples."""
    from summitsim.discovery import discover, summary_text
    from summitsim.factors import parse_factors
    from summitsim.outputs.analysis import discovery_files

    scenario = load_scenario(args.file)
    factors = parse_factors(scenario, args.factor)
    out = Path(args.out) if args.out else Path("results") / scenario.name / "discover"
    result = discover(
        scenario, factors, args.samples, args.trials, args.threshold, args.seed, not args.quiet
    )
    written = discovery_files(result, scenario, args.file, out)
    print(summary_text(result, scenario))
    print("Written: " + ", ".join(str(path) for path in written.values()))
    return 0


def command_baselines(args: argparse.Namespace) -> int:
    """``summitsim baselines``: simple models' predictions beside the model's."""
    scenario = load_scenario(args.file)
    from summitsim.baseline_report import report, report_text

    found = report(scenario, args.trials, args.seed)
    print(json.dumps(found, indent=2) if args.json else report_text(found))
    return 0
