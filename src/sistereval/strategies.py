"""Hypothesis strategies for sistereval cases, for your own property tests.

:func:`cases` generates valid :class:`~sistereval.model.Case` objects whose
cross references hold (every cited source, partner and field exists; ids and
field names are unique; claims name claimable facts with values of the
fact's type).  Lists are short so tests stay fast.  :func:`case_variations`
generates valid variations of one case (field statuses changed, leadership
changes added or removed, budget earmarking or continuity toggled, ...),
:func:`case_permutations` the same case with its lists in other orders, and
:func:`partial_dates` generates dates known to the year, month or day.

An example test: every case survives a trip through a YAML file.

>>> from hypothesis import given, settings
>>> from sistereval.cases import dump_case, load_case
>>> from sistereval.strategies import cases
>>> @settings(max_examples=10, deadline=None)
... @given(cases())
... def test_round_trip(case):
...     assert load_case(dump_case(case)) == case
>>> test_round_trip()
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .countries import COUNTRY_CODES
from .dates import DateSpan, SpanKind, When, date_key
from .facts import FACT_SCHEMA, claim_problems
from .model import (
    AGREEMENT_MILESTONES,
    LIFECYCLE_MILESTONES,
    Activity,
    ActivityKind,
    Assessment,
    Assessments,
    Attainment,
    BudgetLine,
    Case,
    CaseKind,
    Claim,
    CooperationField,
    Distance,
    DistanceMethod,
    FieldStatus,
    Institution,
    InstitutionKind,
    LeadershipChange,
    Milestone,
    MilestoneType,
    Objective,
    Output,
    PartialDate,
    Partner,
    Point,
    Programme,
    Rating,
    Reliability,
    Sector,
    Shock,
    ShockKind,
    Source,
    SourceKind,
)
from .schema import MAX_NUMBER, FactDef, FactType

__all__ = [
    "CHANGE_KINDS",
    "case_permutations",
    "case_variations",
    "cases",
    "partial_dates",
    "record_dates",
    "register_type_strategies",
    "with_reference_date",
]

T = TypeVar("T")

_PRECISIONS = ("year", "month", "day")


def _truncate(day: dt.date, precision: str) -> PartialDate:
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


def partial_dates(*, min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[PartialDate]:
    """Dates known to the year, the month or the day, in ``min_year..max_year``."""
    if not 1 <= min_year <= max_year <= 9999:
        raise InvalidArgument(
            f"need 1 <= min_year <= max_year <= 9999, got min_year={min_year}, max_year={max_year}"
        )
    days = st.dates(min_value=dt.date(min_year, 1, 1), max_value=dt.date(max_year, 12, 31))
    return st.builds(_truncate, days, st.sampled_from(_PRECISIONS))


def _span(kind: SpanKind, a: PartialDate, b: PartialDate) -> When:
    if kind is SpanKind.CIRCA:
        return DateSpan(kind, first=a)
    if kind is SpanKind.BEFORE:
        return DateSpan(kind, last=a)
    if kind is SpanKind.AFTER:
        return DateSpan(kind, first=a)
    first, last = sorted((a, b), key=date_key)
    return first if first == last else DateSpan(kind, first=first, last=last)


def record_dates(*, min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[When | None]:
    """A record's date: mostly a partial date, sometimes a span, sometimes none."""
    exact = partial_dates(min_year=min_year + 1, max_year=max_year - 1)
    spans = st.builds(_span, st.sampled_from(SpanKind), exact, exact)
    return st.one_of(exact, exact, spans, st.none())


def _term_only_on_agreements(milestone: Milestone) -> Milestone:
    """A term only on an agreement that happened (the model refuses it elsewhere)."""
    if milestone.type in AGREEMENT_MILESTONES and milestone.happened:
        return milestone
    return attrs.evolve(milestone, term_years=None)


def _evolve(case: Case, **changes: Any) -> Case:
    """``case`` with ``changes``, its ``as_of`` fitted by :func:`with_reference_date`."""
    as_of = changes.pop("as_of", case.as_of)
    return with_reference_date(attrs.evolve(case, as_of=None, **changes), as_of)


