"""The rule language: conditions, message templates and rule files.

Rule files (``format: sistereval/rules@1``) are read with the safe YAML
reader, their conditions parsed by a hand-written parser into the IR of
:mod:`sistereval.ir`, type-checked against the fact schema, their
inheritance (``extends``, ``override``, ``disable``) resolved and their rules
put in strata.  Nothing in a rule file is ever executed.  The language is
described for analysts in ``docs/rule-language.md``.

The work is done by private modules, one job each: ``_lexer`` and
``_parser`` (text to IR), ``_printer`` (IR to text), ``_typecheck``,
``_templates``, ``_srcmap`` (positions inside YAML scalars), ``_rulefile``
(one file), ``_resolve`` (files combined), ``_strata`` and ``_finish``.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

from . import ir
from ._finish import MAX_RULES, MAX_RULES_PER_FACT, finish
from ._parser import parse, plain_locator
from ._printer import format_expression
from ._resolve import find_source, resolve, shipped_names
from ._templates import Placeholder, TemplateError, parse_template, render
from ._typecheck import (
    FINDING_KINDS,
    SEVERITIES,
    Context,
    check_condition,
    findings_collection,
    with_findings,
)
from .errors import Location, Problem, RuleError
from .schema import CollectionDef, FactSchema

__all__ = [
    "FINDINGS",
    "FINDING_KINDS",
    "MAX_RULES",
    "MAX_RULES_PER_FACT",
    "SEVERITIES",
    "check_expression",
    "format_expression",
    "load_rules",
    "missing_translations",
    "parse_expression",
    "render_message",
    "shipped_rule_sets",
    "shipped_rules_dir",
    "template_placeholders",
]

#: The collection of findings rules may quantify over: ``count(findings, kind == "obstacle")``.
FINDINGS: CollectionDef = findings_collection()

SearchPath = Sequence["str | os.PathLike[str] | Traversable"]


def _default_schema() -> FactSchema:
    from .facts import FACT_SCHEMA  # imported late: facts imports far more than the language needs

    return FACT_SCHEMA


def parse_expression(
    text: str, *, file: str | None = None, line: int = 1, column: int = 1, path: str = ""
) -> ir.Expr:
    """Parse a condition into the IR; every node is located in ``file``.

    ``line`` and ``column`` are where ``text`` starts (for a plain YAML
    scalar, the position of its first character).  A syntax error raises
    :class:`~sistereval.errors.RuleError` with one ``syntax`` (or
    ``unknown-function``, ``arity``, ``bad-argument``, ``bad-date``) problem.

    >>> parse_expression("fields.agreed >= 3")
    Compare(op='>=', left=FactRef(name='fields.agreed'), right=Literal(value=3))
    """
    return parse(text, locate=plain_locator(text, line, column), file=file, path=path)


def check_expression(
    expr: ir.Expr,
    *,
    schema: FactSchema | None = None,
    rules: Iterable[str] = (),
    derived: Iterable[str] = (),
    factors: Iterable[str] = (),
) -> None:
    """Type-check ``expr`` as a condition; raise :class:`RuleError` with every problem.

    ``rules`` are the rule ids ``fired()`` may name, ``derived`` the names
    ``derived.x`` may use, ``factors`` the values of ``findings.factor``.
    """
    schema = _default_schema() if schema is None else schema
    context = Context(
        schema=with_findings(schema, tuple(factors)),
        rules=frozenset(rules),
        derived=frozenset(derived),
    )
    problems = check_condition(expr, context)
    if problems:
        raise RuleError(problems)


def shipped_rules_dir() -> Traversable:
    """Where the shipped rule sets (``core``, ...) are.

    The package's ``sistereval/rules`` directory when it is installed with
    them; from a source tree without it, the repository's top-level ``rules/``.
    """
    packaged = importlib.resources.files("sistereval") / "rules"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "rules"
    return source_tree if source_tree.is_dir() else packaged


def _search_path(search_path: SearchPath | None) -> list[Traversable]:
    if search_path is None:
        return [shipped_rules_dir()]
    return [Path(item) if isinstance(item, str | os.PathLike) else item for item in search_path]


def shipped_rule_sets(search_path: SearchPath | None = None) -> tuple[str, ...]:
    """The names :func:`load_rules` and ``extends:`` accept, sorted."""
    return tuple(shipped_names(_search_path(search_path)))


def load_rules(
    source: str | os.PathLike[str],
    *,
    schema: FactSchema | None = None,
    search_path: SearchPath | None = None,
) -> ir.RuleSet:
    """Load, check and resolve a rule set.

    ``source`` is a path to a rule file, or the name of a shipped rule set
    (a bare name such as ``"core"``, looked up as ``NAME.yaml`` in each
    directory of ``search_path``, by default :func:`shipped_rules_dir`).
    Every problem of every file involved is reported at once in one
    :class:`~sistereval.errors.RuleError` (a ``DocumentError`` when a file
    is not valid YAML, a ``LimitError`` when a limit is exceeded).
    """
    schema = _default_schema() if schema is None else schema
    folders = _search_path(search_path)
    ref = find_source(source, folders)
    return finish(resolve(ref, schema=schema, search_path=folders))


@functools.lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[str | Placeholder, ...]:
    """The parsed template, cached: the same few messages render for every case."""
    try:
        return tuple(parse_template(template))
    except TemplateError as exc:
        line, column = plain_locator(template, 1, 1)(exc.offset)
        location = Location(line=line, column=column)
        raise RuleError(
            [Problem(code="bad-template", message=exc.message, location=location)]
        ) from None


def template_placeholders(template: str) -> tuple[str, ...]:
    """The fact names a ``because`` template uses, in order of appearance."""
    return tuple(part.name for part in _parts(template) if not isinstance(part, str))


def render_message(template: str, scalars: Mapping[str, object], *, language: str = "en") -> str:
    """Fill a ``because`` template with fact values.

    Dates print as written (``2017-10``), whole floats without decimals,
    other floats with at most two, true/false as yes/no, an unknown value
    (``None`` or absent) as "unknown" (``id``: "tidak diketahui").

    >>> render_message("{a.b} of {a.c:.0%}", {"a.b": 1, "a.c": 0.2})
    '1 of 20%'
    """
    return render(_parts(template), scalars, language)


def missing_translations(
    ruleset: ir.RuleSet, languages: Iterable[str] | None = None
) -> list[Problem]:
    """Every rule title and ``because`` message missing in a language, as
    ``missing-translation`` problems located at the rule (``sistereval check``
    reports them as warnings: the text falls back to English).

    ``languages`` defaults to the rule set's languages and those the library
    speaks (``en``, ``id``); the problems are sorted by location.
    """
    if languages is None:
        from .evaluation import LANGUAGES  # imported late: evaluation imports this module

        languages = (*ruleset.languages, *LANGUAGES)
    wanted = tuple(dict.fromkeys(languages))
    problems = []
    for rule in ruleset.rules:
        for kind, texts in (("title", rule.titles), ("message", rule.because)):
            missing = [language for language in wanted if language not in texts]
            if missing:
                names = ", ".join(repr(language) for language in missing)
                problems.append(
                    Problem(
                        code="missing-translation",
                        message=f"the rule {rule.id!r} has no {names} {kind}",
                        location=rule.loc,
                        suggestion="the English text is shown instead"
                        if "en" in texts
                        else "the rule's title is shown instead",
                    )
                )
    return sorted(problems, key=lambda p: (p.location.sort_key(), p.message))
