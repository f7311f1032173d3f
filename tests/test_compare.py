"""The comparison report (issue 15): ``sistereval report`` of a directory, a register or
a batch result; the deciding count; the HTML is self-contained."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import html5lib
import pytest

from sistereval import evaluate
from sistereval.cli import run
from sistereval.language import load_rules, rule_set
from sistereval.report import (
    build_comparison,
    comparison_entries,
    is_comparison,
    render_comparison_html,
    render_comparison_markdown,
    render_comparison_terminal,
)
from sistereval.report.deciding import count_text, counts_text, deciding_counts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NAMES = ("bandung-namur", "bandung-suwon", "surabaya-kitakyushu")


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["report", *argv], stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSON Lines result of ``sistereval batch examples/`` (inputs relative to the root)."""
    out = tmp_path_factory.mktemp("batch") / "results.jsonl"
    stdout, stderr = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    try:
        os.chdir(ROOT)
        assert 0 == run(["batch", "examples/", "--out", str(out), "--jobs", "1"], stdout, stderr)
    finally:
        os.chdir(cwd)
    return out


def strict_parse(document: str) -> Any:
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(document)


class TestDecidingCount:
    @pytest.mark.parametrize(
        ("name", "en", "id_"),
        [
            (
                "bandung-namur",
                "4 serious obstacles (failure needs at least 2)",
                '4 hambatan serius (untuk hasil "gagal" diperlukan paling sedikit 2)',
            ),
            (
                "bandung-suwon",
                "1 serious obstacle (partial needs exactly 1)",
                '1 hambatan serius (untuk hasil "berhasil sebagian" diperlukan tepat 1)',
            ),
            (
                "surabaya-kitakyushu",
                "0 serious obstacles (success needs none); 3 strengths (success needs at least 3)",
                '0 hambatan serius (untuk hasil "berhasil" tidak boleh ada); 3 kekuatan '
                '(untuk hasil "berhasil" diperlukan paling sedikit 3)',
            ),
        ],
    )
    def test_the_examples(self, name: str, en: str, id_: str) -> None:
        evaluation = evaluate(EXAMPLES / f"{name}.yaml")
        findings = [f.to_dict() for f in evaluation.findings]
        counts = deciding_counts(rule_set("core"), evaluation.deciding, findings)
        assert (en, id_) == (counts_text(counts, "en"), counts_text(counts, "id"))

    def test_other_conditions(self, tmp_path: Path) -> None:
        path = tmp_path / "rules.yaml"
        path.write_text(
            "format: sistereval/rules@1\nid: few\nversion: '1'\ntitle: Few\nextends: core\n"
            "rules:\n"
            "  - id: verdict-success\n    override: true\n    title: Success\n"
            "    when: >-\n"
            '      1 < count(findings, kind == "strength") and\n'
            '      count(findings, factor == "finance" or rule == "x") <= 0 and\n'
            '      count(findings, kind in ["risk"]) != 4\n'
            "    then: {verdict: success}\n"
            "    because: {en: Success., id: Berhasil.}\n    source: test\n",
            encoding="utf-8",
        )
        rules = load_rules(path)
        evaluation = evaluate(EXAMPLES / "surabaya-kitakyushu.yaml", rules)
        assert "success" == evaluation.verdict
        findings = [f.to_dict() for f in evaluation.findings]
        counts = deciding_counts(rules, evaluation.deciding, findings)
        assert [
            "3 strengths (success needs more than 1)",
            'count(findings, factor == "finance" or rule == "x") = 0 (success allows at most 0)',
            'count(findings, kind in ["risk"]) = 0 (success needs any number but 4)',
        ] == [count_text(c, "en") for c in counts]

    def test_nothing_decided(self) -> None:
        assert () == deciding_counts(rule_set("core"), [], [])


class TestModel:
    def test_the_examples(self) -> None:
        core = rule_set("core")
        entries = comparison_entries("examples/", core)
        comparison = build_comparison(entries, core, source="examples/")
        assert [f"examples/{n}.yaml" for n in NAMES] == [r.label for r in comparison.rows]
        assert (("success", 1), ("partial", 1), ("failure", 1), ("not_assessable", 0)) == (
            comparison.verdicts
        )
        assert ("long-running", 2) == (
            comparison.strengths[0].rule,
            comparison.strengths[0].cases,
        )
        assert ("few-fields-implemented", 2) == (
            comparison.obstacles[0].rule,
            comparison.obstacles[0].cases,
        )
        namur = comparison.rows[0]
        assert {"long_term_vision": -6.0, "finance": 5.0} == {
            s.name: s.value for s in namur.scores if s.name in ("long_term_vision", "finance")
        }
        assert not comparison.linked

    def test_is_comparison(self, tmp_path: Path) -> None:
        (tmp_path / "results.jsonl").write_text("", encoding="utf-8")
        assert is_comparison("examples/")
        assert is_comparison("examples/register.csv")
        assert is_comparison(str(tmp_path / "results.jsonl"))
        assert not is_comparison("examples/register.csv#bandung-namur")
        assert not is_comparison("examples/bandung-namur.yaml")
        assert not is_comparison("-")
        assert not is_comparison(str(tmp_path / "missing.jsonl"))


