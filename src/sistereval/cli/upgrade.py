"""``sistereval upgrade CASE...``: rewrite ``case@1`` files as ``case@2``, losslessly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

from ..cases import CASE_FORMAT, CASE_FORMAT_V1, upgrade_file
from ..errors import CaseError
from ..messages import UPGRADE, texts
from ..outfile import atomic_write
from .common import FAILED, INVALID, OK, Commands, add_lang_option

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "upgrade",
        help=f"rewrite {CASE_FORMAT_V1} case files as {CASE_FORMAT}",
        description=f"Rewrite {CASE_FORMAT_V1} case files as {CASE_FORMAT}, in place. Only the "
        "format line changes, and an as_of line is added when the file has none (the date "
        f"{CASE_FORMAT_V1} measured durations to), so comments and layout are kept and the "
        "case evaluates as before. A file is rewritten only when the new text reads back as "
        "the same case. Exit 0 when every file is current or upgraded, 1 with --check when "
        "some file needs upgrading, 2 when a file is invalid.",
    )
    parser.add_argument("cases", nargs="+", metavar="CASE", help="a case file (.yaml, .yml, .json)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if some file would be upgraded",
    )
    parser.add_argument(
        "--stdout", action="store_true", help="print the upgraded text instead of rewriting"
    )
    add_lang_option(parser)
    parser.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    t = texts(UPGRADE, args.lang)
    status = OK
    for name in args.cases:
        try:
            result = upgrade_file(Path(name), file=name)
        except CaseError as exc:
            stderr.writelines(f"{problem}\n" for problem in exc.problems)
            status = INVALID
            continue
        if not result.changed:
            if args.stdout:
                stdout.write(result.text)
            else:
                stdout.write(t["current"].format(file=name, format=CASE_FORMAT) + "\n")
            continue
        if args.stdout:
            stdout.write(result.text)
            continue
        note = (
            t["as_of"].format(as_of=result.as_of, old=CASE_FORMAT_V1)
            if result.as_of is not None
            else ""
        )
        if args.check:
            stdout.write(t["would"].format(file=name, format=CASE_FORMAT) + note + "\n")
            status = max(status, FAILED)
            continue
        with atomic_write(name) as out:
            out.write(result.text)
        stdout.write(t["upgraded"].format(file=name, format=CASE_FORMAT) + note + "\n")
    return status
