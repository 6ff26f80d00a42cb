"""Which single number of the Budapest scenario moves P(summit) most?

One parameter at a time, a step of 0.05 below and above the scenario's value, 100,000
trials each with the same seed (common random numbers). Writes
``results/budapest_2025/sensitivity/sensitivity.csv`` and ``tornado.png``.

Usage: ``uv run python experiments/sensitivity.py``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from summitsim.atomic import write_text
from summitsim.plots import save_figure, sensitivity_figure
from summitsim.scenario import load_scenario
from summitsim.sensitivity import sensitivity
from summitsim.sweep import estimate_p_summit

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "budapest_2025.yaml"
OUT = ROOT / "results" / "budapest_2025" / "sensitivity"
TRIALS, SEED, STEP = 100_000, 2025, 0.05


def main() -> None:
    scenario = load_scenario(SCENARIO)
    rows = sensitivity(scenario, step=STEP, trials=TRIALS, seed=SEED)
    baseline = estimate_p_summit(scenario, TRIALS, SEED)[0] / TRIALS
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(rows[0].to_row()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(row.to_row() for row in rows)
    write_text(OUT / "sensitivity.csv", table.getvalue())
    save_figure(
        sensitivity_figure(scenario.title, [r for r in rows if r.effect != 0], baseline),
        OUT / "tornado.png",
    )
    for row in rows:
        print(f"{row.path:>22}  {row.p_low:.4f} -> {row.p_high:.4f}  ({row.effect:+.4f})")


if __name__ == "__main__":
    main()
