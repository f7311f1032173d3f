"""Robustness: does the verdict hold whatever the unknown facts are and whichever side
of each dispute is true (``docs/evaluation.md``, "Certainty")?

What is varied:

* every **unknown fact a rule reads** (a scalar that is unknown for the case and that
  some rule's condition names), over representative values: ``true``/``false``, each
  value of an enumeration, for numbers and dates the values on and either side of each
  constant or date the rules compare it with.  Values that make every comparison of
  the fact come out as the unknown value does are left out (they change nothing);
* every **side of each dispute**, with the facts derived from it
  (:func:`sistereval.facts.dispute_variants`).

How:

1. **Three-valued** (:mod:`.threevalued`): when the verdict rules that surely fire
   decide the verdict whatever the rules that may fire do, the verdict holds
   (``always``) and nothing is evaluated.
2. **Bounded search** otherwise: each alternative alone (one fact or one dispute
   side changed), then every combination in order, each evaluated by the engine,
   at most ``limit`` (:data:`DEFAULT_LIMIT`) evaluations.  A verdict that differs
   makes the result ``depends``; every combination evaluated without one,
   ``always``; the limit reached first, ``unknown-limit``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import attrs

from .. import ir
from ..dates import PartialDate
from ..engine.reference import Env, eval_condition
from ..facts import FACT_SCHEMA, Facts, Variant
from ..facts.results import json_value
from ..schema import FactType
from .threevalued import nnf, possible_verdicts, rule_statuses

__all__ = ["DEFAULT_LIMIT", "Outcome", "Robustness", "robustness"]

#: At most this many variants of a case are evaluated by the bounded search.
DEFAULT_LIMIT = 24

ALWAYS, DEPENDS, UNKNOWN_LIMIT = "always", "depends", "unknown-limit"


@attrs.frozen(kw_only=True)
class Outcome:
    """The verdict when the facts ``changes`` name take those values (a dispute's
    fact: the value of that side, with what is derived from it)."""

    changes: Mapping[str, ir.FactValue]
    verdict: str

    def to_dict(self) -> dict[str, object]:
        return {
            "changes": {name: json_value(value) for name, value in self.changes.items()},
            "verdict": self.verdict,
        }


@attrs.frozen(kw_only=True)
class Robustness:
    """Whether the verdict holds (``status``: ``always``, ``depends`` or
    ``unknown-limit``), found how (``method``: ``three-valued`` or ``search``), over
    which ``unknown`` facts and ``disputed`` facts; the facts it ``depends_on``; the
    verdicts of the alternatives evaluated (``outcomes``), how many (``searched``) of
    how many combinations (``combinations``), under which ``limit``; ``not_varied``:
    unknown facts rules read that have no representative value to try (a list)."""

    status: str
    method: str
    unknown: tuple[str, ...]
    disputed: tuple[str, ...]
    depends_on: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    searched: int
    combinations: int
    limit: int
    not_varied: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "method": self.method,
            "unknown": list(self.unknown),
            "disputed": list(self.disputed),
            "depends_on": list(self.depends_on),
            "outcomes": [o.to_dict() for o in self.outcomes],
            "searched": self.searched,
            "combinations": self.combinations,
            "limit": self.limit,
            "not_varied": list(self.not_varied),
        }


_READ: dict[int, tuple[ir.RuleSet, tuple[str, ...]]] = {}


def read_facts(ruleset: ir.RuleSet) -> tuple[str, ...]:
    """Every scalar fact some rule's condition names, in rule order."""
    known = _READ.get(id(ruleset))
    if known is not None and known[0] is ruleset:
        return known[1]
    if len(_READ) > 64:
        _READ.clear()
    names: dict[str, None] = {}
    for rule in ruleset.rules:
        for node in ir.walk(rule.when):
            if isinstance(node, ir.FactRef):
                names[node.name] = None
    _READ[id(ruleset)] = (ruleset, tuple(names))
    return tuple(names)


def _atoms(ruleset: ir.RuleSet, name: str) -> tuple[list[ir.Expr], bool]:
    """The atoms of the rules' conditions that read ``name`` outside quantifiers and
    rule references, and whether those are all the places that read it."""
    atoms: list[ir.Expr] = []
    complete = True

    def visit(expr: ir.Expr) -> None:
        nonlocal complete
        if isinstance(expr, (ir.And, ir.Or)):
            for item in expr.items:
                visit(item)
            return
        inner = list(ir.walk(expr))
        if not any(isinstance(n, ir.FactRef) and n.name == name for n in inner):
            return
        if isinstance(expr, (ir.Compare, ir.In, ir.Match, ir.Known)) and not any(
            isinstance(n, (ir.Quantifier, ir.FiredRef, ir.DerivedRef, ir.ItemRef)) for n in inner
        ):
            atoms.append(expr)
        else:
            complete = False

    for rule in ruleset.rules:
        visit(nnf(rule))
    return atoms, complete


