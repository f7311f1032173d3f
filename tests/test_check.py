"""Tests for :mod:`sistereval.check`: ``sistereval check`` and its static checks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sistereval import cli, ir
from sistereval.check import MAX_ALTERNATIVES, check_rules
from sistereval.language import load_rules

HEADER = """\
format: sistereval/rules@1
id: planted
version: "1"
title: Planted defects
languages: [en, id]
factors: [long_term_vision]
verdicts: {scale: [success, failure], policy: worst}
rules:
"""

RULE = """\
  - id: {id}
    title: A rule
    when: {when}
    then: {then}
    because: {{en: "x", id: "x"}}
    source: "a test"
"""

FINDING = "{finding: strength, factor: long_term_vision, severity: low}"


def rule(rule_id: str, when: str, then: str = FINDING) -> str:
    if when.startswith('"'):  # not a plain YAML scalar: fold it
        when = f">-\n      {when}"
    return RULE.format(id=rule_id, when=when, then=then)


PLANTED = HEADER + "".join(
    [
        rule("impossible-count", "fields.agreed > 5 and fields.agreed < 3"),
        rule(
            "two-stages",
            'partnership.stage == "loi" and '
            '(partnership.stage in ["mou", "active"] or partnership.stage == "ended")',
        ),
        rule("weak-anchoring", "institutions.anchor_sides <= 1", "{derive: weak_anchoring}"),
        rule(
            "fine",
            'fields.agreed >= 3 and not (fields.agreed > 4) and partnership.stage != "loi"',
        ),
    ]
)

PLANTED_TEXT = """\
{f}:11:11: dead-rule: rule 'impossible-count' can never fire: fields.agreed > 5 and fields.agreed < 3
{f}:17:11: dead-rule: rule 'two-stages' can never fire: partnership.stage == "loi" and partnership.stage in ["mou", "active"]; partnership.stage == "loi" and partnership.stage == "ended"
{f}:21:5: unconsumed-derived: rule 'weak-anchoring' derives 'weak_anchoring' but no rule reads derived.weak_anchoring
"""  # noqa: E501


def write(tmp_path: Path, text: str, name: str = "planted.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def messages(text: str, tmp_path: Path) -> list[tuple[str, str]]:
    report = check_rules(load_rules(write(tmp_path, text)))
    return [(p.code, p.message) for p in report.problems]


def dead(when: str, tmp_path: Path) -> list[tuple[str, str]]:
    return messages(HEADER + rule("r", when), tmp_path)


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = cli.run(["check", *argv], stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


class TestCheckRules:
    def test_planted_defects(self, tmp_path: Path) -> None:
        report = check_rules(write(tmp_path, PLANTED))
        assert not report.ok
        assert [
            (
                "dead-rule",
                "rule 'impossible-count' can never fire: fields.agreed > 5 and fields.agreed < 3",
            ),
            (
                "dead-rule",
                "rule 'two-stages' can never fire: "
                'partnership.stage == "loi" and partnership.stage in ["mou", "active"]; '
                'partnership.stage == "loi" and partnership.stage == "ended"',
            ),
            (
                "unconsumed-derived",
                "rule 'weak-anchoring' derives 'weak_anchoring' "
                "but no rule reads derived.weak_anchoring",
            ),
        ] == [(p.code, p.message) for p in report.problems]

    def test_core_is_clean(self) -> None:
        report = check_rules("core")
        assert ((), ()) == (report.problems, report.skipped)

    def test_extending_core(self, tmp_path: Path) -> None:
        text = (
            'format: sistereval/rules@1\nid: mine\nversion: "1"\ntitle: Mine\n'
            "extends: core\nrules:\n"
            + rule("uses-it", "derived.thin and fields.agreed >= 1")
            + rule("thin", "institutions.anchor_sides == 0", "{derive: thin}")
            + rule("never", "sectors.count >= 2 and sectors.count <= 1")
        ).replace("long_term_vision", "institutional_support")
        assert [
            ("dead-rule", "rule 'never' can never fire: sectors.count >= 2 and sectors.count <= 1")
        ] == messages(text, tmp_path)

    def test_consumed_derived_is_fine(self, tmp_path: Path) -> None:
        text = (
            HEADER + rule("d", "fields.agreed >= 1", "{derive: some}") + rule("u", "derived.some")
        )
        assert [] == messages(text, tmp_path)


class TestDeadRules:
    @pytest.mark.parametrize(
        "when",
        [
            "fields.agreed > 2 and fields.agreed < 3",  # whole numbers only
            "fields.agreed == 3 and fields.agreed != 3",
            "fields.implementation_ratio >= 0.5 and fields.implementation_ratio < 0.5",
            "3 < fields.agreed and fields.agreed <= 3",
            'partnership.stage in ["loi", "mou"] and partnership.stage not in ["mou", "loi"]',
            "known(fields.agreed) and missing(fields.agreed)",
            "missing(fields.agreed) and fields.agreed >= 1",
            '"youth" in sectors.participating and "youth" not in sectors.participating',
            'count(findings, kind == "strength") >= 1 and count(findings, kind == "strength") == 0',
            'any(fields, status == "planned" and status == "partial")',
        ],
    )
    def test_dead_clauses_are_the_condition(self, when: str, tmp_path: Path) -> None:
        assert [("dead-rule", f"rule 'r' can never fire: {when}")] == dead(when, tmp_path)

    @pytest.mark.parametrize(
        ("when", "clauses"),
        [
            (
                "reciprocity.mutual and not reciprocity.mutual",
                "reciprocity.mutual == true and reciprocity.mutual == false",
            ),
            (
                "fields.planned >= 1 and fields.agreed >= 4 and not (fields.agreed >= 2)",
                "fields.agreed >= 4 and fields.agreed < 2",
            ),
        ],
    )
    def test_dead(self, when: str, clauses: str, tmp_path: Path) -> None:
        assert [("dead-rule", f"rule 'r' can never fire: {clauses}")] == dead(when, tmp_path)

    @pytest.mark.parametrize(
        "when",
        [
            "fields.agreed >= 3 and fields.agreed <= 3",
            "fields.implementation_ratio > 0.3 and fields.implementation_ratio < 0.31",
            "fields.agreed > 5 or fields.agreed < 3",
            'partnership.stage in ["loi", "mou"] and partnership.stage != "loi"',
            "fields.agreed > fields.implemented and fields.implemented > fields.agreed",
            "missing(fields.agreed) and fields.implemented >= 1",
            'all(fields, status == "planned" and status == "partial")',
            'partnership.kind != "other" and partnership.kind in ["other", "friendship"]',
            # dates are not checked
            'partnership.signed < date("2018") and partnership.signed > date("2019")',
        ],
    )
    def test_alive(self, when: str, tmp_path: Path) -> None:
        assert [] == dead(when, tmp_path)

    def test_every_alternative_must_be_dead(self, tmp_path: Path) -> None:
        when = "fields.agreed > 5 and (fields.agreed < 3 or fields.implemented >= 1)"
        assert [] == dead(when, tmp_path)

    def test_too_many_alternatives_are_skipped(self, tmp_path: Path) -> None:
        # 2 ** 9 = 512 alternatives, beyond the cap: no claim, even on a dead rule
        assert MAX_ALTERNATIVES < 2**9
        parts = " and ".join(f"(fields.agreed == {i} or fields.planned == {i})" for i in range(9))
        text = HEADER + rule("big", f"fields.agreed > 5 and fields.agreed < 3 and {parts}")
        report = check_rules(load_rules(write(tmp_path, text)))
        assert ((), ("big",)) == (report.problems, report.skipped)

    def test_literal_false(self) -> None:
        ruleset = ir.RuleSet(
            id="x",
            version="1",
            title="x",
            rules=(
                ir.Rule(
                    id="never",
                    title="never",
                    when=ir.Literal(False),
                    then=ir.VerdictThen(verdict="failure"),
                    because={},
                    source="",
                ),
            ),
        )
        [problem] = check_rules(ruleset).problems
        assert "rule 'never' can never fire: false" == problem.message


class TestCommand:
    def test_text(self, tmp_path: Path) -> None:
        name = write(tmp_path, PLANTED)
        assert (1, PLANTED_TEXT.format(f=name), "") == run(name)

    def test_core_passes(self) -> None:
        assert (0, "core: ok\n", "") == run("core")

    def test_json(self, tmp_path: Path) -> None:
        name = write(tmp_path, PLANTED)
        status, out, _ = run(name, "core", "--format", "json")
        planted, core = (json.loads(line) for line in out.splitlines())
        assert 1 == status
        assert {"rules", "ruleset", "ok", "problems", "skipped"} == set(planted)
        assert {"id": "planted", "version": "1", "file": name} == planted["ruleset"]
        assert (False, True) == (planted["ok"], core["ok"])
        assert {
            "code": "dead-rule",
            "message": "rule 'impossible-count' can never fire: "
            "fields.agreed > 5 and fields.agreed < 3",
            "file": name,
            "line": 11,
            "column": 11,
            "path": "",
            "suggestion": None,
        } == planted["problems"][0]
        assert ["dead-rule", "dead-rule", "unconsumed-derived"] == [
            p["code"] for p in planted["problems"]
        ]
        assert [] == core["problems"]

    def test_invalid_rule_file(self, tmp_path: Path) -> None:
        name = write(tmp_path, HEADER + rule("bad", "fields.agred >= 1"))
        status, out, err = run(name, "core")
        assert (2, "core: ok\n") == (status, out)
        assert "unknown-fact" in err
