"""``sistereval validate CASE...``: check case files and report every problem."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..errors import CaseError
from .common import INVALID, OK, Commands, add_format_option, read_case

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "validate",
        help="check case files and report every problem",
        description="Check case files. Prints one 'ok' line per valid file and every problem "
        "of an invalid one (file:line:col: code: message). Exit 0 when all are valid, 2 if not.",
    )
    parser.add_argument(
        "cases", nargs="+", metavar="CASE", help="a case file (.yaml, .yml, .json), or -"
    )
    add_format_option(parser)
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    status = OK
    for name in args.cases:
        shown = "<stdin>" if name == "-" else name
        try:
            read_case(args, name)
        except CaseError as exc:
            status = INVALID
            problems = exc.problems
        else:
            problems = ()
        if args.format == "json":
            result = {
                "file": shown,
                "valid": not problems,
                "problems": [problem.to_dict() for problem in problems],
            }
            stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        elif problems:
            stdout.writelines(f"{problem}\n" for problem in problems)
        else:
            stdout.write(f"{shown}: ok\n")
    return status
