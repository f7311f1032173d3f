"""Decisions about a rule set by an SMT solver (z3): proofs, counterexamples, and what
stays undecided.

The only module that imports ``z3`` (the ``prove`` extra: ``pip install
'sistereval[prove]'``).  Each condition is translated into a z3 formula over
the facts of the schema: a number fact is a real (an integer fact an integer)
with a truth value *known*, inside its declared range; an enum or string fact
a string (an enum one of its values); a boolean fact a boolean.  Comparisons,
``and``/``or``/``not``, arithmetic (a division by zero makes its comparison
false, as in the evaluators), fact-to-fact comparisons, ``known``/``missing``
and membership in a list of literals are translated as the rule language
defines them; the declared relations of the schema
(``fields.implemented + ... == fields.agreed``, ``implementation_ratio ==
implemented / agreed``) hold between known facts.  ``count(findings, p)`` is a
whole number of at least 0, never above a count with fewer conjuncts (the same
reading as :mod:`.regions`).

What cannot be bounded is *abstracted*: a quantifier over the case's records,
``fired("r")``, ``derived.x``, a pattern match, a date comparison (dates
compare at the precision of the less precise side) and a fact of a list type
are free values.  The abstraction allows every value the real atom can take,
so ``unsat`` stays a proof; a model that sets an abstracted atom is no
counterexample, and the question is *undecided*, with the atoms as reason.
"""

from __future__ import annotations

import importlib.util
import itertools
import signal
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .. import ir
from ..errors import Problem
from ..language import format_expression
from ..schema import FactSchema, FactType
from .verdicts import Defect, rule_location

__all__ = ["RESOURCE_LIMIT", "Decision", "Proofs", "missing_solver", "prove"]

#: The z3 resource limit of one question (``rlimit``: a count of the solver's steps,
#: the same on every machine); a question that needs more is undecided.
RESOURCE_LIMIT = 50_000_000


def missing_solver() -> str | None:
    """Why the solver cannot be used (``None``: it can)."""
    if importlib.util.find_spec("z3") is None:
        return "z3 is not installed (pip install 'sistereval[prove]')"
    return None


@attrs.frozen(kw_only=True)
class Decision:
    """One question put to the solver: ``outcome`` is ``proved`` (unsat: the claim holds
    for every case), ``counterexample`` (a model within what the solver knows exactly) or
    ``undecided`` (``detail`` says why)."""

    question: str
    outcome: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"question": self.question, "outcome": self.outcome, "detail": self.detail}


@attrs.frozen(kw_only=True)
class Proofs:
    """The solver's decisions about one rule set, and the defects only it found."""

    solver: str
    decisions: tuple[Decision, ...] = ()
    defects: tuple[Defect, ...] = ()

    def summary(self) -> list[str]:
        """Lines for the text output: what was proved, and what stays undecided."""
        proved = [d for d in self.decisions if d.outcome == "proved"]
        shown = [d for d in self.decisions if d.outcome == "counterexample"]
        undecided = [d for d in self.decisions if d.outcome == "undecided"]
        out = [
            f"proved ({self.solver}): {len(proved)} of {len(self.decisions)} questions"
            + (f"; {len(shown)} answered by a counterexample" if shown else "")
            + (f"; {len(undecided)} undecided" if undecided else "")
        ]
        out.extend(f"undecided: {d.question}: {d.detail}" for d in undecided)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"solver": self.solver, "decisions": [d.to_dict() for d in self.decisions]}


class _Opaque(Exception):
    """A term the translation cannot make exact."""


def _z3() -> Any:
    """The z3 module, loaded with Ctrl-C held back, and told never to catch Ctrl-C.

    z3 catches SIGINT while it solves (the question then ends ``unknown``, and
    the command would run on), and a Ctrl-C during its import leaves a half-made
    context whose finaliser prints a traceback at exit.  So the import runs with
    SIGINT blocked (a Ctrl-C is delivered just after it), and z3's own handler is
    off: a Ctrl-C while it solves interrupts the command when the question ends.
    """
    blocked = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "pthread_sigmask"
    )
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        import z3

        z3.set_param("ctrl_c", False)
        z3.main_ctx()
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    return z3


