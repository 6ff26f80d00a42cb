"""Fill the README's measured sections from the project's own outputs.

Each section follows a marker comment (``<!-- name -->``) and is rewritten whole:

* ``run-output``: what ``summitsim run scenarios/budapest_2025.yaml`` prints;
* ``sweep-output``: what the README's main command prints;
* ``results``: P(summit) at the baseline and the tipping point, read from
  ``results/budapest_2025/softness/`` (written by ``softness_sweep.py``);
* ``sensitivity``: the largest effects in ``results/budapest_2025/sensitivity/``
  (written by ``sensitivity.py``);
* ``benchmark``: the table of ``results/benchmark.json`` (written by ``benchmark.py``);
* ``backtest``: the per-case and overall scores of ``results/backtest/`` (written by
  ``backtest.py``).

``tests/test_readme.py`` checks that the README still says what these sources say.
Usage: ``uv run python experiments/update_readme.py [SECTION ...]`` (no section: all).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CLI = str(Path(sys.executable).parent / "summitsim")
SCENARIO = "scenarios/budapest_2025.yaml"
MAIN_COMMAND = ["sweep", SCENARIO, "--over", "putin.softness=0:1:21", "--trials", "100000"]


def command_output(*args: str) -> str:
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=True, cwd=ROOT).stdout


def fenced(text: str) -> str:
    return f"```\n{text}```\n"


def results_section() -> str:
    folder = ROOT / "results" / "budapest_2025" / "softness"
    manifest = json.loads((folder / "manifest.json").read_text())
    baseline = manifest["baseline"]["putin.softness"]
    with open(folder / "summary.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if float(r["putin.softness"]) == baseline)
    p, low, high = (float(row[k]) for k in ("p_summit", "ci_low", "ci_high"))
    tipping = manifest["tipping_point"]
    return (
        f"- At the scenario's own softness ({baseline:g}), P(summit) = **{p:.4f}** (95% "
        f"Wilson interval\n  {low:.4f} to {high:.4f}): the baseline collapses in about "
        f"{round(100 * (1 - p))} runs in 100.\n"
        f"- The tipping point, where P(summit) = 0.5, is at **putin.softness = "
        f"{tipping['value']:.4f}** (95%\n  interval {tipping['ci_low']:.4f} to "
        f"{tipping['ci_high']:.4f}, parametric bootstrap of the "
        f"{len(manifest['grid']['putin.softness'])} points).\n"
    )


def sensitivity_section(shown: int = 5) -> str:
    """The largest effects of ``results/budapest_2025/sensitivity/sensitivity.csv``."""
    path = ROOT / "results" / "budapest_2025" / "sensitivity" / "sensitivity.csv"
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))[:shown]
    return "".join(
        f"- `{r['path']}` {float(r['low']):g} -> {float(r['high']):g}: P(summit) "
        f"{float(r['p_low']):.4f} -> {float(r['p_high']):.4f} "
        f"({float(r['effect']):+.4f})\n"
        for r in rows
    )


def kernel_rates(figures: dict) -> dict[str, int]:
    """The kernel's trials/s by scenario: one Budapest file per schema, or (a
    ``benchmark.json`` written before both were measured) the one ``budapest_2025``."""
    rates = figures["kernel_trials_per_second"]
    if isinstance(rates, int):
        return {"budapest_2025": rates}
    paths = figures.get("kernel_scenarios", {})
    return {f"schema {k[-1]}, {paths.get(k, k)}": v for k, v in rates.items()}


def benchmark_section() -> str:
    figures = json.loads((ROOT / "results" / "benchmark.json").read_text())
    sweep, dask, memory = figures["sweep"], figures["dask"], figures["peak_memory_mib"]
    machine, first = figures["machine"], figures["first_command_seconds"]
    rates = kernel_rates(figures)
    rows = [
        (
            f"Monte Carlo kernel ({name}, uncertainty and noise drawn in the kernel)",
            f"{rate:,} trials/s",
        )
        for name, rate in rates.items()
    ]
    rows += [
        (
            f"`summitsim sweep`, end to end ({sweep['trials']:,} trials over 21 points, "
            "process start, drawing, kernel, aggregation, checkpoints, files)",
            f"{sweep['command_trials_per_second']:,} trials/s",
        ),
        (
            "the same sweep inside one process (no start-up)",
            f"{sweep['in_process_trials_per_second']:,} trials/s",
        ),
        ("Mesa agent model, the same trials", f"{figures['mesa_trials_per_second']:,} trials/s"),
        ("kernel / Mesa model, per trial", f"{figures['kernel_over_mesa']:,} x"),
        (
            "`summitsim run scenarios/budapest_2025.yaml`, warm",
            f"{figures['run_seconds']['warm']:.2f} s",
        ),
        (
            "the same, cold (empty numba cache: compiles the rules)",
            f"{figures['run_seconds']['cold']:.2f} s",
        ),
        (
            "the same, warm, typed as `uv run summitsim run ...` (uv checks the environment first)",
            f"{figures['run_seconds']['warm_through_uv_run']:.2f} s",
        ),
        (
            "the first command, `uv run summitsim sweep ... --trials 100000`, on a fresh "
            "`git clone` (uv creates the environment from its package cache; numba compiles "
            "the kernel)",
            f"{first['fresh_clone']:.1f} s",
        ),
        (
            "of which uv installing the packages and compiling their bytecode",
            f"{first['fresh_clone_uv_install']:.1f} s and {first['fresh_clone_uv_bytecode']:.1f} s",
        ),
        (
            "the same command, installed, with an empty numba cache",
            f"{first['cold_numba_cache']:.1f} s",
        ),
        (
            "of which compiling the Monte Carlo kernel (the manifest's `compile_s`)",
            f"{first['kernel_compile']:.1f} s",
        ),
        ("the same command, warm", f"{first['warm']:.2f} s"),
        (
            "the classroom page's P(summit) curve, recomputed after a slider moves",
            f"{figures['classroom_curve_seconds']:.2f} s",
        ),
        (
            f"Dask `--workers 2` against threads ({dask['trials']:,} trials, cluster start "
            "and stop included)",
            f"{dask['workers_2_over_threads']:.2f} "
            f"({dask['workers_2_trials_per_second']:,} against "
            f"{dask['threads_trials_per_second']:,} trials/s)",
        ),
        (
            "peak memory of a sweep process, " + " and ".join(memory) + " trials",
            " and ".join(f"{v:.0f} MiB" for v in memory.values()),
        ),
    ]
    table = "| measured | value |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in rows)
    load = ", ".join(f"{x:g}" for x in figures["load_average_at_start"])
    return (
        f"On {machine['cpus']} cores ({machine['processor']}, numba {machine['numba']}, "
        f"{machine['numba_threads']} threads; load average {load} when it started), "
        f"`{figures['command']}`:\n\n{table}"
    )


PREDICTOR_WORDS = {
    "model": "model",
    "compromise": "compromise",
    "nash": "Nash",
    "winset": "win-set",
    "base_rate": "base rate",
}


def backtest_section() -> str:
    """The per-case P(observed class) and scores, the means per predictor and the best
    baseline, all read from ``results/backtest/``."""
    folder = ROOT / "results" / "backtest"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    with open(folder / "backtest.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(folder / "overall.csv", newline="", encoding="utf-8") as handle:
        overall = list(csv.DictReader(handle))
    predictors = [r["predictor"] for r in overall]
    head = "| case | observed | " + " | ".join(PREDICTOR_WORDS[p] for p in predictors) + " |"
    lines = [head, "|" + "---|" * (len(predictors) + 2)]
    by_case: dict[str, dict[str, dict[str, str]]] = {}
    for row in rows:
        by_case.setdefault(row["case"], {})[row["predictor"]] = row
    for case, mine in by_case.items():
        observed = next(iter(mine.values()))["observed"].replace("_", " ")
        cells = " | ".join(
            f"{float(mine[p]['p_observed']):.3f}" if p in mine else "-" for p in predictors
        )
        lines.append(f"| {case} | {observed} | {cells} |")
    lines += [
        "",
        "| mean over cases | " + " | ".join(PREDICTOR_WORDS[p] for p in predictors) + " |",
    ]
    lines.append("|" + "---|" * (len(predictors) + 1))
    for score in ("brier", "log"):
        word = "Brier" if score == "brier" else "log (floor 0.001)"
        lines.append(f"| {word} | " + " | ".join(f"{float(r[score]):.3f}" for r in overall) + " |")
    best = manifest["best_baseline_by_brier"]
    scores = {r["predictor"]: (float(r["brier"]), float(r["log"])) for r in overall}
    verdicts = [
        f"{'beats' if scores['model'][k] < scores[best][k] else 'does not beat'} it on the "
        f"{word} score"
        for k, word in enumerate(("Brier", "log"))
    ]
    return (
        f"P(observed class) per case ({len(by_case)} cases, {manifest['trials']:,} trials "
        f"each, seed {manifest['seed']}):\n\n"
        + "\n".join(lines)
        + f"\n\nThe best baseline by mean Brier score is **{PREDICTOR_WORDS[best]}** "
        f"(Brier {scores[best][0]:.3f}, log {scores[best][1]:.3f}); the model, with Brier "
        f"{scores['model'][0]:.3f} and log {scores['model'][1]:.3f}, {verdicts[0]} and "
        f"{verdicts[1]}.\n\n![Scored against history: per-case probability of what happened, "
        "and the model's calibration](results/backtest/backtest.png)\n"
    )


def replace_section(readme: str, marker: str, body: str) -> str:
    """Replace what stands between ``<!-- marker -->`` and ``<!-- /marker -->``."""
    pattern = rf"(<!-- {marker} -->\n).*?(<!-- /{marker} -->)"
    replaced, found = re.subn(
        pattern, lambda m: m.group(1) + body + m.group(2), readme, count=1, flags=re.S
    )
    if not found:
        raise SystemExit(f"README.md has no <!-- {marker} --> section")
    return replaced


def main() -> None:
    sections: dict[str, Callable[[], str]] = {
        "run-output": lambda: fenced(command_output("run", SCENARIO)),
        "sweep-output": lambda: fenced(command_output(*MAIN_COMMAND, "--quiet")),
        "results": results_section,
        "sensitivity": sensitivity_section,
        "backtest": backtest_section,
    }
    if (ROOT / "results" / "benchmark.json").exists():
        sections["benchmark"] = benchmark_section
    wanted = sys.argv[1:] or list(sections)
    unknown = sorted(set(wanted) - set(sections))
    if unknown:
        raise SystemExit(f"unknown section {unknown[0]!r}: allowed are {', '.join(sections)}")
    readme = README.read_text(encoding="utf-8")
    for name in wanted:
        readme = replace_section(readme, name, sections[name]())
    README.write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
