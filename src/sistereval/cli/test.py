"""``sistereval test RULES...``: run the tests declared with rule sets, with coverage."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..check import render_report, rule_inputs, run_tests
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
        "test",
        help="run the tests declared with rule sets and report their coverage",
        description="Run the tests of each rule file and report rule and condition coverage. "
        "Exit 0 when every test passes and rule coverage reaches the threshold, 1 when a "
        "test fails or coverage is below it, 2 when a rule file is invalid.",
    )
    parser.add_argument(
        "rules",
        nargs="+",
        metavar="RULES",
        help="a rule file (- for standard input), a directory of rule files, or the name of a "
        "shipped rule set",
    )
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=0.0,
        metavar="PCT",
        help="the least rule coverage, in percent, that passes (default: 0)",
    )
    add_format_option(parser, "text for reading, json for one report object per rule file and line")
    add_backend_option(parser)
    parser.set_defaults(handler=_test)


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage from 0 to 100, not {text}")
    return value


def _test(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    status = OK
    names = [found for name in args.rules for found in rule_inputs(name)]
    for name in names:
        try:
            report = run_tests(read_rules(args, name), backend=args.backend)
        except SisterevalError as exc:
            write_error(args, stdout, stderr, exc, rules=name)
            status = INVALID
            continue
        below = report.rule_coverage < args.threshold
        if not report.passed or below:
            status = max(status, FAILED)
        if args.format == "json":
            data = report.to_dict()
            data["threshold"] = args.threshold
            data["ok"] = report.passed and not below
            stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            if len(names) > 1:
                stdout.write(f"{name}:\n")
            stdout.write(render_report(report, args.threshold))
    return status
