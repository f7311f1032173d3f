"""Which files a rule file may name: its ``extends``, its tests' ``case:``, its tables.

A path a rule file names is relative to the folder of that rule file and must
stay under it once every symbolic link is followed (``os.path.realpath``):
``../`` out of the folder, an absolute path, ``~``, a URL and a link pointing
outside are refused (``outside-folder``), and so is anything but a regular
file, before it is opened (``not-a-file``: a FIFO, a device such as
``/dev/stdin``, a directory).  Its name is checked first, then its type; only
then is it read (:func:`sistereval.documents.read_regular_file`, which checks
the type again on the opened file).  Files shipped with sistereval are named
by name instead (``extends: core``, ``case: bandung-namur``).  The texts are
:data:`sistereval.messages.REACH`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence

from ..errors import Location, Problem
from ..messages import REACH

__all__ = ["base_folder", "reach"]

#: What no relative path starts with: a home directory (``~``), a URL or a drive
#: (``scheme:``), an absolute or network path (``/``, ``\\``).
_FOREIGN = re.compile(r"~|[A-Za-z][A-Za-z0-9+.-]*:|[\\/]")


def base_folder(rule_file: str | None) -> str:
    """The folder the paths of ``rule_file`` are relative to: its own (the current
    directory for a rule set given as text or a mapping, ``rule_file`` None)."""
    return os.path.dirname(rule_file) if rule_file else ""


def reach(
    base: str,
    relative: str,
    *,
    what: str,
    suffixes: Sequence[str],
    loc: Location,
    code: str,
) -> tuple[str, Problem | None]:
    """``relative`` joined to the folder ``base`` (as messages show it), and the problem
    that refuses it, if any: ``code`` when it is absolute (or ``~``, a URL) or its name
    does not end in one of ``suffixes``, ``outside-folder`` when it leads out of
    ``base``, ``not-a-file`` when it names something other than a regular file.
    A path naming nothing is not refused here (the caller says it is missing).
    ``what`` names the kind of file in messages (``rule file``, ``case file``, ``table``)."""
    texts = REACH["en"]
    path = os.path.normpath(os.path.join(base, relative))
    if _FOREIGN.match(relative) or os.path.isabs(relative) or "\0" in relative:
        message = texts["absolute"].format(path=relative)
        return path, Problem(code=code, message=message, location=loc, suggestion=texts["hint"])
    if not relative.lower().endswith(tuple(suffixes)):
        message = texts["bad_name"].format(path=relative, what=what)
        hint = texts["name_hint"].format(what=what, suffixes=_or(suffixes))
        return path, Problem(code=code, message=message, location=loc, suggestion=hint)
    root = os.path.realpath(base or os.curdir)
    target = os.path.realpath(path)
    if os.path.commonpath([root, target]) != root:
        message = texts["outside"].format(path=relative)
        return path, Problem(
            code="outside-folder", message=message, location=loc, suggestion=texts["hint"]
        )
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return path, None  # missing (or unreadable): the caller reports it
    if not stat.S_ISREG(mode):
        kind = texts["directory"] if stat.S_ISDIR(mode) else texts["special"]
        message = texts["not_a_file"].format(path=relative, kind=kind)
        return path, Problem(
            code="not-a-file",
            message=message,
            location=loc,
            suggestion=texts["file_hint"].format(what=what),
        )
    return path, None


def _or(suffixes: Sequence[str]) -> str:
    return ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
