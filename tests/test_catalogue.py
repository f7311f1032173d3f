"""The message catalogue of a rule set: titles and messages per language, with fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sistereval.errors import RuleError
from sistereval.language import load_rules, missing_translations

HEAD = """\
format: sistereval/rules@1
id: mine
version: "1"
title: Mine
languages: {languages}
verdicts: {{scale: [success, failure]}}
factors: [long_term_vision]
rules:
  - id: few-fields
    title: {title}
    when: fields.agreed >= 3 and fields.implementation_ratio < 0.34
    then: {{finding: obstacle, factor: long_term_vision, severity: high}}
    because:
      en: "Only {{fields.implemented}} fields."
{because_id}    source: "Bachtiar et al. (2024)"
"""


def write(
    tmp_path: Path,
    *,
    title: str,
    languages: str = "[en, id]",
    because_id: str = '      id: "Hanya {fields.implemented} bidang."\n',
) -> Path:
    path = tmp_path / "mine.yaml"
    text = HEAD.format(languages=languages, title=title, because_id=because_id)
    path.write_text(text, encoding="utf-8")
    return path


class TestMessage:
    def test_title_and_message_per_language(self, tmp_path: Path) -> None:
        rules = load_rules(write(tmp_path, title="{en: Few fields, id: Sedikit bidang}"))
        assert "Few fields" == rules.message("few-fields", "title", "en")
        assert "Sedikit bidang" == rules.message("few-fields", "title", "id")
        assert "Hanya {fields.implemented} bidang." == rules.message("few-fields", "because", "id")
        assert "Few fields" == rules.rule("few-fields").title

    def test_a_plain_title_is_english_and_the_fallback(self, tmp_path: Path) -> None:
        rules = load_rules(write(tmp_path, title="Few fields"))
        assert "Few fields" == rules.message("few-fields", "title", "id")
        assert "Only {fields.implemented} fields." == rules.message("few-fields", "because", "fr")

    def test_unknown_kind(self, tmp_path: Path) -> None:
        rules = load_rules(write(tmp_path, title="Few fields"))
        with pytest.raises(ValueError, match="unknown message kind 'note'"):
            rules.message("few-fields", "note", "en")

    def test_core_speaks_english_and_indonesian(self) -> None:
        core = load_rules("core")
        assert 42 == len(core.rules)
        for rule in core.rules:
            assert {"en", "id"} == set(rule.titles)
            assert rule.titles["en"] != rule.titles["id"]
        assert [] == missing_translations(core)

    def test_titles_count_in_the_digest(self, tmp_path: Path) -> None:
        one = load_rules(write(tmp_path, title="{en: Few fields, id: Sedikit bidang}")).sha256
        two = load_rules(write(tmp_path, title="{en: Few fields, id: Bidang sedikit}")).sha256
        assert one != two


class TestTitleErrors:
    def test_a_language_the_rule_set_does_not_have(self, tmp_path: Path) -> None:
        path = write(tmp_path, title="{en: Few fields, fr: Peu de domaines}")
        with pytest.raises(RuleError) as caught:
            load_rules(path)
        expected = [
            f"{path}:10:29: unknown-key: 'fr' is not a language of the rule set in rules[0].title"
        ]
        assert expected == [str(p) for p in caught.value.problems]

    def test_not_text(self, tmp_path: Path) -> None:
        path = write(tmp_path, title="[Few fields]")
        with pytest.raises(RuleError) as caught:
            load_rules(path)
        assert ["wrong-type"] == [p.code for p in caught.value.problems]
        assert "text, or a mapping of language to text" in str(caught.value)


class TestMissingTranslations:
    def test_a_missing_title_is_a_warning_not_an_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, title="Few fields")
        expected = [
            f"{path}:9:5: missing-translation: the rule 'few-fields' has no 'id' title in "
            "rules[0] (the English text is shown instead)"
        ]
        assert expected == [str(p) for p in missing_translations(load_rules(path))]

    def test_a_language_the_rule_set_does_not_declare(self, tmp_path: Path) -> None:
        path = write(tmp_path, title="Few fields", languages="[en]", because_id="")
        actual = [p.message for p in missing_translations(load_rules(path))]
        assert [
            "the rule 'few-fields' has no 'id' message",
            "the rule 'few-fields' has no 'id' title",
        ] == actual

    def test_chosen_languages(self, tmp_path: Path) -> None:
        rules = load_rules(write(tmp_path, title="Few fields"))
        assert [] == missing_translations(rules, ["en"])
        assert ["'fr', 'id'"] == [
            p.message.split(" no ")[1].removesuffix(" title")
            for p in missing_translations(rules, ["en", "fr", "id"])
            if p.message.endswith("title")
        ]
