"""How values are written for durable_rules: the JSON of strings, numbers and dates.

* **Strings** go through an order-preserving map of every code point onto code
  points >= U+0080 (:func:`shift`): durable compares strings in their
  JSON-escaped form, so ``"a\\nb" < "a\\tb"`` there; the map leaves nothing to
  escape and nothing a pattern would read as an operator.
* **Numbers** are doubles, always with a decimal point and never in exponent
  notation (:func:`number`): durable's parser rejects ``1e+20``, and its
  integer arithmetic kills the process with SIGFPE on a division by zero.
* **Dates** are compared by year, month number (:func:`month_number`) and ordinal day.

:func:`dumps` writes the JSON of rules and tests, whose strings are property
names; values in it come already encoded, as :class:`Raw` (:func:`literal`).
"""

from __future__ import annotations

import decimal
from typing import Final

import attrs

from ..errors import EvaluationError
from ..model import PartialDate

__all__ = ["EXACT", "Raw", "dumps", "literal", "month_number", "number", "shift", "string"]

#: Integers below this in magnitude are exact doubles and print without an exponent.
EXACT: Final = 10**15


class _Shift(dict[int, str]):
    """``str.translate`` table of the order-preserving map onto code points >= U+0080.

    Code point ``c`` has rank ``c`` (minus the surrogates below it); rank ``r``
    maps to the ``r``-th code point from U+0080 that is neither a surrogate nor
    U+FFFE (durable's regex engine uses that one internally).
    """

    def __missing__(self, code: int) -> str:
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{code:04X}")
        value = (code - 0x800 if code > 0xDFFF else code) + 0x80
        if value >= 0xD800:
            value += 0x800
        if value >= 0xFFFE:
            value += 1
        if value > 0x10FFFF:
            raise ValueError(f"U+{code:04X} is beyond what the engine can encode")
        self[code] = chr(value)
        return self[code]


_SHIFT: Final = _Shift()


def shift(text: str) -> str:
    """``text`` with every code point mapped onto one >= U+0080, in the same order."""
    try:
        return text.translate(_SHIFT)
    except ValueError as error:
        raise EvaluationError(f"string {text!r} not supported: {error}") from error


def string(text: str) -> str:
    """The JSON of a string: shifted, so it needs no escaping at all."""
    return '"' + shift(text) + '"'


def number(value: float) -> str:
    """The JSON of a number: a double with a decimal point and no exponent."""
    text = repr(float(value))
    if "e" in text or "n" in text:  # exponent, inf, nan
        if "n" in text:
            raise EvaluationError(f"the number {value!r} is not finite")
        text = format(decimal.Decimal(text), "f")
    return text if "." in text else text + ".0"


def month_number(date: PartialDate) -> int:
    """The month number of a date that has a month: ``year * 12 + month - 1``."""
    assert date.month is not None
    return date.year * 12 + date.month - 1


@attrs.frozen
class Raw:
    """Already-encoded JSON."""

    text: str


def literal(value: object) -> Raw:
    """The JSON of a literal of a condition (a date is compared by its parts instead)."""
    if isinstance(value, bool):
        return Raw("true" if value else "false")
    if isinstance(value, (int, float)):
        return Raw(number(value))
    if isinstance(value, str):
        return Raw(string(value))
    raise TypeError(f"cannot encode literal {value!r}")


def dumps(obj: object) -> str:
    """JSON for durable (strings are property names; values come as :class:`Raw`)."""
    if isinstance(obj, Raw):
        return obj.text
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return number(obj)
    if isinstance(obj, str):
        return '"' + obj + '"'  # property names and tags: plain ASCII
    if isinstance(obj, dict):
        return "{" + ",".join(f'"{k}":{dumps(v)}' for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in obj) + "]"
    raise TypeError(f"cannot encode {obj!r}")
