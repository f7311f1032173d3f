"""Safe YAML/JSON reading that keeps the line and column of every node.

Nothing here constructs arbitrary objects: the document is composed into
nodes by PyYAML's safe loader and turned into plain data (dict, list, str,
int, float, bool, None, datetime.date) by hand.  Any tag outside the YAML
core schema, such as ``!!python/object/apply``, is a located error.  Alias
expansion, nesting depth, size and string length are bounded.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import pathlib
import re
import stat
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from typing import Any

import attrs
import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from .errors import DocumentError, LimitError, Location, Problem

__all__ = [
    "Document",
    "Limits",
    "NotRegularFileError",
    "Path",
    "format_path",
    "is_dir",
    "is_file",
    "read_document",
    "read_file",
    "read_regular_bytes",
    "read_regular_file",
]

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
_DEEP = "the document nests deeper than {} levels"
_LONG = "a list holds more than {} items"
#: Half of a UTF-16 pair, which only an escape such as "\ud800" can write: not a character.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SEQ = "tag:yaml.org,2002:seq"


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds on what a document may contain; each breach is a ``LimitError``."""

    max_bytes: int = 5 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64
    max_string: int = 100_000
    #: Items of one list: the records of a case collection, the rules of a rule file.
    max_items: int = 1_000


def is_file(target: Traversable | str) -> bool:
    """Whether ``target`` is a file; ``False`` for a name the system cannot even look up
    (too long, a NUL in it), which :meth:`pathlib.Path.is_file` raises for."""
    try:
        return (target if not isinstance(target, str) else pathlib.Path(target)).is_file()
    except (OSError, ValueError):
        return False


def is_dir(target: Traversable | str) -> bool:
    """Whether ``target`` is a folder; ``False`` where :func:`is_file` is."""
    try:
        return (target if not isinstance(target, str) else pathlib.Path(target)).is_dir()
    except (OSError, ValueError):
        return False


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
            raise _Stop("limit-depth", _DEEP.format(self.limits.max_depth), node)
        self.doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._problem("unsafe-tag", f"the tag {node.tag!r} is not allowed", node, path)
                return None
            if len(node.value) > self.limits.max_items:
                item = node.value[self.limits.max_items]
                raise _Stop("limit-items", _LONG.format(self.limits.max_items), item)
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
        surrogate = _SURROGATE.search(node.value)
        if surrogate:
            half = f"U+{ord(surrogate.group()):04X}"
            self._problem(
                "yaml-value",
                f"cannot read the string: {half} is half of a UTF-16 pair, not a character",
                node,
                path,
            )
            return None
        if node.tag == _STR:
            return node.value
        try:
            value = self._constructor.construct_object(node, deep=True)
        # AttributeError: PyYAML's timestamp constructor on "!!timestamp x", which is no date
        except (yaml.YAMLError, ValueError, OverflowError, AttributeError) as exc:
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
            key = self._scalar(key_node, path)
            if key is None and key_node.tag == _STR:
                continue  # an unreadable string, reported
            key = str(key)
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


class _Exceeded(Exception):
    """A limit breached while composing, at ``mark``."""

    def __init__(self, code: str, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


class _Bounded:
    """Composing that stops past ``max_depth`` levels or ``max_items`` items of a list.

    PyYAML composes recursively and its scanner slows down with every open
    flow collection (``[[[[...``), so the bounds are checked as nodes are
    composed: a deep or long document fails fast, long before the recursion
    limit, and before the rest of it is parsed.
    """

    limits: Limits
    _depth: int

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        limits = self.limits
        if self._depth > limits.max_depth:  # the root is depth 0, as in _Builder.build
            raise _Exceeded("limit-depth", _DEEP.format(limits.max_depth), self._mark())
        if isinstance(parent, yaml.SequenceNode) and index == limits.max_items:
            raise _Exceeded("limit-items", _LONG.format(limits.max_items), self._mark())
        self._depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]
        finally:
            self._depth -= 1

    def _mark(self) -> yaml.Mark:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser's
        mark: yaml.Mark = event.start_mark
        return mark


class _Loader(_Bounded, yaml.SafeLoader):
    """The pure-Python safe parser, bounded: its messages are the ones reported."""

    def __init__(self, text: str, limits: Limits) -> None:
        super().__init__(text)
        self.limits = limits
        self._depth = 0


_FastLoader: type[_Bounded] | None = None
if yaml.__with_libyaml__:  # pragma: no branch - PyYAML's wheels bundle libyaml
    from yaml._yaml import CParser

    class _CLoader(_Bounded, Composer, Resolver, CParser):
        """libyaml's parser (about eight times faster) under the same composer and bounds."""

        def __init__(self, text: str, limits: Limits) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.limits = limits
            self._depth = 0

    _FastLoader = _CLoader


