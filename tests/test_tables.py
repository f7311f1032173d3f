"""Tests for decision tables (:mod:`sistereval.language.tables`): rows read as rules."""

from __future__ import annotations

import collections
import csv
import io
import shutil
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sistereval
from sistereval.check import check_rules
from sistereval.messages import TABLES as TABLE_TEXTS
from sistereval.strategies import case_variations, cases
from sistereval.workbooks import write_workbook

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "examples" / "tables"
TABLE_RULES = TABLES / "core-verdicts.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CORE = sistereval.load_rules("core")

HEADER = "id;fields.agreed;fields.implemented;finding;factor;severity;because.en;because.id;source"


def rule_file(tmp_path: Path, table: str, *, policy: str = "collect", name: str = "t.csv") -> Path:
    (tmp_path / name).write_text(table, encoding="utf-8")
    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "format: sistereval/rules@1\nid: mine\nversion: '1'\ntitle: Mine\nextends: core\n"
        f"tables:\n  - file: {name}\n    hit_policy: {policy}\n",
        encoding="utf-8",
    )
    return rules


def problems(path: Path) -> list[str]:
    with pytest.raises(sistereval.RuleError) as raised:
        sistereval.load_rules(path)
    return [str(p) for p in raised.value.problems]


@pytest.fixture(scope="module")
def table_rules() -> sistereval.RuleSet:
    return sistereval.load_rules(TABLE_RULES)


