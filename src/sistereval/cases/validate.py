"""Check the raw data of a case file against the attrs model, each problem located.

:func:`check_document` walks the data along the model's fields, type hints
and validators (:mod:`.hints`) before anything is built, so every problem of
a file is found at once, each at its line and column: unknown keys (with a
did-you-mean), missing keys, wrong types, values outside the allowed sets or
ranges, malformed dates, and references to sources, partners or fields that
do not exist.  They are raised together in one
:class:`~sistereval.errors.CaseError`.  :func:`parse_path` reads the data
path of a problem back (``activities[2].field``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, cast

import attrs

from ..countries import COUNTRY_CODES
from ..dates import DateSpan, parse_when
from ..documents import Document, Path, format_path
from ..errors import CaseError, Location, Problem
from ..facts import claim_problems
from ..messages import closest
from ..model import (
    CASE_FORMAT,
    CASE_FORMAT_V1,
    Case,
    PartialDate,
    _country,
    _finite,
    reference_problems,
)
from ..schema import number_too_large
from .hints import (
    DEEP_ITERABLE,
    INSTANCE_OF,
    MATCHES_RE,
    MIN_LEN,
    NONE_TYPE,
    NUMBER,
    is_date,
    is_enum,
    is_tuple,
    member_validator,
    type_hints,
    union_args,
    validator_leaves,
)

__all__ = ["check_document", "parse_path"]

_DATE_SHAPE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WHEN_FORMS = (
    "write YYYY, YYYY-MM or YYYY-MM-DD, or an approximate date: circa 2010, 2010/2015, "
    "before 2019, after 2010"
)
#: The value a case file writes for a fact nobody knows.
UNKNOWN = "unknown"
_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


# --------------------------------------------------------------------------
# Describing values and suggestions.


def _range_phrase(leaves: list[Any]) -> str:
    low = high = None
    for leaf in leaves:
        if isinstance(leaf, NUMBER):
            if leaf.compare_op in (">=", ">"):
                low = leaf
            else:
                high = leaf
    if low is not None and high is not None and low.compare_op == ">=" and high.compare_op == "<=":
        return f"a value from {low.bound} to {high.bound}"
    parts = []
    if low is not None:
        parts.append(
            f"greater than {low.bound}" if low.compare_op == ">" else f"at least {low.bound}"
        )
    if high is not None:
        parts.append(
            f"less than {high.bound}" if high.compare_op == "<" else f"at most {high.bound}"
        )
    return "a value that is " + " and ".join(parts)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:39] + "…"
        return f"a string {text!r}"
    if isinstance(value, dt.datetime):
        return f"a date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"a date {value.isoformat()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


_SCALAR_NAMES: dict[Any, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean (true or false)",
}


def _expected(options: tuple[Any, ...]) -> str:
    if float in options:
        options = tuple(o for o in options if o is not int)
    names = [_SCALAR_NAMES.get(o, f"a {getattr(o, '__name__', o)}") for o in options]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _is_instance(value: Any, hint: Any) -> bool:
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, hint)


def _key_hint(key: object, allowed: list[str]) -> str:
    close = closest(key, allowed) if isinstance(key, str) else None
    return f"did you mean {close!r}?" if close else f"allowed keys: {', '.join(allowed)}"


def _value_hint(value: object, allowed: list[str]) -> str:
    listed = f"expected one of: {', '.join(allowed)}"
    close = closest(value, allowed) if isinstance(value, str) else None
    return f"did you mean {close!r}? {listed}" if close else listed


def parse_path(text: str) -> Path:
    """``activities[2].field`` -> ``("activities", 2, "field")``."""
    return tuple(name or int(index) for name, index in _PATH_PART.findall(text))


def _fallback(hint: Any) -> Any:
    """A stand-in for a missing or unusable value, so cross references can still be checked."""
    args = union_args(hint)
    if args is not None:
        return None
    if is_tuple(hint):
        return ()
    if attrs.has(hint) and hint is not PartialDate:
        return types.SimpleNamespace(
            **{f.name: _fallback(type_hints(hint)[f.name]) for f in attrs.fields(hint)}
        )
    return "" if hint is str else None


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Checking raw data against the model.


class _Checker:
    """Walks plain data along the attrs model and records every problem.

    Each ``check_*`` method returns the value as far as it could be read, or
    a stand-in, so that :func:`~sistereval.model.reference_problems` can run
    even on a case with other problems.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.covered: list[Path] = []

    def add(
        self,
        code: str,
        message: str,
        path: Path,
        *,
        suggestion: str | None = None,
        location: Location | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                location=location or self.doc.location(path),
                suggestion=suggestion,
            )
        )
        self.covered.append(path)

    def is_covered(self, path: Path) -> bool:
        return any(path[: len(done)] == done for done in self.covered)

    def check(
        self, hint: Any, value: Any, path: Path, attribute: attrs.Attribute[Any], validator: Any
    ) -> Any:
        args = union_args(hint)
        if args is not None:
            if value is None and NONE_TYPE in args:
                return None
            options = tuple(a for a in args if a is not NONE_TYPE)
            if set(options) == {PartialDate, DateSpan}:
                return self.check_when(value, path)
            if options == (bool,) and value == UNKNOWN and NONE_TYPE in args:
                return None  # "unknown" is what a missing value means
            if len(options) == 1:
                return self.check(options[0], value, path, attribute, validator)
            return self.check_scalar(options, value, path, attribute, validator)
        if is_tuple(hint):
            return self.check_sequence(typing.get_args(hint)[0], value, path, attribute, validator)
        if hint is PartialDate:
            return self.check_date(value, path)
        if attrs.has(hint):
            return self.check_mapping(hint, value, path)
        if is_enum(hint):
            return self.check_enum(hint, value, path)
        return self.check_scalar((hint,), value, path, attribute, validator)

    def check_mapping(self, cls: type, value: Any, path: Path) -> Any:
        if not isinstance(value, Mapping):
            self.add("wrong-type", f"expected a mapping, got {_describe(value)}", path)
            return _fallback(cls)
        fields = attrs.fields(cls)
        names = [f.name for f in fields]
        where = format_path(path)
        for key in value:
            if key not in names:
                child = (*path, str(key))
                location = attrs.evolve(self.doc.location(child, key=True), path=where)
                self.add(
                    "unknown-key",
                    f"unknown key {key!r}",
                    child,
                    suggestion=_key_hint(key, names),
                    location=location,
                )
        out: dict[str, Any] = {}
        for field in fields:
            child = (*path, field.name)
            hint = type_hints(cls)[field.name]
            if field.name in value:
                out[field.name] = self.check(hint, value[field.name], child, field, field.validator)
            elif field.default is attrs.NOTHING:
                location = attrs.evolve(self.doc.location(path), path=where)
                self.add(
                    "missing-key",
                    f"the required key {field.name!r} is missing",
                    child,
                    location=location,
                )
                out[field.name] = _fallback(hint)
            else:
                out[field.name] = _default(field)
        return types.SimpleNamespace(**out)

    def check_sequence(
        self, item: Any, value: Any, path: Path, attribute: attrs.Attribute[Any], validator: Any
    ) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            hint = f"write a list: [{value}]" if isinstance(value, str) else None
            self.add(
                "wrong-type", f"expected a list, got {_describe(value)}", path, suggestion=hint
            )
            return ()
        member = member_validator(validator)
        return tuple(
            self.check(item, x, (*path, i), attribute, member) for i, x in enumerate(value)
        )

    def check_scalar(
        self,
        options: tuple[Any, ...],
        value: Any,
        path: Path,
        attribute: attrs.Attribute[Any],
        validator: Any,
    ) -> Any:
        if len(options) > 1 and str in options and is_date(value):
            return value.isoformat()  # a claimed date: YAML read it as a date, keep its text
        if not any(_is_instance(value, hint) for hint in options):
            quote = (
                "put the value in quotes to make it a string"
                if str in options and isinstance(value, bool | int | float | dt.date)
                else None
            )
            self.add(
                "wrong-type",
                f"expected {_expected(options)}, got {_describe(value)}",
                path,
                suggestion=quote,
            )
            return "" if str in options else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            problem = number_too_large(value)
            if problem is not None:  # before the validators: float() of it would overflow
                self.add("out-of-range", problem, path)
                return None
        self.check_validators(value, path, attribute, validator)
        return value

    def check_validators(
        self, value: Any, path: Path, attribute: attrs.Attribute[Any], validator: Any
    ) -> None:
        """Run the model's own validators; the first that fails is the problem."""
        leaves = validator_leaves(validator)
        for leaf in leaves:
            if isinstance(leaf, INSTANCE_OF | DEEP_ITERABLE):
                continue  # types are checked above, items one by one
            try:
                leaf(None, attribute, value)
            except (ValueError, TypeError) as exc:
                code, message, suggestion = _validator_problem(leaf, leaves, value, exc)
                self.add(code, message, path, suggestion=suggestion)
                return

    def check_date(self, value: Any, path: Path) -> PartialDate | None:
        if not isinstance(value, int | str | dt.date | PartialDate) or isinstance(value, bool):
            self.add(
                "wrong-type",
                f"expected a date, got {_describe(value)}",
                path,
                suggestion="write YYYY, YYYY-MM or YYYY-MM-DD",
            )
            return None
        try:
            return PartialDate.parse(value)
        except (ValueError, TypeError):
            message, suggestion = _date_problem(value)
            self.add("bad-date", message, path, suggestion=suggestion)
            return None

    def check_when(self, value: Any, path: Path) -> Any:
        """A record's date: a partial date, or a span (circa, range, before, after)."""
        if not isinstance(value, int | str | dt.date) or isinstance(value, bool):
            self.add(
                "wrong-type",
                f"expected a date, got {_describe(value)}",
                path,
                suggestion=_WHEN_FORMS,
            )
            return None
        try:
            return parse_when(value)
        except (ValueError, TypeError) as exc:
            if isinstance(value, str) and ("/" in value or not _DATE_SHAPE.match(value.strip())):
                shown = value if len(value) <= 40 else value[:39] + "…"
                detail = str(exc) if "range" in str(exc) else f"{shown!r} is not a date"
                self.add("bad-date", detail, path, suggestion=_WHEN_FORMS)
                return None
            message, suggestion = _date_problem(value)
            self.add("bad-date", message, path, suggestion=suggestion)
            return None

    def check_enum(self, cls: type[enum.Enum], value: Any, path: Path) -> Any:
        allowed = [str(member.value) for member in cls]
        if isinstance(value, str) and value in allowed:
            return value
        suggestion = _value_hint(value, allowed)
        if isinstance(value, str):
            self.add("bad-enum", f"{value!r} is not an allowed value", path, suggestion=suggestion)
        else:
            self.add(
                "wrong-type",
                f"expected a string, got {_describe(value)}",
                path,
                suggestion=suggestion,
            )
        return None


