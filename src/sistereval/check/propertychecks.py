"""The properties ``sistereval check`` tests on each generated case, one function each.

Each check first draws what it needs from ``data`` (an ordering of the case,
another case, an edit), then, when asked to ``run``, evaluates and raises
:class:`Failed` if the property fails.  A check draws even when it does not
run, so the draws of a case never depend on which checks run: hypothesis
requires that, and :mod:`sistereval.check.properties` runs only the failing check
while hypothesis shrinks its case to a minimal one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
from hypothesis import strategies as st

from .. import ir
from ..engine.backends import durable_error
from ..evaluation import Backend, evaluate
from ..model import Case
from ..strategies import case_permutations
from ..verdict import Evaluation
from .monotone import Move, moves

__all__ = ["STEPS", "Check", "Failed", "Invariant", "Subject", "checks_for", "probe_monotone"]

#: How many edits in a row a monotone check makes, comparing each with the last.
STEPS = 3

#: What a check is given: the case under test, its first evaluation, and the draws.
Subject = tuple[Case, Evaluation, st.DataObject]
#: A check: ``check(subject, run)`` draws, and evaluates only when ``run``.
Check = Callable[[Subject, bool], None]


class Failed(Exception):
    """A property failed on ``cases`` (``(role, case)``: ``""``, ``"before"``, ...)."""

    def __init__(
        self,
        *,
        key: str,
        code: str,
        message: str,
        rules: Sequence[str],
        cases: Sequence[tuple[str, Case]],
        expected: str,
        actual: str,
    ) -> None:
        super().__init__(message)
        self.key = key
        self.code = code
        self.message = message
        self.rules = tuple(rules)
        self.cases = tuple(cases)
        self.expected = expected
        self.actual = actual


@attrs.frozen
class Invariant:
    fact: str
    direction: str  # "up" or "down"

    @property
    def key(self) -> str:
        return f"monotone {self.fact} {self.direction}"


def fired(evaluation: Evaluation) -> list[str]:
    return [finding.rule for finding in evaluation.findings]


def _outcome(evaluation: Evaluation) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What must not depend on how a case is written: the verdict, rules and messages."""
    findings = sorted((f.rule, f.message) for f in evaluation.findings)
    return evaluation.verdict, tuple(findings)


def _differing(first: Evaluation, second: Evaluation) -> list[str]:
    """The rules whose firing or finding differs between two evaluations, in first-seen order."""
    one = {(f.rule, f.message) for f in first.findings}
    two = {(f.rule, f.message) for f in second.findings}
    rules = [rule for rule, _ in sorted(one ^ two)]
    return list(dict.fromkeys(rules)) or list(first.deciding or second.deciding)


def _summary(evaluation: Evaluation) -> str:
    return f"verdict {evaluation.verdict}; fired: {', '.join(fired(evaluation)) or 'none'}"


