"""The ``sistereval report`` command: one case, one report, on standard output or in a file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .._cliargs import add_lang_option, add_rules_option

if TYPE_CHECKING:
    from ..cli import Commands

__all__ = ["add_report_command"]

OK = 0
INVALID = 2
FORMATS = ("text", "markdown", "html")


def add_report_command(commands: Commands) -> None:
    """Declare ``sistereval report`` (for :data:`sistereval.cli._COMMANDS`)."""
    parser = commands.add_parser(
        "report",
        help="write a report of one case: terminal text, Markdown or HTML",
        description="Evaluate one case and write a report for people: the verdict and its "
        "confidence, a chart of the success factors and obstacle groups, a timeline, the "
        "findings with their sources, the rules that did not fire, counterfactuals, disputes "
        "and the bibliography. Exit 0 when written, 2 when the case, the rule set or the "
        "output file is invalid.",
    )
    parser.add_argument("case", metavar="CASE", help="a case file (.yaml, .yml, .json)")
    add_rules_option(parser)
    add_lang_option(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for the terminal (colours on a terminal), markdown, or html: one "
        "self-contained file (default: text)",
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.set_defaults(handler=_report_command)


def _report_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from ..cases import load_case
    from ..errors import SisterevalError
    from ..evaluation import rule_set
    from . import build_report, render_html, render_markdown, render_terminal

    try:
        rules = rule_set(args.rules)
        case = load_case(Path(args.case), file=args.case)
        report = build_report(case, rules, language=args.lang)
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    if args.format == "html":
        text = render_html(report)
    elif args.format == "markdown":
        text = render_markdown(report)
    else:
        colour = args.out is None and stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_terminal(report, colour=colour)
    if args.out is None:
        stdout.write(text)
        return OK
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        stderr.write(f"{args.out}: cannot write the report: {exc.strerror or exc}\n")
        return INVALID
    return OK