class TestCoreVerdictsTable:
    def test_the_rows_replace_the_verdict_rules(self, table_rules: sistereval.RuleSet) -> None:
        verdict_rules = [r for r in table_rules.rules if r.then.__class__.__name__ == "VerdictThen"]
        assert 7 == len(verdict_rules)
        assert all(r.loc.file == str(Path("examples/tables/core-verdicts.csv")) or
                   r.loc.file.endswith("core-verdicts.csv") for r in verdict_rules)  # fmt: skip
        assert [2, 3, 4, 5, 6, 7, 8] == [r.loc.line for r in verdict_rules]

    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
    def test_same_verdicts_as_core_on_the_examples(
        self, path: Path, table_rules: sistereval.RuleSet
    ) -> None:
        assert sistereval.evaluate(path).verdict == sistereval.evaluate(path, table_rules).verdict

    @pytest.mark.slow
    def test_same_verdicts_as_core_on_500_generated_cases(
        self, table_rules: sistereval.RuleSet
    ) -> None:
        seen: collections.Counter[str] = collections.Counter()
        examples = [sistereval.load_case(p) for p in EXAMPLES]
        generated = st.one_of(
            cases(signed=True), cases(), *(case_variations(c, max_changes=4) for c in examples)
        )

        @settings(
            max_examples=500,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(generated)
        def same(case: sistereval.Case) -> None:
            expected = sistereval.evaluate(case, CORE, backend="reference").verdict
            assert expected == sistereval.evaluate(case, table_rules, backend="reference").verdict
            seen[expected] += 1

        same()
        assert 500 <= sum(seen.values())
        assert {"success", "partial", "failure", "not_assessable"} <= set(seen)

    def test_durable_and_reference_agree(self, table_rules: sistereval.RuleSet) -> None:
        for path in EXAMPLES:
            durable = sistereval.evaluate(path, table_rules)
            reference = sistereval.evaluate(path, table_rules, backend="reference")
            assert [f.rule for f in durable.findings] == [f.rule for f in reference.findings]

    def test_check_finds_nothing(self) -> None:
        assert [] == [d.problem.code for d in check_rules(TABLE_RULES).defects]

    def test_declared_tests_pass(self) -> None:
        assert sistereval.test(TABLE_RULES).passed

    def test_explain_and_report_name_the_rows(self, table_rules: sistereval.RuleSet) -> None:
        explanation = sistereval.explain(ROOT / "examples" / "bandung-namur.yaml", table_rules)
        assert "failure-serious-obstacles" in explanation.deciding
        better = {m.rule: m for m in explanation.better}
        assert (
            'count(findings, kind == "obstacle" and severity == "high")'
            in better["partial-ended-one-obstacle"].blocking
        )
        from sistereval.report import make_report, render_markdown

        text = render_markdown(
            make_report(ROOT / "examples" / "bandung-namur.yaml", table_rules, search=False)
        )
        assert "failure-serious-obstacles" in text


class TestPlantedOverlap:
    def test_check_reports_it_at_its_row(self, tmp_path: Path) -> None:
        for source in TABLES.iterdir():
            shutil.copy(source, tmp_path / source.name)
        table = tmp_path / "core-verdicts.csv"
        lines = table.read_text(encoding="utf-8").splitlines()
        lines.insert(
            5,
            "partial-ended-obstacles;Ended with obstacles;Berakhir dengan hambatan;ended;>= 1;-;-;"
            "partial;Obstacles.;Hambatan.;a planted overlap",
        )
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")
        rules = tmp_path / "core-verdicts.yaml"
        data = yaml.safe_load(rules.read_text(encoding="utf-8"))
        data["tests"] = []  # the examples are not beside this copy
        rules.write_text(yaml.safe_dump(data), encoding="utf-8")
        defects = check_rules(rules).defects
        overlaps = [d.problem for d in defects if d.problem.code == "verdict-overlap"]
        assert overlaps
        assert {(str(table), 6, 4)} == {
            (p.location.file, p.location.line, p.location.column) for p in overlaps
        }
        assert all("'partial-ended-obstacles' (partial)" in p.message for p in overlaps)


class TestWorkbookTable:
    def test_the_xlsx_table_gives_the_same_rules(self, tmp_path: Path) -> None:
        text = (TABLES / "core-verdicts.csv").read_text(encoding="utf-8")
        header, *rows = csv.reader(io.StringIO(text), delimiter=";")
        (tmp_path / "core-verdicts.xlsx").write_bytes(write_workbook([("verdicts", header, rows)]))
        yaml_text = TABLE_RULES.read_text(encoding="utf-8").replace(
            "file: core-verdicts.csv", "file: core-verdicts.xlsx\n    sheet: verdicts"
        )
        data = yaml.safe_load(yaml_text)
        data["tests"] = []
        (tmp_path / "rules.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        from_xlsx = sistereval.load_rules(tmp_path / "rules.yaml")
        from_csv = sistereval.load_rules(TABLE_RULES)
        assert [(r.id, r.when) for r in from_csv.rules] == [(r.id, r.when) for r in from_xlsx.rules]
        assert f"{tmp_path / 'core-verdicts.xlsx'}[verdicts]" == from_xlsx.rule("success").loc.file

    def test_errors_name_the_sheet(self, tmp_path: Path) -> None:
        header = HEADER.split(";")
        row = [
            "many",
            ">= 5",
            ">= banana(",
            "strength",
            "long_term_vision",
            "low",
            "Many.",
            "Banyak.",
            "x",
        ]
        (tmp_path / "t.xlsx").write_bytes(write_workbook([("Sheet1", header, [row])]))
        rules = rule_file(tmp_path, "", name="t.xlsx")
        (tmp_path / "t.xlsx").write_bytes(write_workbook([("Sheet1", header, [row])]))
        [problem] = problems(rules)
        assert problem.startswith(f"{tmp_path / 't.xlsx'}[Sheet1]:2:3: unknown-function: 'banana'")


class TestFindingTables:
    def test_collect_and_first(self, tmp_path: Path) -> None:
        table = (
            f"{HEADER}\n"
            "many-agreed;>= 5;-;strength;long_term_vision;low;Many.;Banyak.;a test\n"
            "some-done;>= 3;>= 1;strength;long_term_vision;low;Some.;Sebagian.;a test\n"
        )
        case = ROOT / "examples" / "bandung-namur.yaml"  # 5 agreed, 1 implemented
        collect = sistereval.load_rules(rule_file(tmp_path, table))
        fired = {f.rule for f in sistereval.evaluate(case, collect).findings}
        assert {"many-agreed", "some-done"} <= fired
        first = sistereval.load_rules(rule_file(tmp_path, table, policy="first"))
        fired = {f.rule for f in sistereval.evaluate(case, first).findings}
        assert "many-agreed" in fired
        assert "some-done" not in fired
        assert (
            "fields.agreed >= 3 and fields.implemented >= 1) and not ((fields.agreed >= 5))"
            in first.rule("some-done").text
        )

    def test_a_dead_row_is_reported_at_its_row(self, tmp_path: Path) -> None:
        table = f"{HEADER}\nnever;[5..3];-;strength;long_term_vision;low;Never.;Tidak.;a test\n"
        defects = check_rules(rule_file(tmp_path, table)).defects
        [dead] = [d.problem for d in defects if d.problem.code == "dead-rule"]
        assert (str(tmp_path / "t.csv"), 2) == (dead.location.file, dead.location.line)

    def test_a_gap_of_a_verdict_table(self, tmp_path: Path) -> None:
        (tmp_path / "v.csv").write_text(
            "id;partnership.stage;verdict;because.en;because.id;source\n"
            "ended;ended;failure;Ended.;Berakhir.;a test\n",
            encoding="utf-8",
        )
        rules = tmp_path / "v.yaml"
        rules.write_text(
            "format: sistereval/rules@1\nid: v\nversion: '1'\ntitle: V\nlanguages: [en, id]\n"
            "verdicts: {scale: [success, failure]}\ntables: [{file: v.csv, hit_policy: unique}]\n",
            encoding="utf-8",
        )
        codes = {d.problem.code for d in check_rules(rules).defects}
        assert "verdict-gap" in codes


class TestErrors:
    @pytest.mark.parametrize(
        ("header", "row", "expected"),
        [
            (
                HEADER.replace("finding;", "findng;"),
                "x;1;1;strength;long_term_vision;low;A.;B.;s",
                "t.csv:1:4: unknown-column: unknown column 'findng': not an output, and not a fact"
                " (did you mean 'finding'?)",
            ),
            (
                HEADER.replace("fields.agreed", "fields.agred"),
                "x;1;1;strength;long_term_vision;low;A.;B.;s",
                "t.csv:2:2: unknown-fact: 'fields.agred'",
            ),
            (
                HEADER,
                "x;>= 1;1;strenght;long_term_vision;low;A.;B.;s",
                "t.csv:2:4: bad-value: 'strenght' is not a finding kind (did you mean 'strength'?)",
            ),
            (
                HEADER,
                "x;>= 1;1;strength;long_term_vision;low;A {fields.agred}.;B.;s",
                "t.csv:2:7: unknown-placeholder: '{fields.agred}' (did you mean 'fields.agreed'?)",
            ),
            (
                HEADER,
                "x;>= 1;1;strength;long_term_vision;low;A.;;s",
                "t.csv:2:8: empty-cell: the message in 'id' (because.id) is empty",
            ),
            (HEADER, "x;>= 1;< 'a';strength;long_term_vision;low;A.;B.;s", "t.csv:2:3: "),
            (
                HEADER.replace(";source", ""),
                "x;>= 1;1;strength;long_term_vision;low;A.;B.",
                "t.csv:1: missing-column: the required column 'source' is missing",
            ),
        ],
        ids=[
            "unknown-column",
            "unknown-fact",
            "bad-kind",
            "placeholder",
            "empty-message",
            "bad-cell",
            "missing-source",
        ],
    )
    def test_located_at_row_and_column(
        self, tmp_path: Path, header: str, row: str, expected: str
    ) -> None:
        found = problems(rule_file(tmp_path, f"{header}\n{row}\n"))
        shown = [p.replace(f"{tmp_path}/", "") for p in found]
        assert any(p.startswith(expected) for p in shown), shown

    def test_the_hit_policy(self, tmp_path: Path) -> None:
        found = problems(rule_file(tmp_path, f"{HEADER}\n", policy="uniqe"))
        assert any(
            "bad-value: 'uniqe' is not a hit policy in tables[0].hit_policy"
            " (did you mean 'unique'?)" in p
            for p in found
        )

    def test_unique_is_for_verdict_tables(self, tmp_path: Path) -> None:
        row = "x;>= 1;1;strength;long_term_vision;low;A.;B.;s"
        found = problems(rule_file(tmp_path, f"{HEADER}\n{row}\n", policy="unique"))
        assert any("bad-table: the hit policy 'unique' is for verdict tables" in p for p in found)

    def test_a_missing_table(self, tmp_path: Path) -> None:
        rules = rule_file(tmp_path, "")
        (tmp_path / "t.csv").unlink()
        [problem] = problems(rules)
        assert "mine.yaml:7:5: bad-table: cannot read the table" in problem


class TestTexts:
    """Every text of a table's problem is in the message layer, in both languages."""

    def test_the_same_keys_in_both_languages(self) -> None:
        expected = set(TABLE_TEXTS["en"])
        assert expected == set(TABLE_TEXTS["id"])

    def test_the_indonesian_texts_are_translations(self) -> None:
        same = [key for key, text in TABLE_TEXTS["en"].items() if TABLE_TEXTS["id"][key] == text]

        assert [] == same

    def test_the_same_placeholders(self) -> None:
        def fields(text: str) -> set[str]:
            return {name for _, name, _, _ in string.Formatter().parse(text) if name}

        differ = [
            key
            for key, text in TABLE_TEXTS["en"].items()
            if fields(text) != fields(TABLE_TEXTS["id"][key])
        ]

        assert [] == differ

    def test_every_text_is_used(self) -> None:
        source = (ROOT / "src" / "sistereval" / "language" / "tables.py").read_text(
            encoding="utf-8"
        )

        unused = [key for key in TABLE_TEXTS["en"] if f'_T["{key}"]' not in source]
        assert [] == unused

    def test_problems_are_reported_in_english(self, tmp_path: Path) -> None:
        found = problems(rule_file(tmp_path, "\n"))

        assert any(TABLE_TEXTS["en"]["empty"] in p for p in found), found
