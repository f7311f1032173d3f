"""The measures of the partnership: the scalar facts from ``partnership.*`` to ``distance.*``.

Each function computes one fact from the :class:`~.context._Context` of a case
and is registered (:mod:`.registry`) with the definition that the schema and
``docs/facts.md`` show; the sections follow the order of the schema.  The
measures of the evidence are in :mod:`.evidence`, the collections in :mod:`.items`.
"""

from __future__ import annotations

from ..model import (
    SINGLE_MILESTONES,
    Activity,
    BudgetLine,
    CaseKind,
    DistanceMethod,
    FieldStatus,
    Institution,
    InstitutionKind,
    MilestoneType,
    PartialDate,
    Sector,
)
from .context import DISTANCE_TOLERANCE, _Context, _ids
from .registry import _BOOL, _DATE, _ENUM, _INT, _LIST, _NUM, _Out, _Registry
from .values import _after, _enum_values, _in_enum_order, _months

__all__ = ["ANCHOR_KINDS", "STAGES"]

#: The values of ``partnership.stage``, from the earliest stage to the last.
STAGES = ("exploring", "loi", "mou", "active", "ended")

#: Institutions that anchor a partnership beside city hall.
ANCHOR_KINDS = frozenset(
    {
        InstitutionKind.UNIVERSITY,
        InstitutionKind.CHAMBER,
        InstitutionKind.SCHOOL,
        InstitutionKind.NGO,
        InstitutionKind.BUSINESS,
        InstitutionKind.COMMITTEE,
    }
)

_REGISTRY = _Registry()
_scalar = _REGISTRY.scalar

#: On what the range of the partnership's durations rests.
_TIMELINE = (
    "holds for the cases validation accepts: a reference date (`as_of`) or an `ended` "
    "milestone before the agreement date is refused (issue 12)"
)

# --------------------------------------------------------------------------
# partnership.*


@_scalar(
    "partnership.stage",
    _ENUM,
    "How far the partnership got: `ended` when an `ended` milestone is recorded; else `active` "
    "when there is an MoU or agreement and at least one implemented or partial field or an "
    "activity after the agreement date; else `mou` with an MoU or agreement; else `loi` with a "
    "letter of intent; else `exploring`.",
    values=STAGES,
)
def _stage(ctx: _Context) -> _Out:
    ended = ctx.records(MilestoneType.ENDED)
    if ended:
        return _Out("ended", _ids(ended))
    signing = ctx.records(MilestoneType.MOU, MilestoneType.AGREEMENT)
    if signing:
        working = [
            f for f in ctx.fields if f.status in (FieldStatus.IMPLEMENTED, FieldStatus.PARTIAL)
        ]
        later = [a for a in ctx.activities if _after(a.date, ctx.signed)]
        if working or later:
            return _Out("active", _ids(signing, working, later))
        return _Out("mou", _ids(signing))
    loi = ctx.records(MilestoneType.LOI)
    if loi:
        return _Out("loi", _ids(loi))
    return _Out("exploring")


@_scalar(
    "partnership.kind",
    _ENUM,
    "The kind of partnership the case records.",
    values=_enum_values(CaseKind),
)
def _kind(ctx: _Context) -> _Out:
    return _Out(str(ctx.case.kind))


@_scalar("partnership.partners", _INT, "The number of partners (cities, provinces).", minimum=2)
def _partners(ctx: _Context) -> _Out:
    return _Out(len(ctx.case.partners))


@_scalar(
    "partnership.signed",
    _DATE,
    "The agreement date: the earliest date of an `mou` or `agreement` milestone.",
)
def _signed(ctx: _Context) -> _Out:
    return _Out(*ctx.signing)


@_scalar("partnership.ended", _BOOL, "An `ended` milestone is recorded.")
def _ended(ctx: _Context) -> _Out:
    ended = ctx.records(MilestoneType.ENDED)
    return _Out(bool(ended), _ids(ended))


@_scalar("partnership.end_date", _DATE, "The date of the `ended` milestone.")
def _end_date(ctx: _Context) -> _Out:
    return _Out(*ctx.milestone_date(MilestoneType.ENDED))


