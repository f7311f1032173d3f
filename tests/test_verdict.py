"""The verdict policy, factor scores and confidence (docs/evaluation.md)."""

from __future__ import annotations

import pytest

from sistereval import ir
from sistereval.verdict import (
    Finding,
    confidence,
    decide,
    fact_support,
    factor_scores,
)

TRUE = ir.Compare("==", ir.FactRef("x"), ir.Literal(True))


def _verdict_rule(rule_id: str, verdict: str) -> ir.Rule:
    return ir.Rule(
        id=rule_id,
        title=rule_id,
        when=TRUE,
        then=ir.VerdictThen(verdict=verdict),
        because={"en": "-", "id": "-"},
        source="test",
    )


def _ruleset(policy: str) -> ir.RuleSet:
    rules = (
        _verdict_rule("ok", "success"),
        _verdict_rule("meh", "partial"),
        _verdict_rule("bad", "failure"),
        _verdict_rule("meh-too", "partial"),
    )
    return ir.RuleSet(id="t", version="1", title="t", policy=policy, rules=rules)


class TestDecide:
    @pytest.mark.parametrize(
        ("policy", "fired", "expected"),
        [
            ("worst", ["ok", "meh", "meh-too"], ("partial", ("meh", "meh-too"))),
            ("worst", ["ok", "bad", "meh"], ("failure", ("bad",))),
            ("best", ["bad", "meh"], ("partial", ("meh",))),
            ("best", ["ok", "bad"], ("success", ("ok",))),
            ("priority", ["meh-too", "bad"], ("failure", ("bad",))),
            ("priority", ["meh", "ok"], ("success", ("ok",))),
            ("worst", [], ("not_assessable", ())),
        ],
    )
    def test_policies(
        self, policy: str, fired: list[str], expected: tuple[str, tuple[str, ...]]
    ) -> None:
        assert expected == decide(_ruleset(policy), fired)


def _finding(kind: str, factor: str, severity: str) -> Finding:
    return Finding(
        rule=f"{kind}-{factor}-{severity}",
        title="t",
        kind=kind,
        factor=factor,
        severity=severity,
        message="m",
        facts={},
        sources=(),
        rule_source="s",
    )


class TestFactorScores:
    def test_strengths_minus_weaknesses_and_obstacle_burden(self) -> None:
        ruleset = ir.RuleSet(
            id="t", version="1", title="t", factors=("vision",), obstacle_groups=("finance",)
        )
        findings = [
            _finding("strength", "vision", "high"),
            _finding("obstacle", "vision", "low"),
            _finding("risk", "finance", "medium"),
            _finding("obstacle", "finance", "high"),
            _finding("strength", "finance", "high"),  # a strength does not lower a burden
        ]
        assert {"vision": 2.0, "finance": 5.0} == factor_scores(ruleset, findings)


class TestFactSupport:
    def reliability(self, source: str) -> str | None:
        return {"h": "H", "m": "M", "l": "L", "unmarked": None}[source]

    @pytest.mark.parametrize(
        ("sources", "disputed", "expected"),
        [
            ((), False, 0.5),
            (("h",), False, 0.9),
            (("m",), False, 0.6),
            (("unmarked",), False, 0.6),
            (("l",), False, 0.3),
            (("m", "m"), False, 0.6),  # the same source twice is one source
            (("m", "l"), False, 1 - 0.4 * 0.7),
            (("h",), True, 0.9 * 0.75),
        ],
    )
    def test_noisy_or(self, sources: tuple[str, ...], disputed: bool, expected: float) -> None:
        assert expected == pytest.approx(fact_support(sources, self.reliability, disputed))


class TestConfidence:
    def test_mean_rounded(self) -> None:
        assert 0.57 == confidence([0.9, 0.6, 0.2])

    def test_nothing_decided(self) -> None:
        assert 0.0 == confidence([])
