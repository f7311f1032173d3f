"""Case edits that move one derived fact, for checking ``monotone`` invariants.

A rule file's ``monotone: FACT`` names a *derived* fact (``fields.implemented``
counts the fields whose status is ``implemented``), but a case is made of
records.  To raise or lower the fact, ``sistereval check`` edits one record of
a case, "other things equal": :data:`EDITS` lists, per fact, the one-record
edits that can move it.  :func:`moves` applies them to a case and keeps those
that moved the fact the asked way (both values known), so a table entry may
propose edits loosely.  A fact without an entry cannot be checked
(``sistereval check`` says so); docs/checking.md lists the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from ..dates import PartialDate
from ..facts import ANCHOR_KINDS, derive
from ..model import (
    Activity,
    ActivityKind,
    Case,
    FieldStatus,
    Institution,
    InstitutionKind,
    Milestone,
    MilestoneType,
)

__all__ = ["EDITS", "Edit", "Move", "moves"]

#: An edit: ``(what was changed, the edited case)`` for each way to apply it.
Edit = Callable[[Case], Iterator[tuple[str, Case]]]


@attrs.frozen
class Move:
    """One edit that moved the fact: from ``before`` to ``after``."""

    change: str
    case: Case
    before: object
    after: object


def _field_status(status: FieldStatus, *, to: bool) -> Edit:
    """Set a field's status to ``status`` (``to``), or from it to ``not_implemented``."""

    def edit(case: Case) -> Iterator[tuple[str, Case]]:
        for i, field in enumerate(case.fields):
            if (field.status is status) == to:
                continue
            new = status if to else FieldStatus.NOT_IMPLEMENTED
            fields = list(case.fields)
            fields[i] = attrs.evolve(field, status=new)
            yield f"fields[{i}].status: {field.status} -> {new}", attrs.evolve(case, fields=fields)

    return edit


def _budget(attribute: str, value: bool | None) -> Edit:
    """Set ``attribute`` of one budget line to ``value``."""

    def edit(case: Case) -> Iterator[tuple[str, Case]]:
        for i, line in enumerate(case.budget):
            old = getattr(line, attribute)
            if old == value:
                continue
            budget = list(case.budget)
            budget[i] = attrs.evolve(line, **{attribute: value})  # type: ignore[arg-type]
            change = f"budget[{i}].{attribute}: {_text(old)} -> {_text(value)}"
            yield change, attrs.evolve(case, budget=budget)

    return edit


def _continuity(value: bool) -> Edit:
    def edit(case: Case) -> Iterator[tuple[str, Case]]:
        for i, change in enumerate(case.leadership_changes):
            if change.continuity is value:
                continue
            changes = list(case.leadership_changes)
            changes[i] = attrs.evolve(change, continuity=value)
            old = _text(change.continuity)
            text = f"leadership_changes[{i}].continuity: {old} -> {_text(value)}"
            yield text, attrs.evolve(case, leadership_changes=changes)

    return edit


_ANCHOR = min(kind for kind in InstitutionKind if kind in ANCHOR_KINDS)


def _add_anchor(case: Case) -> Iterator[tuple[str, Case]]:
    for partner in case.partners:
        anchor = Institution(name="added anchor", kind=_ANCHOR, partner=partner.id)
        text = f"institutions: added a {_ANCHOR} of partner {partner.id!r}"
        yield text, attrs.evolve(case, institutions=(*case.institutions, anchor))


def _drop_anchor(case: Case) -> Iterator[tuple[str, Case]]:
    for i, institution in enumerate(case.institutions):
        if institution.kind in ANCHOR_KINDS:
            kept = case.institutions[:i] + case.institutions[i + 1 :]
            yield f"institutions[{i}]: removed", attrs.evolve(case, institutions=kept)


def _reference_date(case: Case) -> PartialDate | None:
    """The date ``case`` is judged at (``partnership.as_of``): an added record dated
    then is the latest one and never after the reference date."""
    day = derive(case).scalars.get("partnership.as_of")
    return day if isinstance(day, PartialDate) else None