class TestDirectory:
    def test_markdown(self) -> None:
        status, out, err = call("examples/", "--format", "markdown")
        assert (0, "") == (status, err)
        lines = out.splitlines()
        assert "# Comparison of partnerships" == lines[0]
        assert "3 case(s) from examples/, evaluated with the rule set core 2.0.0." == lines[2]
        assert (
            "| 1 | Bandung – Namur sister-city partnership | failure | 4 serious obstacles "
            "(failure needs at least 2) | high · holds | `examples/bandung-namur.yaml` |"
        ) in lines
        strength = (
            "| strength | `long-running` | The partnership has been active for ten years or "
            "more | 2 | █████████████ |"
        )
        assert strength in lines

    def test_a_case_that_fails_is_listed_and_the_others_compared(self, tmp_path: Path) -> None:
        for name in NAMES[:2]:
            shutil.copy(EXAMPLES / f"{name}.yaml", tmp_path)
        (tmp_path / "broken.yaml").write_text("format: sistereval/case@2\n", encoding="utf-8")
        status, out, _ = call(str(tmp_path), "--format", "markdown", "--lang", "id")
        assert 0 == status
        assert "1 kasus tidak dapat dievaluasi." in out
        assert "## Kasus yang tidak dapat dievaluasi" in out
        assert re.search(r"\| 3 \| `[^`]*broken\.yaml` \| [^|]*missing-key", out)

    def test_out_directory_has_each_case_s_report_linked(self, tmp_path: Path) -> None:
        folder = tmp_path / "reports"
        status, out, err = call(
            "examples/", "--format", "html", "--out", f"{folder}/", "--no-counterfactual"
        )
        assert (0, "") == (status, err)
        assert f"written to {folder}/index.html, with 3 case report(s) beside it\n" == out
        assert {"index.html", *(f"{n}.html" for n in NAMES)} == {p.name for p in folder.iterdir()}
        tree = strict_parse((folder / "index.html").read_text(encoding="utf-8"))
        assert [f"{n}.html" for n in NAMES] == [a.get("href") for a in tree.iter("a")]
        namur = (folder / "bandung-namur.html").read_text(encoding="utf-8")
        assert "<h1>Evaluation report: Bandung – Namur sister-city partnership</h1>" in namur

    def test_output_is_also_accepted(self, tmp_path: Path) -> None:
        status, _, _ = call(
            "examples/", "--format", "markdown", "--output", str(tmp_path), "--no-counterfactual"
        )
        assert 0 == status
        index = (tmp_path / "index.md").read_text(encoding="utf-8")
        assert "| 1 | [Bandung – Namur sister-city partnership](bandung-namur.md) |" in index
        assert "sistereval report followed by" not in index  # the reports are linked instead

    def test_out_file_has_the_comparison_only(self, tmp_path: Path) -> None:
        out = tmp_path / "comparison.txt"
        assert (0, "", "") == call("examples/", "--out", str(out))
        assert ["comparison.txt"] == [p.name for p in tmp_path.iterdir()]
        assert out.read_text(encoding="utf-8").startswith("Comparison of partnerships\n")

    def test_out_directory_that_cannot_be_made(self, tmp_path: Path) -> None:
        status, _, err = call("examples/", "--out", f"{tmp_path}/no/such/")
        assert 2 == status
        assert "cannot make the directory" in err


class TestRegister:
    def test_text(self) -> None:
        status, out, err = call("examples/register.csv")
        assert (0, "") == (status, err)
        assert "examples/register.csv#bandung-namur" in out
        assert "   deciding count: 1 serious obstacle (partial needs exactly 1)" in out

    def test_workbook(self) -> None:
        status, out, _ = call("examples/register.xlsx", "--format", "markdown")
        assert 0 == status
        assert "`examples/register.xlsx#bandung-suwon`" in out

    def test_a_header_that_cannot_be_used(self, tmp_path: Path) -> None:
        path = tmp_path / "register.csv"
        path.write_text("id,titel\n", encoding="utf-8")
        status, _, err = call(str(path))
        assert 2 == status
        assert "unknown-column" in err


