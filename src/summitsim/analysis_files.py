"""The files every analysis command writes: CSV tables and ``manifest.json``, atomically.

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
from summitsim.factors import Factor
from summitsim.fingerprint import model_fingerprint
from summitsim.scenario import Scenario


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
    held = [
        factor.path
        for factor in factors
        if factor.path in scenario.uncertainty and scenario.uncertainty[factor.path].uniform
    ]
    if held:
        found["held_fixed"] = held
        found["held_fixed_note"] = (
            "factors are held at each sample's value: their uniform uncertainty is not drawn"
        )
    return found | extra


def write_manifest(folder: Path, found: Mapping[str, object]) -> Path:
    """``folder/manifest.json``, atomically."""
    return write_text(folder / "manifest.json", json.dumps(found, indent=1) + "\n")