def with_reference_date(case: Case, as_of: PartialDate | None) -> Case:
    """``case`` (without ``as_of``) dated ``as_of``, moved if need be to the year of
    its latest record: a case describes the partnership up to its reference date,
    so no record may certainly come after it (one dated "after 2015" or "2010/2015"
    may run past it)."""
    if as_of is None:
        return case
    starts = [
        item.date.start
        for where in ("milestones", "activities", "leadership_changes", "outputs", "shocks")
        for item in getattr(case, where)
        if item.date is not None and getattr(item, "happened", True)
    ]
    latest = max(starts, default=as_of.end)
    if latest > as_of.end:
        as_of = PartialDate(latest.year)
    return attrs.evolve(case, as_of=as_of)


# Ids as case files write them; text of any kind (files must keep it intact).
_ids = st.from_regex(r"[a-z][a-z0-9_-]{0,7}", fullmatch=True)
_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=16)
_optional_text = st.none() | _text
_offices = st.sampled_from(["mayor", "governor", "regent", "council chair"])
# Any country, with the countries the shipped rule sets and examples name
# (Indonesia's KSDPL rules read ``country == "ID"``) drawn often enough to meet.
_countries = st.sampled_from(["ID", "BE", "JP", "KR", "CN", "AU"]) | st.sampled_from(
    sorted(COUNTRY_CODES)
)
# Most recorded milestones happened; some are a source's report that one did not.
_happened = st.just(True) | st.booleans()


def _pick(options: Sequence[T]) -> st.SearchStrategy[T | None]:
    """One of ``options`` or ``None`` (just ``None`` when there are no options)."""
    return st.none() | st.sampled_from(options) if options else st.none()


def _refs(source_ids: Sequence[str]) -> st.SearchStrategy[tuple[str, ...]]:
    if not source_ids:
        return st.just(())
    return st.lists(st.sampled_from(source_ids), max_size=2, unique=True).map(tuple)


def _claim_value(fact: FactDef) -> st.SearchStrategy[Any]:
    finite = st.floats(-MAX_NUMBER, MAX_NUMBER, allow_nan=False)  # what a case file may hold
    by_type: dict[FactType, st.SearchStrategy[Any]] = {
        FactType.INTEGER: st.integers(-5, 100),
        FactType.NUMBER: st.integers(-5, 100) | finite,
        FactType.BOOLEAN: st.booleans(),
        FactType.STRING: _text,
        FactType.DATE: partial_dates().map(PartialDate.to_json),
    }
    if fact.type is FactType.ENUM:
        return st.sampled_from(fact.values)
    return by_type[fact.type]


_SCALAR_FACTS = [fact for fact in FACT_SCHEMA.scalars if fact.type is not FactType.LIST]


def _claims(case: Case, refs: st.SearchStrategy[tuple[str, ...]]) -> st.SearchStrategy[Claim]:
    """Claims about scalar facts with values of the fact's type, that ``case`` accepts."""
    return (
        st.sampled_from(_SCALAR_FACTS)
        .flatmap(
            lambda fact: st.builds(
                Claim,
                fact=st.just(fact.name),
                value=_claim_value(fact),
                note=_optional_text,
                sources=refs,
            )
        )
        .filter(lambda claim: not claim_problems(_evolve(case, claims=(claim,))))
    )


def _sources(max_items: int) -> st.SearchStrategy[list[Source]]:
    source = st.builds(
        Source,
        id=_ids,
        kind=st.sampled_from(SourceKind),
        citation=_text,
        url=st.none() | st.just("https://example.org/report"),
        accessed=st.none() | partial_dates(min_year=1990, max_year=2030),
        reliability=st.none() | st.sampled_from(Reliability),
    )
    return st.lists(source, max_size=max_items, unique_by=lambda s: s.id)


def _partners(max_partners: int) -> st.SearchStrategy[list[Partner]]:
    point = st.builds(
        Point,
        lat=st.floats(-90, 90, allow_nan=False),
        lon=st.floats(-180, 180, allow_nan=False),
    )
    partner = st.builds(
        Partner,
        id=_ids,
        name=_text,
        country=_countries,
        location=point,
        population=st.none() | st.integers(1, 40_000_000),
    )
    return st.lists(partner, min_size=2, max_size=max_partners, unique_by=lambda p: p.id)


