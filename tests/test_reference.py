"""The reference evaluator: the IR semantics of ``sistereval.ir``, example by example."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from ir_strategies import SCHEMA, Facts, facts, rule, rulesets
from sistereval import ir
from sistereval.engine.reference import (
    UNKNOWN,
    Env,
    eval_condition,
    eval_expr,
    evaluate,
    matching_items,
)
from sistereval.errors import EvaluationError
from sistereval.model import PartialDate

F, L = ir.FactRef, ir.Literal
D = PartialDate


def A(name: str) -> ir.ItemRef:
    return ir.ItemRef("activities", name)


def env(activities: list[dict[str, Any]] | None = None, **scalars: Any) -> Env:
    values = {name.replace("__", "."): value for name, value in scalars.items()}
    return Env(scalars=values, collections={"activities": activities or []})


def ruleset(*rules: ir.Rule) -> ir.RuleSet:
    return ir.RuleSet(id="test", version="1", title="test", rules=rules)


class TestEvalExpr:
    def test_an_unknown_fact_is_unknown(self) -> None:
        assert UNKNOWN is eval_expr(F("fields.ratio"), env(fields__ratio=None))
        assert UNKNOWN is eval_expr(F("fields.ratio"), env())

    def test_arithmetic_is_on_doubles(self) -> None:
        expr = ir.Arith("+", L(0.1), L(0.2))
        assert 0.1 + 0.2 == eval_expr(expr, env())
        assert 1.5 == eval_expr(ir.Arith("/", L(3), L(2)), env())

    def test_division_by_zero_is_unknown(self) -> None:
        assert UNKNOWN is eval_expr(ir.Arith("/", L(1), F("fields.agreed")), env(fields__agreed=0))

    def test_arithmetic_with_an_unknown_is_unknown(self) -> None:
        assert UNKNOWN is eval_expr(ir.Arith("*", L(2), F("fields.agreed")), env())

    def test_count_counts_matching_items(self) -> None:
        items = [{"kind": "visit"}, {"kind": "a"}, {"kind": "visit"}]
        count = ir.Quantifier("count", "activities", ir.Compare("==", A("kind"), L("visit")))
        assert 2 == eval_expr(count, env(items))

    def test_fired_and_derived(self) -> None:
        scope = Env(scalars={}, fired=frozenset({"a"}), derived=frozenset({"d"}))
        assert (True, False) == (
            eval_expr(ir.FiredRef("a"), scope),
            eval_expr(ir.FiredRef("b"), scope),
        )
        assert eval_expr(ir.DerivedRef("d"), scope) is True

    def test_an_item_attribute_outside_a_quantifier_is_an_error(self) -> None:
        with pytest.raises(EvaluationError):
            eval_expr(A("kind"), env())


class TestEvalCondition:
    @pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
    def test_an_unknown_operand_makes_either_polarity_false(self, op: str) -> None:
        compare = ir.Compare(op, F("fields.ratio"), L(0.3))
        assert (False, False) == (
            eval_condition(compare, env()),
            eval_condition(ir.Not(compare), env()),
        )

    @pytest.mark.parametrize(
        ("left", "op", "right", "expected"),
        [
            (D(2017, 10, 10), "<", D(2018), True),
            (D(2017, 10), "==", D(2017), True),
            (D(2017, 10, 10), "<", D(2017), False),
            (D(2017, 10, 10), ">", D(2017, 9), True),
            (D(2017, 10, 10), "==", D(2017, 10, 11), False),
            (D(2017), "!=", D(2017, 1, 1), False),
        ],
    )
    def test_dates_compare_at_the_coarser_precision(
        self, left: PartialDate, op: str, right: PartialDate, expected: bool
    ) -> None:
        assert expected == eval_condition(ir.Compare(op, L(left), L(right)), env())

    def test_strings_compare_by_code_point(self) -> None:
        assert eval_condition(ir.Compare("<", L("10"), L("9")), env())
        assert not eval_condition(ir.Compare("<", L("a\nb"), L("a\tb")), env())

    def test_doubles_do_not_add_up_exactly(self) -> None:
        assert not eval_condition(ir.Compare("==", ir.Arith("+", L(0.1), L(0.2)), L(0.3)), env())

    def test_booleans_compare_false_before_true(self) -> None:
        assert eval_condition(ir.Compare("<", L(False), L(True)), env())

    def test_a_boolean_fact_is_a_condition(self) -> None:
        assert (True, False, False) == (
            eval_condition(F("active"), env(active=True)),
            eval_condition(ir.Not(F("active")), env(active=True)),
            eval_condition(ir.Not(F("active")), env()),
        )

    def test_in_a_list_literal(self) -> None:
        haystack = ir.ListLiteral((L("a"), L("b")))
        assert eval_condition(ir.In(F("kind"), haystack), env(kind="b"))
        assert not eval_condition(ir.In(F("kind"), haystack, negated=True), env(kind="b"))
        assert not eval_condition(ir.In(F("kind"), haystack, negated=True), env())

    def test_not_in_an_empty_list_needs_a_known_needle(self) -> None:
        empty = ir.ListLiteral(())
        assert eval_condition(ir.In(F("kind"), empty, negated=True), env(kind="a"))
        assert not eval_condition(ir.In(F("kind"), empty), env(kind="a"))

    def test_dates_in_a_list_literal_compare_at_the_coarser_precision(self) -> None:
        haystack = ir.ListLiteral((L(D(2016)), L(D(2017, 10))))
        assert eval_condition(
            ir.In(F("milestones.agreement"), haystack), env(milestones__agreement=D(2017, 10, 3))
        )

    def test_in_a_list_fact(self) -> None:
        assert eval_condition(ir.In(L("youth"), F("tags")), env(tags=("a", "youth")))
        assert eval_condition(ir.In(L("youth"), F("tags"), negated=True), env(tags=()))
        assert not eval_condition(ir.In(L("youth"), F("tags"), negated=True), env())

    @pytest.mark.parametrize(
        ("pattern", "subject", "expected"),
        [
            ("Kota*", "Kota Bandung", True),
            ("*bandung", "Kota Bandung", False),
            ("a?c", "abc", True),
            ("a?c", "ac", False),
            ("*", "", True),
            ("", "", True),
            ("a.c", "abc", False),
            ("*aa", "aaa", True),
            ("a\nb", "a\nb", True),
            ("?", "😀", True),
        ],
    )
    def test_matches_is_an_anchored_glob(self, pattern: str, subject: str, expected: bool) -> None:
        assert expected == eval_condition(ir.Match(F("title"), pattern), env(title=subject))

    def test_imatches_lowers_both_sides(self) -> None:
        assert eval_condition(
            ir.Match(F("title"), "*BANDUNG", ignore_case=True), env(title="kota Bandung")
        )

    def test_known_and_missing(self) -> None:
        ratio = ir.Arith("/", F("fields.implemented"), F("fields.agreed"))
        scope = env(fields__implemented=1, fields__agreed=0)
        assert (False, True) == (
            eval_condition(ir.Known(ratio), scope),
            eval_condition(ir.Known(ratio, negated=True), scope),
        )

    def test_quantifiers_over_an_empty_collection(self) -> None:
        visit = ir.Compare("==", A("kind"), L("visit"))
        results = [
            eval_condition(ir.Quantifier(k, "activities", visit), env())
            for k in ("any", "all", "none")
        ]
        assert [False, True, True] == results

    def test_all_counts_the_items_where_the_condition_is_false(self) -> None:
        # all(c, p) is "no item satisfies not p": an unknown attribute does not falsify it
        big = ir.Compare(">", A("size"), L(3))
        items = [{"size": 5}, {"size": None}]
        assert eval_condition(ir.Quantifier("all", "activities", big), env(items))
        assert not eval_condition(ir.Not(ir.Quantifier("all", "activities", big)), env(items))

    def test_a_predicate_reads_scalars_and_item_attributes(self) -> None:
        after = ir.Compare(">=", A("date"), F("milestones.agreement"))
        items = [{"date": D(2016)}, {"date": D(2018, 2)}]
        scope = env(items, milestones__agreement=D(2017, 5))
        assert eval_condition(ir.Quantifier("any", "activities", after), scope)


class TestMatchingItems:
    def test_the_items_satisfying_the_condition(self) -> None:
        items = [{"kind": "visit"}, {"kind": "a"}, {"kind": "visit"}]
        visit = ir.Compare("==", A("kind"), L("visit"))
        assert (0, 2) == matching_items(ir.Quantifier("any", "activities", visit), env(items))

    def test_the_counterexamples_of_all(self) -> None:
        items = [{"kind": "visit"}, {"kind": "a"}]
        visit = ir.Compare("==", A("kind"), L("visit"))
        assert (1,) == matching_items(ir.Quantifier("all", "activities", visit), env(items))

    def test_every_item_without_a_condition(self) -> None:
        assert (0, 1) == matching_items(ir.Quantifier("any", "activities", None), env([{}, {}]))


class TestEvaluate:
    def test_strata_see_the_findings_firings_and_derived_facts_below(self) -> None:
        obstacle = ir.FindingThen(kind="obstacle", factor="f1", severity="high")
        kind = ir.Compare("==", ir.ItemRef("findings", "kind"), L("obstacle"))
        rules = (
            rule("o1", L(True), obstacle),
            rule("o2", F("active"), obstacle),
            rule("d", L(True), ir.Derive(name="d1")),
            rule(
                "two", ir.Compare("==", ir.Quantifier("count", "findings", kind), L(2)), stratum=1
            ),
            rule("same-stratum", ir.Quantifier("none", "findings", None)),
            rule("derived", ir.DerivedRef("d1"), stratum=1),
            rule("not-two", ir.Not(ir.FiredRef("two")), stratum=2),
        )
        firing = evaluate(ruleset(*rules), Facts({"active": True}), SCHEMA)
        assert ("o1", "o2", "d", "two", "same-stratum", "derived") == firing.fired
        assert {"findings": (0, 1)} == firing.matched_items["two"]

    def test_fired_is_in_rule_set_order(self) -> None:
        rules = (rule("b", L(True)), rule("a", L(True)))
        assert ("b", "a") == evaluate(ruleset(*rules), Facts({}), SCHEMA).fired

    @given(rs=rulesets(), case=facts())
    def test_fires_only_rules_of_the_rule_set_once(self, rs: ir.RuleSet, case: Facts) -> None:
        fired = evaluate(rs, case, SCHEMA).fired
        assert len(set(fired)) == len(fired)
        assert set(fired) <= {r.id for r in rs.rules}
