"""Tests for :mod:`sistereval.pytestplugin`: a sample project's rule tests, run by pytest."""

from __future__ import annotations

import pytest

from sistereval.messages import PLUGIN

pytest_plugins = ["pytester"]

RULES = """\
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
"""

TESTS = """\
format: sistereval/tests@1
rules: tiny.yaml
tests:
  - name: some-fields-done
    facts: {fields.agreed: 5, fields.implemented: 2}
    fires: [some-done]
    not_fires: [nothing-done]
  - name: few-agreed
    facts: {fields.agreed: 2, fields.implemented: 1}
    fires: [some-done]
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    rules = pytester.mkdir("rules")
    (rules / "tiny.yaml").write_text(RULES, encoding="utf-8")
    (rules / "tiny_test.yaml").write_text(TESTS, encoding="utf-8")
    (rules / "notes.yaml").write_text("just: some yaml\n", encoding="utf-8")
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    return pytester


class TestPlugin:
    def test_off_by_default(self, project: pytest.Pytester) -> None:
        result = project.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)

    def test_one_item_per_declared_test(self, project: pytest.Pytester) -> None:
        result = project.runpytest("--sistereval", "--collect-only", "-q", "-p", "no:cacheprovider")
        result.stdout.fnmatch_lines(
            [
                "rules/tiny.yaml::some-fields-done",
                "rules/tiny.yaml::few-agreed",
                "test_plain.py::test_plain",
            ]
        )
        assert "tiny_test.yaml" not in result.stdout.str()
        assert "notes.yaml" not in result.stdout.str()

    def test_the_failure_names_the_failing_clause(self, project: pytest.Pytester) -> None:
        result = project.runpytest("--sistereval", "-p", "no:cacheprovider")
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines(
            [
                "rules/tiny_test.yaml:8:5: sistereval test 'few-agreed' failed",
                "*  did not fire: some-done",
                "*    blocked by: fields.agreed >= 3",
                "*    values: fields.agreed = 2",
                "*  fired: none",
                "FAILED rules/tiny.yaml::few-agreed - rules/tiny_test.yaml:8:5: *",
            ]
        )
        assert "TestResult(" not in result.stdout.str()

    def test_the_failure_in_indonesian(self, project: pytest.Pytester) -> None:
        result = project.runpytest(
            "--sistereval", "--sistereval-lang", "id", "-p", "no:cacheprovider"
        )
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines(
            [
                "rules/tiny_test.yaml:8:5: uji sistereval 'few-agreed' gagal",
                "*  tidak terpenuhi: some-done",
                "*    terhalang oleh: fields.agreed >= 3",
                "*    nilai: fields.agreed = 2",
                "*  yang terpenuhi: tidak ada",
            ]
        )

    def test_the_language_setting(self, project: pytest.Pytester) -> None:
        project.makeini("[pytest]\nsistereval = true\nsistereval_lang = id\n")
        result = project.runpytest("-p", "no:cacheprovider")
        result.stdout.fnmatch_lines(["*uji sistereval 'few-agreed' gagal"])

    def test_the_ini_option(self, project: pytest.Pytester) -> None:
        project.makeini("[pytest]\nsistereval = true\n")
        result = project.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=2, failed=1)

    def test_an_invalid_rule_file_is_a_collection_error(self, project: pytest.Pytester) -> None:
        broken = RULES.replace("fields.agreed >= 3", "fields.agred >= 3")
        (project.path / "rules" / "tiny.yaml").write_text(broken, encoding="utf-8")
        result = project.runpytest("--sistereval", "-p", "no:cacheprovider")
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*unknown-fact: 'fields.agred'*did you mean 'fields.agreed'*"])


class TestTexts:
    def test_the_same_keys_in_both_languages(self) -> None:
        expected = set(PLUGIN["en"])
        assert expected == set(PLUGIN["id"])

    def test_the_indonesian_texts_are_translations(self) -> None:
        same = [key for key, text in PLUGIN["en"].items() if PLUGIN["id"][key] == text]

        assert [] == same