class _Translation:
    def __init__(self, schema: FactSchema) -> None:
        z3 = _z3()

        self.z3 = z3
        self.schema = schema
        self.values: dict[str, Any] = {}
        self.known: dict[str, Any] = {}
        self.free: dict[str, Any] = {}
        self.counts: dict[str, tuple[Any, ir.Quantifier]] = {}
        self.side: list[Any] = []

    # ---------------------------------------------------------------- facts

    def fact(self, name: str) -> tuple[Any, Any]:
        """The z3 value and *known* of a scalar fact (a free value when not modelled)."""
        if name in self.values:
            return self.values[name], self.known[name]
        z3 = self.z3
        definition = self.schema.scalar(name)
        if definition is None or definition.type in (FactType.DATE, FactType.LIST):
            raise _Opaque(f"{name} (a {definition.type if definition else 'unknown'} fact)")
        known = z3.Bool(f"known:{name}")
        if definition.type is FactType.INTEGER:
            value = z3.Int(name)
        elif definition.type is FactType.NUMBER:
            value = z3.Real(name)
        elif definition.type is FactType.BOOLEAN:
            value = z3.Bool(name)
        else:
            value = z3.String(name)
            if definition.type is FactType.ENUM:
                self.side.append(z3.Or(*(value == z3.StringVal(v) for v in definition.values)))
        if definition.minimum is not None:
            self.side.append(z3.Implies(known, value >= definition.minimum))
        if definition.maximum is not None:
            self.side.append(z3.Implies(known, value <= definition.maximum))
        self.values[name], self.known[name] = value, known
        return value, known

    def relations(self) -> list[Any]:
        """The declared relations between the facts the formulas read."""
        z3 = self.z3
        out = []
        for relation in self.schema.relations:
            if not any(name in self.values for name in relation.facts):
                continue
            unread = [name for name in relation.facts if name not in self.values]
            try:
                facts = [self.fact(name) for name in relation.facts]
            except _Opaque:
                continue
            if relation.kind == "sum":
                # a count no condition reads is taken as known, within its range (as the
                # region method takes it): the relation binds the counts that are read
                self.side.extend(self.known[name] for name in unread)
            *parts, (total, known_total) = facts
            known = z3.And(known_total, *(k for _, k in parts))
            if relation.kind == "sum":
                added = z3.Sum(*(value for value, _ in parts))
                held = added == total if relation.op == "==" else added <= total
            else:  # the ratio is known only when both parts are, the divisor above 0
                (top, known_top), (bottom, known_bottom) = parts
                held = total * bottom == top
                out.append(z3.Implies(known_total, z3.And(known_top, known_bottom, bottom > 0)))
            out.append(z3.Implies(known, held))
        return out

    # ---------------------------------------------------------------- terms

    def term(self, expr: ir.Expr) -> tuple[Any, list[Any]]:
        """A value and the conditions under which it is known."""
        z3 = self.z3
        if isinstance(expr, ir.Literal):
            value = expr.value
            if isinstance(value, bool):
                return z3.BoolVal(value), []
            if isinstance(value, int):
                return z3.IntVal(value), []
            if isinstance(value, float):
                return z3.RealVal(value), []
            if isinstance(value, str):
                return z3.StringVal(value), []
            raise _Opaque(format_expression(expr))
        if isinstance(expr, ir.FactRef):
            value, known = self.fact(expr.name)
            return value, [known]
        if isinstance(expr, ir.Quantifier) and expr.kind == "count":
            if expr.collection != "findings":
                raise _Opaque(f"{format_expression(expr)} (a count of the case's records)")
            key = format_expression(expr)
            if key not in self.counts:
                count = z3.Int(key)
                self.side.append(count >= 0)
                self.counts[key] = (count, expr)
            return self.counts[key][0], []
        if isinstance(expr, ir.Arith):
            left, known_left = self.term(expr.left)
            right, known_right = self.term(expr.right)
            known = known_left + known_right
            if expr.op == "/":
                known.append(right != 0)
                left = z3.ToReal(left) if left.sort() == z3.IntSort() else left
                return left / right, known
            if expr.op == "+":
                return left + right, known
            return (left - right if expr.op == "-" else left * right), known
        raise _Opaque(format_expression(expr))

    def condition(self, expr: ir.Expr, reasons: list[str]) -> Any:
        """``expr`` (in NNF) as a formula; abstracted atoms add to ``reasons``."""
        z3 = self.z3
        if isinstance(expr, ir.And):
            return z3.And(*(self.condition(item, reasons) for item in expr.items))
        if isinstance(expr, ir.Or):
            return z3.Or(*(self.condition(item, reasons) for item in expr.items))
        if isinstance(expr, ir.Not):
            return z3.Not(self.condition(expr.operand, reasons))
        if isinstance(expr, ir.Literal) and isinstance(expr.value, bool):
            return z3.BoolVal(expr.value)
        try:
            return self._atom(expr)
        except (_Opaque, z3.Z3Exception, TypeError) as error:
            text = format_expression(expr)
            reasons.append(str(error) if isinstance(error, _Opaque) else text)
            if text not in self.free:
                self.free[text] = z3.Bool(f"atom:{text}")
            return self.free[text]

    def _atom(self, expr: ir.Expr) -> Any:
        z3 = self.z3
        if isinstance(expr, ir.Compare):
            if _is_date(expr.left, self.schema) or _is_date(expr.right, self.schema):
                raise _Opaque(f"{format_expression(expr)} (dates compare at the coarser precision)")
            left, known_left = self.term(expr.left)
            right, known_right = self.term(expr.right)
            if z3.is_string(left) and expr.op not in ("==", "!="):
                raise _Opaque(f"{format_expression(expr)} (an order of texts)")
            compared = _COMPARE[expr.op](left, right)
            return z3.And(*known_left, *known_right, compared)
        if isinstance(expr, ir.Known):
            if isinstance(expr.operand, ir.FactRef):
                name = expr.operand.name
                if _is_date(expr.operand, self.schema):  # known or not: no value needed
                    known = self.known.setdefault(name, z3.Bool(f"known:{name}"))
                else:
                    _, known = self.fact(name)
                return z3.Not(known) if expr.negated else known
            raise _Opaque(format_expression(expr))
        if isinstance(expr, ir.In) and isinstance(expr.haystack, ir.ListLiteral):
            if _is_date(expr.needle, self.schema):
                raise _Opaque(f"{format_expression(expr)} (dates compare at the coarser precision)")
            needle, known = self.term(expr.needle)
            items = [self.term(item)[0] for item in expr.haystack.items]
            if expr.negated:
                return z3.And(*known, *(needle != item for item in items))
            return z3.And(*known, z3.Or(*(needle == item for item in items)))
        if isinstance(expr, ir.FactRef):  # a boolean fact as a condition
            value, known = self.fact(expr.name)
            return z3.And(known, value)
        if isinstance(expr, ir.Quantifier):
            raise _Opaque(f"{format_expression(expr)} (a quantifier over the case's records)")
        if isinstance(expr, ir.FiredRef | ir.DerivedRef):
            raise _Opaque(f"{format_expression(expr)} (when another rule fires)")
        if isinstance(expr, ir.Match):
            raise _Opaque(f"{format_expression(expr)} (a pattern)")
        raise _Opaque(format_expression(expr))

    def order(self) -> list[Any]:
        """A count of findings of a narrower kind is never above one of a broader kind."""
        out = []
        for (_, (small, p)), (_, (large, q)) in itertools.permutations(self.counts.items(), 2):
            if _conjuncts(q.where) <= _conjuncts(p.where):
                out.append(small <= large)
        return out