def _iter_compose(loader: Any) -> Iterator[yaml.Node]:
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    finally:
        loader.dispose()


def _compose(text: str, limits: Limits) -> list[yaml.Node]:
    """Every document of ``text``, by libyaml when it can; any error is PyYAML's, as before."""
    if _FastLoader is not None:
        try:
            return list(_iter_compose(_FastLoader(text, limits)))  # type: ignore[call-arg]
        except (yaml.YAMLError, UnicodeError, ValueError):
            pass  # parsed again below, for PyYAML's message and position
    loader = _Loader(text, limits)
    try:
        return list(_iter_compose(loader))
    except (ValueError, OverflowError):  # PyYAML's scanner on "\UFFFFFFFF"
        raise yaml.scanner.ScannerError(
            problem="an escape beyond Unicode (the largest is \\U0010FFFF)",
            problem_mark=loader.get_mark(),
        ) from None


def read_file(target: Traversable, *, file: str, limits: Limits | None = None) -> str:
    """The UTF-8 text of ``target``, reading no more than the size limit and one byte.

    A file beyond the limit (or an endless one, such as a device) is a
    ``limit-size`` :class:`~sistereval.errors.LimitError` named ``file``;
    ``OSError`` (also for a path with a NUL character, which ``open`` refuses with a
    ``ValueError``) and ``UnicodeDecodeError`` are the caller's to report.
    """
    limits = limits or Limits()
    try:
        stream = target.open("rb")
    except ValueError:  # an embedded NUL character: no file can have that name
        raise OSError(errno.EINVAL, "the path contains a NUL character") from None
    with stream:
        data = stream.read(limits.max_bytes + 1)
    _within_size(data, file, limits)
    return data.decode("utf-8")


def _within_size(data: bytes, file: str, limits: Limits) -> None:
    """Raise ``limit-size`` when ``data`` (read up to one byte past the limit) is over it."""
    if len(data) > limits.max_bytes:
        problem = Problem(
            code="limit-size",
            message=f"the file is larger than {limits.max_bytes} bytes",
            location=Location(file=file),
        )
        raise LimitError([problem])


#: ``os.open`` flags for a file another file names: never wait for a writer (a FIFO),
#: never become the controlling terminal, never leak into a child process.
_NAMED_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | os.O_CLOEXEC
)


class NotRegularFileError(OSError):
    """The path names a FIFO, a device, a socket or a directory, not a regular file."""


def read_regular_file(path: str, *, file: str, limits: Limits | None = None) -> str:
    """The UTF-8 text of the regular file ``path``, which a rule file names.

    Its type is checked before anything is read: ``os.stat`` first, then the
    file is opened without blocking (a FIFO with no writer does not wait) and
    ``os.fstat`` checks the opened file again, so a file swapped for a FIFO or
    a device in between is refused too.  Raises :class:`NotRegularFileError`
    (an ``OSError``) for anything but a regular file, the ``OSError`` of a
    missing or unreadable file, ``limit-size`` and ``UnicodeDecodeError``.
    """
    return read_regular_bytes(path, file=file, limits=limits).decode("utf-8")


def read_regular_bytes(path: str, *, file: str, limits: Limits | None = None) -> bytes:
    """:func:`read_regular_file`'s bytes, undecoded (a workbook)."""
    limits = limits or Limits()
    if "\0" in path:
        raise OSError(errno.EINVAL, "the path contains a NUL character")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFileError(errno.EINVAL, "not a regular file")
    descriptor = os.open(path, _NAMED_FLAGS)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file")
        data = stream.read(limits.max_bytes + 1)
    _within_size(data, file, limits)
    return data


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
        nodes = _compose(text, limits)
    except _Exceeded as exceeded:
        at = exceeded.mark
        raise fail(exceeded.code, exceeded.message, at.line + 1, at.column + 1) from None
    except RecursionError:
        raise fail("limit-depth", _DEEP.format(limits.max_depth)) from None
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
        raise fail("limit-depth", _DEEP.format(limits.max_depth)) from None
    except _Stop as stop:
        mark = stop.node.start_mark
        raise fail(stop.code, stop.message, mark.line + 1, mark.column + 1) from None
    if builder.problems:
        raise _syntax_error(builder.problems)
    return doc


def _syntax_error(problems: list[Problem]) -> DocumentError:
    return DocumentError(problems)