@st.composite
def _cases(draw: st.DrawFn, max_partners: int, max_items: int, signed: bool) -> Case:
    sources = draw(_sources(max_items))
    source_ids = [s.id for s in sources]
    refs = _refs(source_ids)
    partners = draw(_partners(max_partners))
    partner_ids = [p.id for p in partners]
    dates = partial_dates(min_year=1950, max_year=2030)

    def items(strategy: st.SearchStrategy[T], **kwargs: Any) -> list[T]:
        return draw(st.lists(strategy, max_size=max_items, **kwargs))

    fields = items(
        st.builds(
            CooperationField,
            name=_text,
            status=st.sampled_from(FieldStatus),
            activities=st.lists(_text, max_size=2).map(tuple),
            sources=refs,
        ),
        unique_by=lambda f: f.name,
    )
    field_names = [f.name for f in fields]
    case = Case(
        id=draw(_ids),
        title=draw(_text),
        kind=draw(st.sampled_from(CaseKind)),
        partners=partners,
        description=draw(_optional_text),
        milestones=items(
            st.builds(
                Milestone,
                type=st.sampled_from(MilestoneType),
                date=dates,
                happened=_happened,
                party=_pick(partner_ids),
                term_years=st.none() | st.integers(1, 10),
                note=_optional_text,
                sources=refs,
            ).map(_term_only_on_agreements)
        ),
        fields=fields,
        activities=items(_activities(partner_ids, field_names, refs)),
        leadership_changes=items(_leadership_changes(partner_ids, refs)),
        budget=items(_budget_lines(partner_ids, refs)),
        distance=draw(
            st.none()
            | st.builds(
                Distance,
                km=st.floats(0, 20_100, exclude_min=True),
                method=st.sampled_from(DistanceMethod),
                sources=refs,
            )
        ),
        objectives=items(
            st.builds(
                Objective,
                name=_text,
                attainment=st.sampled_from(Attainment),
                indicator=_optional_text,
                sources=refs,
            )
        ),
        outputs=items(
            st.builds(
                Output,
                description=_text,
                date=record_dates(min_year=1950, max_year=2030),
                beneficiaries=st.none() | st.integers(0, 10_000),
                sources=refs,
            )
        ),
        shocks=items(
            st.builds(
                Shock,
                kind=st.sampled_from(ShockKind),
                description=_text,
                date=record_dates(min_year=1950, max_year=2030),
                partner=_pick(partner_ids),
                sources=refs,
            )
        ),
        programmes=items(st.builds(Programme, name=_text, sources=refs)),
        institutions=items(
            st.builds(
                Institution,
                name=_text,
                kind=st.sampled_from(InstitutionKind),
                partner=_pick(partner_ids),
                sources=refs,
            )
        ),
        assessments=draw(
            st.builds(
                Assessments,
                shared_values=st.none() | _assessments(refs),
                community_participation=st.none() | _assessments(refs),
                long_term_vision=st.none() | _assessments(refs),
                institutional_support=st.none() | _assessments(refs),
            )
        ),
        sources=sources,
    )
    case = _evolve(case, claims=items(_claims(case, refs)), as_of=draw(st.none() | dates))
    return _sign_agreement(draw, case) if signed else case


def _assessments(refs: st.SearchStrategy[tuple[str, ...]]) -> st.SearchStrategy[Assessment]:
    return st.builds(Assessment, rating=st.sampled_from(Rating), note=_optional_text, sources=refs)


_participants = st.lists(st.sampled_from(Sector), max_size=3, unique=True).map(tuple)


def _activities(
    partner_ids: Sequence[str],
    field_names: Sequence[str],
    refs: st.SearchStrategy[tuple[str, ...]],
) -> st.SearchStrategy[Activity]:
    return st.builds(
        Activity,
        date=record_dates(min_year=1950, max_year=2030),
        recurring=st.booleans(),
        kind=st.sampled_from(ActivityKind),
        description=_optional_text,
        field=_pick(field_names),
        initiated_by=_pick(partner_ids),
        participants=_participants,
        outputs=st.lists(_text, max_size=2).map(tuple),
        sources=refs,
    )


def _leadership_changes(
    partner_ids: Sequence[str], refs: st.SearchStrategy[tuple[str, ...]]
) -> st.SearchStrategy[LeadershipChange]:
    return st.builds(
        LeadershipChange,
        partner=st.sampled_from(partner_ids),
        office=_offices,
        date=record_dates(min_year=1950, max_year=2030),
        outgoing=_optional_text,
        incoming=_optional_text,
        reason=_optional_text,
        continuity=st.none() | st.booleans(),
        sources=refs,
    )


