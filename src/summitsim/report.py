"""A finished sweep as files and words: ``summary.csv``, ``manifest.json``, ``p_summit.png``
(design.md section 4) and the summary printed on the terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from summitsim import __version__
from summitsim.analysis import TippingPoint, tipping_point, wilson_interval
from summitsim.atomic import write_text
from summitsim.kernel import COUNT_COLUMNS
from summitsim.scenario.paths import get_value, resolve
from summitsim.sweep import SweepResult


@dataclass(frozen=True)
class Summary:
    """Per grid point: the swept values, P(summit) with its Wilson 95% interval and the
    share of every outcome (columns named as in ``summary.csv``)."""

    columns: list[str]
    rows: list[list[float | int]]
    tipping: TippingPoint | None

    def column(self, name: str) -> np.ndarray:
        i = self.columns.index(name)
        return np.array([row[i] for row in self.rows], dtype=np.float64)


def share_columns(result: SweepResult) -> list[tuple[str, np.ndarray]]:
    """The outcome shares, overall and by side, from the count columns."""
    scenario, counts = result.plan.scenario, result.counts
    n = float(result.plan.trials)
    a, b = scenario.side_ids
    col = {name: counts[:, i] for i, name in enumerate(COUNT_COLUMNS)}
    shares = [
        ("p_cancelled", (col["cancelled_a"] + col["cancelled_b"]) / n),
        ("p_vetoed", (col["vetoed_a"] + col["vetoed_b"]) / n),
        ("p_deadline", col["deadline"] / n),
        (f"p_cancelled_by_{a}", col["cancelled_a"] / n),
        (f"p_cancelled_by_{b}", col["cancelled_b"] / n),
        (f"p_vetoed_by_{a}", col["vetoed_a"] / n),
        (f"p_vetoed_by_{b}", col["vetoed_b"] / n),
    ]
    for j, side in enumerate(scenario.sides):
        if side.negotiator is not None:
            shares.append((f"p_sidelined_{side.negotiator.id}", col[COUNT_COLUMNS[6 + j]] / n))
    return shares


def summarise(result: SweepResult) -> Summary:
    """Summary rows of a sweep, and the tipping point of a 1-D sweep."""
    plan = result.plan
    summits = result.counts[:, 0]
    trials = np.full(summits.shape, plan.trials)
    low, high = wilson_interval(summits, trials)
    shares = share_columns(result)
    columns = [
        *plan.grid.paths,
        "trials",
        "summits",
        "p_summit",
        "ci_low",
        "ci_high",
        *(name for name, _ in shares),
    ]
    rows = []
    for i, point in enumerate(plan.grid.points()):
        rows.append(
            [
                *point,
                plan.trials,
                int(summits[i]),
                float(summits[i] / plan.trials),
                float(low[i]),
                float(high[i]),
                *(float(v[i]) for _, v in shares),
            ]
        )
    tipping = None
    if len(plan.grid.paths) == 1 and len(rows) > 1:
        tipping = tipping_point(
            plan.grid.paths[0], np.array(plan.grid.values[0]), summits, trials, seed=plan.seed
        )
    return Summary(columns, rows, tipping)


def summary_csv(summary: Summary) -> str:
    """The summary as CSV text (floats with full precision)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(summary.columns)
    writer.writerows(
        [[repr(v) if isinstance(v, float) else v for v in row] for row in summary.rows]
    )
    return buffer.getvalue()


#: Seconds of kernel warm-up from which the printed summary names the compilation.
COMPILE_SHOWN_S = 0.5


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
    held = [
        path
        for path in plan.grid.paths
        if path in plan.scenario.uncertainty and plan.scenario.uncertainty[path].uniform is not None
    ]
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
        "command_line": list(sys.argv),
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def trials_per_second(result: SweepResult) -> float:
    """Trials computed per second of the sweep, leaving out the kernel's compilation."""
    return result.computed_trials / max(result.elapsed_s - result.compile_s, 1e-9)


def baseline_values(result: SweepResult) -> dict[str, float]:
    """The scenario's own value of each swept path (where the file puts it)."""
    scenario = result.plan.scenario
    return {
        path: float(get_value(scenario, resolve(scenario, path))) for path in result.plan.grid.paths
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


def print_summary(result: SweepResult, summary: Summary, out: Path) -> None:
    """A short table of P(summit) per point (at most 25 lines, saying so when that is a
    sample of the grid), the tipping point and where the files are."""
    plan = result.plan
    print(
        f"{plan.scenario.title}: {plan.trials:,} trials at each of {len(summary.rows)} "
        f"grid points, seed {plan.seed}"
    )
    stride = -(-len(summary.rows) // 25)  # at most 25 lines, evenly spaced
    shown = summary.rows[::stride]
    header = "  ".join(f"{p:>16}" for p in plan.grid.paths)
    print(f"{header}  {'P(summit)':>9}  95% interval")
    for row in shown:
        k = len(plan.grid.paths)
        values = "  ".join(f"{v:>16.4g}" for v in row[:k])
        print(f"{values}  {row[k + 2]:>9.4f}  [{row[k + 3]:.4f}, {row[k + 4]:.4f}]")
    if len(shown) < len(summary.rows):
        print(
            f"(showing {len(shown)} of {len(summary.rows)} grid points, one in {stride}; "
            "all are in summary.csv)"
        )
    if len(plan.grid.paths) == 1:
        print(tipping_text(summary.tipping, plan.grid.paths[0]))
    rate = trials_per_second(result)
    # loading a cached kernel takes milliseconds; only a compilation is worth a word
    compiling = (
        f"{result.compile_s:.2f} s of it compiling the kernel; "
        if result.compile_s >= COMPILE_SHOWN_S
        else ""
    )
    print(
        f"{result.computed_trials:,} trials computed in {result.elapsed_s:.2f} s "
        f"({compiling}{rate:,.0f} trials/s, {result.backend})"
    )
    print(f"Wrote {os.path.join(out, 'summary.csv')}, manifest.json, p_summit.png")


def tipping_text(tipping: TippingPoint | None, path: str) -> str:
    """One line on the tipping point, or its absence."""
    if tipping is None:
        return f"Tipping point: none (P(summit) does not cross 0.5 over {path}'s grid)"
    return (
        f"Tipping point: P(summit) = 0.5 at {path} = {tipping.value:.4f} "
        f"(95% interval {tipping.ci_low:.4f} to {tipping.ci_high:.4f})"
    )
