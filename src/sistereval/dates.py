"""Dates as sources give them: to a precision, approximately, or only within bounds.

:class:`PartialDate` is a date known to the year, the month or the day
(``2016-12`` is December 2016, never padded into 1 December).  It is the date
type of the rule language: two of them compare at the precision of the less
precise one.

:class:`DateSpan` is a date a source gives less exactly: *circa* a date
(``circa 2010``, also ``2010~`` as in ISO 8601-2/EDTF), a range (``2010/2015``),
or only a bound (``before 2019``, ``after 2010``).  Records of a case may carry
either (:data:`When`); every comparison the facts make uses the span's first
and last possible day (:attr:`DateSpan.start`, :attr:`DateSpan.end`), so an
approximate date is never treated as more precise than it is.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any, TypeAlias

import attrs
from attrs import validators as v

__all__ = ["DateSpan", "PartialDate", "SpanKind", "When", "date_key", "parse_when"]


def _all(*validators: Any) -> Any:
    return v.and_(*validators)


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@attrs.frozen(order=False)
class PartialDate:
    """A date known to the year, the month or the day; never padded into a false day.

    ``PartialDate.parse("2016-12")`` is December 2016, not 1 December.  Dates
    sort by their earliest possible day, then by precision (a year before a
    month of that year before a day of that month), which is a total order.
    ``start`` and ``end`` give the first and last day the date may stand for.
    """

    year: int = attrs.field(validator=_all(v.instance_of(int), v.ge(1), v.le(9999)))
    month: int | None = attrs.field(
        default=None, validator=v.optional(_all(v.instance_of(int), v.ge(1), v.le(12)))
    )
    day: int | None = attrs.field(default=None, validator=v.optional(v.instance_of(int)))

    def __attrs_post_init__(self) -> None:
        if self.day is not None:
            if self.month is None:
                raise ValueError("a date with a day needs a month")
            dt.date(self.year, self.month, self.day)  # raises ValueError for 2017-02-30

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read ``2022``, ``"2022"``, ``"2016-12"``, ``"2017-10-10"`` or a ``datetime.date``."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError(f"{value.isoformat()!r} has a time of day; give a date only")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a date")
        if isinstance(value, int):
            return cls(value)
        if isinstance(value, str):
            match = _DATE_RE.match(value.strip())
            if match:
                year, month, day = match.groups()
                return cls(int(year), int(month) if month else None, int(day) if day else None)
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")

    @classmethod
    def of_day(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        if self.day is not None:
            return self.start
        if self.month is not None:
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    @property
    def earliest(self) -> PartialDate:
        return self

    @property
    def latest(self) -> PartialDate:
        return self

    def shifted(self, units: int) -> PartialDate:
        """This date moved by ``units`` of its own precision (years, months or days)."""
        if self.day is not None:
            return PartialDate.of_day(self.start + dt.timedelta(days=units))
        if self.month is not None:
            index = self.year * 12 + self.month - 1 + units
            return PartialDate(index // 12, index % 12 + 1)
        return PartialDate(self.year + units)

    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.year, self.month or 0, self.day or 0, 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() >= other.sort_key()

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def to_json(self) -> str | int:
        """The form a case file writes: an integer year, or an ISO string."""
        return self.year if self.precision == "year" else str(self)


class SpanKind(enum.StrEnum):
    CIRCA = "circa"
    RANGE = "range"
    BEFORE = "before"
    AFTER = "after"


@attrs.frozen
class DateSpan:
    """A date known only approximately or within bounds.

    * ``circa``: ``first`` is the date given; the span reaches one unit of its
      precision either side (``circa 2010`` is 2009 to 2011, ``circa 2010-06``
      May to July 2010).
    * ``range``: from ``first`` to ``last``, both included (``2010/2015``).
    * ``before``: some time before ``last`` (``before 2019``: 2018 at the latest).
    * ``after``: some time after ``first`` (``after 2010``: 2011 at the earliest).
    """

    kind: SpanKind = attrs.field(converter=SpanKind)
    first: PartialDate | None = None
    last: PartialDate | None = None

    def __attrs_post_init__(self) -> None:
        needs = {
            SpanKind.CIRCA: (True, False),
            SpanKind.RANGE: (True, True),
            SpanKind.BEFORE: (False, True),
            SpanKind.AFTER: (True, False),
        }[self.kind]
        if (self.first is not None, self.last is not None) != needs:
            raise ValueError(f"a {self.kind} date needs {_needs_text(self.kind)}")
        if self.kind is SpanKind.RANGE:
            assert self.first is not None
            assert self.last is not None
            if self.first.start > self.last.end:
                raise ValueError(f"the range {self} ends before it starts")

    @property
    def earliest(self) -> PartialDate | None:
        """The earliest date it may be, at the precision given; ``None`` when unbounded."""
        if self.kind is SpanKind.CIRCA:
            assert self.first is not None
            return self.first.shifted(-1)
        if self.kind is SpanKind.AFTER:
            assert self.first is not None
            return self.first.shifted(1)
        return self.first

    @property
    def latest(self) -> PartialDate | None:
        """The latest date it may be, at the precision given; ``None`` when unbounded."""
        if self.kind is SpanKind.CIRCA:
            assert self.first is not None
            return self.first.shifted(1)
        if self.kind is SpanKind.BEFORE:
            assert self.last is not None
            return self.last.shifted(-1)
        return self.last

    @property
    def start(self) -> dt.date:
        earliest = self.earliest
        return dt.date.min if earliest is None else earliest.start

    @property
    def end(self) -> dt.date:
        latest = self.latest
        return dt.date.max if latest is None else latest.end

    @property
    def precision(self) -> str:
        return str(self.kind)

    def __str__(self) -> str:
        if self.kind is SpanKind.CIRCA:
            return f"circa {self.first}"
        if self.kind is SpanKind.RANGE:
            return f"{self.first}/{self.last}"
        if self.kind is SpanKind.BEFORE:
            return f"before {self.last}"
        return f"after {self.first}"

    def to_json(self) -> str:
        return str(self)


def _needs_text(kind: SpanKind) -> str:
    return {
        SpanKind.CIRCA: "one date (circa 2010)",
        SpanKind.RANGE: "two dates (2010/2015)",
        SpanKind.BEFORE: "the date it is before (before 2019)",
        SpanKind.AFTER: "the date it is after (after 2010)",
    }[kind]


#: The date of a record: a partial date, or a span when a source gives it less exactly.
When: TypeAlias = PartialDate | DateSpan

_WORD_RE = re.compile(r"^(circa|c\.|ca\.|before|after)\s+(\S+)$", re.IGNORECASE)
_WORDS = {
    "circa": SpanKind.CIRCA,
    "c.": SpanKind.CIRCA,
    "ca.": SpanKind.CIRCA,
    "before": SpanKind.BEFORE,
    "after": SpanKind.AFTER,
}


def parse_when(value: object) -> When:
    """Read a record's date: anything :meth:`PartialDate.parse` reads, or a span.

    Spans: ``circa 2010`` (also ``c. 2010``, ``ca. 2010``, ``2010~``),
    ``2010/2015``, ``before 2019``, ``after 2010``.  A range within one unit of
    its precision (``2015/2015``) is that partial date.
    """
    if isinstance(value, PartialDate | DateSpan):
        return value
    if not isinstance(value, str):
        return PartialDate.parse(value)
    text = value.strip()
    if text.endswith("~"):
        return DateSpan(SpanKind.CIRCA, first=PartialDate.parse(text[:-1]))
    match = _WORD_RE.match(text)
    if match:
        kind = _WORDS[match.group(1).lower()]
        date = PartialDate.parse(match.group(2))
        if kind is SpanKind.BEFORE:
            return DateSpan(kind, last=date)
        return DateSpan(kind, first=date)
    if "/" in text:
        first_text, _, last_text = text.partition("/")
        first, last = PartialDate.parse(first_text), PartialDate.parse(last_text)
        if first == last:
            return first
        return DateSpan(SpanKind.RANGE, first=first, last=last)
    return PartialDate.parse(text)


def date_key(date: When | None) -> tuple[int, int]:
    """A total order over record dates: by first possible day, then the wider first.

    For partial dates it is the order of :meth:`PartialDate.sort_key`; an
    unknown date sorts first.
    """
    if date is None:
        return (0, 0)
    return (date.start.toordinal(), -date.end.toordinal())