def _validator_problem(
    leaf: Any, leaves: list[Any], value: Any, exc: Exception
) -> tuple[str, str, str | None]:
    """``(code, message, suggestion)`` for a validator that refused ``value``."""
    if isinstance(leaf, NUMBER):
        return "out-of-range", f"{value!r} is out of range", f"expected {_range_phrase(leaves)}"
    if leaf is _finite:
        return "out-of-range", f"{value!r} is not a finite number", None
    if isinstance(leaf, MATCHES_RE):
        return "invalid-value", f"{value!r} does not match the pattern {leaf.pattern.pattern}", None
    if isinstance(leaf, MIN_LEN):
        if leaf.min_length == 1:
            return "invalid-value", "the value must not be empty", None
        return "invalid-value", f"the value is shorter than {leaf.min_length}", None
    if leaf is _country:
        close = value.strip().upper() if isinstance(value, str) else None
        hint = (
            f"did you mean {close!r}?"
            if close in COUNTRY_CODES
            else "expected an ISO 3166-1 alpha-2 code such as 'ID' or 'BE'"
        )
        return "bad-country", f"{value!r} is not a country code", hint
    return "invalid-value", str(exc), None


def _date_problem(value: int | str | dt.date | PartialDate) -> tuple[str, str | None]:
    """A message and suggestion for a value :meth:`PartialDate.parse` refused."""
    if isinstance(value, dt.datetime):
        return (
            f"{value.isoformat(sep=' ')!r} has a time of day",
            f"a date is YYYY, YYYY-MM or YYYY-MM-DD: write {value.date().isoformat()}",
        )
    if isinstance(value, int):
        return f"the year {value} is not between 1 and 9999", None
    match = _DATE_SHAPE.match(str(value).strip())
    if match is None:
        return f"{value!r} is not a date", "write YYYY, YYYY-MM or YYYY-MM-DD, such as 2017-10-10"
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if year < 1:
        return f"{value!r} is not a valid date: there is no year 0", None
    if month is not None and not 1 <= month <= 12:
        return f"{value!r} is not a valid date: there is no month {month}", None
    assert month is not None
    assert day is not None
    days = calendar.monthrange(year, month)[1]
    return f"{value!r} is not a valid date: {year:04d}-{month:02d} has {days} days", None


