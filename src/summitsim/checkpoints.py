"""A sweep's checkpoints: its finished blocks under ``OUT/blocks/``, checked before they are
trusted, and the lock that keeps a second sweep out of a folder being written.

Every block file records the identity of the sweep it belongs to (scenario, model code,
seed, grid, trials, block size), its place in the plan (grid point, block, trials in the
block), its counts and a SHA-256 of all of that. On ``--resume`` each file is checked:

* a damaged block (empty, cut short, not a block record, its checksum wrong because it
  was edited, counts that are negative, not whole numbers or whose outcome columns do not
  add up to the block's trials, a trial count other than the plan's) is *computed again*,
  with one warning line on stderr: a crash or a bad disk can leave such a file, and the
  plan says exactly what belongs in its place;
* a block of another sweep (another seed, scenario, grid, trials or model code: a file
  copied from another folder) or outside the plan (a grid point or block the plan does not
  have) is *refused*, as bad input: the folder is not what the command says it is.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from summitsim.atomic import FILE_MODE, write_text
from summitsim.outcomes import OUTCOME_COLUMNS
from summitsim.scenario.messages import ScenarioError

PLAN_FILE = "plan.json"
#: The lock file inside ``OUT``: held (``flock``) while a sweep writes the folder; it names
#: the process holding it.
LOCK_FILE = ".summitsim-lock"

_BLOCK_NAME = re.compile(r"p(\d+)-b(\d+)\.json")
#: The identity fields a block records, the grid by its digest (a grid can be long).
_SWEEP_FIELDS = ("scenario_sha256", "model_sha256", "seed", "trials", "block_trials")


class Checkpoints:
    """The finished blocks of the sweep with ``identity`` (see ``SweepPlan.identity``) over
    ``points`` grid points, in ``OUT/blocks/``."""

    def __init__(self, out: Path, identity: Mapping[str, object], points: int) -> None:
        self.folder = out / "blocks"
        self.identity = dict(identity)
        self.points = points
        self.trials = int(identity["trials"])  # type: ignore[call-overload]
        self.block_trials = int(identity["block_trials"])  # type: ignore[call-overload]
        self.blocks = -(-self.trials // self.block_trials)
        self.sweep = {field: self.identity[field] for field in _SWEEP_FIELDS}
        self.sweep["grid_sha256"] = _digest(self.identity["grid"])

    def file(self, point: int, block: int) -> Path:
        return self.folder / f"p{point:06d}-b{block:06d}.json"

    def trials_in(self, block: int) -> int:
        """Trials of block ``block`` of a point: full blocks, the last one the rest."""
        return min(self.block_trials, self.trials - block * self.block_trials)

    def start(self, resume: bool) -> Iterator[tuple[int, int, np.ndarray]]:
        """Prepare the folder. Resuming: refuse a folder made for another plan, then yield
        ``(point, block, counts)`` of each sound finished block (a damaged one is left to
        be computed again). Otherwise clear old blocks and yield none."""
        plan_file = self.folder / PLAN_FILE
        if resume and plan_file.exists():
            self._check_plan(plan_file)
        else:
            if not resume:
                self._clear()
            write_text(plan_file, json.dumps(self.identity, indent=1))
        if resume:
            yield from self._finished()

    def _check_plan(self, plan_file: Path) -> None:
        try:
            found = json.loads(plan_file.read_bytes())
        except (ValueError, UnicodeDecodeError):
            found = None
        if not isinstance(found, dict):
            raise ScenarioError(
                file=str(plan_file),
                message="--resume refused: not a summitsim sweep plan (cut short or edited); "
                "allowed: a folder written by summitsim sweep, or a new --out folder",
            )
        mismatched = [key for key, value in self.identity.items() if found.get(key) != value]
        if mismatched:
            raise ScenarioError(
                file=str(plan_file),
                field=", ".join(mismatched),
                message="--resume refused: this folder holds a sweep with another "
                f"{', '.join(mismatched)}{_order_hint(found.get('grid'), self.identity['grid'])}"
                "; allowed: the same scenario, seed, grid (its --over flags in the same "
                "order), trials and summitsim model code, or a new --out folder",
            )

    def _clear(self) -> None:
        if self.folder.exists():
            for old in self.folder.iterdir():
                if _BLOCK_NAME.fullmatch(old.name) or old.name.startswith(".p"):
                    old.unlink()

    def _finished(self) -> Iterator[tuple[int, int, np.ndarray]]:
        for path in sorted(self.folder.iterdir()):
            name = _BLOCK_NAME.fullmatch(path.name)
            if name is None:
                continue
            point, block = int(name[1]), int(name[2])
            problem, counts = self._check_block(path, point, block)
            if problem is None:
                yield point, block, counts
            else:
                print(
                    f"summitsim sweep: warning: {path}: {problem}; this block is computed again",
                    file=sys.stderr,
                )

    def _check_block(self, path: Path, point: int, block: int) -> tuple[str | None, np.ndarray]:
        """``(None, counts)`` for a sound block of this sweep; ``(why, empty)`` for a
        damaged one; ScenarioError for a block of another sweep or outside the plan."""
        none = np.zeros(0, dtype=np.int64)
        data = path.read_bytes()
        if not data:
            return "empty (a crash can leave one)", none
        try:
            record = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return "cut short or not JSON (a crash can leave one)", none
        if not isinstance(record, dict) or not _has_fields(record):
            return "not a block record of this summitsim version", none
        if record["record_sha256"] != record_digest(record):
            return "edited after it was written (its checksum does not match)", none
        other = {
            field: (record["sweep"].get(field), value)
            for field, value in self.sweep.items()
            if record["sweep"].get(field) != value
        }
        if other:
            differences = ", ".join(
                f"its {field} is {found}, this sweep's {wanted}"
                if field in ("seed", "trials", "block_trials")
                else f"another {field}"
                for field, (found, wanted) in other.items()
            )
            raise ScenarioError(
                file=str(path),
                message=f"--resume refused: a block of another sweep ({differences}); allowed: "
                "blocks of this sweep only: remove the file, or resume its own sweep",
            )
        if (record["point"], record["block"]) != (point, block):
            return (
                f"holds grid point {record['point']} block {record['block']}, "
                "not the one its name says",
                none,
            )
        if point >= self.points or block >= self.blocks:
            raise ScenarioError(
                file=str(path),
                message=f"--resume refused: grid point {point} block {block} is outside this "
                f"sweep's plan ({self.points} grid points of {self.blocks} blocks each); "
                "allowed: blocks of this sweep only: remove the file",
            )
        return _check_counts(record, self.trials_in(block))

    def save(self, point: int, block: int, trials: int, counts: np.ndarray) -> None:
        """Write one finished block (atomically: whole or not at all)."""
        record: dict[str, object] = {
            "sweep": self.sweep,
            "point": point,
            "block": block,
            "trials_in_block": trials,
            "counts": [int(c) for c in counts],
        }
        record["record_sha256"] = record_digest(record)
        write_text(self.file(point, block), json.dumps(record))


def record_digest(record: Mapping[str, object]) -> str:
    """SHA-256 of a block record without its own checksum."""
    return _digest({key: value for key, value in record.items() if key != "record_sha256"})


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _has_fields(record: dict) -> bool:
    return (
        isinstance(record.get("sweep"), dict)
        and isinstance(record.get("record_sha256"), str)
        and all(isinstance(record.get(key), int) for key in ("point", "block", "trials_in_block"))
        and isinstance(record.get("counts"), list)
    )


def _check_counts(record: dict, trials: int) -> tuple[str | None, np.ndarray]:
    """``(None, counts)`` when the record's counts can be this block's, else why not."""
    none = np.zeros(0, dtype=np.int64)
    counts = record["counts"]
    if record["trials_in_block"] != trials:
        return f"counts {record['trials_in_block']} trials, the plan {trials}", none
    if len(counts) <= max(OUTCOME_COLUMNS) or not all(type(c) is int and c >= 0 for c in counts):
        return "its counts are not whole numbers >= 0 of every outcome", none
    if sum(counts[c] for c in OUTCOME_COLUMNS) != trials or max(counts) > trials:
        return f"its counts do not add up to its {trials} trials", none
    return None, np.array(counts, dtype=np.int64)


def _order_hint(found: object, wanted: object) -> str:
    """A note when the grids differ only in the order of their paths."""
    if not isinstance(found, list) or not isinstance(wanted, list):
        return ""
    if sorted(map(str, found)) != sorted(map(str, wanted)) or found == wanted:
        return ""
    order = ", then ".join(str(pair[0]) for pair in found)
    return f" (the same paths in another order: give --over {order})"


@contextmanager
def locked(out: Path, command: str) -> Iterator[None]:
    """Hold the lock of folder ``out`` inside (``flock`` on :data:`LOCK_FILE`, released
    by the system even if this process is killed); a ScenarioError naming the process
    that holds it if another does. ``command`` is what the lock file says of this one."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(out)) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 4096, 0).decode("utf-8", "replace").strip()
            raise ScenarioError(
                file=str(out),
                message="another summitsim sweep is writing this folder "
                f"({holder or 'process id not yet written'}); allowed: wait for it to end, "
                "or another --out folder",
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"pid {os.getpid()}: {command}\n".encode(), 0)
        yield
    finally:
        os.close(handle)
