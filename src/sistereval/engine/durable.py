"""The durable_rules backend: compile a rule set once, evaluate cases with it.

This is the only module that imports durable_rules.  :class:`Engine` compiles
an :class:`~sistereval.ir.RuleSet` into one durable ruleset and evaluates
facts with it, the facts of each evaluation kept apart; it agrees with the
reference evaluator (:mod:`sistereval.engine.reference`) on every input, which
``tests/test_differential.py`` checks.

How it works (DESIGN §6 lists the durable traps each step avoids):

* **Values.** Facts are asserted as flat JSON objects whose property names are
  generated (``s3`` for the fourth scalar of the schema, ``a1`` for an item
  attribute, ``q2`` for a quantifier count, ``f5``/``d0`` for fired/derived
  flags, ``g4`` for a precomputed match), so no user name can clash with
  durable's ``id``/``sid``.  Numbers are sent as doubles, always with a decimal
  point and never in exponent notation (durable's parser rejects ``1e+20``;
  integer arithmetic kills the process with SIGFPE on a division by zero).
  Strings are sent through an order-preserving map of every code point onto
  code points >= U+0080 (durable compares strings in their JSON-escaped form,
  so ``"a\\nb" < "a\\tb"`` there; the map leaves nothing to escape and nothing
  a pattern would read as an operator).  A date ``d`` becomes ``<p>y`` (year),
  ``<p>m`` (year*12+month-1) and ``<p>d`` (ordinal day), each present only when
  known, so "compare at the coarser precision" is a disjunction over the
  levels.  A list is an array plus its length ``<p>n``.  Unknown values are
  left out, so ``$ex``/``$nex`` test known/missing.
* **Conditions.** A condition in negation normal form is compiled to a
  disjunction of conjunctions of durable tests (durable fires once per true
  ``$or`` alternative anyway).  Each stratum-k rule becomes a single-pattern
  durable rule ``t == <group> and (<alternatives>)`` on a *context* fact;
  comparisons between properties, arithmetic and list membership use
  ``$m``/``$add``.../``$iany``/``$iall`` inside that one pattern.  A durable
  rule holds at most 13 alternatives (each ``$and``/``$or`` takes 2 of the 31
  entries of its expression sequence: error 113 beyond), so a longer
  condition spans several durable rules.  Durable rules are packed into fact
  types of at most :data:`MAX_ALTERNATIVES` alternatives: durable keeps the
  pending alpha nodes of one fact on a 64-entry stack (error 303 beyond) and
  the children of one alpha node in a 512-slot table (create_ruleset hangs
  beyond), so neither limit can be reached however many rules test one
  property.
* **Quantifiers.** Each quantifier of stratum k compiles to a helper rule on
  the items of its collection (``all(c, p)`` counts the items satisfying
  ``not p``); the items are asserted for stratum k, carrying copies of the
  scalars and fired/derived flags the predicate reads (no joins), and the
  helper's action records the item index.  The counts go into the context
  fact of stratum k as ``q<n>``.
* **Strata.** For each stratum: assert its item facts (including the findings
  of lower strata), then its context facts (scalars, counts, fired/derived
  flags of lower strata).  Everything a rule can see is in before its context
  fact is asserted, so negation is decided on complete information.
* **Actions.** The engine drives durable's C extension with the protocol
  ``durable.engine.Ruleset`` uses (``assert_fact``, ``start_action_for_state``,
  ``complete_and_start_action``, ``abandon_action``, ``delete_state``) rather
  than through its ``Host``/``Ruleset`` classes: their per-action closures,
  JSON state round trips and timestamps halve the throughput, they swallow
  action exceptions into the session state, mutate the dicts they are given
  and start timer threads.  An action only records its rule (in a set:
  a rule fires at most once however many alternatives are true) or its item;
  an exception there abandons the action and becomes an
  :class:`~sistereval.errors.EvaluationError` naming the rule.
* **Sessions.** Consecutive evaluations share a session until it holds
  :data:`SESSION_FACTS` facts; then it is deleted, as it is when an
  evaluation fails and when the engine is closed.  Every durable rule reads a
  single fact, so facts of different cases never meet, and the actions an
  assert starts are those of that fact's case.  Sharing saves allocating and
  freeing durable's session tables per case, which glibc's allocator makes
  slow in most processes (``docs/performance.md``).  A first ``open`` fact
  fires a no-op rule: deleting a session in which no action ever ran crashes
  the process.  A ``sink`` rule matches every fact and never fires, so no fact
  is ever "not handled".
* **Matching.** ``$mt`` is used for patterns durable's regex engine gets right
  (no ``*``, or one trailing ``*``); its DFA construction is wrong for a ``*``
  followed by more pattern (``*aa`` does not match ``"aaa"``) and fails to
  compile some such patterns, so those matches are computed in Python when
  the facts are encoded (by :class:`~sistereval._glob.Glob`, which cannot
  backtrack catastrophically) and tested as a boolean property.
* **Rulesets and threads.** Each engine creates its ruleset under a unique
  name (names cannot be reused) from JSON serialized here, and deletes it in
  :meth:`Engine.close`.  One process-wide lock serializes every call into the
  C library: it never releases the GIL, so a lock per engine would buy no
  parallelism, and all rulesets share its global handle table.
"""

