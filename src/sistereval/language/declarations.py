"""Reading the ``invariants`` and ``tests`` of a rule file, and separate test files.

Tests name a case file (resolved against the directory of the file that
declares them) or give the facts inline; inline facts are checked against
the fact schema.  Whether the verdicts and rule ids a rule file's own tests
name exist is checked once the rule set is resolved
(:mod:`sistereval.language.resolve`).  A test file ``NAME_test.yaml`` beside
``NAME.yaml`` (``format: sistereval/tests@1``, ``rules: NAME.yaml``,
``tests: [...]``) is read by :func:`read_test_file` against the resolved
rule set.
"""

from __future__ import annotations

import importlib.resources
import os
import re
from collections.abc import Sequence
from pathlib import Path as Path_
from typing import Any

import attrs

from .. import ir
from ..documents import Path, format_path, read_document
from ..errors import Location, Problem, RuleError
from ..messages import REACH, did_you_mean, suggest_value
from ..model import PartialDate
from ..schema import FactDef, FactSchema, FactType, number_too_large
from .reach import base_folder, reach
from .shape import RULE_ID, At, ShapeReader
from .templates import TemplateError, numeric_spec, parse_template

__all__ = [
    "TEST_FORMAT",
    "TEST_KEYS",
    "TYPE_NAMES",
    "RawTest",
    "read_invariants",
    "read_test_file",
    "read_tests",
    "template_problems",
    "test_file_for",
]

#: The optional keys of a test (``name`` is required).
TEST_KEYS = ("case", "facts", "verdict", "fires", "not_fires")
_CASE_SUFFIXES = (".yaml", ".yml", ".json")
#: ``case: bandung-namur`` names a shipped example; a path has a suffix.
_EXAMPLE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def shipped_examples() -> dict[str, str]:
    """The example cases shipped with sistereval, by name: ``bandung-namur`` -> its path."""
    folder = importlib.resources.files("sistereval") / "examples"
    if not folder.is_dir():
        return {}
    return {
        item.name[:-5]: str(item)
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.name.endswith(".yaml") and item.is_file()
    }


@attrs.frozen(kw_only=True)
class RawTest:
    test: ir.RuleTest
    verdict: At[str] | None
    fires: tuple[At[str], ...]  # fires and not_fires, for checking that the rules exist


def read_invariants(
    reader: ShapeReader, schema: FactSchema, value: object
) -> tuple[dict[str, object], ...]:
    """The ``invariants`` list; problems go to ``reader``."""
    return _Reader(reader, schema, "").invariants(value)


def read_tests(
    reader: ShapeReader, schema: FactSchema, value: object, file: str
) -> tuple[RawTest, ...]:
    """The ``tests`` list of rule file ``file``; problems go to ``reader``."""
    return _Reader(reader, schema, file).tests(value)


