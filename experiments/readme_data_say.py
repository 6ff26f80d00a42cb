"""The README section "What the data say about Budapest", read from
``results/budapest_2025_schema2/analysis/`` (written by ``budapest_analysis.py``).

Every number of the section is read here from those files; the README's own prose around
the ``<!-- data-say -->`` marker carries none. ``update_readme.py data-say`` writes it and
``tests/test_readme.py`` checks that the README still says it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from summitsim import rules
from summitsim.scenario import load_scenario
from summitsim.whatif import Reach

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = ROOT / "results" / "budapest_2025_schema2" / "analysis"
PRINCIPALS = ("trump", "putin")
BASELINE_WORDS = {"compromise": "compromise", "nash": "Nash", "winset": "win-set"}


def _p(value: float) -> str:
    """A probability to four places, or in exponent form where four places would show a
    positive number as 0."""
    return f"{value:.1e}" if 0 < value < 5e-5 else f"{value:.4f}"


def _fixed(value: float, places: int = 3) -> str:
    """``value`` to ``places`` places, without a minus sign on a number that rounds to 0."""
    text = f"{value:.{places}f}"
    return text.removeprefix("-") if float(text) == 0 else text


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _range(row: dict[str, str]) -> str:
    return f"{float(row['low']):g} to {float(row['high']):g}"


def _index(row: dict[str, str], name: str) -> str:
    return f"{_fixed(float(row[name]))} ± {float(row[f'{name}_conf']):.3f}"


def _held_differs(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bool:
    """Whether P(held)'s indices differ from P(summit)'s anywhere."""
    summit = {r["factor"]: r for r in rows if r["outcome"] == "p_summit"}
    return any(
        r[c] != summit[r["factor"]][c] for r in rows if r["outcome"] == "p_held" for c in columns
    )


def sobol_part() -> str:
    """The Sobol' table (with Morris mu* beside it), largest total index first, and what the
    sample itself shows."""
    folder = ANALYSIS / "sobol"
    manifest = _json(folder / "manifest.json")
    rows = _rows(folder / "sensitivity.csv")
    morris = {r["factor"]: r for r in _rows(ANALYSIS / "morris" / "sensitivity.csv")}
    morris_manifest = _json(ANALYSIS / "morris" / "manifest.json")
    held = _held_differs(rows, ("S1", "ST"))
    summit = sorted((r for r in rows if r["outcome"] == "p_summit"), key=lambda r: -float(r["ST"]))
    by_held = {r["factor"]: r for r in rows if r["outcome"] == "p_held"}
    head = ["factor", "range", "S1, P(summit)", "ST, P(summit)"]
    if held:
        head += ["S1, P(held)", "ST, P(held)"]
    head += ["Morris mu*", "Morris sigma"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in summit:
        cells = [f"`{row['factor']}`", _range(row), _index(row, "S1"), _index(row, "ST")]
        if held:
            cells += [_index(by_held[row["factor"]], k) for k in ("S1", "ST")]
        m = morris[row["factor"]]
        cells += [
            f"{float(m['mu_star']):.3f} ± {float(m['mu_star_conf']):.3f}",
            f"{float(m['sigma']):.3f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    points = _rows(folder / "samples.csv")
    p = [float(r["p_summit"]) for r in points]
    s1_sum = sum(max(0.0, float(r["S1"])) for r in summit)
    top = summit[:2]
    held_words = (
        "P(held)'s indices differ from P(summit)'s: both are shown"
        if held
        else "P(held)'s indices are P(summit)'s at every factor: every summit sampled is a deal"
    )
    return (
        f"**Sobol' indices** of P(summit), {len(summit)} factors, base sample "
        f"{manifest['samples']} ({len(points):,} points x {manifest['trials']:,} trials, seed "
        f"{manifest['seed']}, the same trials at every point; ± is the half-width of the 95% "
        f"bootstrap interval), beside Morris's mu* and sigma ({morris_manifest['samples']} "
        "trajectories, the same trials):\n\n" + "\n".join(lines) + "\n\n"
        f"- The largest total indices: `{top[0]['factor']}` ({float(top[0]['ST']):.3f}) and "
        f"`{top[1]['factor']}` ({float(top[1]['ST']):.3f}); the first-order indices (negative "
        f"ones as 0) add up to {s1_sum:.3f}, so the rest of the variance, "
        f"{max(0.0, 1 - s1_sum):.3f}, is factors acting together.\n"
        f"- {held_words}.\n"
        f"- Over the {len(p):,} points, P(summit) has mean {sum(p) / len(p):.4f} and is at "
        f"most {max(p):.4f}; it exceeds 0.5 at {sum(x > 0.5 for x in p)} of them.\n"
    )


def _box_lines(boxes: list[dict[str, str]], box: str) -> list[str]:
    mine = [r for r in boxes if r["box"] == box]
    first = mine[0]
    limits = ", ".join(
        f"`{r['factor']}` in [{float(r['low']):.3g}, {float(r['high']):.3g}]"
        for r in mine
        if r["restricted"] == "True"
    )
    return [
        f"  - box {box}: coverage {float(first['coverage']):.3f}, density "
        f"{float(first['density']):.3f}, mass {float(first['mass']):.3f}; "
        + (limits or "no factor restricted")
    ]


def discover_part() -> str:
    """Each PRIM question: how many samples are of interest and the boxes found."""
    lines = []
    for folder in sorted((ANALYSIS / "discover").iterdir(), key=lambda f: f.name, reverse=True):
        manifest = _json(folder / "manifest.json")
        p = [float(r["p_summit"]) for r in _rows(folder / "samples.csv")]
        boxes = _rows(folder / "boxes.csv")
        head = (
            f"- P(summit) > {manifest['threshold']:g}: {manifest['samples_of_interest']} of "
            f"{manifest['samples']} samples (P(summit) at most {max(p):.4f})"
        )
        numbers = sorted({r["box"] for r in boxes}, key=int)
        if not numbers:
            lines.append(head + ": no box.")
            continue
        lines.append(head + ":")
        for box in numbers:
            lines += _box_lines(boxes, box)
    factors = manifest["factors"]
    return (
        f"**PRIM boxes** (`summitsim discover`, {manifest['samples']} Latin hypercube samples "
        f"of the same {len(factors)} factors x {manifest['trials']:,} trials, seed "
        f"{manifest['seed']}; limits shown only where a box restricts a factor):\n\n"
        + "\n".join(lines)
        + "\n"
    )


def _reach(data: dict[str, Any]) -> Reach:
    return Reach(data["status"], data["value"], data["limit"])


def whatif_part() -> str:
    """Each lever's Monte Carlo and nominal thresholds, in the command's own words."""
    lines = [
        "| lever | as written | P(summit) as written | P(summit) at the end of the range "
        "| P(summit) reaches the target | the nominal run turns into a summit |",
        "|---|---|---|---|---|---|",
    ]
    answers = [_json(path) for path in sorted((ANALYSIS / "whatif").glob("*.json"))]
    for a in answers:
        path = a["path"]
        lines.append(
            f"| `{path}` | {a['scenario_value']:g} | {_p(a['p_at_scenario'])} | "
            f"{_p(a['p_at_limit'])} ({a['direction']} to {a['limit']:g}) | "
            f"{_reach(a['threshold']).text(path, a['direction'])} | "
            f"{_reach(a['nominal']).text(path, a['nominal_direction'])} |"
        )
    first = answers[0]
    return (
        f"**What-if thresholds** (`summitsim whatif`, target {first['target']:g}, "
        f"{first['trials']:,} trials from seed {first['seed']}; the nominal run: no noise, "
        f"every value as written, {first['nominal_outcome']}):\n\n" + "\n".join(lines) + "\n"
    )


def _approver_worth(framework: dict[str, float], scenario_path: str) -> list[tuple[str, str]]:
    """Each approver of the scenario (in file order): its id and the framework's worth to
    it, marked where it vetoes (the test of ``rules.approves`` without noise)."""
    scenario = load_scenario(ROOT / scenario_path)
    issues = [issue.id for issue in scenario.issues]
    x = np.array([framework[i] for i in issues])
    cells = []
    for approver_id, (_, approver) in scenario.approvers.items():
        ideal = np.array([approver.ideal[i] for i in issues])
        salience = np.array([approver.salience[i] for i in issues])
        worth = float(rules.utility(x, ideal, salience))
        vetoes = not rules.approves(worth, 0.0, approver.reservation)
        cells.append((approver_id, f"{worth:.3f}" + (" (vetoes)" if vetoes else "")))
    return cells


def baselines_part(scenario_path: str) -> str:
    """The simple models' frameworks and predictions beside the model's forecast, and
    what each framework is worth to the scenario's approvers."""
    report = _json(ANALYSIS / "baselines.json")
    issues = report["issues"]
    approvers = [a for a, _ in _approver_worth(report["baselines"][0]["framework"], scenario_path)]
    head = ["predictor", "framework (" + ", ".join(issues) + ")"]
    head += [f"worth to {p}" for p in PRINCIPALS] + [f"worth to {a}" for a in approvers]
    head.append("predicts")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for b in report["baselines"]:
        worth = [
            f"{b['utilities'][p]:.3f}" + ("" if b["accepted"][p] else " (rejects)")
            for p in PRINCIPALS
        ]
        worth += [cell for _, cell in _approver_worth(b["framework"], scenario_path)]
        framework = ", ".join(f"{b['framework'][i]:.2f}" for i in issues)
        cells = [BASELINE_WORDS.get(b["name"], b["name"]), framework, *worth, b["predicts"]]
        lines.append("| " + " | ".join(cells) + " |")
    model = report["model"]
    low, high = model["p_summit_ci95"]
    held_low, held_high = model["p_held_ci95"]
    nominal = model["nominal_outcome"] + (
        f" by {model['nominal_by']}" if model["nominal_by"] else ""
    )
    base = report["base_rate"]
    base_words = f"{base['value']:.3f}" if base["value"] is not None else base["note"]
    return (
        "**Baselines beside the model** (`summitsim baselines`, values as written; the "
        "baselines judge a framework by the two principals alone, the approvers' columns "
        "apply the approvers' own test to it):\n\n"
        + "\n".join(lines)
        + f"\n\n- base rate: {base_words}.\n"
        f"- the model: nominal run {nominal}; P(summit) = {_p(model['p_summit'])} "
        f"[{_p(low)}, {_p(high)}], P(held) = {_p(model['p_held'])} [{_p(held_low)}, "
        f"{_p(held_high)}] (Wilson 95%, {model['trials']:,} trials from seed {model['seed']}).\n"
    )


