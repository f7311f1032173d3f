"""``sistereval whatif CASE --set PATH=VALUE...``: change facts of a case and compare
the evaluations."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..errors import SisterevalError
from ..explanation import parse_change, render_whatif, what_if
from ..language import rule_set
from .common import (
    INVALID,
    OK,
    Commands,
    add_backend_option,
    add_case_argument,
    add_format_option,
    add_lang_option,
    add_rules_option,
    read_case,
    read_rules,
    write_error,
)

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "whatif",
        help="change facts of a case and compare the evaluations",
        description="Apply --set PATH=VALUE changes to one case, validate the changed case, "
        "and show how the verdict, findings, factor scores and confidence move. "
        "Exit 0 when compared, 2 when the case, a change or the rule set is invalid.",
    )
    add_case_argument(parser)
    parser.add_argument(
        "--set",
        dest="changes",
        action="append",
        required=True,
        metavar="PATH=VALUE",
        help="a change, such as fields[1].status=implemented or "
        "'fields[name=culture and tourism].status=partial' (repeatable)",
    )
    add_rules_option(parser)
    add_lang_option(parser)
    add_format_option(parser)
    add_backend_option(parser)
    parser.set_defaults(handler=_whatif_command)


def _whatif_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        changes = [parse_change(text) for text in args.changes]
        rules = rule_set(read_rules(args, args.rules))
        case = read_case(args, args.case)
        result = what_if(case, changes, rules, language=args.lang, backend=args.backend)
    except SisterevalError as exc:
        write_error(args, stdout, stderr, exc, input=str(args.case))
        return INVALID
    if args.format == "json":
        stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        stdout.write(render_whatif(result))
    return OK
