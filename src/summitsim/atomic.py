"""Whole files or none: every output is written to a temporary file beside its target,
flushed to the disk and then renamed over it, so a killed process or a power cut never
leaves a half-written file. Files get the permissions the user's umask gives a new file
(``tempfile.mkstemp`` alone would make them 0600)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _read_umask() -> int:
    # os.umask can only be read by setting it: done once, at import, before any thread
    # of this process writes a file
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


#: The mode of a new file under the process's umask, as ``open`` would create it.
FILE_MODE = 0o666 & ~_read_umask()


@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success flush it to the disk and
    rename it to ``path`` (atomic on POSIX), on failure remove it. The folder is created if
    missing. An OSError inside (a full disk, say) names ``path``, not the temporary file."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix
        )
    except OSError as error:
        raise _naming(error, target) from None
    os.close(handle)
    partial = Path(name)
    try:
        try:
            yield partial
            os.chmod(partial, FILE_MODE)
            _fsync(partial)
            os.replace(partial, target)
            _fsync(target.parent)
        except OSError as error:
            raise _naming(error, target) from None
    finally:
        partial.unlink(missing_ok=True)


def _naming(error: OSError, target: Path) -> OSError:
    """The same error, about the file the user asked for."""
    return OSError(error.errno, error.strerror or str(error), str(target))


def _fsync(path: Path) -> None:
    """Flush a file's data (or a folder's entries) to the disk."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with replacing(path) as partial:
        handle = os.open(partial, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))
