"""The rule IR: what a rule file means, independent of any engine.

The language module parses and type-checks rule files into these classes; two
evaluators give them meaning and must agree on every input: the durable_rules
backend (:mod:`sistereval.engine.durable`) and the pure-Python reference
evaluator (:mod:`sistereval.engine.reference`).  What both need of the IR's
meaning is here (:func:`condition_nnf`, :func:`counted_condition`,
:func:`finding_item`); both check a rule set with
:mod:`sistereval.engine.wellformed` first.

Semantics (the contract both evaluators implement; ``docs/rule-language.md``
explains it for analysts):

* A condition is first put in negation normal form (:func:`to_nnf`): ``not`` is
  pushed down to the atoms, flipping comparisons (``not a < b`` is ``a >= b``),
  ``and``/``or`` by De Morgan, quantifiers (``not any`` is ``none``,
  ``not all(c, p)`` is ``any(c, not p)``), ``not known(x)`` is ``missing(x)``.
* An atom whose operand is unknown (a fact that is ``None`` for this case,
  or an attribute absent from an item) is **false**, whatever its polarity:
  with ``fields.implementation_ratio`` unknown, both ``ratio < 0.3`` and
  ``ratio >= 0.3`` are false.  ``known(x)`` / ``missing(x)`` test for it.
* Dates compare at the precision of the less precise side: ``2017-10-10 <
  2018`` is true, ``2017-10 == 2017`` is true, ``2017-10-10 < 2017`` is false.
* Arithmetic is on numbers; dividing by zero gives an unknown value.
* ``any(c, p)``, ``all(c, p)``, ``none(c, p)`` and ``count(c, p)`` range over
  the items of a collection; inside ``p`` bare names are item attributes.
  ``all`` over an empty collection is true; quantifiers do not nest.
* ``fired("rule-id")`` is true when that rule fired; ``derived.name`` is true
  when a rule with ``then: {derive: name}`` fired.  ``findings`` is the
  collection of findings ({rule, kind, factor, severity}).
* Rules run in strata (:attr:`Rule.stratum`): a rule sees the findings,
  derived facts and firings of lower strata only, and all of them, so
  negation over them is decided after they are all in.
* A rule fires at most once per evaluation, however many branches of an
  ``or`` are true.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

import attrs

from .errors import EvaluationError, Location
from .messages import LANGUAGES
from .model import PartialDate
from .schema import FactType

__all__ = [
    "FACT_VALUE_TYPES",
    "And",
    "Arith",
    "Changeable",
    "Compare",
    "Derive",
    "DerivedRef",
    "Expr",
    "FactRef",
    "FactValue",
    "FactsLike",
    "FindingThen",
    "FiredRef",
    "Firing",
    "In",
    "ItemRef",
    "Known",
    "ListLiteral",
    "Literal",
    "Match",
    "Not",
    "Or",
    "Quantifier",
    "Rule",
    "RuleSet",
    "RuleTest",
    "Then",
    "ValueType",
    "VerdictThen",
    "conclusion",
    "condition_nnf",
    "counted_condition",
    "finding_item",
    "negate",
    "to_nnf",
    "walk",
]

LiteralValue = bool | int | float | str | PartialDate


class ValueType(enum.StrEnum):
    """Static types of expressions after type checking."""

    NUMBER = "number"
    BOOLEAN = "boolean"
    STRING = "string"
    DATE = "date"
    LIST = "list"


#: The static type of each type of fact: integers are numbers, enums strings.
FACT_VALUE_TYPES: Mapping[FactType, ValueType] = {
    FactType.NUMBER: ValueType.NUMBER,
    FactType.INTEGER: ValueType.NUMBER,
    FactType.BOOLEAN: ValueType.BOOLEAN,
    FactType.STRING: ValueType.STRING,
    FactType.ENUM: ValueType.STRING,
    FactType.DATE: ValueType.DATE,
    FactType.LIST: ValueType.LIST,
}


def _loc() -> Location:
    return Location()


_LOC = attrs.field(factory=_loc, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Literal:
    value: LiteralValue
    loc: Location = _LOC


@attrs.frozen
class ListLiteral:
    """A list of literals, only on the right of ``in``: ``x in ["a", "b"]``."""

    items: tuple[Literal, ...]
    loc: Location = _LOC


@attrs.frozen
class FactRef:
    """A scalar fact of the schema: ``fields.implemented``."""

    name: str
    loc: Location = _LOC


@attrs.frozen
class ItemRef:
    """An attribute of the current item inside a quantifier: ``status``."""

    collection: str
    name: str
    loc: Location = _LOC


@attrs.frozen
class DerivedRef:
    """``derived.name``: true when a rule deriving ``name`` fired."""

    name: str
    loc: Location = _LOC


@attrs.frozen
class FiredRef:
    """``fired("rule-id")``: true when that rule fired."""

    rule: str
    loc: Location = _LOC


@attrs.frozen
class Compare:
    """``left op right`` with op one of ``< <= > >= == !=``."""

    op: str
    left: Expr
    right: Expr
    loc: Location = _LOC


@attrs.frozen
class Arith:
    """``left op right`` with op one of ``+ - * /`` (numbers only)."""

    op: str
    left: Expr
    right: Expr
    loc: Location = _LOC


@attrs.frozen
class In:
    """``needle in haystack``; haystack is a :class:`ListLiteral` or a list-typed fact.

    ``negated`` is ``not in`` (after NNF: the needle is known and not among them).
    """

    needle: Expr
    haystack: Expr
    negated: bool = False
    loc: Location = _LOC


@attrs.frozen
class Match:
    """``subject matches "pattern"``: a glob (``*`` any run, ``?`` one character,
    everything else literal), anchored at both ends; ``ignore_case`` for
    ``imatches``.  Only allowed in positive position."""

    subject: Expr
    pattern: str
    ignore_case: bool = False
    loc: Location = _LOC


@attrs.frozen
class Known:
    """``known(x)`` (or ``missing(x)`` when ``negated``)."""

    operand: Expr
    negated: bool = False
    loc: Location = _LOC


@attrs.frozen
class And:
    items: tuple[Expr, ...]
    loc: Location = _LOC


@attrs.frozen
class Or:
    items: tuple[Expr, ...]
    loc: Location = _LOC


@attrs.frozen
class Not:
    operand: Expr
    loc: Location = _LOC


@attrs.frozen
class Quantifier:
    """``any|all|none|count(collection, where)``; ``where`` None means every item."""

    kind: str
    collection: str
    where: Expr | None
    loc: Location = _LOC


Expr = (
    Literal
    | ListLiteral
    | FactRef
    | ItemRef
    | DerivedRef
    | FiredRef
    | Compare
    | Arith
    | In
    | Match
    | Known
    | And
    | Or
    | Not
    | Quantifier
)

_FLIP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def negate(expr: Expr) -> Expr:
    """The NNF of ``not expr`` (``expr`` itself already in NNF or not)."""
    if isinstance(expr, Not):
        return to_nnf(expr.operand)
    if isinstance(expr, Compare):
        return attrs.evolve(expr, op=_FLIP[expr.op])
    if isinstance(expr, And):
        return Or(tuple(negate(item) for item in expr.items), loc=expr.loc)
    if isinstance(expr, Or):
        return And(tuple(negate(item) for item in expr.items), loc=expr.loc)
    if isinstance(expr, In):
        return attrs.evolve(expr, negated=not expr.negated)
    if isinstance(expr, Known):
        return attrs.evolve(expr, negated=not expr.negated)
    if isinstance(expr, Quantifier):
        where = None if expr.where is None else to_nnf(expr.where)
        if expr.kind == "any":
            return Quantifier("none", expr.collection, where, loc=expr.loc)
        if expr.kind == "none":
            return Quantifier("any", expr.collection, where, loc=expr.loc)
        if expr.kind == "all":
            inner: Expr = Literal(False, loc=expr.loc) if where is None else negate(where)
            return Quantifier("any", expr.collection, inner, loc=expr.loc)
    if isinstance(expr, (FactRef, ItemRef, DerivedRef, FiredRef)):
        # a boolean reference used as a condition: not b  ==  b == false
        return Compare("==", expr, Literal(False, loc=expr.loc), loc=expr.loc)
    if isinstance(expr, Literal) and isinstance(expr.value, bool):
        return Literal(not expr.value, loc=expr.loc)
    raise ValueError(f"cannot negate {type(expr).__name__}")  # the type checker prevents this


def to_nnf(expr: Expr) -> Expr:
    """Push every ``not`` down to the atoms (see the module docstring)."""
    if isinstance(expr, Not):
        return negate(expr.operand)
    if isinstance(expr, And):
        return And(tuple(to_nnf(item) for item in expr.items), loc=expr.loc)
    if isinstance(expr, Or):
        return Or(tuple(to_nnf(item) for item in expr.items), loc=expr.loc)
    if isinstance(expr, Quantifier) and expr.where is not None:
        return attrs.evolve(expr, where=to_nnf(expr.where))
    if isinstance(expr, (FactRef, ItemRef, DerivedRef, FiredRef)):
        return Compare("==", expr, Literal(True, loc=expr.loc), loc=expr.loc)
    return expr


def condition_nnf(expr: Expr) -> Expr:
    """:func:`to_nnf` of a condition, raising :class:`~sistereval.errors.EvaluationError`
    for one that cannot be put in negation normal form."""
    try:
        return to_nnf(expr)
    except ValueError as error:
        raise EvaluationError(f"invalid condition: {error}") from error


def counted_condition(quantifier: Quantifier) -> Expr | None:
    """The condition (in negation normal form) a quantifier counts items by:
    ``where`` for ``any``/``none``/``count``, ``not where`` for ``all``; None
    when every item counts."""
    where = None if quantifier.where is None else condition_nnf(quantifier.where)
    if quantifier.kind != "all":
        return where
    if where is None:
        return Literal(False)
    try:
        return negate(where)
    except ValueError as error:
        raise EvaluationError(
            f"all({quantifier.collection}, ...) counts the items where its condition is false, "
            f"and that condition cannot be negated: {error}"
        ) from error


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr``, parents before children."""
    yield expr
    children: tuple[Expr | None, ...]
    if isinstance(expr, (Compare, Arith)):
        children = (expr.left, expr.right)
    elif isinstance(expr, In):
        children = (expr.needle, expr.haystack)
    elif isinstance(expr, Match):
        children = (expr.subject,)
    elif isinstance(expr, (Known, Not)):
        children = (expr.operand,)
    elif isinstance(expr, (And, Or, ListLiteral)):
        children = expr.items
    elif isinstance(expr, Quantifier):
        children = (expr.where,)
    else:
        children = ()
    for child in children:
        if child is not None:
            yield from walk(child)


