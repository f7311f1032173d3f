"""A report for the terminal, drawn with rich: colours on a terminal, plain text
otherwise (a file, a pipe), the same sections as the Markdown and HTML reports."""

from __future__ import annotations

import io
from collections.abc import Mapping

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from ..messages import format_value
from . import tables
from .model import Report
from .strings import consequence, name, strings, verdict_name

__all__ = ["render_terminal"]

_VERDICT_STYLE = {"success": "bold green", "partial": "bold yellow", "failure": "bold red"}


def _bar(cell: tables.Bar) -> Text:
    score = cell.score
    style = "dark_orange"
    if score.group == "factor":
        style = "green" if score.value > 0 else "red"
    return Text(tables.bar_text(cell), style=style)


def _cell(cell: tables.Cell) -> Text:
    return tables.draw(
        cell,
        text=Text,
        code=lambda text: Text(text, style="cyan"),
        sources=lambda ids: Text(", ".join(ids) or "–"),
        bar=_bar,
    )


def _table(table: tables.Table) -> RichTable:
    drawn = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column in table.head:
        drawn.add_column(column, overflow="fold")
    for row in table.rows:
        drawn.add_row(*map(_cell, row))
    return drawn


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def _plain(text: str) -> Text:
    return Text(text)


def text_console(buffer: io.StringIO, *, colour: bool, width: int) -> Console:
    """A rich console writing into ``buffer``: ANSI styles only with ``colour``, no
    markup, highlighting or emoji read from the text."""
    return Console(
        file=buffer,
        force_terminal=colour,
        no_color=not colour,
        color_system="standard" if colour else None,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )


def render_terminal(report: Report, *, colour: bool = False, width: int = 100) -> str:
    """The report as terminal text; ``colour`` adds ANSI styles (for a terminal)."""
    t = strings(report.language)
    buffer = io.StringIO()
    console = text_console(buffer, colour=colour, width=width)
    parts: list[RenderableType] = [
        Text(f"{t['report']}: {report.title}", style="bold"),
        *_summary(report, t),
        _heading(t["scores"]),
        _table(tables.scores_table(report, t)),
        _heading(t["timeline"]),
        _timeline(report, t),
        _heading(t["findings_heading"]),
        *_findings(report, t),
        _heading(t["not_fired_heading"]),
        *_not_fired(report, t),
        _heading(t["counterfactuals"]),
        *_counterfactuals(report, t),
        _heading(t["disputes_heading"]),
        _disputes(report, t),
        _heading(t["certainty_heading"]),
        *_certainty(report, t),
        _heading(t["bibliography"]),
        *_bibliography(report, t),
        Text(f"\n{t['generated'].format(version=report.version)}", style="dim"),
    ]
    console.print(Group(*parts))
    if colour:
        return buffer.getvalue()
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _summary(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    verdict = Text(verdict_name(t, report.verdict), style=_VERDICT_STYLE.get(report.verdict, ""))
    grid.add_row(t["verdict"], verdict)
    grid.add_row(t["confidence"], f"{report.confidence:.2f}")
    grid.add_row(t["deciding"], ", ".join(report.deciding) or t["none"])
    grid.add_row(t["case"], f"{report.case_id} ({name(t, 'case', report.kind)})")
    grid.add_row(t["partners"], ", ".join(report.partners))
    grid.add_row(t["rule_set"], f"{report.ruleset_id} {report.ruleset_version}")
    if report.reference_date:
        grid.add_row(t["measured_to"], report.reference_date)
    return [_heading(t["summary"]), grid]


def _timeline(report: Report, t: Mapping[str, str]) -> RenderableType:
    if not report.timeline:
        return _plain(t["none"])
    return _table(tables.timeline_table(report, t))


def _findings(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    if not report.findings:
        return [_plain(t["none"])]
    out: list[RenderableType] = []
    for f in report.findings:
        title = Text(f"• {f.title}", style="bold")
        if f.deciding:
            title.append(f" ({t['deciding_mark']})", style="cyan")
        out.append(title)
        out.append(Text(f"  {f.rule} · {consequence(t, f)}", style="dim"))
        out.append(Text(f"  {f.message}"))
        if f.facts:
            facts = "; ".join(f"{k} = {format_value(v)}" for k, v in f.facts.items())
            out.append(Text(f"  {t['facts']}: {facts}"))
        out.append(Text(f"  {t['sources']}: {', '.join(f.sources) or '–'}"))
        out.append(Text(f"  {t['rule_source']}: {f.rule_source}"))
    return out


def _not_fired(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    intro = Text(f"{t['not_fired_intro']}.", style="dim")
    if not report.not_fired:
        return [intro, _plain(t["none"])]
    return [intro, _table(tables.not_fired_table(report, t))]


def _counterfactuals(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    found = report.counterfactuals
    if found is None:
        return [_plain(t["none_computed"])]
    out: list[RenderableType] = [
        _plain(sentence) for sentence in tables.counterfactual_sentences(found, t)
    ]
    for number, solution in enumerate(found.solutions, 1):
        verdict = verdict_name(t, solution.verdict)
        out.append(Text(t["solution"].format(n=number, verdict=verdict), style="bold"))
        out.append(_table(tables.changes_table(solution, t)))
    return out


def _disputes(report: Report, t: Mapping[str, str]) -> RenderableType:
    if not report.disputes:
        return _plain(t["none"])
    return _table(tables.disputes_table(report, t))


def _certainty(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    if not report.certainty:
        return [_plain(t["none"])]
    return [
        _plain(f"{'  ' * depth}{'- ' if depth else ''}{text}") for depth, text in report.certainty
    ]


def _bibliography(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    if not report.bibliography:
        return [_plain(t["none"])]
    out: list[RenderableType] = []
    for s in report.bibliography:
        line = Text(s.id, style="bold")
        meta = name(t, "source", s.kind)
        if s.reliability:
            meta += f", {t['reliability']} {s.reliability}"
        line.append(f" ({meta}): {s.citation}")
        if s.url:
            line.append(f" {s.url}")
        if s.accessed:
            line.append(f" ({t['accessed']} {s.accessed})")
        if s.cited_by:
            line.append(f" — {t['cited_by']} {', '.join(s.cited_by)}", style="dim")
        out.append(line)
    return out
