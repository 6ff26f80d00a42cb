"""The model's fingerprint, and numba's cache keyed by it.

The fingerprint is the SHA-256 of the source of the modules that decide a trial's numbers
(the rules, the draws, the outcome codes, the table of fields, the flat layout, the
schema 2 moves and the kernel). A sweep records it so that blocks
computed by other code do not mix (``--resume``), and numba's cache lives in a folder named
after it: numba keys each cached function by its own file only, so after an edit of
``rules.py`` the kernel, which inlines the rules, would otherwise load stale compiled code.

This module imports nothing of summitsim: every module compiled with ``cache=True`` calls
:func:`key_numba_cache` before its first ``@njit``, whichever of them is imported first.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

#: The modules whose source decides a trial's numbers, in the order they are hashed.
KERNEL_SOURCES = (
    "rules.py",
    "draws.py",
    "outcomes.py",
    "scenario/fields.py",
    "arrays.py",
    "moves.py",
    "talks1.py",
    "talks.py",
    "blame.py",
    "jit_options.py",
    "kernel.py",
    # compiled beside the kernel: the observation matching and the inference summaries
    "observation.py",
    "inference.py",
)
#: Name of a cache folder: this prefix and the fingerprint's first hexadecimal digits.
CACHE_PREFIX = "summitsim-"
CACHE_DIGITS = 16

_PACKAGE = Path(__file__).resolve().parent
_keyed: Path | None = None


def model_fingerprint() -> str:
    """SHA-256 of the source of the modules that decide a trial's numbers: blocks
    computed by other code do not mix."""
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update((_PACKAGE / name).read_bytes())
    return digest.hexdigest()


def keyed_cache_dir(base: Path, fingerprint: str) -> Path:
    """The folder inside ``base`` where code of this ``fingerprint`` is cached."""
    return base / f"{CACHE_PREFIX}{fingerprint[:CACHE_DIGITS]}"


def key_numba_cache() -> Path | None:
    """Point numba's cache at the folder of the current fingerprint, once per process,
    and return it (None with the JIT off, or when no folder can be made).

    The folder is inside ``NUMBA_CACHE_DIR`` when the user set it, else in the package's
    own ``__pycache__`` (folders of earlier fingerprints there are removed: this source
    tree can no longer use them), else in numba's user-wide cache. Only numba's setting
    changes, not the environment, so processes started from here key their own cache.
    Must run before the first ``@njit(cache=True)`` decoration: numba fixes a function's
    cache folder when it decorates it.
    """
    global _keyed
    from numba.core import config as numba_config

    config: Any = numba_config  # numba makes its settings at run time: no types to check

    if config.DISABLE_JIT or _keyed is not None:
        return _keyed
    fingerprint = model_fingerprint()
    in_tree = _PACKAGE / "__pycache__"
    if config.CACHE_DIR:
        bases = [Path(config.CACHE_DIR)]
    else:
        from numba.misc.appdirs import AppDirs

        bases = [in_tree, Path(AppDirs(appname="numba", appauthor=False).user_cache_dir)]
    for base in bases:
        folder = keyed_cache_dir(base, fingerprint)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if base == in_tree:
            _remove_other_fingerprints(folder)
        config.CACHE_DIR = str(folder)
        _keyed = folder
        return folder
    return None


def _remove_other_fingerprints(current: Path) -> None:
    """Free the space of the package's cache folders of earlier source (7 MB each)."""
    for folder in current.parent.glob(f"{CACHE_PREFIX}*"):
        if folder != current and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
