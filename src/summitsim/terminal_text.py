"""Text from a file, made safe to print on a terminal.

A scenario's title, names and labels are the user's (or a downloaded file's) text: printed
raw, a newline in them would forge a line of the output and an escape sequence would move
the cursor or colour the screen. Every printed line holding such text goes through
:func:`printable`.
"""

from __future__ import annotations

import unicodedata

#: Unicode categories a terminal acts on instead of printing: control characters (newline,
#: carriage return, escape), format characters (bidirectional overrides) and the line and
#: paragraph separators.
_ACTING_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on written as its Python escape
    (``\\n``, ``\\r``, ``\\x1b``, ``\\u202e``): text from a scenario file then stays on
    its own line and cannot move the cursor, colour the screen or forge a line."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in _ACTING_CATEGORIES
        else char
        for char in text
    )
