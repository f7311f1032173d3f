"""The files sistereval writes (``--out``): checked before any work, written atomically.

:func:`check_output` refuses an output that would destroy an input or cannot be
written, before anything is evaluated; :func:`atomic_write` writes a temporary
file beside the target and moves it onto the target with :func:`os.replace`, so
a reader never sees half a file and a failed run leaves the old file as it was.
A new file gets the mode the umask allows (as any other program's would), an
existing file keeps its mode, and a symbolic link is written through: its target
is replaced, the link stays (``docs/security.md``).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import UsageError

__all__ = [
    "CASE_SUFFIXES",
    "atomic_write",
    "atomic_write_bytes",
    "check_output",
    "remove_stale_temporaries",
]

#: The suffixes of case files: the files a directory input contributes.
CASE_SUFFIXES = (".yaml", ".yml", ".json")


def _path(path: str | os.PathLike[str], what: str = "path") -> Path:
    """``path`` as a :class:`~pathlib.Path`; :class:`~sistereval.errors.UsageError` for
    a NUL character, which no file name can hold, and :class:`TypeError` for a value
    that is not a path at all."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} must be a str or an os.PathLike, not {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a text path, not {type(text).__name__}")
    if "\0" in text:
        raise UsageError(f"{text!r}: a {what} cannot contain a NUL character")
    return Path(text)


def check_output(
    out: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """The file to write for ``out`` (a symbolic link resolved to its target).

    Raises :class:`~sistereval.errors.UsageError` when ``out`` is one of ``inputs``
    (the same file, by any name), would be read as a case of an input directory
    (a ``.yaml``, ``.yml`` or ``.json`` file directly in it), is a directory, or
    its directory does not exist or cannot be written.
    """
    path = _path(out, "--out")
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise UsageError(f"--out {path}: is a directory; give a file name")
    for item in inputs:
        source = _path(item, "input")
        if not source.exists():
            continue
        if target.exists() and os.path.samefile(target, source):
            raise UsageError(f"--out {path}: is the input {source}; writing it would destroy it")
        if (
            source.is_dir()
            and target.parent == Path(os.path.realpath(source))
            and target.suffix.lower() in CASE_SUFFIXES
        ):
            raise UsageError(
                f"--out {path}: is a case file of the input directory {source} "
                "(the next run would read it as a case); write it elsewhere or use "
                "another suffix"
            )
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"--out {path}: the directory {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--out {path}: the directory {folder} is not writable")
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"--out {path}: the file is not writable")
    return target


@contextlib.contextmanager
def atomic_write(out: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A text stream to a temporary file beside ``out`` (``.NAME.PID.XXXXXXXX.tmp``), moved
    onto it when the block ends without an exception and removed otherwise.

    A symbolic link is written through (its target is replaced); a new file gets
    the umask's mode, an existing one keeps its mode.  Raises
    :class:`~sistereval.errors.UsageError` when the temporary file cannot be created.
    """
    with _atomic(out, "w") as stream:
        yield stream


@contextlib.contextmanager
def atomic_write_bytes(out: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """:func:`atomic_write` for a binary file (a workbook)."""
    with _atomic(out, "wb") as stream:
        yield stream


@contextlib.contextmanager
def _atomic(out: str | os.PathLike[str], mode: str) -> Iterator[IO[Any]]:
    target = Path(os.path.realpath(_path(out, "--out")))
    temporary = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(temporary, flags, 0o666)  # the umask applies, as for any new file
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write there ({exc.strerror or exc})") from None
    try:
        encoding, newline = ("utf-8", "") if mode == "w" else (None, None)
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as stream:
            yield stream
            with contextlib.suppress(FileNotFoundError):
                os.chmod(stream.fileno(), stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def remove_stale_temporaries(out: str | os.PathLike[str]) -> list[str]:
    """Remove the temporary files that writers of ``out`` killed before the end left
    beside it (``.NAME.PID.XXXXXXXX.tmp`` whose process ``PID`` is gone, and the
    ``.NAME.XXXXXXXX.tmp`` of earlier versions); return their names.  A file of a
    writer still running is left alone."""
    target = Path(os.path.realpath(_path(out, "--out")))
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:([0-9]+)\.)?[0-9a-f]{{8}}\.tmp")
    removed: list[str] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None or entry.is_symlink() or not entry.is_file():
            continue
        if found.group(1) is not None and _alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or unknowable): not ours to clean
    return True
