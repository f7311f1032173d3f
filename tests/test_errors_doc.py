"""Every error code in ``src/`` has an entry in ``docs/errors.md``, and no other.

How the codes are found.  Every module of ``src/sistereval`` is parsed with
:mod:`ast` (nothing is imported or run) and a string constant counts as an
error code when it stands in a *code position*:

1. ``code="..."`` as a keyword argument of any call (``Problem(code=...)``,
   ``self.fail(..., code="arity")``).
2. A *code sink* is any function or method with a parameter named ``code``
   (``report(self, code, ...)``, ``add(self, code, ...)``, ``_Stop.__init__``,
   the nested ``fail(code, ...)`` of ``read_document``, ``unique(..., code)``
   of ``reference_problems``).  Sinks are found by scanning the definitions,
   so a new helper is picked up without changing this test.  The argument at
   that parameter's position in every call of a sink's name (an ``__init__``
   counts as its class's name) is a code position when the call's argument
   count fits the signature (so ``set.add(x)`` is not taken for
   ``_Checker.add(code, message, path)``), and so is the parameter's default
   (``code: str = "syntax"``).
3. Problems passed around as tuples: wherever a tuple is unpacked into a
   name ``code`` and a name ``message`` or ``msg`` (``for path, code,
   message, hint in problems``,
   ``code, message, suggestion = _validator_problem(...)``), the pair
   (tuple length, index of ``code``) is learnt; in every tuple *literal* of
   that length that is returned, yielded or passed to ``.append``, the string
   constant at that index is a code
   (``out.append(("partners", "too-few-partners", message, None))``).
4. ``code = ...`` assignments (``code = "a" if ... else "b"``) and the value
   of a ``"code"`` key in a dict literal (``{"code": "internal-error", ...}``).
5. Code tables: a set, frozenset, tuple or list literal assigned to a name
   containing ``CODES`` whose every element has the shape of a code
   (``_DOCUMENT_CODES``, but not ``COUNTRY_CODES = {"AD", ...}``).

In a code position a conditional expression counts by both branches; an
f-string or any other computed string fails the test, since a code must be a
literal that can be documented.  As a net for codes that reach a
``Problem`` some other way, every hyphenated lower-case string constant in
``src/`` (the shape of nearly every code) must either be a code found above
or be listed in :data:`NOT_CODES`.

The documented codes are the level-3 headings ``### `code``` of
``docs/errors.md``; each section must say where the code arises, its cause,
an example message and the fix.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "sistereval"
DOC = ROOT / "docs" / "errors.md"

CODE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
HYPHENATED = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
#: Hyphenated string constants in ``src/`` that are not error codes.
NOT_CODES = frozenset(
    {
        "utf-8",  # an encoding
        "sistereval-interrupt",  # threads
        "sistereval-watchdog",
        "unknown-limit",  # certainty.robust.status and .method
        "three-valued",
        "self-assessment",  # an evidence type in words (messages.CERTAINTY)
    }
)
#: What each entry of ``docs/errors.md`` must say.
SECTION_PARTS = ("**Where:**", "**Cause:**", "**Example:**", "**Fix:**")


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _strings(node: ast.expr, where: str, computed: list[str]) -> Iterator[str]:
    """The string constants ``node`` can evaluate to, in a code position."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body, where, computed)
        yield from _strings(node.orelse, where, computed)
    elif isinstance(node, ast.JoinedStr | ast.BinOp):
        computed.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    # A name or attribute forwards a code chosen elsewhere: that place is scanned.