def _budget_lines(
    partner_ids: Sequence[str], refs: st.SearchStrategy[tuple[str, ...]]
) -> st.SearchStrategy[BudgetLine]:
    return st.builds(
        BudgetLine,
        partner=st.sampled_from(partner_ids),
        earmarked=st.none() | st.booleans(),
        year=st.none() | st.integers(1950, 2030),
        amount=st.none() | st.floats(0, 1e12),
        currency=st.none() | st.sampled_from(["IDR", "EUR", "JPY", "KRW", "USD"]),
        adequate=st.none() | st.booleans(),
        co_funding=st.none() | st.floats(0, 1e9),
        co_funders=st.lists(_text, max_size=1).map(tuple),
        note=_optional_text,
        sources=refs,
    )


def cases(
    *, max_partners: int = 3, max_items: int = 3, signed: bool = False
) -> st.SearchStrategy[Case]:
    """Valid cases with 2..``max_partners`` partners and at most ``max_items`` of each list.

    With ``signed``, each case also has an MoU and is dated (``as_of``) up to 25
    years after it, so the stages after signing (``mou``, ``active``, ``ended``)
    come up far more often.
    """
    if max_partners < 2:
        raise InvalidArgument(
            f"a case needs at least two partners, got max_partners={max_partners}"
        )
    if max_items < 0:
        raise InvalidArgument(f"max_items must be at least 0, got {max_items}")
    return _cases(max_partners, max_items, signed)


# --------------------------------------------------------------------------
# Variations of one case.

#: A change to a case: ``(name, applies, change)``; ``change`` draws what it needs.
_Change = tuple[str, Callable[[Case], bool], Callable[[st.DrawFn, Case], Case]]


def _other(draw: st.DrawFn, current: T, options: Sequence[T]) -> T:
    return draw(st.sampled_from([o for o in options if o != current]))


def _set_field_status(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.fields) - 1))
    field = case.fields[i]
    changed = attrs.evolve(field, status=_other(draw, field.status, list(FieldStatus)))
    return _evolve(case, fields=_replace(case.fields, i, changed))


def _add_leadership_change(draw: st.DrawFn, case: Case) -> Case:
    refs = _refs([s.id for s in case.sources])
    change = draw(_leadership_changes([p.id for p in case.partners], refs))
    return _evolve(case, leadership_changes=(*case.leadership_changes, change))


def _remove_leadership_change(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.leadership_changes) - 1))
    return _evolve(case, leadership_changes=_drop(case.leadership_changes, i))


def _toggle_continuity(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.leadership_changes) - 1))
    change = case.leadership_changes[i]
    continuity = _other(draw, change.continuity, [True, False, None])
    changed = attrs.evolve(change, continuity=continuity)
    return _evolve(case, leadership_changes=_replace(case.leadership_changes, i, changed))


def _toggle_earmarked(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.budget) - 1))
    line = case.budget[i]
    return _evolve(
        case, budget=_replace(case.budget, i, attrs.evolve(line, earmarked=not line.earmarked))
    )


def _toggle_adequate(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.budget) - 1))
    line = case.budget[i]
    adequate = _other(draw, line.adequate, [True, False, None])
    return _evolve(case, budget=_replace(case.budget, i, attrs.evolve(line, adequate=adequate)))


def _add_budget_line(draw: st.DrawFn, case: Case) -> Case:
    refs = _refs([s.id for s in case.sources])
    line = draw(_budget_lines([p.id for p in case.partners], refs))
    return _evolve(case, budget=(*case.budget, line))


def _add_activity(draw: st.DrawFn, case: Case) -> Case:
    refs = _refs([s.id for s in case.sources])
    fields = [f.name for f in case.fields]
    activity = draw(_activities([p.id for p in case.partners], fields, refs))
    return _evolve(case, activities=(*case.activities, activity))


def _remove_activity(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.activities) - 1))
    return _evolve(case, activities=_drop(case.activities, i))


def _set_participants(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.activities) - 1))
    activity = case.activities[i]
    participants = draw(_participants.filter(lambda p: p != activity.participants))
    changed = attrs.evolve(activity, participants=participants)
    return _evolve(case, activities=_replace(case.activities, i, changed))


def _set_initiator(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.activities) - 1))
    activity = case.activities[i]
    partners = [p.id for p in case.partners if p.id != activity.initiated_by]
    changed = attrs.evolve(activity, initiated_by=draw(st.sampled_from(partners)))
    return _evolve(case, activities=_replace(case.activities, i, changed))


