"""Write the golden schema 1 outputs that ``tests/test_golden.py`` compares against.

The files under ``tests/golden/`` were written by this script from the code of commit
f6e0b12, before schema 2 existed. Rerun it only to record a change of schema 1 output
that is intended and explained in the README (none has been so far):

    uv run python tests/golden/regenerate.py
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

#: Every shipped and test scenario of schema 1, relative to the repository root.
SCENARIOS = (
    "scenarios/v1/budapest_2025.yaml",
    "scenarios/examples/classroom_trade.yaml",
    "scenarios/examples/late_deal.yaml",
    "tests/scenarios/base.yaml",
    "tests/scenarios/uniform_patience.yaml",
)
#: ``run`` variants: the nominal run and single Monte Carlo trials.
RUNS: tuple[tuple[str, ...], ...] = ((), ("--seed", "1"), ("--seed", "7"), ("--seed", "123456"))
#: Sweeps: (name, scenario, arguments).
SWEEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "budapest_softness_seed0",
        "scenarios/v1/budapest_2025.yaml",
        ("--over", "putin.softness=0:1:11", "--trials", "3000", "--seed", "0"),
    ),
    (
        "budapest_softness_seed3",
        "scenarios/v1/budapest_2025.yaml",
        ("--over", "putin.softness=0:1:6", "--trials", "5000", "--seed", "3"),
    ),
    (
        "budapest_softness_patience",
        "scenarios/v1/budapest_2025.yaml",
        (
            "--over",
            "putin.softness=0:1:4",
            "--over",
            "trump.patience=0.3:0.6:3",
            "--trials",
            "2000",
            "--seed",
            "11",
        ),
    ),
    (
        "classroom_concession",
        "scenarios/examples/classroom_trade.yaml",
        ("--over", "north_minister.concession=0.5:2:4", "--trials", "2000", "--seed", "5"),
    ),
)


def summitsim(*args: str) -> str:
    """The command's standard output, run as a user types it."""
    done = subprocess.run(
        [sys.executable, "-m", "summitsim.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def slug(scenario: str) -> str:
    return scenario.replace("/", "__").removesuffix(".yaml")


def sweep_summary(scenario: str, args: tuple[str, ...]) -> str:
    with tempfile.TemporaryDirectory() as out:
        summitsim("sweep", scenario, *args, "--out", out, "--quiet")
        return (Path(out) / "summary.csv").read_text()


def main() -> None:
    runs = HERE / "runs"
    sweeps = HERE / "sweeps"
    runs.mkdir(exist_ok=True)
    sweeps.mkdir(exist_ok=True)
    for scenario in SCENARIOS:
        for variant in RUNS:
            name = slug(scenario) + "".join(f"_{part.lstrip('-')}" for part in variant)
            (runs / f"{name}.json").write_text(summitsim("run", scenario, "--json", *variant))
            (runs / f"{name}.txt").write_text(summitsim("run", scenario, *variant))
    for name, scenario, args in SWEEPS:
        (sweeps / f"{name}.csv").write_text(sweep_summary(scenario, args))
    # a sanity line for whoever reruns this
    rows = list(csv.DictReader(io.StringIO((sweeps / f"{SWEEPS[0][0]}.csv").read_text())))
    print(
        f"wrote {len(SCENARIOS) * len(RUNS) * 2} runs and {len(SWEEPS)} sweeps; "
        f"first sweep has {len(rows)} rows",
        json.dumps(rows[0]),
    )


if __name__ == "__main__":
    main()
