"""The comparison report: many evaluated cases side by side, assembled once.

:func:`build_comparison` turns the cases of a comparison (:class:`Entry`: where a
case came from and its decision record, or the error that stopped it; read by
:mod:`sistereval.report.inputs`) into a :class:`ComparisonReport`: a row per case
with its verdict, the deciding count (:mod:`sistereval.report.deciding`), its
certainty and factor scores, the verdicts counted over the scale, how many cases
each strength and obstacle rule fired in, and, when each case's own report is
written beside the comparison, the file to link to.  The renderers are
``compare_terminal``, ``compare_markdown`` and ``compare_html``; the texts are
:data:`~sistereval.messages.COMPARE`'s (``docs/reports.md``, "Comparing many
partnerships").
"""

from __future__ import annotations

import collections
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .. import ir
from ..model import Case
from ..verdict import NOT_ASSESSABLE, Evaluation
from .deciding import Count, deciding_counts
from .model import Score, showable

__all__ = [
    "CaseRow",
    "ComparisonReport",
    "Entry",
    "Occurrence",
    "build_comparison",
    "entry_of_evaluation",
    "report_names",
]

#: The kinds of finding whose occurrences the comparison counts, in its order.
_COUNTED_KINDS = ("strength", "obstacle")
#: What a case's own report file name may hold (a case id may hold more).
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@attrs.frozen(kw_only=True)
class Entry:
    """One case of a comparison: ``label`` (where it came from: a file, ``FILE#ID``,
    a batch record's ``input``), its decision record (``Evaluation.to_dict()``'s
    keys; without ``not_fired``) or the ``error`` that stopped it, its ``title``
    and, when it was read, its ``case`` (to write its own report)."""

    label: str
    record: Mapping[str, Any] | None = None
    error: str | None = None
    title: str | None = None
    case: Case | None = None


def entry_of_evaluation(label: str, evaluation: Evaluation, case: Case | None) -> Entry:
    """The entry of an evaluated case (its record without the rules that did not fire,
    which a comparison does not show and which cost the most to explain)."""
    certainty = evaluation.certainty
    record = {
        "verdict": evaluation.verdict,
        # what a comparison shows of the certainty section (a batch record has it all)
        "certainty": None
        if certainty is None
        else {"grade": certainty.grade, "robust": {"status": certainty.robust.status}},
        "case": {"id": evaluation.case_id, "sha256": evaluation.case_sha256},
        "ruleset": attrs.asdict(evaluation.ruleset),
        "deciding_rules": list(evaluation.deciding),
        "findings": [f.to_dict() for f in evaluation.findings],
        "factors": dict(evaluation.factors),
        "sistereval": evaluation.version,
    }
    title = case.title if case is not None else None
    return Entry(label=label, record=record, title=title, case=case)


@attrs.frozen(kw_only=True)
class CaseRow:
    """A case of the comparison: ``verdict`` is None for a case that failed (``error``)."""

    number: int
    label: str
    case_id: str
    title: str
    verdict: str | None
    #: The certainty's grade and whether the verdict holds (``robust``), as the decision
    #: record has them (None in a batch record written before the certainty section).
    certainty: str | None
    robust: str | None
    counts: tuple[Count, ...]
    scores: tuple[Score, ...]
    strengths: tuple[str, ...]
    obstacles: tuple[str, ...]
    error: str | None
    report: str | None  # the file name of the case's own report, when written beside


@attrs.frozen(kw_only=True)
class Occurrence:
    """A strength or obstacle rule and the number of cases it fired in."""

    rule: str
    title: str
    kind: str
    cases: int


@attrs.frozen(kw_only=True)
class ComparisonReport:
    language: str
    source: str
    ruleset_id: str
    ruleset_version: str
    ruleset_title: str
    rows: tuple[CaseRow, ...]
    #: Every verdict of the scale and ``not_assessable``, with its number of cases.
    verdicts: tuple[tuple[str, int], ...]
    strengths: tuple[Occurrence, ...]
    obstacles: tuple[Occurrence, ...]
    failed: int
    factors: tuple[str, ...]
    obstacle_groups: tuple[str, ...]
    version: str

    @property
    def evaluated(self) -> tuple[CaseRow, ...]:
        return tuple(row for row in self.rows if row.verdict is not None)

    @property
    def linked(self) -> bool:
        """Whether the cases' own reports are written beside the comparison."""
        return any(row.report for row in self.rows)


