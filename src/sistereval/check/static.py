"""Static checks of a rule set: defects found without evaluating any case.

``sistereval check RULES...`` loads each rule set and reports:

* ``dead-rule``: a rule whose condition can never be true.  The condition is
  put in negation normal form (:func:`sistereval.ir.to_nnf`) and expanded
  into a disjunction of conjunctions (at most :data:`MAX_ALTERNATIVES`; a
  rule with more is skipped, with no claim made about it).  A conjunction is
  unsatisfiable when, for one operand (a scalar fact, a quantifier's item
  attribute, a ``count(...)``, ``derived.x`` or ``fired("r")``), its
  comparisons with literals leave no value: an empty numeric interval
  (``x > 5 and x < 3``; integer facts and counts have whole values only),
  no enum value or truth value left (``stage == "loi" and stage == "mou"``,
  ``stage in [...]`` disjoint from another), or ``missing(x)`` with any
  atom that needs ``x`` known (``known(x)``, any comparison: an atom on an
  unknown operand is false).  ``false`` is unsatisfiable, and so is
  ``any(c, p)`` when ``p`` is.  The rule is dead when every alternative is.
* ``unconsumed-derived``: a rule derives ``name`` but no rule reads
  ``derived.name``.
* ``verdict-overlap`` (when the rule set declares ``verdicts: {unique:
  true}``), ``never-decisive``, ``verdict-when-undecided`` and
  ``verdict-gap``: the verdict rules,
  checked over the cells of the operands their conditions compare with
  literals (:mod:`sistereval.check.verdicts`, :mod:`sistereval.check.regions`).

Comparisons between two facts, arithmetic, dates, pattern matches and
``all``/``none`` quantifiers are taken as satisfiable (and, for the verdict
checks, as possibly false): the check only claims what it can show, so a
rule it passes may still be dead.  Cycles of ``fired()``/``derived``
references are load errors (``rule-cycle``), so a rule set ``check`` can
load has none.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from .. import ir
from ..errors import EvaluationError, Location, Problem
from ..language import format_expression, missing_translations
from ..schema import FactSchema, FactType
from .prove import Proofs, missing_solver
from .regions import BOOLEANS, MAX_ALTERNATIVES, Operand, Types, dnf
from .verdicts import MAX_CELLS, MAX_REGIONS, Defect, check_verdicts, rule_location

__all__ = [
    "MAX_ALTERNATIVES",
    "MAX_CELLS",
    "MAX_REGIONS",
    "CheckReport",
    "Defect",
    "check_rules",
]


@attrs.frozen(kw_only=True)
class CheckReport:
    """What :func:`check_rules` found in one rule set.

    ``problems`` are sorted by location; ``defects`` are the same problems
    with the rule ids involved and, for gaps and overlaps, the regions of the
    fact space they hold in.  ``skipped`` are the rules whose condition was
    too large to expand, ``notes`` say what else was not analysed (no claim
    is made about either).  ``warnings`` are not defects: rule titles and
    messages missing in a language (the English text is shown instead).
    """

    ruleset: ir.RuleSet = attrs.field(eq=False, repr=False)
    problems: tuple[Problem, ...]
    skipped: tuple[str, ...] = ()
    defects: tuple[Defect, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    proofs: Proofs | None = None  # None: the solver is not installed (see notes)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        ruleset = self.ruleset
        defects = self.defects or tuple(Defect(problem=p) for p in self.problems)
        return {
            "ruleset": {"id": ruleset.id, "version": ruleset.version, "file": ruleset.file},
            "ok": self.ok,
            "problems": [defect.to_dict() for defect in defects],
            "skipped": list(self.skipped),
            "notes": list(self.notes),
            "warnings": [warning.to_dict() for warning in self.warnings],
            "proofs": None if self.proofs is None else self.proofs.to_dict(),
        }


def check_rules(
    rules: ir.RuleSet | str | os.PathLike[str],
    *,
    schema: FactSchema | None = None,
    solver: bool = True,
) -> CheckReport:
    """Check a rule set statically (see the module docstring).

    ``rules`` is a loaded rule set, a rule-file path or a shipped name; an
    invalid rule file raises :class:`~sistereval.errors.RuleError`.  With
    ``solver`` (and z3 installed) the solver decides what it can as well
    (:mod:`sistereval.check.prove`); without it, the region method alone.
    """
    from ..facts import FACT_SCHEMA
    from ..language import rule_set

    ruleset = rule_set(rules)
    types = Types(FACT_SCHEMA if schema is None else schema)
    defects: list[Defect] = []
    skipped: list[str] = []
    for rule in ruleset.rules:
        conflicts = _dead(rule.when, types)
        if conflicts is None:
            skipped.append(rule.id)
        elif conflicts:
            clauses = "; ".join(conflicts)
            problem = Problem(
                code="dead-rule",
                message=f"rule {rule.id!r} can never fire: {clauses}",
                location=rule_location(rule),
            )
            defects.append(Defect(problem=problem, rules=(rule.id,)))
    defects.extend(_unconsumed(ruleset))
    defects.extend(_uncompiled(ruleset, types.schema))
    verdicts, notes = check_verdicts(ruleset, types)
    defects.extend(verdicts)
    proofs = None
    missing = missing_solver() if solver else None
    if solver and missing is None:
        from .prove import prove

        proofs = prove(
            ruleset,
            types.schema,
            dead=[rule for d in defects if d.problem.code == "dead-rule" for rule in d.rules],
            overlaps=[frozenset(d.rules) for d in verdicts if d.problem.code == "verdict-overlap"],
        )
        defects.extend(proofs.defects)
    elif missing is not None:
        notes.append(f"nothing proved by a solver: {missing}; the region method only")
    defects.sort(key=lambda d: (d.problem.location.sort_key(), d.problem.code, d.problem.message))
    return CheckReport(
        ruleset=ruleset,
        problems=tuple(defect.problem for defect in defects),
        skipped=tuple(skipped),
        defects=tuple(defects),
        notes=tuple(notes),
        warnings=tuple(missing_translations(ruleset)),
        proofs=proofs,
    )


# --------------------------------------------------------------------------
# what the engine cannot compile


def _uncompiled(ruleset: ir.RuleSet, schema: FactSchema) -> Iterable[Defect]:
    """An ``engine-limit`` defect when the durable compiler refuses the rule set (the
    limits loading predicts leave only a fact type's properties to run out): ``check``
    never says ok for a rule set every evaluation would fail on."""
    from ..engine.compile import compile_ruleset

    try:
        compile_ruleset(ruleset, schema)
    except EvaluationError as error:
        rule = next((r for r in ruleset.rules if r.id == error.rule), None)
        problem = Problem(
            code="engine-limit",
            message=f"the engine cannot compile the rule set: {error}",
            location=Location(file=ruleset.file) if rule is None else rule_location(rule),
            suggestion="split the rule set or the rule",
        )
        yield Defect(problem=problem, rules=() if rule is None else (rule.id,))


# --------------------------------------------------------------------------
# unconsumed derived facts


def _unconsumed(ruleset: ir.RuleSet) -> Iterable[Defect]:
    read = {
        node.name
        for rule in ruleset.rules
        for node in ir.walk(rule.when)
        if isinstance(node, ir.DerivedRef)
    }
    for rule in ruleset.rules:
        if isinstance(rule.then, ir.Derive) and rule.then.name not in read:
            name = rule.then.name
            problem = Problem(
                code="unconsumed-derived",
                message=f"rule {rule.id!r} derives {name!r} but no rule reads derived.{name}",
                location=rule_location(rule, condition=False),
            )
            yield Defect(problem=problem, rules=(rule.id,))


# --------------------------------------------------------------------------
# dead rules


def _dead(condition: ir.Expr, types: Types) -> list[str] | None:
    """The contradictions that make every alternative false ([] if one may hold).

    None when the condition has too many alternatives to tell.
    """
    alternatives = dnf(ir.to_nnf(condition))
    if alternatives is None:
        return None
    found: list[str] = []
    for conjunction in alternatives:
        conflict = _conflict(conjunction, types, None)
        if conflict is None:
            return []
        written = {id(atom) for atom in conjunction}
        text = " and ".join(
            format_expression(atom)
            if id(atom) in written or isinstance(atom, ir.Quantifier)
            else f"{format_expression(atom)} (declared in the fact schema)"
            for atom in conflict
        )
        if text not in found:
            found.append(text)
    return found


_NUMERIC = (FactType.NUMBER, FactType.INTEGER)


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@attrs.define
class _State:
    """The constraints one conjunction puts on one operand, each with its atom.

    The operand's declared range (``0 <= fields.implementation_ratio <= 1``)
    bounds it too once an atom needs it known: its bounds are atoms of their
    own, which are not in the conjunction (:func:`_dead` tells them apart).
    """

    operand: Operand
    expr: ir.Expr | None = None
    declared: list[ir.Expr] | None = None  # the atoms of the declared range, once added
    allowed: list[tuple[frozenset[object], ir.Expr]] = attrs.Factory(list)
    excluded: list[tuple[object, ir.Expr]] = attrs.Factory(list)
    lower: list[tuple[float, bool, ir.Expr]] = attrs.Factory(list)  # value, strict, atom
    upper: list[tuple[float, bool, ir.Expr]] = attrs.Factory(list)
    known: list[ir.Expr] = attrs.Factory(list)  # atoms that need the operand known
    missing: list[ir.Expr] = attrs.Factory(list)

    def constrain(self, op: str, value: object, atom: ir.Expr) -> None:
        self.known.append(atom)
        numeric = self.operand.type in _NUMERIC and not isinstance(value, bool)
        if op == "==":
            self.allowed.append((frozenset({value}), atom))
        elif op == "!=":
            self.excluded.append((value, atom))
        elif numeric and isinstance(value, int | float):
            bound = (float(value), op in ("<", ">"), atom)
            (self.lower if op in (">", ">=") else self.upper).append(bound)

    def declare(self) -> None:
        """Add the operand's declared range as bounds (once, and only if it must be known)."""
        operand, expr = self.operand, self.expr
        if not self.known or expr is None or self.declared is not None:
            return
        self.declared = []
        if operand.minimum is not None:
            atom = ir.Compare(">=", expr, ir.Literal(_whole(operand.minimum)))
            self.lower.append((operand.minimum, False, atom))
            self.declared.append(atom)
        if operand.maximum is not None:
            atom = ir.Compare("<=", expr, ir.Literal(_whole(operand.maximum)))
            self.upper.append((operand.maximum, False, atom))
            self.declared.append(atom)

    def bounds(self) -> tuple[_Bound | None, _Bound | None]:
        """The tightest lower and upper bound, each with its atom."""
        lower = max(self.lower, key=lambda b: (b[0], b[1]), default=None)
        upper = min(self.upper, key=lambda b: (b[0], not b[1]), default=None)
        return lower, upper

    def conflict(self) -> list[ir.Expr] | None:
        """Atoms that cannot all hold, or None."""
        if self.missing and self.known:
            return [self.missing[0], self.known[0]]
        self.declare()
        lower, upper = self.bounds()
        bounds = [b[2] for b in (lower, upper) if b is not None]
        integral = self.operand.type is FactType.INTEGER
        if lower is not None and upper is not None and _empty(lower, upper, integral):
            return bounds
        domain: frozenset[object] | None = (
            frozenset(self.operand.values) if self.operand.values else None
        )
        used: list[ir.Expr] = []
        for values, atom in self.allowed:
            domain = values if domain is None else domain & values
            used.append(atom)
        if domain is None:
            single = _single(lower, upper, integral)
            if single is None:
                return None
            domain = frozenset({single})
            used.extend(bounds)
            bounds = []
        for value, atom in self.excluded:
            if value in domain:
                domain = domain - {value}
                used.append(atom)
        if self.lower or self.upper:
            kept = frozenset(v for v in domain if _within(v, lower, upper, integral))
            if kept != domain:
                used.extend(bounds)
                domain = kept
        return used if not domain else None


_Bound = tuple[float, bool, ir.Expr]  # value, strict, atom


def _whole(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _empty(
    lower: tuple[float, bool, ir.Expr], upper: tuple[float, bool, ir.Expr], integral: bool
) -> bool:
    if integral:
        return _int_low(lower) > _int_high(upper)
    low, low_strict, _ = lower
    high, high_strict, _ = upper
    return low > high or (low == high and (low_strict or high_strict))


def _int_low(bound: tuple[float, bool, ir.Expr]) -> float:
    value, strict, _ = bound
    return math.floor(value) + 1 if strict else math.ceil(value)


def _int_high(bound: tuple[float, bool, ir.Expr]) -> float:
    value, strict, _ = bound
    return math.ceil(value) - 1 if strict else math.floor(value)


def _single(
    lower: tuple[float, bool, ir.Expr] | None,
    upper: tuple[float, bool, ir.Expr] | None,
    integral: bool,
) -> float | None:
    """The one value the bounds leave, if they leave exactly one."""
    if lower is None or upper is None:
        return None
    if integral:
        low, high = _int_low(lower), _int_high(upper)
        return low if low == high else None
    return lower[0] if lower[0] == upper[0] and not (lower[1] or upper[1]) else None


def _within(
    value: object,
    lower: tuple[float, bool, ir.Expr] | None,
    upper: tuple[float, bool, ir.Expr] | None,
    integral: bool,
) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if integral and value != int(value):
        return False
    if lower is not None and (value < lower[0] or (lower[1] and value == lower[0])):
        return False
    return not (upper is not None and (value > upper[0] or (upper[1] and value == upper[0])))


def _conflict(
    conjunction: Sequence[ir.Expr], types: Types, collection: str | None
) -> list[ir.Expr] | None:
    """The atoms of ``conjunction`` that cannot all hold (in its order), or None.

    ``collection`` is the quantifier whose condition this is, if any: its
    item attributes are operands.
    """
    states: dict[str, _State] = {}
    pairs: list[tuple[str, str, ir.Compare]] = []  # fact < fact, as written

    def state(operand: Operand, expr: ir.Expr | None = None) -> _State:
        found = states.setdefault(operand.key, _State(operand, expr))
        found.expr = found.expr or expr
        return found

    for atom in conjunction:
        if isinstance(atom, ir.Literal) and atom.value is False:
            return [atom]
        if isinstance(atom, ir.Compare):
            left, op, right = atom.left, atom.op, atom.right
            if isinstance(left, ir.Literal) and not isinstance(right, ir.Literal):
                left, op, right = right, _MIRROR[op], left
            operand = types.operand(left, collection)
            if operand is None:
                continue
            if isinstance(right, ir.Literal) and operand.type is not FactType.DATE:
                state(operand, left).constrain(op, right.value, atom)
            elif operand.fact:
                state(operand, left).known.append(atom)
                facts = isinstance(left, ir.FactRef) and isinstance(right, ir.FactRef)
                if facts and op in ("<", ">"):
                    small, large = (left, right) if op == "<" else (right, left)
                    assert isinstance(small, ir.FactRef)
                    assert isinstance(large, ir.FactRef)
                    pairs.append((large.name, small.name, atom))
        elif isinstance(atom, ir.In):
            _in(atom, types, collection, state)
        elif isinstance(atom, ir.Known | ir.Match):
            target = atom.operand if isinstance(atom, ir.Known) else atom.subject
            operand = types.operand(target, collection)
            if operand is not None and operand.fact:
                negated = isinstance(atom, ir.Known) and atom.negated
                (
                    state(operand, target).missing if negated else state(operand, target).known
                ).append(atom)
        elif isinstance(atom, ir.Quantifier) and atom.kind == "any" and atom.where is not None:
            alternatives = dnf(atom.where)
            if alternatives is not None and all(
                _conflict(alt, types, atom.collection) is not None for alt in alternatives
            ):
                return [atom]
    conflicts = [found for s in states.values() if (found := s.conflict()) is not None]
    if not conflicts and collection is None:
        conflicts = _related(states, pairs, types)
    if not conflicts:
        return None
    first = conflicts[0]
    order = {id(atom): index for index, atom in enumerate(conjunction)}
    unique = {id(atom): atom for atom in first}
    return sorted(unique.values(), key=lambda atom: order.get(id(atom), len(order)))


def _related(
    states: dict[str, _State], pairs: list[tuple[str, str, ir.Compare]], types: Types
) -> list[list[ir.Expr]]:
    """Conflicts with the schema's declared sum relations: the least values the
    conjunction leaves its parts add up to more than the most it leaves the total
    (or, for ``==``, the most of the parts to less than the least of the total);
    or an atom ``part > total`` (a part of a sum is never above its total)."""
    found: list[list[ir.Expr]] = []
    for relation in types.schema.relations:
        if relation.kind != "sum":
            continue
        marker = _relation_atom(relation.parts, relation.op, relation.total)
        for large, small, atom in pairs:
            if small == relation.total and large in relation.parts:
                found.append([atom, marker])
        total = states.get(relation.total)
        if total is None:
            continue
        parts = [states.get(name) for name in relation.parts]
        low_total, high_total = _integral_bounds(total)
        lows = [_integral_bounds(p)[0] if p is not None else (0.0, None) for p in parts]
        if high_total[1] is not None and sum(low for low, _ in lows) > high_total[0]:
            atoms = [atom for _, atom in lows if atom is not None]
            found.append([*atoms, high_total[1], marker])
        if relation.op == "==" and low_total[1] is not None and None not in parts:
            highs = [_integral_bounds(p)[1] for p in parts if p is not None]
            if all(atom is not None for _, atom in highs) and (
                sum(high for high, _ in highs) < low_total[0]
            ):
                atoms = [atom for _, atom in highs if atom is not None]
                found.append([*atoms, low_total[1], marker])
    return found


def _integral_bounds(
    state: _State,
) -> tuple[tuple[float, ir.Expr | None], tuple[float, ir.Expr | None]]:
    """The least and the most whole value ``state`` leaves, each with its atom (None: the
    declared range, or no bound)."""
    state.declare()
    lower, upper = state.bounds()
    declared = [id(atom) for atom in state.declared or ()]
    low = (_int_low(lower), lower[2]) if lower else (0.0, None)
    high = (_int_high(upper), upper[2]) if upper else (math.inf, None)
    if low[1] is not None and id(low[1]) in declared:
        low = (low[0], None)
    if high[1] is not None and id(high[1]) in declared:
        high = (high[0], None)
    return low, high


def _relation_atom(parts: tuple[str, ...], op: str, total: str) -> ir.Expr:
    terms: ir.Expr = ir.FactRef(parts[0])
    for name in parts[1:]:
        terms = ir.Arith("+", terms, ir.FactRef(name))
    return ir.Compare(op, terms, ir.FactRef(total))


def _in(
    atom: ir.In,
    types: Types,
    collection: str | None,
    state: Callable[[Operand, ir.Expr], _State],
) -> None:
    if isinstance(atom.haystack, ir.ListLiteral):
        operand = types.operand(atom.needle, collection)
        if operand is None or operand.type is FactType.DATE:
            return
        values = frozenset(item.value for item in atom.haystack.items)
        target = state(operand, atom.needle)
        target.known.append(atom)
        if atom.negated:
            target.excluded.extend((value, atom) for value in values)
        else:
            target.allowed.append((values, atom))
        return
    haystack = types.operand(atom.haystack, collection)
    if haystack is None or not isinstance(atom.needle, ir.Literal):
        return
    # "v" in list-fact: a truth value of its own, and the list must be known
    member = Operand(f"{haystack.key} has {atom.needle.value!r}", FactType.BOOLEAN, BOOLEANS)
    state(member, atom).constrain("==", not atom.negated, atom)
    if haystack.fact:
        state(haystack, atom.haystack).known.append(atom)
