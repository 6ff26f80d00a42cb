"""The README cannot rot: its printed outputs and its numbers are what the code gives."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from repository import README_FILE, RESULTS, ROOT

README = README_FILE.read_text(encoding="utf-8")
CLI = str(Path(sys.executable).parent / "summitsim")
#: The version 1 file, which the README's analysis examples and version 1 results use.
BUDAPEST_V1 = "scenarios/v1/budapest_2025.yaml"


def block_after(marker: str) -> str:
    """The fenced block following ``<!-- marker -->``."""
    match = re.search(rf"<!-- {marker} -->\n```\n(.*?)```", README, re.S)
    assert match, f"no block after <!-- {marker} --> in the README"
    return match.group(1)


def section_after(marker: str) -> str:
    start = README.index(f"<!-- {marker} -->")
    return README[start : README.index("\n## ", start)]


def run(*args: str) -> str:
    """``summitsim ARGS`` as the README types it, at the repository root."""
    return subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_run_output_is_current():
    assert block_after("run-output") == run("run", "scenarios/budapest_2025.yaml")


@pytest.mark.parametrize("scenario", ["scenarios/budapest_2025.yaml", BUDAPEST_V1])
def test_softer_moscow_line_is_current(scenario):
    out = run("run", scenario, "--set", "putin.softness=0.8")
    line = out.strip().splitlines()[-1]
    assert f"`{line}`" in README


@pytest.mark.slow
def test_main_command_output_is_current(tmp_path):
    out = run(
        "sweep",
        "scenarios/budapest_2025.yaml",
        "--over",
        "putin.softness=0:1:21",
        "--trials",
        "100000",
        "--out",
        str(tmp_path),
        "--quiet",
    )
    shown = block_after("sweep-output").splitlines()
    fresh = out.splitlines()
    # every line but the speed and the output folder is reproducible to the digit
    assert shown[:-2] == fresh[:-2]
    assert shown[-1].startswith("Wrote results/budapest-2025/sweep-putin.softness/summary.csv")


def test_results_numbers_come_from_the_results_files():
    folder = RESULTS / "budapest_2025" / "softness"
    manifest = json.loads((folder / "manifest.json").read_text())
    rows = (folder / "summary.csv").read_text().splitlines()
    header = rows[0].split(",")
    baseline = manifest["baseline"]["putin.softness"]
    row = next(r.split(",") for r in rows[1:] if float(r.split(",")[0]) == baseline)
    p, low, high = (float(row[header.index(k)]) for k in ("p_summit", "ci_low", "ci_high"))
    text = section_after("results")
    assert f"({baseline:g}), P(summit) = **{p:.4f}**" in text
    assert f"{low:.4f} to {high:.4f}" in text
    tipping = manifest["tipping_point"]
    assert f"putin.softness = {tipping['value']:.4f}**" in text
    assert f"{tipping['ci_low']:.4f} to {tipping['ci_high']:.4f}" in text
    assert manifest["trials"] == 100_000 and len(manifest["grid"]["putin.softness"]) == 41


def test_sensitivity_lines_come_from_the_csv():
    import csv

    path = RESULTS / "budapest_2025" / "sensitivity" / "sensitivity.csv"
    with open(path, newline="") as handle:
        top = next(csv.DictReader(handle))
    text = section_after("sensitivity")
    assert f"`{top['path']}`" in text
    assert f"({float(top['effect']):+.4f})" in text


def test_benchmark_table_comes_from_benchmark_json():
    path = RESULTS / "benchmark.json"
    if not path.exists():
        pytest.fail("results/benchmark.json is missing: run experiments/benchmark.py")
    figures = json.loads(path.read_text())
    text = section_after("benchmark")
    rates = figures["kernel_trials_per_second"]
    for value in (
        *(rates.values() if isinstance(rates, dict) else [rates]),
        figures["sweep"]["command_trials_per_second"],
        figures["kernel_over_mesa"],
    ):
        assert f"{value:,}" in text
    assert f"{figures['run_seconds']['warm']:.2f} s" in text
    first = figures["first_command_seconds"]
    for key in ("fresh_clone", "cold_numba_cache", "kernel_compile"):
        assert f"| {first[key]:.1f} s |" in text, key  # cold and warm first commands
    assert f"| {first['warm']:.2f} s |" in text
    assert f"| {figures['infer_1e7_seconds']:.1f} s |" in text


# -- analysis commands: the printed examples are what the commands print ----------------

BUDAPEST_FILE = BUDAPEST_V1


@pytest.mark.slow
def test_infer_example_is_current(tmp_path):
    args = ["scenarios/cases/anchorage_2025.yaml", "--trials", "100000"]
    out = run(
        "infer", *args, "--whatif", "putin.reservation=0.5", "--quiet", "--out", str(tmp_path)
    )
    assert _without_written_line(block_after("infer-output")) == _without_written_line(out)
    assert "`uv run summitsim infer " + " ".join(args[:1]) in README


@pytest.mark.slow
def test_whatif_example_is_current():
    out = run("whatif", BUDAPEST_FILE, "--lever", "putin.softness", "--quiet")
    assert block_after("whatif-output") == out


def test_baselines_example_is_current():
    assert block_after("baselines-output") == run("baselines", BUDAPEST_FILE)


def _without_written_line(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("Written: ")]


@pytest.mark.slow
def test_sobol_example_is_current(tmp_path):
    factors = ["putin.softness=0:1", "trump.patience=0.3:0.7", "lavrov.concession=0.25:2"]
    factors += ["noise=0:0.1", "putin.trust=0:1"]
    out = run(
        "sensitivity",
        BUDAPEST_FILE,
        "--method",
        "sobol",
        *(arg for factor in factors for arg in ("--factor", factor)),
        "--samples",
        "256",
        "--trials",
        "1000",
        "--out",
        str(tmp_path),
        "--quiet",
    )
    assert _without_written_line(block_after("sobol-output")) == _without_written_line(out)
    assert (RESULTS / "budapest_2025" / "analysis" / "sobol" / "sobol.png").exists()


@pytest.mark.slow
def test_discover_example_is_current(tmp_path):
    factors = ["putin.softness=0:1", "trump.patience=0.3:0.7", "lavrov.concession=0.25:2"]
    out = run(
        "discover",
        BUDAPEST_FILE,
        *(arg for factor in factors for arg in ("--factor", factor)),
        "--samples",
        "300",
        "--trials",
        "1000",
        "--out",
        str(tmp_path),
        "--quiet",
    )
    assert _without_written_line(block_after("discover-output")) == _without_written_line(out)
    assert (RESULTS / "budapest_2025" / "analysis" / "discover" / "tradeoff.png").exists()


def _update_readme_section(name: str) -> str:
    sys.path.insert(0, str(ROOT / "experiments"))
    try:
        import update_readme
    finally:
        sys.path.remove(str(ROOT / "experiments"))
    return getattr(update_readme, name)()


def test_how_robust_is_the_collapse_is_what_results_say():
    match = re.search(r"<!-- robustness -->\n(.*?)<!-- /robustness -->", README, re.S)
    assert match, "no <!-- robustness --> section in the README"
    assert match.group(1) == _update_readme_section("robustness_section")
    assert (RESULTS / "budapest_2025_schema2" / "softness_curves.png").exists()


def test_scored_against_history_is_what_results_backtest_says():
    sys.path.insert(0, "experiments")
    try:
        from update_readme import backtest_section
    finally:
        sys.path.remove("experiments")
    match = re.search(r"<!-- backtest -->\n(.*?)<!-- /backtest -->", README, re.S)
    assert match, "no <!-- backtest --> section in the README"
    assert match.group(1) == backtest_section()


def test_what_the_data_say_is_what_the_analysis_results_say():
    match = re.search(r"<!-- data-say -->\n(.*?)<!-- /data-say -->", README, re.S)
    assert match, "no <!-- data-say --> section in the README"
    assert match.group(1) == _update_readme_section("data_say_section")
    analysis = RESULTS / "budapest_2025_schema2" / "analysis"
    assert (analysis / "sobol" / "sobol.png").exists()
    assert any((analysis / "discover").glob("*/tradeoff.png"))
    # the section stands between the robustness section and the backtest, as a section
    robustness, data_say = README.index("<!-- robustness -->"), README.index("<!-- data-say -->")
    assert robustness < data_say < README.index("## Scored against history")
    assert "\n## What the data say about Budapest\n" in README[robustness:data_say]


def test_the_data_say_prose_types_no_number():
    """The prose around the generated block carries no number of its own: each is read
    from the results files inside the block (paths and file names aside)."""
    start = README.index("\n## What the data say about Budapest\n")
    end = README.index("\n## ", start + 1)
    prose = re.sub(r"<!-- data-say -->.*?<!-- /data-say -->", "", README[start:end], flags=re.S)
    prose = re.sub(r"`[^`]*`", "", prose)  # paths and commands
    assert not re.findall(r"\d", prose), "a number typed into the data-say prose"
