"""Tests for :mod:`sistereval.check`: ``sistereval check`` and its static checks."""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sistereval import cli, ir
from sistereval.check import check_rules
from sistereval.check.static import MAX_ALTERNATIVES, MAX_CELLS, MAX_REGIONS
from sistereval.check.verdicts import rule_location
from sistereval.engine import reference
from sistereval.errors import RuleError
from sistereval.facts import FACT_SCHEMA
from sistereval.language import format_expression, load_rules, parse_expression
from sistereval.schema import CollectionDef, FactDef, FactSchema, FactType

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


#: The solver's lines of the text output (tests/test_prove.py tests them).
SOLVER_LINE = re.compile(r"^\S+: (proved \(|undecided: )")


def run(*argv: str, warnings: bool = False) -> tuple[int, str, str]:
    """``check --no-properties``; the fixtures' English-only titles make missing-translation
    warnings, which only TestMissingTranslations keeps, and the solver's lines are left out."""
    stdout, stderr = io.StringIO(), io.StringIO()
    # the static checks only: tests/test_checkprops.py tests the properties
    status = cli.run(["check", "--no-properties", *argv], stdout, stderr)
    out = stdout.getvalue()
    if not warnings:
        out = "".join(line for line in out.splitlines(True) if not line.startswith("warning: "))
    out = "".join(line for line in out.splitlines(True) if not SOLVER_LINE.match(line))
    return status, out, stderr.getvalue()


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
            "missing(fields.agreed) and fields.implemented >= 1",
            'all(fields, status == "planned" and status == "partial")',
            'partnership.kind != "other" and partnership.kind in ["other", "friendship"]',
            # dates are not checked
            'partnership.signed < date("2018") and partnership.signed > date("2019")',
        ],
    )
    def test_alive(self, when: str, tmp_path: Path) -> None:
        assert [] == dead(when, tmp_path)

    def test_comparisons_of_two_facts_are_left_to_the_solver(self, tmp_path: Path) -> None:
        pytest.importorskip("z3")
        when = "activities.count > fields.agreed and fields.agreed > activities.count"

        (found,) = dead(when, tmp_path)
        assert ("dead-rule", True) == (
            found[0],
            found[1].endswith(
                "(proved by the solver, with the fact schema's ranges and relations)"
            ),
        )

    def test_every_alternative_must_be_dead(self, tmp_path: Path) -> None:
        when = "fields.agreed > 5 and (fields.agreed < 3 or fields.implemented >= 1)"
        assert [] == dead(when, tmp_path)

    def test_too_many_alternatives_are_skipped(self, tmp_path: Path) -> None:
        # 2 ** 9 = 512 alternatives, beyond the cap: no claim, even on a dead rule
        assert MAX_ALTERNATIVES < 2**9
        parts = " and ".join(f"(fields.agreed == {i} or fields.planned == {i})" for i in range(9))
        text = HEADER + rule("big", f"fields.agreed > 5 and fields.agreed < 3 and {parts}")
        report = check_rules(load_rules(write(tmp_path, text)), solver=False)
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
        dead, gap = check_rules(ruleset).problems
        assert ("rule 'never' can never fire: false", "no verdict rule can fire in any case") == (
            dead.message,
            gap.message,
        )


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
        keys = {"rules", "ruleset", "ok", "problems", "skipped", "notes", "warnings", "proofs"}
        assert keys == set(planted)
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
            "rules": ["impossible-count"],
            "regions": [],
            "related": [],
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


FIXTURES = Path(__file__).parent / "fixtures" / "check"

VERDICTS = """\
format: sistereval/rules@1
id: verdicts
version: "1"
title: Verdict rules
languages: [en, id]
factors: [long_term_vision]
verdicts:
{verdicts}
rules:
"""

SIGNED = 'partnership.stage not in ["exploring", "loi"]'
STAGE_UNDECIDED = 'missing(partnership.stage) or partnership.stage in ["exploring", "loi"]'
SERIOUS = 'count(findings, kind == "obstacle" and severity == "high")'
#: The signed stages that are not carried out (neither active nor ended).
UNCARRIED = 'partnership.stage in ["mou", "suspended", "lapsed"]'
OBSTACLES = 'count(findings, kind == "obstacle")'
STRENGTHS = 'count(findings, kind == "strength")'


def verdicts(settings: str, *rules: tuple[str, str, str]) -> str:
    """A rule set with ``settings`` under ``verdicts:`` and (id, when, verdict) rules."""
    body = "".join(rule(rule_id, when, f"{{verdict: {v}}}") for rule_id, when, v in rules)
    return VERDICTS.format(verdicts=settings) + body


def found(text: str, tmp_path: Path) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    report = check_rules(load_rules(write(tmp_path, text)))
    return [(d.problem.code, d.problem.message, d.rules, d.regions) for d in report.defects]


