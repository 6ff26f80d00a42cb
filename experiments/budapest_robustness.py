"""How robust is the schema 2 Budapest collapse?

Writes into ``results/budapest_2025_schema2/``:

* ``robustness.csv`` and ``robustness.json``: P(cancelled by the US), P(summit), P(held)
  (and the other outcomes' shares) with Wilson 95% intervals, 200,000 trials per case from
  one seed, for the file as written and for one change each: Trump's ``reviews_from`` fixed
  at 20 October instead of drawn, the Budapest preparatory meeting removed (held = 0) or
  surely held (held = 1), each noise model, and Kyiv's consent on territory removed;
* ``softness/``: ``summitsim sweep scenarios/budapest_2025.yaml --over
  putin.softness=0:1:41 --trials 100000 --seed 2025`` (P(summit), P(held), the tipping
  point, if any);
* ``softness_without_kyiv/``: the same sweep of the file without its approver;
* ``softness_curves.png``: those curves beside the version 1 curve of
  ``results/budapest_2025/softness/`` (written by ``softness_sweep.py``; run it first).

Every case is a change of the scenario as data, checked by the loader as a file is; every
count comes from the sweep engine with the same seed, so the cases share their trials'
draws wherever the change leaves them alone.

Usage: ``uv run python experiments/budapest_robustness.py`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from tqdm import tqdm

from summitsim.analysis import wilson_interval
from summitsim.atomic import write_text
from summitsim.cli import main as summitsim
from summitsim.figures import palette
from summitsim.figures.save import save_figure
from summitsim.outcomes import Count
from summitsim.outputs.sweep import write_outputs
from summitsim.scenario import Scenario, load_scenario, scenario_from_data
from summitsim.sweep import Grid, SweepPlan, run_sweep

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/budapest_2025.yaml"
OUT = ROOT / "results" / "budapest_2025_schema2"
V1_SOFTNESS = ROOT / "results" / "budapest_2025" / "softness"
TRIALS, CURVE_TRIALS, SEED = 200_000, 100_000, 2025
SOFTNESS_GRID = "putin.softness=0:1:41"

Change = Callable[[dict[str, Any]], None]


def _fixed_reviews(data: dict[str, Any]) -> None:
    del data["uncertainty"]["trump.reviews_from"]


def _without_prep(data: dict[str, Any]) -> None:
    data["contacts"] = [c for c in data["contacts"] if c.get("id") != "budapest_prep"]
    del data["uncertainty"]["budapest_prep.held"]


def _prep_surely_held(data: dict[str, Any]) -> None:
    next(c for c in data["contacts"] if c.get("id") == "budapest_prep")["held"] = 1.0
    del data["uncertainty"]["budapest_prep.held"]


def _noise_model(model: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        data["noise_model"] = model

    return change


def _without_kyiv(data: dict[str, Any]) -> None:
    data["sides"][0]["approvers"] = []
    del data["uncertainty"]["kyiv.reservation"]


#: (key, what changes, in words, the change); the first is the file as written.
CASES: tuple[tuple[str, str, Change | None], ...] = (
    ("as_written", "as written: reviews from 17-23 October, meeting held 25-75%", None),
    ("reviews_fixed", "Trump's reviews_from fixed at 20 October", _fixed_reviews),
    ("without_prep", "without the Budapest meeting of 23 October, held = 0", _without_prep),
    ("prep_held", "the Budapest meeting surely held, held = 1", _prep_surely_held),
    ("judgement", "noise model judgement", _noise_model("judgement")),
    ("perception", "noise model perception, the file's", _noise_model("perception")),
    ("without_kyiv", "without Kyiv's consent on territory", _without_kyiv),
)

#: The shares reported per case: (key, count column, words).
SHARES: tuple[tuple[str, Count, str], ...] = (
    ("cancelled_by_us", Count.CANCELLED_A, "P(cancelled by the US)"),
    ("summit", Count.SUMMIT, "P(summit)"),
    ("held", Count.HELD, "P(held)"),
    ("vetoed_by_us", Count.VETOED_A, "P(vetoed on the US side)"),
    ("deadline", Count.DEADLINE, "P(deadline)"),
    ("sidelined_lavrov", Count.SIDELINED_B, "P(Lavrov sidelined)"),
)


def changed(scenario: Scenario, change: Change | None) -> Scenario:
    """The scenario with one change applied to its data, validated as a file is."""
    if change is None:
        return scenario
    data = copy.deepcopy(scenario.model_dump(by_alias=True, exclude_none=True))
    change(data)
    return scenario_from_data(data, source=f"{SCENARIO} (changed)")


def robustness(scenario: Scenario) -> list[dict[str, Any]]:
    """Every case's shares with their Wilson 95% intervals."""
    rows = []
    for key, words, change in tqdm(CASES, desc="robustness cases", file=sys.stderr):
        plan = SweepPlan(changed(scenario, change), Grid((), ()), TRIALS, SEED)
        counts = run_sweep(plan, progress=False).counts[0]
        row: dict[str, Any] = {"case": key, "change": words, "trials": TRIALS, "seed": SEED}
        for share, column, _ in SHARES:
            low, high = wilson_interval(np.array([counts[column]]), np.array([TRIALS]))
            row[f"p_{share}"] = float(counts[column] / TRIALS)
            row[f"p_{share}_ci_low"] = float(low[0])
            row[f"p_{share}_ci_high"] = float(high[0])
        rows.append(row)
    return rows


def csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def softness_curves(scenario: Scenario) -> None:
    """The schema 2 curve through the command as typed, and the curve without Kyiv through
    the same sweep engine (a change of the file has no file to name on a command line)."""
    out = str((OUT / "softness").relative_to(ROOT))
    flags = ["--over", SOFTNESS_GRID, "--trials", str(CURVE_TRIALS), "--seed", str(SEED)]
    status = summitsim(["sweep", SCENARIO, *flags, "--out", out])
    if status:
        raise SystemExit(status)
    without = changed(scenario, _without_kyiv)
    plan = SweepPlan(without, Grid.parse(without, [SOFTNESS_GRID]), CURVE_TRIALS, SEED)
    result = run_sweep(plan)
    write_outputs(result, OUT / "softness_without_kyiv", f"{SCENARIO} without its approvers")


def read_curve(folder: Path) -> dict[str, Any]:
    """A sweep's softness values, P(summit) and P(held) with their intervals, and its
    tipping point (None where P(summit) never crosses 0.5)."""
    with open(folder / "summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))

    def column(name: str) -> list[float]:
        return [float(row[name]) for row in rows]

    return {
        "folder": folder.relative_to(ROOT).as_posix(),
        "softness": column("putin.softness"),
        "p_summit": column("p_summit"),
        "ci_low": column("ci_low"),
        "ci_high": column("ci_high"),
        "p_held": column("p_held") if "p_held" in rows[0] else column("p_summit"),
        "tipping_point": manifest.get("tipping_point"),
        "max_p_summit": max(column("p_summit")),
        "seed": manifest["seed"],
        "trials": manifest["trials"],
    }


#: The curves on the figure: (key, words, colour, line style).
CURVES = (
    ("version_1", "version 1 file, P(summit)", palette.MUTED, "-"),
    ("schema_2", "schema 2 file, P(summit)", palette.SUMMIT, "-"),
    ("schema_2_without_kyiv", "schema 2 without Kyiv's consent, P(summit)", palette.VETOED, "-"),
)


def curves_figure(curves: dict[str, dict[str, Any]]) -> Figure:
    """P(summit) against Putin's softness for each file, with Wilson bands and tipping
    points, and the schema 2 file's P(held) dashed."""
    figure = Figure(figsize=(9, 5.5))
    axes = figure.subplots()
    for key, words, colour, style in CURVES:
        curve = curves[key]
        x = curve["softness"]
        axes.fill_between(x, curve["ci_low"], curve["ci_high"], color=colour, alpha=0.2)
        axes.plot(x, curve["p_summit"], color=colour, linestyle=style, marker=".", label=words)
        tipping = curve["tipping_point"]
        if tipping is not None:
            axes.axvline(tipping["value"], color=colour, linestyle=":", linewidth=1.2)
            # each label on the far side of its own line from the other curves
            axes.annotate(
                f"tipping point {tipping['value']:.3f}",
                (tipping["value"], 0.5),
                xytext=(6, -14) if key == "version_1" else (-6, 8),
                textcoords="offset points",
                ha="left" if key == "version_1" else "right",
                color=palette.text_colour(colour),
                fontsize=9,
            )
    held = curves["schema_2"]
    axes.plot(
        held["softness"],
        held["p_held"],
        color=palette.HELD,
        linestyle="--",
        label="schema 2 file, P(held)",
    )
    axes.axhline(0.5, color=palette.FAINT, linewidth=0.8, linestyle=":")
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("Putin's demand softness (share of the concession range given up at once)")
    axes.set_ylabel("probability")
    axes.set_title(
        "Budapest, October 2025: P(summit) against Putin's softness\n"
        "(Wilson 95% bands; dotted lines: tipping points, where P(summit) = 0.5)"
    )
    axes.legend(loc="upper left", fontsize=9)
    return figure


def main() -> None:
    os.chdir(ROOT)  # the commands and the manifests name files as typed at the root
    if not (V1_SOFTNESS / "summary.csv").is_file():
        raise SystemExit("results/budapest_2025/softness/ is missing: run softness_sweep.py")
    scenario = load_scenario(SCENARIO)
    rows = robustness(scenario)
    softness_curves(scenario)
    curves = {
        "version_1": read_curve(V1_SOFTNESS),
        "schema_2": read_curve(OUT / "softness"),
        "schema_2_without_kyiv": read_curve(OUT / "softness_without_kyiv"),
    }
    save_figure(curves_figure(curves), OUT / "softness_curves.png")
    write_text(OUT / "robustness.csv", csv_text(rows))
    report = {
        "scenario": SCENARIO,
        "trials": TRIALS,
        "seed": SEED,
        "shares": {f"p_{key}": words for key, _, words in SHARES},
        "cases": rows,
        "curves": {
            key: {k: curve[k] for k in ("folder", "tipping_point", "max_p_summit", "seed")}
            | {"trials_per_point": curve["trials"], "grid_points": len(curve["softness"])}
            for key, curve in curves.items()
        },
        "command": "uv run python experiments/budapest_robustness.py",
    }
    write_text(OUT / "robustness.json", json.dumps(report, indent=2) + "\n")
    print(f"Wrote {OUT.relative_to(ROOT)}/: robustness.csv, robustness.json, softness_curves.png")


if __name__ == "__main__":
    main()
