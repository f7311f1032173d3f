"""The partnership model: frozen attrs classes for one case (DESIGN.md §3).

Every class is immutable and validated on construction.  Field-level rules
(enums, ranges, formats) are attrs validators; rules that span the whole case
(every referenced source, partner and field exists; ids are unique; there are
at least two partners) are checked by :func:`reference_problems`, which
:class:`Case` runs on construction and the case-file loader maps to file
locations.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

import attrs
from attrs import validators as v

from .countries import COUNTRY_CODES
from .errors import CaseError, Location, Problem
from .messages import did_you_mean

__all__ = [
    "Activity",
    "ActivityKind",
    "Assessment",
    "Assessments",
    "BudgetLine",
    "Case",
    "CaseKind",
    "Claim",
    "CooperationField",
    "Distance",
    "DistanceMethod",
    "FieldStatus",
    "Institution",
    "InstitutionKind",
    "LeadershipChange",
    "Milestone",
    "MilestoneType",
    "PartialDate",
    "Partner",
    "Point",
    "Rating",
    "Reliability",
    "Sector",
    "Source",
    "SourceKind",
    "reference_problems",
]

CASE_FORMAT = "sistereval/case@1"


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
    ENDED = "ended"


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


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@attrs.frozen(order=False)
class PartialDate:
    """A date known to the year, the month or the day; never padded into a false day.

    ``PartialDate.parse("2016-12")`` is December 2016, not 1 December.  Dates
    sort by their earliest possible day, then by precision (a year before a
    month of that year before a day of that month), which is a total order.
    ``start`` and ``end`` give the first and last day the date may stand for.
    """

    year: int = attrs.field(validator=_all(v.instance_of(int), v.ge(1), v.le(9999)))
    month: int | None = attrs.field(
        default=None, validator=v.optional(_all(v.instance_of(int), v.ge(1), v.le(12)))
    )
    day: int | None = attrs.field(default=None, validator=v.optional(v.instance_of(int)))

    def __attrs_post_init__(self) -> None:
        if self.day is not None:
            if self.month is None:
                raise ValueError("a date with a day needs a month")
            dt.date(self.year, self.month, self.day)  # raises ValueError for 2017-02-30

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read ``2022``, ``"2022"``, ``"2016-12"``, ``"2017-10-10"`` or a ``datetime.date``."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError(f"{value.isoformat()!r} has a time of day; give a date only")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a date")
        if isinstance(value, int):
            return cls(value)
        if isinstance(value, str):
            match = _DATE_RE.match(value.strip())
            if match:
                year, month, day = match.groups()
                return cls(int(year), int(month) if month else None, int(day) if day else None)
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        if self.day is not None:
            return self.start
        if self.month is not None:
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.year, self.month or 0, self.day or 0, 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() >= other.sort_key()

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def to_json(self) -> str | int:
        """The form a case file writes: an integer year, or an ISO string."""
        return self.year if self.precision == "year" else str(self)


def _to_date(value: Any) -> PartialDate:
    return PartialDate.parse(value)


def _to_optional_date(value: Any) -> PartialDate | None:
    return None if value is None else PartialDate.parse(value)


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
    type: MilestoneType = attrs.field(converter=MilestoneType)
    date: PartialDate = attrs.field(converter=_to_date)
    party: str | None = None
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
    date: PartialDate = attrs.field(converter=_to_date)
    kind: ActivityKind = attrs.field(converter=ActivityKind)
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
    date: PartialDate = attrs.field(converter=_to_date)
    outgoing: str | None = None
    incoming: str | None = None
    reason: str | None = None
    continuity: bool | None = attrs.field(default=None, validator=v.optional(v.instance_of(bool)))
    sources: tuple[str, ...] = _sources_field()


@attrs.frozen(kw_only=True)
class BudgetLine:
    partner: str = attrs.field(validator=v.instance_of(str))
    earmarked: bool = attrs.field(validator=v.instance_of(bool))
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
    id: str = attrs.field(validator=_id)
    kind: SourceKind = attrs.field(converter=SourceKind)
    citation: str = attrs.field(validator=_text)
    url: str | None = None
    accessed: PartialDate | None = attrs.field(default=None, converter=_to_optional_date)
    reliability: Reliability | None = attrs.field(
        default=None, converter=attrs.converters.optional(Reliability)
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
    return out
