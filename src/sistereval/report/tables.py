"""The tables of a report, once for every format: each renderer only draws the cells.

A cell is plain text (in the report's language or from the case), :class:`Code`
(a rule id, a fact, a condition), :class:`Sources` (source ids, linked to the
bibliography where the format can) or :class:`Bar` (a score drawn as a bar).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import attrs

from ..messages import format_value
from .chart import score_text
from .model import Counterfactuals, Report, Score, Solution
from .strings import consequence, name, verdict_name
from .timeline import event_label

__all__ = [
    "Bar",
    "Cell",
    "Code",
    "Sources",
    "Table",
    "bar_text",
    "changes_table",
    "disputes_table",
    "draw",
    "not_fired_table",
    "scores_table",
    "timeline_table",
]


@attrs.frozen
class Code:
    text: str


@attrs.frozen
class Sources:
    ids: tuple[str, ...]


@attrs.frozen
class Bar:
    score: Score

    @property
    def length(self) -> int:
        """One block per point, at most 30."""
        return min(int(abs(self.score.value)), 30)


Cell = str | Code | Sources | Bar
T = TypeVar("T")


def draw(
    cell: Cell,
    *,
    text: Callable[[str], T],
    code: Callable[[str], T],
    sources: Callable[[tuple[str, ...]], T],
    bar: Callable[[Bar], T],
) -> T:
    """``cell`` drawn by the function for its type."""
    if isinstance(cell, Code):
        return code(cell.text)
    if isinstance(cell, Sources):
        return sources(cell.ids)
    if isinstance(cell, Bar):
        return bar(cell)
    return text(cell)


def bar_text(cell: Bar) -> str:
    """A bar in text: one block per point."""
    return "█" * cell.length


@attrs.frozen
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def scores_table(report: Report, t: Mapping[str, str]) -> Table:
    rows = tuple(
        (
            t["factors_panel"] if s.group == "factor" else t["obstacles_panel"],
            name(t, "factor", s.name),
            score_text(s),
            Bar(s),
        )
        for s in report.scores
    )
    return Table((t["group"], t["name"], t["score"], ""), rows)


def timeline_table(report: Report, t: Mapping[str, str]) -> Table:
    rows = tuple(
        (str(i), str(e.date), event_label(e, t), e.detail or "–", Sources(e.sources))
        for i, e in enumerate(report.timeline, 1)
    )
    return Table(("#", t["date"], t["event"], t["detail"], t["sources"]), rows)


def not_fired_table(report: Report, t: Mapping[str, str]) -> Table:
    rows = tuple(
        (
            "★" if m.better else "",
            Code(m.rule),
            m.title,
            consequence(t, m),
            t["clauses"].format(true=m.clauses_true, total=m.clauses),
            Code(m.blocking),
        )
        for m in report.not_fired
    )
    head = ("", t["rule"], t["title"], t["consequence"], t["clauses_head"], t["blocked_by"])
    return Table(head, rows)


def counterfactual_sentences(found: Counterfactuals, t: Mapping[str, str]) -> list[str]:
    """What the search looked for and how far it went, before its solutions."""
    if found.target is None:
        return [t["no_target"].format(verdict=verdict_name(t, found.verdict_before))]
    target = verdict_name(t, found.target)
    searched = t["searched"].format(n=found.searched, target=target)
    stopped = {"work": "search_work", "time": "search_time"}.get(found.stopped or "")
    bound = t[stopped or "search_bounded"]
    sentences = [searched if found.complete else f"{searched} ({bound})"]
    if not found.solutions:
        sentences.append(t["no_solution"].format(target=target))
    return sentences


def changes_table(solution: Solution, t: Mapping[str, str]) -> Table:
    rows = tuple(
        (Code(c.path), format_value(c.before), format_value(c.after), c.text)
        for c in solution.changes
    )
    return Table((t["fact"], t["before"], t["after"], t["change"]), rows)


def disputes_table(report: Report, t: Mapping[str, str]) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for d in report.disputes:
        for a in d.alternatives:
            used = t["yes"] if d.chosen is not None and a.value == d.chosen else ""
            verdict = verdict_name(t, a.verdict) if a.verdict else "–"
            sources: Cell = Sources(a.sources) if a.sources else t["derived_value"]
            rows.append((Code(d.fact), format_value(a.value), sources, used, verdict))
        if d.verdict_depends is not None:
            depends = t["depends"] if d.verdict_depends else t["not_depends"]
            rows.append((Code(d.fact), "", "", "", depends))
    return Table((t["fact"], t["value"], t["sources"], t["used"], t["verdict"]), tuple(rows))
