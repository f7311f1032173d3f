"""``sistereval diff OLD NEW --cases ...``: compare two rule sets on a set of cases."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..check import diff_rule_sets, render_diff
from ..errors import SisterevalError
from .common import (
    FAILED,
    INVALID,
    OK,
    Commands,
    add_backend_option,
    add_format_option,
    read_rules,
    write_error,
)

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "diff",
        help="compare two rule sets on a set of cases",
        description="Compare two rule sets: the rules added, removed and changed, and every "
        "case whose verdict or fired rules differ, with the rules responsible. Exit 0, or 1 "
        "with --fail-on-change when a case changed; 2 when a rule file or a case is invalid.",
    )
    parser.add_argument("old", metavar="OLD", help="a rule file, or the name of a shipped rule set")
    parser.add_argument("new", metavar="NEW", help="a rule file, or the name of a shipped rule set")
    parser.add_argument(
        "--cases",
        nargs="+",
        required=True,
        metavar="DIR|FILE",
        help="a directory of case files (*.yaml, *.yml, *.json), or case files",
    )
    add_format_option(parser, "text for reading, json for one diff object")
    parser.add_argument(
        "--fail-on-change",
        action="store_true",
        help="exit 1 when the verdict or fired rules of any case changed",
    )
    add_backend_option(parser)
    parser.set_defaults(handler=_diff)


def _diff(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        old, new = read_rules(args, args.old), read_rules(args, args.new)
        diff = diff_rule_sets(old, new, args.cases, backend=args.backend)
    except SisterevalError as exc:
        write_error(args, stdout, stderr, exc, old=str(args.old), new=str(args.new))
        return INVALID
    if args.format == "json":
        stdout.write(json.dumps(diff.to_dict(), ensure_ascii=False) + "\n")
    else:
        stdout.write(render_diff(diff))
    return FAILED if args.fail_on_change and diff.cases else OK
