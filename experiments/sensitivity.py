"""Which single number of the version 1 Budapest scenario moves P(summit) most?

One parameter at a time, a step of 0.05 below and above the scenario's value (clipped to
the field's range), 100,000 trials each with the same seed (common random numbers): the
``summitsim sensitivity --method oat`` command over every scalar field of the actors.
Writes ``results/budapest_2025/sensitivity/sensitivity.csv``, ``tornado.png`` and
``manifest.json``.

Usage: ``uv run python experiments/sensitivity.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from summitsim.cli import main as summitsim
from summitsim.scenario import load_scenario
from summitsim.scenario.paths import get_value, resolve
from summitsim.sensitivity import default_paths

ROOT = Path(__file__).resolve().parent.parent
#: As typed at the repository root, so that the manifest names the file, not this machine.
SCENARIO = "scenarios/v1/budapest_2025.yaml"
OUT = "results/budapest_2025/sensitivity"
TRIALS, SEED, STEP = 100_000, 2025, 0.05


def factors() -> list[str]:
    """``PATH=LOW:HIGH`` for every default path: its value minus and plus the step."""
    scenario = load_scenario(ROOT / SCENARIO)
    found = []
    for path in default_paths(scenario):
        where = resolve(scenario, path)
        value = float(get_value(scenario, where))
        # repr keeps every digit, so the factor's ends are exactly the clipped steps
        found.append(f"{path}={where.clip(value - STEP)!r}:{where.clip(value + STEP)!r}")
    return found


def main() -> int:
    os.chdir(ROOT)
    flags = [arg for factor in factors() for arg in ("--factor", factor)]
    runs = ["--trials", str(TRIALS), "--seed", str(SEED), "--out", OUT]
    return summitsim(["sensitivity", SCENARIO, "--method", "oat", *flags, *runs])


if __name__ == "__main__":
    sys.exit(main())