def _constants(atoms: Sequence[ir.Expr], name: str, facts: Facts) -> list[ir.FactValue]:
    """The values the atoms compare fact ``name`` with."""
    out: list[ir.FactValue] = []
    for atom in atoms:
        if isinstance(atom, ir.Compare):
            for side, other in ((atom.left, atom.right), (atom.right, atom.left)):
                if not (isinstance(side, ir.FactRef) and side.name == name):
                    continue
                if isinstance(other, ir.Literal):
                    out.append(other.value)
                elif isinstance(other, ir.FactRef):
                    out.append(facts.scalars.get(other.name))
        elif isinstance(atom, ir.In) and isinstance(atom.haystack, ir.ListLiteral):
            out.extend(item.value for item in atom.haystack.items)
    return out


def _simple(atom: ir.Expr, name: str) -> bool:
    """Whether ``atom`` compares the fact ``name`` itself (not a sum or product of it)."""
    if isinstance(atom, ir.Compare):
        return any(
            isinstance(side, ir.FactRef) and side.name == name for side in (atom.left, atom.right)
        )
    if isinstance(atom, ir.In):
        return isinstance(atom.needle, ir.FactRef) and isinstance(atom.haystack, ir.ListLiteral)
    return isinstance(atom, ir.Known)


def candidates(
    ruleset: ir.RuleSet, facts: Facts, name: str
) -> tuple[tuple[ir.FactValue, ...], bool]:
    """The representative values tried for the unknown fact ``name`` (module
    docstring), and whether they stand for every value it can take."""
    fact = FACT_SCHEMA.scalar(name)
    if fact is None:
        return (), False
    atoms, complete = _atoms(ruleset, name)
    exact = complete and fact.type is not FactType.LIST and all(_simple(a, name) for a in atoms)
    constants = _constants(atoms, name, facts)
    values: list[ir.FactValue] = []
    if fact.type is FactType.BOOLEAN:
        values = [True, False]
    elif fact.type is FactType.ENUM:
        values = list(fact.values)
    elif fact.type is FactType.STRING:
        values = [*(c for c in constants if isinstance(c, str)), "other"]
    elif fact.type in (FactType.INTEGER, FactType.NUMBER):
        numbers = [c for c in constants if isinstance(c, int | float) and not isinstance(c, bool)]
        step = 1 if fact.type is FactType.INTEGER else 0.001
        low, high = fact.minimum, fact.maximum
        for c in sorted(set(numbers)) or [low if low is not None else 0]:
            values.extend(
                n
                for n in (c - step, c, c + step)
                if (low is None or n >= low) and (high is None or n <= high)
            )
    elif fact.type is FactType.DATE:
        for date in constants:
            if isinstance(date, PartialDate):
                values.extend(
                    [
                        PartialDate(year=max(date.year - 1, 1)),
                        date,
                        PartialDate(year=min(date.year + 1, 9999)),
                    ]
                )
    if not complete:
        return tuple(dict.fromkeys(values)), False

    # keep one value per pattern of atom results, none that acts as the unknown value
    def pattern(value: ir.FactValue) -> tuple[bool, ...]:
        env = Env(scalars={**facts.scalars, name: value}, collections=facts.collections)
        return tuple(eval_condition(atom, env) for atom in atoms)

    seen = {pattern(None)}
    kept: list[ir.FactValue] = []
    for value in dict.fromkeys(values):
        key = pattern(value)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept), exact


def _overlay(base: Facts, changed: Sequence[Variant], values: Mapping[str, ir.FactValue]) -> Facts:
    """``base`` with each dispute side's changed facts and the ``values`` set."""
    scalars = dict(base.scalars)
    collections = dict(base.collections)
    for side in changed:
        for key, value in side.facts.scalars.items():
            if type(value) is not type(base.scalars.get(key)) or value != base.scalars.get(key):
                scalars[key] = value
        for key, items in side.facts.collections.items():
            if items != base.collections.get(key):
                collections[key] = items
    scalars.update(values)
    return attrs.evolve(base, scalars=scalars, collections=collections)


