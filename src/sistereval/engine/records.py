"""Fact encoding: a case's values as the JSON properties of the facts the engine asserts.

Each fact of the schema, and each attribute of a collection's items, is a
:class:`Field` with a slot (:class:`~sistereval.engine.compile.Slot`) and a
property name (``s3``, ``a1``), generated so no user name can clash with
durable's ``id``/``sid``.  :func:`encode` checks every known value against its
declared type and writes, for the fields some compiled fact carries, its
properties (with :mod:`~sistereval.engine.values`): a number ``"s3":2.0``, a
date as year, month number and ordinal day (``"s5y"``, ``"s5m"``, ``"s5d"``, each
only when known), a list as an array and its length (``"a1"``, ``"a1n"``), a
lower-cased copy for ``imatches`` (``"s2l"``), and the matches computed in Python
(``"g4"``).  Unknown values are left out.  :func:`check` type-checks the items
no rule reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import attrs

from .. import ir
from ..errors import EvaluationError
from ..model import PartialDate
from ..schema import FactDef, FactType
from .compile import MatchAtom, Slot, SlotKind
from .values import EXACT, month_number, number, string
from .wellformed import is_text

__all__ = ["Encoded", "Field", "Prepared", "check", "encode", "fields_of"]

Encoded = dict[Slot, str]  # slot -> its JSON properties ("" when unknown)


@attrs.frozen
class Prepared:
    """One case encoded for the engine: its scalars and the items the rules read."""

    scalars: Encoded
    collections: dict[str, list[Encoded]]


@attrs.frozen
class Field:
    """How one fact (or item attribute) of the schema is encoded."""

    slot: Slot  # a scalar or an attribute
    name: str
    vtype: ir.ValueType
    declared: FactType
    carried: bool  # some fact type carries it; otherwise it is only type-checked
    lowered: Slot | None  # its lower-cased copy, when some fact type carries that
    atoms: tuple[tuple[Slot, MatchAtom], ...]  # the matches precomputed on it
    prop: str = attrs.field(init=False)  # its property name, "s3" or "a1"
    lowered_prop: str = attrs.field(init=False)  # "s3l"

    @prop.default
    def _prop(self) -> str:
        return self.slot.prop

    @lowered_prop.default
    def _lowered_prop(self) -> str:
        return "" if self.lowered is None else self.lowered.prop


def fields_of(
    facts: Sequence[FactDef],
    kind: SlotKind,
    slots: frozenset[Slot] | set[Slot],
    atoms: Sequence[MatchAtom],
    collection: str | None,
) -> tuple[Field, ...]:
    """The fields of ``facts`` (``kind`` SCALAR: the scalars; ATTRIBUTE: the attributes
    of ``collection``'s items), given the ``slots`` compiled facts carry and the ``atoms``."""
    out = []
    for i, fact in enumerate(facts):
        slot = Slot(kind, i)
        lowered = slot.lowered()
        out.append(
            Field(
                slot=slot,
                name=fact.name,
                vtype=ir.FACT_VALUE_TYPES[fact.type],
                declared=fact.type,
                carried=slot in slots,
                lowered=lowered if lowered in slots else None,
                atoms=tuple(
                    (Slot(SlotKind.MATCH, n), atom)
                    for n, atom in enumerate(atoms)
                    if atom.source == slot and atom.collection == collection
                ),
            )
        )
    return tuple(out)


def _where(collection: str | None, index: int | None) -> str:
    """The prefix naming an item's attributes in messages (``activities[2].``)."""
    if collection is None:
        return ""
    return f"{collection}." if index is None else f"{collection}[{index}]."


def encode(
    fields: Sequence[Field],
    values: Mapping[str, object],
    collection: str | None,
    index: int | None,
) -> Encoded:
    """The JSON properties of known values, each checked against its declared type."""
    out: Encoded = {}
    get = values.get
    for field in fields:
        value = get(field.name)
        if value is None:
            continue
        if field.carried:
            out[field.slot] = _fragment(field, value, collection, index)
        elif not _CHECKS[field.vtype](value):
            raise _wrong_type(field, value, collection, index)
        if isinstance(value, str):
            if field.lowered is not None:
                out[field.lowered] = f'"{field.lowered_prop}":{string(value.lower())}'
            for slot, atom in field.atoms:
                out[slot] = _match(slot, atom, value)
    return out


def check(
    fields: Sequence[Field], values: Mapping[str, object], collection: str, index: int
) -> None:
    """Type-check the values no rule reads."""
    get = values.get
    for field in fields:
        value = get(field.name)
        if value is not None and not _CHECKS[field.vtype](value):
            raise _wrong_type(field, value, collection, index)


def _wrong_type(
    field: Field, value: object, collection: str | None, index: int | None
) -> EvaluationError:
    where = _where(collection, index)
    return EvaluationError(
        f"fact {where + field.name!r} should be a {field.declared}, not {value!r}"
    )


def _finite_number(value: object) -> bool:
    if type(value) is int and -EXACT < value < EXACT:
        return True
    if type(value) is float:
        return value - value == 0.0  # false for inf and nan
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _text(value: object) -> bool:
    return isinstance(value, str) and (value.isascii() or is_text(value))


def _texts(value: object) -> bool:
    return isinstance(value, (tuple, list)) and all(_text(x) for x in value)


_CHECKS: Final[dict[ir.ValueType, Callable[[object], bool]]] = {
    ir.ValueType.NUMBER: _finite_number,
    ir.ValueType.BOOLEAN: lambda value: value is True or value is False,
    ir.ValueType.STRING: _text,
    ir.ValueType.DATE: lambda value: isinstance(value, PartialDate),
    ir.ValueType.LIST: _texts,
}


def _fragment(field: Field, value: object, collection: str | None, index: int | None) -> str:
    """The JSON properties of one known value, checked against its declared type."""
    kind = field.vtype
    prop = field.prop
    try:
        if kind is ir.ValueType.NUMBER:
            if type(value) is int and -EXACT < value < EXACT:
                return f'"{prop}":{value}.0'  # what number() gives, sooner
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return f'"{prop}":{number(value)}'
        elif kind is ir.ValueType.BOOLEAN:
            if value is True or value is False:
                return f'"{prop}":{"true" if value else "false"}'
        elif kind is ir.ValueType.STRING:
            if isinstance(value, str):
                return f'"{prop}":{string(value)}'
        elif kind is ir.ValueType.DATE:
            if isinstance(value, PartialDate):
                text = f'"{prop}y":{value.year}.0'
                if value.month is not None:
                    text += f',"{prop}m":{month_number(value)}.0'
                if value.day is not None:
                    text += f',"{prop}d":{value.start.toordinal()}.0'
                return text
        elif isinstance(value, (tuple, list)) and all(isinstance(x, str) for x in value):
            items = ",".join(string(x) for x in value)
            return f'"{prop}":[{items}],"{prop}n":{len(value)}.0'
    except (EvaluationError, OverflowError) as error:
        where = _where(collection, index)
        raise EvaluationError(f"fact {where + field.name!r}: {error}") from error
    raise _wrong_type(field, value, collection, index)


def _match(slot: Slot, atom: MatchAtom, value: str) -> str:
    """The property of a precomputed match on ``value``."""
    subject = value.lower() if atom.ignore_case else value
    return f'"{slot.prop}":{"true" if atom.glob.fullmatch(subject) else "false"}'
