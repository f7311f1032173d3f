"""FACT_SCHEMA: every scalar fact and collection a rule can use, as the measures register them.

The modules that define measures are joined here in the schema's order, which
is the order of ``docs/facts.md`` and of ``sistereval schema facts``.
"""

from __future__ import annotations

import types
from collections.abc import Mapping

from ..schema import FactDef, FactSchema
from . import evidence, items, measures, outcomes
from .registry import _Collection, _Scalar

__all__ = ["FACT_SCHEMA"]

#: Every measure, in the schema's order.
_SCALARS: tuple[_Scalar, ...] = (
    *measures._REGISTRY.scalars,
    *outcomes._REGISTRY.scalars,
    *evidence._REGISTRY.scalars,
)

#: Every collection, in the schema's order.
_COLLECTIONS: tuple[_Collection, ...] = tuple(items._REGISTRY.collections)

FACT_SCHEMA = FactSchema(
    scalars=tuple(s.fact for s in _SCALARS),
    collections=tuple(c.coll for c in _COLLECTIONS),
    relations=(*measures._REGISTRY.relations, *evidence._REGISTRY.relations),
)
"""Every scalar fact and collection a rule can use (documented in ``docs/facts.md``)."""

_BY_NAME: Mapping[str, FactDef] = types.MappingProxyType({f.name: f for f in FACT_SCHEMA.scalars})
_LATE = frozenset(s.fact.name for s in _SCALARS if s.late)
