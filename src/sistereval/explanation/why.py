"""Explain an evaluation for teaching: why this verdict, and what stopped the others.

:func:`explain` evaluates a case (with :func:`sistereval.evaluation.evaluate`)
and adds what a reader needs to follow the decision:

* **the chain**: the deciding verdict rule(s), the fired rules whose results
  they read (transitively), the facts each matched with their values, and the
  sources of those facts with their citations from the case;
* **every rule that did not fire**, its condition (in negation normal form,
  :func:`sistereval.ir.to_nnf`) evaluated clause by clause by the reference
  evaluator *without short-circuit*: each child of an ``and``/``or`` is shown
  with its truth value, each comparison with the actual value(s) it read,
  each quantifier with the number of items that matched; an unknown fact is
  shown as unknown (the atom is then false, as the IR semantics say).

Nearness (the order of the rules that did not fire): the fraction of the
condition's top-level clauses that hold (the children of a top-level ``and``;
any other condition is one clause), highest first; ties keep the rule set's
evaluation order (:attr:`sistereval.ir.RuleSet.rules`: by stratum, then file
order).  A rule one clause short of firing thus comes before a rule blocked
on every clause.

Verdict rules whose verdict is better than the actual one on the rule set's
scale (every verdict rule when the case is ``not_assessable``) are marked as
"rules for a better verdict": they say what would have to change, each with
the clause that blocked it.

Two more parts: the **disputed facts** of the case with the verdict under each
alternative value (:func:`sistereval.explanation.dispute_verdicts`), and, when
asked for, the **counterfactual**: the smallest sets of changes to what the
rule set declares changeable that would move the verdict one step up
(:func:`sistereval.explanation.counterfactuals`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .. import display, ir
from ..cases import as_case
from ..engine import reference
from ..errors import UsageError
from ..evaluation import Backend, evaluate, used_rules
from ..facts import Facts
from ..language import format_expression, rule_set
from ..messages import Language, did_you_mean
from ..model import Case, PartialDate
from ..verdict import NOT_ASSESSABLE, Evaluation, Finding, RuleSetRef, decide
from .counterfactual import (
    DEFAULT_BUDGET,
    DEFAULT_MAX_CHANGES,
    Budget,
    Counterfactual,
    counterfactuals,
    render_counterfactual,
)
from .disputes import DisputeVerdicts, dispute_verdicts

if TYPE_CHECKING:
    pass

__all__ = [
    "Clause",
    "Explanation",
    "FiredRule",
    "Miss",
    "SourceRef",
    "explain",
    "explain_condition",
    "explain_evaluation",
    "json_value",
    "top_level",
]


def json_value(value: object) -> object:
    """A reference-evaluator value as JSON data (unknown is ``None``)."""
    if value is reference.UNKNOWN or value is None:
        return None
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- results


@attrs.frozen(kw_only=True)
class Clause:
    """One node of a condition, evaluated.

    ``kind`` is ``and``, ``or``, ``quantifier`` or ``atom``; ``holds`` its
    truth value; ``actual`` the value(s) an atom read (``None`` is unknown);
    ``matches``/``items`` the matching and total items of a quantifier (for
    ``all`` the items that fail its condition); ``matched`` the items its
    quantifiers (or ``count(...)``) counted: the rule of a finding, else
    ``collection[index]``; ``unknown`` whether an atom read an unknown value;
    ``children`` every child of an ``and``/``or``.
    """

    text: str
    kind: str
    holds: bool
    actual: tuple[object, ...] = ()
    unknown: bool = False
    quantifier: str | None = None
    matches: int | None = None
    items: int | None = None
    matched: tuple[str, ...] = ()
    children: tuple[Clause, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"condition": self.text, "kind": self.kind, "holds": self.holds}
        if self.kind == "atom":
            data["actual"] = list(self.actual)
            data["unknown"] = self.unknown
        if self.kind == "quantifier":
            data.update(quantifier=self.quantifier, matches=self.matches, items=self.items)
        if self.matched:
            data["matched"] = list(self.matched)
        if self.children:
            data["clauses"] = [c.to_dict() for c in self.children]
        return data


@attrs.frozen(kw_only=True)
class SourceRef:
    """A source of the case, as cited."""

    id: str
    citation: str | None
    reliability: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "citation": self.citation, "reliability": self.reliability}


@attrs.frozen(kw_only=True)
class FiredRule:
    """A rule that fired: its finding, what it read and where that came from."""

    finding: Finding
    deciding: bool  # a deciding verdict rule
    in_chain: bool
    uses: tuple[str, ...]  # the fired rules whose results it read
    sources: tuple[SourceRef, ...]
    condition: Clause

    def to_dict(self) -> dict[str, Any]:
        data = self.finding.to_dict()
        data.update(
            deciding=self.deciding,
            in_chain=self.in_chain,
            uses=list(self.uses),
            sources=[s.to_dict() for s in self.sources],
            condition=self.condition.to_dict(),
        )
        return data


@attrs.frozen(kw_only=True)
class Miss:
    """A rule that did not fire, its condition clause by clause."""

    rule: str
    title: str
    then: str  # ``verdict: success``, ``obstacle, finance, high``, ``derive: x``
    verdict: str | None
    better_verdict: bool
    clauses_true: int
    clauses: int
    blocking: str  # the first top-level clause that is false
    condition: Clause

    @property
    def nearness(self) -> float:
        """The fraction of top-level clauses that hold."""
        return self.clauses_true / self.clauses if self.clauses else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "then": self.then,
            "verdict": self.verdict,
            "better_verdict": self.better_verdict,
            "nearness": round(self.nearness, 4),
            "clauses_true": self.clauses_true,
            "clauses": self.clauses,
            "blocking_condition": self.blocking,
            "condition": self.condition.to_dict(),
        }


def _counterfactual_text(explanation: Explanation) -> str:
    assert explanation.counterfactual is not None
    return render_counterfactual(explanation.counterfactual)


@attrs.frozen(kw_only=True, repr=False)
class Explanation:
    """The verdict of one case, the chain behind it and the rules that did not fire.

    ``fired`` is the deciding chain (deciding verdict rules first), plus the
    selected rule when ``rule`` selects a fired rule outside it; ``misses``
    are nearest first (see the module docstring).
    """

    case_id: str
    ruleset: RuleSetRef
    verdict: str
    confidence: float
    scale: tuple[str, ...]
    deciding: tuple[str, ...]
    fired: tuple[FiredRule, ...]
    misses: tuple[Miss, ...]
    language: str
    rule: str | None = None
    disputes: tuple[DisputeVerdicts, ...] = ()
    counterfactual: Counterfactual | None = None
    #: The evaluation explained (not part of :meth:`to_dict`).
    evaluation: Evaluation | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def better(self) -> tuple[Miss, ...]:
        """The rules for a better verdict, nearest first."""
        return tuple(m for m in self.misses if m.better_verdict)

    def view(self) -> display.ExplanationView:
        """What a notebook shows of the explanation (:mod:`sistereval.display`)."""
        chain = tuple(step.finding for step in self.fired if step.in_chain)
        if self.evaluation is not None:
            evaluation = self.evaluation.view()
        else:
            evaluation = display.EvaluationView(
                case_id=self.case_id,
                verdict=self.verdict,
                confidence=self.confidence,
                ruleset=f"{self.ruleset.id} {self.ruleset.version}",
                deciding=self.deciding,
                findings=(),
                factors={},
                disputes=len(self.disputes),
                language=self.language,
            )
        return display.ExplanationView(
            evaluation=evaluation,
            chain=tuple(f.view() for f in chain),
            better=tuple(
                display.MissView(
                    rule=m.rule,
                    verdict=m.verdict,
                    clauses_true=m.clauses_true,
                    clauses=m.clauses,
                    blocking=m.blocking,
                )
                for m in self.better
            ),
            others=len(self.misses) - len(self.better),
            counterfactual=None if self.counterfactual is None else _counterfactual_text(self),
        )

    def _repr_html_(self) -> str:
        return display.explanation_html(self.view())

    def _repr_markdown_(self) -> str:
        return display.explanation_markdown(self.view())

    def __repr__(self) -> str:
        return (
            f"<Explanation {self.case_id!r}: {self.verdict}, {len(self.fired)} fired, "
            f"{len(self.misses)} not fired ({len(self.better)} for a better verdict)>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "ruleset": {
                "id": self.ruleset.id,
                "version": self.ruleset.version,
                "sha256": self.ruleset.sha256,
            },
            "verdict": self.verdict,
            "confidence": self.confidence,
            "scale": list(self.scale),
            "deciding_rules": list(self.deciding),
            "rule": self.rule,
            "chain": [f.to_dict() for f in self.fired],
            "better_verdict_rules": [m.rule for m in self.better],
            "not_fired": [m.to_dict() for m in self.misses],
            "disputes": [d.to_dict() for d in self.disputes],
            "counterfactual": None
            if self.counterfactual is None
            else self.counterfactual.to_dict(),
            "language": self.language,
        }


# ---------------------------------------------------------------- clauses


def explain_condition(expr: ir.Expr, env: reference.Env) -> Clause:
    """Evaluate a condition clause by clause, every child of ``and``/``or`` included."""
    return _clause(ir.to_nnf(expr), env)


def _clause(expr: ir.Expr, env: reference.Env) -> Clause:
    text = format_expression(expr)
    if isinstance(expr, (ir.And, ir.Or)):
        children = tuple(_clause(item, env) for item in expr.items)  # no short-circuit
        truths = [c.holds for c in children]
        is_and = isinstance(expr, ir.And)
        return Clause(
            text=text,
            kind="and" if is_and else "or",
            holds=all(truths) if is_and else any(truths),
            children=children,
        )
    holds = reference.eval_condition(expr, env)
    matched = _matched(expr, env)
    if isinstance(expr, ir.Quantifier):
        return Clause(
            text=text,
            kind="quantifier",
            holds=holds,
            quantifier=expr.kind,
            matches=len(reference.matching_items(expr, env)),
            items=len(env.items(expr.collection)),
            matched=matched,
        )
    read: list[object] = []
    if isinstance(expr, ir.Compare):
        sides = [expr.left, expr.right]
        shown = [s for s in sides if not isinstance(s, ir.Literal)] or sides[:1]
        read = [reference.eval_expr(side, env) for side in shown]
    elif isinstance(expr, ir.In):
        read = [reference.eval_expr(expr.needle, env)]
        if not isinstance(expr.haystack, ir.ListLiteral):
            read.append(reference.eval_expr(expr.haystack, env))
    elif isinstance(expr, ir.Match):
        read = [reference.eval_expr(expr.subject, env)]
    elif isinstance(expr, ir.Known):
        read = [reference.eval_expr(expr.operand, env)]
    return Clause(
        text=text,
        kind="atom",
        holds=holds,
        actual=tuple(json_value(v) for v in read),
        unknown=any(v is reference.UNKNOWN for v in read),
        matched=matched,
    )


def _matched(expr: ir.Expr, env: reference.Env) -> tuple[str, ...]:
    """The items the quantifiers in an atom counted: a finding by its rule."""
    labels: list[str] = []
    for node in ir.walk(expr):
        if isinstance(node, ir.Quantifier):
            items = env.items(node.collection)
            labels.extend(
                str(items[i]["rule"])
                if node.collection == "findings"
                else f"{node.collection}[{i}]"
                for i in reference.matching_items(node, env)
            )
    return tuple(dict.fromkeys(labels))


def top_level(clause: Clause) -> tuple[Clause, ...]:
    return clause.children if clause.kind == "and" else (clause,)


# ---------------------------------------------------------------- explain


def _then(rule: ir.Rule) -> str:
    then = rule.then
    if isinstance(then, ir.VerdictThen):
        return f"verdict: {then.verdict}"
    if isinstance(then, ir.FindingThen):
        return f"{then.kind}, {then.factor}, {then.severity}"
    return f"derive: {then.name}"


def _better(rule: ir.Rule, verdict: str, scale: Sequence[str]) -> bool:
    if not isinstance(rule.then, ir.VerdictThen):
        return False
    if verdict == NOT_ASSESSABLE or verdict not in scale:
        return True
    return rule.then.verdict in scale and scale.index(rule.then.verdict) < scale.index(verdict)


def _sources(ids: Sequence[str], facts: Facts) -> tuple[SourceRef, ...]:
    refs = []
    for sid in ids:
        source = facts.catalog.get(sid)
        refs.append(
            SourceRef(
                id=sid,
                citation=None if source is None else " ".join(source.citation.split()),
                reliability=None
                if source is None or source.reliability is None
                else str(source.reliability),
            )
        )
    return tuple(refs)


def explain(
    case: Evaluation | Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    rule: str | None = None,
    language: Language = "en",
    backend: Backend | None = None,
    counterfactual: bool = False,
    max_changes: int = DEFAULT_MAX_CHANGES,
    budget: Budget = DEFAULT_BUDGET,
) -> Explanation:
    """Explain the evaluation of ``case`` with ``rules`` (arguments as for
    :func:`~sistereval.evaluation.evaluate`).

    ``rule`` restricts the explanation to one rule, fired or not; an id the
    rule set does not have raises :class:`~sistereval.errors.UsageError` with
    a did-you-mean suggestion.  ``counterfactual`` adds the search for the
    smallest sets of up to ``max_changes`` changes that give a better verdict,
    within ``budget`` (:class:`~sistereval.explanation.counterfactual.Budget`).

    ``case`` may also be an :class:`~sistereval.verdict.Evaluation`: then it is
    explained as it is (:func:`explain_evaluation`), and ``rules``, ``language`` and
    ``backend`` are its own (giving ``rules`` is a :class:`~sistereval.errors.UsageError`).
    """
    if isinstance(case, Evaluation):
        if rules is not None:
            raise UsageError("explain an evaluation without rules: it keeps its rule set")
        if case.trace is not None:
            _check_rule(rule, case.trace.ruleset)
        return explain_evaluation(
            case, rule=rule, counterfactual=counterfactual, max_changes=max_changes, budget=budget
        )
    ruleset = rule_set(rules)
    _check_rule(rule, ruleset)
    evaluation = evaluate(as_case(case), ruleset, language=language, backend=backend)
    return explain_evaluation(
        evaluation,
        rule=rule,
        counterfactual=counterfactual,
        max_changes=max_changes,
        budget=budget,
    )


def _check_rule(rule: str | None, ruleset: ir.RuleSet) -> None:
    ids = [r.id for r in ruleset.rules]
    if rule is not None and rule not in ids:
        hint = did_you_mean(rule, ids)
        msg = f"unknown rule {rule!r} in rule set {ruleset.id!r}"
        raise UsageError(f"{msg} ({hint})" if hint else msg)


def explain_evaluation(
    evaluation: Evaluation,
    *,
    rule: str | None = None,
    counterfactual: bool = False,
    max_changes: int = DEFAULT_MAX_CHANGES,
    budget: Budget = DEFAULT_BUDGET,
) -> Explanation:
    """Explain an evaluation :func:`~sistereval.evaluation.evaluate` made, in its
    language, from what it kept (:attr:`~sistereval.verdict.Evaluation.trace`): the
    case is neither derived nor evaluated again.  Arguments as for :func:`explain`.
    """
    trace = evaluation.trace
    if trace is None:
        raise UsageError("this evaluation keeps no trace to explain; use explain(case, rules)")
    ruleset, facts, envs, language = trace.ruleset, trace.facts, trace.envs, evaluation.language
    _check_rule(rule, ruleset)
    ids = [r.id for r in ruleset.rules]
    by_id = {f.rule: f for f in evaluation.findings}
    _, deciding = decide(ruleset, trace.firing.fired)

    # The deciding chain, then the findings that fired without deciding (a risk, a
    # strength outweighed), in the evaluation's order.
    steps = list(evaluation.deciding)
    steps += [f.rule for f in evaluation.findings if f.rule not in evaluation.deciding]
    if rule is not None:
        steps = [rule] if rule in by_id else []
    fired_rules = []
    for rid in steps:
        the_rule = ruleset.rule(rid)
        env = envs[the_rule.stratum]
        finding = by_id[rid]
        fired_rules.append(
            FiredRule(
                finding=finding,
                deciding=rid in deciding,
                in_chain=rid in evaluation.deciding,
                uses=tuple(used_rules(the_rule, ruleset, env)),
                sources=_sources(finding.sources, facts),
                condition=explain_condition(the_rule.when, env),
            )
        )

    misses = []
    for the_rule in ruleset.rules:
        if the_rule.id in by_id or (rule is not None and the_rule.id != rule):
            continue
        condition = explain_condition(the_rule.when, envs[the_rule.stratum])
        top = top_level(condition)
        blocking = next((c for c in top if not c.holds), condition)
        then = the_rule.then
        misses.append(
            Miss(
                rule=the_rule.id,
                title=ruleset.message(the_rule.id, "title", language),
                then=_then(the_rule),
                verdict=then.verdict if isinstance(then, ir.VerdictThen) else None,
                better_verdict=_better(the_rule, evaluation.verdict, ruleset.scale),
                clauses_true=sum(c.holds for c in top),
                clauses=len(top),
                blocking=blocking.text,
                condition=condition,
            )
        )
    order = {rid: i for i, rid in enumerate(ids)}
    misses.sort(key=lambda m: (-m.nearness, order[m.rule]))
    return Explanation(
        case_id=evaluation.case_id,
        ruleset=evaluation.ruleset,
        verdict=evaluation.verdict,
        confidence=evaluation.confidence,
        scale=ruleset.scale,
        deciding=deciding,
        fired=tuple(fired_rules),
        misses=tuple(misses),
        language=language,
        rule=rule,
        disputes=dispute_verdicts(trace.case, ruleset, evaluation=evaluation),
        counterfactual=counterfactuals(
            trace.case,
            ruleset,
            max_changes=max_changes,
            language=language,
            evaluation=evaluation,
            max_candidates=budget.max_candidates,
            max_work=budget.max_work,
            time_limit=budget.time_limit,
            progress=budget.progress,
        )
        if counterfactual
        else None,
        evaluation=evaluation,
    )
