"""The ``expect:`` block of a scenario, asserted (``summitsim check`` and the pytest plugin).

``outcome`` (and ``by``) are compared with the nominal run; ``p_summit`` bounds with the
Monte Carlo estimate at the nominal values from ``trials`` trials seeded by ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summitsim.analysis import wilson_interval
from summitsim.scenario import Scenario


@dataclass
class Report:
    """Each assertion as a line ``PASS``/``FAIL``: what was expected, what was found."""

    scenario: str
    lines: list[tuple[bool, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.lines)

    def text(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        body = [f"  {'PASS' if ok else 'FAIL'}  {line}" for ok, line in self.lines]
        return "\n".join([f"{self.scenario}: expectations {verdict}", *body])


def check_expectations(scenario: Scenario) -> Report:
    """Assert ``scenario.expect``; a scenario without one passes with nothing checked."""
    report = Report(scenario.name)
    expect = scenario.expect
    if expect is None:
        report.lines.append((True, "no expect: block, nothing to check"))
        return report
    if expect.outcome is not None:
        report.lines.append(_check_outcome(scenario))
    if expect.p_summit is not None:
        report.lines.append(_check_p_summit(scenario))
    return report


def _check_outcome(scenario: Scenario) -> tuple[bool, str]:
    from summitsim.model import SummitModel

    expect = scenario.expect
    outcome = SummitModel(scenario).run()
    wanted = expect.outcome + (f" by {expect.by}" if expect.by else "")
    found = outcome.kind + (f" by {outcome.side}" if outcome.side else "")
    ok = outcome.kind == expect.outcome and expect.by in (None, outcome.side)
    return ok, f"nominal outcome: expected {wanted}, found {found} on {outcome.date}"


def _check_p_summit(scenario: Scenario) -> tuple[bool, str]:
    from summitsim.sweep import estimate_p_summit

    bounds, expect = scenario.expect.p_summit, scenario.expect
    summits, trials = estimate_p_summit(scenario, expect.trials, expect.seed)
    p = summits / trials
    low, high = wilson_interval([summits], [trials])
    ok = bounds.min <= p <= bounds.max
    return ok, (
        f"P(summit): expected in [{bounds.min}, {bounds.max}], found {p:.4f} "
        f"(95% interval {low[0]:.4f} to {high[0]:.4f}; {trials:,} trials, "
        f"seed {expect.seed})"
    )
