"""Dispute assembly: where the records or the claims disagree with a derived fact.

Three kinds of dispute are found (``docs/facts.md``, "Disputes"): records of a
once-only milestone whose dates cannot be the same day, a recorded distance
far from the great-circle distance, and claims that differ from the value
derived from the case.  The facts keep the chosen value; each dispute lists
every alternative with its sources.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import attrs

from ..model import SINGLE_MILESTONES, MilestoneType, PartialDate
from .claims import _claim_value
from .context import DISTANCE_TOLERANCE, _Context, _ids
from .results import Alternative, Dispute, FactValue, json_value
from .schema import _BY_NAME
from .values import _agree, _overlap, _same, _value_key

__all__ = ["MILESTONE_FACTS"]


@attrs.define
class _Draft:
    """A dispute being assembled: the chosen value and every alternative."""

    fact: str
    chosen: FactValue
    alternatives: list[tuple[FactValue, set[str]]] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def add(self, value: FactValue, sources: Iterable[str]) -> None:
        for known, ids in self.alternatives:
            if _same(known, value):
                ids.update(sources)
                return
        self.alternatives.append((value, set(sources)))

    def build(self) -> Dispute | None:
        if len(self.alternatives) < 2:
            return None
        alternatives = sorted(self.alternatives, key=lambda alt: _value_key(alt[0]))
        return Dispute(
            fact=self.fact,
            chosen=self.chosen,
            alternatives=tuple(
                Alternative(value=v, sources=tuple(sorted(ids))) for v, ids in alternatives
            ),
            note=" ".join(self.notes),
        )


#: The fact that holds the date of each once-only milestone.
MILESTONE_FACTS = {
    MilestoneType.LOI: "milestones.loi",
    MilestoneType.MOU: "milestones.mou",
    MilestoneType.AGREEMENT: "milestones.agreement",
    MilestoneType.ENDED: "partnership.end_date",
}


def _record_drafts(ctx: _Context, scalars: Mapping[str, FactValue]) -> dict[str, _Draft]:
    """Disputes found in the records: milestone dates and the distance."""
    drafts: dict[str, _Draft] = {}
    for kind in sorted(SINGLE_MILESTONES, key=str):
        records = ctx.records(kind)
        # approximate dates do not dispute an exact one: they are too vague to
        dates = sorted({m.date for m in records if isinstance(m.date, PartialDate)})
        if all(_overlap(a, b) for a, b in itertools.combinations(dates, 2)):
            continue
        fact = MILESTONE_FACTS[kind]
        # An end a later agreement undid leaves partnership.end_date unknown: the records
        # are still disputed, and the earliest is the one the lifecycle walk took.
        chosen = scalars[fact] if scalars[fact] is not None else dates[0]
        draft = drafts[fact] = _Draft(fact=fact, chosen=chosen)
        for date in dates:
            draft.add(date, _ids(m for m in records if m.date == date))
        shown = ", ".join(str(d) for d in dates)
        draft.notes.append(
            f"Records of the {kind} milestone give different dates ({shown}); the earliest is used."
        )
    recorded = ctx.case.distance
    if recorded is not None and ctx.distance_disputed:
        fact = "distance.great_circle_km"
        draft = drafts[fact] = _Draft(fact=fact, chosen=ctx.great_circle_km)
        draft.add(ctx.great_circle_km, ())
        draft.add(recorded.km, recorded.sources)
        draft.notes.append(
            f"The {recorded.method} distance of {recorded.km:g} km differs from the great-circle "
            f"distance of {ctx.great_circle_km:g} km by more than {DISTANCE_TOLERANCE:.0%}; "
            "the great-circle distance is used."
        )
    return drafts


def _assemble(
    ctx: _Context, scalars: Mapping[str, FactValue], sources: Mapping[str, set[str]]
) -> tuple[Dispute, ...]:
    """The disputes of the case, sorted by fact.

    ``scalars`` and ``sources`` hold every fact computed so far: all but the
    ``late`` ones, which count the disputes.  A claim that agrees with the
    derived value adds its sources to ``sources`` (and, when the fact is
    disputed anyway, to the derived value's alternative).
    """
    drafts = _record_drafts(ctx, scalars)
    claims = sorted(
        ctx.case.claims,
        key=lambda c: (c.fact, _value_key(_claim_value(_BY_NAME[c.fact], c.value)), c.sources),
    )
    for claim in claims:
        fact = _BY_NAME[claim.fact]
        value = _claim_value(fact, claim.value)
        derived = scalars[fact.name]
        draft = drafts.get(fact.name)
        if derived is not None and _agree(value, derived):
            sources[fact.name].update(claim.sources)
            if draft is not None:
                draft.add(derived, claim.sources)
            continue
        if draft is None:
            draft = drafts[fact.name] = _Draft(fact=fact.name, chosen=derived)
            draft.add(derived, sources[fact.name])
        draft.add(value, claim.sources)
        shown = "unknown" if derived is None else json_value(derived)
        default = f"A claim of {json_value(value)} differs from the value derived from the case"
        draft.notes.append(claim.note or f"{default} ({shown}).")
    return tuple(d for d in (draft.build() for _, draft in sorted(drafts.items())) if d is not None)