def robustness(
    ruleset: ir.RuleSet,
    facts: Facts,
    variants: Sequence[Sequence[Variant]],
    disputed: Mapping[str, tuple[str, ...]],
    verdict: str,
    verdict_of: Callable[[Facts], str],
    fired: Sequence[str],
    *,
    limit: int = DEFAULT_LIMIT,
) -> Robustness:
    """Whether ``verdict`` (the verdict on ``facts``) holds whatever the unknown facts
    the rules read are and whichever side of each dispute (``variants``, with the facts
    each makes ``disputed``) is true; ``verdict_of`` evaluates a variant of the facts,
    ``fired`` are the rules that fired on ``facts``."""
    unknown = tuple(n for n in read_facts(ruleset) if facts.scalars.get(n) is None)
    sides = [tuple(s for s in group if not s.chosen) for group in variants]
    sides = [group for group in sides if group]
    dispute_facts = tuple(group[0].dispute.fact for group in sides)
    varied_collections = {
        key
        for group in sides
        for side in group
        for key, items in side.facts.collections.items()
        if items != facts.collections.get(key)
    }
    statuses = rule_statuses(ruleset, facts, {*unknown, *disputed}, varied_collections, fired)
    if possible_verdicts(ruleset, statuses) == {verdict}:
        return Robustness(
            status=ALWAYS,
            method="three-valued",
            unknown=unknown,
            disputed=dispute_facts,
            depends_on=(),
            outcomes=(),
            searched=0,
            combinations=0,
            limit=limit,
        )
    # the three-valued evaluation cannot tell: search over representative values
    found = {name: candidates(ruleset, facts, name) for name in unknown}
    not_varied = tuple(n for n in unknown if not found[n][1])
    dimensions: list[tuple[str, tuple[object, ...]]] = [
        *((name, found[name][0]) for name in unknown if found[name][0]),
        *((fact, group) for fact, group in zip(dispute_facts, sides, strict=True)),
    ]
    combinations = 1
    for _, values in dimensions:
        combinations *= len(values) + 1
    combinations -= 1

    def result(status: str, outcomes: list[Outcome], searched: int) -> Robustness:
        differing = [o for o in outcomes if o.verdict != verdict]
        depends = dict.fromkeys(n for o in differing if len(o.changes) == 1 for n in o.changes)
        if differing and not depends:
            depends = dict.fromkeys(n for o in differing for n in o.changes)
        return Robustness(
            status=status,
            method="search",
            unknown=unknown,
            disputed=dispute_facts,
            depends_on=tuple(depends),
            outcomes=tuple(outcomes),
            searched=searched,
            combinations=combinations,
            limit=limit,
            not_varied=not_varied,
        )

    outcomes: list[Outcome] = []
    tried: set[tuple[int, ...]] = set()

    def evaluate(choice: tuple[int, ...]) -> None:
        tried.add(choice)
        values: dict[str, ir.FactValue] = {}
        changed: list[Variant] = []
        shown: dict[str, ir.FactValue] = {}
        for (name, opts), pick in zip(dimensions, choice, strict=True):
            if pick == 0:
                continue
            option = opts[pick - 1]
            if isinstance(option, Variant):
                changed.append(option)
                shown[name] = option.alternative.value
            else:
                assert not isinstance(option, Variant)
                values[name] = option  # type: ignore[assignment]
                shown[name] = option  # type: ignore[assignment]
        outcomes.append(
            Outcome(changes=shown, verdict=verdict_of(_overlay(facts, changed, values)))
        )

    zero = (0,) * len(dimensions)
    singles = [
        tuple(pick if i == d else 0 for i in range(len(dimensions)))
        for d, (_, opts) in enumerate(dimensions)
        for pick in range(1, len(opts) + 1)
    ]
    everything = itertools.product(*(range(len(opts) + 1) for _, opts in dimensions))
    for choice in itertools.chain(singles, everything):
        if choice == zero or choice in tried:
            continue
        if len(tried) >= limit:
            status = DEPENDS if any(o.verdict != verdict for o in outcomes) else UNKNOWN_LIMIT
            return result(status, outcomes, len(tried))
        evaluate(choice)
    if any(o.verdict != verdict for o in outcomes):
        return result(DEPENDS, outcomes, len(tried))
    return result(UNKNOWN_LIMIT if not_varied else ALWAYS, outcomes, len(tried))
