"""A report for the terminal, drawn with rich: colours on a terminal, plain text
otherwise (a file, a pipe), the same sections as the Markdown and HTML reports."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..report import format_value
from .chart import score_text
from .model import Report
from .strings import consequence, name, strings, verdict_name
from .timeline import event_label

__all__ = ["render_terminal"]

_VERDICT_STYLE = {"success": "bold green", "partial": "bold yellow", "failure": "bold red"}


def _table(head: Sequence[str]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column in head:
        table.add_column(column, overflow="fold")
    return table


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def _plain(text: str) -> Text:
    return Text(text)


def render_terminal(report: Report, *, colour: bool = False, width: int = 100) -> str:
    """The report as terminal text; ``colour`` adds ANSI styles (for a terminal)."""
    t = strings(report.language)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=colour,
        no_color=not colour,
        color_system="standard" if colour else None,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    parts: list[RenderableType] = [
        Text(f"{t['report']}: {report.title}", style="bold"),
        *_summary(report, t),
        _heading(t["scores"]),
        _scores(report, t),
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
        _heading(t["bibliography"]),
        *_bibliography(report, t),
        Text(f"\n{t['generated'].format(version=report.version)}", style="dim"),
    ]
    console.print(Group(*parts))
    if colour:
        return buffer.getvalue()
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _summary(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    verdict = Text(verdict_name(t, report.verdict), style=_VERDICT_STYLE.get(report.verdict, ""))
    grid.add_row(t["verdict"], verdict)
    grid.add_row(t["confidence"], f"{report.confidence:.2f}")
    grid.add_row(t["deciding"], ", ".join(report.deciding) or t["none"])
    grid.add_row(t["case"], f"{report.case_id} ({name(t, 'case', report.kind)})")
    grid.add_row(t["partners"], ", ".join(report.partners))
    grid.add_row(t["rule_set"], f"{report.ruleset_id} {report.ruleset_version}")
    return [_heading(t["summary"]), grid]


def _scores(report: Report, t: Mapping[str, str]) -> Table:
    table = _table([t["group"], t["name"], t["score"], ""])
    for s in report.scores:
        style = ("green" if s.value > 0 else "red") if s.group == "factor" else "dark_orange"
        table.add_row(
            t["factors_panel"] if s.group == "factor" else t["obstacles_panel"],
            name(t, "factor", s.name),
            score_text(s),
            Text("█" * min(int(abs(s.value)), 30), style=style),
        )
    return table


def _timeline(report: Report, t: Mapping[str, str]) -> RenderableType:
    if not report.timeline:
        return _plain(t["none"])
    table = _table(["#", t["date"], t["event"], t["detail"], t["sources"]])
    for i, e in enumerate(report.timeline, 1):
        table.add_row(
            str(i), str(e.date), event_label(e, t), e.detail or "–", ", ".join(e.sources) or "–"
        )
    return table


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
    table = _table([t["rule"], t["title"], t["consequence"], t["clauses_head"], t["blocked_by"]])
    for m in report.not_fired:
        table.add_row(
            Text(f"★ {m.rule}", style="bold") if m.better else m.rule,
            m.title,
            consequence(t, m),
            t["clauses"].format(true=m.clauses_true, total=m.clauses),
            m.blocking,
        )
    return [intro, table]


def _counterfactuals(report: Report, t: Mapping[str, str]) -> list[RenderableType]:
    found = report.counterfactuals
    if found is None:
        return [_plain(t["none_computed"])]
    target = verdict_name(t, found.target)
    out: list[RenderableType] = [_plain(t["searched"].format(n=found.searched, target=target))]
    if not found.solutions:
        return [*out, _plain(t["no_solution"].format(target=target))]
    for number, solution in enumerate(found.solutions, 1):
        verdict = verdict_name(t, solution.verdict)
        out.append(Text(t["solution"].format(n=number, verdict=verdict), style="bold"))
        table = _table([t["fact"], t["before"], t["after"], t["change"]])
        for c in solution.changes:
            table.add_row(c.path, format_value(c.before), format_value(c.after), c.text)
        out.append(table)
    return out


def _disputes(report: Report, t: Mapping[str, str]) -> RenderableType:
    if not report.disputes:
        return _plain(t["none"])
    table = _table([t["fact"], t["value"], t["sources"], t["used"], t["verdict"]])
    for d in report.disputes:
        for a in d.alternatives:
            used = t["yes"] if d.chosen is not None and a.value == d.chosen else ""
            verdict = verdict_name(t, a.verdict) if a.verdict else "–"
            table.add_row(d.fact, format_value(a.value), ", ".join(a.sources) or "–", used, verdict)
        if d.verdict_depends is not None:
            depends = t["depends"] if d.verdict_depends else t["not_depends"]
            table.add_row(d.fact, "", "", "", depends)
    return table


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
