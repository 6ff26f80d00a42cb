"""A figure to a file, written atomically, or to PNG bytes for the page."""

from __future__ import annotations

import io
import os
from pathlib import Path

from matplotlib.figure import Figure

from summitsim.atomic import replacing

#: Resolution of figures written to files (slides, reports).
FILE_DPI = 150


def save_figure(figure: Figure, path: str | os.PathLike) -> Path:
    """Write ``figure`` to ``path`` (format by its extension, none: PNG) atomically:
    a temporary file, then a rename, so an interrupted save leaves no half figure."""
    with replacing(path) as partial:
        figure.savefig(
            partial,
            dpi=FILE_DPI,
            bbox_inches="tight",
            format=Path(path).suffix.lstrip(".") or "png",
        )
    return Path(path)


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes, at the figure's own resolution (the page's panels)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