def check_document(doc: Document) -> None:
    """Raise one :class:`CaseError` with every problem of ``doc``, or return."""
    checker = _Checker(doc)
    data = doc.data
    if not isinstance(data, Mapping):
        checker.add("wrong-type", f"expected a mapping of case keys, got {_describe(data)}", ())
        raise CaseError(checker.problems)
    if "format" not in data:
        checker.add(
            "bad-format",
            "the file does not say its format",
            (),
            suggestion=f"add the line 'format: {CASE_FORMAT}'",
        )
    elif data["format"] not in (CASE_FORMAT, CASE_FORMAT_V1):
        # A file of another format or version: its keys mean something else.
        given = data["format"]
        shown = repr(given) if isinstance(given, str) else _describe(given)
        checker.add(
            "bad-format",
            f"unsupported format {shown}",
            ("format",),
            suggestion=f"expected {CASE_FORMAT!r}, or the earlier {CASE_FORMAT_V1!r}",
        )
        raise CaseError(checker.problems)
    case = checker.check_mapping(Case, data, ())
    references = reference_problems(cast(Case, case)) + claim_problems(cast(Case, case))
    for path_text, code, message, suggestion in references:
        path = parse_path(path_text)
        if not checker.is_covered(path):
            checker.add(code, message, path, suggestion=suggestion)
    if checker.problems:
        raise CaseError(checker.problems)
