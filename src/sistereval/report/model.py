"""The report model: everything a report shows, assembled once, rendered three ways.

:func:`build_report` evaluates and explains a case and gathers what every
renderer shows, in the same order: the verdict and its confidence, the scores
of the success factors and obstacle groups, the timeline of milestones and
leadership changes, the findings with their sources, the rules that did not
fire (nearest first), the counterfactuals, the disputed facts and the case's
bibliography.  Numbers, dates, ids and sources are the same in every language;
only the texts (rule titles and messages, from the rule set's catalogue) are
in the report's language, so a report in English and one in Indonesian differ
in wording, not in content.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs

from .. import ir
from ..cases import as_case
from ..dates import When, date_key
from ..errors import UsageError
from ..explanation import Explanation, certainty_lines, explain
from ..language import rule_set
from ..messages import LABELS, Language, office_name, reference_text, texts
from ..model import Case
from ..safety import plain_text

__all__ = [
    "Alternative",
    "Change",
    "Counterfactuals",
    "Dispute",
    "Event",
    "Miss",
    "Report",
    "ReportFinding",
    "Score",
    "Solution",
    "Source",
    "build_report",
    "report_of",
    "showable",
]


@attrs.frozen(kw_only=True)
class Score:
    """The score of a success factor (``group`` ``factor``, signed) or of an obstacle
    group (``group`` ``obstacle``, 0 or more): :func:`sistereval.verdict.factor_scores`."""

    name: str
    group: str
    value: float


@attrs.frozen(kw_only=True)
class Event:
    """A milestone (``kind`` ``milestone``, ``type`` its type) or a leadership change
    (``kind`` ``leadership``, ``type`` the office), at the precision of its date."""

    date: When
    kind: str
    type: str
    party: str | None  # a partner's name
    detail: str
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ReportFinding:
    rule: str
    title: str
    kind: str
    factor: str | None
    severity: str | None
    verdict: str | None
    message: str
    facts: Mapping[str, object]
    sources: tuple[str, ...]
    rule_source: str
    deciding: bool


@attrs.frozen(kw_only=True)
class Miss:
    """A rule that did not fire: ``better`` when its verdict is better than the case's."""

    rule: str
    title: str
    kind: str  # as for a finding: strength ... compliance, verdict or derived
    factor: str | None
    severity: str | None
    verdict: str | None
    better: bool
    clauses_true: int
    clauses: int
    blocking: str


@attrs.frozen(kw_only=True)
class Change:
    path: str
    before: object
    after: object
    text: str


@attrs.frozen(kw_only=True)
class Solution:
    verdict: str
    changes: tuple[Change, ...]


@attrs.frozen(kw_only=True)
class Counterfactuals:
    verdict_before: str
    target: str | None  # None: no better verdict to reach
    searched: int
    complete: bool  # False: the search stopped at its bound
    solutions: tuple[Solution, ...]
    stopped: str | None = None  # the budget that stopped it: candidates, work or time


@attrs.frozen(kw_only=True)
class Alternative:
    value: object
    sources: tuple[str, ...]  # empty: computed from the case, no source gives it
    verdict: str | None  # the verdict with this value, when computed


@attrs.frozen(kw_only=True)
class Dispute:
    fact: str
    alternatives: tuple[Alternative, ...]
    chosen: object  # the value the evaluation used (None when not known)
    verdict_depends: bool | None  # None when not computed


@attrs.frozen(kw_only=True)
class Source:
    id: str
    kind: str
    citation: str
    url: str | None
    accessed: str | None
    reliability: str | None
    cited_by: tuple[str, ...]  # the rules whose findings cite it


