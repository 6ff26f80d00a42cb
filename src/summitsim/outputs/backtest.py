"""The files ``summitsim backtest`` writes, atomically: ``backtest.csv`` (one row per case
and predictor), ``overall.csv`` (mean scores per predictor), ``backtest.png`` and
``manifest.json`` (every case file with its sha256, the seed, the trials, the version, the
elapsed time and the trials per second)."""

from __future__ import annotations

import platform
from pathlib import Path

from summitsim import __version__
from summitsim.backtest import COLUMNS, Backtest
from summitsim.figures.backtest import backtest_figure
from summitsim.figures.save import save_figure
from summitsim.outputs.analysis import write_manifest, write_table
from summitsim.scoring import PROBABILITY_FLOOR
from summitsim.sweep import model_fingerprint


def backtest_files(result: Backtest, out: Path) -> dict[str, Path]:
    """Every file of the backtest under ``out``."""
    import numba

    written = {
        "table": write_table(out / "backtest.csv", COLUMNS, [row.to_csv() for row in result.rows]),
        "overall": write_table(
            out / "overall.csv",
            ("predictor", "cases", "brier", "log"),
            [
                {
                    "predictor": p,
                    "cases": sum(row.predictor == p for row in result.rows),
                    "brier": brier,
                    "log": log,
                }
                for p, (brier, log) in result.overall.items()
            ],
        ),
        "figure": save_figure(backtest_figure(result), out / "backtest.png"),
    }
    total = result.trials * len(result.cases)
    found = {
        "command": "backtest",
        "scenarios": [
            {
                "file": case.file,
                "name": case.scenario.name,
                "sha256": case.scenario.sha256,
                "observed": case.observed,
                "block_point": i,
            }
            for i, case in enumerate(result.cases)
        ],
        "model_sha256": model_fingerprint(),
        "seed": result.seed,
        "trials": result.trials,
        "total_trials": total,
        "probability_floor": PROBABILITY_FLOOR,
        "best_baseline_by_brier": result.best_baseline(),
        "version": __version__,
        "elapsed_s": round(result.elapsed_s, 3),
        "simulation_s": round(result.simulation_s, 3),
        "trials_per_second": round(total / max(result.simulation_s, 1e-9)),
        "numba_threads": numba.get_num_threads(),
        "python": platform.python_version(),
        "note": "case i runs the blocks keyed (seed, i, b); baselines predict one class with "
        "probability 1 (a summit: held with a deal, else not held); the base rate is the "
        "share of each class among the other cases",
    }
    written["manifest"] = write_manifest(out, found)
    return written
