"""A report as one self-contained HTML file: inline CSS (with a print style) and
inline SVG charts, no script and nothing fetched; every text escaped, a source's URL
a link only when :func:`~sistereval.safety.link_url` accepts it, and bidi and
zero-width characters shown as ``{U+202E}`` (:func:`~sistereval.safety.visible_text`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from ..messages import format_value
from ..safety import link_url, visible_text
from . import tables
from .chart import score_chart
from .model import Report
from .strings import consequence, name, strings, verdict_name
from .timeline import timeline_chart

__all__ = ["render_html"]

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 "DejaVu Sans", Arial, sans-serif; color: #212121; background: #fff;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #e0e0e0; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.2rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #f5f5f5; }
#timeline td:nth-child(2) { white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; }
figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.summary dt { font-weight: bold; }
.verdict { font-size: 1.2rem; font-weight: bold; }
.verdict_failure { color: #b71c1c; } .verdict_partial { color: #e65100; }
.verdict_success { color: #1b5e20; }
.finding { border-left: 4px solid #bdbdbd; padding-left: 0.8rem; margin: 1rem 0; }
.finding.deciding { border-left-color: #1565c0; }
.tag { color: #616161; font-size: 0.9rem; }
.better { font-weight: bold; }
.muted { color: #616161; }
footer { margin-top: 2rem; color: #616161; font-size: 0.85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  figure, .finding, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 1.5cm; }
}
"""


def _e(text: object) -> str:
    return escape(str(text))


def _code(text: str) -> str:
    return f"<code>{_e(text)}</code>"


def _sources(ids: Sequence[str]) -> str:
    return ", ".join(f'<a href="#source-{_e(i)}">{_e(i)}</a>' for i in ids) or "–"


def _cell(cell: tables.Cell) -> str:
    return tables.draw(cell, text=_e, code=_code, sources=_sources, bar=tables.bar_text)


def _table(table: tables.Table) -> list[str]:
    head = "".join(f"<th>{_e(h)}</th>" for h in table.head)
    rows = ("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows, "</tbody>", "</table>"]


def _section(key: str, heading: str, body: list[str]) -> list[str]:
    return [f'<section id="{key}">', f"<h2>{_e(heading)}</h2>", *body, "</section>"]


def render_html(report: Report) -> str:
    """The report as a self-contained HTML document, in the report's language."""
    t = strings(report.language)
    heading = f"{t['report']}: {report.title}"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(report.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_e(heading)}</h1></header>",
        "<main>",
        *_section("summary", t["summary"], _summary(report, t)),
        *_section("scores", t["scores"], [f"<figure>{score_chart(report.scores, t)}</figure>"]),
        *_section("timeline", t["timeline"], _timeline(report, t)),
        *_section("findings", t["findings_heading"], _findings(report, t)),
        *_section("not_fired", t["not_fired_heading"], _not_fired(report, t)),
        *_section("counterfactuals", t["counterfactuals"], _counterfactuals(report, t)),
        *_section("disputes", t["disputes_heading"], _disputes(report, t)),
        *_section("certainty", t["certainty_heading"], _certainty(report, t)),
        *_section("bibliography", t["bibliography"], _bibliography(report, t)),
        "</main>",
        f"<footer>{_e(t['generated'].format(version=report.version))}</footer>",
        "</body>",
        "</html>",
    ]
    return visible_text("\n".join(out) + "\n")


def _summary(report: Report, t: Mapping[str, str]) -> list[str]:
    verdict = (
        f'<span class="verdict verdict_{_e(report.verdict)}">'
        f"{_e(verdict_name(t, report.verdict))}</span>"
    )
    items = [
        (t["verdict"], verdict),
        (t["confidence"], f"{report.confidence:.2f}"),
        (t["deciding"], ", ".join(map(_code, report.deciding)) or _e(t["none"])),
        (t["case"], f"{_code(report.case_id)} ({_e(name(t, 'case', report.kind))})"),
        (t["partners"], _e(", ".join(report.partners))),
        (t["rule_set"], f"{_code(report.ruleset_id)} {_e(report.ruleset_version)}"),
        *([(t["measured_to"], _e(report.reference_date))] if report.reference_date else []),
    ]
    rows = [f"<dt>{_e(label)}</dt><dd>{value}</dd>" for label, value in items]
    return ['<dl class="summary">', *rows, "</dl>"]


