"""The registry: each measure is a small function registered with its definition.

A module that defines measures keeps a :class:`_Registry` of them:
``@_scalar(name, type, description)`` (``_REGISTRY.scalar``) registers a
function computing one scalar fact from the :class:`~.context._Context` of a
case, ``@_collection(name, description, *items)`` one computing a
collection's items; ``_REGISTRY.relation(...)`` declares a relation between
measures (``fields.implemented + fields.partial + ... == fields.agreed``) next
to them, as ``minimum``/``maximum`` declare a measure's range.
:mod:`.schema` builds the schema from these registries, so what rules are
type-checked against (and what ``docs/facts.md`` documents) is the very code
that computes the facts and cannot drift from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import attrs

from ..schema import CollectionDef, FactDef, FactType, Relation
from .context import _Context
from .results import FactValue


@attrs.frozen
class _Out:
    value: FactValue
    sources: tuple[str, ...] = ()


_Item = tuple[dict[str, FactValue], tuple[str, ...]]


@attrs.frozen
class _Scalar:
    fact: FactDef
    compute: Callable[[_Context], _Out]
    late: bool  # computed after the disputes are known


@attrs.frozen
class _Collection:
    coll: CollectionDef
    compute: Callable[[_Context], list[_Item]]


_F = TypeVar("_F", bound=Callable[[_Context], _Out])
_G = TypeVar("_G", bound=Callable[[_Context], list[_Item]])


@attrs.define
class _Registry:
    """The measures and collections one module defines, in the order it defines them.

    Each measure module has its own (``_scalar = _REGISTRY.scalar``); the schema
    joins them in its order, so that order does not depend on the order of imports.
    """

    scalars: list[_Scalar] = attrs.field(factory=list)
    collections: list[_Collection] = attrs.field(factory=list)
    relations: list[Relation] = attrs.field(factory=list)

    def scalar(
        self,
        name: str,
        type: FactType,
        description: str,
        *,
        values: tuple[str, ...] = (),
        unit: str | None = None,
        changeable: bool = False,
        late: bool = False,
        minimum: int | float | None = None,
        maximum: int | float | None = None,
        range_note: str = "",
    ) -> Callable[[_F], _F]:
        fact = FactDef(
            name=name,
            type=type,
            description=description,
            values=values,
            unit=unit,
            changeable=changeable,
            minimum=minimum,
            maximum=maximum,
            range_note=range_note,
        )

        def register(compute: _F) -> _F:
            self.scalars.append(_Scalar(fact, compute, late))
            return compute

        return register

    def relation(
        self, kind: str, parts: tuple[str, ...], total: str, op: str = "==", note: str = ""
    ) -> None:
        """Declare that ``parts`` sum to at most / exactly ``total`` (``kind`` ``"sum"``), or
        that ``total`` is ``parts[0] / parts[1]`` (``"ratio"``): see :class:`Relation`."""
        self.relations.append(Relation(kind=kind, parts=parts, total=total, op=op, note=note))

    def collection(self, name: str, description: str, *items: FactDef) -> Callable[[_G], _G]:
        coll = CollectionDef(name=name, description=description, items=items)

        def register(compute: _G) -> _G:
            self.collections.append(_Collection(coll, compute))
            return compute

        return register


def _attr(
    name: str,
    type: FactType,
    description: str,
    *,
    values: tuple[str, ...] = (),
    unit: str | None = None,
    changeable: bool = False,
) -> FactDef:
    return FactDef(
        name=name,
        type=type,
        description=description,
        values=values,
        unit=unit,
        changeable=changeable,
    )


_INT, _NUM, _BOOL, _STR = FactType.INTEGER, FactType.NUMBER, FactType.BOOLEAN, FactType.STRING
_DATE, _ENUM, _LIST = FactType.DATE, FactType.ENUM, FactType.LIST
