"""The pytest plugin in another project: scenarios with ``expect:`` become items, a broken
scenario is a failing item with the message ``summitsim validate`` gives, and every other
YAML file is left alone without being parsed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

# The inline runs below forget the modules they import; numpy refuses to be imported twice
# in one process, so what the scenario items use is imported once, here.
import summitsim.expectations  # noqa: F401

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
CLOSED_FORM = (ROOT / "tests" / "scenarios" / "uniform_patience.yaml").read_text("utf-8")
VALIDATE = str(Path(sys.executable).parent / "summitsim")


def validate_message(path: Path) -> str:
    """The one line ``summitsim validate PATH`` prints on stderr."""
    done = subprocess.run([VALIDATE, "validate", str(path)], capture_output=True, text=True)
    assert done.returncode == 2, done
    return done.stderr.strip()


def test_a_scenario_with_expect_is_an_item_and_passes(pytester: pytest.Pytester):
    pytester.makefile(".yaml", closed_form=CLOSED_FORM)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_an_unrelated_yaml_with_an_invalid_date_is_ignored(pytester: pytest.Pytester):
    # yaml.safe_load raises on 2025-02-30: that aborted the whole collection
    pytester.makefile(".yaml", calendar="holiday: 2025-02-30\nschema_version: 3\n")
    pytester.makefile(".yml", broken="key: [unclosed\n")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_big_data_yaml_is_skipped_without_parsing(pytester: pytest.Pytester):
    rows = "".join(f"- {{id: {i}, value: {i * 0.5}, when: 2025-01-01}}\n" for i in range(200_000))
    (pytester.path / "data.yaml").write_text("schema: data\nrows:\n" + rows, encoding="utf-8")
    assert (pytester.path / "data.yaml").stat().st_size > 7_000_000
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    began = time.perf_counter()
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert time.perf_counter() - began < 5
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("bad_yaml", "  - {date: 2030-01-05, label: Second}", "  - {date: 2030-01-05, label: [}"),
        ("bad_value", "      patience: 0.45", "      patience: 1.45"),
    ],
)
def test_a_broken_scenario_is_a_failing_item_with_the_validate_message(
    pytester: pytest.Pytester, name: str, old: str, new: str
):
    assert CLOSED_FORM.count(old) == 1
    path = pytester.makefile(".yaml", **{name: CLOSED_FORM.replace(old, new)})
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    message = validate_message(path)
    assert message.startswith(f"summitsim validate: error: {path}:")
    result.stdout.fnmatch_lines([message])


def test_keys_inside_a_text_are_not_a_scenario(pytester: pytest.Pytester):
    # both keys start lines, but inside a quoted text: the safe loader sees one string
    pytester.makefile(".yaml", notes='text: "a note\nschema: 1\nexpect: nothing"\n')
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