_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _is_date(expr: ir.Expr, schema: FactSchema) -> bool:
    if isinstance(expr, ir.FactRef):
        definition = schema.scalar(expr.name)
        return definition is not None and definition.type is FactType.DATE
    return False


def _conjuncts(where: ir.Expr | None) -> frozenset[str]:
    if where is None:
        return frozenset()
    items = where.items if isinstance(where, ir.And) else (where,)
    return frozenset(format_expression(ir.to_nnf(item)) for item in items)


class _Prover:
    def __init__(self, schema: FactSchema) -> None:
        self.t = _Translation(schema)

    def decide(
        self, question: str, formulas: Sequence[ir.Expr], negated: Sequence[bool]
    ) -> tuple[Decision, Any]:
        """Whether the conjunction of ``formulas`` (each negated where asked) can hold."""
        z3 = self.t.z3
        reasons: list[str] = []
        parts = []
        for formula, negate in zip(formulas, negated, strict=True):
            translated = self.t.condition(ir.to_nnf(formula), reasons)
            parts.append(z3.Not(translated) if negate else translated)
        solver = z3.Solver()
        # a resource limit, not a time: the same answer on a loaded machine (the
        # largest question of core and indonesia takes about 1.1 million); the time
        # limit only guards against a solver that stops counting
        solver.set("rlimit", RESOURCE_LIMIT)
        solver.set("timeout", 60_000)
        relations = self.t.relations()  # may add facts, and their ranges, to the side
        solver.add(*self.t.side, *relations, *self.t.order(), *parts)
        result = solver.check()
        if result == z3.unsat:
            return Decision(question=question, outcome="proved"), None
        if result == z3.sat and not reasons:
            return Decision(question=question, outcome="counterexample"), solver.model()
        if not reasons:
            detail = f"the solver gave up ({solver.reason_unknown()})"
        else:
            detail = "abstracted " + "; ".join(dict.fromkeys(reasons))
        return Decision(question=question, outcome="undecided", detail=detail), None


