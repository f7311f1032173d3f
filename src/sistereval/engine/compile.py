"""The compiler: a checked rule set (:mod:`sistereval.ir`) to one durable ruleset.

:func:`compile_ruleset` gives the durable rules (JSON) and the :class:`Compiled`
plan of the facts to assert for them: which fact types (:class:`Group`) each
stratum asserts, which *slots* (:class:`Slot`: a scalar, an item attribute, a
quantifier's count...) each carries, and the quantifiers (:class:`Quant`) and
precomputed matches (:class:`MatchAtom`) the rules read.  Encoding a case for
it is :mod:`~sistereval.engine.records`; running it,
:mod:`~sistereval.engine.durable`.

* **Conditions.** A condition in negation normal form is compiled to a
  disjunction of conjunctions of durable tests (durable fires once per true
  ``$or`` alternative anyway).  Each stratum-k rule becomes a single-pattern
  durable rule ``t == <group> and (<alternatives>)`` on a *context* fact;
  comparisons between properties, arithmetic and list membership use
  ``$m``/``$add``.../``$iany``/``$iall`` inside that one pattern, with a
  ``!= 0`` guard on every divisor.  A durable rule holds at most 13
  alternatives (each ``$and``/``$or`` takes 2 of the 31 entries of its
  expression sequence: error 113 beyond), so a longer condition spans several
  durable rules (:class:`Unit`).  Units are packed into fact types of at most
  :data:`MAX_ALTERNATIVES` alternatives: durable keeps the pending alpha nodes
  of one fact on a 64-entry stack (error 303 beyond) and the children of one
  alpha node in a 512-slot table (create_ruleset hangs beyond), so neither
  limit can be reached however many rules test one property.
* **Dates.** A date ``d`` is sent as ``<p>y`` (year), ``<p>m`` (month number)
  and ``<p>d`` (ordinal day), each only when known, so "compare at the coarser
  precision" is a disjunction over the levels.  A list is an array plus its
  length ``<p>n``.  Unknown values are left out, so ``$ex``/``$nex`` test
  known/missing.
* **Quantifiers.** Each quantifier of stratum k compiles to a helper rule on
  the items of its collection (``all(c, p)`` counts the items satisfying
  ``not p``); the items carry copies of the scalars and fired/derived flags
  the predicate reads (no joins).  The counts go into the context fact of
  stratum k.
* **Matching.** ``$mt`` is used for patterns durable's regex engine gets right
  (no ``*``, or one trailing ``*``); its DFA construction is wrong for a ``*``
  followed by more pattern (``*aa`` does not match ``"aaa"``) and fails to
  compile some such patterns, so those matches are computed in Python when
  the facts are encoded (:class:`MatchAtom`, with
  :class:`~sistereval.engine.glob.Glob`) and tested as a boolean property.
* **Limits.** Anything beyond the limits below is refused before durable sees
  it, naming the rule.
"""

from __future__ import annotations

import enum
import math
import operator
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

import attrs

from .. import ir
from ..errors import EvaluationError
from ..model import PartialDate
from ..schema import FINDINGS, CollectionDef, FactSchema
from .glob import Glob
from .values import Raw, dumps, literal, month_number, number, shift
from .wellformed import check_ruleset, expr_type

__all__ = [
    "MAX_ALTERNATIVES",
    "MAX_DURABLE_RULES",
    "MAX_FACT_TYPES",
    "MAX_PROPERTIES",
    "MAX_RULES",
    "MAX_RULE_ALTERNATIVES",
    "ZERO",
    "Compiled",
    "Conj",
    "Group",
    "MatchAtom",
    "Quant",
    "Slot",
    "SlotKind",
    "Stratum",
    "Unit",
    "compile_ruleset",
]

# ---------------------------------------------------------------- limits

#: At most this many rules per rule set.
MAX_RULES: Final = 4000
#: At most this many durable rules after compilation (durable fails beyond 4,096).
MAX_DURABLE_RULES: Final = 4090
#: At most this many alternatives (paths of the disjunctive normal form) on one fact type.
MAX_ALTERNATIVES: Final = 48
#: At most this many alternatives for one condition.
MAX_RULE_ALTERNATIVES: Final = 1024
#: At most this many properties on one asserted fact (durable fails at 253).
MAX_PROPERTIES: Final = 200
#: At most this many fact types (children of durable's root alpha node; 512 hang).
MAX_FACT_TYPES: Final = 480
#: At most this many alternatives in one durable rule: each ``$and``/``$or`` takes two
#: of the 31 entries of a rule's expression sequence (error 113 beyond).
_RULE_ALTERNATIVES: Final = 13
#: Longest pattern handed to durable's regex engine.
_MAX_REGEX: Final = 200

