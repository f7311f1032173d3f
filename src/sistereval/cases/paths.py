"""Paths into a case file's data, checked against the case format.

A path addresses one value of the data :func:`~sistereval.cases.case_to_dict`
gives: ``distance.km``, ``fields[1].status``, ``budget[0].earmarked``,
``assessments.shared_values.rating``.  An item of a list is picked by its
position (``fields[1]``), by a key (``fields[name=information technology]``)
or, where a path stands for many values (the ``changeable`` list of a rule
set), every item: ``fields[*].status``.

:func:`segments` reads a path; :func:`value_node` walks the case format's
JSON Schema (:func:`~sistereval.cases.case_schema`) along it and returns what
the path ends at; :func:`value_problem` says whether a value suits it;
:func:`expand` turns a ``[*]`` path into the concrete paths of one case's
data.  Used by :mod:`sistereval.explanation.whatif` (``--set``), by the rule-file reader
(``changeable``) and by :mod:`sistereval.explanation.counterfactual`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..messages import closest, one_of
from .schema import case_schema

__all__ = [
    "CasePathError",
    "Segment",
    "child",
    "expand",
    "kind",
    "lookup",
    "quoted",
    "resolve",
    "root",
    "segments",
    "show_value",
    "value_node",
    "value_problem",
]

#: ``("key", "fields")``, ``("index", 1)``, ``("by", ("name", "x"))`` or ``("each", None)``.
Segment = tuple[str, object]

_SEGMENT = re.compile(
    r"(?P<dot>^|\.)(?P<key>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\[\s*(?P<index>\d+)\s*\]"
    r"|\[\s*(?P<each>\*)\s*\]"
    r"|\[\s*(?P<by>[A-Za-z_][A-Za-z0-9_]*)\s*=(?P<want>[^\]]*)\]"
)


class CasePathError(Exception):
    """A path that cannot be read or does not fit the case format (internal:
    callers turn it into a :class:`~sistereval.errors.UsageError` or a located
    problem)."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion

    def __str__(self) -> str:
        return f"{self.message} ({self.suggestion})" if self.suggestion else self.message


