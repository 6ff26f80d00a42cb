"""What the data say about the schema 2 Budapest file: the analysis commands, run on it.

Writes into ``results/budapest_2025_schema2/analysis/``, each through ``summitsim`` as a
user types it (a subprocess at the repository root, so every manifest names the file and
folder as typed):

* ``sobol/``: ``summitsim sensitivity --method sobol`` over :data:`FACTORS` (structural ones
  included: Kyiv's reservation, whether the Budapest meeting is held, the noise), base
  sample 256, 1,000 trials a point;
* ``morris/``: the same factors with ``--method morris`` (20 trajectories, cheap);
* ``discover/threshold_0.5/`` and ``discover/threshold_0.1/``: PRIM (``summitsim
  discover``) over the same factors, 400 Latin hypercube samples, for "P(summit) > 0.5"
  (the command's default) and for "P(summit) > 0.1" (a summit at all plausible: the
  file as written gives none, so the first question may have no sample of interest);
* ``whatif/LEVER.json``: ``summitsim whatif --json`` for :data:`LEVERS`;
* ``baselines.json``: ``summitsim baselines --json``;
* ``posterior/``: :func:`posterior`, ``summitsim infer`` on the file as written and on a
  variant with a uniform prior on Putin's softness from 0 to 1 (written beside its
  results); skipped, with a message, where ``summitsim infer`` does not exist yet;
* ``commands.json``: every command as typed, in the order run.

Every command uses the seed :data:`SEED`; each analysis runs the same trials at each of
its points (common random numbers), so the numbers are the same on any number of threads.
``experiments/update_readme.py data-say`` turns these files into the README section
"What the data say about Budapest".

Usage: ``uv run python experiments/budapest_analysis.py`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from summitsim.atomic import write_text
from summitsim.scenario.safe_yaml import read_document

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "summitsim")
SCENARIO = "scenarios/budapest_2025.yaml"
OUT = Path("results") / "budapest_2025_schema2" / "analysis"
SEED = 2025

#: (path, range, why this range): the factors of the Sobol', Morris and PRIM analyses.
FACTORS: tuple[tuple[str, str, str], ...] = (
    ("putin.softness", "0:1", "the whole field: how much Moscow gives up at once"),
    ("trump.patience", "0.3:0.7", "either side of the file's 0.5"),
    ("lavrov.concession", "0.25:2", "from hard Boulware to Conceder"),
    ("kyiv.reservation", "0.3:0.9", "from a Kyiv that cedes most of Donbas to one that cedes none"),
    ("budapest_prep.held", "0.01:1", "the field is (0, 1]: from nearly never to surely held"),
    ("noise", "0:0.1", "no fog to ten points of utility"),
    ("lavrov.hawkishness", "0:0.4", "a faithful Lavrov to twice the file's 0.2"),
    ("putin.mandate", "0.4:0.6", "from Putin's reservation up, either side of the file's 0.485"),
)
SOBOL_SAMPLES, MORRIS_TRAJECTORIES, POINT_TRIALS = 256, 20, 1000
DISCOVER_SAMPLES = 400
DISCOVER_THRESHOLDS = (0.5, 0.1)
LEVERS = ("putin.softness", "trump.patience", "kyiv.reservation")
WHATIF_TRIALS, BASELINE_TRIALS = 20_000, 100_000
INFER_TRIALS = 2_000_000
#: The prior the second posterior puts on Putin's softness: the whole field.
WIDE_SOFTNESS = {"uniform": [0.0, 1.0]}
# the counterfactuals asked under the posterior: a soft Moscow, and a soft Moscow with a
# Kyiv ready to give up more land (the two numbers the Sobol' indices find decisive)
POSTERIOR_WHATIFS = ("putin.softness=0.8", "putin.softness=0.8,kyiv.reservation=0.3")

#: Every command run, as typed at the repository root, for ``commands.json``.
COMMANDS: list[str] = []


def summitsim(*args: str) -> str:
    """``summitsim ARGS`` at the repository root; its standard output. A failing command
    stops the script with its own message (nothing is half-written: each command writes
    its files atomically)."""
    COMMANDS.append("uv run summitsim " + " ".join(args))
    done = subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"summitsim {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout


def factor_flags() -> list[str]:
    return [arg for path, bounds, _ in FACTORS for arg in ("--factor", f"{path}={bounds}")]


def seeded(trials: int) -> list[str]:
    return ["--trials", str(trials), "--seed", str(SEED)]


def sensitivity(method: str, samples: int) -> None:
    out = (OUT / method).as_posix()
    flags = [*factor_flags(), "--samples", str(samples), *seeded(POINT_TRIALS)]
    print(summitsim("sensitivity", SCENARIO, "--method", method, *flags, "--out", out, "--quiet"))


def discover() -> None:
    for threshold in DISCOVER_THRESHOLDS:
        out = (OUT / "discover" / f"threshold_{threshold:g}").as_posix()
        flags = [*factor_flags(), "--samples", str(DISCOVER_SAMPLES), *seeded(POINT_TRIALS)]
        flags += ["--threshold", f"{threshold:g}", "--out", out, "--quiet"]
        print(summitsim("discover", SCENARIO, *flags))


def whatif() -> None:
    for lever in LEVERS:
        out = summitsim("whatif", SCENARIO, "--lever", lever, *seeded(WHATIF_TRIALS), "--json")
        write_text(ROOT / OUT / "whatif" / f"{lever}.json", out)
        print(f"whatif {lever}: {json.loads(out)['threshold']['status']}")


def baselines() -> None:
    out = summitsim("baselines", SCENARIO, *seeded(BASELINE_TRIALS), "--json")
    write_text(ROOT / OUT / "baselines.json", out)


# -- the posterior: `summitsim infer` (section 11 of the design), where it exists ---------------


def infer_available() -> bool:
    """Whether this summitsim has the ``infer`` command."""
    done = subprocess.run([CLI, "infer", "--help"], cwd=ROOT, capture_output=True, text=True)
    return done.returncode == 0


VARIANT_HEADER = """\
# Derived from {source} by experiments/budapest_analysis.py, not
# written by hand: the file as loaded, with two changes. The prior on Putin's softness is
# widened to the whole field:
#   uncertainty: putin.softness: {wide}   (the file's: {written})
# so that `summitsim infer` asks what the observed week says about Moscow's opening with
# no opinion put in beforehand; and the observed: block keeps the cancellation by the US on
# 21-22 October but drops its sidelined line, which no trial of the file reproduces (under
# pivotal blame a faithful Lavrov fails too), so that what the cancellation alone says can
# be read. The file's comments (its reasons and sources) are in {source}; every other value
# here is that file's.
"""


def wide_softness_variant(folder: Path) -> Path:
    """The scenario with a uniform prior on ``putin.softness`` over [0, 1] and an
    ``observed:`` block without its ``sidelined`` line, written into ``folder`` and checked
    by ``summitsim validate``; its path relative to the root."""
    data: dict[str, Any] = read_document(ROOT / SCENARIO)
    written = data["uncertainty"].get("putin.softness")
    data["uncertainty"]["putin.softness"] = dict(WIDE_SOFTNESS)
    data["observed"].pop("sidelined", None)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    header = VARIANT_HEADER.format(
        source=SCENARIO,
        wide=yaml.safe_dump(WIDE_SOFTNESS, default_flow_style=True).strip(),
        written=yaml.safe_dump(written, default_flow_style=True).strip() if written else "none",
    )
    path = folder / "budapest_2025_wide_softness.yaml"
    write_text(ROOT / path, header + body)
    summitsim("validate", path.as_posix())
    return path


def posterior() -> None:
    """Two ``summitsim infer`` runs: the file as written (its own priors, every line of its
    ``observed:``) and the variant with a wide prior on Putin's softness conditioned on the
    cancellation alone. Skipped where the command does not exist."""
    if not infer_available():
        print("posterior: skipped, this summitsim has no `infer` command", file=sys.stderr)
        return
    folder = OUT / "posterior"
    runs = {"as_written": SCENARIO, "wide_softness": wide_softness_variant(folder).as_posix()}
    for name, scenario in runs.items():
        out = (folder / name).as_posix()
        changes = [f"--whatif={change}" for change in POSTERIOR_WHATIFS]
        print(summitsim("infer", scenario, *seeded(INFER_TRIALS), *changes, "--out", out))


def main() -> None:
    if (ROOT / OUT).exists():
        shutil.rmtree(ROOT / OUT)  # every file in the folder is from this run
    sensitivity("sobol", SOBOL_SAMPLES)
    sensitivity("morris", MORRIS_TRAJECTORIES)
    discover()
    whatif()
    baselines()
    posterior()
    report = {
        "scenario": SCENARIO,
        "seed": SEED,
        "factors": [{"path": p, "range": r, "why": why} for p, r, why in FACTORS],
        "commands": COMMANDS,
        "script": "uv run python experiments/budapest_analysis.py",
    }
    write_text(ROOT / OUT / "commands.json", json.dumps(report, indent=2) + "\n")
    print(f"Wrote {OUT.as_posix()}/")


if __name__ == "__main__":
    main()
