"""The entry points of the input wing: a :class:`Scenario` from a file, from YAML text or
from parsed data, with every check.

Each reads safely (:mod:`.safe_yaml`), validates the fields (pydantic, :mod:`.schema`),
then runs the cross-checks between fields (:mod:`.checks`); any bad input raises
:class:`ScenarioError` naming the file, the line where the YAML gives it, the field path
and what is allowed.
"""

import hashlib
import os
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from summitsim.scenario.checks import cross_check
from summitsim.scenario.messages import ScenarioError, described, field_names, from_validation
from summitsim.scenario.safe_yaml import LineMap, read_text, read_yaml
from summitsim.scenario.schema import Scenario

#: What ``read()`` of :func:`_build` returns: the data, and the line map when there is one.
Read = Callable[[], tuple[Any, LineMap | None]]


def _validate(data: Any) -> Scenario:
    """The data as a Scenario: every field by pydantic, then the cross-checks."""
    if data is None:
        raise ScenarioError(
            "the file is empty; allowed: a YAML mapping with fields "
            + ", ".join(field_names(Scenario))
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"the top level is {described(data)}; allowed: a mapping with "
            "fields " + ", ".join(field_names(Scenario)),
            line=1,
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise from_validation(error, Scenario) from None
    # Only once every field is valid, as pydantic ran them before (an "after" validator).
    cross_check(scenario)
    return scenario


def _build(source: str, sha256: str, read: Read) -> Scenario:
    """Run ``read()`` (which returns the data and the line map, or raises) and validate,
    naming ``source`` and the line in any error."""
    lines: LineMap | None = None
    try:
        data, lines = read()
        scenario = _validate(data)
    except ScenarioError as error:
        error.file = error.file or source
        if error.line is None and lines is not None and error.loc:
            error.line = lines.line(error.loc)
        raise
    scenario._source = source
    scenario._sha256 = sha256
    return scenario


def parse_scenario(text: str, source: str = "<string>") -> Scenario:
    """A scenario from YAML text; ``source`` names it in messages. Raises ScenarioError."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _build(source, digest, lambda: read_yaml(text))


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """A scenario from a YAML file (UTF-8). Raises ScenarioError for any bad input,
    including a missing file, a directory, a FIFO or device, or a file that is too large."""
    name = os.fspath(path)
    content, text = read_text(name)
    return _build(name, hashlib.sha256(content).hexdigest(), lambda: read_yaml(text))


def scenario_from_data(
    data: Mapping[str, Any], *, source: str = "<data>", sha256: str = ""
) -> Scenario:
    """A scenario from already-parsed data (as :meth:`Scenario.model_dump` with
    ``by_alias=True`` gives it), with every check; errors name ``source`` but no line."""
    return _build(source, sha256, lambda: (dict(data), None))
