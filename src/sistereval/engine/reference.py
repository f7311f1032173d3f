"""The reference evaluator: the rule IR's semantics (:mod:`sistereval.ir`) in plain Python.

It is small on purpose, so that it is obviously right.  It is the oracle of the
differential tests of the durable backend (:mod:`sistereval.engine.durable`),
which never imports it, and the clause-by-clause evaluator behind explanations
(:func:`eval_expr`, :func:`eval_condition`, :func:`matching_items`).  Like the
backend it checks what it is given with :mod:`sistereval.engine.wellformed`.

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
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Final

import attrs

from .. import ir
from ..errors import EvaluationError
from ..model import PartialDate
from ..schema import FactSchema
from .glob import Glob
from .wellformed import check_facts, check_ruleset, is_number

__all__ = [
    "UNKNOWN",
    "Env",
    "Unknown",
    "Value",
    "eval_condition",
    "eval_expr",
    "evaluate",
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
    return _cond(ir.condition_nnf(expr), env)


def matching_items(quantifier: ir.Quantifier, env: Env) -> tuple[int, ...]:
    """The indexes of the items a quantifier counts: those satisfying its condition,
    or for ``all(c, p)`` those satisfying ``not p`` (its counterexamples)."""
    where = ir.counted_condition(quantifier)
    items = env.items(quantifier.collection)
    if where is None:
        return tuple(range(len(items)))
    return tuple(i for i, item in enumerate(items) if _cond(where, attrs.evolve(env, item=item)))


def _known(value: object) -> Value | Unknown:
    if value is None:
        return UNKNOWN
    if isinstance(value, list):
        return tuple(value)
    return value  # type: ignore[return-value]


def _arith(op: str, left: Value | Unknown, right: Value | Unknown) -> float | Unknown:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if not (is_number(left) and is_number(right)):
        raise EvaluationError(f"arithmetic on non-numbers: {left!r} {op} {right!r}")
    a, b = float(left), float(right)  # type: ignore[arg-type]
    if op == "+":
        value = a + b
    elif op == "-":
        value = a - b
    elif op == "*":
        value = a * b
    elif op == "/":
        if b == 0:
            return UNKNOWN
        value = a / b
    else:
        raise EvaluationError(f"unknown arithmetic operator {op!r}")
    return value if math.isfinite(value) else UNKNOWN  # an overflow is unknown


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
    elif is_number(left) and is_number(right):
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
        return _cond(ir.condition_nnf(expr), env)
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
            condition = ir.condition_nnf(rule.when)
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
                findings.append(ir.finding_item(rule))
    return ir.Firing(
        fired=tuple(rule.id for rule in ruleset.rules if rule.id in fired),
        matched_items=matched,
    )