def checks_for(
    ruleset: ir.RuleSet,
    *,
    other: ir.RuleSet | None,
    others: st.SearchStrategy[Case],
    invariants: Sequence[Invariant],
    seen: Callable[[str, Case, Evaluation], None],
    backend: Backend = "durable",
) -> dict[str, Check]:
    """The checks for ``ruleset`` by key; ``others`` draws the second case of isolation,
    ``seen(origin, case, evaluation)`` is told of each new case a check evaluates, and
    ``backend`` evaluates them (``backends`` compares it with the other one)."""

    def run_with(case: Case, rules: ir.RuleSet, using: Backend | None = None) -> Evaluation:
        return evaluate(case, rules, backend=using or backend)

    versus: Backend = "reference" if backend == "durable" else "durable"
    names = {"durable": "durable engine", "reference": "reference evaluator"}

    def determinism(subject: Subject, run: bool) -> None:
        case, first, _ = subject
        if not run:
            return
        second = run_with(case, ruleset)
        if second.to_dict() != first.to_dict():
            raise Failed(
                key="determinism",
                code="nondeterministic",
                message="evaluating the same case twice gave different results",
                rules=_differing(first, second),
                cases=[("", case)],
                expected=_summary(first),
                actual=_summary(second),
            )

    def backends(subject: Subject, run: bool) -> None:
        case, first, _ = subject
        if not run or durable_error() is not None:
            return
        ref = run_with(case, ruleset, versus)
        if (ref.verdict, fired(ref)) != (first.verdict, fired(first)):
            raise Failed(
                key="backends",
                code="backend-mismatch",
                message="the durable engine and the reference evaluator disagree",
                rules=_differing(first, ref),
                cases=[("", case)],
                expected=f"{names[versus]}: {_summary(ref)}",
                actual=f"{names[backend]}: {_summary(first)}",
            )

    def order(subject: Subject, run: bool) -> None:
        case, first, data = subject
        permuted = data.draw(case_permutations(case), label="permuted")
        if not run:
            return
        again = run_with(permuted, ruleset)
        if _outcome(again) != _outcome(first):
            raise Failed(
                key="order",
                code="order-dependent",
                message="the same case with its lists in another order was evaluated differently",
                rules=_differing(first, again),
                cases=[("", case), ("permuted", permuted)],
                expected=_summary(first),
                actual=f"in the other order: {_summary(again)}",
            )

    def isolation(subject: Subject, run: bool) -> None:
        case, first, data = subject
        between = data.draw(others, label="between")
        if not run:
            return
        run_with(between, ruleset)
        if other is not None:
            run_with(between, other)
        again = run_with(case, ruleset)
        if again.to_dict() != first.to_dict():
            also = f" and {other.id!r}" if other is not None else ""
            raise Failed(
                key="isolation",
                code="not-isolated",
                message=f"evaluating another case in between (with {ruleset.id!r}{also}) "
                "changed the evaluation of this one",
                rules=_differing(first, again),
                cases=[("", case), ("between", between)],
                expected=_summary(first),
                actual=f"after the other case: {_summary(again)}",
            )

    def monotone(invariant: Invariant) -> Check:
        def check(subject: Subject, run: bool) -> None:
            case, before, data = subject
            for _ in range(STEPS):
                candidates = moves(case, invariant.fact, invariant.direction)
                if not candidates:
                    return
                move = data.draw(st.sampled_from(candidates), label="edit")
                after = run_with(move.case, ruleset) if run else before
                if run:
                    seen(f"an edit of a case ({move.change})", move.case, after)
                if run and _worse(ruleset, before.verdict, after.verdict):
                    raise _broken(invariant, case, before, move, after)
                case, before = move.case, after

        return check

    found: dict[str, Check] = {
        "determinism": determinism,
        "backends": backends,
        "order": order,
        "isolation": isolation,
    }
    found.update((invariant.key, monotone(invariant)) for invariant in invariants)
    return found


def probe_monotone(
    ruleset: ir.RuleSet,
    invariant: Invariant,
    case: Case,
    first: Evaluation,
    seen: Callable[[str, Case, Evaluation], None],
    *,
    backend: Backend = "durable",
) -> Failed | None:
    """Every edit of ``case`` that moves the invariant's fact, then every edit of the
    first edited case, and so on for :data:`STEPS` edits: the first that makes the
    verdict worse (a walk the checker makes from each seed case, before generating)."""
    before = first
    for _ in range(STEPS):
        candidates = moves(case, invariant.fact, invariant.direction)
        if not candidates:
            return None
        results = [(move, evaluate(move.case, ruleset, backend=backend)) for move in candidates]
        for move, after in results:
            seen(f"an edit of a case ({move.change})", move.case, after)
            if _worse(ruleset, before.verdict, after.verdict):
                return _broken(invariant, case, before, move, after)
        case, before = results[0][0].case, results[0][1]
    return None


def _broken(
    invariant: Invariant, case: Case, before: Evaluation, move: Move, after: Evaluation
) -> Failed:
    fired_before = set(fired(before))
    gained = [rule for rule in after.deciding if rule not in fired_before]
    gained += [rule for rule in fired(after) if rule not in fired_before]
    verb = "raising" if invariant.direction == "up" else "lowering"
    return Failed(
        key=invariant.key,
        code="invariant-broken",
        message=f"monotone {invariant.fact} ({invariant.direction}): {verb} it from "
        f"{move.before} to {move.after} ({move.change}) made the verdict worse, "
        f"{before.verdict} -> {after.verdict}",
        rules=list(dict.fromkeys(gained)) or _differing(before, after),
        cases=[("before", case), ("after", move.case)],
        expected=f"a verdict no worse than {before.verdict} ({_summary(before)})",
        actual=_summary(after),
    )


def _worse(ruleset: ir.RuleSet, before: str, after: str) -> bool:
    """``after`` is lower on the scale than ``before`` (``not_assessable`` is off it)."""
    scale = ruleset.scale
    return before in scale and after in scale and scale.index(after) > scale.index(before)
