"""The partnership model: frozen attrs classes for one case (DESIGN.md §3).

Every class is immutable and validated on construction.  Field-level rules
(enums, ranges, formats) are attrs validators; rules that span the whole case
(every referenced source, partner and field exists; ids are unique; there are
at least two partners) are checked by :func:`reference_problems`, which
:class:`Case` runs on construction and the case-file loader maps to file
locations.
"""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs
from attrs import validators as v

from .countries import COUNTRY_CODES
from .dates import DateSpan, PartialDate, SpanKind, When, parse_when
from .errors import CaseError, Location, Problem
from .messages import did_you_mean

__all__ = [
    "AGREEMENT_MILESTONES",
    "LIFECYCLE_MILESTONES",
    "Activity",
    "ActivityKind",
    "Assessment",
    "Assessments",
    "Attainment",
    "BudgetLine",
    "Case",
    "CaseKind",
    "Claim",
    "CooperationField",
    "DateSpan",
    "Distance",
    "DistanceMethod",
    "EvidenceType",
    "FieldStatus",
    "Institution",
    "InstitutionKind",
    "LeadershipChange",
    "Milestone",
    "MilestoneType",
    "Objective",
    "Output",
    "PartialDate",
    "Partner",
    "Point",
    "Programme",
    "Rating",
    "Reliability",
    "Sector",
    "Shock",
    "ShockKind",
    "Source",
    "SourceKind",
    "SpanKind",
    "When",
    "reference_problems",
]

#: The format a case file is written in today.
CASE_FORMAT = "sistereval/case@2"
#: The earlier format, still read (``cases.upgrade`` maps it, ``docs/case-files.md``).
CASE_FORMAT_V1 = "sistereval/case@1"


class CaseKind(enum.StrEnum):
    SISTER_CITY = "sister_city"
    FRIENDSHIP = "friendship"
    SISTER_PROVINCE = "sister_province"
    OTHER = "other"


class MilestoneType(enum.StrEnum):
    LOI = "loi"
    COUNCIL_APPROVAL = "council_approval"
    CENTRAL_APPROVAL = "central_approval"
    MOU = "mou"
    AGREEMENT = "agreement"
    ACTION_PLAN = "action_plan"
    RENEWAL = "renewal"
    VISIT = "visit"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    LAPSED = "lapsed"
    ENDED = "ended"


#: Milestones that change the partnership's standing (``partnership.stage``):
#: a record of one that happened needs a date, since their order decides the stage.
LIFECYCLE_MILESTONES = frozenset(
    {
        MilestoneType.LOI,
        MilestoneType.MOU,
        MilestoneType.AGREEMENT,
        MilestoneType.RENEWAL,
        MilestoneType.SUSPENDED,
        MilestoneType.RESUMED,
        MilestoneType.LAPSED,
        MilestoneType.ENDED,
    }
)

#: Milestones that start or extend an agreement, so they may state its term.
AGREEMENT_MILESTONES = frozenset(
    {MilestoneType.MOU, MilestoneType.AGREEMENT, MilestoneType.RENEWAL}
)


#: Milestones that happen once in a partnership: two records of one of these
#: with different dates are a dispute about its date, not two events.
SINGLE_MILESTONES = frozenset(
    {MilestoneType.LOI, MilestoneType.MOU, MilestoneType.AGREEMENT, MilestoneType.ENDED}
)


class FieldStatus(enum.StrEnum):
    IMPLEMENTED = "implemented"
    PARTIAL = "partial"
    PLANNED = "planned"
    NOT_IMPLEMENTED = "not_implemented"
    DISCONTINUED = "discontinued"
    UNKNOWN = "unknown"


class ActivityKind(enum.StrEnum):
    VISIT = "visit"
    EXCHANGE = "exchange"
    TRAINING = "training"
    TRADE_PROMOTION = "trade_promotion"
    PROJECT = "project"
    EVENT = "event"


class Sector(enum.StrEnum):
    GOVERNMENT = "government"
    BUSINESS = "business"
    EDUCATION = "education"
    CIVIL_SOCIETY = "civil_society"
    YOUTH = "youth"


class DistanceMethod(enum.StrEnum):
    REPORTED = "reported"
    ROUTE = "route"
    GREAT_CIRCLE = "great_circle"


class Rating(enum.StrEnum):
    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"
    ABSENT = "absent"


class SourceKind(enum.StrEnum):
    INTERVIEW = "interview"
    DOCUMENT = "document"
    LITERATURE = "literature"
    NEWS = "news"
    OFFICIAL = "official"


