"""Type checking of parsed conditions against a fact schema.

Every problem of a condition is reported (not just the first); a node whose
type cannot be known because of an earlier problem is skipped silently so one
mistake gives one message.  See ``docs/rule-language.md`` for the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from .. import ir
from ..errors import Location, Problem
from ..messages import did_you_mean, suggest_value
from ..model import PartialDate
from ..schema import CollectionDef, FactDef, FactSchema

__all__ = ["Context", "check_condition", "is_negative_atom"]

_NUMBER, _BOOLEAN, _STRING = ir.ValueType.NUMBER, ir.ValueType.BOOLEAN, ir.ValueType.STRING
_DATE, _LIST = ir.ValueType.DATE, ir.ValueType.LIST
_ORDERED = ("<", "<=", ">", ">=")
_CONDITIONS = (ir.Compare, ir.In, ir.Match, ir.Known, ir.And, ir.Or, ir.Not)
_NAMES = {
    _NUMBER: "a number",
    _BOOLEAN: "a boolean",
    _STRING: "a string",
    _DATE: "a date",
    _LIST: "a list",
}
_PLURALS = {_BOOLEAN: "booleans", _STRING: "strings"}


@attrs.frozen(kw_only=True)
class Context:
    """What a condition may refer to: the schema (with ``findings``), rule ids, derived names."""

    schema: FactSchema
    rules: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()


@attrs.frozen
class _Type:
    kind: ir.ValueType
    values: tuple[str, ...] = ()  # allowed strings of an enum (or of a list's items)


def _type_of_fact(fact: FactDef) -> _Type:
    return _Type(ir.FACT_VALUE_TYPES[fact.type], fact.values)


def _type_of_literal(value: ir.LiteralValue) -> _Type:
    if isinstance(value, bool):
        return _Type(_BOOLEAN)
    if isinstance(value, PartialDate):
        return _Type(_DATE)
    if isinstance(value, str):
        return _Type(_STRING)
    return _Type(_NUMBER)


def check_condition(
    expr: ir.Expr, context: Context, *, start: Location | None = None
) -> list[Problem]:
    """Every problem of ``expr`` used as a condition; ``start`` locates whole-condition problems."""
    checker = _Checker(context)
    checker.condition(expr, None)
    checker.polarity(expr, positive=True)
    if not checker.problems:
        atoms = list(_atoms(ir.to_nnf(expr)))
        if all(is_negative_atom(atom) for atom in atoms):
            checker.report(
                "only-negations",
                "the condition only tests for absence (missing, none, not in, !=, not fired)",
                start or _first(expr),
                "add a positive condition",
            )
    return checker.problems


def _first(expr: ir.Expr) -> Location:
    """The location of the leftmost token of ``expr``."""
    return min(
        (node.loc for node in ir.walk(expr)),
        key=lambda loc: (loc.line or 0, loc.column or 0),
    )


def _atoms(expr: ir.Expr) -> Iterator[ir.Expr]:
    if isinstance(expr, ir.And | ir.Or):
        for item in expr.items:
            yield from _atoms(item)
    else:
        yield expr


def is_negative_atom(atom: ir.Expr) -> bool:
    """An atom of an NNF condition that tests for absence."""
    if isinstance(atom, ir.Known | ir.In):
        return atom.negated
    if isinstance(atom, ir.Quantifier):
        return atom.kind == "none"
    if isinstance(atom, ir.Compare):
        if atom.op == "!=":
            return True
        if atom.op == "==":
            for ref, other in ((atom.left, atom.right), (atom.right, atom.left)):
                if (
                    isinstance(ref, ir.FiredRef | ir.DerivedRef)
                    and isinstance(other, ir.Literal)
                    and other.value is False
                ):
                    return True
    return False


class _Checker:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.schema = context.schema
        self.problems: list[Problem] = []

    def report(self, code: str, message: str, loc: Location, suggestion: str | None = None) -> None:
        self.problems.append(
            Problem(code=code, message=message, location=loc, suggestion=suggestion)
        )

    # ------------------------------------------------------------ conditions

    def condition(self, expr: ir.Expr, scope: str | None) -> None:
        found = self.type_of(expr, scope)
        if found is None or found.kind is _BOOLEAN:
            return
        what, hint = "this", None
        if isinstance(expr, ir.FactRef | ir.ItemRef):
            what = repr(expr.name)
            if found.kind is _NUMBER:
                hint = f"compare it, for example {expr.name} > 0"
        self.report(
            "not-boolean", f"{what} is {_NAMES[found.kind]}, not a condition", expr.loc, hint
        )

    def polarity(self, expr: ir.Expr, *, positive: bool, refusing: bool = False) -> None:
        """Report ``matches`` where the engine would have to negate it.

        That is under an odd number of ``not``, or anywhere inside a quantifier
        that holds when items are absent (``refusing``): ``none``, ``all`` (no
        item fails) and a negated ``any`` (which is ``none``), whatever the
        ``not`` inside it, since the engine evaluates those by negation.
        """
        if isinstance(expr, ir.Match) and (refusing or not positive):
            self.report(
                "negated-match",
                f"{'imatches' if expr.ignore_case else 'matches'} cannot be negated"
                " (under 'not', 'none' or 'all')",
                expr.loc,
                "match what should be there, or list the values with 'not in'",
            )
        elif isinstance(expr, ir.Not):
            self.polarity(expr.operand, positive=not positive, refusing=refusing)
        elif isinstance(expr, ir.And | ir.Or):
            for item in expr.items:
                self.polarity(item, positive=positive, refusing=refusing)
        elif isinstance(expr, ir.Quantifier) and expr.where is not None:
            refuses = expr.kind in ("none", "all") or (expr.kind == "any" and not positive)
            # count's condition keeps its sense under 'not': the comparison flips instead
            self.polarity(expr.where, positive=True, refusing=refusing or refuses)
        elif isinstance(expr, ir.Compare | ir.Arith):  # count(...) stands in comparisons
            self.polarity(expr.left, positive=True, refusing=refusing)
            self.polarity(expr.right, positive=True, refusing=refusing)

    # ------------------------------------------------------------ types

    def type_of(self, expr: ir.Expr, scope: str | None) -> _Type | None:
        """The type of ``expr``, or None when a problem has been reported for it."""
        if isinstance(expr, ir.Literal):
            return _type_of_literal(expr.value)
        if isinstance(expr, ir.FactRef):
            return self.fact(expr)
        if isinstance(expr, ir.ItemRef):
            return self.item(expr, scope)
        if isinstance(expr, ir.DerivedRef):
            if expr.name not in self.context.derived:
                self.report(
                    "unknown-derived",
                    f"'derived.{expr.name}': no rule derives {expr.name!r}",
                    expr.loc,
                    did_you_mean(expr.name, self.context.derived),
                )
            return _Type(_BOOLEAN)
        if isinstance(expr, ir.FiredRef):
            if expr.rule not in self.context.rules:
                self.report(
                    "unknown-rule",
                    f"{expr.rule!r}",
                    expr.loc,
                    did_you_mean(expr.rule, self.context.rules),
                )
            return _Type(_BOOLEAN)
        if isinstance(expr, ir.Compare):
            return self.compare(expr, scope)
        if isinstance(expr, ir.Arith):
            return self.arith(expr, scope)
        if isinstance(expr, ir.In):
            return self.in_(expr, scope)
        if isinstance(expr, ir.Match):
            subject = self.value(expr.subject, scope, expr.loc)
            if subject is not None and subject.kind is not _STRING:
                self.report(
                    "type-mismatch",
                    f"cannot match {_NAMES[subject.kind]} against a pattern",
                    expr.loc,
                )
            return _Type(_BOOLEAN)
        if isinstance(expr, ir.Known):
            if isinstance(expr.operand, ir.FactRef | ir.ItemRef):
                self.type_of(expr.operand, scope)
            else:
                name = "missing" if expr.negated else "known"
                self.report("bad-argument", f"{name}() takes a fact or an item attribute", expr.loc)
            return _Type(_BOOLEAN)
        if isinstance(expr, ir.And | ir.Or):
            for item in expr.items:
                self.condition(item, scope)
            return _Type(_BOOLEAN)
        if isinstance(expr, ir.Not):
            self.condition(expr.operand, scope)
            return _Type(_BOOLEAN)
        if isinstance(expr, ir.Quantifier):
            return self.quantifier(expr, scope)
        # a list literal anywhere but after 'in' (the parser never makes one)
        self.report("type-mismatch", "a list is only allowed after 'in' or 'not in'", expr.loc)
        return None

    def fact(self, expr: ir.FactRef) -> _Type | None:
        fact = self.schema.scalar(expr.name)
        if fact is not None:
            return _type_of_fact(fact)
        hint: str | None
        if self.schema.collection(expr.name) is not None:
            hint = f"it is a collection: use any({expr.name}, ...) or count({expr.name})"
        else:
            hint = did_you_mean(expr.name, (f.name for f in self.schema.scalars))
        self.report("unknown-fact", f"{expr.name!r}", expr.loc, hint)
        return None

    def item(self, expr: ir.ItemRef, scope: str | None) -> _Type | None:
        coll = self.schema.collection(expr.collection)
        if coll is None:
            return None  # reported at the quantifier
        if scope is None:
            self.report("unknown-fact", f"{expr.name!r} outside a quantifier", expr.loc)
            return None
        fact = coll.item(expr.name)
        if fact is not None:
            return _type_of_fact(fact)
        hint = suggest_value(expr.name, (f.name for f in coll.items))
        self.report(
            "unknown-attribute", f"{expr.name!r} is no attribute of {coll.name!r}", expr.loc, hint
        )
        return None

    def value(self, expr: ir.Expr, scope: str | None, at: Location) -> _Type | None:
        """The type of an operand of a comparison or of arithmetic (no conditions)."""
        if isinstance(expr, _CONDITIONS) or (
            isinstance(expr, ir.Quantifier) and expr.kind != "count"
        ):
            self.type_of(expr, scope)
            self.report(
                "type-mismatch",
                "cannot use a condition as a value",
                at,
                "use the condition itself, or 'not' for its opposite",
            )
            return None
        return self.type_of(expr, scope)

    def compare(self, expr: ir.Compare, scope: str | None) -> _Type:
        left = self.value(expr.left, scope, expr.loc)
        right = self.value(expr.right, scope, expr.loc)
        if left is None or right is None:
            return _Type(_BOOLEAN)
        if _LIST in (left.kind, right.kind):
            name = expr.left if left.kind is _LIST else expr.right
            self.report(
                "type-mismatch",
                "a list can only be tested with 'in' or 'not in'",
                expr.loc,
                f'for example "value" in {getattr(name, "name", "the_list")}',
            )
        elif left.kind is not right.kind:
            self.report(
                "type-mismatch",
                f"cannot compare {left.kind} with {right.kind}",
                expr.loc,
                _date_hint(expr.left, expr.right),
            )
        elif expr.op in _ORDERED and left.kind in (_BOOLEAN, _STRING):
            self.report(
                "type-mismatch",
                f"cannot order {_PLURALS[left.kind]} with {expr.op!r}",
                expr.loc,
                "only numbers and dates have an order; use == or !=",
            )
        else:
            self.enum_literal(left, expr.right)
            self.enum_literal(right, expr.left)
        return _Type(_BOOLEAN)

    def enum_literal(self, expected: _Type, expr: ir.Expr) -> None:
        if (
            expected.values
            and isinstance(expr, ir.Literal)
            and isinstance(expr.value, str)
            and expr.value not in expected.values
        ):
            self.report(
                "bad-enum-value",
                f"{expr.value!r} is not an allowed value",
                expr.loc,
                suggest_value(expr.value, expected.values),
            )

    def arith(self, expr: ir.Arith, scope: str | None) -> _Type:
        for side in (expr.left, expr.right):
            found = self.value(side, scope, expr.loc)
            if found is not None and found.kind is not _NUMBER:
                self.report(
                    "type-mismatch",
                    f"{expr.op!r} needs numbers, not {_NAMES[found.kind]}",
                    side.loc,
                )
        if expr.op == "/" and not _nonzero_number(expr.right):
            self.report(
                "division",
                "a condition may only divide by a non-zero number",
                expr.loc,
                "use a ratio from the fact schema, such as fields.implementation_ratio",
            )
        return _Type(_NUMBER)

    def in_(self, expr: ir.In, scope: str | None) -> _Type:
        needle = self.value(expr.needle, scope, expr.loc)
        haystack = expr.haystack
        if isinstance(haystack, ir.ListLiteral):
            if needle is None:
                return _Type(_BOOLEAN)
            if needle.kind in (_BOOLEAN, _LIST):
                self.report(
                    "type-mismatch",
                    f"cannot look for {_NAMES[needle.kind]} in a list",
                    expr.loc,
                    "use == or !=" if needle.kind is _BOOLEAN else None,
                )
                return _Type(_BOOLEAN)
            for item in haystack.items:
                kind = _type_of_literal(item.value).kind
                if kind is not needle.kind:
                    self.report(
                        "type-mismatch", f"cannot compare {needle.kind} with {kind}", item.loc
                    )
                else:
                    self.enum_literal(needle, item)
            return _Type(_BOOLEAN)
        found = self.value(haystack, scope, expr.loc)
        if found is None:
            return _Type(_BOOLEAN)
        name = getattr(haystack, "name", "")
        if found.kind is not _LIST:
            self.report(
                "type-mismatch",
                f"the right side of 'in' must be a list, not {_NAMES[found.kind]}",
                haystack.loc,
                'a list fact, or a list of values such as ["a", "b"]',
            )
        elif not (isinstance(expr.needle, ir.Literal) and isinstance(expr.needle.value, str)):
            self.report(
                "type-mismatch",
                f"only a string in quotes can be looked for in the list {name!r}",
                expr.needle.loc,
                f'for example "value" in {name}',
            )
        else:
            self.enum_literal(found, expr.needle)
        return _Type(_BOOLEAN)

    def quantifier(self, expr: ir.Quantifier, scope: str | None) -> _Type:
        if scope is not None:
            self.report(
                "nested-quantifier",
                f"{expr.kind}() inside a quantifier over {scope!r}: quantifiers do not nest",
                expr.loc,
                "test the inner condition in a rule of its own that derives a fact",
            )
        coll: CollectionDef | None = self.schema.collection(expr.collection)
        if coll is None:
            self.report(
                "unknown-collection",
                f"{expr.collection!r}",
                expr.loc,
                suggest_value(expr.collection, (c.name for c in self.schema.collections)),
            )
        elif expr.where is not None:
            self.condition(expr.where, expr.collection)
        return _Type(_NUMBER if expr.kind == "count" else _BOOLEAN)


def _nonzero_number(expr: ir.Expr) -> bool:
    return (
        isinstance(expr, ir.Literal)
        and isinstance(expr.value, int | float)
        and not isinstance(expr.value, bool)
        and expr.value != 0
    )


def _date_hint(left: ir.Expr, right: ir.Expr) -> str | None:
    for side in (left, right):
        if isinstance(side, ir.Literal) and isinstance(side.value, str):
            try:
                PartialDate.parse(side.value)
            except ValueError:
                continue
            return f'write dates as date("{side.value}")'
    return None
