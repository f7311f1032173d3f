"""Evaluate a case with a rule set: the one function most users call.

``evaluate(case, rules)`` loads what it is given, derives the facts, fires the
rules on the durable_rules engine (or the reference evaluator), and builds the
:class:`~sistereval.verdict.Evaluation`: findings with the facts they matched
and the sources behind them, factor scores, the verdict by the rule set's
policy, its confidence, the rules that did not fire, and the disputes.
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from . import ir
from .cases import as_case, case_sha256
from .certainty import Certainty, assess
from .engine import reference
from .engine.backends import BACKENDS, durable_error, durable_version
from .engine.cache import engine_for
from .errors import UsageError
from .facts import FACT_SCHEMA, Facts, derive
from .language import format_expression, render_message, rule_set
from .messages import BACKEND, LANGUAGES, Language, is_language, texts
from .model import Case
from .verdict import (
    Backend,
    Evaluation,
    Finding,
    NotFired,
    RuleSetRef,
    Trace,
    confidence,
    decide,
    fact_support,
    factor_scores,
)
from .version import __version__

__all__ = [
    "Backend",
    "durable_error",
    "durable_version",
    "evaluate",
    "evaluate_many",
    "not_fired_detail",
    "quick_verdict",
    "resolve_backend",
    "stratum_env",
    "traced",
    "used_rules",
]

_warned = False


def resolve_backend(backend: Backend | None = None, *, language: str = "en") -> Backend:
    """The backend that evaluates: ``backend`` itself, or for ``None`` the durable one
    when durable_rules loads in this process, else the reference evaluator (which fires
    the same rules; a :class:`RuntimeWarning` says so once per process).

    Asking for ``"durable"`` where durable_rules cannot be loaded raises
    :class:`~sistereval.errors.UsageError` with the reason; an unknown name too.
    """
    global _warned
    if backend is not None and backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}; use 'durable' or 'reference'")
    reason = durable_error()
    if reason is None:
        return backend or "durable"
    if backend == "durable":
        raise UsageError(f"the durable backend cannot be used: {reason}")
    if backend is None and not _warned:
        _warned = True
        notice = texts(BACKEND, language)["library_fallback"].format(reason=reason)
        warnings.warn(notice, RuntimeWarning, stacklevel=3)
    return "reference"


def evaluate(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    language: Language = "en",
    backend: Backend | None = None,
) -> Evaluation:
    """Evaluate one partnership.

    ``case`` is a :class:`~sistereval.model.Case`, a case-file path, YAML/JSON
    text or a mapping; ``rules`` a loaded rule set, a shipped name (default
    ``core``) or a rule-file path; ``language`` the language of the messages
    (``en`` or ``id``); ``backend`` ``durable`` (the production engine) or
    ``reference`` (the pure-Python evaluator; both fire the same rules), by default
    the durable one where durable_rules loads (:func:`resolve_backend`).
    """
    if not is_language(language):
        raise UsageError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    backend = resolve_backend(backend, language=language)
    the_case = as_case(case)
    ruleset = rule_set(rules)
    facts = derive(the_case)
    if backend == "durable":
        firing: ir.Firing = engine_for(ruleset, FACT_SCHEMA).evaluate(facts)
    else:
        firing = reference.evaluate(ruleset, facts, FACT_SCHEMA)
    return _build(the_case, ruleset, facts, firing, language, backend)


def evaluate_many(
    cases: Iterable[Case | str | os.PathLike[str] | Mapping[str, Any]],
    rules: ir.RuleSet | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    language: Language = "en",
    backend: Backend | None = None,
) -> Iterator[Evaluation]:
    """The evaluations of ``cases``, one at a time, in their order (an iterator: a
    long list of cases is never held in memory as evaluations).

    Each case and ``rules`` are taken as by :func:`evaluate`; the rule set is loaded
    once, before the first case.  A case that cannot be read raises its
    :class:`~sistereval.errors.CaseError` when the iterator reaches it.  For many
    cases on all cores, see ``sistereval batch`` (:func:`sistereval.batch.run_batch`).
    """
    ruleset = rule_set(rules)
    if not is_language(language):
        raise UsageError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")

    def each() -> Iterator[Evaluation]:
        for case in cases:
            yield evaluate(case, ruleset, language=language, backend=backend)

    return each()


def quick_verdict(ruleset: ir.RuleSet, facts: Facts, backend: Backend | None = None) -> str:
    """The verdict ``ruleset`` gives for ``facts``, without findings, messages or
    explanations: the same engine as :func:`evaluate` (or the reference evaluator)
    and the verdict policy.  Counterfactual search and dispute analysis call it once
    per variant of a case; what they report is then checked with the full evaluation.
    """
    if resolve_backend(backend) == "durable":
        fired = engine_for(ruleset, FACT_SCHEMA).evaluate(facts).fired
    else:
        fired = reference.evaluate(ruleset, facts, FACT_SCHEMA).fired
    return decide(ruleset, fired)[0]


def traced(evaluation: Evaluation | None, case: Case, ruleset: ir.RuleSet) -> Trace | None:
    """The trace of ``evaluation`` when it is one of ``case`` with ``ruleset`` (what
    an analysis of that case may reuse instead of evaluating it again); ``None``
    without an evaluation or a trace.  An evaluation of another case or with
    another rule set raises :class:`~sistereval.errors.UsageError`."""
    trace = None if evaluation is None else evaluation.trace
    if trace is None:
        return None
    if trace.ruleset.sha256 != ruleset.sha256 or trace.case != case:
        raise UsageError("the evaluation given is of another case or with another rule set")
    return trace


def stratum_env(
    ruleset: ir.RuleSet, facts: Facts, fired: Sequence[str], stratum: int
) -> reference.Env:
    """What a rule of ``stratum`` saw: the facts and what lower strata produced."""
    lower = [r for r in ruleset.rules if r.id in fired and r.stratum < stratum]
    return reference.Env(
        scalars=facts.scalars,
        collections=facts.collections,
        fired=frozenset(r.id for r in lower),
        derived=frozenset(r.then.name for r in lower if isinstance(r.then, ir.Derive)),
        findings=tuple(ir.finding_item(r) for r in lower if isinstance(r.then, ir.FindingThen)),
    )


def used_rules(rule: ir.Rule, ruleset: ir.RuleSet, env: reference.Env) -> list[str]:
    """The fired rules whose results ``rule``'s condition read."""
    used: list[str] = []
    for node in ir.walk(rule.when):
        if isinstance(node, ir.FiredRef) and node.rule in env.fired:
            used.append(node.rule)
        elif isinstance(node, ir.DerivedRef) and node.name in env.derived:
            used.extend(
                r.id
                for r in ruleset.rules
                if r.id in env.fired and isinstance(r.then, ir.Derive) and r.then.name == node.name
            )
        elif isinstance(node, ir.Quantifier) and node.collection == "findings":
            for index in reference.matching_items(node, env):
                used.append(str(env.findings[index]["rule"]))
    return list(dict.fromkeys(used))