def _add_milestone(draw: st.DrawFn, case: Case) -> Case:
    milestone = Milestone(
        type=draw(st.sampled_from(MilestoneType)),
        date=draw(partial_dates(min_year=1950, max_year=2030)),
        happened=draw(_happened),
        party=draw(_pick([p.id for p in case.partners])),
    )
    return _evolve(case, milestones=(*case.milestones, _term_only_on_agreements(milestone)))


def _add_typed_milestone(draw: st.DrawFn, case: Case, types: Sequence[MilestoneType]) -> Case:
    """A milestone of one of ``types``, by one of the partners, as often reported
    not to have happened as to have happened (what rules about approvals ask)."""
    milestone = Milestone(
        type=draw(st.sampled_from(types)),
        date=draw(partial_dates(min_year=1950, max_year=2030)),
        happened=draw(st.booleans()),
        party=draw(st.sampled_from([p.id for p in case.partners])),
    )
    return _evolve(case, milestones=(*case.milestones, _term_only_on_agreements(milestone)))


_LATER_EVENTS = (
    MilestoneType.RENEWAL,
    MilestoneType.SUSPENDED,
    MilestoneType.RESUMED,
    MilestoneType.LAPSED,
    MilestoneType.ENDED,
)


def _add_later_event(
    draw: st.DrawFn, case: Case, types: Sequence[MilestoneType] = _LATER_EVENTS
) -> Case:
    """Add a renewal, suspension, resumption, lapse or end after every dated
    lifecycle milestone of ``case``, so that it decides the stage."""
    ends = [
        m.date.end
        for m in case.milestones
        if m.happened and m.date is not None and m.type in LIFECYCLE_MILESTONES
    ]
    finite = [end for end in ends if end != dt.date.max]
    if len(finite) < len(ends):
        return case
    year = max(finite).year + 1 if finite else (case.as_of.year if case.as_of else 2000)
    year = min(year + draw(st.integers(0, 4)), 2029)
    kind = draw(st.sampled_from(types))
    added = [Milestone(type=kind, date=PartialDate(year))]
    if kind in (MilestoneType.SUSPENDED, MilestoneType.LAPSED) and draw(st.booleans()):
        # A suspension or lapse only counts in force: half the time renew it first
        # (the case may stand ended, or never have been signed).
        added = [Milestone(type=MilestoneType.RENEWAL, date=PartialDate(year))]
        added.append(Milestone(type=kind, date=PartialDate(year + 1)))
    last = PartialDate(year + len(added) - 1)
    as_of = case.as_of if case.as_of is None or case.as_of.year >= last.year else last
    return _evolve(case, milestones=(*case.milestones, *added), as_of=as_of)


def _never_carried_out(draw: st.DrawFn, case: Case) -> Case:
    """Every agreed field not implemented, and no activity or output: the
    agreement never ran (many MoUs do not, as the ministry's register shows)."""
    fields = tuple(attrs.evolve(f, status=FieldStatus.NOT_IMPLEMENTED) for f in case.fields)
    return _evolve(case, fields=fields, activities=(), outputs=())


def _sign_agreement(draw: st.DrawFn, case: Case) -> Case:
    """Add an MoU and date the case 0 to 25 years after it (no later than 2030),
    and no earlier than its latest record."""
    starts = [
        item.date.start.year
        for where in ("milestones", "activities", "leadership_changes", "outputs", "shocks")
        for item in getattr(case, where)
        if item.date is not None and getattr(item, "happened", True)
    ]
    latest = max(starts, default=1950)
    signed = draw(partial_dates(min_year=max(1950, latest - 25), max_year=2025))
    first = max(signed.year, latest)
    year = draw(st.integers(first, min(signed.year + 25, 2030)))
    mou = Milestone(type=MilestoneType.MOU, date=signed)
    return _evolve(case, milestones=(*case.milestones, mou), as_of=PartialDate(year))


def _remove_milestone(draw: st.DrawFn, case: Case) -> Case:
    i = draw(st.integers(0, len(case.milestones) - 1))
    return _evolve(case, milestones=_drop(case.milestones, i))


