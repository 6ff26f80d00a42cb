"""The README's examples run where its reader types them: at the repository root.

(The tests' own shared setup is ``tests/conftest.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _readme_examples_at_the_repository_root(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if request.node.path == ROOT / "README.md":
        monkeypatch.chdir(ROOT)
