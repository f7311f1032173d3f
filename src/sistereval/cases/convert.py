"""The cattrs converter between plain case data and the attrs model, both ways.

:data:`CONVERTER` builds a :class:`~sistereval.model.Case` from data the
checker (:mod:`.validate`) has accepted, and turns a case back into plain
data: enums as their values, dates as an integer year or an ISO string, lists
for tuples, and values that say nothing (``None``, empty lists, absent
assessments) left out, except the ``format`` line.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from ..dates import DateSpan, When, parse_when
from ..model import Case, PartialDate
from .hints import is_date, is_enum, is_tuple, type_hints

__all__ = ["CONVERTER"]


def _model_enums(cls: type) -> set[type[enum.Enum]]:
    """Every enum type used anywhere in the attrs class ``cls``."""
    found: set[type[enum.Enum]] = set()

    def visit(hint: Any) -> None:
        if is_enum(hint):
            found.add(hint)
        elif attrs.has(hint) and hint is not PartialDate:
            for inner in type_hints(hint).values():
                visit(inner)
        else:
            for arg in typing.get_args(hint):
                visit(arg)

    visit(cls)
    return found


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=False)
    converter.register_structure_hook(PartialDate, lambda value, _: PartialDate.parse(value))
    converter.register_unstructure_hook(PartialDate, PartialDate.to_json)
    converter.register_unstructure_hook(DateSpan, DateSpan.to_json)
    converter.register_structure_hook(When, lambda value, _: parse_when(value))
    converter.register_structure_hook(
        When | None, lambda value, _: None if value is None else parse_when(value)
    )
    # "unknown" is what a missing value means (cases.validate accepted it).
    converter.register_structure_hook(
        bool | None, lambda value, _: None if value is None or value == "unknown" else value
    )
    # The model's enums are str subclasses, which cattrs would pass through
    # as they are; a case file holds their plain values.
    for cls in _model_enums(Case):
        converter.register_structure_hook(cls, lambda value, cls: cls(value))
        converter.register_unstructure_hook(cls, _enum_value)
    converter.register_unstructure_hook_func(
        is_tuple,
        lambda items: [converter.unstructure(item) for item in items],
    )
    # A claim's value: checked already; a YAML date stands for its ISO text.
    converter.register_structure_hook(
        int | float | str | bool,
        lambda value, _: value.isoformat() if is_date(value) else value,
    )

    def unstructure_attrs(cls: type) -> Callable[[Any], dict[str, Any]]:
        # Omit what a reader would not miss (None, empty lists, default
        # assessments), but always write the format line.
        overrides: dict[str, Any] = (
            {"format": override(omit_if_default=False)} if cls is Case else {}
        )
        return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)

    converter.register_unstructure_hook_factory(attrs.has, unstructure_attrs)
    return converter


CONVERTER = _make_converter()