from __future__ import annotations

import decimal
import itertools
import math
import operator
import re
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final

import attrs
from durable import engine as _durable

from .. import ir
from ..errors import EvaluationError
from ..model import PartialDate
from ..schema import FINDINGS, CollectionDef, FactDef, FactSchema, FactType
from .glob import Glob
from .wellformed import check_ruleset, expr_type, is_text

__all__ = [
    "MAX_ALTERNATIVES",
    "MAX_DURABLE_RULES",
    "MAX_FACT_TYPES",
    "MAX_PROPERTIES",
    "MAX_RULES",
    "MAX_RULE_ALTERNATIVES",
    "SESSION_FACTS",
    "Engine",
]

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

_dre: Any = _durable.durable_rules_engine  # the C extension under durable.engine
_LOCK: Final = threading.Lock()
_SERIAL: Final = itertools.count(1)

_MIRROR: Final = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_DOP: Final = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
_AOP: Final = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}

_DURABLE_ERRORS: Final = {
    101: "out of memory",
    106: "too many rules",
    107: "too many missing-value tests on one node",
    108: "too many rules on one node",
    113: "too many alternatives in one rule",
    202: "string not parsed",
    204: "object not parsed",
    302: "too many properties on a fact",
    303: "too many alternatives pending on one fact",
    309: "session not found",
    501: "pattern not parsed",
    503: "pattern too complex",
}


# ---------------------------------------------------------------- value encoding


class _Shift(dict[int, str]):
    """``str.translate`` table of the order-preserving map onto code points >= U+0080.

    Code point ``c`` has rank ``c`` (minus the surrogates below it); rank ``r``
    maps to the ``r``-th code point from U+0080 that is neither a surrogate nor
    U+FFFE (durable's regex engine uses that one internally).
    """

    def __missing__(self, code: int) -> str:
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{code:04X}")
        value = (code - 0x800 if code > 0xDFFF else code) + 0x80
        if value >= 0xD800:
            value += 0x800
        if value >= 0xFFFE:
            value += 1
        if value > 0x10FFFF:
            raise ValueError(f"U+{code:04X} is beyond what the engine can encode")
        self[code] = chr(value)
        return self[code]


_SHIFT: Final = _Shift()


def _shift(text: str) -> str:
    try:
        return text.translate(_SHIFT)
    except ValueError as error:
        raise EvaluationError(f"string {text!r} not supported: {error}") from error


def _enc(text: str) -> str:
    """The JSON of a string: shifted, so it needs no escaping at all."""
    return '"' + _shift(text) + '"'


def _num(value: float) -> str:
    """The JSON of a number: a double with a decimal point and no exponent."""
    text = repr(float(value))
    if "e" in text or "n" in text:  # exponent, inf, nan
        if "n" in text:
            raise EvaluationError(f"the number {value!r} is not finite")
        text = format(decimal.Decimal(text), "f")
    return text if "." in text else text + ".0"


