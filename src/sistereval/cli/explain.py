"""``sistereval explain CASE``: why this verdict, and what stopped the other rules."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..errors import SisterevalError
from ..explanation import DEFAULT_MAX_CHANGES, explain, render_explanation
from ..explanation.counterfactual import Budget
from ..language import rule_set
from ..messages import CLI, texts
from .common import (
    INVALID,
    OK,
    Commands,
    add_backend_option,
    add_case_argument,
    add_format_option,
    add_lang_option,
    add_rules_option,
    add_time_budget_option,
    positive,
    progress_line,
    read_case,
    read_rules,
    write_error,
)

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "explain",
        help="explain a verdict: the chain behind it and what stopped the other rules",
        description="Explain the evaluation of one case: the deciding rules, the findings "
        "and facts they used with their sources, then every rule that did not fire with "
        "its condition evaluated clause by clause, nearest misses first. "
        "Exit 0 when explained, 2 when the case, the rule set or --rule is invalid.",
    )
    add_case_argument(parser)
    add_rules_option(parser)
    parser.add_argument("--rule", metavar="ID", help="explain this rule only (fired or not)")
    add_lang_option(parser)
    parser.add_argument(
        "--counterfactual",
        action="store_true",
        help="also search for the smallest sets of changes, among what the rule set "
        "declares changeable, that move the verdict one step up",
    )
    parser.add_argument(
        "--max-changes",
        type=positive,
        metavar="N",
        help=f"with --counterfactual: at most N changes in a set (default: {DEFAULT_MAX_CHANGES})",
    )
    add_format_option(parser)
    add_time_budget_option(parser, "the counterfactual search")
    add_backend_option(parser)
    parser.set_defaults(handler=_explain_command)


def _explain_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.max_changes is not None and not args.counterfactual:
        stderr.write("--max-changes needs --counterfactual\n")
        return INVALID
    try:
        rules = rule_set(read_rules(args, args.rules))
        case = read_case(args, args.case)
        text = texts(CLI, args.lang)["progress_search"]
        with progress_line(stderr, text) as progress:
            result = explain(
                case,
                rules,
                rule=args.rule,
                language=args.lang,
                counterfactual=args.counterfactual,
                max_changes=args.max_changes or DEFAULT_MAX_CHANGES,
                backend=args.backend,
                budget=Budget(progress=progress, time_limit=args.time_budget),
            )
    except SisterevalError as exc:
        write_error(args, stdout, stderr, exc, input=str(args.case))
        return INVALID
    if args.format == "json":
        stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        stdout.write(render_explanation(result, case_file=args.case))
    return OK