def _evidence(
    rule: ir.Rule, facts: Facts, env: reference.Env
) -> tuple[dict[str, object], list[str], list[str]]:
    """The facts a rule read with their values (scalars, and the collection items its
    quantifiers matched), their sources, and the names of the scalar facts."""
    values: dict[str, object] = {}
    sources: list[str] = []
    for node in ir.walk(rule.when):
        if isinstance(node, ir.FactRef) and node.name not in values:
            values[node.name] = facts.scalars.get(node.name)
            sources.extend(facts.sources.get(node.name, ()))
        elif isinstance(node, ir.Quantifier) and node.collection != "findings":
            for index in reference.matching_items(node, env):
                key = f"{node.collection}[{index}]"
                values[key] = dict(facts.collections[node.collection][index])
                sources.extend(facts.sources.get(key, ()))
    names = [name for name in values if name in facts.scalars]
    return values, list(dict.fromkeys(sources)), names


def _finding(
    rule: ir.Rule, ruleset: ir.RuleSet, facts: Facts, env: reference.Env, language: str
) -> Finding:
    values, sources, _ = _evidence(rule, facts, env)
    template = rule.because.get(language) or rule.because.get("en") or rule.title
    message = render_message(template, facts.scalars, language=language)
    kind, factor, severity, verdict = ir.conclusion(rule.then)
    return Finding(
        rule=rule.id,
        title=ruleset.message(rule.id, "title", language),
        kind=kind,
        factor=factor,
        severity=severity,
        verdict=verdict,
        message=message,
        facts=values,
        sources=tuple(sources),
        rule_source=rule.source,
    )


