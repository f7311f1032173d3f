"""Tests for :mod:`sistereval.check.ruletest`: ``sistereval test`` and its coverage."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.check.ruletest import inline_facts, rule_files, run_tests
from sistereval.errors import RuleError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

TINY = """\
format: sistereval/rules@1
id: tiny
version: "1"
title: Tiny
languages: [en, id]
factors: [long_term_vision]
verdicts: {scale: [success, failure], policy: worst}
rules:
  - id: some-done
    title: Some agreed fields were implemented
    when: fields.agreed >= 3 and fields.implemented >= 1
    then: {finding: strength, factor: long_term_vision, severity: low}
    because: {en: "Some done.", id: "Sebagian terlaksana."}
    source: "a test"
  - id: nothing-done
    title: Nothing was implemented
    when: fields.implemented == 0
    then: {verdict: failure}
    because: {en: "Nothing done.", id: "Tidak ada yang terlaksana."}
    source: "a test"
  - id: never
    title: Never fires in the tests
    when: fields.agreed >= 100
    then: {verdict: success}
    because: {en: "Many.", id: "Banyak."}
    source: "a test"
tests:
  - name: some
    facts: {fields.agreed: 5, fields.implemented: 2}
    fires: [some-done]
    not_fires: [nothing-done]
  - name: none
    facts: {fields.agreed: 1, fields.implemented: 0}
    verdict: failure
    fires: [nothing-done]
"""

TINY_TEXT = """\
PASS some
PASS none
rule coverage: 66.7% (2/3)
  uncovered: never at tiny.yaml:21
condition coverage: 75.0% (3/4)
"""


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    return "tiny.yaml"


class TestRunTests:
    def test_core_tests_pass(self) -> None:
        report = run_tests(ROOT / "rules" / "core.yaml")
        names = [r.name for r in report.results]
        assert ["bandung-namur", "surabaya-kitakyushu", "bandung-suwon"] == names[:3]
        assert report.passed
        assert all(r.reason == "" for r in report.results)
        assert len(report.covered_rules) == len(report.ruleset.rules)

    def test_coverage_pinned(self, tiny: str) -> None:
        report = run_tests(tiny)
        assert report.passed
        assert ("some-done", "nothing-done") == report.covered_rules
        assert ["never"] == [rule.id for rule in report.uncovered_rules]
        assert pytest.approx(200 / 3) == report.rule_coverage
        assert 75.0 == report.condition_coverage
        expected = [
            ("some-done", "fields.agreed >= 3", True, True),
            ("some-done", "fields.implemented >= 1", True, True),
            ("nothing-done", "fields.implemented == 0", True, True),
            ("never", "fields.agreed >= 100", False, True),
        ]
        assert expected == [(c.rule, c.clause, c.seen_true, c.seen_false) for c in report.clauses]

    def test_failure_is_explained(self, tiny: str) -> None:
        Path(tiny).write_text(
            TINY.replace("verdict: failure\n    fires", "verdict: success\n    fires")
        )
        result = run_tests(tiny).results[1]
        assert (False, "failure", "tiny.yaml:32:5") == (
            result.passed,
            result.actual_verdict,
            str(result.location),
        )
        assert "expected verdict success, got failure" == result.reason

    def test_unexpected_and_missing_fires(self, tiny: str) -> None:
        text = TINY.replace("fires: [some-done]", "fires: [never]").replace(
            "not_fires: [nothing-done]", "not_fires: [some-done]"
        )
        Path(tiny).write_text(text, encoding="utf-8")
        result = run_tests(tiny).results[0]
        assert (("never",), ("some-done",)) == (result.missing_fires, result.unexpected_fires)
        assert (
            "did not fire: never (blocked by fields.agreed >= 100: fields.agreed = 5); "
            "fired unexpectedly: some-done"
        ) == result.reason
        [blocking] = result.blocking
        assert ("never", "fields.agreed >= 100", "fields.agreed = 5") == (
            blocking.rule,
            blocking.blocking_condition,
            blocking.detail,
        )

    def test_unreadable_case_is_an_error_result(self, tiny: str) -> None:
        text = TINY.replace(
            "facts: {fields.agreed: 1, fields.implemented: 0}", "case: missing.yaml"
        )
        Path(tiny).write_text(text, encoding="utf-8")
        report = run_tests(tiny)
        result = report.results[1]
        assert not report.passed
        assert "error: missing.yaml: file-error: no such file" == result.reason
        assert ("some-done",) == report.covered_rules  # only the test that ran counts

    def test_case_and_reference_backend(self, tmp_path: Path) -> None:
        rules = tmp_path / "core-copy.yaml"
        # core names its test cases by name (case: bandung-namur): a copy still runs them
        rules.write_text((ROOT / "rules" / "core.yaml").read_text(encoding="utf-8"))
        durable = run_tests(rules)
        reference = run_tests(rules, backend="reference")
        assert durable.to_dict() == reference.to_dict()

    def test_invalid_rule_file_raises(self, tiny: str) -> None:
        Path(tiny).write_text(TINY.replace("fields.agreed >= 100", "fields.agred >= 100"))
        with pytest.raises(RuleError):
            run_tests(tiny)


TEST_FILE = """\
format: sistereval/tests@1
rules: tiny.yaml
tests:
  - name: many
    facts: {fields.agreed: 120, fields.implemented: 0}
    verdict: failure
    fires: [never, nothing-done]
