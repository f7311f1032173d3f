"""The meaning both evaluators take from ``sistereval.ir``: counted conditions, finding items."""

from __future__ import annotations

import pytest

from ir_strategies import rule
from sistereval import ir
from sistereval.errors import EvaluationError

L = ir.Literal


def A(name: str) -> ir.ItemRef:
    return ir.ItemRef("activities", name)


class TestCountedCondition:
    def test_all_counts_the_negation(self) -> None:
        visit = ir.Compare("==", A("kind"), L("visit"))
        assert ir.Compare("!=", A("kind"), L("visit")) == ir.counted_condition(
            ir.Quantifier("all", "activities", visit)
        )

    def test_all_over_a_match_is_an_error(self) -> None:
        with pytest.raises(EvaluationError):
            ir.counted_condition(ir.Quantifier("all", "activities", ir.Match(A("note"), "a*")))


class TestFindingItem:
    def test_the_item_of_a_finding_rule(self) -> None:
        then = ir.FindingThen(kind="obstacle", factor="f1", severity="high")
        expected = {"rule": "r", "kind": "obstacle", "factor": "f1", "severity": "high"}
        assert expected == ir.finding_item(rule("r", L(True), then))
