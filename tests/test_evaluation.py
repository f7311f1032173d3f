"""End-to-end evaluation: the examples, extending core, the decision record, the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import sistereval
from sistereval import evaluation as evaluation_module
from sistereval.cli import run
from sistereval.evaluation import evaluate, rule_set

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

EXPECTED = {
    "bandung-namur": "failure",
    "surabaya-kitakyushu": "success",
    "bandung-suwon": "partial",
}


def _case(**changes: Any) -> dict[str, Any]:
    """A small valid case mapping; ``changes`` replace top-level keys."""
    base: dict[str, Any] = {
        "format": "sistereval/case@1",
        "id": "a-b",
        "title": "A – B",
        "kind": "sister_city",
        "partners": [
            {"id": "a", "name": "A", "country": "ID", "location": {"lat": -6.9, "lon": 107.6}},
            {"id": "b", "name": "B", "country": "JP", "location": {"lat": 33.9, "lon": 130.9}},
        ],
        "milestones": [{"type": "loi", "date": "2019-05", "sources": ["s"]}],
        "sources": [{"id": "s", "kind": "news", "citation": "A newspaper", "reliability": "M"}],
    }
    base.update(changes)
    return base


class TestExamples:
    @pytest.mark.parametrize("backend", ["durable", "reference"])
    @pytest.mark.parametrize(("name", "verdict"), sorted(EXPECTED.items()))
    def test_verdict(self, name: str, verdict: str, backend: Any) -> None:
        result = evaluate(EXAMPLES / f"{name}.yaml", backend=backend)
        assert verdict == result.verdict

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_backends_fire_the_same_rules(self, name: str) -> None:
        durable = evaluate(EXAMPLES / f"{name}.yaml")
        ref = evaluate(EXAMPLES / f"{name}.yaml", backend="reference")
        assert ref.to_dict() == durable.to_dict()

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_findings_cite_rule_and_case_sources(self, name: str) -> None:
        result = evaluate(EXAMPLES / f"{name}.yaml")
        case = sistereval.load_case(EXAMPLES / f"{name}.yaml")
        known = {source.id for source in case.sources}
        assert result.findings
        for finding in result.findings:
            assert finding.rule_source, finding.rule
            assert set(finding.sources) <= known, finding.rule
        assert any(f.sources for f in result.findings if f.kind != "verdict")

    def test_bandung_namur_findings(self) -> None:
        result = evaluate(EXAMPLES / "bandung-namur.yaml")
        fired = {f.rule for f in result.findings}
        assert {
            "few-fields-implemented",
            "leadership-change-without-continuity",
            "no-earmarked-budget",
            "distance-aggravates",
            "verdict-failure",
        } <= fired
        ratio = next(f for f in result.findings if f.rule == "few-fields-implemented")
        assert (
            "1 of 5 agreed fields were implemented, fewer than a third; 0 in part, "
            "0 of unknown status."
        ) == ratio.message
        disputed = {d["fact"] for d in result.disputes}
        assert {"distance.great_circle_km", "fields.agreed", "milestones.mou"} == disputed

    def test_messages_in_indonesian(self) -> None:
        result = evaluate(EXAMPLES / "bandung-namur.yaml", language="id")
        ratio = next(f for f in result.findings if f.rule == "few-fields-implemented")
        assert (
            "1 dari 5 bidang yang disepakati terlaksana, kurang dari sepertiga; 0 sebagian, "
            "0 tidak diketahui statusnya."
        ) == ratio.message


class TestVerdictEdges:
    def test_letter_of_intent_only_is_not_assessable(self) -> None:
        result = evaluate(_case())
        assert "not_assessable" == result.verdict
        assert 0.0 == result.confidence
        assert ["letter-of-intent-only"] == [f.rule for f in result.findings]

    def test_not_fired_names_blocking_condition(self) -> None:
        result = evaluate(_case())
        blocked = {n.rule: n for n in result.not_fired}
        few = blocked["few-fields-implemented"]
        assert "fields.agreed >= 3" == few.blocking_condition
        assert "fields.agreed = 0" == few.detail


class TestLazyNotFired:
    def test_explained_on_first_access_only_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[str] = []
        explain_one = evaluation_module.not_fired_detail

        def counting(rule: Any, *args: Any) -> Any:
            calls.append(rule.id)
            return explain_one(rule, *args)

        monkeypatch.setattr(evaluation_module, "not_fired_detail", counting)
        result = evaluate(EXAMPLES / "bandung-namur.yaml")
        assert [] == calls
        first = result.not_fired
        assert [n.rule for n in first] == calls
        assert first is result.not_fired
        assert len(first) == len(calls)

    def test_the_lazy_and_the_given_evaluation_are_equal(self) -> None:
        lazy = evaluate(EXAMPLES / "bandung-suwon.yaml")
        record = lazy.to_dict()
        given = attrs.evolve(lazy, not_fired=tuple(lazy.not_fired))
        assert given == evaluate(EXAMPLES / "bandung-suwon.yaml")
        assert record == given.to_dict()
        assert repr(given) == repr(lazy)


class TestExtendingCore:
    def test_disable_and_add_change_the_evaluation(self, tmp_path: Path) -> None:
        rules = tmp_path / "strict.yaml"
        rules.write_text(
            """\
