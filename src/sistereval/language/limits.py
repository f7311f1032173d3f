"""The engine's compilation limits, predicted when a rule set is loaded.

The durable compiler (:mod:`sistereval.engine.compile`) expands each condition
into alternatives (a disjunction of conjunctions), splits them into durable
rules of at most 13 alternatives and packs those into fact types of at most 48.
Past 1,024 alternatives for one condition, 480 fact types or 4,090 durable
rules it refuses the rule set.  Here the same figures are computed by
arithmetic, before anything is built: a product over ``and``, a sum over
``or``, the levels of a date comparison, the items of a list literal.  The
counts are upper bounds of the compiler's (it drops repeated alternatives), so
a rule set refused here could never compile, and one accepted here is compiled
within the limits unless the properties of a fact type run out first (which
``sistereval check`` reports by compiling).  The constants equal the
compiler's (a test compares them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from .. import ir
from ..errors import EvaluationError, Problem
from ..model import PartialDate
from ..schema import FactSchema, FactType, with_findings

__all__ = [
    "MAX_ALTERNATIVES",
    "MAX_DURABLE_RULES",
    "MAX_FACT_TYPES",
    "MAX_RULE_ALTERNATIVES",
    "alternatives",
    "compile_limits",
]

#: At most this many alternatives for one condition (the compiler's).
MAX_RULE_ALTERNATIVES: Final = 1024
#: At most this many alternatives on one fact type.
MAX_ALTERNATIVES: Final = 48
#: At most this many fact types.
MAX_FACT_TYPES: Final = 480
#: At most this many durable rules after compilation.
MAX_DURABLE_RULES: Final = 4090
#: Alternatives in one durable rule.
_RULE_ALTERNATIVES: Final = 13
_OVER: Final = MAX_RULE_ALTERNATIVES + 1


def alternatives(expr: ir.Expr, schema: FactSchema, collection: str | None = None) -> int:
    """How many alternatives the compiler expands ``expr`` (in negation normal form)
    into, at most; any figure past :data:`MAX_RULE_ALTERNATIVES` is given as one more
    than it (the count stops there, so no huge number is ever computed)."""
    return _Counter(with_findings(schema), collection).count(expr)


class _Counter:
    def __init__(self, schema: FactSchema, collection: str | None) -> None:
        self.schema = schema
        self.collection = collection

    def count(self, expr: ir.Expr) -> int:
        if isinstance(expr, ir.And):
            total = 1
            for item in expr.items:
                total *= self.count(item)
                if total > MAX_RULE_ALTERNATIVES:
                    return _OVER
            return total
        if isinstance(expr, ir.Or):
            if any(isinstance(i, ir.Literal) and i.value is True for i in expr.items):
                return 1
            total = 0
            for item in expr.items:
                total += self.count(item)
                if total > MAX_RULE_ALTERNATIVES:
                    return _OVER
            return total
        if isinstance(expr, ir.Literal):
            return 1 if expr.value is True else 0
        if isinstance(expr, ir.Compare):
            return self.compare(expr.op, expr.left, expr.right)
        if isinstance(expr, ir.In) and isinstance(expr.haystack, ir.ListLiteral):
            items = expr.haystack.items
            if expr.negated:
                parts: list[ir.Expr] = [ir.Known(expr.needle)]
                parts += [ir.Compare("!=", expr.needle, item) for item in items]
                return self.count(ir.And(tuple(parts)))
            return self.count(ir.Or(tuple(ir.Compare("==", expr.needle, i) for i in items)))
        if isinstance(expr, ir.In):
            return 2 if expr.negated else 1
        if isinstance(expr, ir.Known):
            return self.known(expr.operand, expr.negated)
        return 1  # a match, a quantifier

    def known(self, expr: ir.Expr, negated: bool) -> int:
        if isinstance(expr, ir.Arith):
            parts = [self.known(expr.left, negated), self.known(expr.right, negated)]
            if negated:
                return min(sum(parts) + (expr.op == "/"), _OVER)
            return min(parts[0] * parts[1], _OVER)
        if isinstance(expr, ir.Literal):
            return 0 if negated else 1
        return 1

    def compare(self, op: str, left: ir.Expr, right: ir.Expr) -> int:
        dates = [self.date(side) for side in (left, right)]
        if None in dates:  # not a comparison of dates
            if op in ("<=", ">=") and self.boolean(left):
                return 2
            return 1
        if all(isinstance(side, ir.Literal) for side in (left, right)):
            return 1
        literal = next((d for d in dates if isinstance(d, PartialDate)), None)
        if literal is None:
            return 5
        return 1 + (literal.month is not None) + (literal.day is not None)

    def date(self, expr: ir.Expr) -> PartialDate | bool | None:
        """A date literal, True for a date fact or attribute, None for anything else."""
        if isinstance(expr, ir.Literal):
            return expr.value if isinstance(expr.value, PartialDate) else None
        return True if self.fact_type(expr) is FactType.DATE else None

    def boolean(self, expr: ir.Expr) -> bool:
        if isinstance(expr, (ir.FiredRef, ir.DerivedRef)):
            return True
        if isinstance(expr, ir.Literal):
            return isinstance(expr.value, bool)
        return self.fact_type(expr) is FactType.BOOLEAN

    def fact_type(self, expr: ir.Expr) -> FactType | None:
        if isinstance(expr, ir.FactRef):
            fact = self.schema.scalar(expr.name)
        elif isinstance(expr, ir.ItemRef):
            found = self.schema.collection(expr.collection)
            fact = None if found is None else found.item(expr.name)
        else:
            return None
        return None if fact is None else fact.type


def compile_limits(rules: Sequence[ir.Rule], schema: FactSchema) -> list[Problem]:
    """``engine-limit`` problems of the checked, stratified ``rules``: a condition
    with more than :data:`MAX_RULE_ALTERNATIVES` alternatives, or a rule set
    needing more fact types or durable rules than the engine holds."""
    problems: list[Problem] = []
    counter = _Counter(with_findings(schema), None)
    quants: dict[tuple[int, str, ir.Expr | None], int] = {}  # key -> alternatives
    units: dict[int, list[tuple[int, ir.Rule]]] = {}  # stratum -> (alternatives, rule)
    items: dict[tuple[int, str], list[tuple[int, ir.Rule]]] = {}
    for rule in rules:
        try:
            condition = ir.to_nnf(rule.when)
            found = [node for node in ir.walk(condition) if isinstance(node, ir.Quantifier)]
            counted = [(node, ir.counted_condition(node)) for node in found]
        except (ValueError, EvaluationError):
            continue  # the compiler reports what cannot be put in normal form
        n = worst = counter.count(condition)
        for node, where in counted:
            key = (rule.stratum, node.collection, where)
            if key not in quants:
                inner = _Counter(counter.schema, node.collection)
                quants[key] = 1 if where is None else inner.count(where)
                items.setdefault((rule.stratum, node.collection), []).append((quants[key], rule))
                worst = max(worst, quants[key])
        if worst > MAX_RULE_ALTERNATIVES:
            problems.append(
                Problem(
                    code="engine-limit",
                    message=f"the condition of rule {rule.id!r} expands to more than "
                    f"{MAX_RULE_ALTERNATIVES} alternatives",
                    location=rule.loc,
                    suggestion="each 'or', list literal and date comparison multiplies them:"
                    " split the rule, or derive an intermediate fact",
                )
            )
        units.setdefault(rule.stratum, []).append((n, rule))
    if problems:
        return problems
    return _packing(units, items)


def _packing(
    units: dict[int, list[tuple[int, ir.Rule]]],
    items: dict[tuple[int, str], list[tuple[int, ir.Rule]]],
) -> list[Problem]:
    """The fact types and durable rules the compiler's greedy packing needs, counted
    in its order (each stratum's item types, then its context types)."""
    types, durable = 1, 0
    for stratum in sorted(units):
        groups = [v for (k, _), v in items.items() if k == stratum] + [units[stratum]]
        for group in groups:
            for rule, new_type in _packed(group):
                types += new_type
                durable += 1
                if durable + 1 >= MAX_DURABLE_RULES:
                    return [_limit(rule, f"more than {MAX_DURABLE_RULES} engine rules")]
                if types > MAX_FACT_TYPES:
                    return [_limit(rule, f"more than {MAX_FACT_TYPES} fact types")]
    return []


def _packed(group: list[tuple[int, ir.Rule]]) -> Iterator[tuple[ir.Rule, bool]]:
    """Each durable rule of ``group`` and whether it opens a new fact type."""
    filled = None  # alternatives on the current fact type; None before the first
    for n, rule in group:
        for start in range(0, n, _RULE_ALTERNATIVES):
            size = min(_RULE_ALTERNATIVES, n - start)
            new = filled is None or filled + size > MAX_ALTERNATIVES
            filled = size if new else (filled or 0) + size
            yield rule, new


def _limit(rule: ir.Rule, what: str) -> Problem:
    return Problem(
        code="engine-limit",
        message=f"the rule set compiles to {what}; rule {rule.id!r} is past the limit",
        location=rule.loc,
        suggestion="split the rule set into rule sets evaluated separately, or shorten "
        "conditions with many 'or' alternatives",
    )
