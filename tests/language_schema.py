"""A small fact schema for the rule-language tests (independent of ``sistereval.facts``)."""

from __future__ import annotations

from sistereval.schema import CollectionDef, FactDef, FactSchema, FactType


def _fact(name: str, type: FactType, *values: str) -> FactDef:
    return FactDef(name=name, type=type, description=f"The test fact {name}.", values=values)


KINDS = ("sister_city", "friendship", "sister_province", "other")
PARTICIPANTS = ("government", "business", "education", "civil_society", "youth")

SCHEMA = FactSchema(
    scalars=(
        _fact("fields.agreed", FactType.INTEGER),
        _fact("fields.implemented", FactType.INTEGER),
        _fact("fields.implementation_ratio", FactType.NUMBER),
        _fact("partnership.kind", FactType.ENUM, *KINDS),
        _fact("partnership.start", FactType.DATE),
        _fact("partnership.ended", FactType.BOOLEAN),
        _fact("partnership.name", FactType.STRING),
        _fact("distance.km", FactType.NUMBER),
        _fact("budget.earmarked", FactType.BOOLEAN),
        _fact("sectors.participating", FactType.LIST, *PARTICIPANTS),
        _fact("disputes.facts", FactType.LIST),
    ),
    collections=(
        CollectionDef(
            name="activities",
            description="Recorded activities.",
            items=(
                _fact("kind", FactType.ENUM, "visit", "exchange", "training", "event"),
                _fact("date", FactType.DATE),
                _fact("participants", FactType.LIST, *PARTICIPANTS),
                _fact("field", FactType.STRING),
                _fact("people", FactType.INTEGER),
            ),
        ),
        CollectionDef(
            name="leadership_changes",
            description="Changes of office holders.",
            items=(
                _fact("office", FactType.STRING),
                _fact("during_partnership", FactType.BOOLEAN),
                _fact("date", FactType.DATE),
            ),
        ),
    ),
)
