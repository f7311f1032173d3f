"""An evaluation keeps what explanations and reports need: they derive the case's facts
and run the rules on them once, however many sections they fill."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sistereval.cases import load_case
from sistereval.engine import Engine, reference
from sistereval.errors import UsageError
from sistereval.evaluation import evaluate
from sistereval.explanation import counterfactuals, dispute_verdicts, explain, explain_evaluation
from sistereval.facts import Facts, derive
from sistereval.language import rule_set
from sistereval.model import Case
from sistereval.report import build_report, make_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class Calls:
    """The cases :func:`derive` was called with and the facts each evaluator was run on."""

    def __init__(self) -> None:
        self.derived: list[Case] = []
        self.evaluated: list[Facts] = []

    def of(self, case: Case, facts: Facts) -> tuple[int, int]:
        return (
            sum(seen == case for seen in self.derived),
            sum(seen == facts for seen in self.evaluated),
        )


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Count every call of derive (wherever a module imported it) and of both evaluators."""
    record = Calls()

    def counting_derive(case: Case) -> Facts:
        record.derived.append(case)
        return derive(case)

    for name, module in list(sys.modules.items()):
        if name.startswith("sistereval") and getattr(module, "derive", None) is derive:
            monkeypatch.setattr(module, "derive", counting_derive)

    engine_evaluate = Engine.evaluate

    def counting_engine(self: Engine, facts: Any) -> Any:
        record.evaluated.append(facts)
        return engine_evaluate(self, facts)

    monkeypatch.setattr(Engine, "evaluate", counting_engine)
    reference_evaluate = reference.evaluate

    def counting_reference(ruleset: Any, facts: Any, schema: Any) -> Any:
        record.evaluated.append(facts)
        return reference_evaluate(ruleset, facts, schema)

    monkeypatch.setattr(reference, "evaluate", counting_reference)
    return record


# Bandung-Namur has disputes of both kinds (a milestone date, a distance); Suwon none.
@pytest.fixture(params=["bandung-namur", "bandung-suwon"])
def case(request: pytest.FixtureRequest) -> Case:
    return load_case(EXAMPLES / f"{request.param}.yaml")


Run = Callable[[Case], object]
RUNS: dict[str, Run] = {
    "explain": lambda case: explain(case, "core"),
    "explain with counterfactuals": lambda case: explain(case, "core", counterfactual=True),
    "explain, reference backend": lambda case: explain(case, "core", backend="reference"),
    "build_report": lambda case: build_report(case, "core", language="id"),
    "make_report": lambda case: make_report(case, "core", max_changes=2),
    "make_report without the search": lambda case: make_report(case, "core", search=False),
}


class TestOncePerCase:
    @pytest.mark.parametrize("what", sorted(RUNS))
    def test_the_case_is_derived_and_evaluated_once(
        self, calls: Calls, case: Case, what: str
    ) -> None:
        facts = derive(case)

        RUNS[what](case)

        assert (1, 1) == calls.of(case, facts)

    def test_the_count_sees_a_second_evaluation(self, calls: Calls, case: Case) -> None:
        facts = derive(case)

        evaluate(case, "core")
        evaluate(case, "core", backend="reference")

        assert (2, 2) == calls.of(case, facts)


class TestReuse:
    def test_an_evaluation_is_explained_as_explain_would(self) -> None:
        case = load_case(EXAMPLES / "bandung-namur.yaml")
        evaluation = evaluate(case, "core", language="id")

        expected = explain(case, "core", language="id").to_dict()
        assert expected == explain_evaluation(evaluation).to_dict()

    def test_the_trace_holds_the_case_rules_and_facts(self) -> None:
        case = load_case(EXAMPLES / "bandung-suwon.yaml")
        evaluation = evaluate(case)

        trace = evaluation.trace
        assert trace is not None
        expected = (case, rule_set("core"), derive(case), "durable")
        assert expected == (trace.case, trace.ruleset, trace.facts, trace.backend)
        assert "trace" not in evaluation.to_dict()

    def test_another_cases_evaluation_is_refused(self) -> None:
        namur = load_case(EXAMPLES / "bandung-namur.yaml")
        suwon = evaluate(EXAMPLES / "bandung-suwon.yaml")

        with pytest.raises(UsageError, match="another case"):
            dispute_verdicts(namur, "core", evaluation=suwon)
        with pytest.raises(UsageError, match="another case"):
            counterfactuals(namur, "core", evaluation=suwon)

    def test_with_an_evaluation_the_disputes_are_the_same(self) -> None:
        case = load_case(EXAMPLES / "bandung-namur.yaml")

        expected = dispute_verdicts(case, "core")
        assert expected == dispute_verdicts(case, "core", evaluation=evaluate(case))
