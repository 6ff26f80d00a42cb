"""The reasons a scenario file gives for its numbers: every value of a principal, a
negotiator or an approver carries a comment, or sits in a block that carries one."""

from __future__ import annotations

import re

VALUE_LINE = re.compile(r"^(?P<indent>\s*)(?:- )?[\w.]+:\s*-?\d")


def value_blocks(text: str) -> list[tuple[str, list[str]]]:
    """The ``key: number`` lines of the ``sides:`` section, in blocks: a run of such lines
    at one indentation, with the line that heads it (``salience:``; empty when the line
    above is a value of another block)."""
    section = text[text.index("\nsides:\n") : text.index("\ncontacts:\n")].splitlines()
    blocks: list[tuple[str, list[str]]] = []
    indent = None
    for n, line in enumerate(section):
        match = VALUE_LINE.match(line)
        if match and blocks and indent == match["indent"] and section[n - 1] in blocks[-1][1]:
            blocks[-1][1].append(line)
        elif match:
            above = section[n - 1]
            blocks.append(("" if VALUE_LINE.match(above) else above, [line]))
        indent = match["indent"] if match else None
    return blocks


def unexplained(text: str) -> list[str]:
    """The value lines with no comment, in a block with no comment either."""
    return [
        line.strip()
        for header, values in value_blocks(text)
        if not any("#" in line for line in [header, *values])
        for line in values
        if "#" not in line
    ]