def _model_text(model: Any) -> str:
    if model is None:
        return ""
    shown = []
    for declaration in sorted(model.decls(), key=lambda d: d.name()):
        name = declaration.name()
        if name.startswith(("known:", "atom:")):
            continue
        shown.append(f"{name} = {model[declaration]}")
    return ", ".join(shown)


def prove(
    ruleset: ir.RuleSet,
    schema: FactSchema,
    *,
    dead: Iterable[str] = (),
    overlaps: Iterable[frozenset[str]] = (),
) -> Proofs:
    """Decide what the solver can about ``ruleset``: which rules can fire, and for the
    verdict rules the overlaps under ``unique`` and the gaps.  ``dead`` are the rules
    and ``overlaps`` the pairs the region method already reported (not reported again)."""
    import z3

    prover = _Prover(schema)
    decisions: list[Decision] = []
    defects: list[Defect] = []
    reported = set(dead)
    for rule in ruleset.rules:
        # unsat proves the rule dead
        can_fire, model = prover.decide(f"rule {rule.id!r} can fire", [rule.when], [False])
        if can_fire.outcome == "proved":
            decisions.append(attrs.evolve(can_fire, question=f"rule {rule.id!r} is dead"))
            if rule.id not in reported:
                problem = Problem(
                    code="dead-rule",
                    message=f"rule {rule.id!r} can never fire: {format_expression(rule.when)} "
                    "(proved by the solver, with the fact schema's ranges and relations)",
                    location=rule_location(rule),
                )
                defects.append(Defect(problem=problem, rules=(rule.id,)))
        elif can_fire.outcome == "counterexample":  # a model: the rule can fire
            decisions.append(Decision(question=f"rule {rule.id!r} can fire", outcome="proved"))
        else:
            decisions.append(attrs.evolve(can_fire, question=f"whether rule {rule.id!r} can fire"))
    verdicts = [rule for rule in ruleset.rules if isinstance(rule.then, ir.VerdictThen)]
    if ruleset.unique:
        known = set(overlaps)
        for one, two in itertools.combinations(verdicts, 2):
            if one.then.verdict == two.then.verdict:  # type: ignore[union-attr]
                continue
            question = f"rules {one.id!r} and {two.id!r} never fire together"
            both, model = prover.decide(question, [one.when, two.when], [False, False])
            if both.outcome == "proved":
                decisions.append(both)
            elif both.outcome == "counterexample":
                decisions.append(attrs.evolve(both, detail=_model_text(model)))
                if frozenset((one.id, two.id)) not in known:
                    problem = Problem(
                        code="verdict-overlap",
                        message=f"verdict rules {one.id!r} ({one.then.verdict}) and "  # type: ignore[union-attr]
                        f"{two.id!r} ({two.then.verdict}) both fire for "  # type: ignore[union-attr]
                        f"{_model_text(model)} (found by the solver)",
                        location=rule_location(two),
                    )
                    defects.append(Defect(problem=problem, rules=(two.id, one.id)))
            else:
                decisions.append(both)
    if verdicts:
        formulas = [rule.when for rule in verdicts]
        negated = [True] * len(verdicts)
        if ruleset.undecided_when is not None:
            formulas.append(ruleset.undecided_when)
            negated.append(True)
        gap, model = prover.decide("some verdict rule fires for every case", formulas, negated)
        decisions.append(attrs.evolve(gap, detail=_model_text(model) or gap.detail))
    version = z3.get_version_string()
    return Proofs(solver=f"z3 {version}", decisions=tuple(decisions), defects=tuple(defects))