@_scalar(
    "partnership.suspended",
    _BOOL,
    "A `suspended` milestone is recorded with no `mou`, `agreement` or `renewal` after the "
    "latest one.",
)
def _suspended(ctx: _Context) -> _Out:
    suspensions = ctx.records(MilestoneType.SUSPENDED)
    if not suspensions:
        return _Out(False)
    last = suspensions[-1]
    resumed = [
        m
        for m in ctx.records(MilestoneType.MOU, MilestoneType.AGREEMENT, MilestoneType.RENEWAL)
        if _after(m.date, last.date)
    ]
    return _Out(not resumed, _ids([last], resumed))


@_scalar(
    "partnership.months_active",
    _INT,
    "Months from the agreement date to the end date, or to the reference date when the "
    "partnership has not ended.",
    unit="months",
    minimum=0,
    range_note=_TIMELINE,
)
def _months_active(ctx: _Context) -> _Out:
    signed, signed_ids = ctx.signing
    stop, _basis, stop_ids = ctx.as_of
    end, end_ids = ctx.milestone_date(MilestoneType.ENDED)
    if end is not None:
        stop, stop_ids = end, end_ids
    if signed is None or stop is None:
        return _Out(None)
    return _Out(_months(signed, stop), tuple(sorted({*signed_ids, *stop_ids})))


@_scalar(
    "partnership.years_active",
    _NUM,
    "`partnership.months_active` divided by 12, rounded to two decimals.",
    unit="years",
    minimum=0,
    range_note=_TIMELINE,
)
def _years_active(ctx: _Context) -> _Out:
    months = _months_active(ctx)
    if not isinstance(months.value, int):
        return _Out(None)
    return _Out(round(months.value / 12, 2), months.sources)


@_scalar(
    "partnership.renewals",
    _INT,
    "The number of distinct dates of `renewal` milestones.",
    minimum=0,
)
def _renewals(ctx: _Context) -> _Out:
    renewals = ctx.records(MilestoneType.RENEWAL)
    return _Out(len({m.date for m in renewals}), _ids(renewals))


@_scalar(
    "partnership.as_of",
    _DATE,
    "The reference date durations are measured to: the case's `as_of`, else the end date, else "
    "the latest date recorded in the case.",
)
def _as_of(ctx: _Context) -> _Out:
    date, _basis, ids = ctx.as_of
    return _Out(date, ids)


@_scalar(
    "partnership.as_of_basis",
    _ENUM,
    "Where the reference date comes from: `given` (the case's `as_of`), `ended`, `latest_record`, "
    "or `none` when the case records no date at all.",
    values=("given", "ended", "latest_record", "none"),
)
def _as_of_basis(ctx: _Context) -> _Out:
    return _Out(ctx.as_of[1])


# --------------------------------------------------------------------------
# milestones.*

_MILESTONE_DATES = (
    (MilestoneType.LOI, "the letter of intent"),
    (MilestoneType.COUNCIL_APPROVAL, "the (first) council approval"),
    (MilestoneType.CENTRAL_APPROVAL, "the (first) central-government approval"),
    (MilestoneType.MOU, "the memorandum of understanding"),
    (MilestoneType.AGREEMENT, "the agreement"),
    (MilestoneType.ACTION_PLAN, "the (first) action plan"),
)


def _milestone_measure(kind: MilestoneType, what: str) -> None:
    extra = " (records with dates that cannot be the same day are a dispute; the earliest is used)"
    description = f"The date of {what}" + (extra if kind in SINGLE_MILESTONES else "") + "."

    @_scalar(f"milestones.{kind}", _DATE, description)
    def compute(ctx: _Context) -> _Out:
        return _Out(*ctx.milestone_date(kind))


for _milestone in _MILESTONE_DATES:
    _milestone_measure(*_milestone)


@_scalar("milestones.visits", _INT, "The number of `visit` milestones.", minimum=0)
def _visits(ctx: _Context) -> _Out:
    visits = ctx.records(MilestoneType.VISIT)
    return _Out(len(visits), _ids(visits))


# --------------------------------------------------------------------------
# fields.*


@_scalar("fields.agreed", _INT, "The number of agreed fields of cooperation.", minimum=0)
def _fields_agreed(ctx: _Context) -> _Out:
    return _Out(len(ctx.fields), _ids(ctx.fields))


