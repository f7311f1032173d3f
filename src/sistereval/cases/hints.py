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

_NONE = type(None)
_UNION_ORIGINS = (typing.Union, types.UnionType)

# The classes behind attrs' public validator factories, so the model's
# validators can be read (for messages and for the JSON Schema) without
# naming attrs internals.
_AND: type[Any] = type(v.and_(v.instance_of(int), v.instance_of(int)))
_OPTIONAL: type[Any] = type(v.optional(v.instance_of(int)))
_INSTANCE_OF: type[Any] = type(v.instance_of(int))
_DEEP_ITERABLE: type[Any] = type(v.deep_iterable(v.instance_of(int)))
_NUMBER: type[Any] = type(v.ge(0))
_MATCHES_RE: type[Any] = type(v.matches_re(""))
_MIN_LEN: type[Any] = type(v.min_len(0))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _union_args(hint: Any) -> tuple[Any, ...] | None:
    return typing.get_args(hint) if typing.get_origin(hint) in _UNION_ORIGINS else None


def _is_tuple(hint: Any) -> bool:
    return typing.get_origin(hint) is tuple


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def _leaves(validator: Any) -> list[Any]:
    """The single validators inside ``and_`` / ``optional`` / lists."""
    if validator is None:
        return []
    if isinstance(validator, list | tuple):
        return [leaf for item in validator for leaf in _leaves(item)]
    if isinstance(validator, _AND):
        return _leaves(list(validator._validators))
    if isinstance(validator, _OPTIONAL):
        return _leaves(validator.validator)
    return [validator]


def _member_validator(validator: Any) -> Any:
    """The validator applied to each item of a tuple field, if any."""
    members = [
        leaf.member_validator for leaf in _leaves(validator) if isinstance(leaf, _DEEP_ITERABLE)
    ]
    return members or None


def _is_date(value: Any) -> bool:
    """A date as YAML reads ``2017-10-10``, not a date and time: a claim's value may be one."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