class EvidenceType(enum.StrEnum):
    """What kind of evidence a source is, whatever its medium (``SourceKind``)."""

    INDEPENDENT_EVALUATION = "independent_evaluation"
    SELF_ASSESSMENT = "self_assessment"
    ACADEMIC_STUDY = "academic_study"
    OFFICIAL_RECORD = "official_record"
    NEWS_REPORT = "news_report"
    TESTIMONY = "testimony"
    OTHER = "other"


class Attainment(enum.StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"
    UNKNOWN = "unknown"


class ShockKind(enum.StrEnum):
    PANDEMIC = "pandemic"
    ECONOMIC = "economic"
    POLITICAL = "political"
    REGULATORY = "regulatory"
    DISASTER = "disaster"
    CONFLICT = "conflict"
    OTHER = "other"


class Reliability(enum.StrEnum):
    HIGH = "H"
    MEDIUM = "M"
    LOW = "L"


class InstitutionKind(enum.StrEnum):
    COMMITTEE = "committee"
    UNIVERSITY = "university"
    CHAMBER = "chamber"
    SCHOOL = "school"
    NGO = "ngo"
    BUSINESS = "business"
    AGENCY = "agency"
    OTHER = "other"


def _all(*validators: Any) -> Any:
    """Combine validators of different value types (attrs' typing cannot express it)."""
    return v.and_(*validators)


def _to_optional_date(value: Any) -> PartialDate | None:
    return None if value is None else PartialDate.parse(value)


def _to_optional_when(value: Any) -> When | None:
    return None if value is None else parse_when(value)


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _sectors(values: Any) -> tuple[Sector, ...]:
    return tuple(Sector(x) for x in values)


_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _sources_field() -> Any:
    return attrs.field(
        factory=tuple, converter=_tuple, validator=v.deep_iterable(v.instance_of(str))
    )


_id = _all(v.instance_of(str), v.matches_re(_ID_RE))
_text = _all(v.instance_of(str), v.min_len(1))


def _country(_inst: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in COUNTRY_CODES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")


def _finite(_inst: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{attribute.name} must be a finite number")


_number = v.instance_of((int, float))


@attrs.frozen(kw_only=True)
class Point:
    """WGS-84 latitude and longitude in decimal degrees."""

    lat: float = attrs.field(validator=_all(_number, _finite, v.ge(-90), v.le(90)))
    lon: float = attrs.field(validator=_all(_number, _finite, v.ge(-180), v.le(180)))


@attrs.frozen(kw_only=True)
class Partner:
    id: str = attrs.field(validator=_id)
    name: str = attrs.field(validator=_text)
    country: str = attrs.field(validator=_all(v.instance_of(str), _country))
    location: Point = attrs.field(validator=v.instance_of(Point))
    population: int | None = attrs.field(
        default=None, validator=v.optional(_all(v.instance_of(int), v.gt(0)))
    )


@attrs.frozen(kw_only=True)
class Milestone:
    """A dated document or event.  ``happened: false`` records a source's report
    that it did *not* happen ("no central-government approval was obtained"),
    which is not the same as nobody recording it."""

    type: MilestoneType = attrs.field(converter=MilestoneType)
    date: When | None = attrs.field(default=None, converter=_to_optional_when)
    happened: bool = attrs.field(default=True, validator=v.instance_of(bool))
    party: str | None = None
    term_years: float | None = attrs.field(
        default=None, validator=v.optional(_all(_number, _finite, v.gt(0), v.le(100)))
    )
    note: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class CooperationField:
    """One agreed field of cooperation and how far it was carried out."""

    name: str = attrs.field(validator=_text)
    status: FieldStatus = attrs.field(converter=FieldStatus)
    activities: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, validator=v.deep_iterable(v.instance_of(str))
    )
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Activity:
    """Something the partners did.  ``date`` may be approximate or unknown;
    ``recurring`` says it happened repeatedly (within its date range, if given)."""

    kind: ActivityKind = attrs.field(converter=ActivityKind)
    date: When | None = attrs.field(default=None, converter=_to_optional_when)
    recurring: bool = attrs.field(default=False, validator=v.instance_of(bool))
    description: str | None = None
    field: str | None = None
    initiated_by: str | None = None
    participants: tuple[Sector, ...] = attrs.field(factory=tuple, converter=_sectors)
    outputs: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, validator=v.deep_iterable(v.instance_of(str))
    )
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class LeadershipChange:
    """A change of office holder on one side; ``continuity`` says whether the
    successor kept the partnership going (``None`` when nobody reported it)."""

    partner: str = attrs.field(validator=v.instance_of(str))
    office: str = attrs.field(validator=_text)
    date: When | None = attrs.field(default=None, converter=_to_optional_when)
    outgoing: str | None = None
    incoming: str | None = None
    reason: str | None = None
    continuity: bool | None = attrs.field(default=None, validator=v.optional(v.instance_of(bool)))
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class BudgetLine:
    partner: str = attrs.field(validator=v.instance_of(str))
    earmarked: bool | None = attrs.field(default=None, validator=v.optional(v.instance_of(bool)))
    year: int | None = attrs.field(
        default=None, validator=v.optional(_all(v.instance_of(int), v.ge(1), v.le(9999)))
    )
    amount: float | None = attrs.field(
        default=None, validator=v.optional(_all(_number, _finite, v.ge(0)))
    )
    currency: str | None = attrs.field(
        default=None, validator=v.optional(v.matches_re(_CURRENCY_RE))
    )
    adequate: bool | None = attrs.field(default=None, validator=v.optional(v.instance_of(bool)))
    spent: float | None = attrs.field(
        default=None, validator=v.optional(_all(_number, _finite, v.ge(0)))
    )
    co_funding: float | None = attrs.field(
        default=None, validator=v.optional(_all(_number, _finite, v.ge(0)))
    )
    co_funders: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, validator=v.deep_iterable(_text)
    )
    note: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Distance:
    """A distance between the partners as somebody reported or measured it."""

    km: float = attrs.field(validator=_all(_number, _finite, v.gt(0), v.le(20_100)))
    method: DistanceMethod = attrs.field(converter=DistanceMethod)
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Institution:
    """An anchor institution that carries the partnership beside city hall."""

    name: str = attrs.field(validator=_text)
    kind: InstitutionKind = attrs.field(converter=InstitutionKind)
    partner: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Assessment:
    rating: Rating = attrs.field(converter=Rating)
    note: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Assessments:
    """The analyst's ratings of the four success factors of the founding study."""

    shared_values: Assessment | None = None
    community_participation: Assessment | None = None
    long_term_vision: Assessment | None = None
    institutional_support: Assessment | None = None


