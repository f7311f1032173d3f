"""Safe YAML/JSON reading that keeps the line and column of every node.

Nothing here constructs arbitrary objects: the document is composed into
nodes by PyYAML's safe loader and turned into plain data (dict, list, str,
int, float, bool, None, datetime.date) by hand.  Any tag outside the YAML
core schema, such as ``!!python/object/apply``, is a located error.  Alias
expansion, nesting depth, size and string length are bounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import yaml

from .errors import DocumentError, LimitError, Location, Problem

__all__ = ["Document", "Limits", "Path", "format_path", "read_document"]

Path = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_SAFE_SCALARS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds on what a document may contain; each breach is a ``LimitError``."""

    max_bytes: int = 5 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64
    max_string: int = 100_000


def format_path(path: Path) -> str:
    """``("partners", 0, "location", "lat")`` -> ``partners[0].location.lat``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@attrs.define
class Document:
    """Plain data plus where each value (and each mapping key) stands."""

    data: Any
    file: str | None
    values: dict[Path, tuple[int, int]] = attrs.field(factory=dict)
    keys: dict[Path, tuple[int, int]] = attrs.field(factory=dict)

    def location(self, path: Path, *, key: bool = False) -> Location:
        """The location of ``path`` (of its key when ``key``), or of its nearest parent."""
        table = self.keys if key else self.values
        probe = path
        while True:
            if probe in table:
                line, col = table[probe]
                return Location(file=self.file, line=line, column=col, path=format_path(path))
            if key and probe in self.values:
                line, col = self.values[probe]
                return Location(file=self.file, line=line, column=col, path=format_path(path))
            if not probe:
                return Location(file=self.file, path=format_path(path))
            probe = probe[:-1]


class _Builder:
    def __init__(self, doc: Document, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.count = 0
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def _problem(self, code: str, message: str, node: yaml.Node, path: Path) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(
                code=code,
                message=message,
                location=Location(
                    file=self.doc.file,
                    line=mark.line + 1,
                    column=mark.column + 1,
                    path=format_path(path),
                ),
            )
        )

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > self.limits.max_nodes:
            raise _Stop(
                "limit-nodes",
                f"the document expands to more than {self.limits.max_nodes} values"
                " (aliases are counted each time they are used)",
                node,
            )
        if depth > self.limits.max_depth:
            raise _Stop(
                "limit-depth",
                f"the document nests deeper than {self.limits.max_depth} levels",
                node,
            )
        self.doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._problem("unsafe-tag", f"the tag {node.tag!r} is not allowed", node, path)
                return None
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._problem("unsafe-tag", f"the tag {node.tag!r} is not allowed", node, path)
                return None
            return self._mapping(node, path, depth)
        raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag not in _SAFE_SCALARS:
            self._problem("unsafe-tag", f"the tag {node.tag!r} is not allowed", node, path)
            return None
        if len(node.value) > self.limits.max_string:
            raise _Stop(
                "limit-string",
                f"a string is longer than {self.limits.max_string} characters",
                node,
            )
        if node.tag == _STR:
            return node.value
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # an impossible date (2017-02-30): its reader says why
            self._problem("yaml-value", f"cannot read {node.value!r}: {exc}", node, path)
            return None
        if isinstance(value, dt.datetime):
            return value  # kept as is; the case model decides whether it fits
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem("yaml-merge", "merge keys ('<<') are not supported", key_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_SCALARS:
                self._problem("yaml-key", "a mapping key must be a plain string", key_node, path)
                continue
            key = key_node.value if key_node.tag == _STR else str(self._scalar(key_node, path))
            child = (*path, key)
            if key in out:
                self._problem("duplicate-key", f"the key {key!r} appears twice", key_node, child)
                continue
            self.doc.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child, depth + 1)
        return out


class _Stop(Exception):
    def __init__(self, code: str, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """A safe loader that stops composing past ``max_depth`` levels.

    PyYAML composes recursively and its scanner slows down with every open
    flow collection (``[[[[...``), so the depth is checked as nodes are
    composed: a deep document fails fast, long before the recursion limit.
    """

    def __init__(self, text: str, max_depth: int) -> None:
        super().__init__(text)
        self._depth = 0
        self._max_depth = max_depth

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self._depth > self._max_depth:  # the root is depth 0, as in _Builder.build
            event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
            raise _TooDeep(event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _iter_compose(text: str, max_depth: int) -> Iterator[yaml.Node]:
    loader = _Loader(text, max_depth)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    finally:
        loader.dispose()


def read_document(text: str, *, file: str | None = None, limits: Limits | None = None) -> Document:
    """Read one YAML (or JSON) document into plain data with locations.

    Raises :class:`~sistereval.errors.LimitError` for a breached limit and a
    ``ValueError``-compatible load error carrying every problem found.
    """
    limits = limits or Limits()
    doc = Document(data=None, file=file)

    def fail(
        code: str, message: str, line: int | None = None, col: int | None = None
    ) -> LimitError:
        loc = Location(file=file, line=line, column=col)
        return LimitError([Problem(code=code, message=message, location=loc)])

    if len(text.encode("utf-8", errors="replace")) > limits.max_bytes:
        raise fail("limit-size", f"the file is larger than {limits.max_bytes} bytes")
    try:
        nodes = list(_iter_compose(text, limits.max_depth))
    except _TooDeep as deep:
        raise fail(
            "limit-depth",
            f"the document nests deeper than {limits.max_depth} levels",
            deep.mark.line + 1,
            deep.mark.column + 1,
        ) from None
    except RecursionError:
        raise fail(
            "limit-depth", f"the document nests deeper than {limits.max_depth} levels"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        raise _syntax_error(
            [
                Problem(
                    code="yaml-syntax",
                    message=what,
                    location=Location(file=file, line=line, column=col),
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(
            [Problem(code="yaml-syntax", message=str(exc), location=Location(file=file))]
        ) from None
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise _syntax_error(
            [
                Problem(
                    code="yaml-syntax",
                    message="the file holds more than one document",
                    location=Location(file=file, line=mark.line + 1, column=mark.column + 1),
                )
            ]
        )
    if not nodes:
        doc.data = None
        return doc
    builder = _Builder(doc, limits)
    try:
        doc.data = builder.build(nodes[0], (), 0)
    except RecursionError:
        raise fail(
            "limit-depth", f"the document nests deeper than {limits.max_depth} levels"
        ) from None
    except _Stop as stop:
        mark = stop.node.start_mark
        raise fail(stop.code, stop.message, mark.line + 1, mark.column + 1) from None
    if builder.problems:
        raise _syntax_error(builder.problems)
    return doc


def _syntax_error(problems: list[Problem]) -> DocumentError:
    return DocumentError(problems)
