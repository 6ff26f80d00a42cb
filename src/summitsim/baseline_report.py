"""``summitsim baselines``: what simple models predict for a scenario, beside the model.

Every baseline reads the scenario's values as written (no uncertainty, no noise): the
principals' ideals and normalised saliences, their reservations, and the negotiators'
floors ``f_j = r_j + h_j (1 - r_j)``. Each gives a framework, its value to each principal,
whether each accepts it (``u_j >= r_j``) and its prediction: a summit when both accept.
The frameworks and predictions come from :mod:`summitsim.baselines`.

The base rate (how often such summits are held) needs a library of past cases; a single
file has none, so none is given. The scenario's own Monte Carlo P(summit) is not a base
rate: it is the model's forecast, printed beside the baselines as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summitsim import rules
from summitsim.analysis import wilson_interval
from summitsim.baselines import Baseline, compromise_baseline, nash_baseline, winset_baseline
from summitsim.factors import counts_at, outcome_counts
from summitsim.outcomes import Outcome
from summitsim.scenario.schema import Scenario
from summitsim.terminal_text import printable

NO_BASE_RATE = "no base rate without a case library"
FRAMEWORKS = {
    "compromise": "the compromise model: issue by issue, the salience-weighted mean of the "
    "two ideals",
    "nash": "the Nash bargaining solution on the Pareto frontier, the reservations as "
    "disagreement point",
    "winset": "the win-set overlap rule: a framework worth both negotiators' floors "
    "(shown: the Nash point with the floors as disagreement point)",
}


@dataclass(frozen=True)
class Preferences:
    """The numbers the baselines read, in side order."""

    principals: tuple[str, str]
    issues: list[str]
    ideals: np.ndarray  # (2, K)
    saliences: np.ndarray  # (2, K), rows sum to 1
    reservations: np.ndarray  # (2,)
    floors: np.ndarray  # (2,)


def preferences(scenario: Scenario) -> Preferences:
    """The principals' ideals, normalised saliences and reservations, and the floors."""
    issues = scenario.issue_ids
    principals = [side.principal for side in scenario.sides]
    reservations = np.array([p.reservation for p in principals])
    hawkishness = np.array([scenario.hawkishness(j) for j in range(2)])
    return Preferences(
        principals=(principals[0].id, principals[1].id),
        issues=issues,
        ideals=np.array([[p.ideal[k] for k in issues] for p in principals]),
        saliences=np.array([p.weights(issues) for p in principals]),
        reservations=reservations,
        floors=np.array([rules.floor(r, h) for r, h in zip(reservations, hawkishness)]),
    )


def all_baselines(found: Preferences) -> list[Baseline]:
    """The compromise, Nash and win-set baselines, in that order."""
    args = (found.ideals, found.saliences, found.reservations)
    return [
        compromise_baseline(*args),
        nash_baseline(*args),
        winset_baseline(*args, found.floors),
    ]


def report(scenario: Scenario, trials: int, seed: int) -> dict[str, object]:
    """The baselines and the model's own forecast, as one JSON-ready object."""
    from summitsim.whatif import nominal_outcome

    found = preferences(scenario)
    rows = []
    for baseline in all_baselines(found):
        framework = baseline.framework
        rows.append(
            {
                "name": baseline.name,
                "framework_rule": FRAMEWORKS[baseline.name],
                "framework": None
                if framework is None
                else {k: float(v) for k, v in zip(found.issues, framework)},
                "utilities": None
                if baseline.utilities is None
                else dict(zip(found.principals, baseline.utilities)),
                "accepted": dict(zip(found.principals, baseline.accepted)),
                "predicts": "summit" if baseline.predicts_summit else "no summit",
            }
        )
    outcome, side = nominal_outcome(scenario)
    counts = outcome_counts(counts_at(scenario, [], [[]], trials, seed), scenario)
    model: dict[str, object] = {
        "nominal_outcome": Outcome(outcome).word,
        "nominal_by": scenario.side_ids[side] if side >= 0 else None,
        "trials": trials,
        "seed": seed,
    }
    for name, k in counts.items():
        low, high = wilson_interval(k, np.array([trials]))
        model[name] = float(k[0] / trials)
        model[f"{name}_ci95"] = [float(low[0]), float(high[0])]
    return {
        "scenario": scenario.name,
        "title": scenario.title,
        "scenario_sha256": scenario.sha256,
        "issues": found.issues,
        "principals": list(found.principals),
        "reservations": dict(zip(found.principals, map(float, found.reservations))),
        "floors": dict(zip(found.principals, map(float, found.floors))),
        "baselines": rows,
        "base_rate": {"value": None, "note": NO_BASE_RATE},
        "model": model,
    }


def report_text(found: dict[str, object]) -> str:
    """The report for the terminal: one block per baseline, then the model."""
    principals = found["principals"]
    lines = [
        f"Baselines for {printable(found['title'])} (values as written; issues: "
        f"{', '.join(found['issues'])})",
        "  reservations "
        + ", ".join(f"{p} {found['reservations'][p]:.3f}" for p in principals)
        + "; negotiators' floors "
        + ", ".join(f"{p} {found['floors'][p]:.3f}" for p in principals),
        "",
    ]
    for row in found["baselines"]:
        lines.append(f"{row['name']:>10}: {row['framework_rule']}")
        if row["framework"] is None:
            lines.append(f"{'':>12}no framework exists; predicts {row['predicts']}")
            continue
        where = ", ".join(f"{k} {v:.3f}" for k, v in row["framework"].items())
        worth = ", ".join(
            f"{p} {row['utilities'][p]:.3f} ({'accepts' if row['accepted'][p] else 'refuses'})"
            for p in principals
        )
        lines.append(f"{'':>12}framework: {where}")
        lines.append(f"{'':>12}worth: {worth}; predicts {row['predicts']}")
    model = found["model"]
    by = f" by {model['nominal_by']}" if model["nominal_by"] else ""
    lines += [
        f"{'base rate':>10}: {found['base_rate']['note']}",
        "",
        f"{'model':>10}: nominal run {model['nominal_outcome']}{by}; "
        f"P(summit) = {model['p_summit']:.4f} "
        f"[{model['p_summit_ci95'][0]:.4f}, {model['p_summit_ci95'][1]:.4f}], "
        f"P(held) = {model['p_held']:.4f} "
        f"[{model['p_held_ci95'][0]:.4f}, {model['p_held_ci95'][1]:.4f}]",
        f"{'':>12}(Wilson 95% intervals; {model['trials']:,} trials from seed {model['seed']})",
    ]
    return "\n".join(lines)