class TestFixtures:
    """Each fixture has one planted defect, reported with the rules involved."""

    @pytest.mark.parametrize(
        ("name", "code", "rules", "message"),
        [
            (
                "contradiction",
                "verdict-overlap",
                ("few-fields", "many-fields"),
                "rules 'few-fields' (failure) and 'many-fields' (success) both fire where "
                "fields.agreed == 3",
            ),
            (
                "dead",
                "dead-rule",
                ("impossible-count",),
                "rule 'impossible-count' can never fire: fields.agreed > 5 and fields.agreed < 3",
            ),
            (
                "gap",
                "verdict-gap",
                ("serious-obstacles", "one-serious-obstacle", "no-serious-obstacle"),
                f"no verdict rule fires where {UNCARRIED} and {SERIOUS} == 0",
            ),
            (
                "never-decisive",
                "never-decisive",
                ("two-fields-or-fewer", "few-fields"),
                "rule 'two-fields-or-fewer' (partial) never decides the verdict under the "
                "policy 'worst': whenever it fires, a worse verdict rule fires too ('few-fields')",
            ),
            (
                "unconsumed",
                "unconsumed-derived",
                ("weak-anchoring",),
                "rule 'weak-anchoring' derives 'weak_anchoring' but no rule reads "
                "derived.weak_anchoring",
            ),
        ],
    )
    def test_planted(self, name: str, code: str, rules: tuple[str, ...], message: str) -> None:
        report = check_rules(FIXTURES / f"{name}.yaml")
        assert [(code, rules, message)] == [
            (d.problem.code, d.rules, d.problem.message) for d in report.defects
        ]

    def test_regions(self) -> None:
        gap = check_rules(FIXTURES / "gap.yaml").defects[0]
        overlap = check_rules(FIXTURES / "contradiction.yaml").defects[0]
        assert (
            (f"{UNCARRIED} and {SERIOUS} == 0",),
            ("fields.agreed == 3",),
        ) == (gap.regions, overlap.regions)

    def test_command(self) -> None:
        name = str(FIXTURES / "never-decisive.yaml")
        status, out, _ = run(name, "--format", "json")
        [problem] = json.loads(out)["problems"]
        assert (1, "never-decisive", ["two-fields-or-fewer", "few-fields"], [], 21, 11) == (
            status,
            problem["code"],
            problem["rules"],
            problem["regions"],
            problem["line"],
            problem["column"],
        )


AGREED_KNOWN = "\n  undecided_when: missing(fields.agreed)"
#: Arithmetic: the verdict checks do not represent it, so it may hold anywhere.
MORE_THAN_HALF = "fields.implemented > fields.agreed / 2"


class TestNoClaim:
    """Rule sets the verdict checks must pass: each would be a false claim."""

    @pytest.mark.parametrize(
        ("settings", "rules"),
        [
            pytest.param(
                "  scale: [success, failure]" + AGREED_KNOWN,
                [
                    ("few", "fields.agreed <= 2", "failure"),
                    ("many", "fields.agreed > 2.5", "success"),
                ],
                id="whole values leave no gap between 2 and 2.5",
            ),
            pytest.param(
                "  scale: [success, failure]" + AGREED_KNOWN,
                [
                    ("none", "fields.agreed == 0", "failure"),
                    ("some", "fields.agreed >= 1", "success"),
                ],
                id="no number fact is below 0",
            ),
            pytest.param(
                "  scale: [success, failure]" + AGREED_KNOWN,
                [
                    ("few", "fields.agreed < 3", "failure"),
                    ("half", f"fields.agreed >= 3 and {MORE_THAN_HALF}", "success"),
                ],
                id="an opaque condition may cover the rest",
            ),
            pytest.param(
                "  scale: [success, failure]\n  unique: true",
                [
                    ("clean", f"{OBSTACLES} == 0", "success"),
                    ("some", f"{OBSTACLES} >= 1 and {SERIOUS} == 0", "success"),
                    ("serious", f"{SERIOUS} >= 1", "failure"),
                ],
                id="no more serious obstacles than obstacles",
            ),
            pytest.param(
                "  scale: [success]\n  unique: true" + AGREED_KNOWN,
                [
                    ("low", "fields.agreed <= 3", "success"),
                    ("high", "fields.agreed >= 3", "success"),
                ],
                id="an overlap with one verdict",
            ),
            pytest.param(
                "  scale: [success, failure]\n  unique: true" + AGREED_KNOWN,
                [
                    ("low", "fields.agreed <= 3", "failure"),
                    ("high", f"fields.agreed >= 3 and {MORE_THAN_HALF}", "success"),
                    ("rest", f"fields.agreed >= 3 and not ({MORE_THAN_HALF})", "success"),
                ],
                id="an overlap only opaque conditions could show",
            ),
            pytest.param(
                "  scale: [success, failure]" + AGREED_KNOWN,
                [
                    ("failure", "fields.agreed <= 3", "failure"),
                    ("success", "fields.agreed >= 3", "success"),
                ],
                id="a rule beaten on part of its cases decides on the rest",
            ),
        ],
    )
    def test_clean(self, settings: str, rules: list[tuple[str, str, str]], tmp_path: Path) -> None:
        # the region method's claims (the solver's are in tests/test_prove.py)
        report = check_rules(load_rules(write(tmp_path, verdicts(settings, *rules))), solver=False)
        assert () == report.defects