format: sistereval/rules@1
id: strict
version: "0.1"
title: Core, stricter about distance
extends: core
disable: [anchors-on-both-sides]
rules:
  - id: far-apart
    title: The partners are far apart
    when: distance.great_circle_km >= 4000
    then: {finding: obstacle, factor: distance, severity: high}
    because:
      en: "The partners are {distance.great_circle_km:.0f} km apart."
      id: "Jarak antarmitra {distance.great_circle_km:.0f} km."
    source: "A test of extends"
""",
            encoding="utf-8",
        )
        base = evaluate(EXAMPLES / "surabaya-kitakyushu.yaml")
        strict = evaluate(EXAMPLES / "surabaya-kitakyushu.yaml", rule_set(rules))
        assert ("success", "partial") == (base.verdict, strict.verdict)
        base_rules = {f.rule for f in base.findings}
        strict_rules = {f.rule for f in strict.findings}
        assert "anchors-on-both-sides" in base_rules - strict_rules
        assert {"far-apart", "verdict-partial-one-obstacle"} <= strict_rules - base_rules
        assert "strict" == strict.ruleset.id


class TestDecisionRecord:
    def test_keys(self) -> None:
        record = evaluate(EXAMPLES / "bandung-namur.yaml").to_dict()
        assert {
            "verdict",
            "confidence",
            "case",
            "ruleset",
            "findings",
            "factors",
            "not_fired",
            "disputes",
            "sistereval",
        } <= set(record)
        assert {"id", "sha256", "reference_date"} == set(record["case"])
        # the case's as_of, which every measure of time was measured to
        assert {"date": "2022", "basis": "given", "sources": []} == record["case"]["reference_date"]
        assert {"id", "version", "sha256"} == set(record["ruleset"])
        finding_keys = {"rule", "kind", "factor", "severity", "message", "facts", "sources"}
        assert all(finding_keys <= set(f) for f in record["findings"])
        assert all({"rule", "blocking_condition", "detail"} <= set(n) for n in record["not_fired"])
        assert sistereval.__version__ == record["sistereval"]
        json.dumps(record)  # the record is JSON as it stands

    def test_deterministic(self) -> None:
        one = evaluate(EXAMPLES / "bandung-namur.yaml").to_dict()
        two = evaluate(EXAMPLES / "bandung-namur.yaml").to_dict()
        assert one == two


class TestEvaluateCommand:
    def _run(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run(list(argv), out, err)
        return code, out.getvalue(), err.getvalue()

    def test_json_one_line_per_case(self) -> None:
        paths = [str(EXAMPLES / f"{name}.yaml") for name in sorted(EXPECTED)]
        code, out, err = self._run("evaluate", *paths, "--format", "json")
        assert (0, "") == (code, err)
        verdicts = [json.loads(line)["verdict"] for line in out.splitlines()]
        assert [EXPECTED[name] for name in sorted(EXPECTED)] == verdicts

    def test_text_in_indonesian(self) -> None:
        code, out, _ = self._run("evaluate", str(EXAMPLES / "bandung-namur.yaml"), "--lang", "id")
        assert 0 == code
        assert "putusan gagal" in out.splitlines()[0]

    def test_invalid_case_is_exit_2_and_others_still_run(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("format: sistereval/case@1\nid: x\n", encoding="utf-8")
        code, out, err = self._run(
            "evaluate", str(bad), str(EXAMPLES / "bandung-suwon.yaml"), "--format", "json"
        )
        failed, evaluated = (json.loads(line) for line in out.splitlines())
        assert (2, "") == (code, err)
        assert "missing-key" == failed["error"]["code"]
        assert "partial" == evaluated["verdict"]

    def test_unknown_rule_set_is_exit_2(self) -> None:
        code, out, err = self._run(
            "evaluate", str(EXAMPLES / "bandung-suwon.yaml"), "--rules", "nonexistent"
        )
        assert (2, "") == (code, out)
        assert "unknown" in err


class TestPublicApi:
    def test_all_is_sorted_and_resolves(self) -> None:
        # isort-style, as ruff keeps it: CONSTANTS, then Classes, then functions
        def style(name: str) -> tuple[int, str]:
            return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

        assert sorted(sistereval.__all__, key=style) == sistereval.__all__
        for name in sistereval.__all__:
            assert getattr(sistereval, name) is not None

    def test_explain_stays_the_function_once_its_module_is_imported(self) -> None:
        # found by tests/test_fuzz.py: the import system bound the submodule
        # sistereval.explain on the package, over the function; the module is
        # now sistereval.explanation, and every command module is imported here
        code = (
            "import sistereval.explanation, sistereval\n"
            "from sistereval.explanation import render_explanation\n"
            "for m in ('explanation.whatif', 'report', 'check.static', 'check.ruletest',\n"
            "          'check.diff', 'batch', 'cli.explain'):\n"
            "    __import__('sistereval.' + m)\n"
            "print(sistereval.explain.__name__, callable(sistereval.explain))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "explain True\n" == done.stdout

    def test_unknown_attribute(self) -> None:
        with pytest.raises(AttributeError):
            sistereval.nonexistent  # noqa: B018


class TestEngineCache:
    """Compiled engines are bounded: a long process with many rule sets stays small."""

    def rule_set(self, folder: Path, number: int) -> Any:
        path = folder / f"cache-{number}.yaml"
        path.write_text(
            f"""format: sistereval/rules@1
