"""The files of ``summitsim infer``, atomically: ``posterior.csv`` (per free parameter,
prior and posterior mean, sd, median and 90% interval, the trials, the kept and the
acceptance rate), ``samples.csv`` (the kept draws, one column per parameter, in trial
order: all of them, or the first :func:`summitsim.inference.posterior_rows` when more are
kept), ``posterior.png`` (the corner figure) and ``manifest.json``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from summitsim.atomic import write_text
from summitsim.figures.inference import corner_figure, shown_parameters
from summitsim.figures.save import save_figure
from summitsim.inference import PRIOR_SAMPLE, SUMMARY_KEYS, Inference
from summitsim.outputs.analysis import manifest, write_manifest, write_table
from summitsim.scenario.schema import Scenario

POSTERIOR_COLUMNS = [
    "path",
    *(f"{part}_{key}" for part in ("prior", "posterior") for key in SUMMARY_KEYS),
    "trials",
    "kept",
    "acceptance_rate",
]


def inference_files(
    result: Inference, scenario: Scenario, scenario_file: str, out: Path, command_line: str
) -> dict[str, Path]:
    """Write every file of an inference under ``out``; returns them by role."""
    names = [parameter.name for parameter in result.parameters]
    written = {
        "posterior": write_table(out / "posterior.csv", POSTERIOR_COLUMNS, result.summary_rows()),
        "samples": _write_samples(out / "samples.csv", names, result),
    }
    shown = shown_parameters(result.prior, result.posterior)
    caption = f"{result.kept:,} of {result.trials:,} trials reproduce: {result.target.words}" + (
        f" ({len(shown)} of {len(names)} parameters: those it moves most)"
        if len(shown) < len(names)
        else ""
    )
    figure = corner_figure(scenario.title, names, result.prior, result.posterior, caption)
    written["figure"] = save_figure(figure, out / "posterior.png")
    found = manifest(
        "infer",
        scenario_file,
        scenario,
        result.seed,
        [],
        None,
        result.trials,
        result.computed_trials,
        result.elapsed_s,
        result.simulation_s,
        command_line=command_line,
        method="approximate Bayesian computation by exact matching on observed:",
        observed=scenario.observed.model_dump(mode="json") if scenario.observed else None,
        observed_words=result.target.words,
        kept=result.kept,
        acceptance_rate=result.acceptance_rate,
        parameters=names,
        samples_written=int(result.posterior.shape[0]),
        quantiles_from={
            "prior": int(result.prior.shape[0]),
            "posterior": int(result.posterior.shape[0]),
        },
        summary_note="means and sds are over every draw (prior) and every kept draw "
        f"(posterior); medians and 90% intervals over the first {PRIOR_SAMPLE:,} draws "
        "and the first kept draws that samples.csv holds",
        compile_s=round(result.compile_s, 3),
        whatif=[counterfactual.to_json() for counterfactual in result.counterfactuals],
        figure_parameters=[names[k] for k in shown],
    )
    if any(parameter.path.endswith(".reviews_from") for parameter in result.parameters):
        found["days_note"] = "reviews_from is in days since the start"
    written["manifest"] = write_manifest(out, found)
    return written


def _write_samples(path: Path, names: list[str], result: Inference) -> Path:
    """The kept draws as CSV, every float written to its last digit (its ``repr``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(result.posterior.tolist())
    return write_text(path, buffer.getvalue())