class TestGaps:
    def test_region_of_stages_and_counts(self, tmp_path: Path) -> None:
        text = verdicts(
            f"  scale: [success, partial, failure]\n  undecided_when: '{STAGE_UNDECIDED}'",
            ("failure", f"{SIGNED} and {SERIOUS} >= 2", "failure"),
            ("partial", f"{SIGNED} and {SERIOUS} == 1", "partial"),
            (
                "success",
                f'partnership.stage in ["active", "ended"] and {SERIOUS} == 0 and {STRENGTHS} >= 3',
                "success",
            ),
        )
        assert [
            f"{UNCARRIED} and {SERIOUS} == 0",
            f'partnership.stage not in ["exploring", "loi"] and {SERIOUS} == 0 '
            f"and {STRENGTHS} <= 2",
        ] == [regions[0] for _, _, _, regions in found(text, tmp_path)]

    def test_verdict_where_none_is_meant(self, tmp_path: Path) -> None:
        text = verdicts(
            f"  scale: [success, failure]\n  undecided_when: '{STAGE_UNDECIDED}'",
            ("failure", f"{SERIOUS} >= 1", "failure"),
            ("success", f"{SIGNED} and {SERIOUS} == 0", "success"),
            ("unsigned", f"{SERIOUS} == 0 and not ({SIGNED})", "success"),
        )
        assert [
            (
                "verdict-when-undecided",
                "rule 'failure' (failure) gives a verdict where undecided_when says none is "
                f"meant: {SERIOUS} >= 1 and (missing(partnership.stage) or partnership.stage in "
                '["exploring", "loi"])',
                ("failure",),
            ),
            (
                "verdict-when-undecided",
                "rule 'unsigned' (success) gives a verdict where undecided_when says none is "
                f'meant: {SERIOUS} == 0 and partnership.stage in ["exploring", "loi"]',
                ("unsigned",),
            ),
        ] == [(code, message, rules) for code, message, rules, _ in found(text, tmp_path)]

    def test_unknown_values_are_a_region(self, tmp_path: Path) -> None:
        text = verdicts(
            "  scale: [success, failure]",
            ("few", "fields.agreed < 3", "failure"),
            ("many", "not (fields.agreed < 3)", "success"),
        )
        assert [
            ("verdict-gap", "no verdict rule fires where missing(fields.agreed)", ("few", "many"))
        ] == [(code, message, rules) for code, message, rules, _ in found(text, tmp_path)]

    def test_fractions_do(self, tmp_path: Path) -> None:
        ratio = "fields.implementation_ratio"
        text = verdicts(
            f"  scale: [success, failure]\n  undecided_when: missing({ratio})",
            ("low", f"{ratio} < 0.34", "failure"),
            ("high", f"{ratio} > 0.34", "success"),
        )
        assert [f"{ratio} == 0.34"] == [r[0] for _, _, _, r in found(text, tmp_path)]

    def test_regions_are_capped(self, tmp_path: Path) -> None:
        # a diagonal: every other combination of the two facts is uncovered
        rules = [
            (f"r{i}", f"fields.agreed == {i} and fields.planned == {i}", "success")
            for i in range(MAX_REGIONS + 2)
        ]
        undecided = "  undecided_when: missing(fields.agreed) or missing(fields.planned)"
        text = verdicts("  scale: [success]\n" + undecided, *rules)
        report = check_rules(load_rules(write(tmp_path, text)))
        assert {"verdict-gap"} == {problem.code for problem in report.problems}
        assert 1 < len(report.problems) <= MAX_REGIONS
        assert (
            f"more cases without a verdict lie outside the regions shown (at most {MAX_REGIONS})",
        ) == report.notes

    def test_too_many_cells_are_not_analysed(self, tmp_path: Path) -> None:
        facts = ["fields.agreed", "fields.implemented", "fields.partial", "fields.planned"]
        rules = [
            (f"r{i}-{n}", f"{fact} == {n}", "success")
            for i, fact in enumerate(facts)
            for n in range(13)
        ]
        text = verdicts("  scale: [success]", *rules)
        report = check_rules(load_rules(write(tmp_path, text)))
        assert MAX_CELLS < 15**4
        assert (
            (),
            (
                f"verdict rules not analysed: the 4 operands they compare make {15**4} "
                f"combinations, more than {MAX_CELLS}",
            ),
        ) == (report.problems, report.notes)

    def test_core_declares_where_no_verdict_is_meant(self) -> None:
        core = load_rules("core")
        assert core.undecided_when is not None
        assert 'partnership.stage in ["exploring", "loi"]' in format_expression(core.undecided_when)


