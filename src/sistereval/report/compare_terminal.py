"""A comparison report for the terminal, drawn with rich as :mod:`.terminal` draws a
case's report: the sections of the HTML comparison, text bars for its chart, and a
case's own report named by its file when it is written beside the comparison.

Laid out for narrow terminals: each case is a few lines rather than a row of a
wide table, the scores are a table with a column per case (up to
:data:`_SCORE_COLUMNS` cases; one line per case beyond), and identifiers are
never cut (a rule id stands in its title's cell, where lines break at spaces)."""

from __future__ import annotations

import io
from collections.abc import Mapping

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from ..messages import CERTAINTY, texts
from . import compare_tables as ct
from .chart import score_text
from .compare import ComparisonReport
from .compare_markdown import summary_lines
from .deciding import counts_text
from .strings import comparison_strings, name, verdict_name
from .tables import Table, bar_text
from .terminal import text_console

__all__ = ["render_comparison_terminal"]

#: The most cases the scores table has a column for.
_SCORE_COLUMNS = 6
_VERDICT_STYLE = {"success": "bold green", "partial": "bold yellow", "failure": "bold red"}


def _cell(cell: ct.Cell | ct.Link) -> Text:
    return ct.draw_cell(
        cell,
        link=lambda found: Text(f"{found.text} → {found.href}"),
        text=Text,
        code=lambda text: Text(text, style="cyan"),
        sources=lambda ids: Text(", ".join(ids) or "–"),
        bar=lambda bar: Text(bar_text(bar)),
    )


def _table(table: Table | ct.LinkTable) -> RichTable:
    drawn = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column in table.head:
        drawn.add_column(column, overflow="fold")
    for row in table.rows:
        drawn.add_row(*map(_cell, row))
    return drawn


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def render_comparison_terminal(
    comparison: ComparisonReport, *, colour: bool = False, width: int = 100
) -> str:
    """The comparison as terminal text; ``colour`` adds ANSI styles (for a terminal)."""
    t = comparison_strings(comparison.language)
    buffer = io.StringIO()
    console = text_console(buffer, colour=colour, width=width)
    parts: list[RenderableType] = [
        Text(t["comparison"], style="bold"),
        *(Text(f"{line}.") for line in summary_lines(comparison, t)),
        _heading(t["cases_heading"]),
        *_cases(comparison, t),
    ]
    if not comparison.linked:
        parts.append(Text(t["own_reports"], style="dim"))
    parts += [
        _heading(t["verdicts_heading"]),
        _table(ct.verdicts_table(comparison, t)),
        _heading(t["scores_heading"]),
        _scores(comparison, t),
        Text(f"{t['factors_panel']}: {t['factor_axis']}.", style="dim"),
        Text(f"{t['obstacles_panel']}: {t['obstacle_axis']}.", style="dim"),
        _heading(t["occurrences_heading"]),
        Text(f"{t['occurrences_intro']}.", style="dim"),
    ]
    if comparison.strengths or comparison.obstacles:
        parts.append(_occurrences(comparison, t))
    else:
        parts.append(Text(f"{t['none_fired']}."))
    if comparison.failed:
        parts += [_heading(t["failed_heading"]), _table(ct.failed_table(comparison, t))]
    parts.append(Text(f"\n{t['generated'].format(version=comparison.version)}", style="dim"))
    console.print(Group(*parts))
    if colour:
        return buffer.getvalue()
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _cases(comparison: ComparisonReport, t: Mapping[str, str]) -> list[RenderableType]:
    """Each evaluated case in a few lines (title, verdict and certainty, the deciding
    count, where it came from), indented under its number."""
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    for row in comparison.evaluated:
        assert row.verdict is not None
        verdict = Text(verdict_name(t, row.verdict), style=_VERDICT_STYLE.get(row.verdict, ""))
        line = Text(f"{t['verdict']} ").append(verdict)
        certainty = texts(CERTAINTY, comparison.language)["title"]
        line.append(f" · {certainty} {ct.certainty_text(row, comparison.language)}")
        lines: list[RenderableType] = [Text(row.title, style="bold"), line]
        counted = counts_text(row.counts, comparison.language)
        if counted:
            lines.append(Text(f"{t['deciding_count']}: {counted}"))
        source = Text(row.label, style="cyan")
        if row.report:
            source.append(f" → {row.report}", style="")
        lines.append(source)
        grid.add_row(f"{row.number}.", Group(*lines))
    return [grid]


def _scores(comparison: ComparisonReport, t: Mapping[str, str]) -> RenderableType:
    """A row per factor and a column per case, or a line per case when there are many."""
    rows = comparison.evaluated
    names = (*comparison.factors, *comparison.obstacle_groups)
    if len(rows) > _SCORE_COLUMNS:
        lines = []
        for row in rows:
            shown = ", ".join(
                f"{name(t, 'factor', s.name)} {score_text(s)}" for s in row.scores if s.value
            )
            lines.append(Text(f"{row.number}. {row.case_id}: {shown or '0'}"))
        return Group(*lines)
    drawn = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    drawn.add_column(t["name"], overflow="fold", ratio=1)
    for row in rows:
        drawn.add_column(f"#{row.number}", justify="right", no_wrap=True)
    for i, factor in enumerate(names):
        drawn.add_row(name(t, "factor", factor), *(score_text(row.scores[i]) for row in rows))
    return drawn


def _occurrences(comparison: ComparisonReport, t: Mapping[str, str]) -> RenderableType:
    total = len(comparison.evaluated)
    drawn = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    drawn.add_column(t["kind"], no_wrap=True)
    drawn.add_column(t["cases_count"], justify="right", no_wrap=True)
    drawn.add_column("", no_wrap=True)
    drawn.add_column(f"{t['title']} ({t['rule']})", ratio=1)
    for found in (*comparison.strengths, *comparison.obstacles):
        title = Text(f"{found.title} (").append(found.rule, style="cyan").append(")")
        drawn.add_row(
            name(t, "kind", found.kind), str(found.cases), ct.count_bar(found.cases, total), title
        )
    return drawn
