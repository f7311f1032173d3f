"""The per-case context: one case's records, sorted, and the results several measures share.

:class:`_Context` holds the sorted records, the milestone dates (with the rule
for disputed once-only milestones), the agreement and reference dates, the
leadership changes during the partnership, the great-circle distance and the
cited sources.  Every measure reads the case through it, so each of these is
computed once per case.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Protocol, TypeVar

import attrs
from geographiclib.geodesic import Geodesic

from ..dates import When, date_key
from ..model import (
    AGREEMENT_MILESTONES,
    SINGLE_MILESTONES,
    Activity,
    BudgetLine,
    Case,
    CooperationField,
    FieldStatus,
    Institution,
    LeadershipChange,
    Milestone,
    MilestoneType,
    PartialDate,
    Source,
)
from .results import Dispute
from .values import _after, _before, _latest, _overlap, _value_key

__all__ = ["DISTANCE_TOLERANCE", "STAGES", "evaluation_date"]

#: The values of ``partnership.stage``, from the earliest stage to the last.
STAGES = ("exploring", "loi", "mou", "active", "suspended", "lapsed", "ended")

#: How lifecycle milestones of the same date are ordered: a renewal or a
#: resumption recorded in the same period as a lapse or suspension follows it.
_TIE_ORDER = {
    MilestoneType.LOI: 0,
    MilestoneType.MOU: 1,
    MilestoneType.AGREEMENT: 2,
    MilestoneType.SUSPENDED: 3,
    MilestoneType.LAPSED: 4,
    MilestoneType.ENDED: 5,
    MilestoneType.RESUMED: 6,
    MilestoneType.RENEWAL: 7,
}

_DAYS_PER_YEAR = 365.2425


_STOPS = frozenset({MilestoneType.ENDED, MilestoneType.LAPSED, MilestoneType.SUSPENDED})


def _after_signing(events: list[Milestone]) -> list[Milestone]:
    """``events`` (in date order) with each end, lapse or suspension that comes before
    any agreement moved after the agreements whose dates it may follow.

    Nothing ends before it is signed: an end reported as ``2008/2017`` beside an MoU
    of ``2008`` sorts first by its first possible day, but it can only have ended that
    MoU.  An event certainly before every agreement stays where it is.
    """
    out = list(events)
    moved: set[int] = set()  # the ids of the events moved so far
    i = 0
    while i < len(out):
        m = out[i]
        signed_before = any(e.type in AGREEMENT_MILESTONES for e in out[:i])
        if m.type in _STOPS and not signed_before and m.date is not None:
            end = m.date.end
            later = [
                j
                for j in range(i + 1, len(out))
                if out[j].type in AGREEMENT_MILESTONES
                and out[j].date is not None
                and out[j].date.start <= end  # type: ignore[union-attr]
            ]
            if later:
                # after the agreement and after the events already moved behind it, so
                # that events moved past the same agreement keep their order
                at = later[-1] + 1
                while at < len(out) and id(out[at]) in moved:
                    at += 1
                moved.add(id(m))
                out.insert(at - 1, out.pop(i))
                continue  # the event now at i is the next one
        i += 1
    return out


def evaluation_date() -> PartialDate:
    """Today, or the day ``SOURCE_DATE_EPOCH`` names (for reproducible runs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        day = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    else:
        day = dt.date.today()
    return PartialDate.of_day(day)


@attrs.frozen
class Standing:
    """The partnership's standing at the reference date, from its lifecycle milestones.

    ``state`` is ``exploring``, ``loi``, ``signed``, ``suspended``, ``lapsed``
    or ``ended``; ``since`` the milestone that put it there (for ``lapsed`` by
    a term that ran out, the agreement whose term it was) and ``since_date``
    the date it began.  ``lapses`` counts lapses, recorded or by term;
    ``expires`` is the end of the term of the agreement in force, if known.
    """

    state: str
    since: tuple[Milestone, ...]
    since_date: When | None
    lapses: int
    expires: PartialDate | None
    sources: tuple[str, ...]


#: A recorded distance that differs from the great-circle distance by more
#: than this fraction of it is a dispute.
DISTANCE_TOLERANCE = 0.10


class _Sourced(Protocol):
    @property
    def sources(self) -> tuple[str, ...]: ...


def _ids(*groups: Iterable[_Sourced]) -> tuple[str, ...]:
    """The sorted, distinct source ids of every record in ``groups``."""
    return tuple(sorted({sid for group in groups for record in group for sid in record.sources}))


_R = TypeVar("_R", bound=attrs.AttrsInstance)


@functools.cache
def _key_names(cls: type[attrs.AttrsInstance], first: tuple[str, ...]) -> tuple[str, ...]:
    return (*first, *(a.name for a in attrs.fields(cls) if a.name not in first))


def _record_key(record: attrs.AttrsInstance, first: tuple[str, ...]) -> tuple[object, ...]:
    """Order records by the attributes ``first``, then by every other attribute:
    a total order, so derived facts never depend on the order of the case file."""
    return tuple(_any_key(getattr(record, name)) for name in _key_names(type(record), first))


def _any_key(value: object) -> tuple[object, ...]:
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, tuple):
        return (6, tuple(_any_key(item) for item in value))
    return _value_key(value)  # type: ignore[arg-type]


