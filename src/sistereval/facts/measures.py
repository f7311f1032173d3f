"""The measures of the partnership: the scalar facts from ``partnership.*`` to ``distance.*``.

Each function computes one fact from the :class:`~.context._Context` of a case
and is registered (:mod:`.registry`) with the definition that the schema and
``docs/facts.md`` show; the sections follow the order of the schema.  The
measures of the evidence are in :mod:`.evidence`, the collections in :mod:`.items`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..dates import When
from ..model import (
    AGREEMENT_MILESTONES,
    SINGLE_MILESTONES,
    Activity,
    BudgetLine,
    CaseKind,
    DistanceMethod,
    FieldStatus,
    Institution,
    InstitutionKind,
    LeadershipChange,
    Milestone,
    MilestoneType,
    PartialDate,
    Sector,
    Shock,
)
from .context import DISTANCE_TOLERANCE, STAGES, _Context, _ids
from .registry import _BOOL, _DATE, _ENUM, _INT, _LIST, _NUM, _Out, _Registry
from .values import (
    _after,
    _earliest,
    _enum_values,
    _exact,
    _in_enum_order,
    _latest,
    _months,
    _months_at_least,
    _months_at_most,
)

__all__ = ["ANCHOR_KINDS", "STAGES"]

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
    "holds for the cases validation accepts: a reference date (`as_of`) before the agreement "
    "date, or a record dated after the reference date, is refused"
)

# --------------------------------------------------------------------------
# partnership.*


@_scalar(
    "partnership.stage",
    _ENUM,
    "Where the partnership stands at the reference date, from its lifecycle milestones in date "
    "order (an `ended`, `lapsed` or `suspended` milestone, or a term that ran out, is undone by "
    "a later `mou`, `agreement`, `renewal` or, after a lapse or suspension, `resumed`): `ended`, "
    "`lapsed` or `suspended`; else, with an agreement in force, `active` when it was carried out "
    "(`partnership.carried_out` true), or when that is not known and a `renewal` or `resumed` "
    "milestone shows the partners kept it going, and `mou` otherwise; else `loi` with a letter "
    "of intent; else `exploring`.",
    values=STAGES,
)
def _stage(ctx: _Context) -> _Out:
    standing = ctx.standing
    if standing.state != "signed":
        return _Out(standing.state, standing.sources)
    if ctx.carried_out:
        evidence = _ids(ctx.working_fields, ctx.activity_evidence, ctx.case.outputs)
        return _Out("active", tuple(sorted({*standing.sources, *evidence})))
    kept = ctx.records(MilestoneType.RENEWAL, MilestoneType.RESUMED)
    if ctx.carried_out is None and kept:
        # Renewing or resuming an agreement is itself evidence of a living partnership
        # (a renewal counts as activity); recorded fields none of which ran outweigh it.
        return _Out("active", tuple(sorted({*standing.sources, *_ids(kept)})))
    return _Out("mou", standing.sources)


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
    "The agreement date: the earliest date of an `mou` or `agreement` milestone; unknown when "
    "that date is approximate.",
)
def _signed(ctx: _Context) -> _Out:
    date, ids = ctx.signing
    return _Out(_exact(date), ids if _exact(date) else ())


@_scalar(
    "partnership.carried_out",
    _BOOL,
    "The agreement was carried out: true when a field implemented in full or in part, an "
    "activity after the agreement date or undated, or an output is recorded; false when fields "
    "are recorded, none implemented even in part nor of unknown status, and nothing else shows "
    "it (activities only before the agreement); null when nothing is recorded either way, or "
    "before any agreement.",
)
def _carried_out(ctx: _Context) -> _Out:
    if ctx.signing[0] is None or ctx.carried_out is None:
        return _Out(None)
    evidence = _ids(ctx.working_fields, ctx.activity_evidence, ctx.case.outputs)
    return _Out(ctx.carried_out, evidence if ctx.carried_out else _ids(ctx.fields))


@_scalar("partnership.ended", _BOOL, "The partnership stands ended at the reference date.")
def _ended(ctx: _Context) -> _Out:
    standing = ctx.standing
    return _Out(standing.state == "ended", standing.sources if standing.state == "ended" else ())


@_scalar(
    "partnership.end_date",
    _DATE,
    "The date of the `ended` milestone, when the partnership stands ended (unknown when "
    "approximate).",
)
def _end_date(ctx: _Context) -> _Out:
    end = _exact(ctx.end)
    return _Out(end, ctx.standing.sources if end is not None else ())


@_scalar(
    "partnership.lapsed",
    _BOOL,
    "The agreement stands lapsed at the reference date: a `lapsed` milestone, or a term "
    "(`term_years`) that ran out, with no renewal, new agreement or resumption after it.",
)
def _lapsed(ctx: _Context) -> _Out:
    standing = ctx.standing
    return _Out(standing.state == "lapsed", standing.sources if standing.state == "lapsed" else ())


@_scalar(
    "partnership.lapses",
    _INT,
    "How many times the agreement lapsed (recorded `lapsed` milestones, and terms that ran out "
    "before the next renewal), renewed or not.",
    minimum=0,
)
def _lapses(ctx: _Context) -> _Out:
    lapsed = ctx.records(MilestoneType.LAPSED)
    return _Out(ctx.standing.lapses, _ids(lapsed))


@_scalar(
    "partnership.suspended",
    _BOOL,
    "The partnership stands suspended at the reference date: a `suspended` milestone with no "
    "`resumed`, `renewal`, `mou` or `agreement` after it.",
)
def _suspended(ctx: _Context) -> _Out:
    standing = ctx.standing
    flag = standing.state == "suspended"
    return _Out(flag, standing.sources if flag else _ids(ctx.records(MilestoneType.SUSPENDED)))


@_scalar(
    "partnership.expires",
    _DATE,
    "When the term of the agreement in force runs out: the latest date of the `mou`, "
    "`agreement` or `renewal` that set it plus its `term_years`; unknown without a term.",
)
def _expires(ctx: _Context) -> _Out:
    standing = ctx.standing
    if standing.state in ("ended", "lapsed") or standing.expires is None:
        return _Out(None)
    terms = [m for m in ctx.records(*AGREEMENT_MILESTONES) if m.term_years is not None]
    return _Out(standing.expires, _ids(terms))


def _stop(ctx: _Context) -> tuple[When | None, tuple[str, ...]]:
    """Where durations of the partnership stop: its end or lapse, else the reference date."""
    standing = ctx.standing
    if standing.state in ("ended", "lapsed") and standing.since_date is not None:
        return standing.since_date, standing.sources
    date, _basis, ids = ctx.as_of
    return date, ids


def _active(ctx: _Context, count: Callable[[When | None, When | None], int | None]) -> _Out:
    """Months from the agreement date to where durations stop, counted by ``count``
    (the fewest or the most the dates allow)."""
    signed, signed_ids = ctx.signing
    stop, stop_ids = _stop(ctx)
    months = count(signed, stop)
    if months is None:
        return _Out(None)
    return _Out(max(months, 0), tuple(sorted({*signed_ids, *stop_ids})))


def _in_years(months: _Out) -> _Out:
    """A count of months in years, rounded to two decimals."""
    if not isinstance(months.value, int):
        return _Out(None)
    return _Out(round(months.value / 12, 2), months.sources)


@_scalar(
    "partnership.months_active",
    _INT,
    "Months from the agreement date to the end or lapse of the partnership, or to the reference "
    "date when it stands otherwise; with approximate dates, the fewest months they allow.",
    unit="months",
    minimum=0,
    range_note=_TIMELINE,
)
def _months_active(ctx: _Context) -> _Out:
    return _active(ctx, _months_at_least)


@_scalar(
    "partnership.years_active",
    _NUM,
    "`partnership.months_active` divided by 12, rounded to two decimals.",
    unit="years",
    minimum=0,
    range_note=_TIMELINE,
)
def _years_active(ctx: _Context) -> _Out:
    return _in_years(_months_active(ctx))


@_scalar(
    "partnership.most_months_active",
    _INT,
    "The most months the dates allow from the agreement date to the end or lapse, or to the "
    "reference date (`partnership.months_active` when every date is exact); null when a date "
    "is unbounded that way.",
    unit="months",
    minimum=0,
    range_note=_TIMELINE,
)
def _most_months_active(ctx: _Context) -> _Out:
    return _active(ctx, _months_at_most)


@_scalar(
    "partnership.most_years_active",
    _NUM,
    "`partnership.most_months_active` divided by 12, rounded to two decimals.",
    unit="years",
    minimum=0,
    range_note=_TIMELINE,
)
def _most_years_active(ctx: _Context) -> _Out:
    return _in_years(_most_months_active(ctx))


_REGISTRY.relation("sum", ("partnership.months_active",), "partnership.most_months_active", "<=")


@_scalar(
    "partnership.renewals",
    _INT,
    "The number of distinct dates of `renewal` milestones (a renewal after a lapse included).",
    minimum=0,
)
def _renewals(ctx: _Context) -> _Out:
    renewals = ctx.records(MilestoneType.RENEWAL)
    return _Out(len({m.date for m in renewals}), _ids(renewals))


@_scalar(
    "partnership.as_of",
    _DATE,
    "The reference date the case is judged at and durations are measured to: the case's "
    "`as_of`; else the latest date a source was published or accessed, or the latest date the "
    "case records if later; else the date of the evaluation (`SOURCE_DATE_EPOCH` when set).",
)
def _as_of(ctx: _Context) -> _Out:
    date, _basis, ids = ctx.as_of
    return _Out(date, ids)


@_scalar(
    "partnership.as_of_basis",
    _ENUM,
    "Where the reference date comes from: `given` (the case's `as_of`), `sources` (the latest "
    "source or record date) or `evaluation_date` (the day of the evaluation).",
    values=("given", "sources", "evaluation_date"),
)
def _as_of_basis(ctx: _Context) -> _Out:
    return _Out(ctx.as_of[1])


@_scalar(
    "partnership.months_since_last_evidence",
    _INT,
    "Months from the latest evidence of activity of any kind (an activity, an output, or a "
    "milestone other than a suspension, lapse or end, each at the latest date it may have) to "
    "the reference date; undated evidence counts as activity but moves no date; null when "
    "nothing dated is recorded.",
    unit="months",
    minimum=0,
    range_note=_TIMELINE,
)
def _months_since_evidence(ctx: _Context) -> _Out:
    quiet = (MilestoneType.SUSPENDED, MilestoneType.LAPSED, MilestoneType.ENDED)
    dated: list[tuple[PartialDate, tuple[str, ...]]] = []
    for record, latest in ctx.dated_records:
        if isinstance(record, Milestone) and record.type in quiet:
            continue
        if isinstance(record, LeadershipChange | Shock):
            continue
        if latest is not None:
            dated.append((latest, record.sources))
    if not dated:
        return _Out(None)
    last = max(date for date, _ in dated)
    as_of, _basis, as_of_ids = ctx.as_of
    ids = {sid for date, srcs in dated if date == last for sid in srcs}
    return _Out(max(_months(last, as_of), 0), tuple(sorted({*ids, *as_of_ids})))


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
        date, ids = ctx.milestone_date(kind)
        return _Out(_exact(date), ids if _exact(date) is not None else ())


for _milestone in _MILESTONE_DATES:
    _milestone_measure(*_milestone)

_RECORDED = (
    (MilestoneType.COUNCIL_APPROVAL, "a council approval"),
    (MilestoneType.CENTRAL_APPROVAL, "a central-government approval"),
    (MilestoneType.ACTION_PLAN, "an action plan"),
)


def _recorded_measure(kind: MilestoneType, what: str) -> None:
    @_scalar(
        f"milestones.has_{kind}",
        _BOOL,
        f"Whether there was {what}: true when one is recorded, false when a source reports "
        f"there was none (`happened: false`) and none is recorded, null when nothing is "
        "recorded either way.",
    )
    def compute(ctx: _Context) -> _Out:
        present, denied = ctx.records(kind), ctx.denied(kind)
        if present:
            return _Out(True, _ids(present))
        if denied:
            return _Out(False, _ids(denied))
        return _Out(None)


for _recorded in _RECORDED:
    _recorded_measure(*_recorded)


@_scalar("milestones.visits", _INT, "The number of `visit` milestones.", minimum=0)
def _visits(ctx: _Context) -> _Out:
    visits = ctx.records(MilestoneType.VISIT)
    return _Out(len(visits), _ids(visits))


# --------------------------------------------------------------------------
# fields.*


@_scalar(
    "fields.agreed",
    _INT,
    "The number of agreed fields of cooperation (those whose status is unknown included).",
    minimum=0,
)
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
    "`fields.implemented` divided by `fields.agreed`; null when no field is agreed or the "
    "status of some field is unknown (then see `fields.implemented_at_most`).",
    changeable=True,
    minimum=0,
    maximum=1,
)
def _implementation_ratio(ctx: _Context) -> _Out:
    if not ctx.fields or any(f.status is FieldStatus.UNKNOWN for f in ctx.fields):
        return _Out(None)
    implemented = sum(f.status is FieldStatus.IMPLEMENTED for f in ctx.fields)
    return _Out(implemented / len(ctx.fields), _ids(ctx.fields))


_REGISTRY.relation("ratio", ("fields.implemented", "fields.agreed"), "fields.implementation_ratio")


@_scalar(
    "fields.implemented_at_most",
    _INT,
    "The most agreed fields that may have been implemented: those implemented and those whose "
    "status is unknown.",
    changeable=True,
    minimum=0,
)
def _implemented_at_most(ctx: _Context) -> _Out:
    matching = [f for f in ctx.fields if f.status in (FieldStatus.IMPLEMENTED, FieldStatus.UNKNOWN)]
    return _Out(len(matching), _ids(matching))


_REGISTRY.relation("sum", ("fields.implemented", "fields.unknown"), "fields.implemented_at_most")


# --------------------------------------------------------------------------
# activities.*


@_scalar("activities.count", _INT, "The number of recorded activities, dated or not.", minimum=0)
def _activities_count(ctx: _Context) -> _Out:
    return _Out(len(ctx.activities), _ids(ctx.activities))


@_scalar(
    "activities.undated",
    _INT,
    "The number of recorded activities without a date.",
    minimum=0,
)
def _activities_undated(ctx: _Context) -> _Out:
    undated = [a for a in ctx.activities if a.date is None]
    return _Out(len(undated), _ids(undated))


@_scalar(
    "activities.recurring",
    _INT,
    "The number of activities recorded as recurring (held repeatedly, within their dates).",
    minimum=0,
)
def _activities_recurring(ctx: _Context) -> _Out:
    recurring = [a for a in ctx.activities if a.recurring]
    return _Out(len(recurring), _ids(recurring))


@_scalar(
    "activities.after_agreement",
    _INT,
    "The number of activities after the agreement date.",
    minimum=0,
)
def _activities_after(ctx: _Context) -> _Out:
    later = [a for a in ctx.activities if a.date is not None and _after(a.date, ctx.signed)]
    return _Out(len(later), _ids(later))


_REGISTRY.relation("sum", ("activities.undated",), "activities.count", "<=")
_REGISTRY.relation("sum", ("activities.recurring",), "activities.count", "<=")
_REGISTRY.relation("sum", ("activities.after_agreement",), "activities.count", "<=")


def _dated_activities(ctx: _Context) -> list[Activity]:
    return [a for a in ctx.activities if a.date is not None]


@_scalar(
    "activities.first_date",
    _DATE,
    "The earliest date a recorded activity may have (at its precision); undated activities "
    "are not counted.",
)
def _first_activity(ctx: _Context) -> _Out:
    dated = [(_earliest(a.date), a) for a in _dated_activities(ctx)]
    known = [(d, a) for d, a in dated if d is not None]
    if not known:
        return _Out(None)
    first = min(d for d, _ in known)
    return _Out(first, _ids(a for d, a in known if d == first))


@_scalar(
    "activities.last_date",
    _DATE,
    "The latest date a recorded activity may have (at its precision); undated activities are "
    "not counted.",
)
def _last_activity(ctx: _Context) -> _Out:
    dated = [(_latest(a.date), a) for a in _dated_activities(ctx)]
    known = [(d, a) for d, a in dated if d is not None]
    if not known:
        return _Out(None)
    last = max(d for d, _ in known)
    return _Out(last, _ids(a for d, a in known if d == last))


@_scalar(
    "activities.months_since_last",
    _INT,
    "Months from `activities.last_date` to the reference date; null with no dated activity.",
    unit="months",
    minimum=0,
    range_note=_TIMELINE,
)
def _months_since_last(ctx: _Context) -> _Out:
    last = _last_activity(ctx)
    as_of, _basis, as_of_ids = ctx.as_of
    if not isinstance(last.value, PartialDate):
        return _Out(None)
    return _Out(max(_months(last.value, as_of), 0), tuple(sorted({*last.sources, *as_of_ids})))


@_scalar(
    "activities.span_months",
    _INT,
    "Months from `activities.first_date` to `activities.last_date`: how long activity is "
    "recorded over, beside `partnership.months_active`, how long the agreement ran.",
    unit="months",
    minimum=0,
)
def _span_months(ctx: _Context) -> _Out:
    first, last = _first_activity(ctx), _last_activity(ctx)
    if not isinstance(first.value, PartialDate) or not isinstance(last.value, PartialDate):
        return _Out(None)
    return _Out(
        max(_months(first.value, last.value), 0), tuple(sorted({*first.sources, *last.sources}))
    )


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
    "leadership.changes_discontinued",
    _INT,
    "The number of leadership changes during the partnership whose successor is recorded as "
    "not carrying it on (continuity false).",
    changeable=True,
    minimum=0,
)
def _discontinued(ctx: _Context) -> _Out:
    broken = [c for c in ctx.changes_during if c.continuity is False]
    return _Out(len(broken), _ids(broken))


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
    months = _months_at_least(signed, first.date)
    if months is None:
        return _Out(None)
    return _Out(months, tuple(sorted({*signed_ids, *first.sources})))


@_scalar(
    "leadership.activity_after_change",
    _BOOL,
    "An activity is recorded after the first leadership change during the partnership "
    "(the partnership outlived its first leadership); null when there was no such change, "
    "or when none is certainly after it but an undated or approximate one may be.",
)
def _activity_after_change(ctx: _Context) -> _Out:
    if not ctx.changes_during:
        return _Out(None)
    after = [ctx.after_first_change(a) for a in ctx.activities]
    later = [a for a, is_after in zip(ctx.activities, after, strict=True) if is_after]
    if not later and None in after:
        return _Out(None)
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
    "all recorded as not earmarked; null when that is not known for every partner.",
    changeable=True,
)
def _all_earmarked(ctx: _Context) -> _Out:
    by_partner = _lines_by_partner(ctx)
    if all(any(line.earmarked for line in lines) for lines in by_partner.values()):
        return _Out(True, _ids(ctx.budget))
    lacking = [
        lines for lines in by_partner.values() if lines and all(x.earmarked is False for x in lines)
    ]
    if lacking:
        return _Out(False, _ids(*lacking))
    return _Out(None, _ids(ctx.budget))


@_scalar(
    "budget.unearmarked_partners",
    _INT,
    "The number of partners whose recorded budget lines are all recorded as not earmarked.",
    minimum=0,
)
def _unearmarked_partners(ctx: _Context) -> _Out:
    by_partner = _lines_by_partner(ctx)
    lacking = [
        lines
        for lines in by_partner.values()
        if lines and all(line.earmarked is False for line in lines)
    ]
    return _Out(len(lacking), _ids(*lacking))


@_scalar(
    "budget.spent_lines",
    _INT,
    "The number of budget lines that record the amount spent.",
    minimum=0,
)
def _spent_lines(ctx: _Context) -> _Out:
    spent = [line for line in ctx.budget if line.spent is not None]
    return _Out(len(spent), _ids(spent))


@_scalar(
    "budget.co_funded",
    _BOOL,
    "Some budget line records co-funding from outside the partners' own budgets (an amount or "
    "a co-funder); null with no budget line.",
)
def _co_funded(ctx: _Context) -> _Out:
    if not ctx.budget:
        return _Out(None)
    funded = [line for line in ctx.budget if line.co_funders or line.co_funding]
    return _Out(bool(funded), _ids(funded))


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