def _dumps(obj: object) -> str:
    """JSON for durable (strings are property names; values come as :class:`_Raw`)."""
    if isinstance(obj, _Raw):
        return obj.text
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return _num(obj)
    if isinstance(obj, str):
        return '"' + obj + '"'  # property names and tags: plain ASCII
    if isinstance(obj, dict):
        return "{" + ",".join(f'"{k}":{_dumps(v)}' for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(_dumps(v) for v in obj) + "]"
    raise TypeError(f"cannot encode {obj!r}")


@attrs.frozen
class _Raw:
    """Already-encoded JSON."""

    text: str


def _literal(value: object) -> _Raw:
    if isinstance(value, bool):
        return _Raw("true" if value else "false")
    if isinstance(value, (int, float)):
        return _Raw(_num(value))
    if isinstance(value, str):
        return _Raw(_enc(value))
    raise TypeError(f"cannot encode literal {value!r}")


def _month(date: PartialDate) -> int:
    assert date.month is not None
    return date.year * 12 + date.month - 1


# ---------------------------------------------------------------- compiled form

# A slot is one source of properties on an asserted fact:
#   ("s", i) scalar i of the schema, ("sl", i) its lower-cased copy,
#   ("a", i) / ("al", i) attribute i of an item, ("q", n) the count of
#   quantifier n, ("f", r) the fired flag of rule r, ("d", n) the flag of
#   derived name n, ("g", n) precomputed match n, ("z",) the constant 0.
Slot = tuple[str | int, ...]
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
class _MatchAtom:
    """A match computed in Python while the facts are encoded."""

    source: Slot  # ("s", i) or ("a", i)
    collection: str | None  # the collection of ("a", i)
    glob: Glob
    ignore_case: bool


@attrs.frozen
class _Quant:
    stratum: int
    collection: str
    counted: ir.Expr | None  # NNF; None: every item counts
    rules: tuple[int, ...]  # the rules it belongs to


@attrs.frozen
class _Unit:
    """Alternatives of one rule (or helper) asserted on one fact type together."""

    name: str  # the durable rule's name
    owner: int  # rule index, or quantifier id for helpers
    conjs: tuple[Conj, ...]
    slots: frozenset[Slot]


@attrs.frozen
class _Group:
    """One fact type: a context fact (``collection`` None) or an item fact."""

    tag: str
    collection: str | None
    slots: tuple[Slot, ...]
    units: tuple[_Unit, ...]


@attrs.frozen
class _Stratum:
    rules: tuple[int, ...]
    item_groups: tuple[_Group, ...]
    ctx_groups: tuple[_Group, ...]


@attrs.frozen
class _Compiled:
    rules: dict[str, str]  # durable rule name -> its JSON
    owners: dict[str, tuple[str, int]]  # durable rule name -> ("rule"|"quantifier", owner)
    strata: tuple[_Stratum, ...]
    quants: tuple[_Quant, ...]
    atoms: tuple[_MatchAtom, ...]
    rule_quants: dict[int, tuple[int, ...]]
    derived: tuple[str, ...]
    slots: frozenset[Slot]  # every slot some fact carries

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
    if op == "/":
        return _UNKNOWN if b == 0 else a / b
    return a + b if op == "+" else a - b if op == "-" else a * b


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
        self.quants: list[_Quant] = []
        self.quant_ids: dict[tuple[int, str, ir.Expr | None], int] = {}
        self.rule_quants: dict[int, list[int]] = {}
        self.atoms: list[_MatchAtom] = []
        self.test_slots: dict[str, frozenset[Slot]] = {}  # test JSON -> slots it reads
        self.prop_slot: dict[str, Slot] = {}  # property -> its slot
        self.slot_size: dict[Slot, int] = {}  # slot -> how many properties it carries
        self.stratum = 0
        self.rule = 0
        self.scope: str | None = None  # the collection of the quantifier being compiled

    # -- tests, slots and the DNF algebra

    def test(self, obj: object, *slots: Slot) -> str:
        text = _dumps(obj)
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
            out = self.limit(list(product))
        return out

    def disj(self, *parts: Dnf) -> Dnf:
        out = list(dict.fromkeys(conj for part in parts for conj in part))
        return [()] if () in out else self.limit(out)

    @staticmethod
    def limit(dnf: Dnf) -> Dnf:
        if len(dnf) > MAX_RULE_ALTERNATIVES:
            raise EvaluationError(
                f"the condition expands to more than {MAX_RULE_ALTERNATIVES} alternatives "
                "(each 'or', date comparison and list literal multiplies them); split the rule"
            )
        return dnf

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
            return self.cond(self.known(expr.operand, expr.negated))
        if isinstance(expr, ir.Quantifier) and expr.kind != "count":
            qid = self.quantifier(expr)
            test = {"$gt": {f"q{qid}": 0.0}} if expr.kind == "any" else {f"q{qid}": 0.0}
            return [(self.test(test, ("q", qid)),)]
        raise EvaluationError(f"{type(expr).__name__} is not a condition in negation normal form")

    def known(self, expr: ir.Expr, negated: bool) -> ir.Expr:
        """``known(expr)`` (``missing(expr)`` when negated) as conditions on its parts."""
        if isinstance(expr, (ir.FactRef, ir.ItemRef)):
            return ir.Known(expr, negated)
        if isinstance(expr, ir.Arith):
            parts = [self.known(expr.left, negated), self.known(expr.right, negated)]
            if expr.op == "/":
                parts.append(ir.Compare("==" if negated else "!=", expr.right, ir.Literal(0)))
            return ir.Or(tuple(parts)) if negated else ir.And(tuple(parts))
        if isinstance(expr, ir.Quantifier):
            self.quantifier(expr)  # a count is always known; its items still matter
        return ir.Literal(not negated)  # literals, flags and counts are known

    def presence(self, expr: ir.FactRef | ir.ItemRef, negated: bool) -> Dnf:
        slot, base, vtype = self.ref(expr)
        prop = base + "y" if vtype is ir.ValueType.DATE else base
        return [(self.test({"$nex" if negated else "$ex": {prop: 1}}, slot),)]

    def quantifier(self, expr: ir.Quantifier) -> int:
        if self.scope is not None:
            raise EvaluationError("quantifiers do not nest")
        counted = ir.counted_condition(expr)
        key = (self.stratum, expr.collection, counted)
        qid = self.quant_ids.get(key)
        if qid is None:
            qid = self.quant_ids[key] = len(self.quants)
            self.quants.append(_Quant(self.stratum, expr.collection, counted, (self.rule,)))
        elif self.rule not in self.quants[qid].rules:
            quant = self.quants[qid]
            self.quants[qid] = attrs.evolve(quant, rules=(*quant.rules, self.rule))
        self.rule_quants.setdefault(self.rule, []).append(qid)
        return qid

    # -- values

    def ref(self, expr: ir.FactRef | ir.ItemRef) -> tuple[Slot, str, ir.ValueType]:
        """The slot, property (base) name and type of a fact or attribute."""
        vtype = expr_type(expr, self.schema, collection=self.scope)
        if isinstance(expr, ir.FactRef):
            i = self.scalars[expr.name]
            slot: Slot = ("s", i)
        else:
            names = [fact.name for fact in self.collections[expr.collection].items]
            i = names.index(expr.name)
            slot = ("a", i)
        base = f"{slot[0]}{i}"
        self.prop_slot[base] = slot
        size = {ir.ValueType.DATE: 3, ir.ValueType.LIST: 2}.get(vtype, 1)
        self.slot_size[slot] = max(size, self.slot_size.get(slot, 1))  # ("a", i) of any collection
        return slot, base, vtype

    def prop(self, vtype: ir.ValueType, prop: str, slot: Slot) -> _Term:
        self.prop_slot[prop] = slot
        return _Term(vtype, json=_dumps({"$m": prop}), prop=prop, refs=frozenset({prop}))

    def term(self, expr: ir.Expr) -> _Term:
        vt = ir.ValueType
        if isinstance(expr, ir.Literal):
            vtype = expr_type(expr, self.schema)
            json = "" if vtype is vt.DATE else _literal(expr.value).text
            return _Term(vtype, json=json, literal=expr.value, is_literal=True)
        if isinstance(expr, (ir.FactRef, ir.ItemRef)):
            slot, base, vtype = self.ref(expr)
            return self.prop(vtype, base, slot)
        if isinstance(expr, ir.FiredRef):
            r = self.index[expr.rule]
            return self.prop(vt.BOOLEAN, f"f{r}", ("f", r))
        if isinstance(expr, ir.DerivedRef):
            d = self.derived.index(expr.name)
            return self.prop(vt.BOOLEAN, f"d{d}", ("d", d))
        if isinstance(expr, ir.Quantifier) and expr.kind == "count":
            qid = self.quantifier(expr)
            return self.prop(vt.NUMBER, f"q{qid}", ("q", qid))
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
            return _Term(ir.ValueType.NUMBER, json=_num(value), literal=value, is_literal=True)  # type: ignore[arg-type]
        guards = left.guards + right.guards
        if expr.op == "/":
            if right.is_literal:
                if float(right.literal) == 0:  # type: ignore[arg-type]
                    return unknown
            else:
                guards += (self.nonzero(right),)
        json = _dumps({_AOP[expr.op]: {"$l": _Raw(left.json), "$r": _Raw(right.json)}})
        return _Term(ir.ValueType.NUMBER, json=json, refs=left.refs | right.refs, guards=guards)

    def nonzero(self, term: _Term) -> str:
        if term.prop is not None:
            return self.test({"$neq": {term.prop: 0.0}}, *self.slots_for(term))
        return self.test({"$neq": {"_z": _Raw(term.json)}}, ("z",), *self.slots_for(term))

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
            diff = _dumps({"$sub": {"$l": _Raw(left.json), "$r": _Raw(right.json)}})
            other = _Term(ir.ValueType.NUMBER, json=diff, refs=left.refs | right.refs)
            prop, dop = "_z", _MIRROR[op]
            self.prop_slot["_z"] = ("z",)
        value = _Raw(other.json)
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
            month = cmp("m", float(_month(date)))
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
        value = _Raw(needle.json)
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
            collection = self.scope if slot[0] == "a" else None
            self.atoms.append(_MatchAtom(slot, collection, Glob(pattern), expr.ignore_case))
            return [(self.test({f"g{n}": True}, ("g", n), slot),)]
        prop = subject.prop
        if expr.ignore_case:
            slot = (f"{slot[0]}l", slot[1])
            prop += "l"
        if pattern == "*":
            return [(self.test({"$ex": {prop: 1}}, slot),)]
        if not pattern:
            return [(self.test({prop: _Raw('""')}, slot),)]
        regex = "".join("." if c == "?" else _shift(c) for c in stem)
        regex += ".*" if star else ""
        return [(self.test({"$mt": {prop: _Raw('"' + regex + '"')}}, slot),)]

    # -- the whole rule set

    def compile(self) -> _Compiled:
        if len(self.rules) > MAX_RULES:
            raise EvaluationError(
                f"a rule set holds at most {MAX_RULES} rules", rule=self.rules[MAX_RULES].id
            )
        check_ruleset(self.ruleset, self.schema)
        units_by_stratum: list[tuple[tuple[int, ...], list[_Unit]]] = []
        for k, stratum in enumerate(self.ruleset.strata):
            self.stratum = k
            units: list[_Unit] = []
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
            item_groups: list[_Group] = []
            collections = dict.fromkeys(q.collection for q in self.quants if q.stratum == k)
            for c, collection in enumerate(collections):
                helpers: list[_Unit] = []
                for qid, quant in enumerate(self.quants):
                    if quant.stratum == k and quant.collection == collection:
                        helpers += self.helper(qid, quant)
                item_groups += self.pack(f"i{k}_{c}", collection, helpers)
            ctx_groups = self.pack(f"c{k}", None, units)
            strata.append(_Stratum(rules, tuple(item_groups), tuple(ctx_groups)))
        return self.assemble(tuple(strata))

    def helper(self, qid: int, quant: _Quant) -> list[_Unit]:
        self.scope, self.rule = quant.collection, quant.rules[0]
        try:
            dnf = _TRUE if quant.counted is None else self.cond(quant.counted)
            return self.units(f"q{qid}", qid, dnf)
        except EvaluationError as error:
            raise EvaluationError(str(error), rule=self.rules[self.rule].id) from error
        finally:
            self.scope = None

    def units(self, prefix: str, owner: int, dnf: Dnf) -> list[_Unit]:
        out = []
        for n, start in enumerate(range(0, len(dnf), _RULE_ALTERNATIVES)):
            conjs = tuple(dnf[start : start + _RULE_ALTERNATIVES])
            slots = self.slots_of(conjs)
            if self.size(slots) > MAX_PROPERTIES:
                raise EvaluationError(f"the condition reads more than {MAX_PROPERTIES} values")
            out.append(_Unit(f"{prefix}_{n}", owner, conjs, slots))
        return out

    def pack(self, prefix: str, collection: str | None, units: list[_Unit]) -> list[_Group]:
        """Units packed greedily into fact types within the alternatives/properties limits."""
        packed: list[tuple[list[_Unit], set[Slot]]] = []
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
            _Group(f"{prefix}_{g}", collection, tuple(sorted(slots, key=str)), tuple(members))
            for g, (members, slots) in enumerate(packed)
        ]

    def assemble(self, strata: tuple[_Stratum, ...]) -> _Compiled:
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
            if slot[0] in ("s", "a", "sl", "al") and (f"{slot[0]}{slot[1]}" in ("id", "sid")):
                raise EvaluationError("internal error: a property would be named id or sid")
        return _Compiled(
            rules=rules,
            owners=owners,
            strata=strata,
            quants=tuple(self.quants),
            atoms=tuple(self.atoms),
            rule_quants={r: tuple(dict.fromkeys(q)) for r, q in self.rule_quants.items()},
            derived=self.derived,
            slots=frozenset(slots),
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


# ---------------------------------------------------------------- evaluation


@attrs.define
class _Session:
    """One durable session; ``fired``/``matched`` belong to the case being evaluated in it."""

    sid: str
    opened: bool = False
    facts: int = 0
    fired: set[int] = attrs.field(factory=set)
    matched: dict[int, set[int]] = attrs.field(factory=dict)


_Encoded = dict[Slot, str]  # slot -> its JSON properties ("" when unknown)


@attrs.frozen
class _Prepared:
    """One case encoded for the engine: its scalars and the items the rules read."""

    scalars: _Encoded
    collections: dict[str, list[_Encoded]]


#: How many facts one durable session takes before the engine deletes it and the next
#: evaluation starts a new one.  Evaluations share a session until then: every
#: compiled rule reads a single fact, so the facts of different cases never meet, and
#: the actions an assert starts belong to that fact's case.  Sharing saves allocating
#: and freeing durable's session tables (about 0.7 MiB) per case, which glibc's
#: allocator makes slow in most processes; 0 gives every evaluation its own session.
SESSION_FACTS: Final = 320


class Engine:
    """A rule set compiled onto durable_rules; evaluate facts with :meth:`evaluate`.

    Compiling validates the rule set fully (:func:`~sistereval.engine.wellformed.check_ruleset`
    and the limits of this module) and raises :class:`EvaluationError` naming
    the rule at fault.  Threads may share an engine (calls are serialized).
    Close it, or use it as a context manager, to free the durable ruleset.
    ``session_facts`` is how many facts a durable session takes before the next
    evaluation starts a new one (:data:`SESSION_FACTS`; 0: a session per evaluation).
    """

    def __init__(
        self, ruleset: ir.RuleSet, schema: FactSchema, *, session_facts: int = SESSION_FACTS
    ) -> None:
        self.ruleset = ruleset
        self.schema = schema
        self._session_facts = session_facts
        self._session: _Session | None = None  # the live session, if any
        compiler = _Compiler(ruleset, schema)
        compiled = self._compiled = compiler.compile()
        self._flags: _Encoded = {
            slot: f'"{slot[0]}{slot[1]}":false' for slot in compiled.slots if slot[0] in ("f", "d")
        }
        self._scalar_fields = _fields(schema.scalars, "s", compiled.slots, compiled.atoms, None)
        self._item_fields: dict[str, tuple[_Field, ...]] = {}
        for name, coll in compiler.collections.items():
            slots = {
                slot
                for stratum in compiled.strata
                for group in stratum.item_groups
                if group.collection == name
                for slot in group.slots
            }
            self._item_fields[name] = _fields(coll.items, "a", slots, compiled.atoms, name)
        self._findings: dict[int, _Encoded] = {}
        #: the collections whose items some rule reads (the others are only type-checked)
        self._read = {
            group.collection for stratum in compiled.strata for group in stratum.item_groups
        }
        self._closed = False
        serial = next(_SERIAL)
        self._sids = (f"{serial}.{n}" for n in itertools.count())
        self.name = f"sistereval-{serial}-{uuid.uuid4().hex[:12]}"
        self._actions: dict[str, tuple[str, int]] = {"open": ("open", 0), **compiled.owners}
        with _LOCK:
            try:
                self._handle = _dre.create_ruleset(self.name, compiled.text)
            except Exception as error:
                raise EvaluationError(
                    f"durable_rules rejected the compiled rule set: {_describe(error)}",
                    rule=self._culprit(),
                ) from error

    @property
    def durable_rules(self) -> int:
        """How many durable rules the rule set compiled to."""
        return len(self._compiled.rules)

    # -- actions (tests patch _record_firing / _record_match to inject failures)

    def _record_firing(self, session: _Session, index: int) -> None:
        session.fired.add(index)

    def _record_match(self, session: _Session, qid: int, item: int) -> None:
        session.matched.setdefault(qid, set()).add(item)

    # -- evaluation

    def evaluate(self, facts: ir.FactsLike) -> ir.Firing:
        """The rules that fire for ``facts`` (in rule set order) and the matched items."""
        prepared = self._prepare(facts)
        with _LOCK:
            if self._closed:
                raise EvaluationError(f"the engine of rule set {self.ruleset.id!r} is closed")
            session = self._session  # shared with the evaluations before (SESSION_FACTS)
            if session is None or session.facts >= self._session_facts:
                if session is not None:
                    self._session = None
                    self._delete(session, failed=False)
                session = self._session = self._open()
            session.fired, session.matched = set(), {}
            try:
                firing = self._run(session, prepared)
            except BaseException:
                self._session = None
                self._delete(session, failed=True)
                raise
            if session.facts >= self._session_facts:
                self._session = None
                self._delete(session, failed=False)
            return firing

    def _prepare(self, facts: ir.FactsLike) -> _Prepared:
        """Encode (and type-check) every fact; items only for the collections rules read."""
        scalars = _encode(self._scalar_fields, facts.scalars, None, 0)
        collections: dict[str, list[_Encoded]] = {}
        for name, fields in self._item_fields.items():
            items = facts.collections.get(name, ())
            if name in self._read:
                collections[name] = [_encode(fields, item, name, i) for i, item in enumerate(items)]
            elif name != "findings":
                for i, item in enumerate(items):
                    _check(fields, item, name, i)
        return _Prepared(scalars, collections)

    def _open(self) -> _Session:
        """A new session, opened by a fact whose no-op rule runs (see _delete)."""
        session = _Session(next(self._sids))
        self._assert(session, "o", "", "the session")
        if not session.opened:
            raise EvaluationError("durable_rules did not open the session")
        return session

    def _run(self, session: _Session, prepared: _Prepared) -> ir.Firing:
        rules = self.ruleset.rules
        compiled = self._compiled
        scalars = prepared.scalars
        flags = dict(self._flags)
        findings: list[_Encoded] = []
        for stratum in compiled.strata:
            for group in stratum.item_groups:
                items = (
                    findings
                    if group.collection == "findings"
                    else prepared.collections[group.collection or ""]
                )
                for i, item in enumerate(items):
                    body = self._body(group, session, scalars, flags, item)
                    self._assert(
                        session, group.tag, f'"i":{i},{body}' if body else f'"i":{i}', group
                    )
            for group in stratum.ctx_groups:
                self._assert(session, group.tag, self._body(group, session, scalars, flags), group)
            for r in stratum.rules:
                if r not in session.fired:
                    continue
                flags[("f", r)] = f'"f{r}":true'
                then = rules[r].then
                if isinstance(then, ir.Derive):
                    d = compiled.derived.index(then.name)
                    flags[("d", d)] = f'"d{d}":true'
                elif isinstance(then, ir.FindingThen):
                    findings.append(self._finding(r))
        matched: dict[str, dict[str, tuple[int, ...]]] = {}
        for r, qids in compiled.rule_quants.items():
            hits: dict[str, set[int]] = {}
            for qid in qids:
                hits.setdefault(compiled.quants[qid].collection, set()).update(
                    session.matched.get(qid, ())
                )
            matched[rules[r].id] = {c: tuple(sorted(h)) for c, h in hits.items()}
        return ir.Firing(
            fired=tuple(rules[r].id for r in sorted(session.fired)), matched_items=matched
        )

    def _finding(self, r: int) -> _Encoded:
        """The encoded ``findings`` item of finding rule ``r`` (the same every time)."""
        encoded = self._findings.get(r)
        if encoded is None:
            finding = ir.finding_item(self.ruleset.rules[r])
            fields = self._item_fields["findings"]
            encoded = self._findings[r] = _encode(fields, finding, "findings", None)
        return encoded

    def _body(
        self,
        group: _Group,
        session: _Session,
        scalars: _Encoded,
        flags: _Encoded,
        item: _Encoded | None = None,
    ) -> str:
        out = []
        for slot in group.slots:
            kind = slot[0]
            if kind == "q":
                text = f'"q{slot[1]}":{len(session.matched.get(int(slot[1]), ()))}.0'
            elif kind == "z":
                text = '"_z":0.0'
            elif kind in ("f", "d"):
                text = flags[slot]
            elif item is not None and slot in item:
                text = item[slot]
            else:
                text = scalars.get(slot, "")
            if text:
                out.append(text)
        return ",".join(out)

    def _assert(self, session: _Session, tag: str, body: str, what: object) -> None:
        session.facts += 1
        text = f'{{"id":"{session.facts}","sid":"{session.sid}","t":"{tag}"'
        text += f",{body}}}" if body else "}"
        try:
            code, state_handle = _dre.assert_fact(self._handle, text)
        except Exception as error:
            raise EvaluationError(
                f"durable_rules failed on {_what(what)}: {_describe(error)}",
                rule=self._group_rule(what),
            ) from error
        if code != 0:  # 1: not handled (the sink handles all), 2: seen (ids are unique)
            raise EvaluationError(f"durable_rules returned {code} for {_what(what)}")
        self._run_actions(session, state_handle)

    def _run_actions(self, session: _Session, state_handle: int) -> None:
        """Run the actions of the rules the last fact made fire, one at a time.

        The same protocol as ``durable.engine.Ruleset.do_actions``, minus its
        per-action closures, state round-trips and swallowed exceptions.
        """
        handle = self._handle
        try:
            result = _dre.start_action_for_state(handle, state_handle)
        except Exception as error:
            raise EvaluationError(f"durable_rules failed: {_describe(error)}") from error
        messages = result[1] if result else None
        while messages:
            # {"<rule>":{"m":{...the fact...}}}; values hold no '"' (see _enc)
            name = messages[2 : messages.index('"', 2)]
            kind, owner = self._actions[name]
            try:
                if kind == "rule":
                    self._record_firing(session, owner)
                elif kind == "quantifier":
                    self._record_match(session, owner, _item_index(messages))
                else:
                    session.opened = True
            except BaseException as error:
                _dre.abandon_action(handle, state_handle)
                if not isinstance(error, Exception):
                    raise
                rule = self._owner_rule(kind, owner)
                raise EvaluationError(f"an action failed: {error!r}", rule=rule) from error
            try:
                messages = _dre.complete_and_start_action(handle, state_handle)
            except Exception as error:
                rule = self._owner_rule(kind, owner)
                message = f"durable_rules failed: {_describe(error)}"
                raise EvaluationError(message, rule=rule) from error

    def _owner_rule(self, kind: str, owner: int) -> str | None:
        if kind == "quantifier":
            owner = self._compiled.quants[owner].rules[0]
        return self.ruleset.rules[owner].id if kind != "open" else None

    def _delete(self, session: _Session, failed: bool) -> None:
        if not session.opened:
            return  # no action ran: deleting such a session crashes durable
        try:
            _dre.delete_state(self._handle, session.sid)
        except Exception as error:
            if not failed:
                raise EvaluationError(
                    f"durable_rules could not delete session {session.sid}: {_describe(error)}"
                ) from error

    def _group_rule(self, what: object) -> str | None:
        if not isinstance(what, _Group):
            return None
        owner = what.units[0].owner
        if what.collection is not None:
            owner = self._compiled.quants[owner].rules[0]
        return self.ruleset.rules[owner].id

    def _culprit(self) -> str | None:
        """The rule whose durable rules durable cannot create, each tried alone."""
        for name, (kind, owner) in self._compiled.owners.items():
            text = "{" + f'"{name}":{self._compiled.rules[name]}' + "}"
            try:
                handle = _dre.create_ruleset(f"{self.name}-{name}", text)
            except Exception:
                if kind == "quantifier":
                    owner = self._compiled.quants[owner].rules[0]
                return self.ruleset.rules[owner].id
            _dre.delete_ruleset(handle)
        return None

    # -- lifecycle

    def close(self) -> None:
        """Free the durable ruleset; the engine cannot evaluate afterwards."""
        with _LOCK:
            if not self._closed:
                self._closed = True
                if self._session is not None:
                    self._delete(self._session, failed=True)
                    self._session = None
                _dre.delete_ruleset(self._handle)

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@attrs.frozen
class _Field:
    """How one fact (or item attribute) of the schema is encoded."""

    slot: Slot  # ("s", i) or ("a", i)
    name: str
    vtype: ir.ValueType
    declared: FactType
    carried: bool  # some fact type carries it; otherwise it is only type-checked
    lowered: bool  # some fact type carries its lower-cased copy
    atoms: tuple[tuple[int, _MatchAtom], ...]  # matches precomputed on it
    prop: str = attrs.field(init=False)  # its property name, "s3" or "a1"

    @prop.default
    def _prop(self) -> str:
        return f"{self.slot[0]}{self.slot[1]}"


def _fields(
    facts: Sequence[FactDef],
    kind: str,
    slots: frozenset[Slot] | set[Slot],
    atoms: Sequence[_MatchAtom],
    collection: str | None,
) -> tuple[_Field, ...]:
    return tuple(
        _Field(
            slot=(kind, i),
            name=fact.name,
            vtype=ir.FACT_VALUE_TYPES[fact.type],
            declared=fact.type,
            carried=(kind, i) in slots,
            lowered=(f"{kind}l", i) in slots,
            atoms=tuple(
                (n, atom)
                for n, atom in enumerate(atoms)
                if atom.source == (kind, i) and atom.collection == collection
            ),
        )
        for i, fact in enumerate(facts)
    )


def _where(collection: str | None, index: int | None) -> str:
    """The prefix naming an item's attributes in messages (``activities[2].``)."""
    if collection is None:
        return ""
    return f"{collection}." if index is None else f"{collection}[{index}]."


def _encode(
    fields: Sequence[_Field],
    values: Mapping[str, object],
    collection: str | None,
    index: int | None,
) -> _Encoded:
    """The JSON properties of known values, each checked against its declared type."""
    out: _Encoded = {}
    get = values.get
    for field in fields:
        value = get(field.name)
        if value is None:
            continue
        if field.carried:
            out[field.slot] = _fragment(field, value, collection, index)
        elif not _CHECKS[field.vtype](value):
            raise _wrong_type(field, value, collection, index)
        if isinstance(value, str):
            if field.lowered:
                out[(f"{field.slot[0]}l", field.slot[1])] = f'"{field.prop}l":{_enc(value.lower())}'
            for n, atom in field.atoms:
                out[("g", n)] = _match(n, atom, value)
    return out


def _check(
    fields: Sequence[_Field], values: Mapping[str, object], collection: str, index: int
) -> None:
    """Type-check the values no rule reads."""
    get = values.get
    for field in fields:
        value = get(field.name)
        if value is not None and not _CHECKS[field.vtype](value):
            raise _wrong_type(field, value, collection, index)


def _wrong_type(
    field: _Field, value: object, collection: str | None, index: int | None
) -> EvaluationError:
    where = _where(collection, index)
    return EvaluationError(
        f"fact {where + field.name!r} should be a {field.declared}, not {value!r}"
    )


def _number(value: object) -> bool:
    if type(value) is int and -_EXACT < value < _EXACT:
        return True
    if type(value) is float:
        return value - value == 0.0  # false for inf and nan
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _text(value: object) -> bool:
    return isinstance(value, str) and (value.isascii() or is_text(value))


def _texts(value: object) -> bool:
    return isinstance(value, (tuple, list)) and all(_text(x) for x in value)


_CHECKS: Final[dict[ir.ValueType, Callable[[object], bool]]] = {
    ir.ValueType.NUMBER: _number,
    ir.ValueType.BOOLEAN: lambda value: value is True or value is False,
    ir.ValueType.STRING: _text,
    ir.ValueType.DATE: lambda value: isinstance(value, PartialDate),
    ir.ValueType.LIST: _texts,
}


def _fragment(field: _Field, value: object, collection: str | None, index: int | None) -> str:
    """The JSON properties of one known value, checked against its declared type."""
    kind = field.vtype
    prop = field.prop
    try:
        if kind is ir.ValueType.NUMBER:
            if type(value) is int and -_EXACT < value < _EXACT:
                return f'"{prop}":{value}.0'  # what _num gives, sooner
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return f'"{prop}":{_num(value)}'
        elif kind is ir.ValueType.BOOLEAN:
            if value is True or value is False:
                return f'"{prop}":{"true" if value else "false"}'
        elif kind is ir.ValueType.STRING:
            if isinstance(value, str):
                return f'"{prop}":{_enc(value)}'
        elif kind is ir.ValueType.DATE:
            if isinstance(value, PartialDate):
                text = f'"{prop}y":{value.year}.0'
                if value.month is not None:
                    text += f',"{prop}m":{_month(value)}.0'
                if value.day is not None:
                    text += f',"{prop}d":{value.start.toordinal()}.0'
                return text
        elif isinstance(value, (tuple, list)) and all(isinstance(x, str) for x in value):
            items = ",".join(_enc(x) for x in value)
            return f'"{prop}":[{items}],"{prop}n":{len(value)}.0'
    except (EvaluationError, OverflowError) as error:
        where = _where(collection, index)
        raise EvaluationError(f"fact {where + field.name!r}: {error}") from error
    raise _wrong_type(field, value, collection, index)


#: Integers below this in magnitude are exact doubles and print without an exponent.
_EXACT: Final = 10**15


def _item_index(messages: str) -> int:
    """The index ``i`` of the item fact in an action's messages (no value holds a '"')."""
    start = messages.find('"i":') + 4
    end = start
    while messages[end : end + 1].isdigit():
        end += 1
    if end == start:
        raise ValueError(f"no item index in {messages[:200]}")
    return int(messages[start:end])


def _match(n: int, atom: _MatchAtom, value: str) -> str:
    subject = value.lower() if atom.ignore_case else value
    return f'"g{n}":{"true" if atom.glob.fullmatch(subject) else "false"}'


def _what(what: object) -> str:
    if isinstance(what, _Group):
        kind = "context" if what.collection is None else f"{what.collection!r} item"
        return f"a {kind} fact ({what.tag})"
    return str(what)


def _describe(error: object) -> str:
    text = str(error)
    found = re.search(r"error code: (\d+)", text)
    if found and int(found.group(1)) in _DURABLE_ERRORS:
        text += f" ({_DURABLE_ERRORS[int(found.group(1))]})"
    return text
