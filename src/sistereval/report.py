"""Render an evaluation for people: plain text for the terminal, in English or Indonesian,
and the ``sistereval report`` command (the reports themselves are
:mod:`sistereval.reporting`).

``--format json`` is :meth:`sistereval.verdict.Evaluation.to_dict`, the decision record;
this module is for reading.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ._cliargs import add_case_argument, add_lang_option, add_rules_option
from .verdict import NOT_ASSESSABLE, Evaluation, Finding

if TYPE_CHECKING:
    from .cli import Commands

__all__ = ["LABELS", "add_report_command", "finding_tag", "format_value", "render_text"]

OK = 0
INVALID = 2
FORMATS = ("text", "markdown", "html")

#: Library text per language; every key exists in every language (a test checks it).
LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "verdict": "verdict",
        "confidence": "confidence",
        "case": "case",
        "rules": "rules",
        "deciding": "decided by",
        "findings": "findings",
        "facts": "facts",
        "sources": "sources",
        "factors": "success factors",
        "obstacles": "obstacle groups",
        "disputes": "disputes",
        "not_fired": "rules that did not fire",
        "none": "none",
        "rule_source": "rule source",
        "success": "success",
        "partial": "partial",
        "failure": "failure",
        "not_assessable": "not assessable",
        "chosen": "used",
        "json_hint": "(why: sistereval explain CASE)",
        "derived": "derived",
        # kinds and severities of findings
        "kind.strength": "strength",
        "kind.obstacle": "obstacle",
        "kind.risk": "risk",
        "kind.compliance": "compliance",
        "severity.low": "low",
        "severity.medium": "medium",
        "severity.high": "high",
    },
    "id": {
        "verdict": "putusan",
        "confidence": "tingkat keyakinan",
        "case": "kasus",
        "rules": "aturan",
        "deciding": "diputuskan oleh",
        "findings": "temuan",
        "facts": "fakta",
        "sources": "sumber",
        "factors": "faktor keberhasilan",
        "obstacles": "kelompok hambatan",
        "disputes": "perbedaan sumber",
        "not_fired": "aturan yang tidak terpenuhi",
        "none": "tidak ada",
        "rule_source": "sumber aturan",
        "success": "berhasil",
        "partial": "berhasil sebagian",
        "failure": "gagal",
        "not_assessable": "tidak dapat dinilai",
        "chosen": "dipakai",
        "json_hint": "(alasannya: sistereval explain CASE)",
        "derived": "fakta turunan",
        # kinds and severities of findings
        "kind.strength": "kekuatan",
        "kind.obstacle": "hambatan",
        "kind.risk": "risiko",
        "kind.compliance": "kepatuhan",
        "severity.low": "rendah",
        "severity.medium": "sedang",
        "severity.high": "tinggi",
    },
}


def finding_tag(finding: Finding, labels: Mapping[str, str]) -> str:
    """The bracketed tag of a finding: ``obstacle, finance, high`` or ``verdict → failure``.

    Kinds and severities are named in the labels' language when it names them
    (``hambatan, finance, tinggi``); factors are the rule set's identifiers.
    """
    if finding.kind == "verdict":
        return f"{labels['verdict']} → {labels[finding.verdict or NOT_ASSESSABLE]}"
    if finding.kind == "derived":
        return labels["derived"]
    kind = labels.get(f"kind.{finding.kind}", finding.kind)
    severity = labels.get(f"severity.{finding.severity}", finding.severity)
    return f"{kind}, {finding.factor}, {severity}"


#: The names of offices case files usually write (``office`` is free text), in
#: the languages other than English; any other office is shown as written.
OFFICES: Mapping[str, Mapping[str, str]] = {
    "id": {
        "mayor": "wali kota",
        "deputy mayor": "wakil wali kota",
        "governor": "gubernur",
        "regent": "bupati",
        "city council": "DPRD kota",
        "council": "DPRD",
    },
}


def office_name(office: str, language: str) -> str:
    """``mayor`` in ``language`` (``wali kota``), or as written when not known."""
    return OFFICES.get(language, {}).get(office.casefold(), office)


def format_value(value: object) -> str:
    """A fact value for reading: ``?`` when unknown, ``true``, ``0.2``, ``[a, b]``."""
    if value is None:
        return "?"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        shown = (f"{k}: {format_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(shown) + "}"
    return str(value)


def render_text(evaluation: Evaluation, *, source: str | None = None) -> str:
    """A readable account of one evaluation, in the evaluation's language."""
    t = LABELS.get(evaluation.language, LABELS["en"])
    record = evaluation.to_dict()
    head = source or evaluation.case_id
    lines = [
        f"{head}: {t['verdict']} {t[evaluation.verdict]} "
        f"({t['confidence']} {evaluation.confidence:.2f})",
        f"  {t['case']} {evaluation.case_id} · {t['rules']} {evaluation.ruleset.id} "
        f"{evaluation.ruleset.version}",
        f"  {t['deciding']}: {', '.join(evaluation.deciding) or t['none']}",
        f"  {t['findings']}:",
    ]
    for finding in evaluation.findings:
        lines.append(f"    - {finding.rule} [{finding_tag(finding, t)}]")
        lines.append(f"      {finding.message}")
        if finding.facts:
            facts = ", ".join(f"{k} = {format_value(v)}" for k, v in finding.facts.items())
            lines.append(f"      {t['facts']}: {facts}")
        if finding.sources:
            lines.append(f"      {t['sources']}: {', '.join(finding.sources)}")
    factors = record["factors"]
    lines.append(f"  {t['factors']} / {t['obstacles']}:")
    lines.append("    " + ", ".join(f"{k} {v:+g}" for k, v in factors.items()))
    lines.append(f"  {t['disputes']}:")
    if not evaluation.disputes:
        lines.append(f"    {t['none']}")
    for dispute in record["disputes"]:
        options = "; ".join(
            f"{format_value(a['value'])} ({', '.join(a['sources']) or '-'})"
            for a in dispute["alternatives"]
        )
        lines.append(
            f"    - {dispute['fact']}: {options} → {t['chosen']} {format_value(dispute['chosen'])}"
        )
    lines.append(f"  {t['not_fired']}: {len(evaluation.not_fired)} {t['json_hint']}")
    return "\n".join(lines) + "\n"


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
    parser.set_defaults(handler=_report_command)


def _report_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .cases import load_case
    from .errors import SisterevalError
    from .reporting import make_report, render_html, render_markdown, render_terminal

    if args.max_changes < 1:
        stderr.write("sistereval report: --max-changes must be at least 1\n")
        return INVALID
    try:
        case = load_case(Path(args.case), file=args.case)
        report = make_report(
            case,
            args.rules,
            language=args.lang,
            max_changes=args.max_changes,
            search=not args.no_counterfactual,
        )
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
