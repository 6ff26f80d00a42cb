"""Fill the README's measured sections from the project's own outputs.

Each section follows a marker comment (``<!-- name -->``) and is rewritten whole:

* ``run-output``: what ``summitsim run scenarios/budapest_2025.yaml`` (schema 2) prints;
* ``sweep-output``: what the README's main command prints (on the same file);
* ``robustness``: how robust the schema 2 file's collapse is, and the softness curves'
  tipping points, read from ``results/budapest_2025_schema2/`` (written by
  ``budapest_robustness.py``);
* ``results``: P(summit) at the baseline and the tipping point of the version 1 file, read
  from ``results/budapest_2025/softness/`` (written by ``softness_sweep.py``);
* ``sensitivity``: the largest effects in ``results/budapest_2025/sensitivity/``
  (written by ``sensitivity.py``);
* ``benchmark``: the table of ``results/benchmark.json`` (written by ``benchmark.py``);
* ``backtest``: the per-case and overall scores of ``results/backtest/`` (written by
  ``backtest.py``);
* ``data-say``: the Sobol' and Morris indices, PRIM boxes, what-if thresholds, baselines
  (and posterior, where one was written) of ``results/budapest_2025_schema2/analysis/``
  (written by ``budapest_analysis.py``; the text is built in ``readme_data_say.py``).

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

from readme_data_say import data_say_section

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CLI = str(Path(sys.executable).parent / "summitsim")
#: The reference scenario (schema 2): the README's story and its main command.
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


def _share(row: dict[str, float], share: str) -> str:
    return (
        f"{row[f'p_{share}']:.4f} [{row[f'p_{share}_ci_low']:.4f}, {row[f'p_{share}_ci_high']:.4f}]"
    )


def _tipping_words(curve: dict[str, object], word: str) -> str:
    tipping = curve["tipping_point"]
    if not isinstance(tipping, dict):
        return (
            f"- {word}: P(summit) never reaches 0.5 for any softness from 0 to 1 (at most "
            f"**{curve['max_p_summit']:.4f}**): no tipping point.\n"
        )
    return (
        f"- {word}: P(summit) = 0.5 at **putin.softness = {tipping['value']:.4f}** (95% "
        f"interval {tipping['ci_low']:.4f} to {tipping['ci_high']:.4f}).\n"
    )


def robustness_section() -> str:
    """The table of ``results/budapest_2025_schema2/robustness.json``, the tipping points of
    the three softness curves and the figure."""
    folder = ROOT / "results" / "budapest_2025_schema2"
    report = json.loads((folder / "robustness.json").read_text(encoding="utf-8"))
    shares = report["shares"]
    keys = [key.removeprefix("p_") for key in shares]
    lines = [
        "| case | " + " | ".join(shares.values()) + " |",
        "|" + "---|" * (len(shares) + 1),
    ]
    lines += [
        f"| {row['change']} | " + " | ".join(_share(row, key) for key in keys) + " |"
        for row in report["cases"]
    ]
    cases = report["cases"]
    cancelled = [row["p_cancelled_by_us"] for row in cases]
    lowest, highest = (
        cases[int(min(range(len(cases)), key=cancelled.__getitem__))],
        cases[int(max(range(len(cases)), key=cancelled.__getitem__))],
    )
    outcome_keys = ("cancelled_by_us", "summit", "vetoed_by_us", "deadline")
    first = sum(
        all(row["p_cancelled_by_us"] >= row[f"p_{key}"] for key in outcome_keys) for row in cases
    )
    by_case = {row["case"]: row for row in cases}
    with_kyiv = [row for row in cases if row["case"] != "without_kyiv"]
    curves = report["curves"]
    return (
        f"P(outcome) with Wilson 95% intervals, {report['trials']:,} trials per case from "
        f"seed {report['seed']}, each case one change to the file:\n\n" + "\n".join(lines) + "\n\n"
        f"- P(cancelled by the US) lies between **{lowest['p_cancelled_by_us']:.4f}** "
        f"({lowest['change']}) and **{highest['p_cancelled_by_us']:.4f}** "
        f"({highest['change']}); it is the most likely outcome in {first} of the "
        f"{len(cases)} cases.\n"
        f"- P(summit) is at most **{max(row['p_summit'] for row in with_kyiv):.4f}** in every "
        f"case with Kyiv's consent, and {by_case['without_kyiv']['p_summit']:.4f} without "
        "it.\n"
        f"- P(Lavrov sidelined) is at most **{max(r['p_sidelined_lavrov'] for r in with_kyiv):.4f}"
        f"** in every case with Kyiv's consent, and "
        f"{by_case['without_kyiv']['p_sidelined_lavrov']:.4f} without it.\n"
        + _tipping_words(curves["version_1"], "Version 1 file")
        + _tipping_words(curves["schema_2"], "Schema 2 file")
        + _tipping_words(curves["schema_2_without_kyiv"], "Schema 2 file without Kyiv's consent")
        + "\n![P(summit) against Putin's softness: version 1, schema 2, schema 2 without Kyiv]"
        "(results/budapest_2025_schema2/softness_curves.png)\n"
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
            "`summitsim run scenarios/v1/budapest_2025.yaml`, warm",
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
            "`summitsim infer scenarios/budapest_2025.yaml --trials 10000000`, warm, "
            "process start and files included",
            f"{figures['infer_1e7_seconds']:.1f} s",
        ),
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
        f"`{figures['command']}`:\n\n{table}\n{targets_words(figures)}\n"
    )


def targets_words(figures: dict) -> str:
    """Which of the issues' speed targets this run met, read from the figures."""
    schema2 = figures["kernel_trials_per_second"]
    schema2 = schema2.get("schema2") if isinstance(schema2, dict) else None
    checks = [
        (
            "the end-to-end sweep, 3,000,000 trials/s",
            figures["sweep"]["command_trials_per_second"] >= 3_000_000,
        ),
        (
            "the first command on a fresh clone, 2 minutes",
            figures["first_command_seconds"]["fresh_clone"] < 120,
        ),
        ("`infer` with 10^7 draws, 10 s", figures["infer_1e7_seconds"] < 10),
    ]
    if schema2 is not None:
        checks.insert(
            1, ("the schema 2 kernel on Budapest, 2,000,000 trials/s", schema2 >= 2_000_000)
        )
    met = [name for name, ok in checks if ok]
    missed = [name for name, ok in checks if not ok]
    words = "Targets in this run: " + ("met: " + "; ".join(met) if met else "none met")
    return words + (f"; not met: {'; '.join(missed)}." if missed else ".")


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
        "robustness": robustness_section,
        "results": results_section,
        "sensitivity": sensitivity_section,
        "backtest": backtest_section,
        "data-say": data_say_section,
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