_MIRROR: Final = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_DOP: Final = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
_AOP: Final = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}

# ---------------------------------------------------------------- compiled form


class SlotKind(enum.StrEnum):
    """What a :class:`Slot` holds, and the property it carries."""

    SCALAR = "s"  # scalar n of the schema: s<n>
    SCALAR_LOWER = "sl"  # its lower-cased copy, for imatches: s<n>l
    ATTRIBUTE = "a"  # attribute n of an item: a<n>
    ATTRIBUTE_LOWER = "al"  # its lower-cased copy: a<n>l
    COUNT = "q"  # the count of quantifier n: q<n>
    FIRED = "f"  # whether rule n fired: f<n>
    DERIVED = "d"  # whether derived name n was derived: d<n>
    MATCH = "g"  # precomputed match n: g<n>
    ZERO = "z"  # the constant 0: _z


_PROPS: Final = {
    SlotKind.SCALAR: "s{}",
    SlotKind.SCALAR_LOWER: "s{}l",
    SlotKind.ATTRIBUTE: "a{}",
    SlotKind.ATTRIBUTE_LOWER: "a{}l",
    SlotKind.COUNT: "q{}",
    SlotKind.FIRED: "f{}",
    SlotKind.DERIVED: "d{}",
    SlotKind.MATCH: "g{}",
    SlotKind.ZERO: "_z",
}
_LOWER: Final = {
    SlotKind.SCALAR: SlotKind.SCALAR_LOWER,
    SlotKind.ATTRIBUTE: SlotKind.ATTRIBUTE_LOWER,
}


class Slot(NamedTuple):
    """One source of properties on an asserted fact: ``Slot(SlotKind.SCALAR, 3)`` is
    the fourth scalar of the schema, property ``s3`` (a date is ``s3y``, ``s3m`` and
    ``s3d``; a list adds its length, ``s3n``)."""

    kind: SlotKind
    n: int = 0  # which scalar, attribute, quantifier, rule, derived name or match

    @property
    def prop(self) -> str:
        """The name of its property (the stem of a date's or a list's)."""
        return _PROPS[self.kind].format(self.n)

    def lowered(self) -> Slot:
        """The slot of the lower-cased copy of a scalar or an attribute."""
        return Slot(_LOWER[self.kind], self.n)

    def order(self) -> tuple[str, str]:
        """A sort key: by kind, then by ``n`` as text (``s10`` before ``s2``).

        Any fixed order would do for the properties of a fact; this one keeps
        the facts asserted byte for byte what they were before slots had a type.
        """
        return self.kind.value, str(self.n)


#: The slot of the constant 0, ``_z``.
ZERO: Final = Slot(SlotKind.ZERO)

Conj = tuple[str, ...]  # durable tests (JSON) that must all hold
Dnf = list[Conj]  # alternatives; [] is false, [()] is true

_TRUE: Final[Dnf] = [()]
_FALSE: Final[Dnf] = []


class _Unknown:
    """A literal subexpression without a value (``1 / 0``)."""


_UNKNOWN: Final = _Unknown()


@attrs.frozen
class _Term:
    """A compiled value: a literal, a property, or durable arithmetic."""

    vtype: ir.ValueType
    json: str = ""  # the durable rvalue
    literal: object = None  # the value, when the term is a literal
    is_literal: bool = False
    prop: str | None = None  # the property, when the term is one
    refs: frozenset[str] = frozenset()  # properties read
    guards: tuple[str, ...] = ()  # tests that must hold (non-zero divisors)


@attrs.frozen
class MatchAtom:
    """A match computed in Python while the facts are encoded."""

    source: Slot  # a scalar or an attribute
    collection: str | None  # the collection of an attribute
    glob: Glob
    ignore_case: bool


@attrs.frozen
class Quant:
    """A quantifier of one stratum: its helper rules match the items it counts."""

    stratum: int
    collection: str
    counted: ir.Expr | None  # NNF; None: every item counts
    rules: tuple[int, ...]  # the rules it belongs to


