"""The measures of what the analyst and the sources say about a case.

``assessments.*`` (the analyst's ratings of the success factors),
``evidence.*`` (the sources the case cites) and ``disputes.*`` (where they
disagree; ``late`` measures, computed once the disputes are known).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Attainment, EvidenceType, FieldStatus, Rating, Reliability, SourceKind
from .context import _Context, _ids
from .registry import _BOOL, _ENUM, _INT, _LIST, _NUM, _Out, _Registry
from .results import Dispute
from .values import _enum_values, _in_enum_order

_REGISTRY = _Registry()
_scalar = _REGISTRY.scalar

# --------------------------------------------------------------------------
# assessments.*

_FACTOR_TEXT = {
    "shared_values": "shared values and goals",
    "community_participation": "community participation and commitment",
    "long_term_vision": "long-term vision and sustainability",
    "institutional_support": "institutional support and resources",
}


def _assessment_measure(factor: str, text: str) -> None:
    @_scalar(
        f"assessments.{factor}",
        _ENUM,
        f"The analyst's rating of the success factor {text}; null when not rated.",
        values=_enum_values(Rating),
        changeable=True,
    )
    def compute(ctx: _Context) -> _Out:
        assessment = getattr(ctx.case.assessments, factor)
        if assessment is None:
            return _Out(None)
        return _Out(str(assessment.rating), _ids([assessment]))


for _factor in _FACTOR_TEXT.items():
    _assessment_measure(*_factor)


# --------------------------------------------------------------------------
# evidence.*


@_scalar(
    "evidence.sources",
    _INT,
    "The number of distinct sources cited anywhere in the case.",
    minimum=0,
)
def _evidence_sources(ctx: _Context) -> _Out:
    return _Out(len(ctx.cited), tuple(s.id for s in ctx.cited))


@_scalar(
    "evidence.high_reliability",
    _INT,
    "The number of cited sources with reliability `H`.",
    minimum=0,
)
def _evidence_high(ctx: _Context) -> _Out:
    high = [s.id for s in ctx.cited if s.reliability is Reliability.HIGH]
    return _Out(len(high), tuple(high))


@_scalar("evidence.official", _INT, "The number of cited sources of kind `official`.", minimum=0)
def _evidence_official(ctx: _Context) -> _Out:
    official = [s.id for s in ctx.cited if s.kind is SourceKind.OFFICIAL]
    return _Out(len(official), tuple(official))


_REGISTRY.relation("sum", ("evidence.high_reliability",), "evidence.sources", "<=")
_REGISTRY.relation("sum", ("evidence.official",), "evidence.sources", "<=")


@_scalar(
    "evidence.kinds",
    _LIST,
    "The kinds of the cited sources.",
    values=_enum_values(SourceKind),
)
def _evidence_kinds(ctx: _Context) -> _Out:
    kinds = _in_enum_order((str(s.kind) for s in ctx.cited), SourceKind)
    return _Out(kinds, tuple(s.id for s in ctx.cited))


@_scalar(
    "evidence.types",
    _LIST,
    "The evidence types of the cited sources that state one (`evidence:`).",
    values=_enum_values(EvidenceType),
)
def _evidence_types(ctx: _Context) -> _Out:
    typed = [s for s in ctx.cited if s.evidence is not None]
    types = _in_enum_order((str(s.evidence) for s in typed), EvidenceType)
    return _Out(types, tuple(s.id for s in typed))


@_scalar(
    "evidence.independent_evaluations",
    _INT,
    "The number of cited sources that are independent evaluations.",
    minimum=0,
)
def _independent(ctx: _Context) -> _Out:
    found = [s.id for s in ctx.cited if s.evidence is EvidenceType.INDEPENDENT_EVALUATION]
    return _Out(len(found), tuple(found))


@_scalar(
    "evidence.self_assessment_only",
    _BOOL,
    "Every cited source whose evidence type is stated is a partner's self-assessment; null "
    "when no cited source states its type.",
)
def _self_only(ctx: _Context) -> _Out:
    typed = [s for s in ctx.cited if s.evidence is not None]
    if not typed:
        return _Out(None)
    only = all(s.evidence is EvidenceType.SELF_ASSESSMENT for s in typed)
    return _Out(only, tuple(s.id for s in typed))


@_scalar(
    "evidence.unknown_share",
    _NUM,
    "The share of the case's checkable facts that are unknown: fields whose status is unknown, "
    "activities without a date, leadership changes without a date or without continuity, "
    "budget lines without earmarking or adequacy, objectives whose attainment is unknown, over "
    "all of these; null when there is none.",
    minimum=0,
    maximum=1,
)
def _unknown_share(ctx: _Context) -> _Out:
    case = ctx.case
    checks: list[bool] = [
        *(f.status is FieldStatus.UNKNOWN for f in case.fields),
        *(a.date is None for a in case.activities),
        *(c.date is None for c in case.leadership_changes),
        *(c.continuity is None for c in case.leadership_changes),
        *(b.earmarked is None for b in case.budget),
        *(b.adequate is None for b in case.budget),
        *(o.attainment is Attainment.UNKNOWN for o in case.objectives),
    ]
    if not checks:
        return _Out(None)
    return _Out(round(sum(checks) / len(checks), 4))


@_scalar(
    "evidence.unsourced_records",
    _INT,
    "The number of records (milestones, fields, activities, leadership changes, budget lines, "
    "institutions, objectives, outputs, shocks, programmes, claims, the distance, assessments) "
    "that cite no source.",
    minimum=0,
)
def _unsourced(ctx: _Context) -> _Out:
    return _Out(sum(not record.sources for record in ctx.sourced_records))


# --------------------------------------------------------------------------
# disputes.* (computed after the disputes are known)


@_scalar(
    "disputes.count",
    _INT,
    "The number of disputes: facts about which sources disagree.",
    late=True,
    minimum=0,
)
def _disputes_count(ctx: _Context) -> _Out:
    return _Out(len(ctx.disputes), _dispute_sources(ctx.disputes))


@_scalar("disputes.facts", _LIST, "The names of the disputed facts.", late=True)
def _disputes_facts(ctx: _Context) -> _Out:
    return _Out(tuple(sorted({d.fact for d in ctx.disputes})), _dispute_sources(ctx.disputes))


def _dispute_sources(disputes: Iterable[Dispute]) -> tuple[str, ...]:
    return tuple(sorted({sid for d in disputes for alt in d.alternatives for sid in alt.sources}))