def not_fired_detail(rule: ir.Rule, facts: Facts, env: reference.Env) -> NotFired:
    """The first top-level clause of the condition that is false, with the values it read."""
    condition = ir.to_nnf(rule.when)
    clauses = condition.items if isinstance(condition, ir.And) else (condition,)
    blocking = next((c for c in clauses if not reference.eval_condition(c, env)), condition)
    shown = []
    for node in ir.walk(blocking):
        if isinstance(node, ir.FactRef):
            shown.append(f"{node.name} = {_show(facts.scalars.get(node.name))}")
        elif isinstance(node, ir.Quantifier):
            hits = len(reference.matching_items(node, env))
            shown.append(f"{node.kind}({node.collection}, ...): {hits} matching item(s)")
    detail = "; ".join(dict.fromkeys(shown)) or "the condition is false"
    return NotFired(rule=rule.id, blocking_condition=format_expression(blocking), detail=detail)


def _show(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _build(
    case: Case,
    ruleset: ir.RuleSet,
    facts: Facts,
    firing: ir.Firing,
    language: Language,
    backend: Backend,
) -> Evaluation:
    fired = firing.fired
    fired_set = set(fired)
    strata = {r.stratum for r in ruleset.rules}
    envs = {k: stratum_env(ruleset, facts, fired, k) for k in strata}
    findings = tuple(
        _finding(rule, ruleset, facts, envs[rule.stratum], language)
        for rule in ruleset.rules
        if rule.id in fired_set
    )

    @functools.cache
    def not_fired() -> tuple[NotFired, ...]:  # explained on first use (Evaluation.not_fired)
        return tuple(
            not_fired_detail(rule, facts, envs[rule.stratum])
            for rule in ruleset.rules
            if rule.id not in fired_set
        )

    verdict, deciding = decide(ruleset, fired)

    # The deciding chain: the deciding verdict rules and, transitively, every
    # fired rule whose result they read.
    chain: list[str] = []
    todo = list(deciding)
    while todo:
        rid = todo.pop(0)
        if rid in chain:
            continue
        chain.append(rid)
        rule = ruleset.rule(rid)
        todo.extend(used_rules(rule, ruleset, envs[rule.stratum]))

    disputed = {d.fact for d in facts.disputes}
    reliability = {s.id: (str(s.reliability) if s.reliability else None) for s in case.sources}
    by_id = {f.rule: f for f in findings}
    supports: list[float] = []
    seen: set[str] = set()
    for rid in chain:
        sources = by_id[rid].sources
        names = [name for name in by_id[rid].facts if name in facts.scalars]
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            supports.append(
                fact_support(facts.sources.get(name, ()), reliability.get, name in disputed)
            )
        if not names and sources:
            supports.append(fact_support(sources, reliability.get, False))
    deciding_facts = [name for rid in chain for name in by_id[rid].facts]

    def verdict_of(variant: Facts) -> str:
        return quick_verdict(ruleset, variant, backend)

    @functools.cache
    def certainty() -> Certainty:  # assessed on first use (Evaluation.certainty)
        return assess(
            case,
            ruleset,
            facts,
            verdict,
            deciding_facts,
            verdict_of,
            fired=fired,
            decided=bool(deciding),
        )

    return Evaluation(
        verdict=verdict,
        confidence=confidence(supports) if deciding else 0.0,
        case_id=case.id,
        case_sha256=case_sha256(case),
        ruleset=RuleSetRef(id=ruleset.id, version=ruleset.version, sha256=ruleset.sha256),
        findings=findings,
        factors=factor_scores(ruleset, findings),
        not_fired=not_fired,
        certainty=certainty,
        disputes=tuple(d.to_dict() for d in facts.disputes),
        deciding=tuple(chain),
        language=language,
        version=__version__,
        reference_date={
            "date": facts.scalars["partnership.as_of"],
            "basis": facts.scalars["partnership.as_of_basis"],
            "sources": list(facts.sources.get("partnership.as_of", ())),
        },
        trace=Trace(
            case=case, ruleset=ruleset, facts=facts, firing=firing, envs=envs, backend=backend
        ),
    )