@attrs.frozen(kw_only=True)
class Report:
    language: str
    case_id: str
    title: str
    kind: str
    partners: tuple[str, ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_title: str
    #: The date durations were measured to and its basis, as text ("" when unknown).
    reference_date: str
    verdict: str
    confidence: float
    deciding: tuple[str, ...]
    scores: tuple[Score, ...]
    timeline: tuple[Event, ...]
    findings: tuple[ReportFinding, ...]
    not_fired: tuple[Miss, ...]
    counterfactuals: Counterfactuals | None  # None: not computed
    disputes: tuple[Dispute, ...]
    bibliography: tuple[Source, ...]
    version: str
    #: The certainty of the verdict in plain words, as ``(depth, text)`` lines
    #: (:func:`sistereval.explanation.certainty_lines`); empty without one.
    certainty: tuple[tuple[int, str], ...] = ()


def build_report(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | None = None,
    *,
    language: Language = "en",
    counterfactuals: Mapping[str, Any] | None = None,
    disputes: Sequence[Mapping[str, Any]] | None = None,
) -> Report:
    """The report of ``case`` evaluated with ``rules`` (arguments as for
    :func:`~sistereval.evaluation.evaluate`).

    ``counterfactuals`` is a counterfactual search's result (``{verdict_before,
    target, searched, solutions: [{verdict, changes: [{path, from, to, text:
    {en, id}}]}]}``); without it the section says "none computed".
    ``disputes`` are per-dispute verdicts (``[{fact, alternatives: [{value,
    sources, verdict}], verdict_depends}]``); without them the evaluation's
    disputes are shown, without verdicts.
    """
    explanation = explain(as_case(case), rule_set(rules), language=language)
    return report_of(explanation, counterfactuals=counterfactuals, disputes=disputes)


def report_of(
    explanation: Explanation,
    *,
    counterfactuals: Mapping[str, Any] | None = None,
    disputes: Sequence[Mapping[str, Any]] | None = None,
) -> Report:
    """The report of an explanation (of :func:`~sistereval.explanation.explain`), in
    its language, from the evaluation it explains: nothing is derived or evaluated
    again.  ``counterfactuals`` and ``disputes`` as for :func:`build_report`."""
    evaluation = explanation.evaluation
    trace = None if evaluation is None else evaluation.trace
    if evaluation is None or trace is None:
        raise UsageError("the explanation keeps no evaluation to report on")
    the_case, ruleset, language = trace.case, trace.ruleset, explanation.language

    def title(rule_id: str) -> str:
        return ruleset.message(rule_id, "title", language)

    findings = tuple(
        ReportFinding(
            rule=f.rule,
            title=title(f.rule),
            kind=f.kind,
            factor=f.factor,
            severity=f.severity,
            verdict=f.verdict,
            message=f.message,
            facts=f.facts,
            sources=f.sources,
            rule_source=f.rule_source,
            deciding=f.rule in evaluation.deciding,
        )
        for f in evaluation.findings
    )
    misses = []
    for miss in explanation.misses:
        kind, factor, severity, verdict = ir.conclusion(ruleset.rule(miss.rule).then)
        misses.append(
            Miss(
                rule=miss.rule,
                title=title(miss.rule),
                kind=kind,
                factor=factor,
                severity=severity,
                verdict=verdict,
                better=miss.better_verdict,
                clauses_true=miss.clauses_true,
                clauses=miss.clauses,
                blocking=miss.blocking,
            )
        )
    scores = tuple(
        Score(name=name, group=group, value=evaluation.factors.get(name, 0.0))
        for group, names in (("factor", ruleset.factors), ("obstacle", ruleset.obstacle_groups))
        for name in names
    )
    report = Report(
        language=language,
        case_id=the_case.id,
        title=the_case.title,
        kind=str(the_case.kind),
        partners=tuple(p.name for p in the_case.partners),
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_title=ruleset.title,
        reference_date=reference_text(evaluation.reference_date, texts(LABELS, language)),
        verdict=evaluation.verdict,
        confidence=evaluation.confidence,
        deciding=evaluation.deciding,
        scores=scores,
        timeline=timeline(the_case, language),
        findings=findings,
        not_fired=tuple(misses),
        counterfactuals=None
        if counterfactuals is None
        else _counterfactuals(counterfactuals, language),
        disputes=_disputes(evaluation.disputes if disputes is None else disputes),
        bibliography=_bibliography(the_case, findings),
        version=evaluation.version,
        certainty=()
        if evaluation.certainty is None
        else tuple(
            certainty_lines(
                evaluation.certainty, evaluation.verdict, language, texts(LABELS, language)
            )
        ),
    )
    return showable(report)


T = TypeVar("T")


def showable(value: T) -> T:
    """``value`` with every text made :func:`~sistereval.safety.plain_text` (no escape
    sequence or control character but tab and newline; surrogates and noncharacters,
    invalid in HTML, replaced by U+FFFD), through attrs classes, tuples and mappings.
    Bidi and zero-width characters stay: each renderer shows or removes them."""
    if isinstance(value, str):
        return cast(T, plain_text(value))
    if isinstance(value, tuple):
        return cast(T, tuple(showable(item) for item in value))
    if isinstance(value, Mapping):
        return cast(T, {showable(key): showable(item) for key, item in value.items()})
    instance: Any = value
    if attrs.has(type(instance)):
        names = [f.name for f in attrs.fields(type(instance))]
        return cast(T, attrs.evolve(instance, **{n: showable(getattr(instance, n)) for n in names}))
    return value


def timeline(case: Case, language: str = "en") -> tuple[Event, ...]:
    """The case's dated milestones and leadership changes, oldest first (file order on a
    tie); offices named in ``language``.  Undated records and milestones a source
    reports did not happen are left out (the case's tables list them)."""
    names = {p.id: p.name for p in case.partners}
    events = [
        Event(
            date=m.date,
            kind="milestone",
            type=str(m.type),
            party=names.get(m.party or ""),
            detail=_one_line(m.note or ""),
            sources=m.sources,
        )
        for m in case.milestones
        if m.date is not None and m.happened
    ]
    for change in case.leadership_changes:
        if change.date is None:
            continue
        who = " → ".join(x for x in (change.outgoing, change.incoming) if x)
        reason = _one_line(change.reason or "")
        events.append(
            Event(
                date=change.date,
                kind="leadership",
                type=office_name(change.office, language),
                party=names.get(change.partner, change.partner),
                detail=f"{who}: {reason}" if who and reason else who or reason,
                sources=change.sources,
            )
        )
    return tuple(sorted(events, key=lambda e: date_key(e.date)))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _pick(texts: object, language: str) -> str:
    if isinstance(texts, Mapping):
        return str(texts.get(language) or texts.get("en") or "")
    return str(texts or "")


def _counterfactuals(data: Mapping[str, Any], language: str) -> Counterfactuals:
    solutions = tuple(
        Solution(
            verdict=str(solution.get("verdict", "")),
            changes=tuple(
                Change(
                    path=str(change.get("path", "")),
                    before=change.get("from"),
                    after=change.get("to"),
                    text=_pick(change.get("text"), language),
                )
                for change in solution.get("changes", ())
            ),
        )
        for solution in data.get("solutions", ())
    )
    return Counterfactuals(
        verdict_before=str(data.get("verdict_before", "")),
        target=None if data.get("target") is None else str(data["target"]),
        searched=int(data.get("searched", 0)),
        complete=bool(data.get("complete", True)),
        stopped=None if data.get("stopped") is None else str(data.get("stopped")),
        solutions=solutions,
    )


def _disputes(data: Sequence[Mapping[str, Any]]) -> tuple[Dispute, ...]:
    return tuple(
        Dispute(
            fact=str(item.get("fact", "")),
            alternatives=tuple(
                Alternative(
                    value=alternative.get("value"),
                    # "derived" marks a value computed from the case (disputes.DERIVED)
                    sources=tuple(s for s in alternative.get("sources", ()) if s != "derived"),
                    verdict=alternative.get("verdict"),
                )
                for alternative in item.get("alternatives", ())
            ),
            chosen=item.get("chosen"),
            verdict_depends=item.get("verdict_depends"),
        )
        for item in data
    )


def _bibliography(case: Case, findings: Sequence[ReportFinding]) -> tuple[Source, ...]:
    return tuple(
        Source(
            id=source.id,
            kind=str(source.kind),
            citation=_one_line(source.citation),
            url=source.url,
            accessed=None if source.accessed is None else str(source.accessed),
            reliability=None if source.reliability is None else str(source.reliability),
            cited_by=tuple(f.rule for f in findings if source.id in f.sources),
        )
        for source in case.sources
    )