def _status_measure(status: FieldStatus) -> None:
    @_scalar(
        f"fields.{status}",
        _INT,
        f"The number of agreed fields with the status `{status}`.",
        changeable=True,
        minimum=0,
    )
    def compute(ctx: _Context) -> _Out:
        matching = [f for f in ctx.fields if f.status is status]
        return _Out(len(matching), _ids(matching))


for _status in FieldStatus:
    _status_measure(_status)

_REGISTRY.relation("sum", tuple(f"fields.{status}" for status in FieldStatus), "fields.agreed")


@_scalar(
    "fields.implementation_ratio",
    _NUM,
    "`fields.implemented` divided by `fields.agreed`; null when no field is agreed.",
    changeable=True,
    minimum=0,
    maximum=1,
)
def _implementation_ratio(ctx: _Context) -> _Out:
    if not ctx.fields:
        return _Out(None)
    implemented = sum(f.status is FieldStatus.IMPLEMENTED for f in ctx.fields)
    return _Out(implemented / len(ctx.fields), _ids(ctx.fields))


_REGISTRY.relation("ratio", ("fields.implemented", "fields.agreed"), "fields.implementation_ratio")


# --------------------------------------------------------------------------
# activities.*


@_scalar("activities.count", _INT, "The number of recorded activities.", minimum=0)
def _activities_count(ctx: _Context) -> _Out:
    return _Out(len(ctx.activities), _ids(ctx.activities))


@_scalar(
    "activities.after_agreement",
    _INT,
    "The number of activities after the agreement date.",
    minimum=0,
)
def _activities_after(ctx: _Context) -> _Out:
    later = [a for a in ctx.activities if _after(a.date, ctx.signed)]
    return _Out(len(later), _ids(later))


_REGISTRY.relation("sum", ("activities.after_agreement",), "activities.count", "<=")


@_scalar("activities.first_date", _DATE, "The date of the earliest recorded activity.")
def _first_activity(ctx: _Context) -> _Out:
    if not ctx.activities:
        return _Out(None)
    first = ctx.activities[0].date
    return _Out(first, _ids(a for a in ctx.activities if a.date == first))


@_scalar("activities.last_date", _DATE, "The date of the latest recorded activity.")
def _last_activity(ctx: _Context) -> _Out:
    if not ctx.activities:
        return _Out(None)
    last = ctx.activities[-1].date
    return _Out(last, _ids(a for a in ctx.activities if a.date == last))


@_scalar(
    "activities.months_since_last",
    _INT,
    "Months from the latest recorded activity to the reference date; null with no activity.",
    unit="months",
    range_note="no lower bound: an activity may be recorded after the reference date",
)
def _months_since_last(ctx: _Context) -> _Out:
    last = _last_activity(ctx)
    as_of, _basis, as_of_ids = ctx.as_of
    if not isinstance(last.value, PartialDate) or as_of is None:
        return _Out(None)
    return _Out(_months(last.value, as_of), tuple(sorted({*last.sources, *as_of_ids})))


# --------------------------------------------------------------------------
# reciprocity.*, sectors.*


def _initiating(ctx: _Context) -> list[Activity]:
    return [a for a in ctx.activities if a.initiated_by is not None]


@_scalar(
    "reciprocity.initiators",
    _INT,
    "The number of partners that initiated at least one recorded activity.",
    minimum=0,
)
def _initiators(ctx: _Context) -> _Out:
    initiating = _initiating(ctx)
    return _Out(len({a.initiated_by for a in initiating}), _ids(initiating))


_REGISTRY.relation("sum", ("reciprocity.initiators",), "partnership.partners", "<=")


@_scalar(
    "reciprocity.mutual",
    _BOOL,
    "At least two partners each initiated an activity; null when no activity records who "
    "initiated it.",
)
def _mutual(ctx: _Context) -> _Out:
    initiating = _initiating(ctx)
    if not initiating:
        return _Out(None)
    return _Out(len({a.initiated_by for a in initiating}) >= 2, _ids(initiating))


