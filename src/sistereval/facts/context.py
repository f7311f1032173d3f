"""The per-case context: one case's records, sorted, and the results several measures share.

:class:`_Context` holds the sorted records, the milestone dates (with the rule
for disputed once-only milestones), the agreement and reference dates, the
leadership changes during the partnership, the great-circle distance and the
cited sources.  Every measure reads the case through it, so each of these is
computed once per case.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Protocol, TypeVar

import attrs
from geographiclib.geodesic import Geodesic

from ..model import (
    SINGLE_MILESTONES,
    Activity,
    BudgetLine,
    Case,
    CooperationField,
    Institution,
    LeadershipChange,
    Milestone,
    MilestoneType,
    PartialDate,
    Source,
)
from .results import Dispute
from .values import _after, _before, _overlap, _value_key

__all__ = ["DISTANCE_TOLERANCE"]

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
        self._dates: dict[MilestoneType, tuple[PartialDate | None, tuple[str, ...]]] = {}

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
        return tuple(m for m in self.milestones if m.type in kinds)

    def milestone_date(self, kind: MilestoneType) -> tuple[PartialDate | None, tuple[str, ...]]:
        """The date of a milestone type and the sources of the records giving it.

        Several records of a once-only milestone whose dates cannot be the same
        day are a dispute: the earliest is used.  Records whose dates agree (one
        contains the other) yield the most precise date.  For other milestone
        types the earliest date is used.
        """
        if kind not in self._dates:
            self._dates[kind] = self._milestone_date(kind)
        return self._dates[kind]

    def _milestone_date(self, kind: MilestoneType) -> tuple[PartialDate | None, tuple[str, ...]]:
        records = self.records(kind)
        if not records:
            return None, ()
        dates = sorted({m.date for m in records})
        agreeing = all(_overlap(a, b) for a, b in itertools.combinations(dates, 2))
        if kind in SINGLE_MILESTONES and agreeing:
            chosen = min(dates, key=lambda d: (d.end - d.start).days)  # the most precise
        else:
            chosen = dates[0]
        return chosen, _ids(m for m in records if m.date == chosen)

    @cached_property
    def signing(self) -> tuple[PartialDate | None, tuple[str, ...]]:
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
        return min(candidates, key=lambda c: (c[0].sort_key(), c[1]))

    @property
    def signed(self) -> PartialDate | None:
        return self.signing[0]

    @property
    def end(self) -> PartialDate | None:
        return self.milestone_date(MilestoneType.ENDED)[0]

    @cached_property
    def as_of(self) -> tuple[PartialDate | None, str, tuple[str, ...]]:
        """The reference date, its basis and the sources behind it."""
        if self.case.as_of is not None:
            return self.case.as_of, "given", ()
        end, end_ids = self.milestone_date(MilestoneType.ENDED)
        if end is not None:
            return end, "ended", end_ids
        dated: list[tuple[PartialDate, tuple[str, ...]]] = [
            *((m.date, m.sources) for m in self.milestones),
            *((a.date, a.sources) for a in self.activities),
            *((c.date, c.sources) for c in self.changes),
            *((PartialDate(b.year), b.sources) for b in self.budget if b.year is not None),
        ]
        if not dated:
            return None, "none", ()
        latest = max(date for date, _ in dated)
        ids = sorted({sid for date, srcs in dated if date == latest for sid in srcs})
        return latest, "latest_record", tuple(ids)

    # -- leadership --------------------------------------------------------

    def during(self, change: LeadershipChange) -> bool | None:
        if self.signed is None:
            return None
        if not _after(change.date, self.signed):
            return False
        return self.end is None or bool(_before(change.date, self.end))

    @cached_property
    def changes_during(self) -> tuple[LeadershipChange, ...]:
        return tuple(c for c in self.changes if self.during(c))

    def after_first_change(self, activity: Activity) -> bool | None:
        if not self.changes_during:
            return None
        return _after(activity.date, self.changes_during[0].date)

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
            *case.claims,
            *([case.distance] if case.distance is not None else []),
            *(a for a in assessed if a is not None),
        )

    @cached_property
    def cited(self) -> tuple[Source, ...]:
        ids = set(_ids(self.sourced_records))
        return tuple(sorted((s for s in self.case.sources if s.id in ids), key=lambda s: s.id))