def _sorted(records: Sequence[_R], *first: str) -> tuple[_R, ...]:
    return tuple(sorted(records, key=lambda record: _record_key(record, first)))


class _Context:
    """One case, with its records sorted and the shared intermediate results."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.disputes: tuple[Dispute, ...] = ()
        self._dates: dict[MilestoneType, tuple[When | None, tuple[str, ...]]] = {}

    # -- sorted records ----------------------------------------------------

    @cached_property
    def milestones(self) -> tuple[Milestone, ...]:
        return _sorted(self.case.milestones, "date", "type")

    @cached_property
    def fields(self) -> tuple[CooperationField, ...]:
        return _sorted(self.case.fields, "name")

    @cached_property
    def activities(self) -> tuple[Activity, ...]:
        return _sorted(self.case.activities, "date", "kind")

    @cached_property
    def changes(self) -> tuple[LeadershipChange, ...]:
        return _sorted(self.case.leadership_changes, "date", "partner", "office")

    @cached_property
    def budget(self) -> tuple[BudgetLine, ...]:
        return _sorted(self.case.budget, "partner")

    @cached_property
    def institutions(self) -> tuple[Institution, ...]:
        return _sorted(self.case.institutions, "name", "kind")

    # -- milestone dates ---------------------------------------------------

    def records(self, *kinds: MilestoneType) -> tuple[Milestone, ...]:
        """The milestones of these kinds that happened (not those a source denies)."""
        return tuple(m for m in self.milestones if m.type in kinds and m.happened)

    def denied(self, *kinds: MilestoneType) -> tuple[Milestone, ...]:
        """Records of a source reporting that a milestone of these kinds did not happen."""
        return tuple(m for m in self.milestones if m.type in kinds and not m.happened)

    def milestone_date(self, kind: MilestoneType) -> tuple[When | None, tuple[str, ...]]:
        """The date of a milestone type and the sources of the records giving it.

        Several records of a once-only milestone whose dates cannot be the same
        day are a dispute: the earliest is used.  Records whose dates agree (one
        contains the other) yield the most precise date.  For other milestone
        types the earliest date is used.
        """
        if kind not in self._dates:
            self._dates[kind] = self._milestone_date(kind)
        return self._dates[kind]

    def _milestone_date(self, kind: MilestoneType) -> tuple[When | None, tuple[str, ...]]:
        records = [m for m in self.records(kind) if m.date is not None]
        if not records:
            return None, ()
        dates = sorted({m.date for m in records if m.date is not None}, key=date_key)
        agreeing = all(_overlap(a, b) for a, b in itertools.combinations(dates, 2))
        if kind in SINGLE_MILESTONES and agreeing:
            chosen = min(dates, key=lambda d: (d.end - d.start).days)  # the most precise
        else:
            chosen = dates[0]
        return chosen, _ids(m for m in records if m.date == chosen)

    @cached_property
    def signing(self) -> tuple[When | None, tuple[str, ...]]:
        candidates = [
            (date, ids)
            for date, ids in (
                self.milestone_date(MilestoneType.MOU),
                self.milestone_date(MilestoneType.AGREEMENT),
            )
            if date is not None
        ]
        if not candidates:
            return None, ()
        return min(candidates, key=lambda c: (date_key(c[0]), c[1]))

    @property
    def signed(self) -> When | None:
        return self.signing[0]

    @property
    def end(self) -> When | None:
        """When the partnership ended, if it stands ended at the reference date."""
        standing = self.standing
        return standing.since_date if standing.state == "ended" else None

    @cached_property
    def as_of(self) -> tuple[PartialDate, str, tuple[str, ...]]:
        """The reference date, its basis and the sources behind it.

        The case's ``as_of`` (``given``); else the latest date a source was
        published or accessed, or the latest date the case records if later
        (``sources``); else the date of the evaluation (``evaluation_date``).
        """
        if self.case.as_of is not None:
            return self.case.as_of, "given", ()
        source_dates = [
            (date, (s.id,))
            for s in self.case.sources
            for date in (s.published, s.accessed)
            if date is not None
        ]
        if not source_dates:
            return evaluation_date(), "evaluation_date", ()
        dated: list[tuple[PartialDate, tuple[str, ...]]] = [
            *source_dates,
            *((d, r.sources) for r, d in self.dated_records if d is not None),
            *((PartialDate(b.year), b.sources) for b in self.budget if b.year is not None),
        ]
        latest = max(date for date, _ in dated)
        ids = sorted({sid for date, srcs in dated if date == latest for sid in srcs})
        return latest, "sources", tuple(ids)

    @cached_property
    def dated_records(self) -> tuple[tuple[_Sourced, PartialDate | None], ...]:
        """Each dated record that happened with the latest date it may have."""
        records: list[tuple[_Sourced, When | None]] = [
            *((m, m.date) for m in self.milestones if m.happened),
            *((a, a.date) for a in self.activities),
            *((c, c.date) for c in self.changes),
            *((o, o.date) for o in self.case.outputs),
            *((x, x.date) for x in self.case.shocks),
        ]
        return tuple((r, _latest(d)) for r, d in records if d is not None)

    # -- lifecycle ---------------------------------------------------------

    @cached_property
    def standing(self) -> Standing:
        """Walk the lifecycle milestones in date order to the reference date."""
        events = _after_signing(
            sorted(
                (m for m in self.records(*_TIE_ORDER) if m.date is not None),
                key=lambda m: (date_key(m.date), _TIE_ORDER[m.type]),
            )
        )
        reference = self.as_of[0]
        state = "exploring"
        since: tuple[Milestone, ...] = ()
        since_date: When | None = None
        lapses = 0
        expires: PartialDate | None = None
        term_of: Milestone | None = None
        for m in events:
            assert m.date is not None
            if expires is not None and state == "signed" and expires.end < m.date.start:
                state, since, since_date = "lapsed", (term_of,) if term_of else (), expires
                lapses += 1
                expires = None
            kind = m.type
            if kind is MilestoneType.LOI:
                if state == "exploring":
                    state, since, since_date = "loi", (m,), m.date
            elif kind in AGREEMENT_MILESTONES:
                if state != "signed" or kind is MilestoneType.RENEWAL or m.term_years:
                    expires, term_of = _expiry(m), m
                if state != "signed":
                    state, since, since_date = "signed", (m,), m.date
            elif kind is MilestoneType.SUSPENDED:
                if state == "signed":
                    state, since, since_date = "suspended", (m,), m.date
            elif kind is MilestoneType.RESUMED:
                if state in ("suspended", "lapsed"):
                    state, since, since_date = "signed", (m,), m.date
            elif kind is MilestoneType.LAPSED:
                if state in ("signed", "suspended"):
                    state, since, since_date = "lapsed", (m,), m.date
                    lapses += 1
                    expires = None
            elif kind is MilestoneType.ENDED:
                if state != "ended":  # another record of the same end (a dispute): the earliest
                    state, since, since_date = "ended", (m,), m.date
                expires = None
        if (
            expires is not None
            and state in ("signed", "suspended")
            and expires.end < reference.start
        ):
            state, since, since_date = "lapsed", (term_of,) if term_of else (), expires
            lapses += 1
        ids = _ids(since)
        return Standing(state, since, since_date, lapses, expires, ids)

    @cached_property
    def carried_out(self) -> bool | None:
        """Evidence the agreement was carried out: a field implemented (in full or
        in part), an activity after the agreement date or undated, or an output.
        Not carried out only when the case records fields and none of them may
        have been (no field of unknown status) and nothing else shows it; unknown
        when the case records neither fields, activities nor outputs, or only
        fields of unknown status."""
        if self.working_fields or self.activity_evidence or self.case.outputs:
            return True
        known = [f for f in self.fields if f.status is not FieldStatus.UNKNOWN]
        if self.activities or (known and len(known) == len(self.fields)):
            return False
        return None

    @cached_property
    def working_fields(self) -> tuple[CooperationField, ...]:
        return tuple(
            f for f in self.fields if f.status in (FieldStatus.IMPLEMENTED, FieldStatus.PARTIAL)
        )

    @cached_property
    def activity_evidence(self) -> tuple[Activity, ...]:
        """Activities that show the agreement carried out: after it, or undated."""
        return tuple(a for a in self.activities if a.date is None or _after(a.date, self.signed))

    # -- leadership --------------------------------------------------------

    def during(self, change: LeadershipChange) -> bool | None:
        """The change came after the agreement and before the partnership ended;
        ``None`` when that is not known (no agreement date, or no date of the change)."""
        if self.signed is None or change.date is None:
            return None
        after = _after(change.date, self.signed)
        if not after:
            return None if _before(change.date, self.signed) is False else False
        end = self.end
        if end is None:
            return True
        before = _before(change.date, end)
        return True if before else None if _after(change.date, end) is False else False

    @cached_property
    def changes_during(self) -> tuple[LeadershipChange, ...]:
        return tuple(c for c in self.changes if self.during(c))

    def after_first_change(self, activity: Activity) -> bool | None:
        if not self.changes_during or activity.date is None:
            return None
        first = self.changes_during[0].date
        assert first is not None
        if _after(activity.date, first):
            return True
        return False if _before(activity.date, first) else None

    # -- distance ----------------------------------------------------------

    @cached_property
    def great_circle_km(self) -> float:
        partners = sorted(self.case.partners, key=lambda p: p.id)
        best = 0.0
        for a, b in itertools.combinations(partners, 2):
            line = Geodesic.WGS84.Inverse(
                a.location.lat, a.location.lon, b.location.lat, b.location.lon
            )
            best = max(best, float(line["s12"]) / 1000)
        return round(best, 1)

    @cached_property
    def distance_disputed(self) -> bool:
        recorded = self.case.distance
        if recorded is None:
            return False
        if self.great_circle_km == 0:
            return True
        return abs(recorded.km - self.great_circle_km) / self.great_circle_km > DISTANCE_TOLERANCE

    # -- evidence ----------------------------------------------------------

    @cached_property
    def sourced_records(self) -> tuple[_Sourced, ...]:
        case = self.case
        assessed = [
            getattr(case.assessments, name)
            for name in (
                "shared_values",
                "community_participation",
                "long_term_vision",
                "institutional_support",
            )
        ]
        return (
            *case.milestones,
            *case.fields,
            *case.activities,
            *case.leadership_changes,
            *case.budget,
            *case.institutions,
            *case.objectives,
            *case.outputs,
            *case.shocks,
            *case.programmes,
            *case.claims,
            *([case.distance] if case.distance is not None else []),
            *(a for a in assessed if a is not None),
        )

    @cached_property
    def cited(self) -> tuple[Source, ...]:
        ids = set(_ids(self.sourced_records))
        return tuple(sorted((s for s in self.case.sources if s.id in ids), key=lambda s: s.id))


def _expiry(milestone: Milestone) -> PartialDate | None:
    """When the term of an agreement ends: its last possible date plus the term."""
    if milestone.term_years is None or milestone.date is None:
        return None
    last = milestone.date.end
    if last == dt.date.max:
        return None
    days = round(milestone.term_years * _DAYS_PER_YEAR)
    try:
        return PartialDate.of_day(last + dt.timedelta(days=days))
    except OverflowError:
        return None