@attrs.frozen
class Unit:
    """Alternatives of one rule (or helper) asserted on one fact type together."""

    name: str  # the durable rule's name
    owner: int  # rule index, or quantifier id for helpers
    conjs: tuple[Conj, ...]
    slots: frozenset[Slot]


@attrs.frozen
class Group:
    """One fact type: a context fact (``collection`` None) or an item fact."""

    tag: str
    collection: str | None
    slots: tuple[Slot, ...]
    units: tuple[Unit, ...]


@attrs.frozen
class Stratum:
    """The rules of one stratum and the fact types asserted for them: items first."""

    rules: tuple[int, ...]
    item_groups: tuple[Group, ...]
    ctx_groups: tuple[Group, ...]


@attrs.frozen
class Compiled:
    """A compiled rule set: the durable rules and the plan of the facts to assert."""

    rules: dict[str, str]  # durable rule name -> its JSON
    owners: dict[str, tuple[str, int]]  # durable rule name -> ("rule"|"quantifier", owner)
    strata: tuple[Stratum, ...]
    quants: tuple[Quant, ...]
    atoms: tuple[MatchAtom, ...]
    rule_quants: dict[int, tuple[int, ...]]
    derived: tuple[str, ...]
    slots: frozenset[Slot]  # every slot some fact carries
    collections: dict[str, CollectionDef]  # the schema's, and findings

    @property
    def text(self) -> str:
        return "{" + ",".join(f'"{name}":{rule}' for name, rule in self.rules.items()) + "}"


_COMPARE: Final = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _fold_compare(op: str, left: object, right: object) -> bool:
    """A comparison of two literals (both known, same type)."""
    a: Any = left
    b: Any = right
    if isinstance(left, PartialDate) and isinstance(right, PartialDate):
        level = min(_level(left), _level(right))
        a = (left.year, left.month, left.day)[: level + 1]
        b = (right.year, right.month, right.day)[: level + 1]
    elif not isinstance(left, (bool, str)):
        a, b = float(left), float(right)  # type: ignore[arg-type]
    return bool(_COMPARE[op](a, b))


def _level(date: PartialDate) -> int:
    return 2 if date.day is not None else 1 if date.month is not None else 0


def _fold_arith(op: str, left: object, right: object) -> object:
    a, b = float(left), float(right)  # type: ignore[arg-type]
    if op == "/" and b == 0:
        return _UNKNOWN
    value = a / b if op == "/" else a + b if op == "+" else a - b if op == "-" else a * b
    return value if math.isfinite(value) else _UNKNOWN  # an overflow is unknown


def compile_ruleset(ruleset: ir.RuleSet, schema: FactSchema) -> Compiled:
    """Compile ``ruleset`` over facts of ``schema``; it is checked first (:func:`check_ruleset`).

    Raises :class:`~sistereval.errors.EvaluationError` naming the rule at fault
    for an ill-formed rule set and for anything beyond the limits of this module.
    """
    return _Compiler(ruleset, schema).compile()


