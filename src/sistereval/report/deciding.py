"""The deciding count: how many findings the verdict rule counted, and what it needs.

A verdict rule of the core set decides by counting findings: ``verdict-failure``
needs ``count(findings, kind == "obstacle" and severity == "high") >= 2``.
:func:`deciding_counts` finds every such comparison of a ``count`` over
``findings`` with a number in the first deciding verdict rule's condition and
counts the case's findings the way the rule does, so a reader sees
"4 serious obstacles; failure needs at least 2".  :func:`count_text` says it in
the report's language.  Counting works on findings as mappings (``kind``,
``severity``, ``factor``, ``rule``), so a batch record is counted as an evaluation
is; a condition over anything else is not counted (no count is shown).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import attrs

from .. import ir
from ..language.printer import format_expression
from ..messages import COMPARE, texts
from .strings import strings, verdict_name

__all__ = ["Count", "count_text", "counts_text", "deciding_counts"]

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@attrs.frozen(kw_only=True)
class Count:
    """``actual`` findings matched ``where`` (printed as ``condition``); the verdict
    ``verdict`` needs ``actual op needed``.  ``what`` names the findings counted
    (``serious``, ``strength``, ``obstacle``, ``risk``, ``compliance``) or is empty."""

    what: str
    condition: str
    actual: int
    op: str
    needed: int
    verdict: str


def _value(expr: ir.Expr, item: Mapping[str, object]) -> tuple[bool, object]:
    """``(known, value)`` of a literal or an item attribute."""
    if isinstance(expr, ir.Literal):
        return True, expr.value
    if isinstance(expr, ir.ItemRef):
        value = item.get(expr.name)
        return value is not None, value
    raise _Unsupported


class _Unsupported(Exception):
    """A condition this module does not count by."""


def _holds(expr: ir.Expr, item: Mapping[str, object]) -> bool:
    """Whether the NNF condition ``expr`` holds for the finding ``item``."""
    if isinstance(expr, ir.And):
        return all(_holds(e, item) for e in expr.items)
    if isinstance(expr, ir.Or):
        return any(_holds(e, item) for e in expr.items)
    if isinstance(expr, ir.Compare) and expr.op in ("==", "!="):
        (known_left, left), (known_right, right) = _value(expr.left, item), _value(expr.right, item)
        if not (known_left and known_right):
            return False  # an unknown operand makes an atom false (ir's semantics)
        return (left == right) == (expr.op == "==")
    if isinstance(expr, ir.In) and isinstance(expr.haystack, ir.ListLiteral):
        known, value = _value(expr.needle, item)
        inside = value in [literal.value for literal in expr.haystack.items]
        return known and inside != expr.negated
    if isinstance(expr, ir.Literal) and isinstance(expr.value, bool):
        return expr.value
    raise _Unsupported


def _atoms(expr: ir.Expr) -> Iterator[ir.Compare]:
    """The comparisons of ``expr`` that are top-level conjuncts (through ``and`` only)."""
    if isinstance(expr, ir.And):
        for item in expr.items:
            yield from _atoms(item)
    elif isinstance(expr, ir.Compare):
        yield expr


def _what(where: ir.Expr | None) -> str:
    """The name of the findings ``where`` counts: ``serious`` for high obstacles."""
    equal: dict[str, object] = {}
    for atom in _atoms(where) if where is not None else ():
        if (
            atom.op == "=="
            and isinstance(atom.left, ir.ItemRef)
            and isinstance(atom.right, ir.Literal)
        ):
            equal[atom.left.name] = atom.right.value
    if where is None or len(list(_atoms(where))) != len(equal):
        return ""
    kind, severity = equal.pop("kind", None), equal.pop("severity", None)
    if equal or kind not in ("strength", "obstacle", "risk", "compliance"):
        return ""
    if severity is None:
        return str(kind)
    return "serious" if (kind, severity) == ("obstacle", "high") else ""


def _count(atom: ir.Compare) -> tuple[ir.Quantifier, str, int] | None:
    """``(count, op, n)`` of ``count(findings, ...) op n`` or ``n op count(findings, ...)``."""
    left, right, op = atom.left, atom.right, atom.op
    if isinstance(right, ir.Quantifier):
        left, right, op = right, left, _FLIPPED[op]
    if not (
        isinstance(left, ir.Quantifier)
        and left.kind == "count"
        and left.collection == "findings"
        and isinstance(right, ir.Literal)
        and isinstance(right.value, int)
        and not isinstance(right.value, bool)
    ):
        return None
    return left, op, right.value


def deciding_counts(
    ruleset: ir.RuleSet, deciding: Sequence[str], findings: Sequence[Mapping[str, object]]
) -> tuple[Count, ...]:
    """The counts of the first verdict rule of ``deciding`` (the deciding chain), over
    ``findings`` (each with ``kind``, ``severity``, ``factor``, ``rule``)."""
    rules = {rule.id: rule for rule in ruleset.rules}
    verdict_rules = [
        rules[rid]
        for rid in deciding
        if rid in rules and isinstance(rules[rid].then, ir.VerdictThen)
    ]
    if not verdict_rules:
        return ()
    rule = verdict_rules[0]
    assert isinstance(rule.then, ir.VerdictThen)
    out = []
    for atom in _atoms(ir.condition_nnf(rule.when)):
        found = _count(atom)
        if found is None:
            continue
        quantifier, op, needed = found
        where = ir.counted_condition(quantifier)
        try:
            actual = sum(1 for f in findings if where is None or _holds(where, f))
        except _Unsupported:
            continue
        out.append(
            Count(
                what=_what(where),
                condition=format_expression(quantifier),
                actual=actual,
                op=op,
                needed=needed,
                verdict=rule.then.verdict,
            )
        )
    return tuple(out)


def count_text(count: Count, language: str) -> str:
    """``4 serious obstacles (failure needs at least 2)``, in ``language``."""
    t = texts(COMPARE, language)
    if count.what:
        number = "one" if count.actual == 1 else "other"
        counted = t[f"count.{count.what}.{number}"].format(n=count.actual)
    else:
        counted = t["count.matching"].format(n=count.actual, condition=count.condition)
    op = "none" if (count.op, count.needed) in (("==", 0), ("<", 1)) else count.op
    verdict = verdict_name(strings(language), count.verdict)
    need = t[f"count.op{op}"].format(n=count.needed, verdict=verdict)
    return t["count.needs"].format(counted=counted, need=need)


def counts_text(counts: Sequence[Count], language: str) -> str:
    """Every count of :func:`deciding_counts`, joined; empty when there is none."""
    return "; ".join(count_text(c, language) for c in counts)
