"""A report as GitHub-flavoured Markdown: the same sections as the HTML report, with
tables where the HTML has charts (Markdown renderers do not draw inline SVG).

Every text is escaped; a source's URL becomes a link only when
:func:`~sistereval.safety.link_url` accepts it; bidi and zero-width characters are
shown as ``{U+202E}`` (:func:`~sistereval.safety.visible_text`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

from ..messages import format_value
from ..safety import link_url, markdown_text, visible_text
from . import tables
from .model import Report
from .strings import consequence, name, strings, verdict_name

__all__ = ["render_markdown"]


def _md(text: str) -> str:
    """User or catalogue text, escaped so that Markdown shows it as written."""
    return markdown_text(text)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _sources(ids: Sequence[str]) -> str:
    return ", ".join(f"[{_md(i)}](#source-{quote(i)})" for i in ids) or "–"


def _cell(cell: tables.Cell) -> str:
    return tables.draw(cell, text=_md, code=_code, sources=_sources, bar=tables.bar_text)


def _table(table: tables.Table) -> list[str]:
    head = [_md(h) for h in table.head]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines.extend("| " + " | ".join(map(_cell, row)) + " |" for row in table.rows)
    return [*lines, ""]


def render_markdown(report: Report) -> str:
    """The report in Markdown, in the report's language."""
    t = strings(report.language)
    out = [f"# {_md(t['report'])}: {_md(report.title)}", ""]
    out += _summary(report, t)
    out += _scores(report, t)
    out += _timeline(report, t)
    out += _findings(report, t)
    out += _not_fired(report, t)
    out += _counterfactuals(report, t)
    out += _disputes(report, t)
    out += _certainty(report, t)
    out += _bibliography(report, t)
    out.append(f"*{_md(t['generated'].format(version=report.version))}*")
    return visible_text("\n".join(out) + "\n")


def _summary(report: Report, t: Mapping[str, str]) -> list[str]:
    return [
        f"## {t['summary']}",
        "",
        f"- **{t['verdict']}:** {t[report.verdict]}",
        f"- **{t['confidence']}:** {report.confidence:.2f}",
        f"- **{t['deciding']}:** " + (", ".join(map(_code, report.deciding)) or t["none"]),
        f"- **{t['case']}:** {_code(report.case_id)} ({_md(name(t, 'case', report.kind))})",
        f"- **{t['partners']}:** " + ", ".join(_md(p) for p in report.partners),
        f"- **{t['rule_set']}:** {_code(report.ruleset_id)} {_md(report.ruleset_version)}",
        *(
            [f"- **{t['measured_to']}:** {_md(report.reference_date)}"]
            if report.reference_date
            else []
        ),
        "",
    ]


def _scores(report: Report, t: Mapping[str, str]) -> list[str]:
    return [
        f"## {t['scores']}",
        "",
        *_table(tables.scores_table(report, t)),
        f"{_md(t['factors_panel'])}: {_md(t['factor_axis'])}.  ",
        f"{_md(t['obstacles_panel'])}: {_md(t['obstacle_axis'])}.",
        "",
    ]


def _timeline(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {t['timeline']}", ""]
    if not report.timeline:
        return [*out, t["none"], ""]
    return [*out, *_table(tables.timeline_table(report, t))]


def _findings(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {t['findings_heading']}", ""]
    if not report.findings:
        return [*out, t["none"], ""]
    for f in report.findings:
        mark = f" **({t['deciding_mark']})**" if f.deciding else ""
        out.append(f"### {_md(f.title)}{mark}")
        out.append("")
        out.append(f"{_code(f.rule)} · {_md(consequence(t, f))}")
        out.append("")
        out.append(_md(f.message))
        out.append("")
        if f.facts:
            facts = "; ".join(f"{_code(k)} = {_md(format_value(v))}" for k, v in f.facts.items())
            out.append(f"- {t['facts']}: {facts}")
        out.append(f"- {t['sources']}: {_sources(f.sources)}")
        out.append(f"- {t['rule_source']}: {_md(f.rule_source)}")
        out.append("")
    return out


def _not_fired(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {t['not_fired_heading']}", "", _md(t["not_fired_intro"]) + ".", ""]
    if not report.not_fired:
        return [*out, t["none"], ""]
    return [*out, *_table(tables.not_fired_table(report, t))]


def _counterfactuals(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {t['counterfactuals']}", ""]
    found = report.counterfactuals
    if found is None:
        return [*out, t["none_computed"], ""]
    for sentence in tables.counterfactual_sentences(found, t):
        out += [_md(sentence), ""]
    for number, solution in enumerate(found.solutions, 1):
        verdict = verdict_name(t, solution.verdict)
        out += [f"### {_md(t['solution'].format(n=number, verdict=verdict))}", ""]
        out += _table(tables.changes_table(solution, t))
    return out


def _certainty(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {_md(t['certainty_heading'])}", ""]
    if not report.certainty:
        return [*out, _md(t["none"]), ""]
    for depth, text in report.certainty:
        out.append(f"{'  ' * depth}- {_md(text)}")
    return [*out, ""]


def _disputes(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {t['disputes_heading']}", ""]
    if not report.disputes:
        return [*out, t["none"], ""]
    return [*out, *_table(tables.disputes_table(report, t))]


def _bibliography(report: Report, t: Mapping[str, str]) -> list[str]:
    out = [f"## {t['bibliography']}", ""]
    if not report.bibliography:
        return [*out, t["none"], ""]
    for s in report.bibliography:
        line = f'- <a id="source-{s.id}"></a>**{_md(s.id)}** ({_md(name(t, "source", s.kind))}'
        if s.reliability:
            line += f", {t['reliability']} {s.reliability}"
        line += f"): {_md(s.citation)}"
        if s.url:
            line += f" <{s.url}>" if link_url(s.url) else f" {_md(s.url)}"
        if s.accessed:
            line += f" ({t['accessed']} {s.accessed})"
        if s.cited_by:
            line += f" — {t['cited_by']} " + ", ".join(map(_code, s.cited_by))
        out.append(line)
    return [*out, ""]