class _Compiler:
    """IR -> durable ruleset JSON, plus the plans for encoding facts for it."""

    def __init__(self, ruleset: ir.RuleSet, schema: FactSchema) -> None:
        self.ruleset = ruleset
        self.schema = schema
        self.rules = ruleset.rules
        self.index = {rule.id: i for i, rule in enumerate(self.rules)}
        self.scalars = {fact.name: i for i, fact in enumerate(schema.scalars)}
        self.collections: dict[str, CollectionDef] = {c.name: c for c in schema.collections}
        self.collections.setdefault("findings", FINDINGS)
        self.derived = tuple(
            sorted({rule.then.name for rule in self.rules if isinstance(rule.then, ir.Derive)})
        )
        self.quants: list[Quant] = []
        self.quant_ids: dict[tuple[int, str, ir.Expr | None], int] = {}
        self.rule_quants: dict[int, list[int]] = {}
        self.atoms: list[MatchAtom] = []
        self.test_slots: dict[str, frozenset[Slot]] = {}  # test JSON -> slots it reads
        self.prop_slot: dict[str, Slot] = {}  # property -> its slot
        self.slot_size: dict[Slot, int] = {}  # slot -> how many properties it carries
        self.stratum = 0
        self.rule = 0
        self.scope: str | None = None  # the collection of the quantifier being compiled

    # -- tests, slots and the DNF algebra

    def test(self, obj: object, *slots: Slot) -> str:
        text = dumps(obj)
        self.test_slots[text] = self.test_slots.get(text, frozenset()) | frozenset(slots)
        return text

    def slots_of(self, conjs: Sequence[Conj]) -> frozenset[Slot]:
        return frozenset(slot for conj in conjs for test in conj for slot in self.test_slots[test])

    def size(self, slots: frozenset[Slot] | set[Slot]) -> int:
        return sum(self.slot_size.get(slot, 1) for slot in slots)

    def conj(self, *parts: Dnf) -> Dnf:
        out: Dnf = [()]
        for part in parts:
            product: dict[Conj, None] = {}
            for left in out:
                for right in part:
                    product[tuple(dict.fromkeys(left + right))] = None
                    if len(product) > MAX_RULE_ALTERNATIVES:  # never built past the limit
                        raise _too_many()
            out = list(product)
        return out

    def disj(self, *parts: Dnf) -> Dnf:
        if any(() in part for part in parts):
            return [()]
        out: dict[Conj, None] = {}
        for part in parts:
            for conj in part:
                out[conj] = None
                if len(out) > MAX_RULE_ALTERNATIVES:
                    raise _too_many()
        return list(out)

    # -- conditions (in negation normal form)

    def cond(self, expr: ir.Expr) -> Dnf:
        if isinstance(expr, ir.And):
            return self.conj(*(self.cond(item) for item in expr.items))
        if isinstance(expr, ir.Or):
            return self.disj(*(self.cond(item) for item in expr.items))
        if isinstance(expr, ir.Literal):
            return _TRUE if expr.value is True else _FALSE
        if isinstance(expr, ir.Compare):
            return self.compare(expr.op, expr.left, expr.right)
        if isinstance(expr, ir.In):
            return self.membership(expr)
        if isinstance(expr, ir.Match):
            return self.match(expr)
        if isinstance(expr, ir.Known):
            if isinstance(expr.operand, (ir.FactRef, ir.ItemRef)):
                return self.presence(expr.operand, expr.negated)
            return self.known(expr.operand, expr.negated)
        if isinstance(expr, ir.Quantifier) and expr.kind != "count":
            count = Slot(SlotKind.COUNT, self.quantifier(expr))
            test = {"$gt": {count.prop: 0.0}} if expr.kind == "any" else {count.prop: 0.0}
            return [(self.test(test, count),)]
        raise EvaluationError(f"{type(expr).__name__} is not a condition in negation normal form")

    def known(self, expr: ir.Expr, negated: bool) -> Dnf:
        """``known(expr)`` (``missing(expr)`` when negated) as conditions on its parts:
        arithmetic is known when its operands are, its divisors are not zero and no
        step of it overflows (a result that is not a finite number is unknown)."""
        if isinstance(expr, (ir.FactRef, ir.ItemRef)):
            return self.presence(expr, negated)
        if isinstance(expr, ir.Arith):
            parts = [self.known(expr.left, negated), self.known(expr.right, negated)]
            if expr.op == "/":
                zero = ir.Compare("==" if negated else "!=", expr.right, ir.Literal(0))
                parts.append(self.cond(zero))
            term = self.term(expr)
            if term.is_literal:
                finite = term.literal is not _UNKNOWN
                parts.append(_FALSE if finite == negated else _TRUE)
            elif negated:  # some step of it is not a finite number
                parts += [[(self.finite(step, negated=True),)] for step in self.steps(expr)]
            else:
                parts.append([term.guards])
            return self.disj(*parts) if negated else self.conj(*parts)
        if isinstance(expr, ir.Quantifier):
            self.quantifier(expr)  # a count is always known; its items still matter
        return _FALSE if negated else _TRUE  # literals, flags and counts are known

    def steps(self, expr: ir.Arith) -> list[_Term]:
        """The terms of every step of ``expr`` that reads a value (not only literals)."""
        out = []
        for node in ir.walk(expr):
            if isinstance(node, ir.Arith):
                term = self.term(node)
                if not term.is_literal:
                    out.append(term)
        return out

    def finite(self, term: _Term, *, negated: bool = False) -> str:
        """The test that ``term`` is a finite number (``term * 0 == 0``: infinities and
        NaN times 0 are NaN), or, ``negated``, that it is not."""
        times_zero = dumps({"$mul": {"$l": Raw(term.json), "$r": Raw("0.0")}})
        core = {"$neq": {ZERO.prop: Raw(times_zero)}} if negated else {ZERO.prop: Raw(times_zero)}
        self.prop_slot[ZERO.prop] = ZERO
        return self.test(core, ZERO, *self.slots_for(term))

    def presence(self, expr: ir.FactRef | ir.ItemRef, negated: bool) -> Dnf:
        slot, vtype = self.ref(expr)
        prop = slot.prop + "y" if vtype is ir.ValueType.DATE else slot.prop
        return [(self.test({"$nex" if negated else "$ex": {prop: 1}}, slot),)]

    def quantifier(self, expr: ir.Quantifier) -> int:
        if self.scope is not None:
            raise EvaluationError("quantifiers do not nest")
        counted = ir.counted_condition(expr)
        key = (self.stratum, expr.collection, counted)
        qid = self.quant_ids.get(key)
        if qid is None:
            qid = self.quant_ids[key] = len(self.quants)
            self.quants.append(Quant(self.stratum, expr.collection, counted, (self.rule,)))
        elif self.rule not in self.quants[qid].rules:
            quant = self.quants[qid]
            self.quants[qid] = attrs.evolve(quant, rules=(*quant.rules, self.rule))
        self.rule_quants.setdefault(self.rule, []).append(qid)
        return qid

    # -- values

    def ref(self, expr: ir.FactRef | ir.ItemRef) -> tuple[Slot, ir.ValueType]:
        """The slot and type of a fact or attribute."""
        vtype = expr_type(expr, self.schema, collection=self.scope)
        if isinstance(expr, ir.FactRef):
            slot = Slot(SlotKind.SCALAR, self.scalars[expr.name])
        else:
            names = [fact.name for fact in self.collections[expr.collection].items]
            slot = Slot(SlotKind.ATTRIBUTE, names.index(expr.name))
        self.prop_slot[slot.prop] = slot
        size = {ir.ValueType.DATE: 3, ir.ValueType.LIST: 2}.get(vtype, 1)
        self.slot_size[slot] = max(size, self.slot_size.get(slot, 1))  # attribute i of any item
        return slot, vtype

    def prop(self, vtype: ir.ValueType, slot: Slot) -> _Term:
        prop = slot.prop
        self.prop_slot[prop] = slot
        return _Term(vtype, json=dumps({"$m": prop}), prop=prop, refs=frozenset({prop}))

    def term(self, expr: ir.Expr) -> _Term:
        vt = ir.ValueType
        if isinstance(expr, ir.Literal):
            vtype = expr_type(expr, self.schema)
            json = "" if vtype is vt.DATE else literal(expr.value).text
            return _Term(vtype, json=json, literal=expr.value, is_literal=True)
        if isinstance(expr, (ir.FactRef, ir.ItemRef)):
            slot, vtype = self.ref(expr)
            return self.prop(vtype, slot)
        if isinstance(expr, ir.FiredRef):
            return self.prop(vt.BOOLEAN, Slot(SlotKind.FIRED, self.index[expr.rule]))
        if isinstance(expr, ir.DerivedRef):
            return self.prop(vt.BOOLEAN, Slot(SlotKind.DERIVED, self.derived.index(expr.name)))
        if isinstance(expr, ir.Quantifier) and expr.kind == "count":
            return self.prop(vt.NUMBER, Slot(SlotKind.COUNT, self.quantifier(expr)))
        if isinstance(expr, ir.Arith):
            return self.arith(expr)
        raise EvaluationError(f"{type(expr).__name__} is not a value")

    def arith(self, expr: ir.Arith) -> _Term:
        left, right = self.term(expr.left), self.term(expr.right)
        unknown = _Term(ir.ValueType.NUMBER, literal=_UNKNOWN, is_literal=True)
        if _UNKNOWN in (left.literal, right.literal):
            return unknown
        if left.is_literal and right.is_literal:
            value = _fold_arith(expr.op, left.literal, right.literal)
            if value is _UNKNOWN:
                return unknown
            return _Term(ir.ValueType.NUMBER, json=number(value), literal=value, is_literal=True)  # type: ignore[arg-type]
        guards = left.guards + right.guards
        if expr.op == "/":
            if right.is_literal:
                if float(right.literal) == 0:  # type: ignore[arg-type]
                    return unknown
            else:
                guards += (self.nonzero(right),)
        json = dumps({_AOP[expr.op]: {"$l": Raw(left.json), "$r": Raw(right.json)}})
        term = _Term(ir.ValueType.NUMBER, json=json, refs=left.refs | right.refs)
        return attrs.evolve(term, guards=(*guards, self.finite(term)))

    def nonzero(self, term: _Term) -> str:
        if term.prop is not None:
            return self.test({"$neq": {term.prop: 0.0}}, *self.slots_for(term))
        return self.test({"$neq": {ZERO.prop: Raw(term.json)}}, ZERO, *self.slots_for(term))

    def slots_for(self, term: _Term) -> tuple[Slot, ...]:
        return tuple(self.prop_slot[prop] for prop in sorted(term.refs))

    def exists(self, term: _Term, but: str | None = None) -> tuple[str, ...]:
        return tuple(
            self.test({"$ex": {prop: 1}}, self.prop_slot[prop])
            for prop in sorted(term.refs)
            if prop != but
        )

    # -- atoms

    def compare(self, op: str, left_expr: ir.Expr, right_expr: ir.Expr) -> Dnf:
        left, right = self.term(left_expr), self.term(right_expr)
        if _UNKNOWN in (left.literal, right.literal):
            return _FALSE
        if left.is_literal and right.is_literal:
            return _TRUE if _fold_compare(op, left.literal, right.literal) else _FALSE
        if left.vtype is ir.ValueType.DATE:
            return self.compare_dates(op, left, right)
        if left.vtype is ir.ValueType.BOOLEAN and op not in ("==", "!="):
            return self.cond(_bool_order(op, left_expr, right_expr))
        guards = left.guards + right.guards
        if left.prop is not None:
            prop, other, dop = left.prop, right, op
        elif right.prop is not None:
            prop, other, dop = right.prop, left, _MIRROR[op]
        else:  # no plain property on either side: 0 <mirrored op> (left - right)
            diff = dumps({"$sub": {"$l": Raw(left.json), "$r": Raw(right.json)}})
            other = _Term(ir.ValueType.NUMBER, json=diff, refs=left.refs | right.refs)
            prop, dop = ZERO.prop, _MIRROR[op]
            self.prop_slot[prop] = ZERO
        value = Raw(other.json)
        core = {prop: value} if dop == "==" else {_DOP[dop]: {prop: value}}
        test = self.test(core, self.prop_slot[prop], *self.slots_for(other))
        return [(*guards, *self.exists(other, but=prop), test)]

    def compare_dates(self, op: str, left: _Term, right: _Term) -> Dnf:
        if left.is_literal:
            left, right, op = right, left, _MIRROR[op]
        a = left.prop
        assert a is not None
        aslot = self.prop_slot[a]
        dop = _DOP.get(op)

        def cmp(level: str, value: object, *slots: Slot) -> str:
            core = {a + level: value} if dop is None else {dop: {a + level: value}}
            return self.test(core, aslot, *slots)

        def absent(prop: str, slot: Slot) -> str:
            return self.test({"$nex": {prop: 1}}, slot)

        if right.is_literal:
            date = right.literal
            assert isinstance(date, PartialDate)
            year = cmp("y", float(date.year))
            if date.month is None:
                return [(year,)]
            month = cmp("m", float(month_number(date)))
            if date.day is None:
                return [(month,), (absent(a + "m", aslot), year)]
            day = cmp("d", float(date.start.toordinal()))
            return [(day,), (absent(a + "d", aslot), month), (absent(a + "m", aslot), year)]
        b = right.prop
        assert b is not None
        bslot = self.prop_slot[b]

        def level(sub: str) -> tuple[str, str]:
            return self.test({"$ex": {b + sub: 1}}, bslot), cmp(sub, {"$m": b + sub}, bslot)

        has_d, on_d = level("d")
        has_m, on_m = level("m")
        has_y, on_y = level("y")
        return [
            (has_d, on_d),
            (absent(a + "d", aslot), has_m, on_m),
            (absent(b + "d", bslot), has_m, on_m),
            (absent(a + "m", aslot), has_y, on_y),
            (absent(b + "m", bslot), has_y, on_y),
        ]

    def membership(self, expr: ir.In) -> Dnf:
        if isinstance(expr.haystack, ir.ListLiteral):
            items = expr.haystack.items
            if expr.negated:
                parts: list[ir.Expr] = [ir.Known(expr.needle)]
                parts += [ir.Compare("!=", expr.needle, item) for item in items]
                return self.cond(ir.And(tuple(parts)))
            return self.cond(ir.Or(tuple(ir.Compare("==", expr.needle, item) for item in items)))
        haystack, needle = self.term(expr.haystack), self.term(expr.needle)
        h = haystack.prop
        assert h is not None
        slots = (self.prop_slot[h], *self.slots_for(needle))
        guard = self.exists(needle)
        value = Raw(needle.json)
        if not expr.negated:
            return [(*guard, self.test({"$iany": {h: {"$i": value}}}, *slots))]
        empty = self.test({h + "n": 0.0}, *slots)
        absent = self.test({"$iall": {h: {"$neq": {"$i": value}}}}, *slots)
        return [(*guard, empty), (*guard, absent)]

    def match(self, expr: ir.Match) -> Dnf:
        subject = self.term(expr.subject)
        pattern = expr.pattern.lower() if expr.ignore_case else expr.pattern
        if subject.is_literal:
            text = str(subject.literal)
            text = text.lower() if expr.ignore_case else text
            return _TRUE if Glob(pattern).fullmatch(text) else _FALSE
        assert subject.prop is not None
        slot = self.prop_slot[subject.prop]
        stem, star = (pattern[:-1], True) if pattern.endswith("*") else (pattern, False)
        if "*" in stem or len(pattern) > _MAX_REGEX:  # beyond durable's regex engine
            n = len(self.atoms)
            collection = self.scope if slot.kind is SlotKind.ATTRIBUTE else None
            self.atoms.append(MatchAtom(slot, collection, Glob(pattern), expr.ignore_case))
            match = Slot(SlotKind.MATCH, n)
            return [(self.test({match.prop: True}, match, slot),)]
        prop = subject.prop
        if expr.ignore_case:
            slot = slot.lowered()
            prop = slot.prop
        if pattern == "*":
            return [(self.test({"$ex": {prop: 1}}, slot),)]
        if not pattern:
            return [(self.test({prop: Raw('""')}, slot),)]
        regex = "".join("." if c == "?" else shift(c) for c in stem)
        regex += ".*" if star else ""
        return [(self.test({"$mt": {prop: Raw('"' + regex + '"')}}, slot),)]

    # -- the whole rule set

    def compile(self) -> Compiled:
        if len(self.rules) > MAX_RULES:
            raise EvaluationError(
                f"a rule set holds at most {MAX_RULES} rules", rule=self.rules[MAX_RULES].id
            )
        check_ruleset(self.ruleset, self.schema)
        units_by_stratum: list[tuple[tuple[int, ...], list[Unit]]] = []
        for k, stratum in enumerate(self.ruleset.strata):
            self.stratum = k
            units: list[Unit] = []
            for rule in stratum:
                self.rule = r = self.index[rule.id]
                try:
                    condition = ir.to_nnf(rule.when)
                    for node in ir.walk(condition):  # even those folded away count items
                        if isinstance(node, ir.Quantifier):
                            self.quantifier(node)
                    units += self.units(f"r{r}", r, self.cond(condition))
                except EvaluationError as error:
                    raise EvaluationError(str(error), rule=rule.id) from error
            units_by_stratum.append((tuple(self.index[rule.id] for rule in stratum), units))
        strata = []
        for k, (rules, units) in enumerate(units_by_stratum):
            item_groups: list[Group] = []
            collections = dict.fromkeys(q.collection for q in self.quants if q.stratum == k)
            for c, collection in enumerate(collections):
                helpers: list[Unit] = []
                for qid, quant in enumerate(self.quants):
                    if quant.stratum == k and quant.collection == collection:
                        helpers += self.helper(qid, quant)
                item_groups += self.pack(f"i{k}_{c}", collection, helpers)
            ctx_groups = self.pack(f"c{k}", None, units)
            strata.append(Stratum(rules, tuple(item_groups), tuple(ctx_groups)))
        return self.assemble(tuple(strata))

    def helper(self, qid: int, quant: Quant) -> list[Unit]:
        self.scope, self.rule = quant.collection, quant.rules[0]
        try:
            dnf = _TRUE if quant.counted is None else self.cond(quant.counted)
            return self.units(f"q{qid}", qid, dnf)
        except EvaluationError as error:
            raise EvaluationError(str(error), rule=self.rules[self.rule].id) from error
        finally:
            self.scope = None

    def units(self, prefix: str, owner: int, dnf: Dnf) -> list[Unit]:
        out = []
        for n, start in enumerate(range(0, len(dnf), _RULE_ALTERNATIVES)):
            conjs = tuple(dnf[start : start + _RULE_ALTERNATIVES])
            slots = self.slots_of(conjs)
            if self.size(slots) > MAX_PROPERTIES:
                raise EvaluationError(f"the condition reads more than {MAX_PROPERTIES} values")
            out.append(Unit(f"{prefix}_{n}", owner, conjs, slots))
        return out

    def pack(self, prefix: str, collection: str | None, units: list[Unit]) -> list[Group]:
        """Units packed greedily into fact types within the alternatives/properties limits."""
        packed: list[tuple[list[Unit], set[Slot]]] = []
        for unit in units:
            if packed:
                members, slots = packed[-1]
                paths = sum(len(u.conjs) for u in members) + len(unit.conjs)
                if paths <= MAX_ALTERNATIVES and self.size(slots | unit.slots) <= MAX_PROPERTIES:
                    members.append(unit)
                    slots |= unit.slots
                    continue
            packed.append(([unit], set(unit.slots)))
        return [
            Group(f"{prefix}_{g}", collection, tuple(sorted(slots, key=Slot.order)), tuple(members))
            for g, (members, slots) in enumerate(packed)
        ]

    def assemble(self, strata: tuple[Stratum, ...]) -> Compiled:
        rules: dict[str, str] = {}
        owners: dict[str, tuple[str, int]] = {}
        slots: set[Slot] = set()
        types = 1
        for stratum in strata:
            for group in (*stratum.item_groups, *stratum.ctx_groups):
                types += 1
                slots.update(group.slots)
                kind = "rule" if group.collection is None else "quantifier"
                for unit in group.units:
                    owner = unit.owner if kind == "rule" else self.quants[unit.owner].rules[0]
                    if len(rules) + 2 >= MAX_DURABLE_RULES:
                        raise EvaluationError(
                            f"the rule set compiles to more than {MAX_DURABLE_RULES} durable "
                            "rules; split it",
                            rule=self.rules[owner].id,
                        )
                    if types > MAX_FACT_TYPES:
                        raise EvaluationError(
                            f"the rule set needs more than {MAX_FACT_TYPES} fact types; split it",
                            rule=self.rules[owner].id,
                        )
                    rules[unit.name] = '{"all":[{"m":' + _pattern(group.tag, unit.conjs) + "}]}"
                    owners[unit.name] = (kind, unit.owner)
        rules["open"] = '{"all":[{"m":{"t":"o"}}]}'
        rules["sink"] = '{"all":[{"a":{"$ex":{"t":1}}},{"b":{"t":"~"}}]}'
        for slot in slots:
            if slot.prop in ("id", "sid"):
                raise EvaluationError("internal error: a property would be named id or sid")
        return Compiled(
            rules=rules,
            owners=owners,
            strata=strata,
            quants=tuple(self.quants),
            atoms=tuple(self.atoms),
            rule_quants={r: tuple(dict.fromkeys(q)) for r, q in self.rule_quants.items()},
            derived=self.derived,
            slots=frozenset(slots),
            collections=self.collections,
        )