class TestBatchResult:
    def test_compared_as_recorded(self, records: Path) -> None:
        status, out, err = call(str(records), "--format", "markdown", "--lang", "id")
        assert (0, "") == (status, err)
        assert "# Perbandingan kerja sama" in out
        assert (
            "| 1 | Bandung – Namur sister-city partnership | gagal | 4 hambatan serius (untuk "
            'hasil "gagal" diperlukan paling sedikit 2) | tinggi · tetap berlaku | '
            "`examples/bandung-namur.yaml` |"
        ) in out.splitlines()

    def test_a_record_without_certainty_shows_a_dash(self, records: Path, tmp_path: Path) -> None:
        """A record written before the certainty section (it has the deprecated
        ``confidence`` only) is still compared."""
        lines = records.read_text(encoding="utf-8").splitlines()
        first = json.loads(lines[0])
        del first["certainty"]
        older = tmp_path / "older.jsonl"
        older.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")

        status, out, _ = call(str(older), "--format", "markdown")
        assert 0 == status
        assert "| 4 serious obstacles (failure needs at least 2) | – |" in out

    def test_out_directory_reads_the_cases_again(self, records: Path, tmp_path: Path) -> None:
        status, _, _ = call(str(records), "--out", str(tmp_path), "--no-counterfactual")
        assert 0 == status
        assert {"index.txt", *(f"{n}.txt" for n in NAMES)} == {p.name for p in tmp_path.iterdir()}
        assert "examples/bandung-namur.yaml → bandung-namur.txt" in (
            tmp_path / "index.txt"
        ).read_text(encoding="utf-8")

    def test_a_changed_case_gets_no_report(self, records: Path, tmp_path: Path) -> None:
        lines = records.read_text(encoding="utf-8").splitlines()
        first = json.loads(lines[0])
        first["case"]["sha256"] = "0" * 64  # made from another content of the file
        changed = tmp_path / "changed.jsonl"
        changed.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
        folder = tmp_path / "out"
        status, _, _ = call(str(changed), "--out", f"{folder}/", "--no-counterfactual")
        assert 0 == status
        assert {"index.txt", "bandung-suwon.txt", "surabaya-kitakyushu.txt"} == {
            p.name for p in folder.iterdir()
        }

    def test_an_error_record(self, tmp_path: Path) -> None:
        path = tmp_path / "results.jsonl"
        error = {"code": "missing-key", "message": "x.yaml:1: missing-key: no id"}
        path.write_text(json.dumps({"input": "x.yaml", "error": error}) + "\n", encoding="utf-8")
        status, out, _ = call(str(path), "--format", "markdown")
        assert 0 == status
        assert "| 1 | `x.yaml` | x.yaml:1: missing-key: no id |" in out

    def test_not_a_record(self, tmp_path: Path) -> None:
        path = tmp_path / "cases.jsonl"
        path.write_text('{"input": "a"}\n\n[1]\n', encoding="utf-8")
        status, out, err = call(str(path))
        assert (2, "") == (status, out)
        assert [f"{path}:1: not-a-record", f"{path}:3: not-a-record"] == [
            line.split(": the line")[0] for line in err.splitlines()
        ]

    def test_another_rule_set(self, records: Path) -> None:
        status, _, err = call(str(records), "--rules", "indonesia")
        assert 2 == status
        assert (
            f"{records}:1: other-rule-set: the record was made with the rule set core 2.0.0" in err
        )
        assert err.rstrip().endswith("(pass the rule set of the records with --rules)")


def _comparisons() -> dict[str, Any]:
    core = rule_set("core")
    entries = comparison_entries("examples/register.csv", core)
    return {
        lang: build_comparison(entries, core, language=lang, source="examples/register.csv")
        for lang in ("en", "id")
    }


class TestRenderers:
    @pytest.fixture
    def comparisons(self) -> dict[str, Any]:
        return _comparisons()

    def test_html_is_self_contained(self, comparisons: dict[str, Any]) -> None:
        for comparison in comparisons.values():
            document = render_comparison_html(comparison)
            tree = strict_parse(document)
            assert comparison.language == tree.get("lang")
            tags = ("script", "link", "img", "iframe", "object", "embed")
            assert [] == [e.tag for e in tree.iter() if e.tag in tags]
            assert [] == [e.tag for e in tree.iter() if e.get("src") is not None]
            assert [] == list(tree.iter("a"))  # no link without the cases' own reports
            assert "url(" not in document
            assert "http" not in document.split("</svg>")[-1]
            assert ["cases", "verdicts", "scores", "occurrences"] == [
                s.get("id") for s in tree.iter("section")
            ]
            [chart] = [e for e in tree.iter() if e.tag.endswith("svg")]
            assert ("chart_comparison", "img") == (chart.get("id"), chart.get("role"))

    def test_the_same_content_in_both_languages(self, comparisons: dict[str, Any]) -> None:
        def numbers(text: str) -> list[str]:
            return re.findall(r"\d+(?:\.\d+)?", html.unescape(text))

        for render in (render_comparison_markdown, render_comparison_html):
            en, id_ = render(comparisons["en"]), render(comparisons["id"])
            assert numbers(en) == numbers(id_)
            assert en != id_

    def test_terminal_at_80_columns_keeps_identifiers_whole(
        self, comparisons: dict[str, Any]
    ) -> None:
        text = render_comparison_terminal(comparisons["en"], width=80)
        assert max(len(line) for line in text.splitlines()) <= 80
        for rule in ("leadership-change-without-continuity", "few-fields-implemented"):
            assert f"({rule})" in text