class _Reader(ShapeReader):
    def __init__(self, reader: ShapeReader, schema: FactSchema, file: str) -> None:
        super().__init__(reader.doc)
        self.problems = reader.problems  # one list: the file's
        self.schema = schema
        self.file_name = file

    def invariants(self, value: object) -> tuple[dict[str, object], ...]:
        if not isinstance(value, list):
            self.wrong_type(("invariants",), value, "a list")
            return ()
        out: list[dict[str, object]] = []
        for index, item in enumerate(value):
            path: Path = ("invariants", index)
            data = self.mapping(path, item, ("monotone", "direction"))
            if data is None or "monotone" not in data or "direction" not in data:
                continue
            name = self.text((*path, "monotone"), data["monotone"])
            direction = self.choice(
                (*path, "direction"), data["direction"], ("up", "down"), "direction"
            )
            fact = None if name is None else self.schema.scalar(name)
            if name is not None and fact is None:
                self.report(
                    "unknown-fact",
                    f"{name!r}",
                    self.loc((*path, "monotone")),
                    did_you_mean(name, (f.name for f in self.schema.scalars)),
                )
            elif fact is not None and fact.type not in _MONOTONE:
                kind = TYPE_NAMES[fact.type]
                self.report(
                    "type-mismatch",
                    f"{name!r} is {kind}; a monotone fact is a number or a boolean",
                    self.loc((*path, "monotone")),
                )
            elif name is not None and direction is not None:
                out.append({"monotone": name, "direction": direction})
        return tuple(out)

    def tests(self, value: object) -> tuple[RawTest, ...]:
        if not isinstance(value, list):
            self.wrong_type(("tests",), value, "a list")
            return ()
        out: list[RawTest] = []
        names: set[str] = set()
        for index, item in enumerate(value):
            path: Path = ("tests", index)
            data = self.mapping(path, item, ("name",), TEST_KEYS)
            if data is None or "name" not in data:
                continue
            name = self.text((*path, "name"), data["name"])
            if name is None:
                continue
            if name in names:
                self.report(
                    "duplicate-test", f"a test named {name!r} is already defined", self.loc(path)
                )
            names.add(name)
            out.append(self.test(path, name, data))
        return tuple(out)

    def test(self, path: Path, name: str, data: dict[str, Any]) -> RawTest:
        case = None
        facts = None
        if "case" in data and "facts" in data:
            self.report(
                "conflicting-keys",
                "a test has 'case' or 'facts', not both",
                self.loc((*path, "facts"), key=True),
            )
        elif "case" in data:
            relative = self.text((*path, "case"), data["case"])
            if relative is not None:
                case = self.case_file(relative, self.loc((*path, "case")))
        elif "facts" in data:
            facts = self.facts((*path, "facts"), data["facts"])
        else:
            self.report("missing-key", "'case' or 'facts' is required", self.loc(path))
        verdict = None
        if "verdict" in data:
            text = self.text((*path, "verdict"), data["verdict"])
            verdict = None if text is None else At(text, self.loc((*path, "verdict")))
        lists = {
            key: self.names((*path, key), data.get(key, []), RULE_ID, "rule id") or ()
            for key in ("fires", "not_fires")
        }
        test = ir.RuleTest(
            name=name,
            case=case,
            facts=facts,
            verdict=None if verdict is None else verdict.value,
            fires=tuple(item.value for item in lists["fires"]),
            not_fires=tuple(item.value for item in lists["not_fires"]),
            loc=self.loc(path),
        )
        return RawTest(test=test, verdict=verdict, fires=(*lists["fires"], *lists["not_fires"]))

    def case_file(self, named: str, loc: Location) -> str | None:
        """The case file a test names: a shipped example by its name (``bandung-namur``),
        or a file under this rule file's folder (:func:`~sistereval.language.reach.reach`)."""
        if _EXAMPLE_NAME.fullmatch(named):
            examples = shipped_examples()
            if named not in examples:
                message = REACH["en"]["unknown_example"].format(name=named)
                self.report("unknown-example", message, loc, suggest_value(named, examples))
                return None
            return examples[named]
        case, refused = reach(
            base_folder(self.file_name),
            named,
            what="case file",
            suffixes=_CASE_SUFFIXES,
            loc=loc,
            code="bad-case",
        )
        if refused is not None:
            self.problems.append(refused)
            return None
        return case

    def facts(self, path: Path, value: object) -> dict[str, object] | None:
        if not isinstance(value, dict):
            self.wrong_type(path, value, "a mapping of fact names to values")
            return None
        names = [f.name for f in self.schema.scalars] + [c.name for c in self.schema.collections]
        for name, item in value.items():
            fact = self.schema.scalar(name)
            coll = self.schema.collection(name)
            if fact is not None:
                self.fact_value((*path, name), fact, item)
            elif coll is not None and not isinstance(item, list):
                self.wrong_type((*path, name), item, "a list of items")
            elif coll is not None:
                for index, entry in enumerate(item):
                    attrs_ = [f.name for f in coll.items]
                    data = self.mapping((*path, name, index), entry, (), attrs_)
                    for key, attr_value in (data or {}).items():
                        attr = coll.item(key)
                        if attr is not None:
                            self.fact_value((*path, name, index, key), attr, attr_value)
            else:
                loc = attrs.evolve(self.loc((*path, name), key=True), path=format_path(path))
                self.report("unknown-fact", f"{name!r}", loc, did_you_mean(name, names))
        return dict(value)

    def fact_value(self, path: Path, fact: FactDef, value: object) -> None:
        if value is None:
            return
        expected = _fits(fact, value)
        too_large = (
            number_too_large(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else None
        )
        if expected is not None:
            self.wrong_type(path, value, expected)
        elif too_large is not None:
            self.report("bad-value", too_large, self.loc(path))
        elif fact.values and isinstance(value, str | list):
            for item in value if isinstance(value, list) else [value]:
                if item not in fact.values:
                    self.report(
                        "bad-enum-value",
                        f"{item!r} is not an allowed value of {fact.name!r}",
                        self.loc(path),
                        suggest_value(str(item), fact.values),
                    )


_MONOTONE = (FactType.NUMBER, FactType.INTEGER, FactType.BOOLEAN)
TYPE_NAMES = {
    FactType.NUMBER: "a number",
    FactType.INTEGER: "a number",
    FactType.BOOLEAN: "a boolean",
    FactType.STRING: "a string",
    FactType.ENUM: "a string of fixed values",
    FactType.DATE: "a date",
    FactType.LIST: "a list",
}


def template_problems(text: str, schema: FactSchema) -> list[tuple[int, str, str, str | None]]:
    """The problems of a message template: ``(offset in text, code, message,
    suggestion)`` for a template that does not parse, a placeholder naming no fact of
    ``schema``, and a number format on a fact that is no number."""
    try:
        parts = parse_template(text)
    except TemplateError as exc:
        return [(exc.offset, "bad-template", exc.message, None)]
    names = [fact.name for fact in schema.scalars]
    out: list[tuple[int, str, str, str | None]] = []
    for part in parts:
        if isinstance(part, str):
            continue
        fact = schema.scalar(part.name)
        if fact is None:
            hint = did_you_mean(part.name, names)
            out.append((part.start, "unknown-placeholder", f"'{{{part.name}}}'", hint))
        elif numeric_spec(part.spec) and fact.type not in (FactType.NUMBER, FactType.INTEGER):
            kind = TYPE_NAMES[fact.type]
            message = f"the format {part.spec!r} needs a number; {part.name!r} is {kind}"
            out.append((part.start, "bad-template", message, None))
    return out


def _fits(fact: FactDef, value: object) -> str | None:
    """None when ``value`` suits ``fact``, else what was expected."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if fact.type is FactType.INTEGER:
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return None if number and whole else "a whole number"
    if fact.type is FactType.NUMBER:
        return None if number else "a number"
    if fact.type is FactType.BOOLEAN:
        return None if isinstance(value, bool) else "true or false"
    if fact.type in (FactType.STRING, FactType.ENUM):
        return None if isinstance(value, str) else "text"
    if fact.type is FactType.LIST:
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return None if ok else "a list of text"
    try:
        PartialDate.parse(value)
    except ValueError:
        return "a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    return None


# --------------------------------------------------------------------------
# separate test files


TEST_FORMAT = "sistereval/tests@1"


def test_file_for(rule_file: str) -> Path_ | None:
    """The test file beside ``rule_file`` (``core.yaml`` -> ``core_test.yaml``), if any."""
    path = Path_(rule_file)
    beside = path.with_name(f"{path.stem}_test{path.suffix}")
    return beside if beside.is_file() else None


def read_test_file(path: Path_, ruleset: ir.RuleSet, schema: FactSchema) -> tuple[ir.RuleTest, ...]:
    """The tests of a ``format: sistereval/tests@1`` file for ``ruleset``.

    Its ``rules:`` must name the rule file of ``ruleset`` (relative to the
    test file); its tests are read and checked as a rule file's own.  Raises
    :class:`~sistereval.errors.RuleError` with every problem found.
    """
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problem = Problem(
            code="read-error",
            message=f"cannot read the test file: {reason}",
            location=Location(file=file),
        )
        raise RuleError([problem]) from None
    reader = ShapeReader(read_document(text, file=file))
    reader.root_hint = f"a test file is a mapping that starts with 'format: {TEST_FORMAT}'"
    data = reader.mapping((), reader.doc.data, ("format", "rules", "tests")) or {}
    if "format" in data and data["format"] != TEST_FORMAT:
        reader.report(
            "bad-format",
            f"expected {TEST_FORMAT!r}, got {data['format']!r}",
            reader.loc(("format",)),
        )
    target = reader.text(("rules",), data["rules"]) if "rules" in data else None
    if target is not None and not _same_file(path.parent / target, ruleset.file):
        reader.report(
            "wrong-rule-file",
            f"the tests are for {target!r}, but this file is beside {ruleset.file!r}",
            reader.loc(("rules",)),
            f"write 'rules: {Path_(ruleset.file or '').name}'",
        )
    raw = read_tests(reader, schema, data.get("tests", []), file)
    _check_references(reader, raw, ruleset)
    if reader.problems:
        raise RuleError(reader.problems)
    return tuple(item.test for item in raw)


def _same_file(path: Path_, other: str | None) -> bool:
    return other is not None and os.path.realpath(path) == os.path.realpath(other)


def _check_references(reader: ShapeReader, raw: Sequence[RawTest], ruleset: ir.RuleSet) -> None:
    """Report verdicts and rule ids the rule set does not have, and names its own tests use."""
    verdicts = (*ruleset.scale, "not_assessable")
    ids = [rule.id for rule in ruleset.rules]
    inline = {test.name for test in ruleset.tests}
    for item in raw:
        if item.test.name in inline:
            message = f"the rule file already has a test named {item.test.name!r}"
            reader.report("duplicate-test", message, item.test.loc)
        if item.verdict is not None and item.verdict.value not in verdicts:
            closest = suggest_value(item.verdict.value, verdicts)
            reader.report("unknown-verdict", f"{item.verdict.value!r}", item.verdict.loc, closest)
        for rule in item.fires:
            if rule.value not in ids:
                hint = did_you_mean(rule.value, ids)
                reader.report("unknown-rule", f"{rule.value!r}", rule.loc, hint)