@attrs.frozen(kw_only=True)
class Objective:
    """An objective the partners set, with its indicator and how far it was attained."""

    name: str = attrs.field(validator=_text)
    attainment: Attainment = attrs.field(converter=Attainment)
    field: str | None = None
    indicator: str | None = None
    target: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Output:
    """Something the partnership produced (a facility, a programme, a product on sale)."""

    description: str = attrs.field(validator=_text)
    date: When | None = attrs.field(default=None, converter=_to_optional_when)
    field: str | None = None
    beneficiaries: int | None = attrs.field(
        default=None, validator=v.optional(_all(v.instance_of(int), v.ge(0)))
    )
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Shock:
    """An external event that bore on the partnership (a pandemic, a crisis, a ban)."""

    kind: ShockKind = attrs.field(converter=ShockKind)
    description: str = attrs.field(validator=_text)
    date: When | None = attrs.field(default=None, converter=_to_optional_when)
    partner: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Programme:
    """Another programme or network the partnership is linked to (coherence)."""

    name: str = attrs.field(validator=_text)
    description: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Claim:
    """A source's claim about a derived fact that may disagree with the case.

    ``fact`` is a name from the fact schema (``fields.agreed``); ``value`` is
    what the sources claim.  A claim that differs from the value derived from
    the case is reported as a dispute.
    """

    fact: str = attrs.field(validator=_text)
    value: int | float | str | bool = attrs.field(validator=v.instance_of((int, float, str, bool)))
    note: str | None = None
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class Source:
    """A piece of evidence.  ``kind`` is its medium; ``evidence`` what kind of
    evidence it is (an independent evaluation, one partner's self-assessment,
    news); ``published`` when it appeared; ``partner`` whose account it is;
    ``based_on`` the ids of the sources it rests on (a news item that repeats a
    report adds no independent support to it)."""

    id: str = attrs.field(validator=_id)
    kind: SourceKind = attrs.field(converter=SourceKind)
    citation: str = attrs.field(validator=_text)
    evidence: EvidenceType | None = attrs.field(
        default=None, converter=attrs.converters.optional(EvidenceType)
    )
    published: PartialDate | None = attrs.field(default=None, converter=_to_optional_date)
    partner: str | None = None
    url: str | None = None
    accessed: PartialDate | None = attrs.field(default=None, converter=_to_optional_date)
    reliability: Reliability | None = attrs.field(
        default=None, converter=attrs.converters.optional(Reliability)
    )
    based_on: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, validator=v.deep_iterable(v.instance_of(str))
    )


