"""Whether a rule set and a case's facts are well formed, for either evaluator.

:func:`check_ruleset` is what both the durable backend
(:mod:`sistereval.engine.durable`) and the reference evaluator
(:mod:`sistereval.engine.reference`) require of a rule set before they
evaluate it: node types, types against the fact schema (:func:`expr_type`),
rule ids, strata, ``then`` and the references of ``fired(...)`` and
``derived.x``.  :func:`check_facts` is what they require of facts: each value
of the type the schema declares (:func:`is_number`, :func:`is_text`).
Rule files are checked far more helpfully by :mod:`sistereval.language`; these
checks guard the evaluators against an IR built any other way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Final

from .. import ir
from ..errors import EvaluationError
from ..model import PartialDate
from ..schema import FINDINGS, CollectionDef, FactDef, FactSchema

__all__ = ["check_facts", "check_ruleset", "expr_type", "is_number", "is_text"]

_COMPARE_OPS: Final = frozenset({"<", "<=", ">", ">=", "==", "!="})
_ARITH_OPS: Final = frozenset({"+", "-", "*", "/"})
_QUANTIFIERS: Final = frozenset({"any", "all", "none", "count"})


def is_number(value: object) -> bool:
    """Whether ``value`` is a number (an ``int`` or ``float``, not a ``bool``)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
        ok = is_number(value) and _finite(value)
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
        if is_number(value):
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
            for node in ir.walk(ir.condition_nnf(rule.when)):
                if isinstance(node, ir.Quantifier):
                    ir.counted_condition(node)
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
