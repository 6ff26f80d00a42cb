"""What every command's flags share: the exit status of bad input and the argparse types
that check a flag's value before anything runs (one line naming the flag and what is
allowed, exit status 2)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

BAD_INPUT = 2


def whole_number(minimum: int, limit: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum`` (and below ``limit``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum or (limit is not None and value >= limit):
            allowed = f">= {minimum}" if limit is None else f"from {minimum} to {limit - 1}"
            raise argparse.ArgumentTypeError(
                f"{value} is not allowed; allowed: a whole number {allowed}"
            )
        return value

    return parse


positive_int = whole_number(1)
#: Seeds are 64-bit (summitsim.draws.SEED_LIMIT, written out to keep numpy unimported here).
seed = whole_number(0, 1 << 64)


def non_empty(what: str) -> Callable[[str], str]:
    """An argparse type: any text but the empty one."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"an empty value is not allowed; allowed: {what}")
        return text

    return parse


def figure_file(text: str) -> str:
    """An argparse type: a file name matplotlib can write, by its extension (none: PNG),
    checked before anything runs."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value is not allowed; allowed: a file name")
    if Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; allowed: a file name, e.g. run.png")
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    suffix = Path(text).suffix.lstrip(".").lower()
    if suffix and suffix not in formats:
        raise argparse.ArgumentTypeError(
            f"{text}: .{suffix} is not a figure format; allowed: a file name ending in "
            + ", ".join(f".{name}" for name in sorted(formats))
        )
    return text


#: The highest TCP port number.
_MAX_PORT = 65_535


def port(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    value = positive_int(text)
    if value > _MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"{value} is not allowed; allowed: a port from 1 to {_MAX_PORT}"
        )
    return value


def share(open_low: bool, open_high: bool) -> Callable[[str], float]:
    """An argparse type: a probability in [0, 1] with the given ends open."""
    allowed = f"a number in {'(' if open_low else '['}0, 1{')' if open_high else ']'}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a number; allowed: {allowed}"
            ) from None
        if not (0 < value if open_low else 0 <= value) or not (
            value < 1 if open_high else value <= 1
        ):
            raise argparse.ArgumentTypeError(f"{value:g} is not allowed; allowed: {allowed}")
        return value

    return parse