"""

CHILD = """\
format: sistereval/rules@1
id: child
version: "1"
title: Tiny, and one more rule
extends: tiny.yaml
rules:
  - id: half-done
    title: Half of the fields were implemented
    when: fields.implementation_ratio >= 0.5
    then: {finding: strength, factor: long_term_vision, severity: medium}
    because: {en: "Half done.", id: "Separuh terlaksana."}
    source: "a test"
tests:
  - name: half
    facts: {fields.implementation_ratio: 0.5}
    fires: [half-done]
"""


class TestTestFiles:
    def test_the_tests_beside_a_rule_file_run(self, tiny: str) -> None:
        Path("tiny_test.yaml").write_text(TEST_FILE, encoding="utf-8")

        report = run_tests(tiny)

        expected = (["some", "none", "many"], True, 100.0, ("1 test(s) from tiny_test.yaml",))
        actual = (
            [r.name for r in report.results],
            report.passed,
            report.rule_coverage,
            report.notes,
        )
        assert expected == actual

    def test_the_command_counts_the_test_file(self, tiny: str) -> None:
        Path("tiny_test.yaml").write_text(TEST_FILE, encoding="utf-8")

        status, out, _ = call("test", "tiny.yaml")

        assert (0, "rule coverage: 100.0% (3/3)") == (status, out.splitlines()[3])

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (("rules: tiny.yaml", "rules: other.yaml"), [("wrong-rule-file", 2)]),
            (("tests@1", "rules@1"), [("bad-format", 1)]),
            (("fires: [never,", "fires: [nevr,"), [("unknown-rule", 7)]),
            (("verdict: failure", "verdict: failed"), [("unknown-verdict", 6)]),
            (("name: many", "name: some"), [("duplicate-test", 4)]),
            (("rules: tiny.yaml\n", ""), [("missing-key", 1)]),
        ],
    )
    def test_problems_of_a_test_file(
        self, tiny: str, change: tuple[str, str], expected: list[tuple[str, int]]
    ) -> None:
        Path("tiny_test.yaml").write_text(TEST_FILE.replace(*change), encoding="utf-8")

        with pytest.raises(RuleError) as raised:
            run_tests(tiny)

        actual = [(p.code, p.location.line) for p in raised.value.problems]
        assert expected == actual

    def test_an_extending_rule_set_is_tested_for_what_it_adds(self, tiny: str) -> None:
        Path("child.yaml").write_text(CHILD, encoding="utf-8")

        report = run_tests("child.yaml")

        expected = (
            ["half"],
            ("half-done",),
            100.0,
            ("some-done", "nothing-done", "never"),
            "3 inherited rule(s) not counted and their tests not run again: "
            "run the tests of tiny.yaml for them",
        )
        actual = (
            [r.name for r in report.results],
            report.covered_rules,
            report.rule_coverage,
            report.inherited,
            report.notes[0],
        )
        assert expected == actual

    def test_a_directory_tests_its_rule_files(self, tiny: str) -> None:
        Path("tiny_test.yaml").write_text(TEST_FILE, encoding="utf-8")
        Path("child.yaml").write_text(CHILD, encoding="utf-8")
        Path("messages.yaml").write_text("en: {hello: Hello}\n", encoding="utf-8")
        Path("notes.txt").write_text("not a rule file\n", encoding="utf-8")

        status, out, _ = call("test", ".")

        expected = (0, ["child.yaml:", "tiny.yaml:"])
        assert expected == (status, [line for line in out.splitlines() if line.endswith(":")])

    def test_rule_files_lists_unreadable_yaml_so_its_errors_show(self, tiny: str) -> None:
        Path("broken.yaml").write_text("format: [unclosed\n", encoding="utf-8")

        assert ["broken.yaml", "tiny.yaml"] == [Path(f).name for f in rule_files(".")]


class TestInlineFacts:
    def test_unknown_unless_given_and_typed(self) -> None:
        facts = inline_facts(
            "t",
            {
                "fields.agreed": 5,
                "partnership.signed": "2016-12",
                "activities": [{"kind": "visit", "participants": ["government"]}],
            },
        )
        assert 5 == facts.scalars["fields.agreed"]
        assert facts.scalars["fields.implemented"] is None
        assert "2016-12" == str(facts.scalars["partnership.signed"])
        assert ("government",) == facts.collections["activities"][0]["participants"]


class TestCommand:
    def test_core(self) -> None:
        status, out, err = call("test", str(ROOT / "rules" / "core.yaml"))
        assert (0, "") == (status, err)
        assert out.startswith("PASS bandung-namur\nPASS surabaya-kitakyushu\nPASS bandung-suwon\n")
        assert re.search(r"^rule coverage: \d+\.\d% \(\d+/\d+\)$", out, re.M)
        assert re.search(r"^condition coverage: \d+\.\d% \(\d+/\d+\)$", out, re.M)

    def test_text(self, tiny: str) -> None:
        assert (0, TINY_TEXT, "") == call("test", tiny)

    def test_wrong_verdict_extending_core(self, tmp_path: Path) -> None:
        rules = tmp_path / "mine.yaml"
        rules.write_text(
            """\