@_scalar(
    "sectors.participating",
    _LIST,
    "The sectors that took part in at least one recorded activity.",
    values=_enum_values(Sector),
)
def _sectors(ctx: _Context) -> _Out:
    taking_part = [a for a in ctx.activities if a.participants]
    sectors = (str(p) for a in taking_part for p in a.participants)
    return _Out(_in_enum_order(sectors, Sector), _ids(taking_part))


@_scalar(
    "sectors.count",
    _INT,
    "The number of sectors in `sectors.participating`.",
    minimum=0,
    maximum=len(Sector),
)
def _sectors_count(ctx: _Context) -> _Out:
    sectors = _sectors(ctx)
    assert isinstance(sectors.value, tuple)
    return _Out(len(sectors.value), sectors.sources)


# --------------------------------------------------------------------------
# leadership.*


@_scalar(
    "leadership.changes",
    _INT,
    "The number of leadership changes during the partnership (after the agreement date and, "
    "when it ended, before the end date).",
    minimum=0,
)
def _changes(ctx: _Context) -> _Out:
    return _Out(len(ctx.changes_during), _ids(ctx.changes_during))


@_scalar(
    "leadership.changes_without_continuity",
    _INT,
    "The number of leadership changes during the partnership whose successor is not recorded "
    "as continuing it (continuity false or unknown).",
    changeable=True,
    minimum=0,
)
def _without_continuity(ctx: _Context) -> _Out:
    broken = [c for c in ctx.changes_during if c.continuity is not True]
    return _Out(len(broken), _ids(broken))


_REGISTRY.relation("sum", ("leadership.changes_without_continuity",), "leadership.changes", "<=")


@_scalar(
    "leadership.months_to_first_change",
    _INT,
    "Months from the agreement date to the first leadership change during the partnership.",
    unit="months",
    minimum=0,
)
def _months_to_first_change(ctx: _Context) -> _Out:
    signed, signed_ids = ctx.signing
    if signed is None or not ctx.changes_during:
        return _Out(None)
    first = ctx.changes_during[0]
    return _Out(_months(signed, first.date), tuple(sorted({*signed_ids, *first.sources})))


@_scalar(
    "leadership.activity_after_change",
    _BOOL,
    "An activity is recorded after the first leadership change during the partnership "
    "(the partnership outlived its first leadership); null when there was no such change.",
)
def _activity_after_change(ctx: _Context) -> _Out:
    if not ctx.changes_during:
        return _Out(None)
    later = [a for a in ctx.activities if ctx.after_first_change(a)]
    return _Out(bool(later), _ids([ctx.changes_during[0]], later))


# --------------------------------------------------------------------------
# budget.*


def _lines_by_partner(ctx: _Context) -> dict[str, list[BudgetLine]]:
    out: dict[str, list[BudgetLine]] = {p.id: [] for p in ctx.case.partners}
    for line in ctx.budget:
        out.setdefault(line.partner, []).append(line)
    return out


@_scalar("budget.lines", _INT, "The number of recorded budget lines.", minimum=0)
def _budget_lines(ctx: _Context) -> _Out:
    return _Out(len(ctx.budget), _ids(ctx.budget))


@_scalar(
    "budget.earmarked_partners",
    _INT,
    "The number of partners with at least one budget line earmarked for the partnership.",
    changeable=True,
    minimum=0,
)
def _earmarked_partners(ctx: _Context) -> _Out:
    earmarked = [line for line in ctx.budget if line.earmarked]
    return _Out(len({line.partner for line in earmarked}), _ids(earmarked))


@_scalar(
    "budget.all_earmarked",
    _BOOL,
    "Every partner has an earmarked budget line; false when some partner's recorded lines are "
    "all unearmarked; null when that is not known for every partner.",
    changeable=True,
)
def _all_earmarked(ctx: _Context) -> _Out:
    by_partner = _lines_by_partner(ctx)
    if all(any(line.earmarked for line in lines) for lines in by_partner.values()):
        return _Out(True, _ids(ctx.budget))
    lacking = [
        lines for lines in by_partner.values() if lines and not any(x.earmarked for x in lines)
    ]
    if lacking:
        return _Out(False, _ids(*lacking))
    return _Out(None, _ids(ctx.budget))


