"""Tests for what notebooks use: the displays of :mod:`sistereval.display`, the flat
records, ``evaluate_many``, ``load_rules`` on text and mappings, and the top-level API."""

from __future__ import annotations

import html.parser
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import sistereval
from sistereval.messages import NOTEBOOK

ROOT = Path(__file__).resolve().parent.parent
NAMUR = ROOT / "examples" / "bandung-namur.yaml"
SUWON = ROOT / "examples" / "bandung-suwon.yaml"
CORE = ROOT / "src" / "sistereval" / "rules" / "core.yaml"
EVIL = "<script>alert(1)</script> & \u202etxt.exe *bold* | pipe"


class _Strict(html.parser.HTMLParser):
    """Collects the tags of a fragment and fails on a tag left open or closed twice."""

    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def tags(fragment: str) -> list[str]:
    parser = _Strict()
    parser.feed(fragment)
    parser.close()
    assert [] == parser.stack
    return parser.tags


def evil_case() -> dict[str, Any]:
    data = yaml.safe_load(NAMUR.read_text(encoding="utf-8"))
    data["id"] = "evil"
    data["fields"][0]["name"] = EVIL
    return data


@pytest.fixture(scope="module")
def namur() -> sistereval.Evaluation:
    return sistereval.evaluate(NAMUR)


class TestEvaluationDisplay:
    def test_repr_is_one_short_line(self, namur: sistereval.Evaluation) -> None:
        assert (
            "<Evaluation 'bandung-namur': failure (confidence 0.64), core 2.0.0, 8 findings>"
            == repr(namur)
        )

    def test_html(self, namur: sistereval.Evaluation) -> None:
        fragment = namur._repr_html_()
        assert {"div", "p", "table", "thead", "tbody", "tr", "td", "th", "code", "strong"} >= set(
            tags(fragment)
        )
        assert "<strong>failure</strong>" in fragment
        assert "verdict-failure" in fragment
        for finding in namur.findings:
            assert f"<code>{finding.rule}</code>" in fragment
        assert "long-term vision and sustainability" in fragment
        assert len(fragment) < 10_000
        assert "not fire" not in fragment  # the rules that did not fire are not shown

    def test_html_in_indonesian(self) -> None:
        fragment = sistereval.evaluate(NAMUR, language="id")._repr_html_()
        assert "<strong>gagal</strong>" in fragment
        assert "1 dari 5 bidang yang disepakati terlaksana, kurang dari sepertiga" in fragment
        assert NOTEBOOK["id"]["explain_hint"] in fragment

    def test_markdown(self, namur: sistereval.Evaluation) -> None:
        text = namur._repr_markdown_()
        assert text.startswith("**bandung\\-namur**: verdict **failure**") or text.startswith(
            "**bandung-namur**: verdict **failure**"
        )
        assert "| `few-fields-implemented` | obstacle, long\\_term\\_vision, high |" in text

    def test_user_text_is_escaped(self) -> None:
        evaluation = sistereval.evaluate(evil_case())
        fragment = evaluation._repr_html_()
        assert "<script>" not in fragment
        assert "\u202e" not in fragment
        tags(fragment)
        text = evaluation._repr_markdown_()
        assert "<script>" not in text
        assert "\u202e" not in text


class TestExplanationDisplay:
    def test_html_shows_the_chain_and_the_blocking_clauses(self) -> None:
        explanation = sistereval.explain(NAMUR)
        fragment = explanation._repr_html_()
        tags(fragment)
        assert "why: the deciding chain" in fragment
        assert "rules for a better verdict" in fragment
        assert "<code>verdict-success</code>" in fragment
        assert "count(findings, kind == &quot;obstacle&quot;" in fragment
        assert len(fragment) < 10_000

    def test_markdown_and_repr(self) -> None:
        explanation = sistereval.explain(NAMUR, language="id")
        assert "aturan untuk putusan yang lebih baik" in explanation._repr_markdown_()
        assert repr(explanation).startswith("<Explanation 'bandung-namur': failure, 8 fired")


class TestComparison:
    def test_one_row_per_case(self) -> None:
        comparison = sistereval.compare(sistereval.evaluate_many([NAMUR, SUWON]))
        assert 2 == len(comparison)
        fragment = comparison._repr_html_()
        assert 3 == tags(fragment).count("tr")
        assert "bandung-suwon" in fragment
        assert "| bandung\\-namur | **failure** | 0.64 |" in comparison._repr_markdown_() or (
            "| bandung-namur | **failure** | 0.64 |" in comparison._repr_markdown_()
        )
        assert ["failure", "partial"] == [r["verdict"] for r in comparison.to_records()]
        assert "<Comparison of 2 cases: bandung-namur: failure, bandung-suwon: partial>" == repr(
            comparison
        )