class TestOverlap:
    RULES = (
        ("low", "fields.agreed <= 3", "failure"),
        ("high", "fields.agreed >= 3", "success"),
    )

    @pytest.mark.parametrize("policy", ["worst", "best", "priority"])
    def test_only_when_unique(self, policy: str, tmp_path: Path) -> None:
        settings = f"  scale: [success, failure]\n  policy: {policy}\n"
        settings += "  undecided_when: missing(fields.agreed)"
        assert [] == found(verdicts(settings, *self.RULES), tmp_path)
        assert ["verdict-overlap"] == [
            code
            for code, *_ in found(verdicts(settings + "\n  unique: true", *self.RULES), tmp_path)
        ]


class TestNeverDecisive:
    @pytest.mark.parametrize(
        ("policy", "loser", "winner", "other"),
        [
            ("worst", "wide-partial", "narrow-failure", "a worse"),
            ("best", "wide-partial", "narrow-success", "a better"),
            ("priority", "late", "narrow-failure", "an earlier"),
        ],
    )
    def test_policies(
        self, policy: str, loser: str, winner: str, other: str, tmp_path: Path
    ) -> None:
        settings = f"  scale: [success, partial, failure]\n  policy: {policy}"
        settings += "\n  undecided_when: missing(fields.agreed)"
        text = verdicts(
            settings,
            ("narrow-failure", "fields.agreed <= 4", "failure"),
            ("narrow-success", "fields.agreed >= 2", "success"),
            ("wide-partial", "fields.agreed >= 2 and fields.agreed <= 4", "partial"),
            ("late", "fields.agreed == 0", "success"),
        )
        defects = [(code, rules) for code, _, rules, _ in found(text, tmp_path)]
        assert ("never-decisive", (loser, winner)) in defects
        [message] = [m for code, m, rules, _ in found(text, tmp_path) if rules[0] == loser]
        assert f"whenever it fires, {other} verdict rule fires too ('{winner}')" in message

    def test_several_winners(self, tmp_path: Path) -> None:
        settings = "  scale: [success, failure]\n  undecided_when: missing(fields.agreed)"
        text = verdicts(
            settings,
            ("low", "fields.agreed <= 3", "failure"),
            ("high", "fields.agreed > 3", "failure"),
            ("any", "fields.agreed >= 0", "success"),
        )
        assert [("never-decisive", ("any", "low", "high"))] == [
            (code, rules) for code, _, rules, _ in found(text, tmp_path)
        ]


class TestDeclaration:
    def test_inherited(self, tmp_path: Path) -> None:
        text = (
            'format: sistereval/rules@1\nid: mine\nversion: "1"\ntitle: Mine\n'
            "extends: core\nrules: []\n"
        )
        ruleset = load_rules(write(tmp_path, text))
        assert load_rules("core").undecided_when == ruleset.undecided_when
        assert check_rules(ruleset).ok

    @pytest.mark.parametrize(
        ("settings", "code"),
        [
            ("unique: maybe", "wrong-type"),
            ("undecided_when: fields.agred >= 1", "unknown-fact"),
            ("undecided_when: fields.agreed >=", "syntax"),
            ("undecided_when: 3", "wrong-type"),
            ("undecided: missing(fields.agreed)", "unknown-key"),
        ],
    )
    def test_invalid(self, settings: str, code: str, tmp_path: Path) -> None:
        text = verdicts(f"  scale: [success]\n  {settings}", ("r", "fields.agreed >= 1", "success"))
        with pytest.raises(RuleError) as info:
            load_rules(write(tmp_path, text))
        assert [code] == [problem.code for problem in info.value.problems]

    def test_only_absence_is_allowed(self, tmp_path: Path) -> None:
        text = verdicts(
            "  scale: [success]\n  undecided_when: missing(fields.agreed)",
            ("r", "fields.agreed >= 0", "success"),
        )
        ruleset = load_rules(write(tmp_path, text))
        assert ir.Known(ir.FactRef("fields.agreed"), negated=True) == ruleset.undecided_when

    def test_declarations_do_not_count_in_the_digest(self, tmp_path: Path) -> None:
        plain = verdicts("  scale: [success]", ("r", "fields.agreed >= 0", "success"))
        declared = plain.replace(
            "  scale: [success]", "  scale: [success]\n  unique: true\n  undecided_when: 'false'"
        )
        first = load_rules(write(tmp_path, plain, "plain.yaml"))
        second = load_rules(write(tmp_path, declared, "declared.yaml"))
        assert (first.sha256, (False, True)) == (second.sha256, (first.unique, second.unique))


