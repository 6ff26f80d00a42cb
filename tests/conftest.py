"""What every test module shares, whatever the working directory pytest is started from.

The tests' helper modules (``repository``, ``commands``, ``processes``) sit beside the test
modules and are imported by name: this folder goes on ``sys.path`` first, so they import
the same way under any import mode. Test modules never import each other.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

# Python 3.12 starts a child with vfork() and lets other threads run meanwhile (it drops
# the GIL: python/cpython#104372); a test that starts commands from several threads at
# once (tests/commands.py's Batch) then, rarely, saw exec fail with EFAULT ("Bad
# address"). fork() has no such race; the flag is the failsafe CPython provides for it
# (python/cpython#91490; Python 3.14 no longer has it, hence the test).
if hasattr(subprocess, "_USE_VFORK"):
    subprocess._USE_VFORK = False
