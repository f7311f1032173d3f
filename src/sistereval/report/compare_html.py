"""A comparison report as one self-contained HTML file, as :mod:`.html` writes a case's
report: inline CSS and SVG, no script, nothing fetched, every text escaped.  The only
links are to each case's own report written beside it (a relative file name)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import quote

from ..safety import visible_text
from . import compare_tables as ct
from .compare import ComparisonReport
from .compare_chart import comparison_chart
from .compare_markdown import summary_lines
from .html import _CSS, _code, _section, _sources
from .strings import comparison_strings
from .tables import Table, bar_text

__all__ = ["render_comparison_html"]

_EXTRA_CSS = """
.table-wrap { overflow-x: auto; }
.table-wrap code { white-space: nowrap; }
td.bar { color: #616161; white-space: nowrap; }
"""


def _e(text: object) -> str:
    return escape(str(text))


def _cell(cell: ct.Cell | ct.Link) -> str:
    return ct.draw_cell(
        cell,
        link=lambda found: f'<a href="{_e(quote(found.href))}">{_e(found.text)}</a>',
        text=_e,
        code=_code,
        sources=_sources,
        bar=bar_text,
    )


def _table(table: Table | ct.LinkTable) -> list[str]:
    head = "".join(f"<th>{_e(h)}</th>" for h in table.head)
    rows = ("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return [
        '<div class="table-wrap"><table>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table></div>",
    ]


def render_comparison_html(comparison: ComparisonReport) -> str:
    """The comparison as a self-contained HTML document, in its language."""
    t = comparison_strings(comparison.language)
    intro = [f"<p>{_e(line)}.</p>" for line in summary_lines(comparison, t)]
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(comparison.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t['comparison'])}</title>",
        f"<style>{_CSS}{_EXTRA_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_e(t['comparison'])}</h1>",
        *intro,
        "</header>",
        "<main>",
        *_section("cases", t["cases_heading"], _cases(comparison, t)),
        *_section("verdicts", t["verdicts_heading"], _verdicts(comparison, t)),
        *_section("scores", t["scores_heading"], _scores(comparison, t)),
        *_section("occurrences", t["occurrences_heading"], _occurrences(comparison, t)),
        *(
            _section("failed", t["failed_heading"], _table(ct.failed_table(comparison, t)))
            if comparison.failed
            else []
        ),
        "</main>",
        f"<footer>{_e(t['generated'].format(version=comparison.version))}</footer>",
        "</body>",
        "</html>",
    ]
    return visible_text("\n".join(out) + "\n")


def _cases(comparison: ComparisonReport, t: Mapping[str, str]) -> list[str]:
    out = _table(ct.cases_table(comparison, t))
    if not comparison.linked:
        out.append(f'<p class="muted">{_e(t["own_reports"])}</p>')
    return out


def _verdicts(comparison: ComparisonReport, t: Mapping[str, str]) -> list[str]:
    chart = comparison_chart(comparison, t)
    return [f"<figure>{chart}</figure>", *_table(ct.verdicts_table(comparison, t))]


def _scores(comparison: ComparisonReport, t: Mapping[str, str]) -> list[str]:
    return [
        *_table(ct.scores_table(comparison, t)),
        f'<p class="muted">{_e(t["factors_panel"])}: {_e(t["factor_axis"])}. '
        f"{_e(t['obstacles_panel'])}: {_e(t['obstacle_axis'])}.</p>",
    ]


def _occurrences(comparison: ComparisonReport, t: Mapping[str, str]) -> list[str]:
    intro = f'<p class="muted">{_e(t["occurrences_intro"])}.</p>'
    if not (comparison.strengths or comparison.obstacles):
        return [intro, f"<p>{_e(t['none_fired'])}.</p>"]
    return [intro, *_table(ct.occurrences_table(comparison, t))]