def report_names(entries: Sequence[Entry], suffix: str) -> list[str | None]:
    """The file name of each entry's own report (``bandung-namur.html``), unique and
    never ``index``; None for an entry without a case to report on."""
    used = {f"index{suffix}"}
    names: list[str | None] = []
    for entry in entries:
        if entry.case is None:
            names.append(None)
            continue
        stem = _UNSAFE.sub("-", entry.case.id).strip(".-") or "case"
        name, n = f"{stem}{suffix}", 1
        while name.lower() in used:
            n += 1
            name = f"{stem}-{n}{suffix}"
        used.add(name.lower())
        names.append(name)
    return names


def build_comparison(
    entries: Sequence[Entry],
    ruleset: ir.RuleSet,
    *,
    language: str = "en",
    source: str = "",
    reports: Sequence[str | None] | None = None,
    version: str = "",
) -> ComparisonReport:
    """The comparison of ``entries``, evaluated with ``ruleset``, in ``language``;
    ``reports`` the file names of their own reports (:func:`report_names`), when
    written beside the comparison; ``version`` the sistereval that wrote it."""
    kinds = {
        rule.id: rule.then.kind for rule in ruleset.rules if isinstance(rule.then, ir.FindingThen)
    }
    rows = []
    fired: collections.Counter[str] = collections.Counter()
    verdicts: collections.Counter[str] = collections.Counter()
    for number, entry in enumerate(entries, start=1):
        report = reports[number - 1] if reports is not None else None
        record = entry.record
        if record is None:
            rows.append(_failed_row(number, entry, report))
            continue
        findings = [f for f in record["findings"] if isinstance(f, Mapping)]
        rules = list(dict.fromkeys(str(f["rule"]) for f in findings))
        fired.update(r for r in rules if kinds.get(r) in _COUNTED_KINDS)
        verdicts[str(record["verdict"])] += 1
        factors = record["factors"]
        rows.append(
            CaseRow(
                number=number,
                label=entry.label,
                case_id=str(record["case"]["id"]),
                title=entry.title or str(record["case"]["id"]),
                verdict=str(record["verdict"]),
                certainty=_certainty(record, "grade"),
                robust=_certainty(record, "robust", "status"),
                counts=deciding_counts(ruleset, record["deciding_rules"], findings),
                scores=tuple(
                    Score(name=name, group=group, value=float(factors.get(name, 0.0)))
                    for group, names in (
                        ("factor", ruleset.factors),
                        ("obstacle", ruleset.obstacle_groups),
                    )
                    for name in names
                ),
                strengths=tuple(r for r in rules if kinds.get(r) == "strength"),
                obstacles=tuple(r for r in rules if kinds.get(r) == "obstacle"),
                error=None,
                report=report,
            )
        )
    scale = [*ruleset.scale, NOT_ASSESSABLE]
    scale += sorted(v for v in verdicts if v not in scale)
    order = {rule.id: i for i, rule in enumerate(ruleset.rules)}

    def occurrences(kind: str) -> tuple[Occurrence, ...]:
        found = [r for r in fired if kinds.get(r) == kind]
        found.sort(key=lambda r: (-fired[r], order.get(r, len(order))))
        return tuple(
            Occurrence(
                rule=r, title=ruleset.message(r, "title", language), kind=kind, cases=fired[r]
            )
            for r in found
        )

    comparison = ComparisonReport(
        language=language,
        source=source,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_title=ruleset.title,
        rows=tuple(rows),
        verdicts=tuple((v, verdicts[v]) for v in scale),
        strengths=occurrences("strength"),
        obstacles=occurrences("obstacle"),
        failed=sum(1 for row in rows if row.verdict is None),
        factors=ruleset.factors,
        obstacle_groups=ruleset.obstacle_groups,
        version=version,
    )
    return showable(comparison)


def _certainty(record: Mapping[str, Any], *path: str) -> str | None:
    """``record["certainty"][path...]`` when it is text: a record written before the
    certainty section has none."""
    value: object = record.get("certainty")
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) else None


def _failed_row(number: int, entry: Entry, report: str | None) -> CaseRow:
    return CaseRow(
        number=number,
        label=entry.label,
        case_id=entry.case.id if entry.case is not None else "",
        title=entry.title or entry.label,
        verdict=None,
        certainty=None,
        robust=None,
        counts=(),
        scores=(),
        strengths=(),
        obstacles=(),
        error=entry.error or "",
        report=report,
    )
