"""Bad input as one clear message: :class:`ScenarioError`, raised by every reader of
scenario files, parameter paths and flags, and the words that turn pydantic's errors into
such a message (``problem; allowed: ...``).

This room imports nothing else of the package: every other room of the input wing may
raise a ScenarioError.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

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


@dataclass(frozen=True)
class Allowed:
    """What a field accepts, in words; read by the error messages."""

    words: str


def described(value: object) -> str:
    """What a wrong value is, for messages: ``the string '0.5'``, ``a mapping``."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value if len(value) <= 40 else value[:37] + '...'!r}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def unknown(what: str, value: object, allowed: Iterable[str]) -> str:
    """``unknown side 'x'; allowed: one of a, b``."""
    listed = ", ".join(allowed) or "none"
    return f"unknown {what} {value!r}; allowed: one of {listed}"


# -- pydantic errors as messages -----------------------------------------------------------


def _unwrap(annotation: Any, metadata: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    """Strip ``Annotated`` (collecting its metadata) and ``| None`` from a type."""
    while True:
        if get_origin(annotation) is Annotated:
            base, *extra = get_args(annotation)
            annotation, metadata = base, (*metadata, *extra)
        elif get_origin(annotation) in (Union, type(int | None)):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            annotation = options[0]
        else:
            return annotation, metadata


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def field_names(model: type[BaseModel]) -> list[str]:
    """The fields of a section as a file spells them (aliases, like ``schema``)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _type_at(root: type[BaseModel], loc: Loc) -> tuple[Any, tuple[Any, ...]]:
    """The declared type (and its metadata) of the value at ``loc`` below ``root``; None if
    unknown."""
    annotation: Any = root
    metadata: tuple[Any, ...] = ()
    for part in loc:
        annotation, metadata = _unwrap(annotation, metadata)
        if _is_section(annotation):
            fields = {info.alias or name: info for name, info in annotation.model_fields.items()}
            if part not in fields:
                return None, ()
            annotation, metadata = fields[part].annotation, tuple(fields[part].metadata)
        elif get_origin(annotation) in (list, dict):
            annotation, metadata = get_args(annotation)[-1], ()
        else:
            return None, ()
    return _unwrap(annotation, metadata)


def _allowed_at(root: type[BaseModel], loc: Loc) -> str:
    """What the field at ``loc`` accepts, in words."""
    annotation, metadata = _type_at(root, loc)
    for item in metadata:
        if isinstance(item, Allowed):
            return item.words
    if _is_section(annotation):
        return "a mapping with fields " + ", ".join(field_names(annotation))
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(map(str, get_args(annotation)))
    return "see the scenario schema (design.md section 3)"


def _explain(root: type[BaseModel], detail: Mapping[str, Any]) -> str:
    """One pydantic error as ``problem; allowed: ...``."""
    kind, loc, value = detail["type"], tuple(detail["loc"]), detail.get("input")
    if kind == "value_error":
        return str(detail["ctx"]["error"])
    if kind == "missing":
        return f"required field is missing; allowed: {_allowed_at(root, loc)}"
    if kind == "extra_forbidden":
        model, _ = _type_at(root, loc[:-1])
        names = ", ".join(field_names(model)) if _is_section(model) else "none"
        return f"unknown field {loc[-1]!r}; allowed fields: {names}"
    if kind in ("too_short", "too_long"):
        return f"{detail['ctx']['actual_length']} given; allowed: {_allowed_at(root, loc)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} has characters that are not allowed; allowed: {_allowed_at(root, loc)}"
    return f"got {described(value)}; allowed: {_allowed_at(root, loc)}"


def from_validation(error: ValidationError, root: type[BaseModel]) -> ScenarioError:
    """The first of pydantic's errors in validating ``root`` as a ScenarioError (with how
    many more there were)."""
    details = error.errors(include_url=False)
    first = details[0]
    message = _explain(root, first)
    if len(details) > 1:
        message += f" (and {len(details) - 1} more)"
    return ScenarioError(message, loc=tuple(part for part in first["loc"] if part != "[key]"))
