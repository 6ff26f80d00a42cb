"""What every test module shares, whatever the working directory pytest is started from.

The tests' helper modules (``repository``, ``commands``, ``processes``) sit beside the test
modules and are imported by name: this folder goes on ``sys.path`` first, so they import
the same way under any import mode. Test modules never import each other.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