def _rate_factor(draw: st.DrawFn, case: Case) -> Case:
    name = draw(st.sampled_from([f.name for f in attrs.fields(Assessments)]))
    current = getattr(case.assessments, name)
    rating = _other(draw, current.rating if current else None, [*Rating, None])
    assessment = None if rating is None else Assessment(rating=rating)
    return _evolve(case, assessments=attrs.evolve(case.assessments, **{name: assessment}))


def _replace(items: tuple[T, ...], i: int, item: T) -> tuple[T, ...]:
    return (*items[:i], item, *items[i + 1 :])


def _drop(items: tuple[T, ...], i: int) -> tuple[T, ...]:
    return (*items[:i], *items[i + 1 :])


def _always(case: Case) -> bool:
    return True


_CHANGES: tuple[_Change, ...] = (
    ("field status", lambda case: bool(case.fields), _set_field_status),
    ("add leadership change", _always, _add_leadership_change),
    (
        "remove leadership change",
        lambda case: bool(case.leadership_changes),
        _remove_leadership_change,
    ),
    ("continuity", lambda case: bool(case.leadership_changes), _toggle_continuity),
    ("earmarked", lambda case: bool(case.budget), _toggle_earmarked),
    ("adequate", lambda case: bool(case.budget), _toggle_adequate),
    ("add budget line", _always, _add_budget_line),
    ("rating", _always, _rate_factor),
    ("add activity", _always, _add_activity),
    ("add milestone", _always, _add_milestone),
    ("later event", _always, _add_later_event),
    ("remove milestone", lambda case: bool(case.milestones), _remove_milestone),
    ("sign agreement", _always, _sign_agreement),
    (
        "never carried out",
        lambda case: (
            bool(case.activities or case.outputs)
            or any(f.status is not FieldStatus.NOT_IMPLEMENTED for f in case.fields)
        ),
        _never_carried_out,
    ),
    ("remove activity", lambda case: bool(case.activities), _remove_activity),
    ("participants", lambda case: bool(case.activities), _set_participants),
    ("initiator", lambda case: bool(case.activities), _set_initiator),
)

#: The names of the kinds of change :func:`case_variations` makes (its ``only``).
CHANGE_KINDS: tuple[str, ...] = tuple(name for name, _, _ in _CHANGES)


def with_participants(case: Case, participants: Callable[[], tuple[Sector, ...]]) -> Case:
    """``case`` with each activity's participants set to ``participants()``, called once
    per activity in order (an undated visit added when the case has none): the cases a
    rule about who took part asks for.  Used here and by :mod:`sistereval.check`."""
    activities = tuple(attrs.evolve(a, participants=participants()) for a in case.activities)
    if not activities:
        activities = (Activity(kind=ActivityKind.VISIT, participants=participants()),)
    return _evolve(case, activities=activities)


def _only_sectors(draw: st.DrawFn, case: Case, sectors: Sequence[Sector]) -> Case:
    """Every activity with participants among ``sectors`` only."""
    pool = list(dict.fromkeys(sectors))

    def chosen() -> tuple[Sector, ...]:
        return tuple(draw(st.lists(st.sampled_from(pool), min_size=1, unique=True)))

    return with_participants(case, chosen)


