"""The reference evaluator: the rule IR's semantics (:mod:`sistereval.ir`) in plain Python.

It is small on purpose, so that it is obviously right.  It is the oracle of the
differential tests of the durable backend (:mod:`sistereval.engine`) and the
clause-by-clause evaluator behind explanations (:func:`eval_expr`,
:func:`eval_condition`, :func:`matching_items`).

Semantics, beyond the summary in :mod:`sistereval.ir`:

* Numbers are IEEE-754 doubles: every number is converted with ``float`` before
  it is compared or computed with, so ``0.1 + 0.2 == 0.3`` is false, as in the
  engine.  Dividing by zero gives :data:`UNKNOWN`.
* Strings compare by code point; booleans compare as ``false < true``.
* Dates compare at the precision of the less precise side.
* ``x in [a, b]`` is ``x == a or x == b`` (so dates in a list literal compare at
  the coarser precision too); ``x not in [a, b]`` is ``known(x) and x != a and
  x != b``.  With a list-valued fact: the needle and the list must be known.
* ``s matches "glob"``: ``*`` is any run of characters, ``?`` one character,
  everything else literal, anchored at both ends; ``imatches`` compares
  ``s.lower()`` with ``glob.lower()``.
* ``any(c, p)`` holds when some item satisfies ``p``; ``none(c, p)`` when none
  does; ``all(c, p)`` when no item satisfies ``not p`` (in negation normal
  form), so an item whose attribute is unknown never falsifies ``all``;
  ``count(c, p)`` counts the items satisfying ``p``.  Without ``p`` every item
  counts (``all`` is then true).
* Inside a quantifier's ``p``, :class:`~sistereval.ir.ItemRef` is an attribute
  of the current item and dotted :class:`~sistereval.ir.FactRef` a case scalar.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Final

import attrs

from .. import ir
from ..errors import EvaluationError
from ..model import PartialDate
from ..schema import FINDINGS, CollectionDef, FactDef, FactSchema
from .glob import Glob

__all__ = [
    "UNKNOWN",
    "Env",
    "Unknown",
    "Value",
    "check_facts",
    "check_ruleset",
    "counted_condition",
    "eval_condition",
    "eval_expr",
    "evaluate",
    "expr_type",
    "finding_item",
    "is_text",
    "matching_items",
]


class Unknown:
    """The type of :data:`UNKNOWN`, the value of an unknown fact or of ``x / 0``."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value")


UNKNOWN: Final = Unknown()

#: A value an expression can take (a condition's value is a ``bool``).
Value = bool | int | float | str | PartialDate | tuple[str, ...]

_COMPARE_OPS: Final = frozenset({"<", "<=", ">", ">=", "==", "!="})
_ARITH_OPS: Final = frozenset({"+", "-", "*", "/"})
_QUANTIFIERS: Final = frozenset({"any", "all", "none", "count"})


@attrs.frozen(kw_only=True)
class Env:
    """What an expression is evaluated against.

    ``scalars`` and ``collections`` are the case's facts
    (:class:`~sistereval.ir.FactsLike`); ``fired``, ``derived`` and
    ``findings`` what the lower strata produced; ``item`` the current item
    inside a quantifier.
    """

    scalars: Mapping[str, ir.FactValue]
    collections: Mapping[str, Sequence[Mapping[str, ir.FactValue]]] = attrs.field(factory=dict)
    fired: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()
    findings: tuple[Mapping[str, ir.FactValue], ...] = ()
    item: Mapping[str, ir.FactValue] | None = None

    def items(self, collection: str) -> Sequence[Mapping[str, ir.FactValue]]:
        if collection == "findings":
            return self.findings
        return self.collections.get(collection, ())


# ---------------------------------------------------------------- expressions


def eval_expr(expr: ir.Expr, env: Env) -> Value | Unknown:
    """The value of ``expr``: a number, string, boolean, date or list, or :data:`UNKNOWN`.

    A condition (a comparison, ``and``, ``any(...)``...) evaluates to a ``bool``.
    """
    if isinstance(expr, ir.Literal):
        return expr.value
    if isinstance(expr, ir.FactRef):
        return _known(env.scalars.get(expr.name))
    if isinstance(expr, ir.ItemRef):
        if env.item is None:
            raise EvaluationError(f"{expr.name!r} is an item attribute outside a quantifier")
        return _known(env.item.get(expr.name))
    if isinstance(expr, ir.FiredRef):
        return expr.rule in env.fired
    if isinstance(expr, ir.DerivedRef):
        return expr.name in env.derived
    if isinstance(expr, ir.Arith):
        return _arith(expr.op, eval_expr(expr.left, env), eval_expr(expr.right, env))
    if isinstance(expr, ir.Quantifier) and expr.kind == "count":
        return len(matching_items(expr, env))
    if isinstance(expr, ir.ListLiteral):
        raise EvaluationError("a list literal has no value outside 'in'")
    return eval_condition(expr, env)


