"""What the attrs case model says about its data: type hints and validators.

The checker (:mod:`.validate`), the converter (:mod:`.convert`) and the JSON
Schema (:mod:`.schema`) all read the model, not a copy of it: these helpers
take a field's type hint apart (unions, tuples, enums) and list the single
validators attrs composed for it.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from typing import Any

from attrs import validators as v

__all__ = [
    "DEEP_ITERABLE",
    "INSTANCE_OF",
    "MATCHES_RE",
    "MIN_LEN",
    "NONE_TYPE",
    "NUMBER",
    "is_date",
    "is_enum",
    "is_tuple",
    "member_validator",
    "type_hints",
    "union_args",
    "validator_leaves",
]

NONE_TYPE = type(None)
_UNION_ORIGINS = (typing.Union, types.UnionType)

# The classes behind attrs' public validator factories, so the model's
# validators can be read (for messages and for the JSON Schema) without
# naming attrs internals.
_AND: type[Any] = type(v.and_(v.instance_of(int), v.instance_of(int)))
_OPTIONAL: type[Any] = type(v.optional(v.instance_of(int)))
INSTANCE_OF: type[Any] = type(v.instance_of(int))
DEEP_ITERABLE: type[Any] = type(v.deep_iterable(v.instance_of(int)))
NUMBER: type[Any] = type(v.ge(0))
MATCHES_RE: type[Any] = type(v.matches_re(""))
MIN_LEN: type[Any] = type(v.min_len(0))


@functools.cache
def type_hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of the attrs class ``cls``, read once."""
    return typing.get_type_hints(cls)


def union_args(hint: Any) -> tuple[Any, ...] | None:
    """The members of a union (``int | None`` -> ``(int, NoneType)``); ``None`` if no union."""
    return typing.get_args(hint) if typing.get_origin(hint) in _UNION_ORIGINS else None


def is_tuple(hint: Any) -> bool:
    """Whether ``hint`` is a ``tuple[...]``, which a case file writes as a list."""
    return typing.get_origin(hint) is tuple


def is_enum(hint: Any) -> bool:
    """Whether ``hint`` is an enum class, whose values are the allowed strings."""
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def validator_leaves(validator: Any) -> list[Any]:
    """The single validators inside ``and_`` / ``optional`` / lists."""
    if validator is None:
        return []
    if isinstance(validator, list | tuple):
        return [leaf for item in validator for leaf in validator_leaves(item)]
    if isinstance(validator, _AND):
        return validator_leaves(list(validator._validators))
    if isinstance(validator, _OPTIONAL):
        return validator_leaves(validator.validator)
    return [validator]


def member_validator(validator: Any) -> Any:
    """The validator applied to each item of a tuple field, if any."""
    members = [
        leaf.member_validator
        for leaf in validator_leaves(validator)
        if isinstance(leaf, DEEP_ITERABLE)
    ]
    return members or None


def is_date(value: Any) -> bool:
    """A date as YAML reads ``2017-10-10``, not a date and time: a claim's value may be one."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