def _interval(row: dict[str, str], which: str) -> str:
    """Mean (and, for the posterior, median) and 90% interval of one row of posterior.csv,
    as table cells; "none kept" where no trial reproduced what happened."""
    mean = float(row[f"{which}_mean"])
    if mean != mean:  # NaN: no trial kept
        return "none kept | | " if which == "posterior" else "none kept | "
    low, high = float(row[f"{which}_q05"]), float(row[f"{which}_q95"])
    median = f" {float(row[f'{which}_median']):.4f} |" if which == "posterior" else ""
    return f"{mean:.4f} |{median} [{low:.4f}, {high:.4f}]"


def posterior_part() -> str:
    """The posterior tables of ``summitsim infer``, where its files exist; nothing else."""
    folder = ANALYSIS / "posterior"
    parts = []
    for name, words in (
        ("as_written", "the file's own priors"),
        (
            "wide_softness",
            "a uniform prior on `putin.softness` from 0 to 1, conditioned on the US "
            "cancellation of 21-22 October alone (the sidelining left out)",
        ),
    ):
        table = folder / name / "posterior.csv"
        if not table.is_file():
            continue
        rows = _rows(table)
        lines = [
            "| path | prior mean | prior 90% | posterior mean | posterior median | posterior 90% |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| `{r['path']}` | {_interval(r, 'prior')} | {_interval(r, 'posterior')} |"
            for r in rows
        ]
        manifest = _json(folder / name / "manifest.json")
        # counts with thousands separators, the rate to four figures, the seed as typed
        shapes = {"trials": ",", "kept": ",", "acceptance_rate": ".4g", "seed": "d"}
        facts = ", ".join(
            f"{key.replace('_', ' ')} {manifest[key]:{shape}}"
            for key, shape in shapes.items()
            if isinstance(manifest.get(key), int | float)
        )
        asked = "".join(
            f"- what if {', '.join(f'`{k}` = {v:g}' for k, v in w['change'].items())}: "
            f"P(summit | what happened, the change) = {w['p_summit']:.4f} "
            f"[{w['ci_low']:.4f}, {w['ci_high']:.4f}] over the kept trials\n"
            for w in manifest.get("whatif") or []
        )
        parts.append(
            f"**Posterior** (`summitsim infer`, {words}; {facts}):\n\n"
            + "\n".join(lines)
            + "\n"
            + (f"\n{asked}" if asked else "")
        )
    return "\n".join(parts)


