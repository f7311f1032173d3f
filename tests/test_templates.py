"""Message templates: sistereval.language.render_message / template_placeholders."""

from __future__ import annotations

import pytest

from sistereval.errors import RuleError
from sistereval.language import render_message, template_placeholders
from sistereval.model import PartialDate

FACTS: dict[str, object] = {
    "fields.agreed": 5,
    "fields.implemented": 1,
    "fields.implementation_ratio": 0.2,
    "distance.km": 14312.0,
    "distance.ratio": 1.2444444,
    "distance.tiny": 0.00412,
    "partnership.start": PartialDate(2017, 10),
    "partnership.ended": True,
    "partnership.name": "Bandung – Namur",
    "sectors.participating": ("government", "business"),
    "fields.unknown": None,
}


class TestRenderMessage:
    @pytest.mark.parametrize(
        ("template", "expected"),
        [
            (
                "Only {fields.implemented} of {fields.agreed} agreed fields were implemented.",
                "Only 1 of 5 agreed fields were implemented.",
            ),
            ("{fields.implementation_ratio:.0%} implemented", "20% implemented"),
            ("{distance.km} km", "14312 km"),
            ("{distance.km:,.1f} km", "14,312.0 km"),
            ("{distance.ratio}", "1.24"),
            ("{distance.tiny}", "0.0041"),
            ("{fields.agreed:>3}|", "  5|"),
            ("since {partnership.start}", "since 2017-10"),
            ("{partnership.start:.0%}", "2017-10"),
            ("ended: {partnership.ended}", "ended: yes"),
            ("{partnership.name}", "Bandung – Namur"),
            ("{sectors.participating}", "government, business"),
            ("{fields.unknown} and {fields.never_given}", "unknown and unknown"),
            ("{{literal}} {fields.agreed}}}", "{literal} 5}"),
            ("{distance.ratio:d}", "1.24"),
            ("no placeholders", "no placeholders"),
            ("", ""),
        ],
    )
    def test_english(self, template: str, expected: str) -> None:
        assert expected == render_message(template, FACTS)

    def test_indonesian(self) -> None:
        assert (
            render_message("{fields.unknown}, {partnership.ended}", FACTS, language="id")
            == "tidak diketahui, ya"
        )

    def test_other_languages_fall_back_to_english_words(self) -> None:
        assert render_message("{fields.unknown}", FACTS, language="fr") == "unknown"

    def test_names_are_looked_up_never_evaluated(self) -> None:
        assert render_message("{fields.__class__}", FACTS) == "unknown"

    @pytest.mark.parametrize(
        ("template", "expected"),
        [
            (
                "{fields.agreed",
                "<input>:1:1: bad-template: a '{' without its '}' (write '{{' for a brace)",
            ),
            ("a } b", "<input>:1:3: bad-template: a single '}' (write '}}' for a brace)"),
            (
                "{0.__class__}",
                "<input>:1:1: bad-template: {0.__class__} is not a placeholder: write {fact.name}",
            ),
            (
                "x {a.b!r}",
                "<input>:1:3: bad-template: {a.b!r} is not a placeholder: write {fact.name}",
            ),
            (
                "{a.b:>999999}",
                "<input>:1:1: bad-template: the format '>999999' is not allowed;"
                " use one such as ':.0%', ':.1f' or ':,'",
            ),
            (
                "{a.b:{c}}",
                "<input>:1:1: bad-template: the format '{c' is not allowed;"
                " use one such as ':.0%', ':.1f' or ':,'",
            ),
        ],
    )
    def test_bad_templates(self, template: str, expected: str) -> None:
        with pytest.raises(RuleError) as info:
            render_message(template, FACTS)
        assert expected == str(info.value)


class TestTemplatePlaceholders:
    def test_in_order(self) -> None:
        assert (
            template_placeholders(
                "{fields.implemented} of {fields.agreed:d} ({{x}}) {fields.implemented}"
            )
        ) == ("fields.implemented", "fields.agreed", "fields.implemented")