def eval_condition(expr: ir.Expr, env: Env) -> bool:
    """Whether the condition ``expr`` holds (it is put in negation normal form first)."""
    return _cond(_nnf(expr), env)


def matching_items(quantifier: ir.Quantifier, env: Env) -> tuple[int, ...]:
    """The indexes of the items a quantifier counts: those satisfying its condition,
    or for ``all(c, p)`` those satisfying ``not p`` (its counterexamples)."""
    where = counted_condition(quantifier)
    items = env.items(quantifier.collection)
    if where is None:
        return tuple(range(len(items)))
    return tuple(i for i, item in enumerate(items) if _cond(where, attrs.evolve(env, item=item)))


def counted_condition(quantifier: ir.Quantifier) -> ir.Expr | None:
    """The condition (in negation normal form) a quantifier counts items by:
    ``where`` for ``any``/``none``/``count``, ``not where`` for ``all``; None
    when every item counts."""
    where = None if quantifier.where is None else _nnf(quantifier.where)
    if quantifier.kind != "all":
        return where
    if where is None:
        return ir.Literal(False)
    try:
        return ir.negate(where)
    except ValueError as error:
        raise EvaluationError(
            f"all({quantifier.collection}, ...) counts the items where its condition is false, "
            f"and that condition cannot be negated: {error}"
        ) from error


def _nnf(expr: ir.Expr) -> ir.Expr:
    try:
        return ir.to_nnf(expr)
    except ValueError as error:
        raise EvaluationError(f"invalid condition: {error}") from error


def _known(value: object) -> Value | Unknown:
    if value is None:
        return UNKNOWN
    if isinstance(value, list):
        return tuple(value)
    return value  # type: ignore[return-value]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _arith(op: str, left: Value | Unknown, right: Value | Unknown) -> float | Unknown:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if not (_is_number(left) and _is_number(right)):
        raise EvaluationError(f"arithmetic on non-numbers: {left!r} {op} {right!r}")
    a, b = float(left), float(right)  # type: ignore[arg-type]
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return UNKNOWN if b == 0 else a / b
    raise EvaluationError(f"unknown arithmetic operator {op!r}")


def _date_key(date: PartialDate, level: int) -> tuple[int, ...]:
    return (date.year, date.month or 0, date.day or 0)[: level + 1]


def _level(date: PartialDate) -> int:
    return 2 if date.day is not None else 1 if date.month is not None else 0


def _compare_values(op: str, left: Value | Unknown, right: Value | Unknown) -> bool:
    if left is UNKNOWN or right is UNKNOWN:
        return False
    a: object
    b: object
    if isinstance(left, PartialDate) and isinstance(right, PartialDate):
        level = min(_level(left), _level(right))
        a, b = _date_key(left, level), _date_key(right, level)
    elif isinstance(left, bool) and isinstance(right, bool):
        a, b = left, right
    elif _is_number(left) and _is_number(right):
        a, b = float(left), float(right)  # type: ignore[arg-type]
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left, right
    else:
        raise EvaluationError(f"cannot compare {left!r} with {right!r}")
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    if op == ">=":
        return a >= b  # type: ignore[operator]
    raise EvaluationError(f"unknown comparison operator {op!r}")


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> Glob:
    return Glob(pattern)