@_scalar(
    "budget.inadequate_partners",
    _INT,
    "The number of partners with a budget line recorded as inadequate.",
    changeable=True,
    minimum=0,
)
def _inadequate_partners(ctx: _Context) -> _Out:
    inadequate = [line for line in ctx.budget if line.adequate is False]
    return _Out(len({line.partner for line in inadequate}), _ids(inadequate))


_REGISTRY.relation("sum", ("budget.earmarked_partners",), "partnership.partners", "<=")
_REGISTRY.relation("sum", ("budget.inadequate_partners",), "partnership.partners", "<=")


# --------------------------------------------------------------------------
# institutions.*

_ANCHOR_TEXT = ", ".join(str(k) for k in InstitutionKind if k in ANCHOR_KINDS)


def _anchors(ctx: _Context) -> list[Institution]:
    return [i for i in ctx.institutions if i.kind in ANCHOR_KINDS]


@_scalar(
    "institutions.anchors",
    _INT,
    "The number of anchor institutions carrying the partnership beside city hall "
    f"({_ANCHOR_TEXT}).",
    minimum=0,
)
def _anchor_count(ctx: _Context) -> _Out:
    anchors = _anchors(ctx)
    return _Out(len(anchors), _ids(anchors))


@_scalar(
    "institutions.anchor_sides",
    _INT,
    "The number of partners with at least one anchor institution.",
    minimum=0,
)
def _anchor_sides(ctx: _Context) -> _Out:
    anchors = [i for i in _anchors(ctx) if i.partner is not None]
    return _Out(len({i.partner for i in anchors}), _ids(anchors))


_REGISTRY.relation("sum", ("institutions.anchor_sides",), "institutions.anchors", "<=")
_REGISTRY.relation("sum", ("institutions.anchor_sides",), "partnership.partners", "<=")


@_scalar(
    "institutions.anchor_kinds",
    _LIST,
    "The kinds of the anchor institutions.",
    values=tuple(str(k) for k in InstitutionKind if k in ANCHOR_KINDS),
)
def _anchor_kinds(ctx: _Context) -> _Out:
    anchors = _anchors(ctx)
    return _Out(_in_enum_order((str(i.kind) for i in anchors), InstitutionKind), _ids(anchors))


# --------------------------------------------------------------------------
# distance.*


@_scalar(
    "distance.great_circle_km",
    _NUM,
    "The WGS-84 geodesic distance between the partners' locations (the largest pairwise "
    "distance when there are more than two), rounded to 0.1 km. A recorded great-circle figure "
    "that agrees with it lends it its sources.",
    unit="km",
    minimum=0,
)
def _great_circle(ctx: _Context) -> _Out:
    recorded = ctx.case.distance
    agreeing = recorded is not None and recorded.method is DistanceMethod.GREAT_CIRCLE
    if recorded is not None and agreeing and not ctx.distance_disputed:
        return _Out(ctx.great_circle_km, _ids([recorded]))
    return _Out(ctx.great_circle_km)


@_scalar(
    "distance.reported_km",
    _NUM,
    "The distance the case records with the method `reported` or `route`.",
    unit="km",
    minimum=0,
)
def _reported_km(ctx: _Context) -> _Out:
    recorded = ctx.case.distance
    if recorded is None or recorded.method is DistanceMethod.GREAT_CIRCLE:
        return _Out(None)
    return _Out(recorded.km, _ids([recorded]))


@_scalar(
    "distance.reported_method",
    _ENUM,
    "The method of `distance.reported_km`.",
    values=(str(DistanceMethod.REPORTED), str(DistanceMethod.ROUTE)),
)
def _reported_method(ctx: _Context) -> _Out:
    recorded = ctx.case.distance
    if recorded is None or recorded.method is DistanceMethod.GREAT_CIRCLE:
        return _Out(None)
    return _Out(str(recorded.method), _ids([recorded]))


@_scalar(
    "distance.disputed",
    _BOOL,
    "The distance the case records (by any method) differs from the great-circle distance by "
    f"more than {DISTANCE_TOLERANCE:.0%}; the disagreement is listed as a dispute.",
)
def _distance_disputed(ctx: _Context) -> _Out:
    recorded = ctx.case.distance
    return _Out(ctx.distance_disputed, _ids([recorded]) if recorded else ())