class TestNotes:
    def test_text_and_json(self, tmp_path: Path) -> None:
        rules = [(f"r{n}", f"fields.agreed == {n}", "success") for n in range(13)]
        rules += [(f"p{n}", f"fields.planned == {n}", "success") for n in range(13)]
        rules += [(f"i{n}", f"fields.implemented == {n}", "success") for n in range(13)]
        rules += [(f"q{n}", f"fields.partial == {n}", "success") for n in range(13)]
        name = write(tmp_path, verdicts("  scale: [success]", *rules))
        note = (
            "verdict rules not analysed: the 4 operands they compare make 50625 "
            f"combinations, more than {MAX_CELLS}"
        )
        assert (0, f"{name}: ok\n{name}: note: {note}\n", "") == run(name)
        assert [note] == json.loads(run(name, "--format", "json")[1])["notes"]

    def test_too_large_undecided_when(self, tmp_path: Path) -> None:
        # 2 ** 9 = 512 alternatives: it may hold anywhere, so no gap is claimed
        parts = " and ".join(f"(fields.agreed == {i} or fields.planned == {i})" for i in range(9))
        never = "fields.agreed > 2 and fields.agreed < 1"
        text = verdicts(f"  scale: [success]\n  undecided_when: '{parts}'", ("r", never, "success"))
        report = check_rules(load_rules(write(tmp_path, text)))
        assert (
            ["dead-rule"],
            (f"gaps not analysed: undecided_when has more than {MAX_ALTERNATIVES} alternatives",),
        ) == ([p.code for p in report.problems], report.notes)

    def test_verdict_rules_that_count_different_findings(self, tmp_path: Path) -> None:
        # 'echo' counts findings too, so it runs beside 'failure' and 'failure' misses it
        text = (
            verdicts(
                "  scale: [success, failure]",
                ("failure", f"{OBSTACLES} >= 1", "failure"),
                ("success", f"{OBSTACLES} <= 1", "success"),
            )
            + rule("strong", "fields.agreed >= 1")
            + rule(
                "echo",
                f"{STRENGTHS} >= 1",
                "{finding: obstacle, factor: long_term_vision, severity: low}",
            )
        )
        report = check_rules(load_rules(write(tmp_path, text)))
        assert (
            (),
            (
                "counts of findings not analysed: the verdict rules run in different "
                "strata, so they count different findings",
            ),
        ) == (report.problems, report.notes)


class TestCycles:
    def test_are_load_errors(self, tmp_path: Path) -> None:
        text = HEADER + rule("a", 'fired("b")') + rule("b", 'fired("a")')
        status, out, err = run(write(tmp_path, text))
        assert (2, "", ["rule-cycle"]) == (
            status,
            out,
            [line.split(": ")[1] for line in err.splitlines()],
        )


# --------------------------------------------------------------------------
# soundness: every claim of the verdict checks holds on the cases it is about

_NUMBERS = {"fields.agreed": (-1, 0, 1, 2, 3, 4), "fields.ratio": (-0.5, 0, 0.25, 0.5, 1, 2.5, 3)}
_POOLS: dict[str, tuple[object, ...]] = {
    **_NUMBERS,
    "fields.implemented": (0, 2, 5),
    "kind": ("a", "b", "visit"),
    "active": (True, False),
    "title": ("x", "y", "z"),
}
_LITERALS: dict[str, tuple[object, ...]] = {
    "fields.agreed": (0, 1, 2, 2.5, 3),
    "fields.ratio": (0, 0.5, 1, 2.5),
    "kind": ("a", "b", "visit"),
    "active": (True, False),
    "title": ("x", "y"),
}
_ORDERED = ("<", "<=", ">", ">=", "==", "!=")
_VISIT = ir.Compare("==", ir.ItemRef("activities", "kind"), ir.Literal("visit"))
_OFFICIAL = ir.Compare("==", ir.ItemRef("activities", "official"), ir.Literal(True))
#: Conditions of count(activities, ...): some narrower than others.
_WHERE = (None, _VISIT, _OFFICIAL, ir.And((_VISIT, _OFFICIAL)))
_ACTIVITIES = [
    [{"kind": kind, "official": official} for kind, official in items]
    for items in (
        (),
        (("visit", True),),
        (("talk", False),),
        (("visit", False), ("visit", True)),
        (("talk", True), ("visit", True), ("talk", None)),
        (("visit", True), ("visit", True), ("visit", True)),
        (("talk", False), ("talk", True)),
    )
]


