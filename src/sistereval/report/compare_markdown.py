"""A comparison report as GitHub-flavoured Markdown: the sections of the HTML comparison,
with tables and text bars where the HTML has its chart; each case linked to its own
report when that is written beside it.  Every text is escaped as in :mod:`.markdown`."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from ..safety import markdown_text, visible_text
from . import compare_tables as ct
from .compare import ComparisonReport
from .markdown import _code, _sources
from .strings import comparison_strings
from .tables import Table, bar_text

__all__ = ["render_comparison_markdown"]


def _cell(cell: ct.Cell | ct.Link) -> str:
    return ct.draw_cell(
        cell,
        link=lambda found: f"[{markdown_text(found.text)}]({quote(found.href)})",
        text=markdown_text,
        code=_code,
        sources=_sources,
        bar=bar_text,
    )


def _table(table: Table | ct.LinkTable) -> list[str]:
    head = [markdown_text(h) for h in table.head]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines.extend("| " + " | ".join(map(_cell, row)) + " |" for row in table.rows)
    return [*lines, ""]


def summary_lines(comparison: ComparisonReport, t: Mapping[str, str]) -> list[str]:
    """The sentences under the title: how many cases, from where, with which rule set."""
    lines = [
        t["cases_line"].format(
            n=len(comparison.rows),
            source=comparison.source,
            ruleset=comparison.ruleset_id,
            version=comparison.ruleset_version,
        )
    ]
    if comparison.failed:
        lines.append(t["failed_line"].format(n=comparison.failed))
    return lines


def render_comparison_markdown(comparison: ComparisonReport) -> str:
    """The comparison in Markdown, in its language."""
    t = comparison_strings(comparison.language)
    out = [f"# {markdown_text(t['comparison'])}", ""]
    out += [f"{markdown_text(line)}.  " for line in summary_lines(comparison, t)]
    out[-1] = out[-1].rstrip()
    out += ["", f"## {t['cases_heading']}", "", *_table(ct.cases_table(comparison, t))]
    if not comparison.linked:
        out += [markdown_text(t["own_reports"]), ""]
    out += [f"## {t['verdicts_heading']}", "", *_table(ct.verdicts_table(comparison, t))]
    out += [f"## {t['scores_heading']}", "", *_table(ct.scores_table(comparison, t))]
    out += [
        f"{markdown_text(t['factors_panel'])}: {markdown_text(t['factor_axis'])}.  ",
        f"{markdown_text(t['obstacles_panel'])}: {markdown_text(t['obstacle_axis'])}.",
        "",
    ]
    out += [f"## {t['occurrences_heading']}", "", markdown_text(t["occurrences_intro"]) + ".", ""]
    if comparison.strengths or comparison.obstacles:
        out += _table(ct.occurrences_table(comparison, t))
    else:
        out += [markdown_text(t["none_fired"]) + ".", ""]
    if comparison.failed:
        out += [f"## {t['failed_heading']}", "", *_table(ct.failed_table(comparison, t))]
    out.append(f"*{markdown_text(t['generated'].format(version=comparison.version))}*")
    return visible_text("\n".join(out) + "\n")
