"""Resolving a rule file and the files it extends into one checked set of rules.

Each file is read by :mod:`sistereval.language.rulefile`; here a child takes its
parent's rules and metadata, drops what it disables, replaces what it
overrides, adds its own rules, and everything that depends on the combined
set is checked: factors, verdicts, translations, ``fired()``/``derived``
references and the types of conditions.  A parent's problems are reported
at the parent's lines, exactly as loading the parent alone would.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import yaml

from .. import ir
from ..documents import (
    Document,
    NotRegularFileError,
    is_file,
    read_document,
    read_file,
    read_regular_file,
)
from ..errors import DocumentError, LimitError, Location, Problem, RuleError
from ..messages import LANGUAGES, REACH, did_you_mean, suggest_value
from ..schema import FactSchema, with_findings
from .changeable import inherit_changeable
from .reach import base_folder, reach
from .rulefile import FORMAT, RawRule, RuleFile, Verdicts, read_rule_file
from .shape import At
from .tables import read_table
from .typecheck import Context, check_condition

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "Entry",
    "Ref",
    "Resolved",
    "find_source",
    "is_text",
    "resolve",
    "shipped_names",
]

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: The most rule files one ``extends`` chain may hold, the rule file itself included.
MAX_EXTENDS_DEPTH = 32
_RULE_SUFFIXES = (".yaml", ".yml", ".json")
_DEFAULT_LANGUAGES = LANGUAGES  # a rule set that names none speaks the library's
_DEFAULT_SCALE = ("success", "partial", "failure")
T = TypeVar("T")


@attrs.frozen
class Ref:
    """A rule file: how messages name it, and where to read it (or, for a rule set
    given as YAML text or a mapping, its ``content``); ``named_at`` is the ``extends``
    of the rule file that names it by path, if one does: such a file is read only if
    it is a regular file, and its content is never shown unless it is a rule file."""

    display: str
    target: Traversable
    content: str | Mapping[str, Any] | None = attrs.field(default=None, eq=False)
    named_at: Location | None = attrs.field(default=None, eq=False)

    @property
    def identity(self) -> str:
        if isinstance(self.target, Path):
            return os.path.realpath(self.target)
        return self.display


@attrs.frozen
class Entry:
    """A rule of the combined set; ``rule`` is None when it could not be read."""

    id: str
    then: ir.Then | None
    rule: ir.Rule | None
    loc: Location  # of its id
    file: str


@attrs.frozen(kw_only=True)
class Resolved:
    file: str
    id: str
    version: str
    title: str
    description: str
    languages: tuple[str, ...]
    scale: tuple[str, ...]
    policy: str
    factors: tuple[str, ...]
    obstacle_groups: tuple[str, ...]
    entries: tuple[Entry, ...]
    invariants: tuple[dict[str, object], ...]
    changeable: tuple[ir.Changeable, ...]
    tests: tuple[ir.RuleTest, ...]
    problems: tuple[Problem, ...]
    unique: bool = False
    undecided_when: ir.Expr | None = None
    inherited: tuple[ir.Inherited, ...] = ()


def is_text(source: str) -> bool:
    """Whether a ``str`` given as a rule set is its YAML (or JSON) text: it has a line
    break or starts with ``{``; a rule-file path or a shipped name has neither."""
    return "\n" in source or source.lstrip().startswith("{")


def is_name(text: str) -> bool:
    """``core`` names a shipped rule set; ``core.yaml`` or ``./core`` is a path."""
    return bool(_NAME.fullmatch(text))


def shipped_names(search_path: Sequence[Traversable]) -> list[str]:
    names: set[str] = set()
    for folder in search_path:
        if folder.is_dir():
            names.update(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".yaml"))
    return sorted(names)


def _shipped(name: str, search_path: Sequence[Traversable]) -> Ref | None:
    for folder in search_path:
        candidate = folder / f"{name}.yaml"
        if is_file(candidate):  # a name too long for the system is no shipped name
            return Ref(str(candidate), candidate)
    return None


def find_source(
    source: str | os.PathLike[str] | Mapping[str, Any],
    search_path: Sequence[Traversable],
    *,
    file: str | None = None,
) -> Ref:
    """The rule file a :func:`~sistereval.language.load_rules` argument means: YAML
    text (a ``str`` with a line break, or one starting with ``{``) and mappings are
    their own content, named ``file`` (default ``<string>``, ``<mapping>``)."""
    if isinstance(source, Mapping):
        display = file or "<mapping>"
        return Ref(display, Path(display), content=source)
    if isinstance(source, str) and is_text(source):
        display = file or "<string>"
        return Ref(display, Path(display), content=source)
    if isinstance(source, str) and is_name(source):
        found = _shipped(source, search_path)
        if found is None:
            names = shipped_names(search_path)
            problem = Problem(
                code="unknown-rule-set",
                message=f"no shipped rule set is named {source!r}",
                suggestion=suggest_value(source, names) if names else None,
            )
            raise RuleError([problem])
        return found
    display = os.fspath(source)
    return Ref(display, Path(display))


def resolve(ref: Ref, *, schema: FactSchema, search_path: Sequence[Traversable]) -> Resolved:
    """Load ``ref`` and everything it extends."""
    return _Loader(schema, search_path).load(ref, ())


class _Loader:
    def __init__(self, schema: FactSchema, search_path: Sequence[Traversable]) -> None:
        self.schema = schema
        self.search_path = search_path

    def load(self, ref: Ref, chain: tuple[Ref, ...]) -> Resolved:
        if isinstance(ref.content, Mapping):
            return self.load_mapping(ref, ref.content, chain)
        try:
            if ref.content is not None:
                text = ref.content
            elif ref.named_at is not None:
                text = read_regular_file(str(ref.target), file=ref.display)
            else:
                text = read_file(ref.target, file=ref.display)
        except LimitError as exc:
            return _failed(ref, exc.problems)
        except NotRegularFileError:
            return _failed(ref, [_not_rule_file(ref, "not_a_file")])
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            unreadable = Problem(
                code="read-error",
                message=f"cannot read the rule file: {reason}",
                location=Location(file=ref.display),
            )
            return _failed(ref, [unreadable])
        try:
            doc = read_document(text, file=ref.display)
        except DocumentError as exc:
            if ref.named_at is not None and FORMAT not in text:
                return _failed(ref, [_not_rule_file(ref)])
            return _failed(ref, exc.problems)
        if ref.named_at is not None and not _is_rule_file(doc.data):
            return _failed(ref, [_not_rule_file(ref)])
        return self.combine(ref, chain, doc, text)

    def load_mapping(
        self, ref: Ref, content: Mapping[str, Any], chain: tuple[Ref, ...]
    ) -> Resolved:
        """A rule set given as parsed data: read as the YAML it writes as, its problems
        located by their data path only (the lines of that YAML are nobody's)."""
        try:
            text = yaml.safe_dump(dict(content), sort_keys=False, allow_unicode=True)
        except yaml.YAMLError as exc:
            problem = Problem(
                code="read-error",
                message=f"the mapping holds a value that is not YAML data ({exc})",
                location=Location(file=ref.display),
            )
            return _failed(ref, [problem])
        resolved = self.load(attrs.evolve(ref, content=text), chain)
        problems = tuple(
            attrs.evolve(p, location=Location(file=ref.display, path=p.location.path))
            if p.location.file == ref.display
            else p
            for p in resolved.problems
        )
        return attrs.evolve(resolved, problems=problems)

    def combine(self, ref: Ref, chain: tuple[Ref, ...], doc: Document, text: str) -> Resolved:
        raw = read_rule_file(doc, text, self.schema)
        parent, problem = None, None
        if raw.extends is not None and len(chain) + 1 >= MAX_EXTENDS_DEPTH:
            problem = Problem(
                code="extends-depth",
                message=f"more than {MAX_EXTENDS_DEPTH} rule files extend one another",
                location=raw.extends.loc,
                suggestion="extend a rule set nearer the base, or merge some of the files",
            )
        elif raw.extends is not None:
            parent, problem = self.parent(raw.extends, ref, (*chain, ref))
        if raw.tables:
            raw = self.with_tables(raw, ref, parent)
        combined = _Combiner(raw, parent, self.schema).combine()
        if any(table.hit_policy == "unique" for table in raw.tables):
            combined = attrs.evolve(combined, unique=True)
        # a table's header problem repeats in every row it is part of: report it once
        problems = tuple(dict.fromkeys(combined.problems))
        if problem is not None:
            if parent is None:
                problems, problem = _without_knock_ons(problems, problem, raw.file)
            problems = (*problems, problem)
        return attrs.evolve(combined, problems=problems)

    def with_tables(self, raw: RuleFile, ref: Ref, parent: Resolved | None) -> RuleFile:
        """``raw`` with the rules of its decision tables after its own rules."""
        if raw.languages is not None:
            languages = raw.languages.value
        else:
            languages = parent.languages if parent is not None else _DEFAULT_LANGUAGES
        base = os.path.dirname(ref.display) if ref.content is None else ""
        rules, problems = list(raw.rules), list(raw.problems)
        for table in raw.tables:
            found, found_problems, _ = read_table(table, base, self.schema, languages)
            rules.extend(found)
            problems.extend(found_problems)
        return attrs.evolve(raw, rules=tuple(rules), problems=tuple(problems))

    def parent(
        self, extends: At[str], child: Ref, chain: tuple[Ref, ...]
    ) -> tuple[Resolved | None, Problem | None]:
        target = extends.value
        if is_name(target):
            ref = _shipped(target, self.search_path)
            if ref is None:
                names = shipped_names(self.search_path)
                hint = suggest_value(target, names) if names else "no rule sets are shipped"
                return None, Problem(
                    code="unknown-extends",
                    message=f"no shipped rule set is named {target!r}",
                    location=extends.loc,
                    suggestion=hint,
                )
        else:
            display, refused = reach(
                base_folder(child.display),
                target,
                what="rule file",
                suffixes=_RULE_SUFFIXES,
                loc=extends.loc,
                code="bad-extends",
            )
            if refused is not None:
                return None, refused
            ref = Ref(display, Path(display), named_at=extends.loc)
            if not is_file(ref.target):
                return None, Problem(
                    code="unknown-extends",
                    message=f"there is no rule file {display!r}",
                    location=extends.loc,
                )
        identities = [item.identity for item in chain]
        if ref.identity in identities:
            names = [item.display for item in chain[identities.index(ref.identity) :]]
            return None, Problem(
                code="extends-cycle",
                message="rule sets extend each other: " + " -> ".join([*names, ref.display]),
                location=extends.loc,
            )
        return self.load(ref, chain), None


#: Problems that a parent rule set which could not be read may cause: names the
#: parent would define (rules, factors and groups, verdicts, derived names).
_KNOCK_ON_CODES = frozenset(
    {"unknown-rule", "unknown-factor", "unknown-verdict", "unknown-derived"}
)


def _without_knock_ons(
    problems: tuple[Problem, ...], extends: Problem, file: str
) -> tuple[tuple[Problem, ...], Problem]:
    """``problems`` without this file's problems about names its unread parent may
    define, and the ``extends`` problem saying how many it holds back: they are
    reported once ``extends`` names a rule set that can be read."""
    held = [p for p in problems if p.code in _KNOCK_ON_CODES and p.location.file == file]
    if not held:
        return problems, extends
    codes = ", ".join(dict.fromkeys(p.code for p in held))
    note = (
        f"{len(held)} more problem(s) about names the extended rule set may define ({codes})"
        " are not shown until 'extends' names a rule set that can be read"
    )
    suggestion = f"{extends.suggestion}; {note}" if extends.suggestion else note
    kept = tuple(p for p in problems if p not in held)
    return kept, attrs.evolve(extends, suggestion=suggestion)


def _is_rule_file(data: object) -> bool:
    return isinstance(data, Mapping) and data.get("format") == FORMAT


def _not_rule_file(ref: Ref, key: str = "not_rule_file") -> Problem:
    """The one problem of a file ``extends`` names that is not a rule file (or not a
    regular file): at that ``extends``, quoting nothing of the file."""
    texts = REACH["en"]
    if key == "not_a_file":
        message = texts[key].format(path=ref.display, kind=texts["special"])
    else:
        message = texts[key].format(path=ref.display)
    code = "not-a-file" if key == "not_a_file" else "not-a-rule-file"
    return Problem(
        code=code,
        message=message,
        location=ref.named_at or Location(file=ref.display),
        suggestion=texts["not_rule_file_hint"],
    )


def _failed(ref: Ref, problems: Sequence[Problem]) -> Resolved:
    return Resolved(
        file=ref.display,
        id="",
        version="",
        title="",
        description="",
        languages=_DEFAULT_LANGUAGES,
        scale=_DEFAULT_SCALE,
        policy="worst",
        factors=(),
        obstacle_groups=(),
        entries=(),
        invariants=(),
        changeable=(),
        tests=(),
        problems=tuple(problems),
    )


class _Combiner:
    """One file on top of its resolved parent."""

    def __init__(self, raw: RuleFile, parent: Resolved | None, schema: FactSchema) -> None:
        self.raw = raw
        self.parent = parent
        self.schema = schema
        self.problems: list[Problem] = [*(parent.problems if parent else ()), *raw.problems]
        self.languages = self.meta(raw.languages, "languages", lambda p: p.languages)
        verdicts = self.meta(
            raw.verdicts,
            "verdicts",
            lambda p: Verdicts(p.scale, p.policy, p.unique, p.undecided_when),
        )
        self.verdicts = verdicts or Verdicts(_DEFAULT_SCALE, "worst")
        self.scale, self.policy = self.verdicts.scale, self.verdicts.policy
        self.edits: list[ir.Inherited] = list(parent.inherited if parent else ())
        # a child's factors and obstacle groups add to the inherited ones (in the
        # parent's order, then the child's new names): listing one new factor must not
        # take away the ones the inherited rules name
        self.factors = self.added(raw.factors, lambda p: p.factors)
        self.groups = self.added(raw.obstacle_groups, lambda p: p.obstacle_groups)

    def report(self, code: str, message: str, loc: Location, suggestion: str | None = None) -> None:
        self.problems.append(
            Problem(code=code, message=message, location=loc, suggestion=suggestion)
        )

    def added(
        self, own: At[tuple[str, ...]] | None, inherited: Callable[[Resolved], tuple[str, ...]]
    ) -> tuple[str, ...]:
        """The inherited names, then those of ``own`` not among them."""
        names = inherited(self.parent) if self.parent is not None else ()
        if own is None:
            return names
        return (*names, *(name for name in own.value if name not in names))

    def meta(
        self, own: At[T] | None, required: str, inherited: Callable[[Resolved], T]
    ) -> T | None:
        if own is not None:
            return own.value
        if self.parent is not None:
            return inherited(self.parent)
        if required and self.raw.extends is None and self.raw.mapping:
            self.report(
                "missing-key",
                f"{required!r} is required in a rule set that extends none",
                self.raw.root,
            )
        return None

    def combine(self) -> Resolved:
        raw = self.raw
        entries, disabled = self.inherit()
        self.add_rules(entries, disabled)
        ids = frozenset(entry.id for entry in entries)
        derived = frozenset(e.then.name for e in entries if isinstance(e.then, ir.Derive))
        context = Context(
            schema=with_findings(self.schema, (*self.factors, *self.groups)),
            rules=ids,
            derived=derived,
        )
        for rule in raw.rules:
            self.check_rule(rule, context)
        if self.verdicts.undecided_when is not None:  # an inherited one again, in this context
            found = check_condition(self.verdicts.undecided_when, context)
            # it is never compiled, so it may test only for absence: missing(x)
            found = [p for p in found if p.code != "only-negations"]
            self.problems.extend(p for p in found if p not in self.problems)
        inherited = [entry for entry in entries if entry.file != raw.file]
        self.check_inherited(inherited, disabled, derived)
        self.check_tests(ids)
        parent = self.parent
        return Resolved(
            file=raw.file,
            id=raw.id,
            version=raw.version,
            title=raw.title,
            description=raw.description,
            languages=self.languages or _DEFAULT_LANGUAGES,
            scale=self.scale,
            policy=self.policy,
            factors=self.factors,
            obstacle_groups=self.groups,
            entries=tuple(entries),
            invariants=(*(parent.invariants if parent else ()), *raw.invariants),
            changeable=inherit_changeable(parent.changeable if parent else (), raw.changeable),
            tests=tuple(test.test for test in raw.tests),
            problems=tuple(self.problems),
            unique=self.verdicts.unique,
            undecided_when=self.verdicts.undecided_when,
            inherited=tuple(self.edits),
        )

    # ------------------------------------------------------------ merging

    def inherit(self) -> tuple[list[Entry], dict[str, Location]]:
        """The parent's rules minus those this file disables."""
        entries = list(self.parent.entries) if self.parent else []
        known = [entry.id for entry in entries]
        disabled: dict[str, Location] = {}
        for item in self.raw.disable:
            if item.value in known:
                disabled[item.value] = item.loc
                dropped = entries[known.index(item.value)].rule
                if dropped is not None:
                    self.edits.append(ir.Inherited(kind="disable", rule=dropped, loc=item.loc))
                continue
            hint = did_you_mean(item.value, known)
            if self.parent is None:
                hint = "'disable' drops rules inherited through 'extends'"
            self.report("unknown-rule", f"{item.value!r} is not an inherited rule", item.loc, hint)
        return [entry for entry in entries if entry.id not in disabled], disabled

    def add_rules(self, entries: list[Entry], disabled: dict[str, Location]) -> None:
        """Add this file's rules to ``entries``, replacing inherited ones in place."""
        position = {entry.id: i for i, entry in enumerate(entries)}
        inherited = set(position)
        own: dict[str, Location] = {}
        for raw in self.raw.rules:
            rule_id = raw.id.value
            if rule_id in own:
                self.report(
                    "duplicate-rule",
                    f"{rule_id!r} is already defined at {own[rule_id]}",
                    raw.id.loc,
                )
                continue
            own[rule_id] = raw.id.loc
            entry = Entry(
                rule_id,
                None if raw.then is None else raw.then.value,
                self.rule(raw),
                raw.id.loc,
                self.raw.file,
            )
            override = raw.override is not None and raw.override.value
            if rule_id in inherited:
                if not override:
                    self.report(
                        "duplicate-rule",
                        f"{rule_id!r} is already defined at {entries[position[rule_id]].loc}",
                        raw.id.loc,
                        "add 'override: true' to replace the inherited rule",
                    )
                replaced = entries[position[rule_id]].rule
                if replaced is not None:
                    self.edits.append(ir.Inherited(kind="override", rule=replaced, loc=raw.id.loc))
                entries[position[rule_id]] = entry
                continue
            if override and raw.override is not None:
                hint = did_you_mean(rule_id, inherited) or "remove 'override: true'"
                if rule_id in disabled:
                    hint = "this file disables it; remove it from 'disable'"
                self.report(
                    "bad-override",
                    f"{rule_id!r} overrides no inherited rule",
                    raw.override.loc,
                    hint,
                )
            position[rule_id] = len(entries)
            entries.append(entry)

    def rule(self, raw: RawRule) -> ir.Rule | None:
        if raw.when is None or raw.then is None:
            return None
        return ir.Rule(
            id=raw.id.value,
            title=raw.title,
            titles=dict(raw.titles),
            when=raw.when,
            then=raw.then.value,
            because=dict(raw.because.value) if raw.because else {},
            source=raw.source,
            text=raw.text,
            origin=self.raw.file,
            loc=raw.loc,
        )

    # ------------------------------------------------------------ checks

    def check_rule(self, raw: RawRule, context: Context) -> None:
        if raw.then is not None:
            self.check_then(raw.then.value, raw.then.loc, "")
        if raw.because is not None and self.languages is not None:
            for language in self.languages:
                if language not in raw.because.value:
                    self.report("missing-translation", f"no {language!r} message", raw.because.loc)
        if self.languages is not None:
            # a title may lack a language (it falls back to English; ``check`` warns),
            # but it may not name one the rule set does not have
            for language, loc in (*raw.because_keys.items(), *raw.title_keys.items()):
                if language not in self.languages:
                    self.report(
                        "unknown-key",
                        f"{language!r} is not a language of the rule set",
                        loc,
                        did_you_mean(language, self.languages),
                    )
        if raw.when is not None:
            self.problems.extend(check_condition(raw.when, context, start=raw.when_loc))

    def check_tests(self, ids: frozenset[str]) -> None:
        verdicts = (*self.scale, "not_assessable")
        for test in self.raw.tests:
            if test.verdict is not None and test.verdict.value not in verdicts:
                self.report(
                    "unknown-verdict",
                    f"{test.verdict.value!r}",
                    test.verdict.loc,
                    suggest_value(test.verdict.value, verdicts),
                )
            for rule_id in test.fires:
                if rule_id.value not in ids:
                    self.report(
                        "unknown-rule",
                        f"{rule_id.value!r}",
                        rule_id.loc,
                        did_you_mean(rule_id.value, ids),
                    )

    def check_then(self, then: ir.Then, loc: Location, inherited: str) -> None:
        if isinstance(then, ir.FindingThen) and then.factor not in (*self.factors, *self.groups):
            groups = (*self.factors, *self.groups)
            hint = (
                suggest_value(then.factor, groups)
                if groups
                else "the rule set lists no 'factors' or 'obstacle_groups'"
            )
            self.report("unknown-factor", f"{then.factor!r}{inherited}", loc, hint)
        elif isinstance(then, ir.VerdictThen) and then.verdict not in self.scale:
            self.report(
                "unknown-verdict",
                f"{then.verdict!r}{inherited}",
                loc,
                suggest_value(then.verdict, self.scale),
            )

    def check_inherited(
        self, inherited: list[Entry], disabled: dict[str, Location], derived: frozenset[str]
    ) -> None:
        """What this file's disables and lists break in the rules it keeps."""
        raw, parent = self.raw, self.parent
        lost: dict[str, Location] = {}  # derived names no longer derived -> a disable entry
        for entry in parent.entries if parent else ():
            then = entry.then
            if entry.id in disabled and isinstance(then, ir.Derive) and then.name not in derived:
                lost.setdefault(then.name, disabled[entry.id])
        for entry in inherited:
            rule = entry.rule
            if rule is None:
                continue
            for node in ir.walk(rule.when):
                name = ""
                if isinstance(node, ir.FiredRef) and node.rule in disabled:
                    name, loc = f"fired({node.rule!r})", disabled[node.rule]
                elif isinstance(node, ir.DerivedRef) and node.name in lost:
                    name, loc = f"derived.{node.name}", lost[node.name]
                if name:
                    self.report(
                        "disabled-in-use",
                        f"the inherited rule {rule.id!r} uses {name}",
                        loc,
                        f"disable or override {rule.id!r} too",
                    )
            note = f" of the inherited rule {rule.id!r}"
            groups_at = raw.factors or raw.obstacle_groups
            if groups_at is not None and isinstance(rule.then, ir.FindingThen):
                self.check_then(rule.then, groups_at.loc, note)
            if raw.verdicts is not None and isinstance(rule.then, ir.VerdictThen):
                self.check_then(rule.then, raw.verdicts.loc, note)
            if raw.languages is not None:
                for language in raw.languages.value:
                    if language not in rule.because:
                        self.report(
                            "missing-translation",
                            f"the inherited rule {rule.id!r} has no {language!r} message",
                            raw.languages.loc,
                            "override the rule with one that has it",
                        )