def _atoms() -> st.SearchStrategy[ir.Expr]:
    def compare(name: str) -> st.SearchStrategy[ir.Expr]:
        ops = _ORDERED if name in _NUMBERS else ("==", "!=")
        return st.builds(
            lambda op, value: ir.Compare(op, ir.FactRef(name), ir.Literal(value)),
            st.sampled_from(ops),
            st.sampled_from(_LITERALS[name]),
        )

    members = st.builds(
        lambda values, negated: ir.In(
            ir.FactRef("kind"), ir.ListLiteral(tuple(ir.Literal(v) for v in values)), negated
        ),
        st.lists(st.sampled_from(("a", "b", "visit")), min_size=1, max_size=2, unique=True),
        st.booleans(),
    )
    known = st.builds(
        lambda name, negated: ir.Known(ir.FactRef(name), negated),
        st.sampled_from(sorted(_LITERALS)),
        st.booleans(),
    )
    opaque = st.sampled_from(  # not represented by the cells
        (
            ir.Compare(">", ir.FactRef("fields.implemented"), ir.FactRef("fields.agreed")),
            ir.Compare(
                "<=",
                ir.Arith("*", ir.FactRef("fields.ratio"), ir.Literal(2)),
                ir.FactRef("fields.agreed"),
            ),
        )
    )
    counts = st.builds(
        lambda where, op, n: ir.Compare(
            op, ir.Quantifier("count", "activities", where), ir.Literal(n)
        ),
        st.sampled_from(_WHERE),
        st.sampled_from(_ORDERED),
        st.sampled_from((0, 1, 2)),
    )
    return st.one_of(*(compare(name) for name in _LITERALS), members, known, opaque, counts)


def _conditions() -> st.SearchStrategy[ir.Expr]:
    return st.recursive(
        _atoms(),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: ir.And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=2).map(lambda xs: ir.Or(tuple(xs))),
            inner.map(ir.Not),
        ),
        max_leaves=4,
    )


@st.composite
def _verdict_sets(draw: st.DrawFn) -> ir.RuleSet:
    scale = ("success", "partial", "failure")
    conditions = draw(st.lists(_conditions(), min_size=1, max_size=4))
    verdicts = draw(st.lists(st.sampled_from(scale), min_size=len(conditions), max_size=4))
    rules = tuple(
        ir.Rule(
            id=f"r{i}",
            title="r",
            when=when,
            then=ir.VerdictThen(verdict=verdict),
            because={"en": "r"},
            source="tests",
        )
        for i, (when, verdict) in enumerate(zip(conditions, verdicts, strict=False))
    )
    return ir.RuleSet(
        id="sound",
        version="1",
        title="sound",
        scale=scale,
        policy=draw(st.sampled_from(("worst", "best", "priority"))),
        unique=draw(st.booleans()),
        undecided_when=draw(st.none() | _conditions()),
        rules=rules,
    )


_SCHEMA = FactSchema(
    scalars=(
        FactDef(name="fields.agreed", type=FactType.INTEGER, description="x"),
        FactDef(name="fields.implemented", type=FactType.INTEGER, description="x"),
        FactDef(name="fields.ratio", type=FactType.NUMBER, description="x"),
        FactDef(name="kind", type=FactType.ENUM, values=("a", "b", "visit"), description="x"),
        FactDef(name="active", type=FactType.BOOLEAN, description="x"),
        FactDef(name="title", type=FactType.STRING, description="x"),
    ),
    collections=(
        CollectionDef(
            name="activities",
            description="x",
            items=(
                FactDef(name="kind", type=FactType.ENUM, values=("visit", "talk"), description="x"),
                FactDef(name="official", type=FactType.BOOLEAN, description="x"),
            ),
        ),
    ),
)
Case = tuple[dict[str, object], list[dict[str, object]]]  # scalars, activities
_CASES: list[Case] = [
    (dict(zip(_POOLS, values, strict=True)), _ACTIVITIES[index % len(_ACTIVITIES)])
    for index, values in enumerate(
        list(itertools.product(*((None, *pool) for pool in _POOLS.values())))[::7]
    )
]  # every seventh of 10,752 combinations: every value of every fact still occurs


def _holds(expr: ir.Expr | None, case: Case) -> bool:
    if expr is None:
        return False
    scalars, activities = case
    env = reference.Env(scalars=scalars, collections={"activities": activities})
    return reference.eval_condition(expr, env)


