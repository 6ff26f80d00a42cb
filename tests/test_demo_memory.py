"""The classroom server hands a freed page's memory back to the system: the watcher
collects and trims when, and only when, the number of live pages falls."""

from __future__ import annotations

import time

from summitsim.demo.memory import MemoryReturn, _trim_function


def test_memory_is_handed_back_only_when_pages_are_freed() -> None:
    counts = iter([3, 3, 4, 2, 2, 0, 5])  # two falls: 4 -> 2 and 2 -> 0
    last = [3]

    def live_pages() -> int:
        last[0] = next(counts, last[0])
        return last[0]

    watcher = MemoryReturn(live_pages, poll_seconds=0.01)
    watcher.start()
    deadline = time.monotonic() + 10
    while last[0] != 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    watcher.stop()
    watcher.join(timeout=5)
    assert not watcher.is_alive()
    assert watcher.returns == 2


def test_glibc_trim_is_found_on_this_system() -> None:
    trim = _trim_function()
    assert trim is not None  # the Linux machines summitsim is served from run glibc
    assert trim(0) in (0, 1)  # 1 when memory was released, 0 when there was none
