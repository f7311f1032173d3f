"""Reading the ``changeable`` list of a rule file, and inheriting it.

Each entry names a case path (``whatif --set`` syntax, ``[*]`` for every
item) and the values a counterfactual may set there, from worse to better::

    changeable:
      - path: "fields[*].status"
        values: [partial, implemented]

The path is checked against the case format (``bad-case-path``, with a
did-you-mean for a misspelt key) and each value against what the format
allows at that path (``bad-changeable-value``), so a typo is reported when
the rule file is loaded, not when a search silently finds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import ir
from ..cases import paths as _casepath
from ..documents import Path
from .shape import ShapeReader

__all__ = ["inherit_changeable", "read_changeable"]

_VALUE = (bool, int, float, str)


def read_changeable(reader: ShapeReader, value: object) -> tuple[ir.Changeable, ...]:
    """The ``changeable`` list of a rule file; problems go to ``reader``."""
    if not isinstance(value, list):
        reader.wrong_type(("changeable",), value, "a list")
        return ()
    out: list[ir.Changeable] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        path: Path = ("changeable", index)
        data = reader.mapping(path, item, ("path", "values"))
        if data is None or "path" not in data or "values" not in data:
            continue
        text = reader.text((*path, "path"), data["path"])
        if text is None:
            continue
        if text in seen:
            reader.report("bad-value", f"{text!r} appears twice", reader.loc((*path, "path")))
            continue
        seen.add(text)
        try:
            node = _casepath.value_node(text)
        except _casepath.CasePathError as exc:
            reader.report("bad-case-path", exc.message, reader.loc((*path, "path")), exc.suggestion)
            continue
        values = _values(reader, (*path, "values"), data["values"], node)
        if values is not None:
            out.append(ir.Changeable(path=text, values=values, loc=reader.loc(path)))
    return tuple(out)


def _values(
    reader: ShapeReader, path: Path, value: object, node: Mapping[str, Any]
) -> tuple[bool | int | float | str, ...] | None:
    if not isinstance(value, list):
        reader.wrong_type(path, value, "a list of values")
        return None
    out: list[bool | int | float | str] = []
    for index, item in enumerate(value):
        where = (*path, index)
        if not isinstance(item, _VALUE):
            reader.wrong_type(where, item, "a single value (text, a number, true or false)")
            continue
        problem = _casepath.value_problem(node, item)
        if problem is not None:
            reader.report("bad-changeable-value", problem[0], reader.loc(where), problem[1])
            continue
        if any(type(item) is type(known) and item == known for known in out):
            reader.report("bad-value", f"{_casepath.quoted(item)} appears twice", reader.loc(where))
            continue
        out.append(item)
    return tuple(out)


def inherit_changeable(
    parent: Sequence[ir.Changeable], own: Sequence[ir.Changeable]
) -> tuple[ir.Changeable, ...]:
    """A child's entries on top of its parent's: an entry for a path the parent
    has replaces it in place (``values: []`` removes it); others are added."""
    mine = {entry.path: entry for entry in own}
    merged = [mine.pop(entry.path, entry) for entry in parent]
    merged.extend(mine.values())
    return tuple(entry for entry in merged if entry.values)
