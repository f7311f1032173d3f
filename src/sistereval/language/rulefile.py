"""Reading one rule file (``format: sistereval/rules@1``) into checked raw parts.

This module knows the shape of a rule file: its keys, their types, rule
ids, consequences and message templates (tests and invariants are read by
:mod:`sistereval.language.declarations`, the changeable paths by
:mod:`sistereval.language.changeable`).  Everything
that depends on other files (the inherited rules, the verdict scale and
factor lists of a parent, the rule ids ``fired()`` may name) is checked
later by :mod:`sistereval.language.resolve`.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .. import ir
from ..documents import Document, Path, format_path
from ..errors import Location, Problem, RuleError
from ..messages import suggest_value
from ..schema import FINDING_KINDS, SEVERITIES, FactSchema
from .changeable import read_changeable
from .declarations import RawTest, read_invariants, read_tests, template_problems
from .parser import parse
from .shape import NAME, RULE_ID, At, ShapeReader
from .srcmap import SourceMap

__all__ = [
    "CONSEQUENCES",
    "FORMAT",
    "HIT_POLICIES",
    "LANGUAGE_CODE",
    "POLICIES",
    "RULE_REQUIRED",
    "TOP_OPTIONAL",
    "TOP_REQUIRED",
    "VERSION",
    "RawRule",
    "RuleFile",
    "TableRef",
    "Verdicts",
    "read_rule_file",
]

FORMAT = "sistereval/rules@1"
POLICIES = ("worst", "best", "priority")
#: The hit policies of a decision table (``tables:``, see ``language/tables.py``).
HIT_POLICIES = ("collect", "first", "unique")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
#: A rule set's version: it lands in every decision record (a CSV cell, a report), so
#: only characters no spreadsheet, terminal or page acts on, at most 64 of them.
VERSION = re.compile(r"[0-9A-Za-z.+_-]{1,64}")
TOP_REQUIRED = ("format", "id", "version", "title")
TOP_OPTIONAL = (
    "description",
    "languages",
    "extends",
    "verdicts",
    "factors",
    "obstacle_groups",
    "disable",
    "rules",
    "invariants",
    "changeable",
    "tests",
    "tables",
)
RULE_REQUIRED = ("id", "title", "when", "then", "because", "source")
CONSEQUENCES = {
    "finding": ("finding", "factor", "severity"),
    "verdict": ("verdict",),
    "derive": ("derive",),
}


@attrs.frozen
class Verdicts:
    """A rule file's ``verdicts:``; ``unique`` and ``undecided_when`` are read by ``check``."""

    scale: tuple[str, ...]
    policy: str
    unique: bool = False
    undecided_when: ir.Expr | None = None


@attrs.frozen(kw_only=True)
class RawRule:
    """One rule as written; ``when``/``then`` are None when they could not be read."""

    id: At[str]
    title: str  # the English title (or the first given): the fallback of every language
    titles: dict[str, str] = attrs.field(eq=False)  # language -> title
    title_keys: dict[str, Location] = attrs.field(eq=False)
    text: str
    when: ir.Expr | None
    when_loc: Location
    then: At[ir.Then] | None  # located at the factor, verdict or derived name
    because: At[dict[str, str]] | None  # None when the rule has no 'because'
    because_keys: dict[str, Location] = attrs.field(eq=False)
    source: str
    override: At[bool] | None
    loc: Location


@attrs.frozen(kw_only=True)
class TableRef:
    """A ``tables:`` entry: the table's file (as written, relative to the rule file), its
    sheet (xlsx), its hit policy, and where the entry is."""

    file: str
    sheet: str | None
    hit_policy: str
    loc: Location


@attrs.frozen(kw_only=True)
class RuleFile:
    """Everything one file says; a metadata list is None when the file does not give it."""

    file: str
    id: str
    version: str
    title: str
    description: str
    extends: At[str] | None
    languages: At[tuple[str, ...]] | None
    verdicts: At[Verdicts] | None
    factors: At[tuple[str, ...]] | None
    obstacle_groups: At[tuple[str, ...]] | None
    disable: tuple[At[str], ...]
    rules: tuple[RawRule, ...]
    invariants: tuple[dict[str, object], ...]
    changeable: tuple[ir.Changeable, ...]
    tests: tuple[RawTest, ...]
    problems: tuple[Problem, ...]
    root: Location
    mapping: bool  # whether the document is a mapping at all
    tables: tuple[TableRef, ...] = ()


def read_rule_file(doc: Document, source: str, schema: FactSchema) -> RuleFile:
    """Check the shape of one rule file and parse its conditions and templates."""
    return _Reader(doc, source, schema).file()


