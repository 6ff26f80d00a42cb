"""How well does the model forecast real summits, beside simple baselines?

``summitsim backtest scenarios/cases/`` with a fixed seed and 20,000 trials per case: each
case's probability of what happened (held with a deal, held without, not held) by the
model and by the baselines, with Brier and log scores. Writes ``results/backtest/``
(``backtest.csv``, ``overall.csv``, ``backtest.png``, ``manifest.json``), which
``update_readme.py`` reads for the section "Scored against history".

Usage: ``uv run python experiments/backtest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from summitsim.cli import main as summitsim

ROOT = Path(__file__).resolve().parent.parent
TRIALS, SEED = 20_000, 1986


def main() -> None:
    # relative paths, so the manifest names the case files as the repository does
    os.chdir(ROOT)
    code = summitsim(
        [
            "backtest",
            "scenarios/cases/",
            "--trials",
            str(TRIALS),
            "--seed",
            str(SEED),
            "--out",
            "results/backtest",
        ]
    )
    raise SystemExit(code)


if __name__ == "__main__":
    main()