format: sistereval/rules@1
id: mine
version: "1"
title: Core with a wrong test
extends: core
tests:
  - name: namur-succeeds
    case: bandung-namur
    verdict: success
""",
            encoding="utf-8",
        )
        status, out, err = call("test", str(rules))
        assert (1, "") == (status, err)
        assert out.startswith(
            f"FAIL namur-succeeds ({rules}:7:5): expected verdict success, got failure\n"
        )

    @pytest.mark.parametrize(
        ("threshold", "status"), [("66", 0), ("66.7", 1), ("100", 1), ("0", 0)]
    )
    def test_threshold(self, tiny: str, threshold: str, status: int) -> None:
        code, out, _ = call("test", tiny, "--threshold", threshold)
        assert status == code
        assert (status == 1) == ("below the threshold" in out)

    @pytest.mark.parametrize("threshold", ["101", "-1", "lots"])
    def test_bad_threshold(self, tiny: str, threshold: str) -> None:
        code, out, err = call("test", tiny, "--threshold", threshold)
        assert (2, "") == (code, out)
        assert "--threshold" in err

    def test_json(self, tiny: str) -> None:
        status, out, err = call("test", tiny, "--format", "json", "--threshold", "50")
        assert (0, "") == (status, err)
        data = json.loads(out)
        assert {
            "ruleset",
            "passed",
            "tests",
            "coverage",
            "notes",
            "threshold",
            "ok",
        } == set(data)
        assert {"id": "tiny", "version": "1", "file": "tiny.yaml"} == data["ruleset"]
        assert (True, True, 50.0) == (data["passed"], data["ok"], data["threshold"])
        assert {
            "name": "none",
            "passed": True,
            "location": "tiny.yaml:32:5",
            "expected_verdict": "failure",
            "actual_verdict": "failure",
            "missing_fires": [],
            "unexpected_fires": [],
            "fired": ["nothing-done"],
            "error": None,
            "blocking": [],
        } == data["tests"][1]
        rules = data["coverage"]["rules"]
        assert (2, 3, [{"rule": "never", "location": "tiny.yaml:21"}]) == (
            rules["covered"],
            rules["total"],
            rules["uncovered"],
        )
        conditions = data["coverage"]["conditions"]
        assert (3, 4, 75.0) == (conditions["covered"], conditions["total"], conditions["percent"])
        assert [
            {
                "rule": "never",
                "index": 0,
                "clause": "fields.agreed >= 100",
                "seen_true": False,
                "seen_false": True,
            }
        ] == conditions["uncovered"]

    def test_invalid_rule_file(self, tiny: str) -> None:
        Path(tiny).write_text(TINY.replace("fields.agreed >= 100", "fields.agred >= 100"))
        status, out, err = call("test", tiny)
        assert (2, "") == (status, out)
        assert err.startswith("tiny.yaml:23:11: unknown-fact: 'fields.agred'")

    def test_several_files(self, tiny: str) -> None:
        status, out, _ = call("test", tiny, "missing.yaml")
        assert 2 == status
        assert out.startswith("tiny.yaml:\nPASS some\n")


class TestShippedRuleSets:
    def test_the_rules_directory_passes_with_full_coverage(self) -> None:
        status, out, _ = call("test", str(ROOT / "rules"))

        coverage = [line for line in out.splitlines() if line.startswith("rule coverage")]
        assert (0, ["rule coverage: 100.0% (42/42)", "rule coverage: 100.0% (9/9)"]) == (
            status,
            coverage,
        )

    def test_every_shipped_rule_set_passes_with_full_coverage(self) -> None:
        from sistereval.language import shipped_rule_sets

        for name in shipped_rule_sets():
            report = run_tests(name)
            assert report.passed, name
            assert (100.0, 100.0) == (report.rule_coverage, report.condition_coverage), name