def _cond(expr: ir.Expr, env: Env) -> bool:
    """A condition already in negation normal form."""
    if isinstance(expr, ir.And):
        return all(_cond(item, env) for item in expr.items)
    if isinstance(expr, ir.Or):
        return any(_cond(item, env) for item in expr.items)
    if isinstance(expr, ir.Compare):
        return _compare_values(expr.op, eval_expr(expr.left, env), eval_expr(expr.right, env))
    if isinstance(expr, ir.Literal) and isinstance(expr.value, bool):
        return expr.value
    if isinstance(expr, ir.Known):
        return (eval_expr(expr.operand, env) is UNKNOWN) == expr.negated
    if isinstance(expr, ir.In):
        return _in(expr, env)
    if isinstance(expr, ir.Match):
        subject = eval_expr(expr.subject, env)
        if not isinstance(subject, str):
            return False
        if expr.ignore_case:
            return _glob(expr.pattern.lower()).fullmatch(subject.lower())
        return _glob(expr.pattern).fullmatch(subject)
    if isinstance(expr, ir.Quantifier) and expr.kind != "count":
        hits = len(matching_items(expr, env))
        return hits > 0 if expr.kind == "any" else hits == 0
    if isinstance(expr, (ir.Not, ir.FactRef, ir.ItemRef, ir.FiredRef, ir.DerivedRef)):
        return _cond(_nnf(expr), env)
    raise EvaluationError(f"{type(expr).__name__} is not a condition")


def _in(expr: ir.In, env: Env) -> bool:
    needle = eval_expr(expr.needle, env)
    if needle is UNKNOWN:
        return False
    if isinstance(expr.haystack, ir.ListLiteral):
        items = expr.haystack.items
        if expr.negated:
            return all(_compare_values("!=", needle, item.value) for item in items)
        return any(_compare_values("==", needle, item.value) for item in items)
    haystack = eval_expr(expr.haystack, env)
    if haystack is UNKNOWN:
        return False
    if not isinstance(haystack, tuple):
        raise EvaluationError(f"'in' needs a list, not {haystack!r}")
    return (needle in haystack) != expr.negated


# ---------------------------------------------------------------- rule sets


def evaluate(ruleset: ir.RuleSet, facts: ir.FactsLike, schema: FactSchema) -> ir.Firing:
    """Evaluate every rule of ``ruleset`` against ``facts``, stratum by stratum."""
    check_ruleset(ruleset, schema)
    check_facts(facts, schema)
    fired: set[str] = set()
    derived: set[str] = set()
    findings: list[Mapping[str, ir.FactValue]] = []
    matched: dict[str, dict[str, tuple[int, ...]]] = {}
    for stratum in ruleset.strata:
        env = Env(
            scalars=facts.scalars,
            collections=facts.collections,
            fired=frozenset(fired),
            derived=frozenset(derived),
            findings=tuple(findings),
        )
        new = []
        for rule in stratum:
            condition = _nnf(rule.when)
            quantifiers = [n for n in ir.walk(condition) if isinstance(n, ir.Quantifier)]
            if quantifiers:
                by_collection: dict[str, set[int]] = {}
                for quantifier in quantifiers:
                    hits = by_collection.setdefault(quantifier.collection, set())
                    hits.update(matching_items(quantifier, env))
                matched[rule.id] = {c: tuple(sorted(h)) for c, h in by_collection.items()}
            if _cond(condition, env):
                new.append(rule)
        for rule in new:
            fired.add(rule.id)
            if isinstance(rule.then, ir.Derive):
                derived.add(rule.then.name)
            elif isinstance(rule.then, ir.FindingThen):
                findings.append(finding_item(rule))
    return ir.Firing(
        fired=tuple(rule.id for rule in ruleset.rules if rule.id in fired),
        matched_items=matched,
    )


def finding_item(rule: ir.Rule) -> dict[str, ir.FactValue]:
    """The item a fired finding rule adds to the ``findings`` collection."""
    assert isinstance(rule.then, ir.FindingThen)
    then = rule.then
    return {"rule": rule.id, "kind": then.kind, "factor": then.factor, "severity": then.severity}


# ---------------------------------------------------------------- checks


def check_facts(facts: ir.FactsLike, schema: FactSchema) -> None:
    """Raise :class:`EvaluationError` unless every fact the schema declares has its type.

    Unknown values are ``None`` (or absent); names the schema does not declare
    are ignored.
    """
    for fact in schema.scalars:
        _check_value(fact, facts.scalars.get(fact.name), fact.name)
    for coll in schema.collections:
        if coll.name == "findings":
            continue
        for i, item in enumerate(facts.collections.get(coll.name, ())):
            for fact in coll.items:
                _check_value(fact, item.get(fact.name), f"{coll.name}[{i}].{fact.name}")