def show_value(value: object) -> str:
    """A value as it would be written after ``=`` in a path change."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def quoted(value: object) -> str:
    """A value in a message: text in quotes, anything else as it is written."""
    return repr(value) if isinstance(value, str) else show_value(value)


def segments(path: str) -> list[Segment]:
    """``fields[name=x].status`` -> ``[("key", "fields"), ("by", ("name", "x")), ("key", ...)]``."""
    out: list[Segment] = []
    pos = 0
    while pos < len(path):
        match = _SEGMENT.match(path, pos)
        if match is None or (match["key"] and not match["dot"] and pos > 0):
            raise CasePathError(f"cannot read the path at {path[pos:]!r}")
        if match["key"]:
            out.append(("key", match["key"]))
        elif match["index"] is not None:
            out.append(("index", int(match["index"])))
        elif match["each"] is not None:
            out.append(("each", None))
        else:
            out.append(("by", (match["by"], match["want"].strip())))
        pos = match.end()
    if not out or out[0][0] != "key":
        raise CasePathError("a path starts with a key of the case file, such as fields[1].status")
    return out


# --------------------------------------------------------------------------
# The case format


@functools.cache
def _schema() -> Mapping[str, Any]:
    return case_schema()


def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with ``$ref`` followed and an optional (``anyOf`` with null) unwrapped."""
    defs: Mapping[str, Any] = _schema()["$defs"]
    while True:
        if "$ref" in node:
            node = defs[str(node["$ref"]).rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            if len(options) != 1:
                return node
            node = options[0]
        else:
            return node


def kind(node: Mapping[str, Any]) -> str:
    """``object``, ``array`` or ``value``: what a (resolved) schema node holds."""
    node_type = node.get("type")
    if node_type == "object" or "properties" in node:
        return "object"
    return "array" if node_type == "array" else "value"


def root() -> Mapping[str, Any]:
    return _schema()


def child(node: Mapping[str, Any], part: str, where: str) -> Mapping[str, Any]:
    """The schema of key ``part`` of the mapping ``node`` (at ``where``)."""
    if kind(node) != "object":
        raise CasePathError(f"{where or 'the case'} is a single value, not a mapping")
    allowed = list(node["properties"])
    if part not in allowed:
        near = closest(part, allowed)
        hint = f"did you mean {near!r}?" if near else f"allowed keys: {', '.join(allowed)}"
        place = f" in {where}" if where else ""
        raise CasePathError(f"unknown key {part!r}{place}", hint)
    return resolve(node["properties"][part])


def value_node(path: str) -> Mapping[str, Any]:
    """The schema of the single value ``path`` ends at, in any case."""
    node = resolve(root())
    where = ""
    for part_kind, part in segments(path):
        if part_kind == "key":
            node = child(node, str(part), where)
            where = f"{where}.{part}" if where else str(part)
            continue
        if kind(node) != "array":
            raise CasePathError(f"{where} is not a list")
        node = resolve(node["items"])
        where += "[*]" if part_kind == "each" else f"[{show_value(part)}]"
    if kind(node) == "array":
        raise CasePathError(f"{where} is a list, not a single value", "add [*] or [0] and a key")
    if kind(node) == "object":
        keys = ", ".join(node["properties"])
        raise CasePathError(
            f"{where} is a mapping, not a single value", f"add one of its keys: {keys}"
        )
    return node


_TYPE_NAMES = {
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
}
#: (schema key, whether a value below it is out, how the message says it)
_BOUNDS = (
    ("minimum", True, "below the minimum"),
    ("exclusiveMinimum", True, "not above"),
    ("maximum", False, "above the maximum"),
    ("exclusiveMaximum", False, "not below"),
)


def _types(node: Mapping[str, Any]) -> tuple[str, ...]:
    node_type = node.get("type", ())
    return (node_type,) if isinstance(node_type, str) else tuple(node_type)


def value_problem(node: Mapping[str, Any], value: object) -> tuple[str, str | None] | None:
    """``(message, suggestion)`` when ``value`` cannot stand at ``node``, else None."""
    if "enum" in node:
        options = [v for v in node["enum"] if v is not None]
        if not any(type(value) is type(v) and value == v for v in options):
            allowed = [v if isinstance(v, str) else json.dumps(v) for v in options]
            near = closest(str(value), allowed) if isinstance(value, str) else None
            hint = f"did you mean {near!r}?" if near else one_of(allowed)
            return f"{quoted(value)} is not an allowed value", hint
        return None
    types = _types(node)
    number = None if isinstance(value, bool) or not isinstance(value, int | float) else value
    fits = (
        ("boolean" in types and isinstance(value, bool))
        or ("integer" in types and number is not None and float(number).is_integer())
        or ("number" in types and number is not None)
        or ("string" in types and isinstance(value, str))
    )
    if not fits:
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in types if t != "null")
        return f"{quoted(value)} is not {wanted or 'a value'}", None
    if number is not None:
        for key, below, what in _BOUNDS:
            bound = node.get(key)
            if bound is not None and (number < bound if below else number > bound):
                return f"{quoted(value)} is {what} {bound}", None
            if bound is not None and key.startswith("exclusive") and number == bound:
                return f"{quoted(value)} is {what} {bound}", None
    if isinstance(value, str) and "pattern" in node and not re.search(node["pattern"], value):
        return f"{value!r} does not have the form {node['pattern']!r}", None
    return None


# --------------------------------------------------------------------------
# One case's data


def expand(data: Mapping[str, Any], path: str) -> list[str]:
    """The concrete paths (positions, no ``[*]`` or key) that ``path`` addresses in
    ``data``, in document order; items or keys the data does not have are skipped."""
    found: list[tuple[str, object]] = [("", data)]
    for part_kind, part in segments(path):
        step: list[tuple[str, object]] = []
        for where, holder in found:
            if part_kind == "key":
                if isinstance(holder, Mapping):
                    name = str(part)
                    step.append((f"{where}.{name}" if where else name, holder.get(name)))
                continue
            if not isinstance(holder, Sequence) or isinstance(holder, str):
                continue
            for index, item in enumerate(holder):
                if part_kind == "index" and index != part:
                    continue
                if isinstance(part, tuple):
                    key, want = str(part[0]), str(part[1])
                    if not isinstance(item, Mapping) or show_value(item.get(key)) != want:
                        continue
                step.append((f"{where}[{index}]", item))
        found = step
    return [where for where, _ in found]


def lookup(data: Mapping[str, Any], path: str) -> object:
    """The value at a concrete path of ``data`` (``None`` when absent)."""
    holder: object = data
    for part_kind, part in segments(path):
        if part_kind == "key" and isinstance(holder, Mapping):
            holder = holder.get(str(part))
        elif isinstance(part, int) and isinstance(holder, list | tuple):
            holder = holder[part] if part < len(holder) else None
        else:
            return None
    return holder
