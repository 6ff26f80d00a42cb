"""How a trial ends, and the columns of a count row: the one list of outcomes every part
of summitsim reads (the kernel counts into the columns, the model names its ending by the
words, the summary, figures and analyses read the columns by name).

At the bottom of the package (it imports nothing of summitsim), so numba code can use it:
numba reads an ``IntEnum`` member, and a module's int, as a compile-time constant.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal


class Outcome(IntEnum):
    """The outcome of a trial, by its code in the drivers."""

    SUMMIT = 0
    CANCELLED = 1
    VETOED = 2
    DEADLINE = 3
    #: the summit was held without an agreement (design-schema2.md section 6)
    NO_DEAL = 4

    @property
    def word(self) -> str:
        """The outcome as the scenario files, the account and the tables write it."""
        return self.name.lower()


#: The outcome words, in the order of the codes.
OUTCOMES: tuple[str, ...] = tuple(outcome.word for outcome in Outcome)
#: The words, as a type (a file's ``expect:`` and ``observed:``), in the order its messages
#: list them: the two outcomes in which the summit is held (with an agreement, without
#: one), then the three that end the talks otherwise (a veto may still come at the summit).
#: Spelled here, the one place outside the enum, because a type checker reads a Literal
#: only as written; tests/test_outcomes.py checks the words are the enum's.
HeldWord = Literal["summit", "no_deal"]
EndingWord = Literal["cancelled", "vetoed", "deadline"]
OutcomeWord = Literal[HeldWord, EndingWord]
#: The codes as plain ints, for the jitted drivers: a trial's outcome stays an int64 there
#: whichever branch decided it.
SUMMIT, CANCELLED, VETOED, DEADLINE, NO_DEAL = (int(outcome) for outcome in Outcome)


class Count(IntEnum):
    """The columns of a count row: summits, cancelled by side A, by B, vetoed by A, by B,
    deadlines, then A's and B's negotiator sidelined (B's column of a pair always follows
    A's: ``CANCELLED_A + side``), then summits held without a deal and summits held (with
    a deal, without one, or with a deal vetoed at the summit). Columns are only ever
    appended, so that a schema 1 count row reads as it always did."""

    SUMMIT = 0
    CANCELLED_A = 1
    CANCELLED_B = 2
    VETOED_A = 3
    VETOED_B = 4
    DEADLINE = 5
    SIDELINED_A = 6
    SIDELINED_B = 7
    NO_DEAL = 8
    HELD = 9

    @property
    def column(self) -> str:
        """The column's name, e.g. ``cancelled_a``."""
        return self.name.lower()


#: The column names of a count row, in order.
COUNT_COLUMNS: tuple[str, ...] = tuple(column.column for column in Count)
#: The columns of one outcome and deciding side each: every trial adds one to exactly one
#: of them (the sidelined and held columns are counted besides).
OUTCOME_COLUMNS: tuple[int, ...] = (
    Count.SUMMIT,
    Count.CANCELLED_A,
    Count.CANCELLED_B,
    Count.VETOED_A,
    Count.VETOED_B,
    Count.DEADLINE,
    Count.NO_DEAL,
)
#: Per side (0 = A, 1 = B): the column of its cancellations, its vetoes, its sidelining.
CANCELLED_BY = (Count.CANCELLED_A, Count.CANCELLED_B)
VETOED_BY = (Count.VETOED_A, Count.VETOED_B)
SIDELINED = (Count.SIDELINED_A, Count.SIDELINED_B)
