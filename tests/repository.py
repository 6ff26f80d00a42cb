"""Where the tests find the repository's files: absolute paths, so that a test passes from
any working directory."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The reference scenario, as a file.
BUDAPEST_FILE = ROOT / "scenarios" / "v1" / "budapest_2025.yaml"
#: The small scenarios written for the tests.
TEST_SCENARIOS = ROOT / "tests" / "scenarios"
README_FILE = ROOT / "README.md"
RESULTS = ROOT / "results"