# ---------------------------------------------------------------- rules


@attrs.frozen(kw_only=True)
class FindingThen:
    """``then: {finding: obstacle, factor: ..., severity: ...}``."""

    kind: str  # strength | obstacle | risk | compliance
    factor: str  # a success factor or an obstacle group of the rule set
    severity: str  # low | medium | high


@attrs.frozen(kw_only=True)
class VerdictThen:
    verdict: str


@attrs.frozen(kw_only=True)
class Derive:
    name: str


Then = FindingThen | VerdictThen | Derive


@attrs.frozen(kw_only=True)
class Rule:
    id: str
    title: str  # the English title, the fallback of every language
    when: Expr
    then: Then
    because: dict[str, str] = attrs.field(eq=False)  # language -> message template
    titles: dict[str, str] = attrs.field(factory=dict, eq=False)  # language -> title
    source: str
    text: str = ""  # the condition as written, for explanations
    stratum: int = 0
    origin: str = ""  # the rule file that defined (or last overrode) the rule
    loc: Location = _LOC


@attrs.frozen(kw_only=True)
class RuleTest:
    """A named test declared with a rule set (used by ``sistereval test``)."""

    name: str
    case: str | None = None  # a case file path, relative to the rule file
    facts: dict[str, object] | None = attrs.field(default=None, eq=False)
    verdict: str | None = None
    fires: tuple[str, ...] = ()
    not_fires: tuple[str, ...] = ()
    loc: Location = _LOC


