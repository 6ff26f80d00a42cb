"""Every figure summitsim draws: one room per family of figures, one palette, one way to
save.

- :mod:`~summitsim.figures.palette`: the colours, named by role, safe for colour-blind
  readers (Okabe & Ito); every colour of every figure comes from it;
- :mod:`~summitsim.figures.save`: a figure to a file (atomically) or to PNG bytes;
- :mod:`~summitsim.figures.run`: a run's timeline for a slide (``run --plot``);
- :mod:`~summitsim.figures.panels`: the classroom page's panels;
- :mod:`~summitsim.figures.sweep`: a sweep's P(summit) curve or heat map;
- :mod:`~summitsim.figures.sensitivity`: the tornado and the Sobol'/Morris indices;
- :mod:`~summitsim.figures.discovery`: PRIM's peeling trade-off.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through pyplot, so
figures built on several threads at once (the page serves many browsers) share no state,
and nothing is left open once a figure is dropped. Commands import this package only when
they draw, so commands that draw nothing never pay for matplotlib.

Titles, labels, legends and annotations carry text from scenario files: a ``$`` there is
a dollar sign, never the start of matplotlib maths (which drops the dollars and raises on
what is not valid mathtext) nor of TeX. Importing this package sets that for the whole
process, once, before any figure module can build a text: a per-figure ``rc_context``
would not do, since it saves and restores the global settings and concurrent contexts on
the page's threads would undo each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: The settings that keep text literal (see above).
LITERAL_TEXT: dict[RcKeyType, bool] = {"text.parse_math": False, "text.usetex": False}

matplotlib.use("Agg")  # never a window, even where a library imports pyplot
matplotlib.rcParams.update(LITERAL_TEXT)
