"""Cases sharing durable sessions give what one session per case gives.

The engine evaluates consecutive cases in one session until it holds
``session_facts`` facts (:data:`sistereval.engine.SESSION_FACTS`);
``session_facts=0`` gives every case its own session, the oracle here for
:meth:`~sistereval.engine.Engine.evaluate`, :meth:`~sistereval.engine.Engine.evaluate_many`
and :func:`sistereval.evaluation.evaluate_many`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from ir_strategies import SCHEMA, Facts, facts, rule, rulesets
from sistereval import FACT_SCHEMA, ir, strategies
from sistereval import evaluation as evaluation_module
from sistereval.engine import SESSION_FACTS, Engine
from sistereval.errors import CaseError, EvaluationError
from sistereval.evaluation import evaluate, evaluate_many, rule_set
from sistereval.model import Case

T = TypeVar("T")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
F = ir.FactRef
ANY_VISIT = ir.Quantifier(
    "any", "activities", ir.Compare("==", ir.ItemRef("activities", "kind"), ir.Literal("visit"))
)


@pytest.fixture(scope="module")
def core_one_per_case() -> Iterator[Engine]:
    """The core rules on an engine that gives every case its own session."""
    with Engine(rule_set("core"), FACT_SCHEMA, session_facts=0) as engine:
        yield engine


def _firings(firings: Any) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Fired rules and matched items (``Firing`` equality leaves the items out)."""
    return [(f.fired, {r: dict(m) for r, m in f.matched_items.items()}) for f in firings]


def _facts(active: bool, visits: int = 0, **scalars: Any) -> Facts:
    item = {"kind": "visit", "date": None, "size": 1, "participants": (), "note": "n"}
    return Facts({"active": active, **scalars}, {"activities": [item] * visits, "changes": []})


def _until_error(results: Iterator[T]) -> tuple[list[T], Exception | None]:
    """What an iterator yields before it raises, and what it raises."""
    yielded: list[T] = []
    try:
        for result in results:
            yielded.append(result)
    except Exception as error:
        return yielded, error
    return yielded, None


class TestEngineEvaluateMany:
    @settings(max_examples=150)
    @given(
        ruleset=rulesets(),
        cases=st.lists(facts(), min_size=1, max_size=10),
        session_facts=st.integers(1, 40),
        chunk=st.integers(1, 4),
    )
    def test_same_firing_as_one_session_per_case(
        self, ruleset: ir.RuleSet, cases: list[Facts], session_facts: int, chunk: int
    ) -> None:
        try:
            alone = Engine(ruleset, SCHEMA, session_facts=0)
        except EvaluationError as error:
            assume("alternatives" not in str(error))
            raise
        with alone, Engine(ruleset, SCHEMA, session_facts=session_facts) as shared:
            note(f"cases: {cases!r}")
            expected = _firings(alone.evaluate(case) for case in cases)
            assert expected == _firings(shared.evaluate(case) for case in cases)
            assert expected == _firings(shared.evaluate_many(cases, chunk=chunk))

    def test_a_case_with_more_facts_than_a_session_holds_starts_a_new_one(self) -> None:
        rs = ir.RuleSet(
            id="many",
            version="1",
            title="many",
            rules=(rule("visit", ANY_VISIT), rule("on", F("active"))),
        )
        cases = [_facts(n % 2 == 0, visits=SESSION_FACTS if n == 4 else n % 3) for n in range(9)]
        with Engine(rs, SCHEMA, session_facts=0) as alone, Engine(rs, SCHEMA) as shared:
            expected = _firings(alone.evaluate(case) for case in cases)
            assert expected == _firings(shared.evaluate_many(cases, chunk=9))
            assert (
                ("visit", "on"),
                {"visit": {"activities": tuple(range(SESSION_FACTS))}},
            ) == expected[4]

    def test_a_failing_case_is_named_after_the_ones_before_it(self) -> None:
        rs = ir.RuleSet(id="bad", version="1", title="bad", rules=(rule("on", F("active")),))
        cases = [_facts(True), _facts(False), _facts(1), _facts(True)]  # type: ignore[arg-type]
        with Engine(rs, SCHEMA) as engine:
            yielded, error = _until_error(engine.evaluate_many(cases, chunk=3))
        assert [("on",), ()] == [firing.fired for firing in yielded]
        assert isinstance(error, EvaluationError)
        assert str(error).startswith("case 2: fact 'active' should be a boolean")

    def test_an_action_error_names_the_case_and_the_rule(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        rs = ir.RuleSet(id="act", version="1", title="act", rules=(rule("on", F("active")),))

        def record(self: Engine, session: Any, index: int) -> None:
            raise RuntimeError("boom")

        with Engine(rs, SCHEMA) as engine:
            monkeypatch.setattr(Engine, "_record_firing", record)
            with pytest.raises(EvaluationError) as info:
                list(engine.evaluate_many([_facts(False), _facts(True)]))
            assert "on" == info.value.rule
            assert str(info.value).startswith("case 1: rule 'on': an action failed")
            monkeypatch.undo()
            assert [("on",)] * 3 == [f.fired for f in engine.evaluate_many([_facts(True)] * 3)]

    def test_chunk_must_be_positive(self) -> None:
        rs = ir.RuleSet(id="c", version="1", title="c", rules=(rule("on", F("active")),))
        with Engine(rs, SCHEMA) as engine, pytest.raises(ValueError, match="chunk"):
            list(engine.evaluate_many([_facts(True)], chunk=0))

    def test_a_closed_engine_refuses(self) -> None:
        rs = ir.RuleSet(id="c", version="1", title="c", rules=(rule("on", F("active")),))
        engine = Engine(rs, SCHEMA)
        engine.close()
        with pytest.raises(EvaluationError):
            list(engine.evaluate_many([_facts(True)]))


class TestEvaluationEvaluateMany:
    @settings(max_examples=25)
    @given(cases=st.lists(strategies.cases(), min_size=1, max_size=6), chunk=st.integers(1, 4))
    def test_same_decision_records_as_one_session_per_case(
        self, core_one_per_case: Engine, cases: list[Case], chunk: int
    ) -> None:
        rules = core_one_per_case.ruleset
        key = (rules.sha256, id(FACT_SCHEMA))
        with mock.patch.dict(evaluation_module._engines, {key: core_one_per_case}):
            expected = [evaluate(case, rules).to_dict() for case in cases]
        assert expected == [evaluate(case, rules).to_dict() for case in cases]
        assert expected == [e.to_dict() for e in evaluate_many(cases, rules, chunk=chunk)]

    def test_the_examples(self) -> None:
        paths = sorted(EXAMPLES.glob("*.yaml"))
        assert [evaluate(p).to_dict() for p in paths] == [
            e.to_dict() for e in evaluate_many(paths, chunk=2)
        ]

    def test_an_invalid_case_raises_after_the_ones_before_it(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("format: sistereval/case@1\nid: x\n", encoding="utf-8")
        paths = [EXAMPLES / "bandung-namur.yaml", EXAMPLES / "bandung-suwon.yaml", bad]
        yielded, error = _until_error(evaluate_many(paths, language="id"))
        assert ["failure", "partial"] == [evaluation.verdict for evaluation in yielded]
        assert isinstance(error, CaseError)