@attrs.frozen(kw_only=True)
class Case:
    """One partnership, with every fact traceable to its sources."""

    id: str = attrs.field(validator=_id)
    title: str = attrs.field(validator=_text)
    kind: CaseKind = attrs.field(converter=CaseKind)
    partners: tuple[Partner, ...] = attrs.field(converter=_tuple)
    format: str = CASE_FORMAT
    description: str | None = None
    as_of: PartialDate | None = attrs.field(default=None, converter=_to_optional_date)
    milestones: tuple[Milestone, ...] = attrs.field(factory=tuple, converter=_tuple)
    fields: tuple[CooperationField, ...] = attrs.field(factory=tuple, converter=_tuple)
    activities: tuple[Activity, ...] = attrs.field(factory=tuple, converter=_tuple)
    leadership_changes: tuple[LeadershipChange, ...] = attrs.field(factory=tuple, converter=_tuple)
    budget: tuple[BudgetLine, ...] = attrs.field(factory=tuple, converter=_tuple)
    distance: Distance | None = None
    institutions: tuple[Institution, ...] = attrs.field(factory=tuple, converter=_tuple)
    objectives: tuple[Objective, ...] = attrs.field(factory=tuple, converter=_tuple)
    outputs: tuple[Output, ...] = attrs.field(factory=tuple, converter=_tuple)
    shocks: tuple[Shock, ...] = attrs.field(factory=tuple, converter=_tuple)
    programmes: tuple[Programme, ...] = attrs.field(factory=tuple, converter=_tuple)
    assessments: Assessments = attrs.field(factory=Assessments)
    claims: tuple[Claim, ...] = attrs.field(factory=tuple, converter=_tuple)
    sources: tuple[Source, ...] = attrs.field(factory=tuple, converter=_tuple)

    def __attrs_post_init__(self) -> None:
        if self.format != CASE_FORMAT:
            raise ValueError(f"format must be {CASE_FORMAT!r}, not {self.format!r}")
        problems = reference_problems(self)
        if problems:
            raise CaseError(
                Problem(code=code, message=msg, location=Location(path=path), suggestion=hint)
                for path, code, msg, hint in problems
            )

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        raise KeyError(source_id)

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise KeyError(partner_id)