class TestSoundness:
    @given(_verdict_sets())
    def test_every_claim_holds(self, ruleset: ir.RuleSet) -> None:
        report = check_rules(ruleset, schema=_SCHEMA)
        rank = {name: i for i, name in enumerate(ruleset.scale)}
        order = {rule.id: i for i, rule in enumerate(ruleset.rules)}

        def beats(winner: ir.Rule, loser: ir.Rule) -> bool:
            assert isinstance(winner.then, ir.VerdictThen)
            assert isinstance(loser.then, ir.VerdictThen)
            if ruleset.policy == "priority":
                return order[winner.id] < order[loser.id]
            worse = rank[winner.then.verdict] - rank[loser.then.verdict]
            return worse > 0 if ruleset.policy == "worst" else worse < 0

        regions = [[parse_expression(text) for text in d.regions] for d in report.defects]
        for case in _CASES:
            fires = {rule.id for rule in ruleset.rules if _holds(rule.when, case)}
            undecided = _holds(ruleset.undecided_when, case)
            plausible = all(case[0][name] is None or case[0][name] >= 0 for name in _NUMBERS)
            for defect, parsed in zip(report.defects, regions, strict=True):
                code, rules = defect.problem.code, defect.rules
                inside = plausible and any(_holds(region, case) for region in parsed)
                if code == "dead-rule":
                    assert rules[0] not in fires
                elif code == "never-decisive" and rules[0] in fires:
                    loser = ruleset.rule(rules[0])
                    assert any(w in fires and beats(ruleset.rule(w), loser) for w in rules[1:])
                elif code == "verdict-gap" and inside:
                    assert (set(), False) == (fires, undecided), case
                elif code == "verdict-overlap" and inside:
                    assert set(rules) <= fires, case
                elif code == "verdict-when-undecided" and inside:
                    assert (True, True) == (rules[0] in fires, undecided), case


class TestMissingTranslations:
    """A title or message missing in a language is a warning, never a defect."""

    RULES = """format: sistereval/rules@1
id: en-titles
version: "1.0.0"
title: English titles only
extends: core
rules:
  - id: youth
    title: Youth took part
    when: any(activities, "youth" in participants)
    then: {finding: strength, factor: community_participation, severity: low}
    because: {en: "Young people took part.", id: "Pemuda ikut serta."}
    source: test
"""

    def test_the_shipped_rules_have_every_translation(self) -> None:
        assert () == check_rules("core").warnings

    def test_a_missing_title_is_a_warning(self, tmp_path: Path) -> None:
        path = tmp_path / "en-titles.yaml"
        path.write_text(self.RULES, encoding="utf-8")
        code, out, err = run(str(path), warnings=True)
        expected = (
            f"warning: {path}:7:5: missing-translation: the rule 'youth' has no 'id' title "
            "in rules[0] (the English text is shown instead)\n"
            f"{path}: ok\n"
        )
        assert (0, expected, "") == (code, out, err)

    def test_warnings_in_json(self, tmp_path: Path) -> None:
        path = tmp_path / "en-titles.yaml"
        path.write_text(self.RULES, encoding="utf-8")
        code, out, _ = run(str(path), "--format", "json")
        report = json.loads(out)
        assert (0, True) == (code, report["ok"])
        assert ["missing-translation"] == [w["code"] for w in report["warnings"]]


