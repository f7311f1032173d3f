"""The condition parser and printer: sistereval.language.parse_expression / format_expression."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sistereval import ir
from sistereval.errors import RuleError
from sistereval.language import format_expression, parse_expression
from sistereval.language.lexer import KEYWORDS
from sistereval.model import PartialDate
from sistereval.schema import MAX_NUMBER

F = ir.FactRef
L = ir.Literal


def problem_of(text: str) -> str:
    with pytest.raises(RuleError) as info:
        parse_expression(text, file="r.yaml", line=3, column=11, path="rules[0].when")
    (problem,) = info.value.problems
    return str(problem)


class TestParseExpression:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a.b or c.d and e.f", ir.Or((F("a.b"), ir.And((F("c.d"), F("e.f")))))),
            ("(a.b or c.d) and e.f", ir.And((ir.Or((F("a.b"), F("c.d"))), F("e.f")))),
            ("a.b and c.d and e.f", ir.And((F("a.b"), F("c.d"), F("e.f")))),
            ("a.b and (c.d and e.f)", ir.And((F("a.b"), ir.And((F("c.d"), F("e.f")))))),
            ("not a.b and c.d", ir.And((ir.Not(F("a.b")), F("c.d")))),
            ("not a.b == 1", ir.Not(ir.Compare("==", F("a.b"), L(1)))),
            ("not not a.b", ir.Not(ir.Not(F("a.b")))),
            (
                "a.b + 2 * c.d < 7",
                ir.Compare("<", ir.Arith("+", F("a.b"), ir.Arith("*", L(2), F("c.d"))), L(7)),
            ),
            (
                "a.b - c.d - 1 > 0",
                ir.Compare(">", ir.Arith("-", ir.Arith("-", F("a.b"), F("c.d")), L(1)), L(0)),
            ),
            (
                "a.b - (c.d - 1) > 0",
                ir.Compare(">", ir.Arith("-", F("a.b"), ir.Arith("-", F("c.d"), L(1))), L(0)),
            ),
            ("-3 * a.b >= -0.5", ir.Compare(">=", ir.Arith("*", L(-3), F("a.b")), L(-0.5))),
            ("-a.b < 1", ir.Compare("<", ir.Arith("-", L(0), F("a.b")), L(1))),
            ("- -2 == 2", ir.Compare("==", L(2), L(2))),
            ("a.b / 2 != 1e3", ir.Compare("!=", ir.Arith("/", F("a.b"), L(2)), L(1000.0))),
        ],
    )
    def test_precedence(self, text: str, expected: ir.Expr) -> None:
        assert expected == parse_expression(text)

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("12", 12),
            ("0.34", 0.34),
            ("2.5e-3", 0.0025),
            ('"many"', "many"),
            ("'many'", "many"),
            (r'"say \"hi\" \\ now"', 'say "hi" \\ now'),
            (r"'it\'s'", "it's"),
            ("true", True),
            ("false", False),
            ('date("2017-10-10")', PartialDate(2017, 10, 10)),
            ('date("2016-12")', PartialDate(2016, 12)),
            ("date('2022')", PartialDate(2022)),
        ],
    )
    def test_literals(self, text: str, value: ir.LiteralValue) -> None:
        expr = parse_expression(f"x.y == {text}")
        assert isinstance(expr, ir.Compare)
        assert isinstance(expr.right, ir.Literal)
        assert expr.right == L(value)
        assert type(expr.right.value) is type(value)

    def test_in_and_lists(self) -> None:
        assert ir.In(F("a.b"), ir.ListLiteral((L("x"), L(-1), L(PartialDate(2017)))), False) == (
            parse_expression('a.b in ["x", -1, date("2017")]')
        )
        assert ir.In(L("youth"), F("a.list"), True) == parse_expression('"youth" not in a.list')
        assert ir.In(F("a.b"), ir.ListLiteral(()), False) == parse_expression("a.b in []")

    def test_matches(self) -> None:
        assert ir.Match(F("a.name"), "Band*", False) == parse_expression('a.name matches "Band*"')
        assert ir.Match(F("a.name"), "band?", True) == parse_expression("a.name imatches 'band?'")

    def test_references_and_functions(self) -> None:
        expr = parse_expression(
            'fired("few-fields") and derived.weak or known(a.b) or missing(c.d)'
        )
        assert (
            ir.Or(
                (
                    ir.And((ir.FiredRef("few-fields"), ir.DerivedRef("weak"))),
                    ir.Known(F("a.b"), False),
                    ir.Known(F("c.d"), True),
                )
            )
            == expr
        )

    def test_quantifiers_make_item_refs(self) -> None:
        expr = parse_expression(
            'any(leadership_changes, office == "mayor" and during and date > partnership.start)'
        )
        where = ir.And(
            (
                ir.Compare("==", ir.ItemRef("leadership_changes", "office"), L("mayor")),
                ir.ItemRef("leadership_changes", "during"),
                ir.Compare(">", ir.ItemRef("leadership_changes", "date"), F("partnership.start")),
            )
        )
        assert ir.Quantifier("any", "leadership_changes", where) == expr

    def test_quantifier_without_condition(self) -> None:
        assert ir.Compare(">=", ir.Quantifier("count", "activities", None), L(2)) == (
            parse_expression("count(activities) >= 2")
        )
        assert ir.Quantifier("none", "activities", None) == parse_expression("none(activities)")

    def test_nested_quantifier_parses_with_inner_scope(self) -> None:
        expr = parse_expression("any(a, x and all(b, x))")
        inner = ir.Quantifier("all", "b", ir.ItemRef("b", "x"))
        assert ir.Quantifier("any", "a", ir.And((ir.ItemRef("a", "x"), inner))) == expr

    def test_bare_name_outside_quantifier_is_a_fact(self) -> None:
        assert F("kind") == parse_expression("kind")

    def test_locations(self) -> None:
        expr = parse_expression(
            'fields.agreed >= 3 and any(activities, kind == "visit")',
            file="rules/x.yaml",
            line=12,
            column=11,
            path="rules[3].when",
        )
        found = {(type(node).__name__, node.loc.line, node.loc.column) for node in ir.walk(expr)}
        assert {
            ("And", 12, 30),
            ("Compare", 12, 25),
            ("FactRef", 12, 11),
            ("Literal", 12, 28),
            ("Quantifier", 12, 34),
            ("Compare", 12, 55),
            ("ItemRef", 12, 50),
            ("Literal", 12, 58),
        } == found
        assert all(
            node.loc.file == "rules/x.yaml" and node.loc.path == "rules[3].when"
            for node in ir.walk(expr)
        )

    def test_locations_on_later_lines(self) -> None:
        expr = parse_expression("a.b and\n  c.d", line=5, column=9)
        assert isinstance(expr, ir.And)
        assert (expr.items[0].loc.line, expr.items[0].loc.column) == (5, 9)
        assert (expr.items[1].loc.line, expr.items[1].loc.column) == (6, 3)

    @pytest.mark.parametrize(
        ("text", "column", "code", "message", "suggestion"),
        [
            (
                "a.b >= 3 and and c.d",
                24,
                "syntax",
                "expected a value or a condition, found 'and'",
                None,
            ),
            (
                "a.b >=",
                17,
                "syntax",
                "expected a value or a condition, found the end of the condition",
                None,
            ),
            (
                "(a.b > 1",
                19,
                "syntax",
                "expected ')' to close the '(' at 3:11, found the end of the condition",
                None,
            ),
            ("a.b > 1)", 18, "syntax", "unmatched ')'", None),
            (
                "a.b > 1 c.d",
                19,
                "syntax",
                "expected 'and', 'or' or the end of the condition, found 'c.d'",
                None,
            ),
            (
                "1 < a.b < 5",
                19,
                "syntax",
                "comparisons cannot be chained",
                "join them with 'and': a < b and b < c",
            ),
            (
                "a.b == 1 == true",
                20,
                "syntax",
                "comparisons cannot be chained",
                "join them with 'and': a < b and b < c",
            ),
            ("a.b && c.d", 15, "syntax", "unexpected character '&'", "write 'and'"),
            ("a.b = 1", 15, "syntax", "unexpected character '='", "write '==' to compare"),
            ('a.b == "open', 18, "syntax", 'unterminated string: no closing "', None),
            (
                'a.b == "\\n"',
                19,
                "syntax",
                "unknown escape '\\n'",
                "only \\\\, \\\" and \\' are escapes",
            ),
            ("a. == 1", 13, "syntax", "expected a name after '.'", None),
            (
                "a.b == .5",
                18,
                "syntax",
                "unexpected character '.'",
                "write numbers with a leading digit: 0.5",
            ),
            ("a.b == 3x", 18, "syntax", "malformed number '3x'", None),
            (
                "a.b == 1e999",
                18,
                "syntax",
                "the number 1e999 is too large",
                "numbers are at most 10^15 in magnitude",
            ),
            (
                "a.b == 1e16",
                18,
                "syntax",
                "the number 1e16 is too large",
                "numbers are at most 10^15 in magnitude",
            ),
            (
                "a.b == " + "9" * 401,
                18,
                "syntax",
                "a number of 401 digits is too large",
                "numbers are at most 10^15 in magnitude",
            ),
            (
                "a.b matches c.d",
                23,
                "syntax",
                "expected a pattern in quotes after 'matches', found 'c.d'",
                None,
            ),
            ("a.b == [1]", 18, "syntax", "a list is only allowed after 'in' or 'not in'", None),
            (
                "a.b in [c.d]",
                19,
                "syntax",
                "a list holds only literals: strings, numbers or dates",
                None,
            ),
            ("a.b in [1 2]", 21, "syntax", "expected ',' or ']', found '2'", None),
            ("any(a.b, x)", 15, "syntax", "expected a collection name, found 'a.b'", None),
            (
                "avg(a.b) > 1",
                11,
                "unknown-function",
                "'avg'",
                "one of 'any', 'all', 'none', 'count', 'known', 'missing', 'fired', 'date'",
            ),
            ("cont(a) > 1", 11, "unknown-function", "'cont'", "did you mean 'count'?"),
            ("a.count(x)", 11, "unknown-function", "'a.count'", "did you mean 'count'?"),
            ("known(a.b, c.d)", 11, "arity", "known() takes 1 argument, got 2", None),
            ("missing()", 11, "arity", "missing() takes 1 argument, got 0", None),
            (
                "all(activities)",
                11,
                "arity",
                "all() takes a collection and a condition, got only a collection",
                None,
            ),
            (
                "any()",
                11,
                "arity",
                "any() takes a collection and a condition (the condition may be left out),"
                " got nothing",
                None,
            ),
            (
                "any(a, x, y)",
                11,
                "arity",
                "any() takes a collection and a condition (the condition may be left out),"
                " got more",
                None,
            ),
            (
                "fired(few-fields)",
                17,
                "bad-argument",
                "fired() takes a string in quotes",
                'for example fired("few-fields-implemented")',
            ),
            (
                'date("2017-13")',
                16,
                "bad-date",
                "'2017-13' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
                None,
            ),
            ("derived.a.b", 11, "syntax", "'derived.a.b': a derived fact is 'derived.NAME'", None),
            (
                "",
                11,
                "syntax",
                "expected a value or a condition, found the end of the condition",
                None,
            ),
        ],
    )
    def test_errors(
        self, text: str, column: int, code: str, message: str, suggestion: str | None
    ) -> None:
        with pytest.raises(RuleError) as info:
            parse_expression(text, file="r.yaml", line=3, column=11, path="rules[0].when")
        (problem,) = info.value.problems
        assert (problem.location.line, problem.location.column) == (3, column)
        assert (problem.code, problem.message, problem.suggestion) == (code, message, suggestion)

    def test_error_text(self) -> None:
        assert problem_of("a.b >=") == (
            "r.yaml:3:17: syntax: expected a value or a condition,"
            " found the end of the condition in rules[0].when"
        )


class TestFormatExpression:
    @pytest.mark.parametrize(
        "text",
        [
            "fields.agreed >= 3 and fields.implementation_ratio < 0.34",
            'any(leadership_changes, office == "mayor" and during_partnership)',
            'count(findings, kind == "obstacle" and severity == "high") >= 2',
            "not (a.b or c.d) and -x.y * -3 - (1 - 2) > 0",
            'x.y not in ["a", -1, date("2017-10")]',
            'missing(a.b) or fired("x-y") or derived.z',
            'a.name imatches "say \\"hi\\""',
            "a.b and (c.d and e.f)",
        ],
    )
    def test_canonical_text_is_kept(self, text: str) -> None:
        assert text == format_expression(parse_expression(text))

    def test_layout_is_normalised(self) -> None:
        assert (
            format_expression(parse_expression("(a.b+1)>2 or(not c.d)")) == "a.b + 1 > 2 or not c.d"
        )

    @pytest.mark.parametrize(
        ("expr", "text"),
        [
            (ir.Compare("<", ir.Compare("==", F("a.b"), L(1)), L(2)), "(a.b == 1) < 2"),
            (
                ir.In(ir.Compare("==", F("a.b"), L(1)), ir.ListLiteral((L(True),))),
                "(a.b == 1) in [true]",
            ),
            (ir.Match(ir.Known(F("a.b")), "x"), 'known(a.b) matches "x"'),
            (ir.Arith("-", L(0), ir.Arith("*", F("a.b"), F("c.d"))), "-(a.b * c.d)"),
            (ir.Arith("-", L(0), ir.Arith("-", L(0), F("a.b"))), "- -a.b"),
            (ir.Arith("-", L(0), L(3)), "0 - 3"),
            (ir.Arith("*", ir.Arith("+", F("a.b"), L(1)), L(2)), "(a.b + 1) * 2"),
            (ir.Arith("/", F("a.b"), ir.Arith("*", L(2), L(3))), "a.b / (2 * 3)"),
            (ir.Arith("-", F("a.b"), L(-3)), "a.b - -3"),
            (ir.Not(ir.And((F("a.b"), F("c.d")))), "not (a.b and c.d)"),
            (ir.Or((ir.Or((F("a.b"), F("c.d"))), F("e.f"))), "(a.b or c.d) or e.f"),
            (ir.Compare("==", ir.Not(F("a.b")), L(False)), "(not a.b) == false"),
            (
                ir.Quantifier("all", "c", ir.Or((ir.ItemRef("c", "x"), ir.ItemRef("c", "y")))),
                "all(c, x or y)",
            ),
        ],
    )
    def test_parentheses(self, expr: ir.Expr, text: str) -> None:
        assert text == format_expression(expr)
        assert expr == parse_expression(text)

    def test_infinite_numbers_cannot_be_written(self) -> None:
        with pytest.raises(ValueError, match="cannot be written"):
            format_expression(L(float("inf")))

    @given(st.deferred(lambda: conditions))
    def test_round_trip(self, expr: ir.Expr) -> None:
        assert expr == parse_expression(format_expression(expr))


# ---------------------------------------------------------------- strategies over the IR

_RESERVED = KEYWORDS | {"derived"}
identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in _RESERVED
)
dotted = st.builds(lambda a, b: f"{a}.{b}", identifiers, identifiers)
dates = st.builds(
    PartialDate,
    st.integers(1, 9999),
    st.none() | st.integers(1, 12),
).flatmap(
    lambda d: (
        st.just(d)
        if d.month is None
        else st.sampled_from([d, PartialDate(d.year, d.month, 1), PartialDate(d.year, d.month, 28)])
    )
)
literal_values: st.SearchStrategy[ir.LiteralValue] = st.one_of(
    st.integers(-2, 2),
    st.integers(-(10**12), 10**12),
    st.floats(-MAX_NUMBER, MAX_NUMBER, allow_nan=False),  # a larger literal is refused
    st.text(max_size=8),
    st.booleans(),
    dates,
)
literals = literal_values.map(ir.Literal)


def leaves(scope: str | None) -> st.SearchStrategy[ir.Expr]:
    options: list[st.SearchStrategy[ir.Expr]] = [
        literals,
        dotted.map(ir.FactRef),
        identifiers.map(ir.DerivedRef),
        st.text(max_size=8).map(ir.FiredRef),
    ]
    if scope is not None:
        options.append(identifiers.map(lambda name: ir.ItemRef(scope, name)))
    return st.one_of(options)


@st.composite
def values(draw: st.DrawFn, depth: int, scope: str | None) -> ir.Expr:
    """Operands: leaves, arithmetic, counts; now and then a whole condition."""
    choice = draw(st.integers(0, 9)) if depth > 0 else 0
    if choice <= 1:
        return draw(leaves(scope))
    if choice <= 5:
        op = draw(st.sampled_from("+-*/"))
        return ir.Arith(op, draw(values(depth - 1, scope)), draw(values(depth - 1, scope)))
    if choice == 6:
        return draw(quantifiers(depth, scope, st.just("count")))
    return draw(expressions(depth - 1, scope))


def quantifiers(
    depth: int, scope: str | None, kinds: st.SearchStrategy[str]
) -> st.SearchStrategy[ir.Expr]:
    @st.composite
    def build(draw: st.DrawFn) -> ir.Expr:
        kind = draw(kinds)
        collection = draw(identifiers)
        inner = expressions(depth - 1, collection)
        where = draw(inner if kind == "all" else st.none() | inner)
        return ir.Quantifier(kind, collection, where)

    return build()


@st.composite
def expressions(draw: st.DrawFn, depth: int, scope: str | None) -> ir.Expr:
    """Conditions as the parser makes them (types are not checked here)."""
    if depth <= 0:
        return draw(leaves(scope))

    def sub() -> st.SearchStrategy[ir.Expr]:
        return expressions(depth - 1, scope)

    def operand() -> st.SearchStrategy[ir.Expr]:
        return values(depth - 1, scope)

    kind = draw(
        st.sampled_from(
            ["and", "or", "not", "compare", "compare", "in", "match", "known", "quantifier"]
        )
    )
    if kind in ("and", "or"):
        items = tuple(draw(st.lists(sub(), min_size=2, max_size=3)))
        return ir.And(items) if kind == "and" else ir.Or(items)
    if kind == "not":
        return ir.Not(draw(sub()))
    if kind == "compare":
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return ir.Compare(op, draw(operand()), draw(operand()))
    if kind == "in":
        listed = st.lists(literals, max_size=3).map(lambda x: ir.ListLiteral(tuple(x)))
        return ir.In(draw(operand()), draw(listed | operand()), draw(st.booleans()))
    if kind == "match":
        return ir.Match(draw(operand()), draw(st.text(max_size=6)), draw(st.booleans()))
    if kind == "known":
        return ir.Known(draw(operand()), draw(st.booleans()))
    return draw(quantifiers(depth, scope, st.sampled_from(["any", "all", "none", "count"])))


conditions: st.SearchStrategy[ir.Expr] = expressions(4, None)
