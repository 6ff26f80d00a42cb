"""The mission's question for the version 1 Budapest scenario
(``scenarios/v1/budapest_2025.yaml``): how does Russia's demand softness change whether
the summit happens, and where is the tipping point? (The schema 2 file's curve is drawn
beside this one by ``budapest_robustness.py``.)

Writes, through the ``summitsim sweep`` command run at the repository root:

* ``results/budapest_2025/softness/``: Putin's softness 0..1 in 41 points, 100,000 trials
  each (summary.csv, manifest.json with the tipping point, p_summit.png);
* ``results/budapest_2025/softness_patience/``: a 21 x 17 heat map of Putin's softness
  against Trump's patience, 50,000 trials per point.

Usage: ``uv run python experiments/softness_sweep.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from summitsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
#: As typed at the repository root, so that the manifests name the file, not this machine.
SCENARIO = "scenarios/v1/budapest_2025.yaml"
OUT = Path("results") / "budapest_2025"

SWEEPS = {
    "softness": ["--over", "putin.softness=0:1:41", "--trials", "100000"],
    "softness_patience": [
        "--over",
        "putin.softness=0:1:21",
        "--over",
        "trump.patience=0.3:0.7:17",
        "--trials",
        "50000",
    ],
}


def run() -> int:
    os.chdir(ROOT)
    for name, flags in SWEEPS.items():
        status = main(["sweep", SCENARIO, *flags, "--seed", "2025", "--out", str(OUT / name)])
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(run())
