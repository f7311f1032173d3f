"""The tables of a comparison report, once for every format (as :mod:`.tables` does
for the report of one case): cases, factor scores, verdicts, occurrences, failures.

Cells are those of :mod:`.tables`, and :class:`Link`: a case's title linked to its
own report, which each renderer draws as a link (the terminal as the file name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import attrs

from ..messages import CERTAINTY, texts
from .chart import score_text
from .compare import CaseRow, ComparisonReport, Occurrence
from .deciding import counts_text
from .strings import name, verdict_name
from .tables import Cell, Code, Table, draw

__all__ = [
    "BAR_WIDTH",
    "Cell",
    "Link",
    "LinkTable",
    "cases_table",
    "count_bar",
    "draw_cell",
    "failed_table",
    "occurrences_table",
    "scores_table",
    "verdicts_table",
]

#: The most blocks of a text bar: the bar of every case.
BAR_WIDTH = 20
T = TypeVar("T")


@attrs.frozen
class Link:
    """``text`` linked to the file ``href`` beside the comparison."""

    text: str
    href: str


def draw_cell(cell: Cell | Link, link: Callable[[Link], T], **drawers: Callable[..., T]) -> T:
    """``cell`` drawn by ``link`` or the drawers of :func:`.tables.draw`."""
    if isinstance(cell, Link):
        return link(cell)
    return draw(cell, **drawers)


def count_bar(n: int, total: int) -> str:
    """``n`` of ``total`` cases as a bar of at most :data:`BAR_WIDTH` blocks (one at least)."""
    if n <= 0 or total <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * n / total))


@attrs.frozen
class LinkTable:
    head: tuple[str, ...]
    rows: tuple[tuple[Cell | Link, ...], ...]


def cases_table(comparison: ComparisonReport, t: Mapping[str, str]) -> LinkTable:
    """A row per evaluated case: number, title, verdict, deciding count, certainty, input."""
    rows: list[tuple[Cell | Link, ...]] = []
    for row in comparison.evaluated:
        assert row.verdict is not None
        title: Cell | Link = Link(row.title, row.report) if row.report else row.title
        rows.append(
            (
                str(row.number),
                title,
                verdict_name(t, row.verdict),
                counts_text(row.counts, comparison.language) or "–",
                certainty_text(row, comparison.language),
                Code(row.label),
            )
        )
    title_of = texts(CERTAINTY, comparison.language)["title"]
    head = ("#", t["case"], t["verdict"], t["deciding_count"], title_of, t["input"])
    return LinkTable(head, tuple(rows))


def certainty_text(row: CaseRow, language: str) -> str:
    """The certainty of ``row`` in a few words: its grade and whether the verdict holds
    (``tinggi · tetap berlaku``); ``–`` for a batch record without them."""
    if row.certainty is None:
        return "–"
    c = texts(CERTAINTY, language)
    words = [c.get(row.certainty, row.certainty)]
    robust = {"always": "robust_always", "depends": "robust_depends"}.get(
        row.robust or "", "robust_limit"
    )
    if row.robust is not None:
        words.append(c[robust])
    return " · ".join(words)


def scores_table(comparison: ComparisonReport, t: Mapping[str, str]) -> Table:
    """A row per evaluated case, a column per success factor and obstacle group."""
    names = (*comparison.factors, *comparison.obstacle_groups)
    rows: list[tuple[Cell, ...]] = []
    for row in comparison.evaluated:
        scores: list[Cell] = [score_text(s) for s in row.scores]
        rows.append((str(row.number), Code(row.case_id), *scores))
    return Table(("#", t["case"], *(name(t, "factor", n) for n in names)), tuple(rows))


def verdicts_table(comparison: ComparisonReport, t: Mapping[str, str]) -> Table:
    total = len(comparison.evaluated)
    rows = tuple(
        (verdict_name(t, verdict), str(n), count_bar(n, total))
        for verdict, n in comparison.verdicts
    )
    return Table((t["verdict"], t["cases_count"], ""), rows)


def occurrences_table(comparison: ComparisonReport, t: Mapping[str, str]) -> Table:
    total = len(comparison.evaluated)

    def row(found: Occurrence) -> tuple[Cell, ...]:
        kind = name(t, "kind", found.kind)
        return (
            kind,
            Code(found.rule),
            found.title,
            str(found.cases),
            count_bar(found.cases, total),
        )

    rows = tuple(row(o) for o in (*comparison.strengths, *comparison.obstacles))
    return Table((t["kind"], t["rule"], t["title"], t["cases_count"], ""), rows)


def failed_table(comparison: ComparisonReport, t: Mapping[str, str]) -> Table:
    rows = tuple(
        (str(row.number), Code(row.label), row.error or "")
        for row in comparison.rows
        if row.verdict is None
    )
    return Table(("#", t["input"], t["error"]), rows)
