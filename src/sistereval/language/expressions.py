"""Conditions outside rule files: parse one, type-check one."""

from __future__ import annotations

from collections.abc import Iterable

from .. import ir
from ..errors import RuleError
from ..facts import FACT_SCHEMA
from ..schema import FINDINGS, FactSchema, with_findings
from .parser import parse, plain_locator
from .typecheck import Context, check_condition

# FINDINGS, the collection of findings rules may quantify over
# (``count(findings, kind == "obstacle")``), is re-exported from sistereval.schema.
__all__ = ["FINDINGS", "check_expression", "parse_expression"]


def parse_expression(
    text: str, *, file: str | None = None, line: int = 1, column: int = 1, path: str = ""
) -> ir.Expr:
    """Parse a condition into the IR; every node is located in ``file``.

    ``line`` and ``column`` are where ``text`` starts (for a plain YAML
    scalar, the position of its first character).  A syntax error raises
    :class:`~sistereval.errors.RuleError` with one ``syntax`` (or
    ``unknown-function``, ``arity``, ``bad-argument``, ``bad-date``) problem.

    >>> parse_expression("fields.agreed >= 3")
    Compare(op='>=', left=FactRef(name='fields.agreed'), right=Literal(value=3))
    """
    return parse(text, locate=plain_locator(text, line, column), file=file, path=path)


def check_expression(
    expr: ir.Expr,
    *,
    schema: FactSchema | None = None,
    rules: Iterable[str] = (),
    derived: Iterable[str] = (),
    factors: Iterable[str] = (),
) -> None:
    """Type-check ``expr`` as a condition; raise :class:`RuleError` with every problem.

    ``rules`` are the rule ids ``fired()`` may name, ``derived`` the names
    ``derived.x`` may use, ``factors`` the values of ``findings.factor``.
    """
    schema = FACT_SCHEMA if schema is None else schema
    context = Context(
        schema=with_findings(schema, tuple(factors)),
        rules=frozenset(rules),
        derived=frozenset(derived),
    )
    problems = check_condition(expr, context)
    if problems:
        raise RuleError(problems)
