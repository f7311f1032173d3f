"""``sistereval validate CASE...``: check case files and registers and report every problem."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import IO

from ..cases.register import load_row
from ..cases.rows import is_register, register_rows, row_label, split_selector
from ..errors import CaseError, Problem
from .common import INVALID, OK, STDIN, Commands, add_format_option, read_case

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "validate",
        help="check case files and registers and report every problem",
        description="Check case files, and every row of a CSV or xlsx register. Prints one "
        "'ok' line per valid case and every problem of an invalid one "
        "(file:line:col: code: message). Exit 0 when all are valid, 2 if not.",
    )
    parser.add_argument(
        "cases",
        nargs="+",
        metavar="CASE",
        help="a case file (.yaml, .yml, .json), a register (.csv, .tsv, .xlsx: every row), "
        "one row of it (register.csv#ID), or -",
    )
    add_format_option(parser)
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    status = OK
    for name in args.cases:
        for shown, problems in _checked(args, name):
            status = INVALID if problems else status
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


def _checked(args: argparse.Namespace, name: str) -> Iterator[tuple[str, tuple[Problem, ...]]]:
    """Each case ``name`` holds (a file, a row, or every row of a register), named as on
    the command line, with its problems."""
    if name != STDIN and is_register(name) and split_selector(name)[1] is None:
        try:
            rows = register_rows(name)
        except CaseError as exc:  # the file or its header: no row can be read
            yield name, exc.problems
            return
        for row in rows:
            try:
                load_row(row)
            except CaseError as exc:
                yield row_label(row, name), exc.problems
            else:
                yield row_label(row, name), ()
        return
    try:
        read_case(args, name)
    except CaseError as exc:
        yield "<stdin>" if name == STDIN else name, exc.problems
    else:
        yield "<stdin>" if name == STDIN else name, ()
