"""The one palette of every figure, named by what a colour stands for.

The hues are Okabe & Ito's eight colours ("Color Universal Design", 2002; Wong 2011,
"Points of view: Color blindness", Nature Methods 8: 441), told apart by readers with any
common colour-vision deficiency, plus four greys. Side A and side B are blue and
vermillion, the pair that stays apart under protanopia, deuteranopia and tritanopia;
figures repeat with line styles, markers or hatching what colour says where two colours
share a chart. Heat maps use ``cividis``, a colour map made to read the same with and
without colour vision (Nuñez, Anderton & Renslow 2018, PLoS ONE 13: e0199239).
"""

from __future__ import annotations

from summitsim.outcomes import Outcome

# -- the hues (Okabe & Ito) and the greys ----------------------------------------------
BLACK = "#000000"
ORANGE = "#e69f00"
SKY_BLUE = "#56b4e9"
BLUISH_GREEN = "#009e73"
YELLOW = "#f0e442"
BLUE = "#0072b2"
VERMILLION = "#d55e00"
REDDISH_PURPLE = "#cc79a7"
DARK_GREY = "#555555"
GREY = "#999999"
LIGHT_GREY = "#cccccc"
WHITE = "#ffffff"

# -- roles ------------------------------------------------------------------------------
#: The two sides, in the scenario's order.
SIDE_A = BLUE
SIDE_B = VERMILLION
SIDES = (SIDE_A, SIDE_B)

#: Outcomes (a sweep's shares, a run's events) and the other events of a run.
SUMMIT = BLUISH_GREEN
CANCELLED = VERMILLION
VETOED = ORANGE
DEADLINE = GREY
OUTCOMES = {
    Outcome.SUMMIT: SUMMIT,
    Outcome.CANCELLED: CANCELLED,
    Outcome.VETOED: VETOED,
    Outcome.DEADLINE: DEADLINE,
}
#: A summit held without an agreement (schema 2): the one hue left, so always drawn with a
#: hatch or an outline as well, and its words in :data:`INK` (yellow on white is unreadable).
NO_DEAL = YELLOW
#: P(held) beside P(summit) on a sweep's curve: drawn dashed, so that it stays apart in grey.
HELD = BLUE
SIDELINED = REDDISH_PURPLE
CONSEQUENCE = SKY_BLUE
CONTACT = DARK_GREY
#: By the kind of an account's event: the outcome words, then the other events.
EVENTS = {
    **{outcome.word: colour for outcome, colour in OUTCOMES.items()},
    Outcome.NO_DEAL.word: NO_DEAL,
    "sidelined": SIDELINED,
    "consequence": CONSEQUENCE,
    "contact": CONTACT,
}

#: The page's utility space: the zone both sides would accept and the framework agreed.
AGREEMENT = BLUISH_GREEN
FRAMEWORK = ORANGE

#: The scenario as written (its own values, the page's current value), the tipping point,
#: and what is text or a frame.
AS_WRITTEN = BLACK
TIPPING = BLACK
INK = BLACK
#: Secondary text and lines: scale words, patience, reference lines, the path of offers.
MUTED = DARK_GREY
#: What is not there yet or only for orientation: contacts not yet held, the 0.5 line.
FAINT = GREY
#: Background of the data: the cloud of possible positions, the range of a tornado bar.
BACKDROP = LIGHT_GREY
PAPER = WHITE

#: Two quantities side by side (sensitivity indices, a step lower and a step higher).
FIRST = BLUE
SECOND = VERMILLION


def text_colour(colour: str) -> str:
    """The colour to write words in beside a mark of ``colour``: the mark's own colour, but
    for yellow, which is too light to read on white paper."""
    return INK if colour == YELLOW else colour


#: The colour map of P(summit) over two parameters.
HEAT_MAP = "cividis"

#: Every colour a figure may use (the test of the palette reads this).
COLOURS = frozenset(
    {
        BLACK,
        ORANGE,
        SKY_BLUE,
        BLUISH_GREEN,
        YELLOW,
        BLUE,
        VERMILLION,
        REDDISH_PURPLE,
        DARK_GREY,
        GREY,
        LIGHT_GREY,
        WHITE,
    }
)