@attrs.frozen(kw_only=True)
class Changeable:
    """A case path a counterfactual may change, and the values it may set there.

    ``path`` uses the syntax of ``whatif --set`` with ``[*]`` for every item
    (``fields[*].status``); ``values`` go from worse to better: a value that
    is already one of them only moves to a later one.
    """

    path: str
    values: tuple[bool | int | float | str, ...]
    loc: Location = _LOC


@attrs.frozen(kw_only=True)
class Inherited:
    """An inherited rule the rule set's own files drop (``kind`` ``"disable"``) or replace
    (``"override"``): ``loc`` is the ``disable`` entry or the overriding rule, ``rule`` the
    inherited rule as the parent defines it.  ``sistereval check`` locates a defect they
    cause there, with the inherited rule as the second location."""

    kind: str
    rule: Rule = attrs.field(eq=False)
    loc: Location = _LOC


@attrs.frozen(kw_only=True)
class RuleSet:
    """A loaded, checked rule set with inherited rules resolved.

    ``rules`` are in evaluation order: by stratum, then file order.
    ``scale`` lists verdicts from best to worst (``not_assessable`` is implicit).
    ``policy`` is ``worst`` (the worst fired verdict wins), ``best``, or
    ``priority`` (the first fired verdict rule in file order wins).
    ``unique`` and ``undecided_when`` change no evaluation: they tell
    ``sistereval check`` that verdict rules with different verdicts must not
    overlap, and where no verdict rule is meant to fire.
    """

    id: str
    version: str
    title: str
    description: str = ""
    languages: tuple[str, ...] = LANGUAGES
    scale: tuple[str, ...] = ("success", "partial", "failure")
    policy: str = "worst"
    unique: bool = False
    undecided_when: Expr | None = None
    factors: tuple[str, ...] = ()  # success factors
    obstacle_groups: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    invariants: tuple[dict[str, object], ...] = attrs.field(default=(), eq=False)
    changeable: tuple[Changeable, ...] = ()
    tests: tuple[RuleTest, ...] = ()
    file: str | None = None
    sha256: str = ""
    inherited: tuple[Inherited, ...] = attrs.field(default=(), eq=False)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def message(self, rule_id: str, kind: str, language: str) -> str:
        """The catalogue: a rule's ``title`` or ``because`` template in ``language``.

        A missing translation falls back to English, then to the rule's title
        (``sistereval.language.missing_translations`` lists what is missing).
        """
        rule = self.rule(rule_id)
        if kind == "title":
            texts = rule.titles
        elif kind == "because":
            texts = rule.because
        else:
            raise ValueError(f"unknown message kind {kind!r}; use 'title' or 'because'")
        return texts.get(language) or texts.get("en") or rule.title

    @property
    def strata(self) -> tuple[tuple[Rule, ...], ...]:
        """The rules grouped by stratum, lowest first."""
        if not self.rules:
            return ()
        top = max(rule.stratum for rule in self.rules)
        return tuple(
            tuple(rule for rule in self.rules if rule.stratum == k) for k in range(top + 1)
        )


