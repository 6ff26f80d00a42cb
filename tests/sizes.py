"""How many trials a Monte Carlo test runs.

The full suite (``uv run pytest``) runs the compiled kernels at each test's full size. The
coverage gate runs the same tests with ``NUMBA_DISABLE_JIT=1``, where a kernel is Python
and a trial costs about a thousand times more; there a test runs a tenth of its trials:
every line and branch it reaches is the same, and its assertions, exact equalities or
bands of standard errors computed from the number of trials, hold at either size.
"""

from __future__ import annotations

from numba import config

#: Whether the kernels run as Python (the coverage gate).
JIT_OFF = bool(config.DISABLE_JIT)


def trials(full: int) -> int:
    """``full`` with the kernels compiled, a tenth of it without."""
    return max(1, full // 10) if JIT_OFF else full
