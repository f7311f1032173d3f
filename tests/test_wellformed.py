"""Well-formedness of rule sets and facts, as both evaluators check them."""

from __future__ import annotations

from typing import Any

import pytest

from ir_strategies import SCHEMA, Facts, rule
from sistereval import ir
from sistereval.engine.wellformed import check_facts, check_ruleset, expr_type, is_number, is_text
from sistereval.errors import EvaluationError

F, L = ir.FactRef, ir.Literal


def A(name: str) -> ir.ItemRef:
    return ir.ItemRef("activities", name)


def ruleset(*rules: ir.Rule) -> ir.RuleSet:
    return ir.RuleSet(id="test", version="1", title="test", rules=rules)


class TestCheckRuleset:
    @pytest.mark.parametrize(
        ("when", "message"),
        [
            (ir.Compare(">", F("nope"), L(1)), "unknown fact"),
            (ir.Compare(">", F("title"), L(1)), "cannot compare"),
            (A("kind"), "outside a quantifier"),
            (ir.Quantifier("any", "nope", None), "unknown collection"),
            (
                ir.Quantifier("any", "activities", ir.Quantifier("any", "changes", None)),
                "do not nest",
            ),
            (ir.Not(ir.Match(F("title"), "a*")), "cannot negate"),
            (ir.Quantifier("all", "activities", ir.Match(A("note"), "a*")), "cannot be negated"),
            (ir.Arith("+", F("title"), L(1)), "non-number"),
            (ir.In(L(1), F("tags")), "cannot be in"),
            (ir.Known(ir.Compare("==", F("active"), F("active"))), "needs a value"),
            (ir.FiredRef("nope"), "names no rule"),
            (ir.DerivedRef("nope"), "derives"),
            (F("fields.agreed"), "must be true or false"),
        ],
    )
    def test_an_ill_formed_rule_is_named(self, when: ir.Expr, message: str) -> None:
        with pytest.raises(EvaluationError) as info:
            check_ruleset(ruleset(rule("ok", L(True)), rule("bad", when)), SCHEMA)
        assert "bad" == info.value.rule
        assert message in str(info.value)

    def test_duplicate_rule_ids(self) -> None:
        with pytest.raises(EvaluationError):
            check_ruleset(ruleset(rule("x", L(True)), rule("x", L(False))), SCHEMA)

    def test_references_must_point_to_lower_strata(self) -> None:
        derive = rule("d", L(True), ir.Derive(name="d1"), stratum=1)
        with pytest.raises(EvaluationError) as info:
            check_ruleset(ruleset(derive, rule("uses", ir.DerivedRef("d1"), stratum=1)), SCHEMA)
        assert "uses" == info.value.rule


class TestCheckFacts:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("active", 1),
            ("fields.agreed", True),
            ("fields.agreed", "3"),
            ("fields.ratio", float("inf")),
            ("title", 5),
            ("title", "\ud800"),
            ("milestones.agreement", "2017"),
            ("tags", ("a", 1)),
        ],
    )
    def test_a_fact_of_the_wrong_type(self, name: str, value: Any) -> None:
        with pytest.raises(EvaluationError):
            check_facts(Facts({name: value}), SCHEMA)

    def test_unknown_and_undeclared_values_are_fine(self) -> None:
        check_facts(Facts({"active": None, "elsewhere": object()}), SCHEMA)


class TestExprType:
    def test_types(self) -> None:
        types = [
            expr_type(e, SCHEMA)
            for e in (
                F("fields.agreed"),
                F("kind"),
                F("milestones.loi"),
                F("tags"),
                ir.Quantifier("count", "findings", None),
            )
        ]
        vt = ir.ValueType
        assert [vt.NUMBER, vt.STRING, vt.DATE, vt.LIST, vt.NUMBER] == types

    def test_item_attributes_need_their_collection(self) -> None:
        assert ir.ValueType.DATE == expr_type(A("date"), SCHEMA, collection="activities")
        with pytest.raises(EvaluationError):
            expr_type(A("date"), SCHEMA, collection="changes")


class TestIsNumber:
    @pytest.mark.parametrize(
        ("value", "expected"), [(1, True), (0.5, True), (True, False), ("1", False)]
    )
    def test_numbers_are_ints_and_floats_but_not_bools(self, value: object, expected: bool) -> None:
        assert expected == is_number(value)


class TestIsText:
    @pytest.mark.parametrize(
        ("value", "expected"), [("abc", True), ("Bandung–Namur", True), ("a\ud800", False)]
    )
    def test_text_has_no_lone_surrogates(self, value: str, expected: bool) -> None:
        assert expected == is_text(value)
