"""Three-valued evaluation: which rules fire whatever the varied facts turn out to be.

Each rule is *true* (it fires under every value of the varied facts), *false* (it
fires under none) or *maybe*, by Kleene's logic over the rule's condition in negation
normal form, stratum by stratum:

* a rule whose condition reads nothing uncertain fires as it did on the case;
  an atom (a comparison, ``in``, ``matches``, ``known``) that reads nothing
  uncertain has its value; one that reads a varied fact is *maybe*, except a comparison of
  numbers whose both sides have bounds that decide it (``count(findings, ...) >= 2``
  with two findings that surely fire and one that may);
* ``count``, ``any``, ``all`` and ``none`` over ``findings`` count the findings of
  lower strata that surely fire and those that may; over another collection they
  are *maybe* when the collection differs between the sides of a dispute or their
  condition reads a varied fact;
* ``fired(...)`` and ``derived.*`` take the status of the rules they name.

:func:`possible_verdicts` is then every verdict the rule set's policy can give.  The
evaluation is sound (a rule said to be true or false is so under every value) but not
complete: *maybe* can hide a rule that in fact always fires.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence

import attrs

from .. import ir
from ..engine.reference import Env, eval_condition, matching_items
from ..facts import Facts

__all__ = ["Status", "nnf", "possible_verdicts", "rule_statuses"]

NOT_ASSESSABLE = "not_assessable"


class Status(enum.Enum):
    FALSE = 0
    MAYBE = 1
    TRUE = 2


def _and(values: Sequence[Status]) -> Status:
    return min(values, key=lambda s: s.value, default=Status.TRUE)


def _or(values: Sequence[Status]) -> Status:
    return max(values, key=lambda s: s.value, default=Status.FALSE)


def _of(value: bool) -> Status:
    return Status.TRUE if value else Status.FALSE


@attrs.define
class _Walker:
    facts: Facts
    varied: Collection[str]
    varied_collections: Collection[str]
    statuses: dict[str, Status]
    findings: list[tuple[dict[str, ir.FactValue], Status]]
    derived: dict[str, list[Status]]
    cached: Env | None = None

    def env(self) -> Env:
        """What the rules of the current stratum see (the lower strata's findings that
        surely or maybe fire among them)."""
        if self.cached is None:
            self.cached = self._env()
        return self.cached

    def _env(self) -> Env:
        return Env(
            scalars=self.facts.scalars,
            collections=self.facts.collections,
            fired=frozenset(r for r, s in self.statuses.items() if s is not Status.FALSE),
            derived=frozenset(self.derived),
            findings=tuple(item for item, _ in self.findings),
        )

    def uncertain(self, expr: ir.Expr) -> bool:
        """Whether ``expr`` reads anything that may differ: a varied fact, a finding,
        rule or derived fact that may or may not be there, a varied collection."""
        for node in ir.walk(expr):
            if isinstance(node, ir.FactRef):
                maybe = node.name in self.varied
            elif isinstance(node, ir.Quantifier) and node.collection == "findings":
                maybe = any(status is Status.MAYBE for _, status in self.findings)
            elif isinstance(node, ir.Quantifier):
                maybe = self._quantifier(node) is None
            elif isinstance(node, ir.FiredRef):
                maybe = self.statuses.get(node.rule) is Status.MAYBE
            elif isinstance(node, ir.DerivedRef):
                maybe = Status.MAYBE in self.derived.get(node.name, [])
            else:
                maybe = False
            if maybe:
                return True
        return False

    def _quantifier(self, q: ir.Quantifier) -> tuple[int, int] | None:
        """The bounds of the number of items ``q`` counts, or None when unbounded."""
        if q.collection == "findings":
            if q.where is not None and any(
                isinstance(n, ir.FactRef) and n.name in self.varied for n in ir.walk(q.where)
            ):
                return (0, len(self.findings))
            hits = matching_items(q, self.env())
            sure = sum(1 for i in hits if self.findings[i][1] is Status.TRUE)
            return (sure, len(hits))
        if q.collection in self.varied_collections:
            return None
        if q.where is not None and any(
            isinstance(n, ir.FactRef) and n.name in self.varied for n in ir.walk(q.where)
        ):
            return None
        count = len(matching_items(q, self.env()))
        return (count, count)

    def bounds(self, expr: ir.Expr) -> tuple[float, float] | None:
        if isinstance(expr, ir.Literal):
            literal = expr.value
            if isinstance(literal, bool) or not isinstance(literal, int | float):
                return None
            return (literal, literal)
        if isinstance(expr, ir.FactRef):
            if expr.name in self.varied:
                return None
            value = self.facts.scalars.get(expr.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return (value, value)
        if isinstance(expr, ir.Quantifier) and expr.kind == "count":
            return self._quantifier(expr)
        if isinstance(expr, ir.Arith) and expr.op in "+-*":
            left, right = self.bounds(expr.left), self.bounds(expr.right)
            if left is None or right is None:
                return None
            if expr.op == "+":
                return (left[0] + right[0], left[1] + right[1])
            if expr.op == "-":
                return (left[0] - right[1], left[1] - right[0])
            products = [a * b for a in left for b in right]
            return (min(products), max(products))
        return None

    def compare(self, expr: ir.Compare) -> Status:
        left, right = self.bounds(expr.left), self.bounds(expr.right)
        if left is None or right is None:
            return Status.MAYBE
        (a, b), (c, d) = left, right
        op = expr.op
        if op == "<":
            return Status.TRUE if b < c else Status.FALSE if a >= d else Status.MAYBE
        if op == "<=":
            return Status.TRUE if b <= c else Status.FALSE if a > d else Status.MAYBE
        if op == ">":
            return Status.TRUE if a > d else Status.FALSE if b <= c else Status.MAYBE
        if op == ">=":
            return Status.TRUE if a >= d else Status.FALSE if b < c else Status.MAYBE
        equal = Status.TRUE if a == b == c == d else Status.FALSE if b < c or d < a else None
        if equal is None:
            return Status.MAYBE
        if op == "==":
            return equal
        return Status.FALSE if equal is Status.TRUE else Status.TRUE

    def condition(self, expr: ir.Expr) -> Status:
        """The status of ``expr``, a condition in negation normal form."""
        if isinstance(expr, ir.And):
            return _and([self.condition(item) for item in expr.items])
        if isinstance(expr, ir.Or):
            return _or([self.condition(item) for item in expr.items])
        if isinstance(expr, ir.FiredRef):
            return self.statuses.get(expr.rule, Status.FALSE)
        if isinstance(expr, ir.DerivedRef):
            return _or(self.derived.get(expr.name, []))
        if isinstance(expr, ir.Quantifier) and expr.kind != "count":
            bounds = self._quantifier(expr)
            if bounds is None:
                return Status.MAYBE
            sure, possible = bounds
            if expr.kind == "any":
                return Status.TRUE if sure > 0 else Status.FALSE if possible == 0 else Status.MAYBE
            return Status.TRUE if possible == 0 else Status.FALSE if sure > 0 else Status.MAYBE
        if not self.uncertain(expr):
            return _of(eval_condition(expr, self.env()))
        if isinstance(expr, ir.Compare):
            return self.compare(expr)
        return Status.MAYBE


_NNF: dict[int, tuple[ir.Rule, ir.Expr]] = {}


def nnf(rule: ir.Rule) -> ir.Expr:
    """The rule's condition in negation normal form, kept for the rules seen last."""
    known = _NNF.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    if len(_NNF) > 4096:
        _NNF.clear()
    condition = ir.condition_nnf(rule.when)
    _NNF[id(rule)] = (rule, condition)
    return condition


