"""Freed pages' memory back to the system: after Solara culls a closed tab's kernel, the
model, its figures and the page's widgets are freed inside the server, but glibc's
allocator keeps the pages it got for them, so the server's resident memory only grows
over a day of lessons (about 2.6 MiB for every tab ever opened, measured with five tabs a
round). :class:`MemoryReturn` watches the number of live pages and, whenever it falls,
collects the garbage and asks the allocator to give its free pages back
(``malloc_trim(0)``), which brought the resident memory back below its level with the
tabs open (tests/test_demo_browser.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Callable

#: How often the live pages are counted, in seconds: a count is a dictionary's length.
POLL_SECONDS = 1.0


def _trim_function() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


class MemoryReturn(threading.Thread):
    """A daemon thread: when ``live_pages()`` is smaller than at its last count, collect
    and trim. It never touches a live page's objects."""

    def __init__(self, live_pages: Callable[[], int], poll_seconds: float = POLL_SECONDS):
        super().__init__(name="summitsim-memory-return", daemon=True)
        self._live_pages, self._poll_seconds = live_pages, poll_seconds
        self._trim = _trim_function()
        self._stopping = threading.Event()
        self.returns = 0  # how many times memory was handed back (for tests)

    def run(self) -> None:
        counted = self._live_pages()
        while not self._stopping.wait(self._poll_seconds):
            now = self._live_pages()
            if now < counted:
                self.hand_back()
            counted = now

    def hand_back(self) -> None:
        """Collect the cycles a culled page left, then return the allocator's free pages."""
        gc.collect()
        if self._trim is not None:
            self._trim(0)
        self.returns += 1

    def stop(self) -> None:
        self._stopping.set()
