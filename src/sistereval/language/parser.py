"""The recursive-descent parser of rule conditions into the IR (:mod:`sistereval.ir`).

Precedence, loosest first: ``or``, ``and``, ``not``, comparisons (``< <= > >=
== !=``, ``in``, ``not in``, ``matches``, ``imatches``; never chained), ``+ -``,
``* /``, unary minus, primaries.  Every node's ``loc`` is the position of the
token that makes it: the operator of a binary node, the name of a call.
Offsets become file positions through ``locate``, which the caller provides.

A condition is bounded before and while it is parsed, so that every later
step (type checking, normal forms, compiling), all recursive, stays far from
Python's recursion limit and any slow path: at most :data:`MAX_LENGTH`
characters, :data:`MAX_NESTING` levels and a pattern of :data:`MAX_PATTERN`
characters.  Each breach is one ``limit-*`` problem at the place it happens.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import ir
from ..errors import LimitError, Location, Problem, RuleError
from ..messages import suggest_value
from ..model import PartialDate
from .lexer import KEYWORDS, LexError, Token, describe, tokenize

__all__ = [
    "FUNCTIONS",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_PATTERN",
    "QUANTIFIERS",
    "Locator",
    "parse",
    "plain_locator",
]

Locator = Callable[[int], tuple[int, int]]

QUANTIFIERS = ("any", "all", "none", "count")
FUNCTIONS = (*QUANTIFIERS, "known", "missing", "fired", "date")
_COMPARE = ("<", "<=", ">", ">=", "==", "!=")

#: The longest condition, in characters (the longest core condition has about 200).
MAX_LENGTH = 2000
#: The deepest nesting of a condition: parentheses, ``not``, quantifiers, calls,
#: unary minus and each operator of a chain of arithmetic add a level.
MAX_NESTING = 32
#: The longest pattern after ``matches`` or ``imatches``, in characters.
MAX_PATTERN = 100


def plain_locator(text: str, line: int, column: int) -> Locator:
    """Positions in ``text`` when it starts at ``line``:``column`` and is written as is."""

    def locate(offset: int) -> tuple[int, int]:
        before = text[:offset]
        newlines = before.count("\n")
        if not newlines:
            return line, column + offset
        return line + newlines, offset - before.rfind("\n")

    return locate


def parse(text: str, *, locate: Locator, file: str | None, path: str) -> ir.Expr:
    """Parse one condition; raise :class:`RuleError` with one problem on a syntax error."""
    if len(text) > MAX_LENGTH:
        line, column = locate(0)
        loc = Location(file=file, line=line, column=column, path=path)
        problem = Problem(
            code="limit-condition",
            message=f"the condition is longer than {MAX_LENGTH} characters",
            location=loc,
            suggestion="split it into rules that derive facts",
        )
        raise LimitError([problem])
    try:
        tokens = tokenize(text)
    except LexError as exc:
        line, column = locate(exc.offset)
        loc = Location(file=file, line=line, column=column, path=path)
        problem = Problem(
            code="syntax", message=exc.message, location=loc, suggestion=exc.suggestion
        )
        raise RuleError([problem]) from None
    parser = _Parser(tokens, locate, file, path)
    try:
        return parser.condition()
    except _Failure as failure:
        limit = failure.problem.code.startswith("limit-")
        raise (LimitError if limit else RuleError)([failure.problem]) from None


class _Failure(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Parser:
    def __init__(self, tokens: list[Token], locate: Locator, file: str | None, path: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.locate = locate
        self.file = file
        self.path = path
        self.depth = 0

    # ------------------------------------------------------------ helpers

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.pos += 1
        return token

    def loc(self, token: Token) -> Location:
        line, column = self.locate(token.start)
        return Location(file=self.file, line=line, column=column, path=self.path)

    def fail(
        self, token: Token, message: str, *, code: str = "syntax", suggestion: str | None = None
    ) -> _Failure:
        problem = Problem(
            code=code, message=message, location=self.loc(token), suggestion=suggestion
        )
        return _Failure(problem)

    def enter(self, token: Token, levels: int = 1) -> None:
        """One level deeper (undone by :meth:`leave`); a ``limit-nesting`` failure beyond."""
        self.depth += levels
        if self.depth > MAX_NESTING:
            raise self.fail(
                token,
                f"the condition nests deeper than {MAX_NESTING} levels",
                code="limit-nesting",
                suggestion="split it into rules that derive facts",
            )

    def leave(self, levels: int = 1) -> None:
        self.depth -= levels

    def expect(self, op: str, context: str = "") -> Token:
        token = self.peek()
        if not token.is_op(op):
            raise self.fail(token, f"expected {op!r}{context}, found {describe(token)}")
        return self.take()

    # ------------------------------------------------------------ grammar

    def condition(self) -> ir.Expr:
        expr = self.or_(None)
        end = self.peek()
        if end.kind != "end":
            if end.is_op(")"):
                raise self.fail(end, "unmatched ')'")
            raise self.fail(
                end, f"expected 'and', 'or' or the end of the condition, found {describe(end)}"
            )
        return expr

    def or_(self, coll: str | None) -> ir.Expr:
        self.enter(self.peek())
        try:
            return self._chain("or", ir.Or, self.and_, coll)
        finally:
            self.leave()

    def and_(self, coll: str | None) -> ir.Expr:
        return self._chain("and", ir.And, self.not_, coll)

    def _chain(
        self,
        word: str,
        make: type[ir.And] | type[ir.Or],
        operand: Callable[[str | None], ir.Expr],
        coll: str | None,
    ) -> ir.Expr:
        items = [operand(coll)]
        first: Token | None = None
        while self.peek().is_keyword(word):
            token = self.take()
            first = first or token
            items.append(operand(coll))
        if first is None:
            return items[0]
        return make(tuple(items), loc=self.loc(first))

    def not_(self, coll: str | None) -> ir.Expr:
        if self.peek().is_keyword("not"):
            token = self.take()
            self.enter(token)
            try:
                return ir.Not(self.not_(coll), loc=self.loc(token))
            finally:
                self.leave()
        return self.comparison(coll)

    def _comparison_ahead(self) -> bool:
        token = self.peek()
        return (
            token.is_op(*_COMPARE)
            or token.is_keyword("in", "matches", "imatches")
            or (token.is_keyword("not") and self.peek(1).is_keyword("in"))
        )

    def comparison(self, coll: str | None) -> ir.Expr:
        left = self.additive(coll)
        if not self._comparison_ahead():
            return left
        token = self.take()
        loc = self.loc(token)
        node: ir.Expr
        if token.is_op(*_COMPARE):
            node = ir.Compare(token.text, left, self.additive(coll), loc=loc)
        elif token.is_keyword("matches", "imatches"):
            pattern = self.take()
            if pattern.kind != "string":
                raise self.fail(
                    pattern,
                    f"expected a pattern in quotes after {token.text!r}, found {describe(pattern)}",
                )
            if len(str(pattern.value)) > MAX_PATTERN:
                raise self.fail(
                    pattern,
                    f"the pattern is longer than {MAX_PATTERN} characters",
                    code="limit-pattern",
                    suggestion="match a shorter part of the value, with '*' for the rest",
                )
            node = ir.Match(left, str(pattern.value), token.text == "imatches", loc=loc)
        else:
            negated = token.is_keyword("not")
            if negated:
                self.take()  # the 'in'
            node = ir.In(left, self.haystack(coll), negated, loc=loc)
        if self._comparison_ahead():
            raise self.fail(
                self.peek(),
                "comparisons cannot be chained",
                suggestion="join them with 'and': a < b and b < c",
            )
        return node

    def haystack(self, coll: str | None) -> ir.Expr:
        if not self.peek().is_op("["):
            return self.additive(coll)
        open_ = self.take()
        items: list[ir.Literal] = []
        while not self.peek().is_op("]"):
            if items:
                self.expect(",", " or ']'")
            token = self.peek()
            item = self.unary(coll)
            if not isinstance(item, ir.Literal):
                raise self.fail(token, "a list holds only literals: strings, numbers or dates")
            items.append(item)
        self.take()
        return ir.ListLiteral(tuple(items), loc=self.loc(open_))

    def additive(self, coll: str | None) -> ir.Expr:
        return self._arithmetic(("+", "-"), self.multiplicative, coll)

    def multiplicative(self, coll: str | None) -> ir.Expr:
        return self._arithmetic(("*", "/"), self.unary, coll)

    def _arithmetic(
        self, ops: tuple[str, ...], operand: Callable[[str | None], ir.Expr], coll: str | None
    ) -> ir.Expr:
        """A left-nested chain: each operator is a level of the tree it builds."""
        left = operand(coll)
        levels = 0
        try:
            while self.peek().is_op(*ops):
                token = self.take()
                self.enter(token)
                levels += 1
                left = ir.Arith(token.text, left, operand(coll), loc=self.loc(token))
            return left
        finally:
            self.leave(levels)

    def unary(self, coll: str | None) -> ir.Expr:
        if not self.peek().is_op("-"):
            return self.primary(coll)
        token = self.take()
        loc = self.loc(token)
        self.enter(token)
        try:
            operand = self.unary(coll)
        finally:
            self.leave()
        if (
            isinstance(operand, ir.Literal)
            and isinstance(operand.value, int | float)
            and not isinstance(operand.value, bool)
        ):
            return ir.Literal(-operand.value, loc=loc)
        return ir.Arith("-", ir.Literal(0, loc=loc), operand, loc=loc)

    def primary(self, coll: str | None) -> ir.Expr:
        token = self.peek()
        if token.kind in ("number", "string"):
            self.take()
            return ir.Literal(token.value, loc=self.loc(token))
        if token.is_op("("):
            self.take()
            expr = self.or_(coll)
            line, column = self.locate(token.start)
            self.expect(")", f" to close the '(' at {line}:{column}")
            return expr
        if token.is_op("["):
            raise self.fail(token, "a list is only allowed after 'in' or 'not in'")
        if token.kind != "name" or token.text in KEYWORDS - {"true", "false"}:
            raise self.fail(token, f"expected a value or a condition, found {describe(token)}")
        self.take()
        if token.text in ("true", "false"):
            return ir.Literal(token.text == "true", loc=self.loc(token))
        if self.peek().is_op("("):
            return self.call(token, coll)
        return self.name(token, coll)

    def name(self, token: Token, coll: str | None) -> ir.Expr:
        loc = self.loc(token)
        head, dot, rest = token.text.partition(".")
        if head == "derived" and dot:
            if "." in rest:
                raise self.fail(token, f"{token.text!r}: a derived fact is 'derived.NAME'")
            return ir.DerivedRef(rest, loc=loc)
        if coll is not None and not dot:
            return ir.ItemRef(coll, token.text, loc=loc)
        return ir.FactRef(token.text, loc=loc)

    # ------------------------------------------------------------ calls

    def call(self, name: Token, coll: str | None) -> ir.Expr:
        if name.text not in FUNCTIONS:
            raise self.fail(
                name,
                f"{name.text!r}",
                code="unknown-function",
                suggestion=suggest_value(name.text, FUNCTIONS),
            )
        self.take()  # '('
        if name.text in QUANTIFIERS:
            return self.quantifier(name)
        args: list[tuple[Token, ir.Expr]] = []
        while not self.peek().is_op(")"):
            if args:
                self.expect(",", " or ')'")
            args.append((self.peek(), self.or_(coll)))
        self.take()
        if len(args) != 1:
            raise self.fail(name, f"{name.text}() takes 1 argument, got {len(args)}", code="arity")
        token, arg = args[0]
        loc = self.loc(name)
        if name.text in ("known", "missing"):
            return ir.Known(arg, name.text == "missing", loc=loc)
        if not (isinstance(arg, ir.Literal) and isinstance(arg.value, str)):
            example = (
                'fired("few-fields-implemented")' if name.text == "fired" else 'date("2017-10")'
            )
            raise self.fail(
                token,
                f"{name.text}() takes a string in quotes",
                code="bad-argument",
                suggestion=f"for example {example}",
            )
        if name.text == "fired":
            return ir.FiredRef(arg.value, loc=loc)
        try:
            return ir.Literal(PartialDate.parse(arg.value), loc=loc)
        except ValueError:
            raise self.fail(
                token,
                f"{arg.value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
                code="bad-date",
            ) from None

    def quantifier(self, name: Token) -> ir.Expr:
        usage = f"{name.text}() takes a collection and a condition"
        if name.text != "all":
            usage += " (the condition may be left out)"
        token = self.peek()
        if token.is_op(")"):
            raise self.fail(name, f"{usage}, got nothing", code="arity")
        if token.kind != "name" or "." in token.text or token.text in KEYWORDS:
            raise self.fail(token, f"expected a collection name, found {describe(token)}")
        self.take()
        where: ir.Expr | None = None
        if self.peek().is_op(","):
            self.take()
            where = self.or_(token.text)
        elif name.text == "all":
            raise self.fail(name, f"{usage}, got only a collection", code="arity")
        if self.peek().is_op(","):
            raise self.fail(name, f"{usage}, got more", code="arity")
        self.expect(")", f" to close {name.text}(")
        return ir.Quantifier(name.text, token.text, where, loc=self.loc(name))