def _too_many() -> EvaluationError:
    return EvaluationError(
        f"the condition expands to more than {MAX_RULE_ALTERNATIVES} alternatives "
        "(each 'or', date comparison and list literal multiplies them); split the rule"
    )


def _pattern(tag: str, conjs: tuple[Conj, ...]) -> str:
    """The single durable pattern: ``t == tag`` and one of the alternatives."""
    head = f'{{"t":"{tag}"}}'
    if conjs == ((),):
        return head
    if len(conjs) == 1:
        return '{"$and":[' + ",".join((head, *conjs[0])) + "]}"
    alternatives = (
        conj[0] if len(conj) == 1 else '{"$and":[' + ",".join(conj) + "]}" for conj in conjs
    )
    return '{"$and":[' + head + ',{"$or":[' + ",".join(alternatives) + "]}]}"


def _bool_order(op: str, left: ir.Expr, right: ir.Expr) -> ir.Expr:
    """An ordering of booleans (false < true) as equalities."""
    false, true = ir.Literal(False), ir.Literal(True)
    if op == "<":
        return ir.And((ir.Compare("==", left, false), ir.Compare("==", right, true)))
    if op == ">":
        return ir.And((ir.Compare("==", left, true), ir.Compare("==", right, false)))
    low, high = (left, right) if op == "<=" else (right, left)
    return ir.Or(
        (
            ir.And((ir.Known(high), ir.Compare("==", low, false))),
            ir.And((ir.Known(low), ir.Compare("==", high, true))),
        )
    )
