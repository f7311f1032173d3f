"""Checking the shape of YAML data: mappings, keys, text, names, choices.

A :class:`ShapeReader` walks plain data read by :mod:`sistereval.documents` and
records located problems (``unknown-key`` with a did-you-mean at the key,
``missing-key``, ``wrong-type``, ``bad-id``, ``bad-value``) instead of
stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import attrs

from ..documents import Document, Path, format_path
from ..errors import Location, Problem
from ..messages import did_you_mean, suggest_value

__all__ = ["NAME", "RULE_ID", "At", "ShapeReader", "describe"]

T = TypeVar("T")
RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # rule ids and rule set ids
NAME = re.compile(r"[a-z][a-z0-9_]*")  # verdicts, factors, derived facts


@attrs.frozen
class At(Generic[T]):
    """A value and where it is written."""

    value: T
    loc: Location


def describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dt.date):
        return "a date"
    if value is None:
        return "nothing"
    return "text"


class ShapeReader:
    """Helpers to read one document; ``problems`` collects what is wrong."""

    #: what a document that is not a mapping at all is told
    root_hint: str | None = None

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def loc(self, path: Path, *, key: bool = False) -> Location:
        return self.doc.location(path, key=key)

    def report(self, code: str, message: str, loc: Location, suggestion: str | None = None) -> None:
        self.problems.append(
            Problem(code=code, message=message, location=loc, suggestion=suggestion)
        )

    def wrong_type(self, path: Path, value: object, expected: str) -> None:
        hint = "put it in quotes" if expected == "text" and value is not None else None
        if hint and isinstance(value, int | float) and not isinstance(value, bool):
            hint = f'put it in quotes: "{value}"'
        self.report(
            "wrong-type", f"expected {expected}, got {describe(value)}", self.loc(path), hint
        )

    def mapping(
        self,
        path: Path,
        value: object,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            if path or self.root_hint is None:
                self.wrong_type(path, value, "a mapping")
            else:
                self.report(
                    "wrong-type",
                    f"expected a mapping, got {describe(value)}",
                    self.loc(path),
                    self.root_hint,
                )
            return None
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                self.unknown_key(path, key, allowed)
        for key in required:
            if key not in value:
                self.report("missing-key", f"{key!r} is required", self.loc(path))
        return value

    def unknown_key(self, path: Path, key: str, allowed: Sequence[str]) -> None:
        loc = attrs.evolve(self.loc((*path, key), key=True), path=format_path(path))
        self.report("unknown-key", f"{key!r}", loc, did_you_mean(key, allowed))

    def text(self, path: Path, value: object) -> str | None:
        if isinstance(value, str):
            return value
        self.wrong_type(path, value, "text")
        return None

    def optional_text(self, path: Path, data: dict[str, Any], key: str) -> str:
        """``data[key]`` when it is text; "" when it is absent or reported."""
        if key not in data:
            return ""
        return self.text((*path, key), data[key]) or ""

    def name(self, path: Path, value: object, pattern: re.Pattern[str], what: str) -> str | None:
        found = self.text(path, value)
        if found is not None and not pattern.fullmatch(found):
            self.report("bad-id", f"{found!r} is not a valid {what}", self.loc(path))
            return None
        return found

    def names(
        self, path: Path, value: object, pattern: re.Pattern[str], what: str
    ) -> tuple[At[str], ...] | None:
        if not isinstance(value, list):
            self.wrong_type(path, value, "a list")
            return None
        out: list[At[str]] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            name = self.name((*path, index), item, pattern, what)
            if name is None:
                continue
            if name in seen:
                self.report("bad-value", f"{name!r} appears twice", self.loc((*path, index)))
                continue
            seen.add(name)
            out.append(At(name, self.loc((*path, index))))
        return tuple(out)

    def name_list(
        self, data: dict[str, Any], key: str, pattern: re.Pattern[str], what: str
    ) -> At[tuple[str, ...]] | None:
        if key not in data:
            return None
        items = self.names((key,), data[key], pattern, what)
        if items is None:
            return None
        return At(tuple(item.value for item in items), self.loc((key,), key=True))

    def choice(self, path: Path, value: object, allowed: Sequence[str], what: str) -> str | None:
        found = self.text(path, value)
        if found is not None and found not in allowed:
            self.report(
                "bad-value",
                f"{found!r} is not a {what}",
                self.loc(path),
                suggest_value(found, allowed),
            )
            return None
        return found
