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
    "Relation",
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
    unknown value are false, see ``docs/rule-language.md``.  A number fact
    may declare its range: ``minimum`` and ``maximum`` bound every known
    value (``sistereval check`` reasons with them, a property test checks
    them against the facts derived from generated cases); ``range_note``
    says on what the range rests when it is not evident.
    """

    name: str
    type: FactType
    description: str
    values: tuple[str, ...] = ()
    unit: str | None = None
    changeable: bool = False
    minimum: int | float | None = None
    maximum: int | float | None = None
    range_note: str = ""

    @property
    def range_text(self) -> str:
        """The declared range as a condition (``0 <= x <= 1``), or ``""`` without one."""
        low = "" if self.minimum is None else f"{_number(self.minimum)} <= "
        high = "" if self.maximum is None else f" <= {_number(self.maximum)}"
        return f"{low}{self.name}{high}" if low or high else ""

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
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.range_note:
            out["range_note"] = self.range_note
        return out


def _number(value: int | float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@attrs.frozen(kw_only=True)
class Relation:
    """A relation between scalar facts that holds in every case where they are all known.

    ``kind`` ``"sum"``: the facts ``parts`` add up to at most (``op`` ``"<="``)
    or exactly (``"=="``) the fact ``total``.  ``kind`` ``"ratio"``: ``total``
    is ``parts[0]`` divided by ``parts[1]`` (known only when ``parts[1]`` is
    above 0).  Declared with the measures; ``sistereval check`` reasons with
    them and a property test checks them against derived facts.
    """

    kind: str
    parts: tuple[str, ...]
    total: str
    op: str = "=="
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("sum", "ratio") or self.op not in ("<=", "=="):
            raise ValueError(f"bad relation {self.kind} {self.op}")
        if self.kind == "ratio" and (len(self.parts) != 2 or self.op != "=="):
            raise ValueError("a ratio relates one fact to two others with ==")

    @property
    def facts(self) -> tuple[str, ...]:
        return (*self.parts, self.total)

    @property
    def text(self) -> str:
        """The relation as a condition an analyst could write."""
        if self.kind == "ratio":
            return f"{self.total} == {self.parts[0]} / {self.parts[1]}"
        return f"{' + '.join(self.parts)} {self.op} {self.total}"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "parts": list(self.parts),
            "op": self.op,
            "total": self.total,
            "text": self.text,
        }
        if self.note:
            out["note"] = self.note
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
    """The scalar facts, the collections, and the relations declared between scalars."""

    scalars: tuple[FactDef, ...]
    collections: tuple[CollectionDef, ...]
    relations: tuple[Relation, ...] = ()

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
        out: dict[str, object] = {
            "scalars": [fact.to_dict() for fact in self.scalars],
            "collections": [coll.to_dict() for coll in self.collections],
        }
        if self.relations:
            out["relations"] = [relation.to_dict() for relation in self.relations]
        return out


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
