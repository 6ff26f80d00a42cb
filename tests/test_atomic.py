"""Whole files or none: a file reaches the disk before it replaces its target, with the
mode the umask gives, and an error names the target, not the temporary file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from summitsim import atomic


def test_the_file_is_flushed_before_it_replaces_the_target(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    fsync, replace = os.fsync, os.replace

    def recording_fsync(handle: int) -> None:
        calls.append("fsync " + os.path.basename(os.readlink(f"/proc/self/fd/{handle}")))
        fsync(handle)

    def recording_replace(source, target) -> None:
        calls.append("replace")
        replace(source, target)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)

    atomic.write_text(tmp_path / "out.json", "{}")

    assert calls[0].startswith("fsync .out.json.") and calls[1:] == [
        "replace",
        f"fsync {tmp_path.name}",
    ]
    assert (tmp_path / "out.json").read_text() == "{}"


def test_the_mode_is_the_umask_s(tmp_path: Path) -> None:
    target = atomic.write_text(tmp_path / "a.csv", "x\n")
    assert target.stat().st_mode & 0o777 == atomic.FILE_MODE
    umask = os.umask(0)
    os.umask(umask)
    assert atomic.FILE_MODE == 0o666 & ~umask


def test_a_failed_write_names_the_target_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def full(handle: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError) as raised:
        atomic.write_text(tmp_path / "summary.csv", "x\n")
    assert raised.value.filename == str(tmp_path / "summary.csv")
    assert raised.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []
