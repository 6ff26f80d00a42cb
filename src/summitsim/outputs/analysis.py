"""The files every analysis command writes: CSV tables, figures and ``manifest.json``,
atomically.

A manifest says what was run and how fast, like the sweep's: the scenario and its
sha256, the code's fingerprint, the seed, the factors, the samples and trials, the
version, the elapsed time and the trials per second.
"""

from __future__ import annotations

import csv
import io
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from summitsim import __version__
from summitsim.atomic import write_text
from summitsim.discovery import MASS_MIN, Discovery
from summitsim.factors import Factor
from summitsim.figures.discovery import tradeoff_figure
from summitsim.figures.save import save_figure
from summitsim.figures.sensitivity import index_figure, sensitivity_figure
from summitsim.global_sensitivity import FIGURE, OUTCOMES, SensitivityResult
from summitsim.scenario.overrides import held_fixed
from summitsim.scenario.schema import Scenario
from summitsim.sensitivity import Sensitivity
from summitsim.sweep import model_fingerprint


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> Path:
    """Write ``rows`` (mappings by column name) as CSV to ``path``, atomically."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_text(path, buffer.getvalue())


def manifest(
    command: str,
    scenario_file: str,
    scenario: Scenario,
    seed: int,
    factors: Sequence[Factor],
    samples: int | None,
    trials: int,
    computed_trials: int,
    elapsed_s: float,
    simulation_s: float | None = None,
    **extra: object,
) -> dict[str, object]:
    """What was run, how, and how fast: enough to cite and to reproduce the numbers.
    ``trials_per_second`` is over ``simulation_s``, the time spent running trials, when
    the command also spends time on other work (PRIM), else over ``elapsed_s``."""
    import numba

    found: dict[str, object] = {
        "command": command,
        "scenario": str(scenario_file),
        "scenario_name": scenario.name,
        "scenario_sha256": scenario.sha256,
        "model_sha256": model_fingerprint(),
        "seed": seed,
        "factors": [factor.to_json() for factor in factors],
        "samples": samples,
        "trials": trials,
        "total_trials": computed_trials,
        "version": __version__,
        "elapsed_s": round(elapsed_s, 3),
        "trials_per_second": round(computed_trials / max(simulation_s or elapsed_s, 1e-9)),
        "numba_threads": numba.get_num_threads(),
        "python": platform.python_version(),
    }
    if simulation_s is not None:
        found["simulation_s"] = round(simulation_s, 3)
    held = held_fixed(scenario, [factor.path for factor in factors])
    if held:
        found["held_fixed"] = held
        found["held_fixed_note"] = (
            "factors are held at each sample's value: their uniform uncertainty is not drawn"
        )
    return found | extra


def write_manifest(folder: Path, found: Mapping[str, object]) -> Path:
    """``folder/manifest.json``, atomically."""
    return write_text(folder / "manifest.json", json.dumps(found, indent=1) + "\n")


def sensitivity_files(
    result: SensitivityResult, scenario: Scenario, scenario_file: str, out: Path
) -> dict[str, Path]:
    """``sensitivity.csv``, ``samples.csv`` (Sobol' and Morris), the figure and
    ``manifest.json`` under ``out``."""
    written = {"table": write_table(out / "sensitivity.csv", result.columns, result.rows)}
    if result.method == "oat":
        rows = [
            Sensitivity(**{k: row[k] for k in Sensitivity.__dataclass_fields__})
            for row in result.rows
        ]
        figure = sensitivity_figure(
            scenario.title, [r for r in rows if r.effect != 0], result.baseline or 0.0
        )
    else:
        names = [factor.path for factor in result.factors]
        columns = [*names, *(f"{name}_trials" for name in OUTCOMES), *OUTCOMES]
        samples = [
            dict(zip(names, map(float, point)))
            | {f"{name}_trials": int(k[i]) for name, k in result.counts.items()}
            | {name: k[i] / result.trials for name, k in result.counts.items()}
            for i, point in enumerate(result.points)
        ]
        written["samples"] = write_table(out / "samples.csv", columns, samples)
        figure = index_figure(scenario.title, result)
    written["figure"] = save_figure(figure, out / FIGURE[result.method])
    extra: dict[str, object] = {"method": result.method, "outcomes": list(OUTCOMES)}
    if result.method == "sobol":
        extra["note"] = "S1_conf and ST_conf are half-widths of 95% bootstrap intervals"
    if result.method == "oat":
        extra["p_summit_as_written"] = result.baseline
    if result.notes:
        extra["notes"] = result.notes
    found = manifest(
        "sensitivity",
        scenario_file,
        scenario,
        result.seed,
        result.factors,
        result.samples,
        result.trials,
        result.computed_trials,
        result.elapsed_s,
        **extra,
    )
    written["manifest"] = write_manifest(out, found)
    return written


def discovery_files(
    result: Discovery, scenario: Scenario, scenario_file: str, out: Path
) -> dict[str, Path]:
    """``samples.csv``, ``boxes.csv``, ``trajectory.csv``, ``tradeoff.png`` (the first
    box's peeling trade-off) and ``manifest.json`` under ``out``."""
    names = [factor.path for factor in result.factors]
    interest = result.of_interest
    sample_rows = [
        dict(zip(names, map(float, point)))
        | {f"{name}_trials": int(k[i]) for name, k in result.counts.items()}
        | {name: k[i] / result.trials for name, k in result.counts.items()}
        | {"of_interest": bool(interest[i])}
        for i, point in enumerate(result.points)
    ]
    columns = [*names, *(f"{n}_trials" for n in result.counts), *result.counts, "of_interest"]
    written = {"samples": write_table(out / "samples.csv", columns, sample_rows)}
    box_rows = [
        {
            "box": b + 1,
            "factor": name,
            "low": box.limits[name][0],
            "high": box.limits[name][1],
            "restricted": name in box.restricted,
            "coverage": box.coverage,
            "density": box.density,
            "mass": box.mass,
        }
        for b, box in enumerate(result.boxes)
        for name in names
    ]
    box_columns = ["box", "factor", "low", "high", "restricted", "coverage", "density", "mass"]
    written["boxes"] = write_table(out / "boxes.csv", box_columns, box_rows)
    steps = [
        {"box": b + 1, "step": i, "chosen": i == box.chosen, **row}
        for b, box in enumerate(result.boxes)
        for i, row in enumerate(box.trajectory.to_dict("records"))
    ]
    step_columns = ["box", "step", "chosen", "coverage", "density", "mass", "res_dim", "n", "k"]
    step_columns += [f"{name}_{end}" for name in names for end in ("low", "high")]
    written["trajectory"] = write_table(out / "trajectory.csv", step_columns, steps)
    if result.boxes:
        first = result.boxes[0]
        written["figure"] = save_figure(
            tradeoff_figure(scenario.title, first.trajectory, first.chosen), out / "tradeoff.png"
        )
    found = manifest(
        "discover",
        scenario_file,
        scenario,
        result.seed,
        result.factors,
        len(result.points),
        result.trials,
        result.trials * len(result.points),
        result.elapsed_s,
        result.simulation_s,
        threshold=result.threshold,
        sampling="Latin hypercube (scipy.stats.qmc.LatinHypercube)",
        prim={
            "implementation": "ema_workbench.analysis.prim.Prim",
            "peel_alpha": result.peel_alpha,
            "paste_alpha": result.peel_alpha,
            "mass_min": MASS_MIN,
        },
        samples_of_interest=int(interest.sum()),
        boxes=len(result.boxes),
    )
    written["manifest"] = write_manifest(out, found)
    return written
