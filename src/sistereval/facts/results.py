"""What :func:`~sistereval.facts.derive` returns: :class:`Facts`, with its disputes.

Read-only values, JSON-able through ``to_dict``; nothing here computes a fact.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import TypeAlias

import attrs

from ..model import PartialDate, Source, SourceKind

__all__ = ["Alternative", "Dispute", "FactValue", "Facts"]

#: The value of one fact, or of one attribute of a collection item.
FactValue: TypeAlias = bool | int | float | str | PartialDate | tuple[str, ...] | None


def _proxy(mapping: Mapping[str, FactValue]) -> Mapping[str, FactValue]:
    return types.MappingProxyType(dict(mapping))


def _proxy_collections(
    mapping: Mapping[str, Iterable[Mapping[str, FactValue]]],
) -> Mapping[str, tuple[Mapping[str, FactValue], ...]]:
    return types.MappingProxyType(
        {name: tuple(_proxy(item) for item in items) for name, items in mapping.items()}
    )


def _proxy_sources(mapping: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return types.MappingProxyType({name: tuple(ids) for name, ids in mapping.items()})


def _proxy_catalog(mapping: Mapping[str, Source]) -> Mapping[str, Source]:
    return types.MappingProxyType(dict(mapping))


def _str_tuple(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(ids)


def _alternatives(alternatives: Iterable[Alternative]) -> tuple[Alternative, ...]:
    return tuple(alternatives)


def _disputes(disputes: Iterable[Dispute]) -> tuple[Dispute, ...]:
    return tuple(disputes)


def json_value(value: FactValue) -> object:
    """A fact's value as JSON data (a date as its text, a tuple as a list)."""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


@attrs.frozen(kw_only=True)
class Alternative:
    """One value sources give for a disputed fact, with those sources."""

    value: FactValue
    sources: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    def to_dict(self) -> dict[str, object]:
        return {"value": json_value(self.value), "sources": list(self.sources)}


@attrs.frozen(kw_only=True)
class Dispute:
    """Sources disagree about ``fact``; ``chosen`` is the value the facts use."""

    fact: str
    chosen: FactValue
    alternatives: tuple[Alternative, ...] = attrs.field(converter=_alternatives)
    note: str

    def to_dict(self) -> dict[str, object]:
        return {
            "fact": self.fact,
            "chosen": json_value(self.chosen),
            "alternatives": [alt.to_dict() for alt in self.alternatives],
            "note": self.note,
        }


@attrs.frozen(kw_only=True)
class Facts:
    """The derived facts of one case (see :data:`FACT_SCHEMA`).

    ``scalars`` holds every scalar fact of the schema (``None`` when unknown);
    ``collections`` every collection, its items as read-only mappings;
    ``sources`` the source ids behind every scalar and behind every item
    (keyed ``activities[3]``); ``catalog`` the case's sources by id.
    """

    case_id: str
    scalars: Mapping[str, FactValue] = attrs.field(converter=_proxy)
    collections: Mapping[str, tuple[Mapping[str, FactValue], ...]] = attrs.field(
        converter=_proxy_collections
    )
    sources: Mapping[str, tuple[str, ...]] = attrs.field(converter=_proxy_sources)
    disputes: tuple[Dispute, ...] = attrs.field(default=(), converter=_disputes)
    catalog: Mapping[str, Source] = attrs.field(factory=dict, converter=_proxy_catalog)

    def source_kinds(self, fact: str) -> tuple[str, ...]:
        """The distinct kinds (``news``, ``official``...) of the sources behind ``fact``."""
        kinds = {
            str(self.catalog[sid].kind) for sid in self.sources.get(fact, ()) if sid in self.catalog
        }
        return tuple(kind.value for kind in SourceKind if kind.value in kinds)

    def dispute(self, fact: str) -> Dispute | None:
        """The dispute about ``fact``, if sources disagree about it."""
        for dispute in self.disputes:
            if dispute.fact == fact:
                return dispute
        return None

    def to_dict(self) -> dict[str, object]:
        """A JSON-able form: dates as ISO strings (``"2016-12"``), lists as lists."""
        return {
            "case": self.case_id,
            "scalars": {name: json_value(value) for name, value in self.scalars.items()},
            "collections": {
                name: [{key: json_value(value) for key, value in item.items()} for item in items]
                for name, items in self.collections.items()
            },
            "sources": {name: list(ids) for name, ids in self.sources.items()},
            "disputes": [dispute.to_dict() for dispute in self.disputes],
        }
