"""Bad input as one clear message: :class:`ScenarioError`, raised by every reader of
scenario files, parameter paths and flags."""

from collections.abc import Iterable

#: A position in the scenario's data: mapping keys and list indices, as pydantic gives them.
Loc = tuple[str | int, ...]


class ScenarioError(Exception):
    """Bad input, as one clear message: file, line (when known), field path, what is allowed.

    ``loc`` is the position in the scenario's data (``("sides", 1, "principal",
    "softness")``); ``field`` is its text (``sides[1].principal.softness``) or, for input
    that is not part of a file (``--set``, ``--over``), the text the user gave.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        loc: Loc = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.loc = tuple(loc)
        self.field = field if field is not None else (field_path(self.loc) or None)

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return ": ".join([part for part in (where, self.field) if part] + [self.message])


def field_path(loc: Iterable[str | int]) -> str:
    """The text of a data position: ``("sides", 1, "principal")`` -> ``sides[1].principal``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
