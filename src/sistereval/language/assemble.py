"""From resolved rules to an :class:`~sistereval.ir.RuleSet`: strata, engine limits, digest.

The engine limits are durable_rules' (``docs/engine.md``: more than 4,096 rules
fail, more than 512 rules testing one property hang) with a margin, checked
before anything is compiled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import attrs

from .. import ir
from ..errors import DocumentError, LimitError, Problem, RuleError
from ..schema import FactSchema
from .limits import compile_limits
from .printer import format_expression
from .resolve import Resolved
from .rulefile import FORMAT
from .strata import assign_strata

__all__ = ["MAX_RULES", "MAX_RULES_PER_FACT", "digest", "engine_limits", "finish"]

MAX_RULES = 4000
MAX_RULES_PER_FACT = 500
_DOCUMENT_CODES = frozenset(
    {
        "read-error",
        "yaml-syntax",
        "yaml-value",
        "yaml-key",
        "yaml-merge",
        "unsafe-tag",
        "duplicate-key",
    }
)


def finish(resolved: Resolved, schema: FactSchema | None = None) -> ir.RuleSet:
    """The rule set, or the most specific :class:`RuleError` carrying every problem.

    With ``schema``, the compiler's limits are predicted too
    (:func:`~sistereval.language.limits.compile_limits`).
    """
    rules = [entry.rule for entry in resolved.entries if entry.rule is not None]
    ordered, cycles = assign_strata(rules)
    problems = [*resolved.problems, *cycles, *engine_limits(ordered)]
    if schema is not None and not problems:
        problems = compile_limits(ordered, schema)
    if problems:
        raise _error(problems)
    rule_set = ir.RuleSet(
        id=resolved.id,
        version=resolved.version,
        title=resolved.title,
        description=resolved.description,
        languages=resolved.languages,
        scale=resolved.scale,
        policy=resolved.policy,
        unique=resolved.unique,
        undecided_when=resolved.undecided_when,
        factors=resolved.factors,
        obstacle_groups=resolved.obstacle_groups,
        rules=ordered,
        invariants=resolved.invariants,
        changeable=resolved.changeable,
        tests=resolved.tests,
        file=resolved.file,
        inherited=resolved.inherited,
    )
    return attrs.evolve(rule_set, sha256=digest(rule_set))


def _error(problems: list[Problem]) -> RuleError:
    codes = {problem.code for problem in problems}
    if any(code == "engine-limit" or code.startswith("limit-") for code in codes):
        return LimitError(problems)
    if codes & _DOCUMENT_CODES:
        return DocumentError(problems)
    return RuleError(problems)


def _tested(expr: ir.Expr) -> set[str]:
    """The engine properties a condition tests."""
    found: set[str] = set()
    for node in ir.walk(expr):
        if isinstance(node, ir.FactRef):
            found.add(node.name)
        elif isinstance(node, ir.ItemRef):
            found.add(f"{node.collection}.{node.name}")
        elif isinstance(node, ir.DerivedRef):
            found.add(f"derived.{node.name}")
        elif isinstance(node, ir.FiredRef):
            found.add(f"fired({node.rule})")
    return found


def engine_limits(rules: Sequence[ir.Rule]) -> list[Problem]:
    """``engine-limit`` problems: too many rules, or too many testing one fact."""
    problems: list[Problem] = []
    if len(rules) > MAX_RULES:
        problems.append(
            Problem(
                code="engine-limit",
                message=f"the rule set has {len(rules)} rules; at most {MAX_RULES} can be compiled",
                location=rules[MAX_RULES].loc,
                suggestion="split it into rule sets evaluated separately",
            )
        )
    counts: dict[str, int] = {}
    for rule in rules:
        for name in sorted(_tested(rule.when)):
            counts[name] = counts.get(name, 0) + 1
            if counts[name] == MAX_RULES_PER_FACT + 1:
                problems.append(
                    Problem(
                        code="engine-limit",
                        message=f"more than {MAX_RULES_PER_FACT} rules test {name!r}",
                        location=rule.loc,
                        suggestion="derive an intermediate fact that several rules share",
                    )
                )
    return problems


def digest(rule_set: ir.RuleSet) -> str:
    """SHA-256 of the canonical content of the resolved rule set.

    It covers everything that decides or words an evaluation (metadata,
    rules with their conditions in canonical form, messages, strata,
    invariants), from every file involved; not the file names, comments,
    layout or tests, nor what changes no evaluation (``verdicts: unique``,
    ``undecided_when``, the ``changeable`` paths counterfactuals search).
    """
    content = {
        "format": FORMAT,
        "id": rule_set.id,
        "version": rule_set.version,
        "title": rule_set.title,
        "description": rule_set.description,
        "languages": list(rule_set.languages),
        "verdicts": {"scale": list(rule_set.scale), "policy": rule_set.policy},
        "factors": list(rule_set.factors),
        "obstacle_groups": list(rule_set.obstacle_groups),
        "rules": [
            {
                "id": rule.id,
                "title": rule.title,
                "titles": rule.titles,
                "when": format_expression(rule.when),
                "then": {type(rule.then).__name__: attrs.asdict(rule.then)},
                "because": rule.because,
                "source": rule.source,
                "stratum": rule.stratum,
            }
            for rule in rule_set.rules
        ],
        "invariants": list(rule_set.invariants),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