def _add_renewal(case: Case) -> Iterator[tuple[str, Case]]:
    day = _reference_date(case)
    if day is not None:
        renewal = Milestone(type=MilestoneType.RENEWAL, date=day)
        text = f"milestones: added a renewal dated {day}"
        yield text, attrs.evolve(case, milestones=(*case.milestones, renewal))


_ACTIVITY = ActivityKind.VISIT


def _add_activity(case: Case) -> Iterator[tuple[str, Case]]:
    day = _reference_date(case)
    if day is not None:
        activity = Activity(kind=_ACTIVITY, date=day)
        text = f"activities: added a {_ACTIVITY} dated {day}"
        yield text, attrs.evolve(case, activities=(*case.activities, activity))


def _drop_activity(case: Case) -> Iterator[tuple[str, Case]]:
    for i in range(len(case.activities)):
        kept = case.activities[:i] + case.activities[i + 1 :]
        yield f"activities[{i}]: removed", attrs.evolve(case, activities=kept)


def _drop_renewal(case: Case) -> Iterator[tuple[str, Case]]:
    for i, milestone in enumerate(case.milestones):
        if milestone.type is MilestoneType.RENEWAL:
            kept = case.milestones[:i] + case.milestones[i + 1 :]
            yield f"milestones[{i}]: removed", attrs.evolve(case, milestones=kept)


def _text(value: object) -> str:
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


_IMPLEMENT = _field_status(FieldStatus.IMPLEMENTED, to=True)
_UNIMPLEMENT = _field_status(FieldStatus.IMPLEMENTED, to=False)
_EARMARK = _budget("earmarked", True)
_UNEARMARK = _budget("earmarked", False)

#: ``(fact, "up" | "down")`` -> the edits that may move the fact that way.
EDITS: dict[tuple[str, str], tuple[Edit, ...]] = {
    ("fields.implemented", "up"): (_IMPLEMENT,),
    ("fields.implemented", "down"): (_UNIMPLEMENT,),
    ("fields.implementation_ratio", "up"): (_IMPLEMENT,),
    ("fields.implementation_ratio", "down"): (_UNIMPLEMENT,),
    ("budget.earmarked_partners", "up"): (_EARMARK,),
    ("budget.earmarked_partners", "down"): (_UNEARMARK,),
    ("budget.all_earmarked", "up"): (_EARMARK,),
    ("budget.all_earmarked", "down"): (_UNEARMARK,),
    ("budget.inadequate_partners", "up"): (_budget("adequate", False),),
    ("budget.inadequate_partners", "down"): (_budget("adequate", True), _budget("adequate", None)),
    ("leadership.changes_without_continuity", "up"): (_continuity(False),),
    ("leadership.changes_without_continuity", "down"): (_continuity(True),),
    ("institutions.anchors", "up"): (_add_anchor,),
    ("institutions.anchors", "down"): (_drop_anchor,),
    ("institutions.anchor_sides", "up"): (_add_anchor,),
    ("institutions.anchor_sides", "down"): (_drop_anchor,),
    # A renewal, or an activity, at the reference date: the latest record, so it
    # may also move the stage (a lapsed or ended agreement renewed, an MoU
    # carried out for the first time).
    ("partnership.renewals", "up"): (_add_renewal,),
    ("partnership.renewals", "down"): (_drop_renewal,),
    ("leadership.activity_after_change", "up"): (_add_activity,),
    ("leadership.activity_after_change", "down"): (_drop_activity,),
}


def moves(case: Case, fact: str, direction: str) -> list[Move]:
    """The one-record edits of ``case`` that move ``fact`` ``direction`` ("up" or "down")."""
    before = derive(case).scalars.get(fact)
    if before is None:
        return []
    out: list[Move] = []
    for edit in EDITS.get((fact, direction), ()):
        for change, edited in edit(case):
            after = derive(edited).scalars.get(fact)
            if after is None or after == before:
                continue
            if (after > before) == (direction == "up"):  # type: ignore[operator]
                out.append(Move(change, edited, before, after))
    return out