id: cache-{number}
version: "1.0.0"
title: Rule set {number}
languages: [en]
verdicts: {{scale: [success, failure], policy: worst}}
rules:
  - id: many-fields
    title: Many fields
    when: fields.agreed >= {number}
    then: {{verdict: success}}
    because: {{en: "Many fields."}}
    source: test
""",
            encoding="utf-8",
        )
        return rule_set(path)

    def test_engines_beyond_the_bound_are_closed_once_released(self, tmp_path: Path) -> None:
        from sistereval.engine import cache as module
        from sistereval.facts import FACT_SCHEMA, derive

        facts = derive(sistereval.load_case(EXAMPLES / "bandung-namur.yaml"))
        held = module.engine_for(self.rule_set(tmp_path, 1), FACT_SCHEMA)
        for number in range(2, module.MAX_ENGINES + 6):
            module.engine_for(self.rule_set(tmp_path, number), FACT_SCHEMA)
        assert module.MAX_ENGINES == len(module._engines)
        assert any(engine is held for engine in module._retired)  # held: retired, not closed
        assert ("many-fields",) == held.evaluate(facts).fired  # and still usable
        identity = id(held)
        del held
        module.engine_for(self.rule_set(tmp_path, 2), FACT_SCHEMA)
        assert [] == [engine for engine in module._retired if id(engine) == identity]