def _check_value(fact: FactDef, value: object, where: str) -> None:
    if value is None:
        return
    kind = ir.FACT_VALUE_TYPES[fact.type]
    ok: bool
    if kind is ir.ValueType.NUMBER:
        ok = _is_number(value) and _finite(value)
    elif kind is ir.ValueType.BOOLEAN:
        ok = isinstance(value, bool)
    elif kind is ir.ValueType.STRING:
        ok = isinstance(value, str) and is_text(value)
    elif kind is ir.ValueType.DATE:
        ok = isinstance(value, PartialDate)
    else:
        ok = isinstance(value, (tuple, list)) and all(
            isinstance(x, str) and is_text(x) for x in value
        )
    if not ok:
        raise EvaluationError(f"fact {where!r} should be a {fact.type}, not {value!r}")


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except OverflowError:
        return False


def is_text(value: str) -> bool:
    """Whether ``value`` is Unicode text (no lone surrogates)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _collection(schema: FactSchema, name: str) -> CollectionDef | None:
    coll = schema.collection(name)
    if coll is None and name == "findings":
        return FINDINGS
    return coll


def expr_type(expr: ir.Expr, schema: FactSchema, *, collection: str | None = None) -> ir.ValueType:
    """The static type of ``expr`` (``collection``: the quantifier it is inside).

    Raises :class:`EvaluationError` for an expression that is not well formed:
    an unknown name, mismatched types, a misplaced list or item attribute,
    nested quantifiers.
    """
    vt = ir.ValueType
    if isinstance(expr, ir.Literal):
        value = expr.value
        if isinstance(value, bool):
            return vt.BOOLEAN
        if _is_number(value):
            if not _finite(value):
                raise EvaluationError(f"the number {value!r} is not finite")
            return vt.NUMBER
        if isinstance(value, str):
            if not is_text(value):
                raise EvaluationError(f"{value!r} is not Unicode text")
            return vt.STRING
        if isinstance(value, PartialDate):
            return vt.DATE
        raise EvaluationError(f"unsupported literal {value!r}")
    if isinstance(expr, ir.FactRef):
        fact = schema.scalar(expr.name)
        if fact is None:
            raise EvaluationError(f"unknown fact {expr.name!r}")
        return ir.FACT_VALUE_TYPES[fact.type]
    if isinstance(expr, ir.ItemRef):
        if collection is None or expr.collection != collection:
            raise EvaluationError(f"item attribute {expr.name!r} outside a quantifier over it")
        coll = _collection(schema, collection)
        item = None if coll is None else coll.item(expr.name)
        if item is None:
            raise EvaluationError(f"unknown attribute {expr.name!r} of {collection!r}")
        return ir.FACT_VALUE_TYPES[item.type]
    if isinstance(expr, (ir.FiredRef, ir.DerivedRef)):
        return vt.BOOLEAN
    if isinstance(expr, ir.Compare):
        if expr.op not in _COMPARE_OPS:
            raise EvaluationError(f"unknown comparison operator {expr.op!r}")
        left = expr_type(expr.left, schema, collection=collection)
        right = expr_type(expr.right, schema, collection=collection)
        if left != right or left is vt.LIST:
            raise EvaluationError(f"cannot compare a {left} with a {right}")
        return vt.BOOLEAN
    if isinstance(expr, ir.Arith):
        if expr.op not in _ARITH_OPS:
            raise EvaluationError(f"unknown arithmetic operator {expr.op!r}")
        for side in (expr.left, expr.right):
            if expr_type(side, schema, collection=collection) is not vt.NUMBER:
                raise EvaluationError(f"arithmetic on a non-number in {expr.op!r}")
        return vt.NUMBER
    if isinstance(expr, ir.In):
        needle = expr_type(expr.needle, schema, collection=collection)
        if isinstance(expr.haystack, ir.ListLiteral):
            for element in expr.haystack.items:
                if not isinstance(element, ir.Literal):
                    raise EvaluationError("a list literal holds literals only")
                if expr_type(element, schema) != needle or needle is vt.LIST:
                    raise EvaluationError(f"a {needle} cannot be in a list of {element.value!r}")
        elif expr_type(expr.haystack, schema, collection=collection) is not vt.LIST:
            raise EvaluationError("'in' needs a list literal or a list fact")
        elif needle is not vt.STRING:
            raise EvaluationError(f"a {needle} cannot be in a list of strings")
        return vt.BOOLEAN
    if isinstance(expr, ir.Match):
        if not isinstance(expr.pattern, str) or not is_text(expr.pattern):
            raise EvaluationError(f"invalid pattern {expr.pattern!r}")
        if expr_type(expr.subject, schema, collection=collection) is not vt.STRING:
            raise EvaluationError("'matches' needs a string")
        return vt.BOOLEAN
    if isinstance(expr, ir.Known):
        operand = expr.operand
        if isinstance(operand, ir.Quantifier) and operand.kind != "count":
            raise EvaluationError("known()/missing() needs a value, not a condition")
        values = (ir.Literal, ir.FactRef, ir.ItemRef, ir.FiredRef, ir.DerivedRef, ir.Arith)
        if not isinstance(operand, (*values, ir.Quantifier)):
            raise EvaluationError("known()/missing() needs a value, not a condition")
        expr_type(operand, schema, collection=collection)
        return vt.BOOLEAN
    if isinstance(expr, (ir.And, ir.Or)):
        for operand in expr.items:
            _condition_type(operand, schema, collection)
        return vt.BOOLEAN
    if isinstance(expr, ir.Not):
        _condition_type(expr.operand, schema, collection)
        return vt.BOOLEAN
    if isinstance(expr, ir.Quantifier):
        if expr.kind not in _QUANTIFIERS:
            raise EvaluationError(f"unknown quantifier {expr.kind!r}")
        if collection is not None:
            raise EvaluationError("quantifiers do not nest")
        if _collection(schema, expr.collection) is None:
            raise EvaluationError(f"unknown collection {expr.collection!r}")
        if expr.where is not None:
            _condition_type(expr.where, schema, expr.collection)
        return vt.NUMBER if expr.kind == "count" else vt.BOOLEAN
    if isinstance(expr, ir.ListLiteral):
        raise EvaluationError("a list literal is only allowed after 'in'")
    raise EvaluationError(f"unknown expression node {type(expr).__name__}")


def _condition_type(expr: ir.Expr, schema: FactSchema, collection: str | None) -> None:
    if expr_type(expr, schema, collection=collection) is not ir.ValueType.BOOLEAN:
        raise EvaluationError("a condition must be true or false, not a value")


def check_ruleset(ruleset: ir.RuleSet, schema: FactSchema) -> None:
    """Raise :class:`EvaluationError` (naming the rule) unless ``ruleset`` is well formed.

    Checks node types, types against ``schema``, the ``then`` of each rule, and
    that ``fired(...)`` and ``derived.x`` only refer to rules of lower strata.
    """
    by_id: dict[str, ir.Rule] = {}
    for rule in ruleset.rules:
        if not isinstance(rule, ir.Rule):
            raise EvaluationError(f"{rule!r} is not a rule")
        if not isinstance(rule.id, str) or not rule.id or rule.id in by_id:
            raise EvaluationError("rule ids must be unique, non-empty strings", rule=str(rule.id))
        if not isinstance(rule.stratum, int) or isinstance(rule.stratum, bool) or rule.stratum < 0:
            raise EvaluationError(f"invalid stratum {rule.stratum!r}", rule=rule.id)
        if not isinstance(rule.then, (ir.FindingThen, ir.VerdictThen, ir.Derive)):
            raise EvaluationError(f"unknown consequence {rule.then!r}", rule=rule.id)
        by_id[rule.id] = rule
    derivers: dict[str, list[int]] = {}
    for rule in ruleset.rules:
        if isinstance(rule.then, ir.Derive):
            derivers.setdefault(rule.then.name, []).append(rule.stratum)
    for rule in ruleset.rules:
        try:
            _condition_type(rule.when, schema, None)
            for node in ir.walk(_nnf(rule.when)):
                if isinstance(node, ir.Quantifier):
                    counted_condition(node)
            _check_references(rule, ir.walk(rule.when), by_id, derivers)
        except EvaluationError as error:
            if error.rule is not None:
                raise
            raise EvaluationError(str(error), rule=rule.id) from error


def _check_references(
    rule: ir.Rule,
    nodes: Iterable[ir.Expr],
    by_id: Mapping[str, ir.Rule],
    derivers: Mapping[str, list[int]],
) -> None:
    for node in nodes:
        if isinstance(node, ir.FiredRef):
            target = by_id.get(node.rule)
            if target is None:
                raise EvaluationError(f"fired({node.rule!r}) names no rule")
            if target.stratum >= rule.stratum:
                raise EvaluationError(f"fired({node.rule!r}) is not in a lower stratum")
        elif isinstance(node, ir.DerivedRef):
            strata = derivers.get(node.name)
            if not strata:
                raise EvaluationError(f"no rule derives {node.name!r}")
            if min(strata) >= rule.stratum:
                raise EvaluationError(f"derived.{node.name} is not derived in a lower stratum")