class TestRecords:
    def test_to_record_is_flat(self, namur: sistereval.Evaluation) -> None:
        record = namur.to_record()
        assert all(isinstance(v, (str, int, float)) for v in record.values())
        assert "failure" == record["verdict"]
        assert -6.0 == record["factors.long_term_vision"]
        assert len(namur.findings) == record["findings"]
        assert ";".join(namur.deciding) == record["deciding"]
        assert record["deciding"].startswith("verdict-failure;verdict-failure-ended-without")

    def test_to_records_one_per_finding(self, namur: sistereval.Evaluation) -> None:
        records = namur.to_records()
        assert [f.rule for f in namur.findings] == [r["rule"] for r in records]
        assert all(
            v is None or isinstance(v, (str, int, float, bool)) for r in records for v in r.values()
        )
        assert {"bandung-namur"} == {r["case_id"] for r in records}
        assert "bachtiar2024;notes-bn-m" == records[0]["sources"]


class TestEvaluateMany:
    def test_is_a_lazy_iterator(self) -> None:
        def cases() -> Any:
            yield NAMUR
            raise AssertionError("read too far")

        evaluations = sistereval.evaluate_many(cases())
        assert "failure" == next(evaluations).verdict

    def test_bad_case_raises_when_reached(self) -> None:
        evaluations = sistereval.evaluate_many([NAMUR, {"format": "sistereval/case@1"}])
        assert "failure" == next(evaluations).verdict
        with pytest.raises(sistereval.CaseError):
            next(evaluations)

    def test_rules_are_loaded_first(self) -> None:
        with pytest.raises(sistereval.RuleError):
            sistereval.evaluate_many([NAMUR], "no-such-rules")


class TestLoadRules:
    def test_text_and_mapping_give_the_file_rule_set(self) -> None:
        text = CORE.read_text(encoding="utf-8")
        from_file = sistereval.load_rules(CORE)
        assert from_file.sha256 == sistereval.load_rules(text).sha256
        assert from_file.sha256 == sistereval.load_rules(yaml.safe_load(text)).sha256
        assert "failure" == sistereval.evaluate(NAMUR, yaml.safe_load(text)).verdict

    def test_text_errors_are_located(self) -> None:
        text = CORE.read_text(encoding="utf-8").replace(
            "fields.agreed >= 3", "fields.agred >= 3", 1
        )
        with pytest.raises(sistereval.RuleError) as raised:
            sistereval.load_rules(text)
        line = next(n for n, s in enumerate(text.splitlines(), 1) if "fields.agred" in s)
        assert str(raised.value).startswith(f"<string>:{line}:")
        assert (
            "unknown-fact: 'fields.agred' in rules[2].when (did you mean 'fields.agreed'?)"
            in str(raised.value)
        )
        with pytest.raises(sistereval.RuleError, match=r"^mine\.yaml:"):
            sistereval.load_rules(text, file="mine.yaml")

    def test_mapping_errors_carry_their_path(self) -> None:
        data = yaml.safe_load(CORE.read_text(encoding="utf-8"))
        data["rules"][2]["when"] = "fields.agred >= 3"
        with pytest.raises(sistereval.RuleError) as raised:
            sistereval.load_rules(data)
        [problem] = raised.value.problems
        assert "<mapping>" == problem.location.file
        assert None is problem.location.line
        assert "rules[2].when" == problem.location.path

    def test_extends_from_text(self) -> None:
        text = (
            "format: sistereval/rules@1\nid: mine\nversion: '1'\ntitle: Mine\n"
            "description: core without one rule\nextends: core\ndisable: [distance-aggravates]\n"
        )
        rules = sistereval.load_rules(text)
        assert "mine" == rules.id
        assert "distance-aggravates" not in {r.id for r in rules.rules}

    def test_other_types_are_refused(self) -> None:
        with pytest.raises(TypeError, match="its YAML text or a mapping, not int"):
            sistereval.evaluate(NAMUR, 7)  # type: ignore[arg-type]


class TestTopLevel:
    @pytest.mark.parametrize(
        "name",
        ["evaluate", "evaluate_many", "compare", "check", "test", "whatif", "counterfactuals"],
    )
    def test_listed_by_dir(self, name: str) -> None:
        assert name in dir(sistereval)
        assert name in sistereval.__all__

    def test_check_is_callable_whenever_imported(self) -> None:
        code = (
            "import sistereval.check.static, sistereval\n"
            "from sistereval.check import run_tests\n"
            "print(type(sistereval.check('core')).__name__, sistereval.check.check_rules)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.startswith("CheckReport <function check_rules")

    def test_the_re_exports_work(self) -> None:
        assert sistereval.test("core").passed
        assert "failure" == sistereval.whatif(NAMUR, {"distance.km": 100}).before.verdict
        assert sistereval.test.__test__ is False  # pytest never collects it


class TestExplainAnEvaluation:
    def test_is_the_explanation_of_its_case(self, namur: sistereval.Evaluation) -> None:
        assert sistereval.explain(NAMUR).to_dict() == sistereval.explain(namur).to_dict()

    def test_rules_cannot_be_given(self, namur: sistereval.Evaluation) -> None:
        with pytest.raises(sistereval.UsageError, match="keeps its rule set"):
            sistereval.explain(namur, "core")


def test_the_docs_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import doctest

    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(ROOT / "docs" / "notebooks.md"),
        module_relative=False,
        globs={"sistereval": sistereval},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted >= 2
    assert 0 == result.failed
