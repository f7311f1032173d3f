"""``sistereval report CASE``: a report of one case for people, as terminal text,
Markdown or one self-contained HTML file."""

from __future__ import annotations

import argparse
from typing import IO

from ..errors import SisterevalError
from ..explanation.counterfactual import Budget
from ..language import rule_set
from ..messages import CLI, texts
from ..outfile import atomic_write, check_output
from ..report import make_report, render_html, render_markdown, render_terminal
from ..safety import colour_wanted, terminal_text, write_coloured
from .common import (
    INVALID,
    OK,
    STDIN,
    Commands,
    add_backend_option,
    add_case_argument,
    add_lang_option,
    add_rules_option,
    add_time_budget_option,
    progress_line,
    read_case,
    read_rules,
)

__all__ = ["declare"]

FORMATS = ("text", "markdown", "html")


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "report",
        help="write a report of one case: terminal text, Markdown or HTML",
        description="Evaluate one case and write a report for people: the verdict and its "
        "confidence, a chart of the success factors and obstacle groups, a timeline, the "
        "findings with their sources, the rules that did not fire, counterfactuals, disputes "
        "and the bibliography. Exit 0 when written, 2 when the case, the rule set or the "
        "output file is invalid.",
    )
    add_case_argument(parser)
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
    parser.add_argument(
        "--max-changes",
        type=int,
        default=3,
        metavar="N",
        help="the largest set of changes the counterfactual search tries (default: 3)",
    )
    parser.add_argument(
        "--no-counterfactual",
        action="store_true",
        help="skip the counterfactual search (the section then says none was computed)",
    )
    add_time_budget_option(parser, "the counterfactual search")
    add_backend_option(parser)
    parser.set_defaults(handler=_report_command)


def _report_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.max_changes < 1:
        stderr.write("sistereval report: --max-changes must be at least 1\n")
        return INVALID
    try:
        if args.out is not None:  # before any work: never onto an input, never unwritable
            check_output(args.out, [name for name in (args.case, args.rules) if name != STDIN])
        rules = rule_set(read_rules(args, args.rules))
        case = read_case(args, args.case)
        with progress_line(stderr, texts(CLI, args.lang)["progress_search"]) as progress:
            report = make_report(
                case,
                rules,
                language=args.lang,
                max_changes=args.max_changes,
                search=not args.no_counterfactual,
                backend=args.backend,
                budget=Budget(progress=progress, time_limit=args.time_budget),
            )
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    colour = args.format == "text" and args.out is None and colour_wanted(stdout)
    if args.format == "html":
        text = render_html(report)
    elif args.format == "markdown":
        text = render_markdown(report)
    elif colour:
        text = render_terminal(report, colour=True)
    else:  # terminal text, also in a file (read with cat or less)
        text = terminal_text(render_terminal(report))
    if args.out is None:
        if colour:
            write_coloured(stdout, text)
        else:
            stdout.write(text)
        return OK
    try:
        with atomic_write(args.out) as stream:
            stream.write(text)
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    except OSError as exc:
        stderr.write(f"{args.out}: cannot write the report: {exc.strerror or exc}\n")
        return INVALID
    return OK
