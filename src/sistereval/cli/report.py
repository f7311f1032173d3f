"""``sistereval report CASE``: a report of one case for people, as terminal text,
Markdown or one self-contained HTML file; or, for a directory, a register or a batch
result, a comparison of its cases (with each case's own report beside it, for
``--out DIR``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import IO

from .. import ir
from ..cases.rows import split_selector
from ..errors import SisterevalError, UsageError
from ..explanation.counterfactual import Budget
from ..language import rule_set
from ..messages import CLI, COMPARE, texts
from ..outfile import atomic_write, check_output
from ..report import (
    Report,
    build_comparison,
    comparison_entries,
    is_comparison,
    make_report,
    render_comparison_html,
    render_comparison_markdown,
    render_comparison_terminal,
    render_html,
    render_markdown,
    render_terminal,
    report_names,
)
from ..report.compare import ComparisonReport, Entry
from ..safety import colour_wanted, terminal_text, write_coloured
from ..version import __version__
from .common import (
    INVALID,
    OK,
    STDIN,
    Commands,
    add_backend_option,
    add_lang_option,
    add_rules_option,
    add_time_budget_option,
    progress_line,
    read_case,
    read_rules,
)

__all__ = ["declare"]

FORMATS = ("text", "markdown", "html")
#: The suffix of the files each format writes into a directory (``--out DIR``).
SUFFIXES = {"text": ".txt", "markdown": ".md", "html": ".html"}


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "report",
        help="write a report of one case, or a comparison of many: terminal text, Markdown or HTML",
        description="Evaluate one case and write a report for people: the verdict and its "
        "confidence, a chart of the success factors and obstacle groups, a timeline, the "
        "findings with their sources, the rules that did not fire, counterfactuals, disputes "
        "and the bibliography. For a directory, a register or a batch result (JSON Lines), "
        "write a comparison of its cases: verdicts, deciding counts, confidence, factor "
        "scores, and how often each strength and obstacle occurs. Exit 0 when written, 2 "
        "when the case, the rule set or the output file is invalid.",
    )
    parser.add_argument(
        "case",
        metavar="CASE",
        help="a case file (.yaml, .yml, .json), a row of a register (register.csv#ID), or - "
        "for standard input; or, for a comparison, a directory of case files, a register "
        "(.csv, .tsv, .xlsx) or the JSON Lines output of sistereval batch",
    )
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
        "--out",
        "--output",
        dest="out",
        metavar="FILE|DIR",
        help="write the report to FILE instead of standard output; for a comparison, a "
        "directory (one that exists, or a name ending in /) gets the comparison as index.EXT "
        "and each case's own report beside it, linked from it",
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
    if is_comparison(args.case):
        return _comparison_command(args, stdout, stderr)
    try:
        if args.out is not None:  # before any work: never onto an input, never unwritable
            check_output(args.out, _input_files(args))
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
    return _write(args, stdout, stderr, _rendered(report, args.format, colour), colour)


def _input_files(args: argparse.Namespace) -> list[str]:
    """The files the command reads, which no output may replace."""
    names = (split_selector(args.case)[0], args.rules)
    return [name for name in names if name != STDIN]


def _rendered(report: Report, fmt: str, colour: bool = False) -> str:
    if fmt == "html":
        return render_html(report)
    if fmt == "markdown":
        return render_markdown(report)
    if colour:
        return render_terminal(report, colour=True)
    return terminal_text(render_terminal(report))  # also in a file (read with cat or less)


def _comparison_rendered(comparison: ComparisonReport, fmt: str, colour: bool = False) -> str:
    if fmt == "html":
        return render_comparison_html(comparison)
    if fmt == "markdown":
        return render_comparison_markdown(comparison)
    if colour:
        return render_comparison_terminal(comparison, colour=True)
    return terminal_text(render_comparison_terminal(comparison))


def _is_directory(out: str) -> bool:
    """Whether ``--out`` names a directory: one that exists, or a name ending in ``/``."""
    return os.path.isdir(out) or out.endswith(("/", os.sep))


def _comparison_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """``report DIR|REGISTER|RESULT``: the comparison of its cases."""
    folder = args.out if args.out is not None and _is_directory(args.out) else None
    suffix = SUFFIXES[args.format]
    try:
        inputs = _input_files(args)
        if folder is not None:  # before any work: the directory, and the comparison's file
            _make_folder(folder)
            check_output(Path(folder, f"index{suffix}"), inputs)
        elif args.out is not None:
            check_output(args.out, inputs)
        rules = rule_set(read_rules(args, args.rules))
        entries = comparison_entries(args.case, rules, language=args.lang, backend=args.backend)
        names = report_names(entries, suffix) if folder is not None else None
        comparison = build_comparison(
            entries,
            rules,
            language=args.lang,
            source=args.case,
            reports=names,
            version=__version__,
        )
        if folder is not None and names is not None:
            written = _write_case_reports(args, stderr, rules, entries, names, folder, inputs)
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    colour = args.format == "text" and args.out is None and colour_wanted(stdout)
    text = _comparison_rendered(comparison, args.format, colour)
    if folder is None:
        return _write(args, stdout, stderr, text, colour)
    index = os.path.join(folder, f"index{suffix}")
    status = _write(args, stdout, stderr, text, False, index)
    if status == OK:
        line = texts(COMPARE, args.lang)["written"]
        stdout.write(line.format(file=index, reports=written) + "\n")
    return status


def _make_folder(folder: str) -> None:
    """The directory ``--out DIR`` names, made when its parent exists."""
    if os.path.isdir(folder):
        return
    try:
        os.mkdir(folder)
    except OSError as exc:
        raise UsageError(
            f"--out {folder}: cannot make the directory: {exc.strerror or exc}"
        ) from None


def _write_case_reports(
    args: argparse.Namespace,
    stderr: IO[str],
    rules: ir.RuleSet,
    entries: list[Entry],
    names: list[str | None],
    folder: str,
    inputs: list[str],
) -> int:
    """Write each case's own report into ``folder``; the number written."""
    written = 0
    for entry, name in zip(entries, names, strict=True):
        if entry.case is None or name is None:
            continue
        path = os.path.join(folder, name)
        check_output(path, inputs)
        with progress_line(stderr, texts(CLI, args.lang)["progress_search"]) as progress:
            report = make_report(
                entry.case,
                rules,
                language=args.lang,
                max_changes=args.max_changes,
                search=not args.no_counterfactual,
                backend=args.backend,
                budget=Budget(progress=progress, time_limit=args.time_budget),
            )
        try:
            with atomic_write(path) as stream:
                stream.write(_rendered(report, args.format))
        except OSError as exc:
            raise UsageError(f"{path}: cannot write the report: {exc.strerror or exc}") from None
        written += 1
    return written


def _write(
    args: argparse.Namespace,
    stdout: IO[str],
    stderr: IO[str],
    text: str,
    colour: bool,
    out: str | None = None,
) -> int:
    """Write ``text`` to ``out`` (default: ``--out``) or, without one, to standard output."""
    out = args.out if out is None else out
    if out is None:
        if colour:
            write_coloured(stdout, text)
        else:
            stdout.write(text)
        return OK
    try:
        with atomic_write(out) as stream:
            stream.write(text)
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    except OSError as exc:
        stderr.write(f"{out}: cannot write the report: {exc.strerror or exc}\n")
        return INVALID
    return OK
