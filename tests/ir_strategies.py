"""Hypothesis strategies over the rule IR and facts, shared by the evaluator tests.

Everything is typed against one small schema, :data:`SCHEMA`, which has a
scalar of every fact type and two collections.  Values are drawn from small
pools so that comparisons are often equal, strings often match patterns and
dates often share a year or month; the pools include the values durable_rules
gets wrong when it is used naively (strings with quotes, backslashes,
newlines and non-ASCII characters, numbers written with exponents, dates of
mixed precision, identical items).

``rulesets()`` draws a stratified rule set whose conditions use every
construct of the IR; ``facts()`` draws facts conforming to :data:`SCHEMA`
(unknown values included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import attrs
from hypothesis import strategies as st

from sistereval import ir
from sistereval.model import PartialDate
from sistereval.schema import CollectionDef, FactDef, FactSchema, FactType

__all__ = [
    "SCHEMA",
    "Facts",
    "conditions",
    "facts",
    "rule",
    "rulesets",
]


def _fact(name: str, ftype: FactType, *values: str) -> FactDef:
    return FactDef(name=name, type=ftype, description=name, values=values)


SCHEMA = FactSchema(
    scalars=(
        _fact("fields.agreed", FactType.INTEGER),
        _fact("fields.implemented", FactType.INTEGER),
        _fact("fields.ratio", FactType.NUMBER),
        _fact("kind", FactType.ENUM, "a", "b", "visit"),
        _fact("title", FactType.STRING),
        _fact("active", FactType.BOOLEAN),
        _fact("funded", FactType.BOOLEAN),
        _fact("milestones.agreement", FactType.DATE),
        _fact("milestones.loi", FactType.DATE),
        _fact("tags", FactType.LIST),
    ),
    collections=(
        CollectionDef(
            name="activities",
            description="activities",
            items=(
                _fact("kind", FactType.ENUM, "a", "b", "visit"),
                _fact("date", FactType.DATE),
                _fact("size", FactType.NUMBER),
                _fact("participants", FactType.LIST),
                _fact("note", FactType.STRING),
                _fact("official", FactType.BOOLEAN),
            ),
        ),
        CollectionDef(
            name="changes",
            description="leadership changes",
            items=(
                _fact("office", FactType.STRING),
                _fact("date", FactType.DATE),
                _fact("continuity", FactType.BOOLEAN),
                _fact("months", FactType.INTEGER),
            ),
        ),
    ),
)

_VT = ir.ValueType
_BY_TYPE: dict[FactType, ir.ValueType] = {
    FactType.NUMBER: _VT.NUMBER,
    FactType.INTEGER: _VT.NUMBER,
    FactType.BOOLEAN: _VT.BOOLEAN,
    FactType.STRING: _VT.STRING,
    FactType.ENUM: _VT.STRING,
    FactType.DATE: _VT.DATE,
    FactType.LIST: _VT.LIST,
}
_FINDING_VALUES = ("obstacle", "strength", "f1", "f2", "high", "low")
_DERIVED = ("d1", "d2")


@attrs.frozen
class Facts:
    """A :class:`~sistereval.ir.FactsLike` for tests."""

    scalars: Mapping[str, ir.FactValue]
    collections: Mapping[str, Sequence[Mapping[str, ir.FactValue]]] = attrs.field(factory=dict)


# ---------------------------------------------------------------- values

_STRINGS = (
    *("", "a", "b", "ab", "A", "visit", "Kota Bandung", "é", "É", "İ", "ß", "😀", "%"),
    *("a\nb", 'a"b', "a\\b", "\x00", "\u0080", "\uffff"),
)
_CHARS = 'abA*?éÉ\n"\\%'

numbers = st.one_of(
    st.integers(-3, 12),
    st.sampled_from((0.5, 0.1, 0.2, 0.3, 1 / 3, -0.0, 2.5, 1e20, 1.5e-7, 123456.75)),
)
strings = st.one_of(st.sampled_from(_STRINGS), st.text(alphabet='abAéÉİ\n"\\%', max_size=4))
enums = st.sampled_from(("a", "b", "visit", ""))
_years = st.sampled_from((2016, 2017, 2018))
_months = st.sampled_from((1, 2, 10, 12))
dates = st.one_of(
    st.builds(PartialDate, _years),
    st.builds(PartialDate, _years, _months),
    st.builds(PartialDate, _years, _months, st.sampled_from((1, 2, 28))),
)
lists = st.lists(st.sampled_from(("a", "b", "youth", "é", 'x"y')), max_size=3).map(tuple)
booleans = st.booleans()

_VALUES: dict[ir.ValueType, st.SearchStrategy[Any]] = {
    _VT.NUMBER: numbers,
    _VT.STRING: strings,
    _VT.BOOLEAN: booleans,
    _VT.DATE: dates,
    _VT.LIST: lists,
}


@cache
def _value(fact: FactDef) -> st.SearchStrategy[Any]:
    if fact.type is FactType.ENUM:
        base = enums
    elif fact.type is FactType.INTEGER:
        base = st.integers(-3, 12)
    else:
        base = _VALUES[_BY_TYPE[fact.type]]
    return st.none() | base


@cache
def _item(coll: CollectionDef) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({fact.name: _value(fact) for fact in coll.items})


@st.composite
def facts(draw: st.DrawFn, schema: FactSchema = SCHEMA) -> Facts:
    """Facts conforming to ``schema``: every scalar (maybe None) and up to 3 items
    per collection (sometimes the same item twice)."""
    scalars = {fact.name: draw(_value(fact)) for fact in schema.scalars}
    collections = {}
    for coll in schema.collections:
        items = draw(st.lists(_item(coll), max_size=3))
        if items and draw(st.booleans()):
            items.append(dict(items[0]))  # an identical twin must count twice
        collections[coll.name] = items
    return Facts(scalars=scalars, collections=collections)


# ---------------------------------------------------------------- expressions


@attrs.frozen
class _Ctx:
    """What an expression may refer to."""

    schema: FactSchema
    scope: str | None = None  # the collection of the enclosing quantifier
    fired: tuple[str, ...] = ()  # rules of lower strata
    derived: tuple[str, ...] = ()  # names derived in lower strata

    def refs(self, vtype: ir.ValueType) -> list[ir.Expr]:
        out: list[ir.Expr] = [
            ir.FactRef(f.name) for f in self.schema.scalars if _BY_TYPE[f.type] is vtype
        ]
        if self.scope == "findings":
            if vtype is _VT.STRING:
                out += [ir.ItemRef("findings", n) for n in ("rule", "kind", "factor", "severity")]
        elif self.scope is not None:
            coll = self.schema.collection(self.scope)
            assert coll is not None
            out += [ir.ItemRef(self.scope, f.name) for f in coll.items if _BY_TYPE[f.type] is vtype]
        if vtype is _VT.BOOLEAN:
            out += [ir.FiredRef(r) for r in self.fired]
            out += [ir.DerivedRef(d) for d in self.derived]
        return out


@cache
def _literal(vtype: ir.ValueType) -> st.SearchStrategy[ir.Expr]:
    values = _VALUES[vtype]
    if vtype is _VT.STRING:
        values = values | st.sampled_from(_FINDING_VALUES)
    return values.map(ir.Literal)


@cache
def values(ctx: _Ctx, vtype: ir.ValueType, depth: int = 2) -> st.SearchStrategy[ir.Expr]:
    """An expression of type ``vtype`` (never a bare list literal)."""
    refs = ctx.refs(vtype)
    options: list[st.SearchStrategy[ir.Expr]] = []
    if refs:
        options.append(st.sampled_from(refs))
    if vtype is not _VT.LIST:
        options.append(_literal(vtype))
    if vtype is _VT.NUMBER:
        if ctx.scope is None:
            options.append(quantifiers(ctx, kinds=("count",)))
        if depth > 0:
            sub = values(ctx, _VT.NUMBER, depth - 1)
            options.append(st.builds(ir.Arith, st.sampled_from("+-*/"), sub, sub))
    return st.one_of(*options)


@cache
def quantifiers(
    ctx: _Ctx, kinds: tuple[str, ...] = ("any", "all", "none")
) -> st.SearchStrategy[ir.Expr]:
    collections = [c.name for c in ctx.schema.collections] + ["findings"]

    def build(kind: str, collection: str) -> st.SearchStrategy[ir.Expr]:
        inner = attrs.evolve(ctx, scope=collection)
        # all(c, p) counts the items satisfying `not p`: p is negated, so no `matches`
        where = st.none() | conditions(inner, depth=1, positive=None if kind == "all" else True)
        return where.map(lambda w: ir.Quantifier(kind, collection, w))

    return st.one_of(*(build(kind, collection) for kind in kinds for collection in collections))


@cache
def _comparisons(ctx: _Ctx) -> st.SearchStrategy[ir.Expr]:
    def build(vtype: ir.ValueType) -> st.SearchStrategy[ir.Expr]:
        ops = ("==", "!=") if vtype is _VT.BOOLEAN else ("<", "<=", ">", ">=", "==", "!=")
        side = values(ctx, vtype)
        return st.builds(ir.Compare, st.sampled_from(ops), side, side)

    return st.one_of(*(build(vt) for vt in (_VT.NUMBER, _VT.STRING, _VT.BOOLEAN, _VT.DATE)))


@cache
def _memberships(ctx: _Ctx) -> st.SearchStrategy[ir.Expr]:
    def literal_list(vtype: ir.ValueType) -> st.SearchStrategy[ir.Expr]:
        items = st.lists(_literal(vtype), max_size=3).map(tuple)
        haystack = items.map(lambda xs: ir.ListLiteral(xs))  # type: ignore[arg-type]
        return st.builds(ir.In, values(ctx, vtype), haystack, st.booleans())

    options = [literal_list(vt) for vt in (_VT.NUMBER, _VT.STRING, _VT.DATE)]
    lists_ = ctx.refs(_VT.LIST)
    if lists_:
        options.append(
            st.builds(
                ir.In,
                values(ctx, _VT.STRING, 0) | st.sampled_from(("a", "youth", "é")).map(ir.Literal),
                st.sampled_from(lists_),
                st.booleans(),
            )
        )
    return st.one_of(*options)


_PATTERNS = ("*", "", "a*", "*a", "a?", "?", "*a*", "Kota*", "kota *", "*b*a*", "é*", "a\nb", 'a"*')


@cache
def _matches(ctx: _Ctx) -> st.SearchStrategy[ir.Expr]:
    patterns = st.sampled_from(_PATTERNS) | st.text(alphabet=_CHARS, max_size=4)
    return st.builds(ir.Match, values(ctx, _VT.STRING, 0), patterns, st.booleans())


@cache
def _knowns(ctx: _Ctx) -> st.SearchStrategy[ir.Expr]:
    operand = st.one_of(*(values(ctx, vt, 1) for vt in _VT))
    return st.builds(ir.Known, operand, st.booleans())


@cache
def conditions(
    ctx: _Ctx, depth: int = 2, positive: bool | None = True
) -> st.SearchStrategy[ir.Expr]:
    """A condition using every construct of the IR (bounded in size).

    ``positive``: whether it ends up un-negated, where ``matches`` is allowed
    (None: it is put in both polarities, so no ``matches`` at all).
    """
    atoms: list[st.SearchStrategy[ir.Expr]] = [
        _comparisons(ctx),
        _memberships(ctx),
        _knowns(ctx),
        st.sampled_from((True, False)).map(ir.Literal),
    ]
    if positive:
        atoms.append(_matches(ctx))
    bools = ctx.refs(_VT.BOOLEAN)
    if bools:
        atoms.append(st.sampled_from(bools))
    if ctx.scope is None:
        atoms.append(quantifiers(ctx))
    atom = st.deferred(lambda: st.one_of(*atoms))
    if depth == 0:
        return atom
    sub = conditions(ctx, depth - 1, positive)
    strategy = st.one_of(
        atom,
        atom,
        st.lists(sub, min_size=1, max_size=2).map(lambda xs: ir.And(tuple(xs))),
        st.lists(sub, min_size=1, max_size=2).map(lambda xs: ir.Or(tuple(xs))),
        conditions(ctx, depth - 1, None if positive is None else not positive).map(ir.Not),
    )
    return st.deferred(lambda: strategy)  # a short repr (hypothesis renders reprs)


def rule(rule_id: str, when: ir.Expr, then: ir.Then | None = None, stratum: int = 0) -> ir.Rule:
    """A rule with the boilerplate filled in."""
    return ir.Rule(
        id=rule_id,
        title=rule_id,
        when=when,
        then=then or ir.VerdictThen(verdict="success"),
        because={"en": rule_id},
        source="tests",
        stratum=stratum,
    )


_THENS = st.one_of(
    st.just(ir.VerdictThen(verdict="failure")),
    st.builds(
        ir.FindingThen,
        kind=st.sampled_from(("obstacle", "strength")),
        factor=st.sampled_from(("f1", "f2")),
        severity=st.sampled_from(("high", "low")),
    ),
    st.sampled_from(_DERIVED).map(lambda name: ir.Derive(name=name)),
)


@st.composite
def rulesets(
    draw: st.DrawFn, schema: FactSchema = SCHEMA, max_strata: int = 3, max_rules: int = 3
) -> ir.RuleSet:
    """A stratified rule set: rules of stratum k may use fired/derived/findings of lower strata."""
    rules: list[ir.Rule] = []
    for k in range(draw(st.integers(1, max_strata))):
        lower = tuple(rules)
        ctx = _Ctx(
            schema=schema,
            fired=tuple(r.id for r in lower),
            derived=tuple(sorted({r.then.name for r in lower if isinstance(r.then, ir.Derive)})),
        )
        for i in range(draw(st.integers(1, max_rules))):
            when = draw(conditions(ctx))
            rules.append(rule(f"r{k}-{i}", when, draw(_THENS), stratum=k))
    return ir.RuleSet(id="generated", version="1", title="generated", rules=tuple(rules))