@st.composite
def _variations(
    draw: st.DrawFn,
    case: Case,
    max_changes: int,
    only: frozenset[str] | None,
    milestone_types: tuple[MilestoneType, ...],
    sectors: tuple[Sector, ...] = (),
) -> Case:
    options: list[Callable[[st.DrawFn, Case], Case]] = []
    for _ in range(draw(st.integers(1, max_changes))):
        options = [
            change
            for name, applies, change in _CHANGES
            if applies(case) and (only is None or name in only)
        ]
        if milestone_types and (only is None or "add milestone" in only):
            # as likely as every other kind of change together
            typed = [functools.partial(_add_typed_milestone, types=milestone_types)]
            later = tuple(t for t in milestone_types if t in _LATER_EVENTS)
            if later and (only is None or "later event" in only):
                typed.append(functools.partial(_add_later_event, types=later))
            options.extend(typed * max(1, len(options) // len(typed)))
        if sectors and (only is None or "participants" in only):
            options.append(functools.partial(_only_sectors, sectors=sectors))
        if not options:
            break
        case = draw(st.sampled_from(options))(draw, case)
    return case


def case_variations(
    case: Case,
    *,
    max_changes: int = 3,
    only: Iterable[str] | None = None,
    milestone_types: Iterable[MilestoneType | str] = (),
    sectors: Iterable[Sector | str] = (),
) -> st.SearchStrategy[Case]:
    """Valid variations of ``case``, each made of 1..``max_changes`` changes.

    A change sets a field's status to another (``"field status"``), adds or
    removes a leadership change, changes its ``continuity``, toggles a budget
    line's ``earmarked`` or ``adequate``, adds a budget line, changes the
    rating of a success factor, adds or removes an activity, changes the
    sectors that took part in one or the partner that initiated it, adds or
    removes a milestone, adds a renewal, suspension, resumption, lapse or end
    after every dated lifecycle milestone (``"later event"``), sets every
    field to ``not_implemented`` and removes every activity and output
    (``"never carried out"``), or adds an MoU and dates the case (``as_of``)
    up to 25 years after it.  Partners,
    sources and the case id stay the same.

    ``only`` limits the changes to the named kinds (:data:`CHANGE_KINDS`);
    when none of them applies to ``case`` (``"continuity"`` without a
    leadership change), the variation is ``case`` itself.

    ``milestone_types`` adds one more kind of change, as likely as all the
    others together: adding a milestone of one of these types (by one of the
    partners, happened or reported as not happened, each as often), so that a search aimed at a rule
    about council approvals or action plans tries them often; those of them
    that move the stage (a renewal, suspension, resumption, lapse or end) are
    also added after every dated lifecycle milestone, as ``"later event"`` does.
    ``sectors`` adds one more change: every activity's participants drawn from these
    sectors only (an undated activity added when the case has none).
    """
    if max_changes < 1:
        raise InvalidArgument(f"max_changes must be at least 1, got {max_changes}")
    kinds = None if only is None else frozenset(only)
    unknown = sorted((kinds or frozenset()) - set(CHANGE_KINDS))
    if unknown:
        raise InvalidArgument(
            f"unknown kind of change {unknown[0]!r}; the kinds are {', '.join(CHANGE_KINDS)}"
        )
    names = [str(t) for t in milestone_types]
    wrong = sorted(set(names) - {str(t) for t in MilestoneType})
    if wrong:
        raise InvalidArgument(
            f"unknown milestone type {wrong[0]!r}; the types are {', '.join(MilestoneType)}"
        )
    types = tuple(dict.fromkeys(MilestoneType(name) for name in names))
    sector_names = [str(x) for x in sectors]
    unknown_sector = sorted(set(sector_names) - {str(x) for x in Sector})
    if unknown_sector:
        raise InvalidArgument(
            f"unknown sector {unknown_sector[0]!r}; the sectors are {', '.join(Sector)}"
        )
    named = tuple(dict.fromkeys(Sector(name) for name in sector_names))
    return _variations(case, max_changes, kinds, types, named)


# --------------------------------------------------------------------------
# The same case in another order.


def _permute(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with every tuple in it (and in the attrs instances in it) in some order."""
    if isinstance(value, tuple):
        items = [_permute(draw, item) for item in value]
        return tuple(draw(st.permutations(items)) if len(items) > 1 else items)
    if attrs.has(type(value)) and not isinstance(value, PartialDate):
        changes = {}
        for field in attrs.fields(type(value)):
            current = getattr(value, field.name)
            if isinstance(current, tuple) or attrs.has(type(current)):
                changed = _permute(draw, current)
                if changed != current:
                    changes[field.name] = changed
        return attrs.evolve(value, **changes) if changes else value
    return value


@st.composite
def _permuted(draw: st.DrawFn, case: Case) -> Case:
    permuted: Case = _permute(draw, case)
    return permuted


def case_permutations(case: Case) -> st.SearchStrategy[Case]:
    """``case`` with every list in some order: partners, milestones, fields, activities,
    leadership changes, budget lines, institutions, claims, sources, and the lists inside
    them (cited sources, participants, outputs).

    What a case says does not depend on the order it is written in, so an evaluation
    should not either; ``sistereval check`` tests that with this strategy.
    """
    return _permuted(case)


def register_type_strategies() -> None:
    """Make ``st.from_type(Case)`` and ``st.from_type(PartialDate)`` draw valid values.

    Hypothesis calls this through the ``hypothesis`` entry point group
    (pyproject.toml) in every project where sistereval is installed.
    """
    st.register_type_strategy(Case, cases())
    st.register_type_strategy(PartialDate, partial_dates())


_hypothesis_setup_hook = register_type_strategies