class _Reader(ShapeReader):
    root_hint = f"a rule file is a mapping that starts with 'format: {FORMAT}'"

    def __init__(self, doc: Document, source: str, schema: FactSchema) -> None:
        super().__init__(doc)
        self.source = SourceMap(source)
        self.schema = schema
        self.file_name = doc.file or "<input>"

    # ------------------------------------------------------------ the file

    def file(self) -> RuleFile:
        root = self.loc(())
        mapping = self.mapping((), self.doc.data, TOP_REQUIRED, TOP_OPTIONAL)
        data = mapping or {}
        fmt = data.get("format")
        if "format" in data and fmt != FORMAT:
            hint = "this is a case file" if str(fmt).startswith("sistereval/case") else None
            self.report(
                "bad-format", f"expected {FORMAT!r}, got {fmt!r}", self.loc(("format",)), hint
            )
        extends = None
        if "extends" in data:
            target = self.text(("extends",), data["extends"])
            if target is not None:
                extends = At(target, self.loc(("extends",)))
        set_id = self.name(("id",), data["id"], RULE_ID, "rule set id") if "id" in data else None
        rules = self.rules(data.get("rules", []))
        tables = self.tables(data.get("tables", []))
        return RuleFile(
            file=self.file_name,
            id=set_id or "",
            version=self.version(data),
            title=self.optional_text((), data, "title"),
            description=self.optional_text((), data, "description"),
            extends=extends,
            languages=self.name_list(data, "languages", LANGUAGE_CODE, "language code"),
            verdicts=self.verdicts(data),
            factors=self.name_list(data, "factors", NAME, "factor name"),
            obstacle_groups=self.name_list(data, "obstacle_groups", NAME, "obstacle group name"),
            disable=self.names(("disable",), data.get("disable", []), RULE_ID, "rule id") or (),
            rules=rules,
            invariants=read_invariants(self, self.schema, data.get("invariants", [])),
            changeable=read_changeable(self, data.get("changeable", [])),
            tests=read_tests(self, self.schema, data.get("tests", []), self.file_name),
            problems=tuple(self.problems),
            root=root,
            mapping=mapping is not None,
            tables=tables,
        )

    def tables(self, value: object) -> tuple[TableRef, ...]:
        """The decision tables the file includes: ``[{file, sheet?, hit_policy?}]``."""
        if not isinstance(value, list):
            self.wrong_type(("tables",), value, "a list of tables")
            return ()
        found = []
        for index, item in enumerate(value):
            path: Path = ("tables", index)
            data = self.mapping(path, item, ("file",), ("sheet", "hit_policy"))
            if data is None or "file" not in data:
                continue
            file = self.text((*path, "file"), data["file"])
            sheet = self.text((*path, "sheet"), data["sheet"]) if "sheet" in data else None
            policy = self.choice(
                (*path, "hit_policy"), data.get("hit_policy", "collect"), HIT_POLICIES, "hit policy"
            )
            if file is not None and policy is not None:
                found.append(
                    TableRef(file=file, sheet=sheet, hit_policy=policy, loc=self.loc(path))
                )
        return tuple(found)

    def version(self, data: dict[str, Any]) -> str:
        version = self.optional_text((), data, "version")
        if (
            "version" in data
            and isinstance(data["version"], str)
            and not VERSION.fullmatch(version)
        ):
            message = (
                f"{version!r} is not a version: use 1 to 64 letters, digits and '.', '+', '_', '-'"
            )
            self.report("bad-version", message, self.loc(("version",)))
            return ""
        return version

    def verdicts(self, data: dict[str, Any]) -> At[Verdicts] | None:
        if "verdicts" not in data:
            return None
        path: Path = ("verdicts",)
        optional = ("policy", "unique", "undecided_when")
        verdicts = self.mapping(path, data["verdicts"], ("scale",), optional)
        if verdicts is None or "scale" not in verdicts:
            return None
        scale = self.names((*path, "scale"), verdicts["scale"], NAME, "verdict name")
        if scale is None:
            return None
        if not scale:
            self.report("bad-value", "the verdict scale is empty", self.loc((*path, "scale")))
        for verdict in scale:
            if verdict.value == "not_assessable":
                self.report(
                    "bad-value",
                    "'not_assessable' is implicit: it is the verdict when no verdict rule fires",
                    verdict.loc,
                )
        policy = self.text((*path, "policy"), verdicts.get("policy", "worst")) or "worst"
        if policy not in POLICIES:
            self.report(
                "bad-value",
                f"{policy!r} is not a verdict policy",
                self.loc((*path, "policy")),
                suggest_value(policy, POLICIES),
            )
        unique = verdicts.get("unique", False)
        if not isinstance(unique, bool):
            self.wrong_type((*path, "unique"), unique, "true or false")
        _, undecided = self.when((*path, "undecided_when"), verdicts)
        scale_names = tuple(v.value for v in scale)
        found = Verdicts(scale_names, policy, unique is True, undecided)
        return At(found, self.loc(path, key=True))

    # ------------------------------------------------------------ rules

    def rules(self, value: object) -> tuple[RawRule, ...]:
        if not isinstance(value, list):
            self.wrong_type(("rules",), value, "a list of rules")
            return ()
        out = (self.rule(("rules", index), item) for index, item in enumerate(value))
        return tuple(rule for rule in out if rule is not None)

    def rule(self, path: Path, value: object) -> RawRule | None:
        data = self.mapping(path, value, RULE_REQUIRED, ("override",))
        if data is None:
            return None
        rule_id = self.name((*path, "id"), data.get("id"), RULE_ID, "rule id")
        text, when = self.when((*path, "when"), data)
        then = self.then((*path, "then"), data["then"]) if "then" in data else None
        because = self.per_language(
            (*path, "because"), data.get("because"), "a mapping of language to message"
        )
        titles, title_keys = self.titles((*path, "title"), data.get("title"))
        override = None
        if "override" in data:
            flag = data["override"]
            if isinstance(flag, bool):
                override = At(flag, self.loc((*path, "override")))
            else:
                self.wrong_type((*path, "override"), flag, "true or false")
        if rule_id is None:
            return None
        return RawRule(
            id=At(rule_id, self.loc((*path, "id"))),
            title=titles.get("en") or next(iter(titles.values()), ""),
            titles=titles,
            title_keys=title_keys,
            text=text,
            when=when,
            when_loc=self.loc((*path, "when")),
            then=then,
            because=At(because[0], self.loc((*path, "because"), key=True))
            if "because" in data
            else None,
            because_keys=because[1],
            source=self.optional_text(path, data, "source"),
            override=override,
            loc=self.loc(path),
        )

    def when(self, path: Path, data: dict[str, Any]) -> tuple[str, ir.Expr | None]:
        """The condition at ``path`` (``when``, or ``undecided_when``), parsed."""
        key = str(path[-1])
        if key not in data:
            return "", None
        text = self.text(path, data[key])
        if text is None:
            return "", None
        line, column = self.doc.values[path]
        locate = self.source.locator(line, column, text)
        try:
            expr = parse(text, locate=locate, file=self.doc.file, path=format_path(path))
        except RuleError as exc:
            self.problems.extend(exc.problems)
            return text, None
        return text, expr

    def then(self, path: Path, value: object) -> At[ir.Then] | None:
        if not isinstance(value, dict):
            self.wrong_type(path, value, "a mapping")
            return None
        kinds = [kind for kind in CONSEQUENCES if kind in value]
        if not kinds:
            self.report(
                "missing-key", "one of 'finding', 'verdict' or 'derive' is required", self.loc(path)
            )
            return None
        if len(kinds) > 1:
            self.report(
                "conflicting-keys",
                f"a rule has one consequence: {kinds[0]!r} or {kinds[1]!r}, not both",
                self.loc((*path, kinds[1]), key=True),
            )
        kind = kinds[0]
        data = self.mapping(
            path, {k: v for k, v in value.items() if k not in kinds[1:]}, CONSEQUENCES[kind]
        )
        if data is None or any(key not in data for key in CONSEQUENCES[kind]):
            return None
        if kind == "verdict":
            verdict = self.text((*path, "verdict"), data["verdict"])
            return (
                None
                if verdict is None
                else At(ir.VerdictThen(verdict=verdict), self.loc((*path, "verdict")))
            )
        if kind == "derive":
            name = self.name((*path, "derive"), data["derive"], NAME, "derived fact name")
            return None if name is None else At(ir.Derive(name=name), self.loc((*path, "derive")))
        finding = self.choice((*path, "finding"), data["finding"], FINDING_KINDS, "finding kind")
        severity = self.choice((*path, "severity"), data["severity"], SEVERITIES, "severity")
        factor = self.text((*path, "factor"), data["factor"])
        if finding is None or severity is None or factor is None:
            return None
        then = ir.FindingThen(kind=finding, factor=factor, severity=severity)
        return At(then, self.loc((*path, "factor")))

    def titles(self, path: Path, value: object) -> tuple[dict[str, str], dict[str, Location]]:
        """``title: text`` (English) or ``title: {en: ..., id: ...}``: plain text, no template."""
        if isinstance(value, str):
            return {"en": value}, {}
        return self.per_language(
            path, value, "text, or a mapping of language to text", template=False
        )

    def per_language(
        self, path: Path, value: object, expected: str, *, template: bool = True
    ) -> tuple[dict[str, str], dict[str, Location]]:
        """A mapping of language to text (``because``, a title), with the keys' locations;
        each text is checked as a message template when ``template``."""
        if value is None:
            return {}, {}
        if not isinstance(value, dict):
            self.wrong_type(path, value, expected)
            return {}, {}
        messages: dict[str, str] = {}
        keys: dict[str, Location] = {}
        for language, template in value.items():
            text = self.text((*path, language), template)
            if text is None:
                continue
            messages[language] = text
            keys[language] = attrs.evolve(
                self.loc((*path, language), key=True), path=format_path(path)
            )
            if template:
                self.template((*path, language), text)
        return messages, keys

    def template(self, path: Path, text: str) -> None:
        line, column = self.doc.values[path]
        locate = self.source.locator(line, column, text)

        def at(offset: int) -> Location:
            row, col = locate(offset)
            return Location(file=self.doc.file, line=row, column=col, path=format_path(path))

        for offset, code, message, hint in template_problems(text, self.schema):
            self.report(code, message, at(offset), hint)
