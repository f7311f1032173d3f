"""Type checking of conditions: sistereval.language.check_expression."""

from __future__ import annotations

import pytest

from language_schema import SCHEMA
from sistereval import ir
from sistereval.errors import RuleError
from sistereval.language import FINDINGS, check_expression, parse_expression
from sistereval.schema import FactType

RULES = ("far-apart", "few-fields-implemented")
DERIVED = ("leadership_gap",)
FACTORS = ("long_term_vision", "distance")


def problems(text: str, *, factors: tuple[str, ...] = FACTORS) -> list[str]:
    """``column: code: message (suggestion)`` for every problem of ``text``."""
    expr = parse_expression(text)
    try:
        check_expression(expr, schema=SCHEMA, rules=RULES, derived=DERIVED, factors=factors)
    except RuleError as exc:
        return [
            f"{p.location.column}: {p.code}: {p.message}"
            + (f" ({p.suggestion})" if p.suggestion else "")
            for p in exc.problems
        ]
    return []


class TestCheckExpression:
    @pytest.mark.parametrize(
        "text",
        [
            "fields.agreed >= 3 and fields.implementation_ratio < 0.34",
            'partnership.kind == "sister_city"',
            '"friendship" != partnership.kind and fields.agreed > 0',
            'partnership.kind in ["sister_city", "friendship"]',
            'partnership.start < date("2017-10") and partnership.ended',
            "budget.earmarked == false",
            "budget.earmarked == true or not budget.earmarked and fields.agreed > 1",
            '"youth" in sectors.participating',
            '"anything" in disputes.facts',
            'any(activities, "youth" in participants and kind == "visit")',
            'count(activities, date >= date("2018")) >= 2',
            "count(activities) > 0",
            'count(findings, kind == "obstacle" and severity == "high") >= 2',
            'any(findings, factor == "distance" and rule == "far-apart")',
            'fired("far-apart") and derived.leadership_gap',
            "known(fields.agreed) and fields.agreed > 2",
            "any(activities, known(people))",
            'partnership.name imatches "band*" or partnership.name matches "?andung"',
            "fields.implemented / 2 > 1 and fields.agreed * -1.5 + 3 <= 0",
            "all(activities, people > 10)",
            'none(activities, kind == "visit") and fields.agreed > 1',
            "any(activities, date > partnership.start)",
            "not (fields.agreed > 3)",
            'not fired("far-apart") and fields.agreed > 1',
            'any(activities, field matches "eco*")',
            'count(activities, field matches "eco*") >= 1',
            'not count(activities, field matches "eco*") >= 2',
            'not not partnership.name matches "B*"',
            "-fields.agreed < 0",
            "true",
        ],
    )
    def test_valid(self, text: str) -> None:
        assert problems(text) == []

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "fields.implemnted > 1",
                "1: unknown-fact: 'fields.implemnted' (did you mean 'fields.implemented'?)",
            ),
            (
                "activities > 1",
                "1: unknown-fact: 'activities' (it is a collection: use any(activities, ...)"
                " or count(activities))",
            ),
            ("zzz.qqq", "1: unknown-fact: 'zzz.qqq'"),
            (
                'any(activities, kinds == "visit")',
                "17: unknown-attribute: 'kinds' is no attribute of 'activities'"
                " (did you mean 'kind'?)",
            ),
            (
                "any(activities, xyz)",
                "17: unknown-attribute: 'xyz' is no attribute of 'activities'"
                " (one of 'kind', 'date', 'participants', 'field', 'people')",
            ),
            (
                'any(activites, kind == "visit")',
                "1: unknown-collection: 'activites' (did you mean 'activities'?)",
            ),
            (
                'fired("far-apar")',
                "1: unknown-rule: 'far-apar' (did you mean 'far-apart'?)",
            ),
            (
                "derived.leadership",
                "1: unknown-derived: 'derived.leadership': no rule derives 'leadership'"
                " (did you mean 'leadership_gap'?)",
            ),
            ('fields.implemented > "many"', "20: type-mismatch: cannot compare number with string"),
            (
                'partnership.start == "2017"',
                '19: type-mismatch: cannot compare date with string (write dates as date("2017"))',
            ),
            (
                "budget.earmarked < true",
                "18: type-mismatch: cannot order booleans with '<'"
                " (only numbers and dates have an order; use == or !=)",
            ),
            (
                'partnership.name >= "B"',
                "18: type-mismatch: cannot order strings with '>='"
                " (only numbers and dates have an order; use == or !=)",
            ),
            (
                "(fields.agreed > 1) == true",
                "21: type-mismatch: cannot use a condition as a value"
                " (use the condition itself, or 'not' for its opposite)",
            ),
            ('fields.agreed + "x" > 1', "17: type-mismatch: '+' needs numbers, not a string"),
            (
                'fields.agreed matches "1*"',
                "15: type-mismatch: cannot match a number against a pattern",
            ),
            (
                'partnership.kind in [1, "other"]',
                "22: type-mismatch: cannot compare string with number",
            ),
            (
                "budget.earmarked in [true]",
                "18: type-mismatch: cannot look for a boolean in a list (use == or !=)",
            ),
            (
                "fields.agreed in fields.implemented",
                "18: type-mismatch: the right side of 'in' must be a list, not a number"
                ' (a list fact, or a list of values such as ["a", "b"])',
            ),
            (
                "partnership.name in sectors.participating",
                "1: type-mismatch: only a string in quotes can be looked for in the list"
                " 'sectors.participating' (for example \"value\" in sectors.participating)",
            ),
            (
                'sectors.participating == "youth"',
                "23: type-mismatch: a list can only be tested with 'in' or 'not in'"
                ' (for example "value" in sectors.participating)',
            ),
            (
                'partnership.kind == "twin_town"',
                "21: bad-enum-value: 'twin_town' is not an allowed value"
                " (one of 'sister_city', 'friendship', 'sister_province', 'other')",
            ),
            (
                'partnership.kind in ["sister_city", "frendship"]',
                "37: bad-enum-value: 'frendship' is not an allowed value"
                " (did you mean 'friendship'?)",
            ),
            (
                '"yuoth" in sectors.participating',
                "1: bad-enum-value: 'yuoth' is not an allowed value (did you mean 'youth'?)",
            ),
            (
                'count(findings, factor == "distnce") > 0',
                "27: bad-enum-value: 'distnce' is not an allowed value (did you mean 'distance'?)",
            ),
            (
                'count(findings, kind == "obstacles") > 0',
                "25: bad-enum-value: 'obstacles' is not an allowed value"
                " (did you mean 'obstacle'?)",
            ),
            (
                "fields.agreed",
                "1: not-boolean: 'fields.agreed' is a number, not a condition"
                " (compare it, for example fields.agreed > 0)",
            ),
            ("count(activities)", "1: not-boolean: this is a number, not a condition"),
            (
                "partnership.name or fields.agreed > 1",
                "1: not-boolean: 'partnership.name' is a string, not a condition",
            ),
            (
                "any(activities, people)",
                "17: not-boolean: 'people' is a number, not a condition"
                " (compare it, for example people > 0)",
            ),
            (
                'any(activities, any(leadership_changes, office == "mayor"))',
                "17: nested-quantifier: any() inside a quantifier over 'activities':"
                " quantifiers do not nest"
                " (test the inner condition in a rule of its own that derives a fact)",
            ),
            (
                'fields.agreed > 1 and not (partnership.name matches "B*")',
                "45: negated-match: matches cannot be negated (under 'not', 'none' or 'all')"
                " (match what should be there, or list the values with 'not in')",
            ),
            (
                'fields.agreed > 1 and none(activities, field imatches "eco*")',
                "46: negated-match: imatches cannot be negated (under 'not', 'none' or 'all')"
                " (match what should be there, or list the values with 'not in')",
            ),
            (
                'all(activities, field matches "eco*")',
                "23: negated-match: matches cannot be negated (under 'not', 'none' or 'all')"
                " (match what should be there, or list the values with 'not in')",
            ),
            # found by the fuzzer: each passed the check and crashed the engine
            (
                'all(activities, not field matches "eco*")',
                "27: negated-match: matches cannot be negated (under 'not', 'none' or 'all')"
                " (match what should be there, or list the values with 'not in')",
            ),
            (
                'not any(activities, not field matches "eco*")',
                "31: negated-match: matches cannot be negated (under 'not', 'none' or 'all')"
                " (match what should be there, or list the values with 'not in')",
            ),
            (
                'count(activities, not field matches "eco*") >= 1',
                "29: negated-match: matches cannot be negated (under 'not', 'none' or 'all')"
                " (match what should be there, or list the values with 'not in')",
            ),
            (
                "fields.implemented / fields.agreed < 0.3",
                "20: division: a condition may only divide by a non-zero number"
                " (use a ratio from the fact schema, such as fields.implementation_ratio)",
            ),
            (
                "fields.implemented / 0.0 < 0.3",
                "20: division: a condition may only divide by a non-zero number"
                " (use a ratio from the fact schema, such as fields.implementation_ratio)",
            ),
            ("known(1)", "1: bad-argument: known() takes a fact or an item attribute"),
        ],
    )
    def test_invalid(self, text: str, expected: str) -> None:
        assert [expected] == problems(text)

    @pytest.mark.parametrize(
        "text",
        [
            "none(activities)",
            "missing(fields.agreed)",
            "fields.agreed != 3",
            '"youth" not in sectors.participating',
            'partnership.kind not in ["other"]',
            'not fired("far-apart")',
            'fired("far-apart") == false',
            "not derived.leadership_gap",
            'not any(activities, kind == "visit")',
            "missing(fields.agreed) or none(activities) and fields.agreed != 1",
        ],
    )
    def test_only_negations(self, text: str) -> None:
        assert problems(text) == [
            "1: only-negations: the condition only tests for absence"
            " (missing, none, not in, !=, not fired) (add a positive condition)"
        ]

    def test_every_problem_is_reported_in_order(self) -> None:
        found = problems('a.b > 1 and fields.agreed == "x" or fired("zz")')
        assert found == [
            "1: unknown-fact: 'a.b'",
            "27: type-mismatch: cannot compare number with string",
            "37: unknown-rule: 'zz'",
        ]

    def test_factor_is_free_text_without_factors(self) -> None:
        assert problems('count(findings, factor == "anything") > 0', factors=()) == []

    def test_item_reference_outside_a_quantifier(self) -> None:
        with pytest.raises(RuleError, match="unknown-fact: 'kind' outside a quantifier"):
            check_expression(ir.ItemRef("activities", "kind"), schema=SCHEMA)

    def test_list_literal_alone(self) -> None:
        with pytest.raises(RuleError, match="a list is only allowed after 'in'"):
            check_expression(ir.ListLiteral((ir.Literal(1),)), schema=SCHEMA)


class TestFindings:
    def test_items(self) -> None:
        assert FINDINGS.name == "findings"
        assert [(f.name, f.type, f.values) for f in FINDINGS.items] == [
            ("rule", FactType.STRING, ()),
            ("kind", FactType.ENUM, ("strength", "obstacle", "risk", "compliance")),
            ("factor", FactType.STRING, ()),
            ("severity", FactType.ENUM, ("low", "medium", "high")),
        ]