class CodeScan:
    """The result of scanning ``src/``: codes, where each was found, computed codes."""

    def __init__(self, src: Path) -> None:
        self.trees = {
            path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(src.rglob("*.py"))
        }
        self.codes: dict[str, set[str]] = {}
        self.computed: list[str] = []
        sinks = self._sinks()
        shapes = self._tuple_shapes()
        for path, tree in self.trees.items():
            for node in ast.walk(tree):
                where = f"{path.relative_to(src.parent.parent)}"
                for expr in self._positions(node, sinks, shapes):
                    for code in _strings(expr, where, self.computed):
                        self.codes.setdefault(code, set()).add(f"{where}:{expr.lineno}")

    def _sinks(self) -> dict[str, list[tuple[int, int, int]]]:
        """Function name -> (index of ``code``, fewest and most positional arguments).

        The argument counts keep a sink apart from a method of the same name
        (``_Checker.add(code, message, path)`` is a sink, ``set.add(x)`` not).
        """
        sinks: dict[str, list[tuple[int, int, int]]] = {}

        def add(name: str, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
            defaults = len(function.args.defaults)
            if params and params[0] in ("self", "cls"):
                params = params[1:]
            if "code" in params:
                most = 1_000 if function.args.vararg else len(params)
                entry = (params.index("code"), len(params) - defaults, most)
                sinks.setdefault(name, []).append(entry)

        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                            add(node.name, item)  # _Stop("limit-nodes", ...)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    node.name != "__init__"
                ):
                    add(node.name, node)
        return sinks

    def _tuple_shapes(self) -> set[tuple[int, int]]:
        """(length, index) of every tuple unpacked into a name ``code``."""
        shapes: set[tuple[int, int]] = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Store)):
                    continue
                names = [elt.id if isinstance(elt, ast.Name) else "" for elt in node.elts]
                # a problem has a message: (code, state) = assert_fact(...) is no problem
                if "code" in names and {"message", "msg"} & set(names):
                    shapes.add((len(names), names.index("code")))
        return shapes

    def _positions(
        self,
        node: ast.AST,
        sinks: dict[str, list[tuple[int, int, int]]],
        shapes: set[tuple[int, int]],
    ) -> Iterator[ast.expr]:
        """The expressions in ``node`` that stand where a code goes."""
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "code":  # Problem(code=...), fail(..., code=...)
                    yield keyword.value
            given = len(node.args) + sum(1 for k in node.keywords if k.arg is not None)
            for index, fewest, most in sinks.get(_call_name(node) or "", ()):
                if index < len(node.args) and fewest <= given and len(node.args) <= most:
                    yield node.args[index]
            if _call_name(node) == "append":  # out.append((path, code, message, hint))
                yield from self._tuple_codes(node.args, shapes)
        elif isinstance(node, ast.Return | ast.Yield) and node.value is not None:
            yield from self._tuple_codes([node.value], shapes)  # return code, message, hint
        elif isinstance(node, ast.Dict):  # {"code": "internal-error", "message": ...}
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "code":
                    yield value
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args  # def fail(..., code: str = "syntax")
            positional = [*args.posonlyargs, *args.args]
            with_default = positional[len(positional) - len(args.defaults) :]
            for arg, default in zip(with_default, args.defaults, strict=True):
                if arg.arg == "code":
                    yield default
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if arg.arg == "code" and kw_default is not None:
                    yield kw_default
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if "code" in names:  # code = "a" if ... else "b"
                yield node.value
            elif any("CODES" in name for name in names):  # _DOCUMENT_CODES = frozenset({...})
                value = node.value
                if isinstance(value, ast.Call) and value.args:
                    value = value.args[0]
                elements = value.elts if isinstance(value, ast.Set | ast.Tuple | ast.List) else []
                if all(  # a table of error codes, not COUNTRY_CODES = {"AD", ...}
                    isinstance(e, ast.Constant) and CODE_SHAPE.match(str(e.value)) for e in elements
                ):
                    yield from elements

    @staticmethod
    def _tuple_codes(values: list[ast.expr], shapes: set[tuple[int, int]]) -> Iterator[ast.expr]:
        """The code element of each problem-shaped tuple literal among ``values``."""
        for value in values:
            if isinstance(value, ast.Tuple):
                for length, index in shapes:
                    element = value.elts[index] if len(value.elts) == length else None
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        yield element

    def hyphenated(self) -> dict[str, str]:
        """Every hyphenated lower-case string constant in ``src/`` and one place it stands."""
        found: dict[str, str] = {}
        for path, tree in self.trees.items():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and HYPHENATED.match(node.value)
                ):
                    found.setdefault(node.value, f"{path.name}:{node.lineno}")
        return found