def data_say_section() -> str:
    """The whole generated block: Sobol' and Morris, PRIM, what-if, baselines, and the
    posterior where ``summitsim infer`` wrote one, then the figures."""
    commands = _json(ANALYSIS / "commands.json")
    parts = [
        f"`{commands['script']}` on `{commands['scenario']}` (the {len(commands['commands'])} "
        f"commands it ran are listed in `{(ANALYSIS / 'commands.json').relative_to(ROOT)}`).\n",
        sobol_part(),
        discover_part(),
        whatif_part(),
        baselines_part(commands["scenario"]),
    ]
    posterior = posterior_part()
    if posterior:
        parts.append(posterior)
    figures = [
        ("Sobol' indices of P(summit), schema 2 Budapest", ANALYSIS / "sobol" / "sobol.png"),
        *(
            (f"PRIM peeling trade-off, {folder.name.replace('_', ' ')}", folder / "tradeoff.png")
            for folder in sorted((ANALYSIS / "discover").iterdir())
            if (folder / "tradeoff.png").is_file()
        ),
        ("Posterior against prior", ANALYSIS / "posterior" / "wide_softness" / "posterior.png"),
    ]
    parts.append(
        "\n".join(
            f"![{words}]({path.relative_to(ROOT).as_posix()})"
            for words, path in figures
            if path.is_file()
        )
        + "\n"
    )
    return "\n".join(parts)
