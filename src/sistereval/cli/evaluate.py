"""``sistereval evaluate CASE...``: evaluate partnerships with a rule set."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..errors import SisterevalError
from ..evaluation import evaluate
from ..language import rule_set
from ..report import render_text
from .common import (
    CASE_HELP,
    INVALID,
    OK,
    Commands,
    add_backend_option,
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
        "evaluate",
        help="evaluate partnerships with a rule set",
        description="Evaluate each case with a rule set (default: the shipped 'core'). "
        "Exit 0 when every case was evaluated, 2 when a case or the rule set is invalid.",
    )
    parser.add_argument("cases", nargs="+", metavar="CASE", help=CASE_HELP)
    add_rules_option(parser)
    add_format_option(parser, "text for reading, json for the decision record, one object per line")
    add_lang_option(parser)
    add_backend_option(parser)
    parser.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        rules = rule_set(read_rules(args, args.rules))
    except SisterevalError as exc:
        write_error(args, stdout, stderr, exc, rules=str(args.rules))
        return INVALID
    status = OK
    for name in args.cases:
        try:
            case = read_case(args, name)
            result = evaluate(case, rules, language=args.lang, backend=args.backend)
        except SisterevalError as exc:
            write_error(args, stdout, stderr, exc, input="<stdin>" if name == "-" else name)
            status = INVALID
            continue
        if args.format == "json":
            stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            stdout.write(render_text(result, source="<stdin>" if name == "-" else name))
    return status
