"""The types of the fact schema: every name a rule may use, its type and meaning.

The schema itself is built by :mod:`sistereval.facts` next to the code that
computes each fact; the rule language type-checks conditions against it.  The
``findings`` collection, which the rules themselves fill, is defined here
(:func:`findings_collection`), once for the type checker and both evaluators.
"""

from __future__ import annotations

import enum
import math
from typing import Final

import attrs

__all__ = [
    "FINDINGS",
    "FINDING_KINDS",
    "MAX_NUMBER",
    "SEVERITIES",
    "CollectionDef",
    "FactDef",
    "FactSchema",
    "FactType",
    "findings_collection",
    "number_too_large",
    "with_findings",
]

#: The largest magnitude of a number in a case file or a rule literal: 10^15, about where
#: floating point stops holding every whole number (2^53).  A larger number is refused at
#: load, located, so no evaluation, report or explanation meets an overflow.
MAX_NUMBER: Final = 10**15


def number_too_large(value: int | float) -> str | None:
    """Why ``value`` cannot be a number of a case or a rule (not finite, or larger in
    magnitude than :data:`MAX_NUMBER`), or None when it can.  The message never
    writes the number out (it may have thousands of digits)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if abs(value) <= MAX_NUMBER:
        return None
    shown = f" {value:.3g}" if isinstance(value, float) else ""
    return f"the number{shown} is too large: numbers are at most 10^15 in magnitude"


class FactType(enum.StrEnum):
    """The value types a fact can have.

    ``integer`` is also a number; ``date`` is a :class:`~sistereval.model.PartialDate`;
    ``enum`` is a string from ``FactDef.values``; ``list`` is a list of strings
    (of ``FactDef.values`` when those are given).
    """

    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    STRING = "string"
    DATE = "date"
    ENUM = "enum"
    LIST = "list"


@attrs.frozen(kw_only=True)
class FactDef:
    """One fact: ``name`` is dotted (``fields.implemented``), or a plain item
    attribute name inside a collection (``status``).

    A fact may be unknown for a given case (``None``); comparisons with an
    unknown value are false, see ``docs/rule-language.md``.
    """

    name: str
    type: FactType
    description: str
    values: tuple[str, ...] = ()
    unit: str | None = None
    changeable: bool = False

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name,
            "type": str(self.type),
            "description": self.description,
        }
        if self.values:
            out["values"] = list(self.values)
        if self.unit:
            out["unit"] = self.unit
        return out


@attrs.frozen(kw_only=True)
class CollectionDef:
    """A collection rules can quantify over: ``any(activities, kind == "visit")``."""

    name: str
    description: str
    items: tuple[FactDef, ...]

    def item(self, name: str) -> FactDef | None:
        for fact in self.items:
            if fact.name == name:
                return fact
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "items": [fact.to_dict() for fact in self.items],
        }


@attrs.frozen(kw_only=True)
class FactSchema:
    scalars: tuple[FactDef, ...]
    collections: tuple[CollectionDef, ...]

    def scalar(self, name: str) -> FactDef | None:
        for fact in self.scalars:
            if fact.name == name:
                return fact
        return None

    def collection(self, name: str) -> CollectionDef | None:
        for coll in self.collections:
            if coll.name == name:
                return coll
        return None

    def with_collection(self, coll: CollectionDef) -> FactSchema:
        """A schema extended by one collection (the rule language adds ``findings``)."""
        return attrs.evolve(self, collections=(*self.collections, coll))

    def to_dict(self) -> dict[str, object]:
        return {
            "scalars": [fact.to_dict() for fact in self.scalars],
            "collections": [coll.to_dict() for coll in self.collections],
        }


# ---------------------------------------------------------------- findings

#: What a finding can be: ``then: {finding: KIND, ...}``.
FINDING_KINDS: Final = ("strength", "obstacle", "risk", "compliance")
#: How much a finding weighs: ``then: {severity: SEVERITY, ...}``.
SEVERITIES: Final = ("low", "medium", "high")


def findings_collection(factors: tuple[str, ...] = ()) -> CollectionDef:
    """The ``findings`` collection rules can quantify over.

    ``factor`` is an enum of ``factors`` when they are given (a rule set's
    success factors and obstacle groups), else any string.
    """
    factor = (
        FactDef(
            name="factor",
            type=FactType.ENUM,
            values=factors,
            description="The success factor or obstacle group of the finding.",
        )
        if factors
        else FactDef(
            name="factor",
            type=FactType.STRING,
            description="The success factor or obstacle group of the finding.",
        )
    )
    return CollectionDef(
        name="findings",
        description="The findings of the rules of lower strata: one item per fired finding rule.",
        items=(
            FactDef(name="rule", type=FactType.STRING, description="The id of the rule."),
            FactDef(
                name="kind",
                type=FactType.ENUM,
                values=FINDING_KINDS,
                description="What the finding is.",
            ),
            factor,
            FactDef(
                name="severity",
                type=FactType.ENUM,
                values=SEVERITIES,
                description="How much the finding weighs.",
            ),
        ),
    )


#: The ``findings`` collection of any rule set (``factor`` any string): what the
#: evaluators use when a schema does not define ``findings``.
FINDINGS: Final = findings_collection()


def with_findings(schema: FactSchema, factors: tuple[str, ...] = ()) -> FactSchema:
    """``schema`` with the ``findings`` collection (replacing one it may already have)."""
    others = tuple(c for c in schema.collections if c.name != "findings")
    return attrs.evolve(schema, collections=(*others, findings_collection(factors)))
