"""How fact values compare: partial dates, equal and agreeing values, a total order.

The date helpers carry the conventions of ``docs/facts.md``: month counts
between the months two dates start in, and "after" only when every day one
date may stand for comes after every day of the other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..dates import DateSpan, When, date_key
from ..model import PartialDate
from .results import FactValue


def _months(start: PartialDate, stop: PartialDate) -> int:
    """Whole calendar months from the month ``start`` begins in to that of ``stop``."""
    return (stop.year - start.year) * 12 + (stop.month or 1) - (start.month or 1)


def _months_at_least(start: When | None, stop: When | None) -> int | None:
    """The fewest whole months from ``start`` to ``stop`` their dates allow:
    from the latest ``start`` may be to the earliest ``stop`` may be; ``None``
    when either is unknown or unbounded that way."""
    first = _latest(start)
    last = _earliest(stop)
    if first is None or last is None:
        return None
    return _months(first, last)


def _months_at_most(start: When | None, stop: When | None) -> int | None:
    """The most whole months from ``start`` to ``stop`` their dates allow: from the
    earliest ``start`` may be to the latest ``stop`` may be; ``None`` when either is
    unknown or unbounded that way."""
    first = _earliest(start)
    last = _latest(stop)
    if first is None or last is None:
        return None
    return _months(first, last)


def _latest(date: When | None) -> PartialDate | None:
    """The latest date ``date`` may be, at its precision (itself for a partial date)."""
    if date is None or isinstance(date, PartialDate):
        return date
    return date.latest


def _earliest(date: When | None) -> PartialDate | None:
    if date is None or isinstance(date, PartialDate):
        return date
    return date.earliest


def _exact(date: When | None) -> PartialDate | None:
    """The date as a fact value: a partial date, or unknown for a span."""
    return date if isinstance(date, PartialDate) else None


def _after(a: When, b: When | None) -> bool | None:
    """``a`` is certainly after ``b``; ``None`` when ``b`` is unknown."""
    return None if b is None else a.start > b.end


def _before(a: When, b: When | None) -> bool | None:
    """``a`` is certainly before ``b``; ``None`` when ``b`` is unknown."""
    return None if b is None else a.end < b.start


def _overlap(a: When, b: When) -> bool:
    """The two dates may be the same day (one contains the other)."""
    return a.start <= b.end and b.start <= a.end


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(a: FactValue, b: FactValue) -> bool:
    """Exactly the same value (numbers compared with a tiny tolerance)."""
    if _is_number(a) and _is_number(b):
        assert isinstance(a, int | float)
        assert isinstance(b, int | float)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return type(a) is type(b) and a == b


def _agree(a: FactValue, b: FactValue) -> bool:
    """The values do not contradict each other (dates may be the same day)."""
    if isinstance(a, PartialDate) and isinstance(b, PartialDate):
        return _overlap(a, b)
    return _same(a, b)


def _value_key(value: FactValue) -> tuple[object, ...]:
    """A total order over fact values, for deterministic output."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int | float):
        return (2, float(value))
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, PartialDate | DateSpan):
        return (4, date_key(value))
    return (5, value)


def _enum_values(enum_cls: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(member) for member in enum_cls)


def _in_enum_order(values: Iterable[str], enum_cls: Iterable[object]) -> tuple[str, ...]:
    present = set(values)
    return tuple(v for v in _enum_values(enum_cls) if v in present)
