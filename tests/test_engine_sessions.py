"""Cases sharing a durable session give what one session per case gives.

The engine evaluates consecutive cases in one session until it holds
``session_facts`` facts (:data:`sistereval.engine.SESSION_FACTS`);
``session_facts=0`` gives every case its own session, the oracle here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from ir_strategies import SCHEMA, Facts, facts, rule, rulesets
from sistereval import FACT_SCHEMA, ir, strategies
from sistereval.engine import cache as engine_cache
from sistereval.engine.durable import SESSION_FACTS, Engine
from sistereval.errors import EvaluationError
from sistereval.evaluation import evaluate, rule_set
from sistereval.model import Case

F = ir.FactRef
ANY_VISIT = ir.Quantifier(
    "any", "activities", ir.Compare("==", ir.ItemRef("activities", "kind"), ir.Literal("visit"))
)
RULES = ir.RuleSet(
    id="sessions",
    version="1",
    title="sessions",
    rules=(rule("visit", ANY_VISIT), rule("on", F("active"))),
)


@pytest.fixture(scope="module")
def core_one_per_case() -> Iterator[Engine]:
    """The core rules on an engine that gives every case its own session."""
    with Engine(rule_set("core"), FACT_SCHEMA, session_facts=0) as engine:
        yield engine


def _firings(firings: Iterable[ir.Firing]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Fired rules and matched items (``Firing`` equality leaves the items out)."""
    return [(f.fired, {r: dict(m) for r, m in f.matched_items.items()}) for f in firings]


def _facts(active: object, visits: int = 0) -> Facts:
    item = {"kind": "visit", "date": None, "size": 1, "participants": (), "note": "n"}
    return Facts({"active": active}, {"activities": [item] * visits, "changes": []})


class TestSharedSessions:
    @settings(max_examples=100)
    @given(
        ruleset=rulesets(),
        cases=st.lists(facts(), min_size=1, max_size=10),
        session_facts=st.integers(1, 40),
    )
    def test_same_firing_as_one_session_per_case(
        self, ruleset: ir.RuleSet, cases: list[Facts], session_facts: int
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

    @settings(max_examples=25)
    @given(cases=st.lists(strategies.cases(), min_size=1, max_size=6))
    def test_same_decision_records_as_one_session_per_case(
        self, core_one_per_case: Engine, cases: list[Case]
    ) -> None:
        rules = core_one_per_case.ruleset
        key = (rules.sha256, id(FACT_SCHEMA))
        with mock.patch.dict(engine_cache._engines, {key: core_one_per_case}):
            expected = [evaluate(case, rules).to_dict() for case in cases]
        assert expected == [evaluate(case, rules).to_dict() for case in cases]

    def test_a_case_with_more_facts_than_a_session_holds(self) -> None:
        cases = [_facts(n % 2 == 0, visits=SESSION_FACTS if n == 4 else n % 3) for n in range(9)]
        with Engine(RULES, SCHEMA, session_facts=0) as alone, Engine(RULES, SCHEMA) as shared:
            expected = _firings(alone.evaluate(case) for case in cases)
            assert expected == _firings(shared.evaluate(case) for case in cases)
        visits = {"visit": {"activities": tuple(range(SESSION_FACTS))}}
        assert (("visit", "on"), visits) == expected[4]

    def test_a_failed_evaluation_does_not_disturb_the_next(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        failing = Engine._record_firing

        def record(self: Engine, session: Any, index: int) -> None:
            if len(session.matched.get(0, ())) == 2:
                raise RuntimeError("boom")
            failing(self, session, index)

        with Engine(RULES, SCHEMA) as engine:
            assert ("visit", "on") == engine.evaluate(_facts(True, visits=1)).fired
            monkeypatch.setattr(Engine, "_record_firing", record)
            with pytest.raises(EvaluationError, match="boom"):
                engine.evaluate(_facts(True, visits=2))
            with pytest.raises(EvaluationError, match="should be a boolean"):
                engine.evaluate(_facts(1))
            assert ("visit", "on") == engine.evaluate(_facts(True, visits=1)).fired
            assert () == engine.evaluate(_facts(False)).fired

    def test_closing_deletes_the_live_session(self) -> None:
        engine = Engine(RULES, SCHEMA)
        engine.evaluate(_facts(True))
        assert engine._session is not None
        engine.close()
        assert engine._session is None
        with pytest.raises(EvaluationError, match="closed"):
            engine.evaluate(_facts(True))