class TestDeclaredRanges:
    """The dead-rule and verdict checks use the ranges and relations the fact schema declares."""

    def test_a_ratio_above_one_is_dead(self, tmp_path: Path) -> None:
        assert [
            (
                "dead-rule",
                "rule 'r' can never fire: fields.implementation_ratio > 1 and "
                "fields.implementation_ratio <= 1 (declared in the fact schema)",
            )
        ] == dead("fields.implementation_ratio > 1", tmp_path)

    def test_a_negative_count_is_dead(self, tmp_path: Path) -> None:
        assert [
            (
                "dead-rule",
                "rule 'r' can never fire: activities.count < 0 and "
                "activities.count >= 0 (declared in the fact schema)",
            )
        ] == dead("activities.count < 0", tmp_path)

    def test_a_ratio_of_one_is_alive(self, tmp_path: Path) -> None:
        assert [] == dead("fields.implementation_ratio >= 1", tmp_path)

    def test_a_part_above_its_total_is_dead(self, tmp_path: Path) -> None:
        relation = (
            "fields.implemented + fields.partial + fields.planned + fields.not_implemented "
            "+ fields.discontinued + fields.unknown == fields.agreed (declared in the fact schema)"
        )
        assert [
            (
                "dead-rule",
                f"rule 'r' can never fire: fields.implemented > fields.agreed and {relation}",
            )
        ] == dead("fields.implemented > fields.agreed", tmp_path)
        assert [
            (
                "dead-rule",
                "rule 'r' can never fire: fields.implemented >= 3 and fields.partial >= 2 and "
                f"fields.agreed <= 4 and {relation}",
            )
        ] == dead(
            "fields.implemented >= 3 and fields.partial >= 2 and fields.agreed <= 4", tmp_path
        )
        assert [] == dead(
            "fields.implemented >= 3 and fields.partial >= 2 and fields.agreed <= 5", tmp_path
        )

    def test_durations_from_zero_leave_no_gap(self, tmp_path: Path) -> None:
        months = "partnership.months_active"
        text = verdicts(
            f"  scale: [success, failure]\n  undecided_when: missing({months})",
            ("long", f"{months} >= 24", "success"),
            ("short", f"{months} >= 0 and {months} < 24", "failure"),
        )
        assert [] == found(text, tmp_path)

    def test_durations_from_one_leave_a_gap(self, tmp_path: Path) -> None:
        months = "partnership.months_active"
        text = verdicts(
            f"  scale: [success, failure]\n  undecided_when: missing({months})",
            ("long", f"{months} >= 24", "success"),
            ("short", f"{months} > 0 and {months} < 24", "failure"),
        )
        assert [f"no verdict rule fires where {months} == 0"] == [
            m for _, m, _, _ in found(text, tmp_path)
        ]

    def test_a_fact_with_no_declared_lower_bound_has_a_gap_below_zero(self, tmp_path: Path) -> None:
        """Every numeric fact of the shipped schema declares a lower bound: a schema where
        ``activities.months_since_last`` declares none leaves the values below zero open."""
        since = "activities.months_since_last"
        text = verdicts(
            f"  scale: [success]\n  undecided_when: missing({since})",
            ("any", f"{since} >= 0", "success"),
        )
        unbounded = attrs.evolve(
            FACT_SCHEMA,
            scalars=tuple(
                attrs.evolve(f, minimum=None, range_note="") if f.name == since else f
                for f in FACT_SCHEMA.scalars
            ),
        )
        rules = load_rules(write(tmp_path, text))
        assert [] == [d.problem.message for d in check_rules(rules).defects]
        assert [f"no verdict rule fires where {since} <= -1"] == [
            d.problem.message for d in check_rules(rules, schema=unbounded).defects
        ]

    def test_a_ratio_split_at_the_bounds_has_no_gap(self, tmp_path: Path) -> None:
        ratio = "fields.implementation_ratio"
        text = verdicts(
            f"  scale: [success, failure]\n  undecided_when: missing({ratio})",
            ("high", f"{ratio} >= 0.5", "success"),
            ("low", f"{ratio} < 0.5", "failure"),
        )
        assert [] == found(text, tmp_path)

    def test_relations_make_cells_infeasible(self, tmp_path: Path) -> None:
        # implemented >= 3 with agreed <= 2 is no case: no gap there
        text = verdicts(
            "  scale: [success, failure]\n"
            "  undecided_when: missing(fields.agreed) or missing(fields.implemented)",
            ("many", "fields.agreed >= 3 and fields.implemented >= 0", "success"),
            ("few", "fields.agreed <= 2 and fields.implemented <= 2", "failure"),
        )
        assert [] == found(text, tmp_path)


CHILD = """\
format: sistereval/rules@1
id: child
version: "1"
title: Core, changed
extends: core
"""


class TestLocatedInTheAuthorsFile:
    """A gap a child rule set causes is reported at its own disable or override."""

    def test_a_disabled_verdict_rule(self, tmp_path: Path) -> None:
        path = write(tmp_path, CHILD + "disable:\n  - verdict-partial-one-obstacle\n", "child.yaml")
        report = check_rules(path)
        gaps = [d for d in report.defects if d.problem.code == "verdict-gap"]
        assert gaps
        core = load_rules("core").rule("verdict-partial-one-obstacle")
        for gap in gaps:
            loc = gap.problem.location
            assert (path, 7, 5) == (loc.file, loc.line, loc.column)
            assert "this file disables the inherited rule 'verdict-partial-one-obstacle'" in (
                gap.problem.message
            )
            assert "verdict-partial-one-obstacle" == gap.rules[0]
            (related,) = gap.related
            assert rule_location(core) == related
            assert [{"file": related.file, "line": related.line, "column": related.column}] == (
                gap.to_dict()["related"]
            )

    def test_an_override_that_narrows_a_verdict_rule(self, tmp_path: Path) -> None:
        core = load_rules("core").rule("verdict-partial-one-obstacle")
        text = CHILD + (
            "rules:\n"
            "  - id: verdict-partial-one-obstacle\n"
            "    override: true\n"
            "    title: {en: Narrower, id: Lebih sempit}\n"
            f"    when: '{core.text} and fields.agreed >= 3'\n"
            "    then: {verdict: partial}\n"
            '    because: {en: "x", id: "x"}\n'
            "    source: s\n"
        )
        path = write(tmp_path, text, "child.yaml")
        gaps = [d for d in check_rules(path).defects if d.problem.code == "verdict-gap"]
        assert gaps
        for gap in gaps:
            loc = gap.problem.location
            assert (path, 7, 9) == (loc.file, loc.line, loc.column)
            assert "this file overrides the inherited rule 'verdict-partial-one-obstacle'" in (
                gap.problem.message
            )
            assert [core.origin] == [related.file for related in gap.related]

    def test_a_gap_of_the_file_itself_stays_at_its_first_verdict_rule(self) -> None:
        report = check_rules(FIXTURES / "gap.yaml")
        (gap,) = report.defects
        assert () == gap.related
        assert 15 == gap.problem.location.line
