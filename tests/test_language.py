"""Rule files: sistereval.language.load_rules and the shipped rule sets."""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

from language_schema import SCHEMA
from sistereval import ir
from sistereval.errors import DocumentError, LimitError, RuleError
from sistereval.language import (
    MAX_RULES,
    MAX_RULES_PER_FACT,
    load_rules,
    parse_expression,
    shipped_rule_sets,
    shipped_rules_dir,
)
from sistereval.language.assemble import engine_limits
from sistereval.language.declarations import shipped_examples
from sistereval.language.srcmap import scalar_locator
from sistereval.language.strata import assign_strata

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path("tests/golden/rules")
SHIPPED = str(GOLDEN / "shipped")
INVALID = sorted((ROOT / GOLDEN / "invalid").glob("*.yaml"))


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden messages name files relative to the repository."""
    monkeypatch.chdir(ROOT)


def load(path: str | os.PathLike[str]) -> ir.RuleSet:
    return load_rules(path, schema=SCHEMA, search_path=[SHIPPED])


def messages(path: str | os.PathLike[str]) -> list[str]:
    with pytest.raises(RuleError) as info:
        load(path)
    return [str(problem) for problem in info.value.problems]


class TestInvalidRuleFiles:
    @pytest.mark.parametrize("path", INVALID, ids=lambda path: path.stem)
    def test_golden(self, path: Path) -> None:
        expected = path.with_suffix(".expected").read_text(encoding="utf-8")
        actual = "\n".join(messages(GOLDEN / "invalid" / path.name)) + "\n"
        assert expected == actual

    def test_every_case_has_its_expected_output(self) -> None:
        folder = ROOT / GOLDEN / "invalid"
        assert sorted(p.stem for p in folder.glob("*.yaml")) == sorted(
            p.stem for p in folder.glob("*.expected")
        )
        assert len(INVALID) >= 18

    def test_error_classes(self) -> None:
        with pytest.raises(DocumentError):
            load(GOLDEN / "invalid" / "yaml-syntax.yaml")
        with pytest.raises(RuleError) as info:
            load(GOLDEN / "invalid" / "unknown-fact.yaml")
        assert type(info.value) is RuleError
        assert isinstance(info.value, ValueError)

    def test_problems_carry_codes_and_data_paths(self) -> None:
        with pytest.raises(RuleError) as info:
            load(GOLDEN / "invalid" / "unknown-fact.yaml")
        (problem,) = info.value.problems
        assert problem.to_dict() == {
            "code": "unknown-fact",
            "message": "'fields.implemnted'",
            "file": "tests/golden/rules/invalid/unknown-fact.yaml",
            "line": 9,
            "column": 11,
            "path": "rules[0].when",
            "suggestion": "did you mean 'fields.implemented'?",
        }


class TestValidRuleFiles:
    def test_core(self) -> None:
        rules = load(GOLDEN / "shipped" / "core.yaml")
        assert (
            rules.id,
            rules.version,
            rules.languages,
            rules.policy,
        ) == ("core", "1.0.0", ("en", "id"), "worst")
        assert rules.scale == ("success", "partial", "failure")
        assert rules.obstacle_groups == ("distance", "finance", "leadership_participation")
        few = rules.rule("few-fields-implemented")
        assert few.text == "fields.agreed >= 3 and fields.implementation_ratio < 0.34"
        assert parse_expression(few.text) == few.when
        assert ir.FindingThen(kind="obstacle", factor="long_term_vision", severity="high") == (
            few.then
        )
        assert few.source == "Bachtiar, Subagyo & Tholhah (2024), Kesimpulan"
        assert {"en", "id"} == set(few.because)
        assert (
            few.loc.file,
            few.loc.line,
            few.loc.column,
            few.loc.path,
        ) == ("tests/golden/rules/shipped/core.yaml", 10, 5, "rules[0]")
        assert rules.invariants == ({"monotone": "fields.implemented", "direction": "up"},)
        (test,) = rules.tests
        assert (
            ir.RuleTest(
                name="bandung-namur",
                case=shipped_examples()["bandung-namur"],
                verdict="failure",
                fires=("few-fields-implemented",),
            )
            == test
        )

    def test_extends_disable_override_and_add(self) -> None:
        rules = load(GOLDEN / "valid" / "child.yaml")
        core = "tests/golden/rules/shipped/core.yaml"
        child = "tests/golden/rules/valid/child.yaml"
        assert [
            (0, "few-fields-implemented", child),
            (0, "mayor-left", core),
            (0, "implemented-well", core),
            (0, "youth-took-part", child),
            (1, "many-obstacles", core),
            (2, "obstacles-without-strengths", child),
        ] == [(rule.stratum, rule.id, rule.origin) for rule in rules.rules]
        assert "fields.implementation_ratio < 0.25" in rules.rule("few-fields-implemented").text
        assert ("custom", "2.0.0", child) == (rules.id, rules.version, rules.file)
        # metadata lists are inherited when the child does not give them
        assert (
            rules.languages,
            rules.scale,
            rules.policy,
        ) == (("en", "id"), ("success", "partial", "failure"), "worst")
        assert len(rules.factors) == 4
        assert rules.invariants == ({"monotone": "fields.implemented", "direction": "up"},)
        # tests are not inherited: they test the file that declares them
        assert [test.name for test in rules.tests] == ["inline"]
        assert {
            k: v for k, v in (rules.tests[0].facts or {}).items() if k.startswith("fields")
        } == {"fields.agreed": 5, "fields.implemented": 1}

    def test_a_child_adds_a_factor_and_a_group(self, tmp_path: Path) -> None:
        """A child's ``factors`` and ``obstacle_groups`` add to the inherited ones; listing
        one new name replaced the list, and every inherited rule naming a factor of core
        was an ``unknown-factor`` (issue 14)."""
        child = tmp_path / "child.yaml"
        child.write_text(
            'format: sistereval/rules@1\nid: child\nversion: "1"\ntitle: Child\n'
            "extends: core\nfactors: [cultural_exchange, long_term_vision]\n"
            "obstacle_groups: [politics]\n",
            encoding="utf-8",
        )
        rules = load_rules(child)
        core = load_rules("core")

        assert (*core.factors, "cultural_exchange") == rules.factors
        assert (*core.obstacle_groups, "politics") == rules.obstacle_groups

    def test_chained_extends_by_relative_path(self) -> None:
        rules = load(GOLDEN / "valid" / "grandchild.yaml")
        assert (rules.id, rules.languages, rules.policy) == ("custom-en", ("en",), "priority")
        assert [(rule.stratum, rule.id) for rule in rules.rules] == [
            (0, "few-fields-implemented"),
            (0, "mayor-left"),
            (0, "implemented-well"),
            (0, "youth-took-part"),
            (1, "many-obstacles"),
            (1, "many-findings"),
            (2, "obstacles-without-strengths"),
        ]

    def test_shipped_name_and_path_objects(self) -> None:
        by_name = load_rules("core", schema=SCHEMA, search_path=[SHIPPED])
        by_path = load(ROOT / GOLDEN / "shipped" / "core.yaml")
        assert by_name.sha256 == by_path.sha256
        assert [(r.id, r.when) for r in by_name.rules] == [(r.id, r.when) for r in by_path.rules]
        assert str(ROOT / GOLDEN / "shipped" / "core.yaml") == by_path.rules[0].origin


class TestDigest:
    def test_layout_and_comments_do_not_count(self, tmp_path: Path) -> None:
        text = (ROOT / GOLDEN / "shipped" / "core.yaml").read_text(encoding="utf-8")
        relaid = "# a comment\n" + text.replace(
            "when: distance.km > 10000", "when: 'distance.km>10000'   # far"
        )
        (tmp_path / "core.yaml").write_text(relaid, encoding="utf-8")
        assert load(GOLDEN / "shipped" / "core.yaml").sha256 == load(tmp_path / "core.yaml").sha256

    def test_a_threshold_counts(self, tmp_path: Path) -> None:
        text = (ROOT / GOLDEN / "shipped" / "core.yaml").read_text(encoding="utf-8")
        (tmp_path / "core.yaml").write_text(text.replace("> 10000", "> 9000"), encoding="utf-8")
        digest = load(tmp_path / "core.yaml").sha256
        assert len(digest) == 64
        assert load(GOLDEN / "shipped" / "core.yaml").sha256 != digest

    def test_parent_content_counts(self) -> None:
        assert load(GOLDEN / "valid" / "child.yaml").sha256 != load("core").sha256


class TestSources:
    def test_unknown_shipped_name(self) -> None:
        assert messages("cor") == [
            "<input>: unknown-rule-set: no shipped rule set is named 'cor' (did you mean 'core'?)"
        ]

    def test_missing_file(self) -> None:
        with pytest.raises(DocumentError) as info:
            load("tests/golden/rules/nothing.yaml")
        (problem,) = info.value.problems
        assert (
            problem.code,
            problem.location.file,
        ) == ("read-error", "tests/golden/rules/nothing.yaml")

    def test_not_a_rule_file(self, tmp_path: Path) -> None:
        (tmp_path / "case.yaml").write_text(
            "format: sistereval/case@1\nid: x\nversion: '1'\ntitle: t\n"
            "languages: [en]\nverdicts: {scale: [good]}\n",
            encoding="utf-8",
        )
        assert [
            f"{tmp_path}/case.yaml:1:9: bad-format: expected 'sistereval/rules@1',"
            " got 'sistereval/case@1' in format (this is a case file)"
        ] == messages(tmp_path / "case.yaml")

    def test_search_path(self) -> None:
        assert shipped_rule_sets([SHIPPED]) == ("core",)
        assert shipped_rule_sets([GOLDEN / "nowhere"]) == ()

    def test_shipped_rules_dir(self) -> None:
        folder = shipped_rules_dir()
        packaged = Path(__file__).resolve().parents[1] / "src" / "sistereval" / "rules"
        assert str(folder) in (str(packaged), str(ROOT / "rules"))


def rule(rule_id: str, when: str, then: ir.Then | None = None) -> ir.Rule:
    return ir.Rule(
        id=rule_id,
        title=rule_id,
        when=parse_expression(when),
        then=then or ir.FindingThen(kind="obstacle", factor="f", severity="low"),
        because={},
        source="",
    )


class TestStrata:
    def test_findings_wait_for_independent_finding_rules(self) -> None:
        rules = [
            rule("counts", "count(findings) > 1", ir.VerdictThen(verdict="failure")),
            rule("a", "x.y > 1"),
            rule("after-a", 'fired("a")'),
            rule("risky", 'any(findings, kind == "risk")'),
            rule("b", "x.z > 1", ir.Derive(name="bee")),
            rule("uses-b", "derived.bee", ir.VerdictThen(verdict="success")),
        ]
        ordered, problems = assign_strata(rules)
        assert problems == []
        assert [(r.id, r.stratum) for r in ordered] == [
            ("a", 0),
            ("b", 0),
            ("after-a", 1),
            ("uses-b", 1),
            ("counts", 2),
            ("risky", 2),
        ]

    def test_cycles_name_the_rules(self) -> None:
        rules = [
            rule("free", "x.y > 1"),
            rule("self", 'fired("self")'),
            rule("a", 'fired("b")'),
            rule("b", "derived.c and x.y > 1"),
            rule("c", 'fired("a")', ir.Derive(name="c")),
            rule("after", 'fired("c")'),
        ]
        ordered, problems = assign_strata(rules)
        assert [(p.code, p.message, p.location.column) for p in problems] == [
            ("rule-cycle", "rules depend on each other: 'self' -> 'self'", 1),
            ("rule-cycle", "rules depend on each other: 'a' -> 'b' -> 'c' -> 'a'", 1),
        ]
        assert {r.id for r in ordered} == {r.id for r in rules}

    def test_long_chains_need_no_recursion(self) -> None:
        rules = [rule("r0", "x.y > 1")] + [
            rule(f"r{i}", f'fired("r{i - 1}")') for i in range(1, 3000)
        ]
        ordered, problems = assign_strata(rules)
        assert problems == []
        assert ordered[-1].stratum == 2999


class TestEngineLimits:
    def test_too_many_rules(self) -> None:
        rules = [rule(f"r{i}", f"x.f{i} > 1") for i in range(MAX_RULES + 1)]
        (problem,) = engine_limits(rules)
        assert (
            "engine-limit",
            f"the rule set has {MAX_RULES + 1} rules; at most 4000 can be compiled",
        ) == (
            problem.code,
            problem.message,
        )
        assert engine_limits(rules[:MAX_RULES]) == []

    def test_too_many_rules_on_one_fact(self, tmp_path: Path) -> None:
        lines = [
            "format: sistereval/rules@1",
            "id: big",
            "version: '1'",
            "title: Many rules on one fact",
            "extends: core",
            "rules:",
        ]
        for i in range(MAX_RULES_PER_FACT + 1):
            lines += [
                f"  - id: r{i}",
                f"    title: rule {i}",
                f"    when: fields.agreed > {i}",
                "    then: {finding: strength, factor: shared_values, severity: low}",
                "    because: {en: 'x', id: 'x'}",
                "    source: test",
            ]
        path = tmp_path / "big.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(LimitError) as info:
            load_rules(path, schema=SCHEMA, search_path=[ROOT / SHIPPED])
        (problem,) = info.value.problems
        assert (
            # the inherited few-fields-implemented tests it too: rules[499] is the 501st
            f"{path}:3001:5: engine-limit: more than 500 rules test 'fields.agreed' in rules[499]"
            " (derive an intermediate fact that several rules share)"
        ) == str(problem)


class TestScalarLocator:
    """Positions inside YAML scalars (``when`` values and templates)."""

    @pytest.mark.parametrize(
        ("source", "value", "char", "expected"),
        [
            ("when: a > b\n", "a > b", ">", (1, 9)),
            ('when: "x == \\"q\\" and y"\n', 'x == "q" and y', "y", (1, 23)),
            ('when: "x == \\"q\\" and y"\n', 'x == "q" and y', "q", (1, 15)),
            ("when: 'it''s y'\n", "it's y", "y", (1, 14)),
            ("when: |\n  a and\n    b\n", "a and\n  b\n", "b", (3, 5)),
            ("when: >\n  a and\n  b\n", "a and b\n", "b", (3, 3)),
            ("when: a and\n  b\n", "a and b", "b", (2, 3)),
        ],
    )
    def test_positions(self, source: str, value: str, char: str, expected: tuple[int, int]) -> None:
        locate = scalar_locator(source, 1, 7, value)
        assert expected == locate(value.index(char))


class TestDocumentation:
    """``docs/rule-language.md``: its Python examples run, its rule files load."""

    DOC = ROOT / "docs" / "rule-language.md"

    def test_python_examples(self) -> None:
        result = doctest.testfile(str(self.DOC), module_relative=False, encoding="utf-8")
        assert (result.failed, result.attempted > 0) == (0, True)

    def test_rule_files(self, tmp_path: Path) -> None:
        """Against the real fact schema; the first example stands in for ``core``."""
        text = self.DOC.read_text(encoding="utf-8")
        blocks = [
            b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("format:")
        ]
        first, *others = blocks
        (tmp_path / "core.yaml").write_text(first, encoding="utf-8")
        loaded = [load_rules(tmp_path / "core.yaml", search_path=[tmp_path])]
        for index, block in enumerate(others):
            path = tmp_path / f"example{index}.yaml"
            path.write_text(block, encoding="utf-8")
            loaded.append(load_rules(path, search_path=[tmp_path]))
        assert [rule_set.id for rule_set in loaded] == ["first", "bandung-office"]
        assert [rule.id for rule in loaded[1].rules] == [
            "few-fields-implemented",
            "mayor-changed",
            "youth-took-part",
        ]
