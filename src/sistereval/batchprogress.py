"""What lets a killed batch run resume: its progress file, and workers that die with it.

:class:`Progress` is the file ``.NAME.progress`` beside a batch's ``--out``
(``docs/batch.md``, "Resuming"): a header line naming the run (the input, the
output format and columns, the rule set's digest, the language and the
sistereval version) and then one JSON line per finished case, appended in input
order as the run goes, flushed at once and synced to disk every few seconds.  A
run that stops before the end, even by ``SIGKILL``, leaves it behind; the next run
with the same key reads every complete line of it and evaluates only the cases it
does not hold (a case whose input changed since is evaluated again), and a run
that completes removes it once the output is in place.

:func:`watch_parent` runs in each worker process: the worker exits when the
process that started it dies (``prctl(PR_SET_PDEATHSIG)`` on Linux, and on every
platform a thread that notices the parent is gone), so a killed batch leaves no
orphan workers, and with them its resource tracker ends too.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, NamedTuple

from .version import __version__

__all__ = ["PROGRESS_FORMAT", "Done", "Progress", "input_digest", "progress_path", "watch_parent"]

PROGRESS_FORMAT = "sistereval/batch-progress@1"
#: The most seconds between two syncs of the progress file to disk.
_SYNC_SECONDS = 2.0
#: How often (seconds) a worker looks whether its parent still lives, where prctl is missing.
_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


class Done(NamedTuple):
    """One finished case of a progress file."""

    label: str
    digest: str  # of the case's input: the file, the JSON line or the register row
    text: str  # its record, as the output writes it
    verdict: str | None
    fired: tuple[str, ...]
    error: str | None  # the error code of a failed case


def progress_path(out: str | os.PathLike[str]) -> Path:
    """The progress file of the output ``out``: ``.NAME.progress`` beside the file
    ``out`` is (through a symbolic link)."""
    target = Path(os.path.realpath(out))
    return target.parent / f".{target.name}.progress"


def input_digest(data: bytes | str) -> str:
    """The digest of one case's input, which says whether a finished case is still
    the same: the bytes of its file, its JSON line, its register row's cells."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def run_key(**parts: object) -> dict[str, object]:
    """The header of a progress file: what a run must share to reuse it."""
    return {"format": PROGRESS_FORMAT, "sistereval": __version__, **parts}


class Progress:
    """The progress file of one run: :meth:`done` what an earlier run with the same
    key finished, :meth:`add` a finished case, :meth:`records` every record in input
    order for the output."""

    def __init__(self, path: Path, key: Mapping[str, object]) -> None:
        self.path = path
        self.key = dict(key)
        self.finished: dict[tuple[str, str], int] = {}  # (label, digest) -> offset
        self.stream: IO[bytes] | None = None
        self.synced = time.monotonic()

    def __enter__(self) -> Progress:
        self.finished = self._read()
        if self.finished:
            self.stream = open(self.path, "ab")
        else:
            self.stream = open(self.path, "wb")
            self.stream.write(_line(self.key))
            self.stream.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            with contextlib.suppress(OSError):
                self._sync()
            self.stream.close()
            self.stream = None

    def _read(self) -> dict[tuple[str, str], int]:
        """The complete records of an earlier run with this key, by label and digest."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        lines = data.split(b"\n")
        if len(lines) < 2 or _load(lines[0]) != self.key:
            return {}
        found: dict[tuple[str, str], int] = {}
        offset = len(lines[0]) + 1
        for line in lines[1:-1]:  # the last piece has no newline: cut off by a kill
            record = _load(line)
            if not isinstance(record, dict) or "label" not in record:
                break  # a damaged line: nothing after it is trusted
            found[(record["label"], record["digest"])] = offset
            offset += len(line) + 1
        if offset < len(data):  # cut the unfinished tail, so appended lines start clean
            with open(self.path, "r+b") as stream:
                stream.truncate(offset)
        return found

    def done(self, label: str, digest: str) -> Done | None:
        """The finished case ``label`` of an earlier run, if its input is unchanged."""
        offset = self.finished.get((label, digest))
        return None if offset is None else self._at(offset)

    def add(self, done: Done) -> None:
        """Record one finished case (flushed at once, synced every few seconds)."""
        assert self.stream is not None
        offset = self.stream.tell()
        self.stream.write(_line(done._asdict()))
        self.stream.flush()
        self.finished[(done.label, done.digest)] = offset
        if time.monotonic() - self.synced >= _SYNC_SECONDS:
            self._sync()

    def records(self, keys: list[tuple[str, str]]) -> Iterator[Done]:
        """The finished cases ``keys`` (label, digest), in that order."""
        if self.stream is not None:
            self.stream.flush()
        with open(self.path, "rb") as stream:
            for key in keys:
                stream.seek(self.finished[key])
                yield _done(json.loads(stream.readline()))

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def _at(self, offset: int) -> Done:
        with open(self.path, "rb") as stream:
            stream.seek(offset)
            return _done(json.loads(stream.readline()))

    def _sync(self) -> None:
        assert self.stream is not None
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.synced = time.monotonic()


def _line(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


def _load(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _done(record: Mapping[str, Any]) -> Done:
    return Done(
        record["label"],
        record["digest"],
        record["text"],
        record["verdict"],
        tuple(record["fired"]),
        record["error"],
    )


# --------------------------------------------------------------------------
# Workers that end with their parent.


def watch_parent(parent: int) -> None:
    """End this worker process when its parent ``parent`` dies: the kernel sends it
    ``SIGTERM`` (Linux ``PR_SET_PDEATHSIG``), and a daemon thread exits it when the
    parent is gone (``os.getppid()`` changes) wherever that is missing."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="sistereval worker parent watch", daemon=True).start()
