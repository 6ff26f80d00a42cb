"""Loading the counting kernel from numba's cache, or compiling it, before a sweep's
progress bar starts: saying so on a cache miss, and timing it apart so that the speed a
sweep reports is that of its trials."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import numpy as np
from numba.core import event

from summitsim.arrays import ScenarioArrays
from summitsim.kernel import count

#: What a sweep says while numba compiles the counting kernel (its cache lacks it).
COMPILING_NOTICE = "compiling the Monte Carlo kernel (first run only)"


class _FirstCompile(event.Listener):
    """Calls ``notice()`` once, when numba starts its first compilation: numba raises the
    ``numba:compile`` event only on a cache miss, so a warm cache never calls it."""

    def __init__(self, notice: Callable[[], None]) -> None:
        self.notice: Callable[[], None] | None = notice

    def on_start(self, event: event.Event) -> None:
        if self.notice is not None:
            notice, self.notice = self.notice, None
            notice()

    def on_end(self, event: event.Event) -> None:
        pass


def warm_up(arrays: ScenarioArrays, on_compile: Callable[[], None], parallel: bool = True) -> float:
    """Load the counting kernel of :func:`count` from numba's cache, or compile it, on a
    one-trial block; ``on_compile()`` is called first if it must compile. Returns the
    seconds this took (about a millisecond when cached), so that speed figures can leave
    compilation out."""
    started = time.perf_counter()
    with event.install_listener("numba:compile", _FirstCompile(on_compile)):
        count(arrays, 1, np.zeros(2, dtype=np.uint64), parallel)
    return time.perf_counter() - started


def noticing_compilation(notice: Callable[[], None]) -> AbstractContextManager[object]:
    """Within it, ``notice()`` is called once if numba starts compiling (a cache miss):
    for the other kernels' warm-ups, as :func:`warm_up` is for the counting kernel."""
    return event.install_listener("numba:compile", _FirstCompile(notice))
