"""The scenarios that ship with summitsim: ``scenarios/*.yaml``,
``scenarios/examples/*.yaml`` and the version 1 files kept in ``scenarios/v1/``, found
from the package itself, whatever the working directory.

In a clone (and its editable install) they sit in the repository beside ``src/``; an
installed wheel carries the same folder as package data (``summitsim/scenarios``, see
``pyproject.toml``).
"""

from __future__ import annotations

from pathlib import Path

#: The scenario ``summitsim demo`` opens when no file is named: the version 1 Budapest file,
#: the one the README's classroom lesson walks through.
DEFAULT_SCENARIO = "v1/budapest_2025.yaml"
_PACKAGE = Path(__file__).resolve().parent


def scenario_folder() -> Path | None:
    """The folder of the shipped scenarios: the wheel's package data, else the clone's
    ``scenarios/`` (two levels above the package, beside ``src/``); None if neither."""
    for folder in (_PACKAGE / "scenarios", _PACKAGE.parents[1] / "scenarios"):
        if (folder / DEFAULT_SCENARIO).is_file():
            return folder
    return None


def default_scenario() -> Path:
    """The shipped version 1 Budapest scenario (absolute). A missing file (a broken
    install) is left for the loader to report, named by the path it expected."""
    folder = scenario_folder()
    return (folder or _PACKAGE / "scenarios") / DEFAULT_SCENARIO


def shipped_scenarios() -> list[Path]:
    """Every shipped scenario file (absolute): the top folder's, then the examples, then
    the version 1 files, each sorted by name."""
    folder = scenario_folder()
    if folder is None:
        return []
    return [
        *sorted(folder.glob("*.yaml")),
        *sorted((folder / "examples").glob("*.yaml")),
        *sorted((folder / "v1").glob("*.yaml")),
    ]