def rule_statuses(
    ruleset: ir.RuleSet,
    facts: Facts,
    varied: Collection[str],
    varied_collections: Collection[str],
    fired: Collection[str],
) -> Mapping[str, Status]:
    """The status of every rule of ``ruleset`` on ``facts`` when the scalar facts
    ``varied`` (and the collections ``varied_collections``) may take any value;
    ``fired`` the rules that fired on ``facts`` (what a rule that reads nothing
    uncertain does)."""
    walker = _Walker(
        facts=facts,
        varied=frozenset(varied),
        varied_collections=frozenset(varied_collections),
        statuses={},
        findings=[],
        derived={},
    )
    for stratum in ruleset.strata:
        walker.cached = None
        new = [
            (
                rule,
                walker.condition(condition)
                if walker.uncertain(condition)
                else _of(rule.id in fired),
            )
            for rule in stratum
            for condition in (nnf(rule),)
        ]
        for rule, status in new:
            walker.statuses[rule.id] = status
            if status is Status.FALSE:
                continue
            if isinstance(rule.then, ir.Derive):
                walker.derived.setdefault(rule.then.name, []).append(status)
            elif isinstance(rule.then, ir.FindingThen):
                walker.findings.append((ir.finding_item(rule), status))
    return walker.statuses


def possible_verdicts(ruleset: ir.RuleSet, statuses: Mapping[str, Status]) -> frozenset[str]:
    """Every verdict the rule set's policy can give when each verdict rule fires or
    not as its status allows."""
    rules = [
        (rule.then.verdict, statuses.get(rule.id, Status.FALSE))
        for rule in ruleset.rules
        if isinstance(rule.then, ir.VerdictThen)
    ]
    rules = [(verdict, status) for verdict, status in rules if status is not Status.FALSE]
    if ruleset.policy == "priority":
        out: set[str] = set()
        for verdict, status in rules:
            out.add(verdict)
            if status is Status.TRUE:
                return frozenset(out)
        return frozenset({*out, NOT_ASSESSABLE})
    rank = {name: i for i, name in enumerate(ruleset.scale)}
    sign = 1 if ruleset.policy == "worst" else -1

    def worse(a: str, b: str) -> bool:
        return sign * rank[a] > sign * rank[b]

    sure = [verdict for verdict, status in rules if status is Status.TRUE]
    if not sure:
        return frozenset({NOT_ASSESSABLE, *(verdict for verdict, _ in rules)})
    winner = sure[0]
    for verdict in sure[1:]:
        if worse(verdict, winner):
            winner = verdict
    return frozenset({winner, *(v for v, _ in rules if worse(v, winner))})