def _timeline(report: Report, t: Mapping[str, str]) -> list[str]:
    if not report.timeline:
        return [f"<p>{_e(t['none'])}</p>"]
    chart = timeline_chart(report.timeline, t)
    return [f"<figure>{chart}</figure>", *_table(tables.timeline_table(report, t))]


def _findings(report: Report, t: Mapping[str, str]) -> list[str]:
    if not report.findings:
        return [f"<p>{_e(t['none'])}</p>"]
    out = []
    for f in report.findings:
        mark = f' <span class="tag">({_e(t["deciding_mark"])})</span>' if f.deciding else ""
        facts = "; ".join(f"{_code(k)} = {_e(format_value(v))}" for k, v in f.facts.items())
        kind = "finding deciding" if f.deciding else "finding"
        out += [
            f'<article class="{kind}" id="finding-{_e(f.rule)}">',
            f"<h3>{_e(f.title)}{mark}</h3>",
            f'<p class="tag">{_code(f.rule)} · {_e(consequence(t, f))}</p>',
            f"<p>{_e(f.message)}</p>",
            "<ul>",
            *([f"<li>{_e(t['facts'])}: {facts}</li>"] if facts else []),
            f"<li>{_e(t['sources'])}: {_sources(f.sources)}</li>",
            f"<li>{_e(t['rule_source'])}: {_e(f.rule_source)}</li>",
            "</ul>",
            "</article>",
        ]
    return out


def _not_fired(report: Report, t: Mapping[str, str]) -> list[str]:
    intro = f'<p class="muted">{_e(t["not_fired_intro"])}.</p>'
    if not report.not_fired:
        return [intro, f"<p>{_e(t['none'])}</p>"]
    return [intro, *_table(tables.not_fired_table(report, t))]


def _counterfactuals(report: Report, t: Mapping[str, str]) -> list[str]:
    found = report.counterfactuals
    if found is None:
        return [f"<p>{_e(t['none_computed'])}</p>"]
    out = [f"<p>{_e(s)}</p>" for s in tables.counterfactual_sentences(found, t)]
    for number, solution in enumerate(found.solutions, 1):
        verdict = verdict_name(t, solution.verdict)
        out.append(f"<h3>{_e(t['solution'].format(n=number, verdict=verdict))}</h3>")
        out += _table(tables.changes_table(solution, t))
    return out


def _certainty(report: Report, t: Mapping[str, str]) -> list[str]:
    if not report.certainty:
        return [f"<p>{_e(t['none'])}</p>"]
    out = ["<ul>"]
    for depth, text in report.certainty:
        out.append(f'<li class="depth-{depth}">{_e(text)}</li>')
    return [*out, "</ul>"]


def _disputes(report: Report, t: Mapping[str, str]) -> list[str]:
    if not report.disputes:
        return [f"<p>{_e(t['none'])}</p>"]
    return _table(tables.disputes_table(report, t))


def _bibliography(report: Report, t: Mapping[str, str]) -> list[str]:
    if not report.bibliography:
        return [f"<p>{_e(t['none'])}</p>"]
    out = ["<ol>"]
    for s in report.bibliography:
        line = f'<li id="source-{_e(s.id)}"><strong>{_e(s.id)}</strong> '
        line += f"({_e(name(t, 'source', s.kind))}"
        if s.reliability:
            line += f", {_e(t['reliability'])} {_e(s.reliability)}"
        line += f"): {_e(s.citation)}"
        if s.url and link_url(s.url):
            line += f' <a href="{_e(s.url)}" rel="noreferrer">{_e(s.url)}</a>'
        elif s.url:
            line += f" {_e(s.url)}"
        if s.accessed:
            line += f" ({_e(t['accessed'])} {_e(s.accessed)})"
        if s.cited_by:
            line += f' <span class="muted">— {_e(t["cited_by"])} '
            line += ", ".join(map(_code, s.cited_by)) + "</span>"
        out.append(line + "</li>")
    return [*out, "</ol>"]
