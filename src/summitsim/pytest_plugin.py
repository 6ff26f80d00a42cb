"""A pytest plugin: scenario files that carry an ``expect:`` block become test items.

Installed with summitsim (entry point ``pytest11``), so ``pytest scenarios/`` in any
project asserts its scenarios the way ``summitsim check`` does. Other YAML files of a
project are left alone, as cheaply as possible: a ``.yaml``/``.yml`` file is looked at
only if it is a regular file whose text has ``schema:`` and ``expect:`` at the start of a
line (read from its first bytes alone when it is over the scenario size limit); only then
is it read with the scenario's safe loader, and collected when its top level has both
keys. A file that shows both keys but does not load (bad YAML, a value out of range) is
a scenario that is broken: it becomes a failing item with the message ``summitsim
validate`` gives, so a regression test never silently disappears.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from summitsim.scenario.messages import ScenarioError
from summitsim.scenario.safe_yaml import MAX_FILE_BYTES, read_document

if TYPE_CHECKING:  # the types of Node.repr_failure, which pytest does not export
    from _pytest._code.code import TerminalRepr, TracebackStyle

#: What is read of a file over the size limit to see whether it claims to be a scenario.
HEAD_BYTES = 64 * 1024
_TOP_LEVEL_KEY = re.compile(rb"^(schema|expect)[ \t]*:", re.MULTILINE)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and _declares_expectations(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _shows_both_keys(path: Path) -> bool:
    """The cheap test: a regular file with ``schema:`` and ``expect:`` starting lines."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return False
        with path.open("rb") as file:
            text = file.read(HEAD_BYTES if info.st_size > MAX_FILE_BYTES else MAX_FILE_BYTES)
    except OSError:
        return False
    return {match[1] for match in _TOP_LEVEL_KEY.finditer(text)} == {b"schema", b"expect"}


def _declares_expectations(path: Path) -> bool:
    """A scenario with an ``expect:`` block, or a broken file that shows both keys."""
    if not _shows_both_keys(path):
        return False
    try:
        document = read_document(path)
    except ScenarioError:
        return True  # it says it is a scenario: its item fails with the reason
    return isinstance(document, dict) and "schema" in document and "expect" in document


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioExpectations.from_parent(self, name="expect")


class ScenarioExpectations(pytest.Item):
    """The file's expectations, checked as ``summitsim check`` does."""

    def runtest(self) -> None:
        from summitsim.expectations import check_expectations
        from summitsim.scenario.loading import load_scenario

        report = check_expectations(load_scenario(self.path))
        if not report.passed:
            raise ExpectationFailure(report.text())

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ScenarioError):
            return f"summitsim validate: error: {excinfo.value}"
        if isinstance(excinfo.value, ExpectationFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"{self.path.name}: expect"


class ExpectationFailure(Exception):
    """A scenario's expect: block does not hold."""
