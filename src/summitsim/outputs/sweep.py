"""A finished sweep as files (design.md section 4): ``summary.csv``, ``manifest.json`` and
``p_summit.png`` in the sweep's folder."""

from __future__ import annotations

import csv
import io
import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from summitsim import __version__
from summitsim.atomic import write_text
from summitsim.scenario.overrides import held_fixed
from summitsim.scenario.paths import resolve, scalar_value
from summitsim.summary import Summary, summarise, trials_per_second
from summitsim.sweep import SweepResult


def summary_csv(summary: Summary) -> str:
    """The summary as CSV text (floats with full precision)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(summary.columns)
    writer.writerows(
        [[repr(v) if isinstance(v, float) else v for v in row] for row in summary.rows]
    )
    return buffer.getvalue()


def manifest(result: SweepResult, summary: Summary, scenario_file: str) -> dict[str, object]:
    """What was run, how, and how fast: enough to cite and to reproduce the numbers."""
    plan = result.plan
    total = plan.trials * len(summary.rows)
    manifest = {
        "scenario": str(scenario_file),
        "scenario_name": plan.scenario.name,
        "scenario_sha256": plan.scenario.sha256,
        "model_sha256": plan.identity()["model_sha256"],
        "seed": plan.seed,
        "grid": plan.grid.to_json(),
        "trials": plan.trials,
        "grid_points": len(summary.rows),
        "total_trials": total,
        "block_trials": plan.block_trials,
        "version": __version__,
        "backend": result.backend,
        "elapsed_s": round(result.elapsed_s, 3),
        "compile_s": round(result.compile_s, 3),
        "computed_trials": result.computed_trials,
        "trials_per_second": round(trials_per_second(result)),
        "numba_threads": _numba_threads(),
        "python": platform.python_version(),
        "tipping_point": None if summary.tipping is None else summary.tipping.to_json(),
    }
    held = held_fixed(plan.scenario, plan.grid.paths)
    if held:
        manifest["held_fixed"] = held
        manifest["held_fixed_note"] = (
            "swept paths are held at each grid value: their uniform uncertainty is not drawn"
        )
    manifest["baseline"] = baseline_values(result)
    if len(plan.grid.paths) == 1 and summary.tipping is None:
        manifest["tipping_point_note"] = "P(summit) does not cross 0.5 over the grid"
    manifest.update(provenance())
    return manifest


def provenance() -> dict[str, object]:
    """What ran the sweep, for whoever repeats it: the versions of summitsim and of the
    libraries that make its numbers, the processor, the command and when (UTC)."""
    import numba

    return {
        "summitsim_version": __version__,
        "numpy_version": np.__version__,
        "numba_version": numba.__version__,
        "python_version": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "machine": platform.machine(),
        "command_line": command_words(),
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def command_words() -> list[str]:
    """The command as typed, for a manifest: the program by its name (``summitsim``, not
    the path of the environment it is installed in, which says nothing to a reader on
    another machine) and its arguments as given."""
    words = list(sys.argv)
    if words and Path(words[0]).is_absolute():
        words[0] = Path(words[0]).name
    return words


def baseline_values(result: SweepResult) -> dict[str, float]:
    """The scenario's own value of each swept path (where the file puts it)."""
    scenario = result.plan.scenario
    return {
        path: scalar_value(scenario, resolve(scenario, path)) for path in result.plan.grid.paths
    }


def _numba_threads() -> int:
    import numba

    return int(numba.get_num_threads())


def write_outputs(result: SweepResult, out: Path, scenario_file: str) -> Summary:
    """Write ``summary.csv``, ``manifest.json`` and ``p_summit.png`` into ``out``."""
    from summitsim.figures.save import save_figure
    from summitsim.figures.sweep import sweep_figure

    summary = summarise(result)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "summary.csv", summary_csv(summary))
    write_text(
        out / "manifest.json", json.dumps(manifest(result, summary, scenario_file), indent=2) + "\n"
    )
    save_figure(
        sweep_figure(
            result.plan.scenario.title,
            result.plan.grid.paths,
            [np.array(v) for v in result.plan.grid.values],
            summary,
            baseline_values(result),
        ),
        out / "p_summit.png",
    )
    return summary