# ---------------------------------------------------------------- evaluation interface


FactValue = None | bool | int | float | str | PartialDate | tuple[str, ...]


class FactsLike(Protocol):
    """What an evaluator reads: :class:`sistereval.facts.Facts` satisfies it.

    ``scalars`` holds every scalar of the schema (``None`` when unknown);
    ``collections`` holds every collection of the schema except ``findings``.
    """

    @property
    def scalars(self) -> Mapping[str, FactValue]: ...

    @property
    def collections(self) -> Mapping[str, Sequence[Mapping[str, FactValue]]]: ...


@attrs.frozen(kw_only=True)
class Firing:
    """What an evaluator returns: the rules that fired, in ``RuleSet.rules`` order,
    and for each quantifier-bearing rule the indexes of the items that satisfied
    its quantifiers' conditions (for explanations), keyed by rule id."""

    fired: tuple[str, ...]
    matched_items: Mapping[str, Mapping[str, tuple[int, ...]]] = attrs.field(factory=dict, eq=False)


def conclusion(then: Then) -> tuple[str, str | None, str | None, str | None]:
    """What a rule concludes, as ``(kind, factor, severity, verdict)``: a finding's
    kind, factor and severity; ``("verdict", None, None, verdict)``; or
    ``("derived", None, None, None)`` for a derived fact."""
    if isinstance(then, FindingThen):
        return then.kind, then.factor, then.severity, None
    if isinstance(then, VerdictThen):
        return "verdict", None, None, then.verdict
    return "derived", None, None, None


def finding_item(rule: Rule) -> dict[str, FactValue]:
    """The item a fired finding rule adds to the ``findings`` collection."""
    assert isinstance(rule.then, FindingThen)
    then = rule.then
    return {"rule": rule.id, "kind": then.kind, "factor": then.factor, "severity": then.severity}