def documented(text: str) -> list[str]:
    """The codes ``docs/errors.md`` has an entry for, in order."""
    return re.findall(r"^### `([^`]+)`\s*$", text, flags=re.MULTILINE)


def sections(text: str) -> dict[str, str]:
    """Code -> the text of its entry, up to the next heading."""
    parts = re.split(r"^(?=#{1,3} )", text, flags=re.MULTILINE)
    out: dict[str, str] = {}
    for part in parts:
        match = re.match(r"### `([^`]+)`", part)
        if match:
            out[match.group(1)] = part
    return out


@pytest.fixture(scope="module")
def scan() -> CodeScan:
    return CodeScan(SRC)


@pytest.fixture(scope="module")
def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


class TestScan:
    """The scan itself finds codes of every kind of code position."""

    @pytest.mark.parametrize(
        "code",
        [
            "yaml-syntax",  # Problem(code=...)
            "limit-nodes",  # _Stop("limit-nodes", ...): an __init__ sink
            "limit-size",  # the nested fail("limit-size", ...) of read_document
            "unsafe-tag",  # self._problem("unsafe-tag", ...)
            "wrong-type",  # self.add(...) and self.report(...)
            "syntax",  # the default of fail(..., code="syntax")
            "arity",  # fail(..., code="arity")
            "duplicate-id",  # unique(..., "duplicate-id")
            "unknown-source",  # ref(..., "unknown-source", ...)
            "too-few-partners",  # a (path, code, message, hint) tuple
            "out-of-range",  # a (code, message, suggestion) tuple
            "claim-type",  # a tuple in facts.claim_problems
            "rule-cycle",  # _strata
            "engine-limit",  # _finish
        ],
    )
    def test_finds(self, scan: CodeScan, code: str) -> None:
        assert code in scan.codes

    def test_codes_have_the_code_shape(self, scan: CodeScan) -> None:
        assert [] == sorted(code for code in scan.codes if not CODE_SHAPE.match(code))

    def test_no_computed_codes(self, scan: CodeScan) -> None:
        assert [] == scan.computed

    def test_every_hyphenated_constant_is_a_code_or_known_not_to_be(self, scan: CodeScan) -> None:
        """A code that reaches a Problem by a route the scan does not know shows up here."""
        unexplained = {
            value: where
            for value, where in scan.hyphenated().items()
            if value not in scan.codes and value not in NOT_CODES
        }
        assert {} == unexplained

    def test_fake_code_is_found(self, tmp_path: Path) -> None:
        """A code added through a new helper is found, so the doc test below would fail."""
        (tmp_path / "new.py").write_text(
            "def complain(where, code, message):\n    pass\n\n"
            "complain('here', 'fake-code-for-test', 'a message')\n"
            "Problem(code='other-fake-code', message='m')\n",
            encoding="utf-8",
        )
        found = CodeScan(tmp_path).codes
        assert {"fake-code-for-test", "other-fake-code"} == set(found)
        assert "fake-code-for-test" not in documented(DOC.read_text(encoding="utf-8"))


class TestErrorsDoc:
    def test_every_code_is_documented(self, scan: CodeScan, doc_text: str) -> None:
        missing = {
            code: sorted(scan.codes[code])
            for code in scan.codes
            if code not in documented(doc_text)
        }
        assert {} == missing

    def test_no_code_is_documented_that_src_never_produces(
        self, scan: CodeScan, doc_text: str
    ) -> None:
        assert [] == [code for code in documented(doc_text) if code not in scan.codes]

    def test_each_code_has_one_entry(self, doc_text: str) -> None:
        codes = documented(doc_text)
        assert sorted(set(codes)) == sorted(codes)

    def test_each_entry_is_complete(self, doc_text: str) -> None:
        incomplete = {
            code: [part for part in SECTION_PARTS if part not in body]
            for code, body in sections(doc_text).items()
        }
        assert {} == {code: parts for code, parts in incomplete.items() if parts}
