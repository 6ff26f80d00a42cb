"""CITATION.cff follows the Citation File Format 1.2.0 and agrees with pyproject.toml, and
LICENSE is the MIT licence the project declares."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_citation_file_has_what_cff_1_2_0_requires() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # required keys of CFF 1.2.0, and only keys the format defines
    assert {"cff-version", "message", "title", "authors"} <= set(citation)
    assert set(citation) <= {
        "cff-version", "message", "title", "authors", "abstract", "type", "version",
        "date-released", "license", "keywords", "repository-code", "url", "doi",
    }  # fmt: skip
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] in ("software", "dataset")
    assert citation["title"] == "summitsim" == PROJECT["name"]
    assert citation["authors"] == [{"name": "The summitsim developers"}]  # an entity
    assert str(citation["version"]) == PROJECT["version"]
    assert citation["license"] == PROJECT["license"]["text"] == "MIT"
    # a quoted date: YAML would otherwise make it a date object, which CFF's schema reads
    # as a string of the form YYYY-MM-DD either way
    assert datetime.date.fromisoformat(citation["date-released"]) == datetime.date(2026, 12, 1)
    assert citation["message"].strip()


def test_licence_is_mit_with_the_developers_copyright() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2025-2026 The summitsim developers\n")
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
