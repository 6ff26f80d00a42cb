"""A pytest plugin: scenario files that carry an ``expect:`` block become test items.

Installed with summitsim (entry point ``pytest11``), so ``pytest scenarios/`` in any
project asserts its scenarios the way ``summitsim check`` does. A YAML file is collected
when its top level has both ``schema`` and ``expect`` keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from summitsim.scenario import ScenarioError


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and _declares_expectations(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _declares_expectations(path: Path) -> bool:
    """Top-level keys only, read with the safe loader; unreadable files are not collected."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(document, dict) and "schema" in document and "expect" in document


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioExpectations.from_parent(self, name="expect")


class ScenarioExpectations(pytest.Item):
    """The file's expectations, checked as ``summitsim check`` does."""

    def runtest(self) -> None:
        from summitsim.expectations import check_expectations
        from summitsim.scenario import load_scenario

        report = check_expectations(load_scenario(self.path))
        if not report.passed:
            raise ExpectationFailure(report.text())

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: str | None = None
    ) -> str:
        if isinstance(excinfo.value, (ExpectationFailure, ScenarioError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"{self.path.name}: expect"


class ExpectationFailure(Exception):
    """A scenario's expect: block does not hold."""
