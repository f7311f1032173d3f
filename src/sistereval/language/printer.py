"""Print IR conditions back as rule-language text.

``parse(format_expression(e)) == e`` for every condition the parser can
produce: parentheses are added exactly where precedence needs them, so
nesting survives the round trip.
"""

from __future__ import annotations

import math

from .. import ir
from ..model import PartialDate

__all__ = ["format_expression"]

_OR, _AND, _NOT, _CMP, _ADD, _MUL, _UNARY, _ATOM = range(1, 9)


def format_expression(expr: ir.Expr) -> str:
    """The condition as an analyst would write it."""
    return _fmt(expr, _OR)


def _fmt(expr: ir.Expr, min_prec: int) -> str:
    text, prec = _text(expr)
    return f"({text})" if prec < min_prec else text


def _text(expr: ir.Expr) -> tuple[str, int]:
    if isinstance(expr, ir.Or):
        return " or ".join(_fmt(item, _AND) for item in expr.items), _OR
    if isinstance(expr, ir.And):
        return " and ".join(_fmt(item, _NOT) for item in expr.items), _AND
    if isinstance(expr, ir.Not):
        return "not " + _fmt(expr.operand, _NOT), _NOT
    if isinstance(expr, ir.Compare):
        return f"{_fmt(expr.left, _ADD)} {expr.op} {_fmt(expr.right, _ADD)}", _CMP
    if isinstance(expr, ir.In):
        op = "not in" if expr.negated else "in"
        return f"{_fmt(expr.needle, _ADD)} {op} {_fmt(expr.haystack, _ADD)}", _CMP
    if isinstance(expr, ir.Match):
        op = "imatches" if expr.ignore_case else "matches"
        return f"{_fmt(expr.subject, _ADD)} {op} {_string(expr.pattern)}", _CMP
    if isinstance(expr, ir.Arith):
        if _is_negation(expr):
            operand = _fmt(expr.right, _UNARY)
            return ("- " if operand.startswith("-") else "-") + operand, _UNARY
        prec = _ADD if expr.op in "+-" else _MUL
        return f"{_fmt(expr.left, prec)} {expr.op} {_fmt(expr.right, prec + 1)}", prec
    if isinstance(expr, ir.Literal):
        return _literal(expr.value)
    if isinstance(expr, ir.ListLiteral):
        return "[" + ", ".join(_fmt(item, _UNARY) for item in expr.items) + "]", _ATOM
    if isinstance(expr, ir.FactRef | ir.ItemRef):
        return expr.name, _ATOM
    if isinstance(expr, ir.DerivedRef):
        return f"derived.{expr.name}", _ATOM
    if isinstance(expr, ir.FiredRef):
        return f"fired({_string(expr.rule)})", _ATOM
    if isinstance(expr, ir.Known):
        return f"{'missing' if expr.negated else 'known'}({_fmt(expr.operand, _OR)})", _ATOM
    if isinstance(expr, ir.Quantifier):
        where = "" if expr.where is None else ", " + _fmt(expr.where, _OR)
        return f"{expr.kind}({expr.collection}{where})", _ATOM
    raise TypeError(f"not a condition node: {expr!r}")


def _is_negation(expr: ir.Arith) -> bool:
    """``0 - x`` is what the parser makes of ``-x`` (unless ``x`` is a number)."""
    zero, operand = expr.left, expr.right
    return (
        expr.op == "-"
        and isinstance(zero, ir.Literal)
        and type(zero.value) in (int, float)
        and zero.value == 0
        and not (isinstance(operand, ir.Literal) and type(operand.value) in (int, float))
    )


def _literal(value: ir.LiteralValue) -> tuple[str, int]:
    if isinstance(value, bool):
        return ("true" if value else "false"), _ATOM
    if isinstance(value, PartialDate):
        return f'date("{value}")', _ATOM
    if isinstance(value, str):
        return _string(value), _ATOM
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written in a condition")
    text = repr(value)
    return text, (_UNARY if text.startswith("-") else _ATOM)


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