def reference_problems(case: Case) -> list[tuple[str, str, str, str | None]]:
    """Case-wide consistency problems as ``(path, code, message, suggestion)``.

    Paths use the case-file notation (``activities[2].field``) so a loader can
    turn them into file locations.
    """
    out: list[tuple[str, str, str, str | None]] = []
    if len(case.partners) < 2:
        out.append(
            (
                "partners",
                "too-few-partners",
                f"a partnership needs at least two partners, found {len(case.partners)}",
                None,
            )
        )

    def unique(items: tuple[Any, ...], attr: str, where: str, code: str) -> list[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            key = getattr(item, attr)
            if key in seen:
                out.append((f"{where}[{i}].{attr}", code, f"{attr} {key!r} is used twice", None))
            seen.add(key)
        return sorted(seen)

    source_ids = unique(case.sources, "id", "sources", "duplicate-id")
    partner_ids = unique(case.partners, "id", "partners", "duplicate-id")
    field_names = unique(case.fields, "name", "fields", "duplicate-field")

    def ref(value: str | None, known: list[str], path: str, code: str, what: str) -> None:
        if value is not None and value not in known:
            out.append((path, code, f"unknown {what} {value!r}", did_you_mean(value, known)))

    def check_sources(items: tuple[Any, ...], where: str) -> None:
        for i, item in enumerate(items):
            for j, sid in enumerate(item.sources):
                ref(sid, source_ids, f"{where}[{i}].sources[{j}]", "unknown-source", "source id")

    for where in (
        "milestones",
        "fields",
        "activities",
        "leadership_changes",
        "budget",
        "institutions",
        "objectives",
        "outputs",
        "shocks",
        "programmes",
        "claims",
    ):
        check_sources(getattr(case, where), where)
    if case.distance is not None:
        for j, sid in enumerate(case.distance.sources):
            ref(sid, source_ids, f"distance.sources[{j}]", "unknown-source", "source id")
    for name in (
        "shared_values",
        "community_participation",
        "long_term_vision",
        "institutional_support",
    ):
        assessment = getattr(case.assessments, name)
        if assessment is not None:
            for j, sid in enumerate(assessment.sources):
                ref(
                    sid,
                    source_ids,
                    f"assessments.{name}.sources[{j}]",
                    "unknown-source",
                    "source id",
                )

    for i, source in enumerate(case.sources):
        for j, sid in enumerate(source.based_on):
            ref(sid, source_ids, f"sources[{i}].based_on[{j}]", "unknown-source", "source id")
            if sid == source.id:
                out.append(
                    (
                        f"sources[{i}].based_on[{j}]",
                        "source-based-on-itself",
                        f"source {sid!r} cannot rest on itself",
                        None,
                    )
                )

    for i, m in enumerate(case.milestones):
        ref(m.party, partner_ids, f"milestones[{i}].party", "unknown-partner", "partner id")
    for i, a in enumerate(case.activities):
        ref(
            a.initiated_by,
            partner_ids,
            f"activities[{i}].initiated_by",
            "unknown-partner",
            "partner id",
        )
        ref(a.field, field_names, f"activities[{i}].field", "unknown-field", "field")
    for i, lc in enumerate(case.leadership_changes):
        ref(
            lc.partner,
            partner_ids,
            f"leadership_changes[{i}].partner",
            "unknown-partner",
            "partner id",
        )
    for i, b in enumerate(case.budget):
        ref(b.partner, partner_ids, f"budget[{i}].partner", "unknown-partner", "partner id")
    for i, inst in enumerate(case.institutions):
        ref(
            inst.partner, partner_ids, f"institutions[{i}].partner", "unknown-partner", "partner id"
        )
    for where in ("objectives", "outputs"):
        for i, item in enumerate(getattr(case, where)):
            ref(item.field, field_names, f"{where}[{i}].field", "unknown-field", "field")
    for i, shock in enumerate(case.shocks):
        ref(shock.partner, partner_ids, f"shocks[{i}].partner", "unknown-partner", "partner id")
    for i, src in enumerate(case.sources):
        ref(src.partner, partner_ids, f"sources[{i}].partner", "unknown-partner", "partner id")
    out.extend(_milestone_problems(case))
    out.extend(timeline_problems(case))
    return out


def _milestone_problems(case: Case) -> list[tuple[str, str, str, str | None]]:
    out: list[tuple[str, str, str, str | None]] = []
    for i, m in enumerate(case.milestones):
        if m.happened and m.date is None and m.type in LIFECYCLE_MILESTONES:
            out.append(
                (
                    f"milestones[{i}].date",
                    "missing-date",
                    f"this {m.type} milestone needs a date: the order of such milestones decides "
                    "the partnership's stage",
                    "give the date as a source reports it, approximate if need be "
                    "(circa 2010, 2010/2015, before 2019)",
                )
            )
        if m.term_years is not None and m.type not in AGREEMENT_MILESTONES:
            out.append(
                (
                    f"milestones[{i}].term_years",
                    "invalid-value",
                    f"only an MoU, an agreement or a renewal has a term, not a {m.type}",
                    None,
                )
            )
        if m.term_years is not None and not m.happened:
            out.append(
                (
                    f"milestones[{i}].term_years",
                    "invalid-value",
                    "a milestone that did not happen has no term",
                    None,
                )
            )
    return out


def _dated(case: Case) -> list[tuple[str, When]]:
    """Every dated record of the case, with its path."""
    out: list[tuple[str, When]] = []
    for where in ("milestones", "activities", "leadership_changes", "outputs", "shocks"):
        for i, item in enumerate(getattr(case, where)):
            if item.date is not None and getattr(item, "happened", True):
                out.append((f"{where}[{i}].date", item.date))
    return out


def timeline_problems(case: Case) -> list[tuple[str, str, str, str | None]]:
    """Timelines that cannot be: records certainly after the reference date
    (``as_of``), or a reference date certainly before the first agreement."""
    out: list[tuple[str, str, str, str | None]] = []
    as_of = case.as_of
    if as_of is None:
        return out
    for path, date in _dated(case):
        if date.start > as_of.end:
            out.append(
                (
                    path,
                    "after-as-of",
                    f"{date} is after the reference date as_of {as_of}: a case describes the "
                    "partnership up to its reference date",
                    "move as_of to a later date, or correct this date",
                )
            )
    signings = [
        m.date
        for m in case.milestones
        if m.happened
        and m.date is not None
        and m.type in (MilestoneType.MOU, MilestoneType.AGREEMENT, MilestoneType.LOI)
    ]
    if signings and all(as_of.end < d.start for d in signings):
        out.append(
            (
                "as_of",
                "as-of-before-agreement",
                f"the reference date {as_of} is before the first letter of intent or agreement "
                f"({min(signings, key=lambda d: d.start)})",
                "as_of is the date the case describes the partnership at; give a later date",
            )
        )
    return out
