"""Reports: the model, Markdown, HTML and terminal renderers, the command, two languages."""

from __future__ import annotations

import collections
import doctest
import html
import io
import re
from pathlib import Path
from typing import Any

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings

from sistereval import strategies
from sistereval.cases import load_case
from sistereval.cli import run
from sistereval.evaluation import evaluate
from sistereval.language import load_rules
from sistereval.messages import REPORT
from sistereval.model import Case, MilestoneType, SourceKind
from sistereval.report import (
    Report,
    build_report,
    make_report,
    render_html,
    render_markdown,
    render_terminal,
)

ROOT = Path(__file__).resolve().parents[1]
NAMUR = ROOT / "examples" / "bandung-namur.yaml"
SECTIONS = [
    "summary",
    "scores",
    "timeline",
    "findings",
    "not_fired",
    "counterfactuals",
    "disputes",
    "certainty",
    "bibliography",
]

#: What the counterfactual search and the per-dispute verdicts produce (issue 5, points 2-3).
COUNTERFACTUALS: dict[str, Any] = {
    "verdict_before": "failure",
    "target": "partial",
    "searched": 412,
    "solutions": [
        {
            "verdict": "partial",
            "changes": [
                {
                    "path": "leadership_changes[0].continuity",
                    "from": False,
                    "to": True,
                    "text": {
                        "en": "the successor carries the partnership on",
                        "id": "pengganti melanjutkan kerja sama",
                    },
                },
                {
                    "path": "budget[0].earmarked",
                    "from": False,
                    "to": True,
                    "text": {
                        "en": "Bandung earmarks a budget line",
                        "id": "Bandung menganggarkan dana khusus",
                    },
                },
            ],
        }
    ],
}
DISPUTES: list[dict[str, Any]] = [
    {
        "fact": "distance.km",
        "alternatives": [
            {"value": 11501, "sources": ["derived"], "verdict": "failure"},
            {"value": 14312, "sources": ["bachtiar2024"], "verdict": "failure"},
        ],
        "verdict_depends": False,
    }
]


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {
        language: build_report(
            NAMUR, language=language, counterfactuals=COUNTERFACTUALS, disputes=DISPUTES
        )
        for language in ("en", "id")
    }


def hostile_case(tmp_path: Path) -> Path:
    text = NAMUR.read_text(encoding="utf-8")
    text = text.replace(
        "title: Bandung – Namur sister-city partnership",
        "title: \"<script>alert('x')</script> | *Bandung* & [Namur](x)\\e[2J\"",
    )
    text = text.replace(
        "    kind: news\n    citation: Antara",
        "    kind: news\n    url: \"javascript:alert('x')\"\n    citation: Antara",
    )
    text = text.replace(
        "    kind: news\n    citation: Republika",
        "    kind: news\n    url: https://example.org/republika?a=1&b=2\n    citation: Republika",
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestBuildReport:
    def test_verdict_scores_and_deciding_rules(self, reports: dict[str, Report]) -> None:
        report = reports["en"]
        evaluation = evaluate(NAMUR)
        assert ("failure", 0.64) == (report.verdict, report.confidence)
        assert evaluation.deciding == report.deciding
        assert {
            "shared_values": 0,
            "community_participation": 0,
            "long_term_vision": -6,
            "institutional_support": 0,
            "distance": 2,
            "finance": 5,
            "leadership_participation": 3,
        } == {s.name: s.value for s in report.scores}
        assert ["factor"] * 4 + ["obstacle"] * 3 == [s.group for s in report.scores]

    def test_timeline_keeps_the_precision_of_dates(self, reports: dict[str, Report]) -> None:
        timeline = reports["en"].timeline
        assert [
            "2016-03-17",
            "2016-12",
            "2017-05-08",
            "2017-10-09",
            "2017-10-10",
            "2018-09-05",
            "2021-12-10",
            "2022",
        ] == [str(e.date) for e in timeline]
        assert ["loi", "council_approval", "visit", "mou", "mou", "mayor", "mayor", "ended"] == [
            e.type for e in timeline
        ]
        assert "Ridwan Kamil → Oded M. Danial" == timeline[5].detail.split(":")[0]
        assert ("Bandung", ("notes-bn-h", "bachtiar2024")) == (
            timeline[5].party,
            timeline[5].sources,
        )

    def test_findings_and_rules_that_did_not_fire(self, reports: dict[str, Report]) -> None:
        report = reports["id"]
        evaluation = evaluate(NAMUR, language="id")
        assert [f.rule for f in evaluation.findings] == [f.rule for f in report.findings]
        assert [f.message for f in evaluation.findings] == [f.message for f in report.findings]
        assert "Hanya sedikit bidang yang disepakati terlaksana" == report.findings[0].title
        assert 42 == len(load_rules("core").rules)
        assert 42 == len(report.findings) + len(report.not_fired)
        # nearest first: 2 of its 3 clauses hold (1 × 3 < 5 is the one that fails)
        assert "some-fields-implemented" == report.not_fired[0].rule
        assert [
            "verdict-partial-one-obstacle",
            "verdict-partial-few-strengths",
            "verdict-success",
        ] == [m.rule for m in report.not_fired if m.better]

    def test_bibliography_says_which_rules_cite_a_source(self, reports: dict[str, Report]) -> None:
        sources = {s.id: s for s in reports["en"].bibliography}
        assert ["bachtiar2024", "antara2017", "republika2017", "notes-bn-h", "notes-bn-m"] == list(
            sources
        )
        assert ("ended-early",) == sources["antara2017"].cited_by
        assert () == sources["republika2017"].cited_by
        assert "M" == sources["antara2017"].reliability

    def test_counterfactuals_and_disputes_given(self, reports: dict[str, Report]) -> None:
        found = reports["id"].counterfactuals
        assert found is not None
        assert (412, "partial") == (found.searched, found.target)
        assert ["pengganti melanjutkan kerja sama", "Bandung menganggarkan dana khusus"] == [
            c.text for c in found.solutions[0].changes
        ]
        dispute = reports["id"].disputes[0]
        assert ("distance.km", False) == (dispute.fact, dispute.verdict_depends)
        # "derived" marks a value computed from the case: no source to link
        assert [("failure", ()), ("failure", ("bachtiar2024",))] == [
            (a.verdict, a.sources) for a in dispute.alternatives
        ]

    def test_without_them(self) -> None:
        report = build_report(load_case(NAMUR))
        assert report.counterfactuals is None
        assert ["distance.great_circle_km", "fields.agreed", "milestones.mou"] == [
            d.fact for d in report.disputes
        ]
        assert [11501.1, 5, "2017-10-09"] == [d.chosen for d in report.disputes]
        assert {None} == {d.verdict_depends for d in report.disputes}

    def test_a_rule_set_without_indonesian_titles_falls_back(self, tmp_path: Path) -> None:
        text = (ROOT / "rules" / "core.yaml").read_text(encoding="utf-8")
        plain = re.sub(r"    title:\n      en: (.*)\n      id: .*\n", r"    title: \1\n", text)
        (tmp_path / "core.yaml").write_text(plain, encoding="utf-8")
        report = build_report(NAMUR, load_rules(tmp_path / "core.yaml"), language="id")
        assert "Few of the agreed fields were implemented" == report.findings[0].title
        assert report.findings[0].message.startswith(
            "1 dari 5 bidang yang disepakati terlaksana, kurang dari sepertiga"
        )


class TestMarkdown:
    def test_sections_in_order(self, reports: dict[str, Report]) -> None:
        headings = [
            line for line in render_markdown(reports["en"]).splitlines() if line.startswith("## ")
        ]
        assert [
            "## Summary",
            "## Success factors and obstacle groups",
            "## Timeline",
            "## Findings",
            "## Rules that did not fire",
            "## What would change the verdict",
            "## Disputed facts",
            "## Certainty",
            "## Bibliography",
        ] == headings

    def test_content(self, reports: dict[str, Report]) -> None:
        lines = render_markdown(reports["en"]).splitlines()
        assert "# Evaluation report: Bandung – Namur sister-city partnership" == lines[0]
        assert "- **verdict:** failure" in lines
        assert "| Success factors | long-term vision and sustainability | -6 | ██████ |" in lines
        assert "| Obstacle groups | finance | 5 | █████ |" in lines
        assert "| 8 | 2022 | ended | – | [bachtiar2024](#source-bachtiar2024) |" in lines
        assert "### Few of the agreed fields were implemented **(deciding)**" in lines
        assert "| `budget[0].earmarked` | false | true | Bandung earmarks a budget line |" in lines
        assert "| `distance.km` |  |  |  | the verdict does not depend on it |" in lines
        assert "*generated by sistereval" in lines[-1]

    def test_none_computed(self) -> None:
        text = render_markdown(build_report(NAMUR, language="id"))
        assert "## Apa yang akan mengubah putusan\n\nbelum dihitung\n" in text

    def test_user_text_is_escaped(self, tmp_path: Path) -> None:
        text = render_markdown(build_report(hostile_case(tmp_path)))
        first = text.splitlines()[0]
        expected = (
            "# Evaluation report: \\<script\\>alert('x')\\</script\\> \\| \\*Bandung\\* & "
            "\\[Namur\\](x)"  # the escape sequence ESC [ 2 J removed whole
        )
        assert expected == first
        assert "<https://example.org/republika?a=1&b=2>" in text
        assert "<javascript" not in text


def strict_parse(document: str) -> Any:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(document)


class TestHtml:
    def test_valid_for_a_strict_parser(self, reports: dict[str, Report]) -> None:
        for report in reports.values():
            tree = strict_parse(render_html(report))
            assert report.language == tree.get("lang")
            assert SECTIONS == [s.get("id") for s in tree.iter("section")]

    def test_self_contained(self, reports: dict[str, Report]) -> None:
        document = render_html(reports["en"])
        tree = strict_parse(document)
        assert [] == [e.tag for e in tree.iter() if e.tag in ("script", "link", "img", "iframe")]
        assert [] == [e.tag for e in tree.iter() if e.get("src") is not None]
        hrefs = [e.get("href") for e in tree.iter("a")]
        assert 20 == len(hrefs)  # the sources of findings, events and disputes
        assert [] == [href for href in hrefs if not href.startswith("#source-")]
        ids = {e.get("id") for e in tree.iter()}
        assert [] == [href for href in hrefs if href[1:] not in ids]  # no broken link
        assert "@media print" in document
        assert "url(" not in document

    def test_charts_are_accessible(self, reports: dict[str, Report]) -> None:
        tree = strict_parse(render_html(reports["id"]))
        charts = [e for e in tree.iter() if e.tag.endswith("svg")]
        assert ["chart_scores", "chart_timeline"] == [c.get("id") for c in charts]
        for chart in charts:
            assert "img" == chart.get("role")
            children = [child.tag.rsplit("}", 1)[-1] for child in chart][:2]
            assert ["title", "desc"] == children

    def test_user_text_is_escaped(self, tmp_path: Path) -> None:
        document = render_html(build_report(hostile_case(tmp_path)))
        tree = strict_parse(document)
        assert [] == list(tree.iter("script"))
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in document
        links = [e.get("href") for e in tree.iter("a") if not e.get("href").startswith("#")]
        assert ["https://example.org/republika?a=1&b=2"] == links
        assert "javascript:alert(&#x27;x&#x27;)" in document  # shown as text, not a link

    def test_deterministic(self) -> None:
        assert render_html(build_report(NAMUR)) == render_html(build_report(NAMUR))


class TestTerminal:
    def test_plain(self, reports: dict[str, Report]) -> None:
        text = render_terminal(reports["en"])
        assert "\x1b[" not in text
        assert all(line == line.rstrip() for line in text.splitlines())
        lines = text.splitlines()
        assert "Evaluation report: Bandung – Namur sister-city partnership" == lines[0]
        assert "verdict      failure" in lines
        assert "measured to  2022 (the case's as_of)" in lines
        assert any(re.fullmatch(r"Obstacle groups +finance +5 +█████", line) for line in lines)
        assert "solution 1: verdict partial" in lines

    def test_colour(self, reports: dict[str, Report]) -> None:
        assert "\x1b[" in render_terminal(reports["en"], colour=True)

    def test_user_text_is_neither_markup_nor_escape_codes(self, tmp_path: Path) -> None:
        report = build_report(hostile_case(tmp_path))
        assert render_terminal(report).splitlines()[0].endswith("[Namur](x)")
        assert "\x1b[2J" not in render_terminal(report, colour=True)


class TestLanguages:
    """The Markdown and HTML reports in English and Indonesian differ in wording only."""

    @staticmethod
    def numbers(text: str) -> collections.Counter[str]:
        return collections.Counter(re.findall(r"\d+(?:[.,]\d+)*", html.unescape(text)))

    @staticmethod
    def words(text: str) -> set[str]:
        """The words of the prose: without style, code, tags and link targets."""
        prose = re.sub(r"<style>.*</style>", " ", text, flags=re.S)
        prose = re.sub(r"`[^`]*`|<code>[^<]*</code>|<[^>]+>|\(#[^)]*\)", " ", prose)
        return set(re.findall(r"[^\W\d_]{4,}", prose.lower()))

    @pytest.mark.parametrize("render", [render_markdown, render_html])
    def test_same_content(self, reports: dict[str, Report], render: Any) -> None:
        en, id_ = render(reports["en"]), render(reports["id"])
        assert self.numbers(en) == self.numbers(id_)
        code = re.compile(r"`[^`]*`|<code>[^<]*</code>")
        assert collections.Counter(code.findall(en)) == collections.Counter(code.findall(id_))
        structure = re.compile(r"^#+ |<(?:h[1-3]|section|tr|li|article|rect|circle)\b", re.M)
        assert structure.findall(en) == structure.findall(id_)

    @pytest.mark.parametrize("render", [render_markdown, render_html])
    def test_different_wording(self, reports: dict[str, Report], render: Any) -> None:
        en, id_ = self.words(render(reports["en"])), self.words(render(reports["id"]))
        assert {"verdict", "findings", "timeline", "bibliography", "obstacle"} <= en - id_
        assert {"putusan", "temuan", "masa", "pustaka", "kelompok"} <= id_ - en

    def test_html_lang(self, reports: dict[str, Report]) -> None:
        assert '<html lang="id">' in render_html(reports["id"])


class TestStrings:
    def test_every_language_has_every_key(self) -> None:
        assert set(REPORT["en"]) == set(REPORT["id"])

    def test_every_shipped_name_is_in_the_catalogue(self) -> None:
        core = load_rules("core")
        names = [
            *(f"factor.{n}" for n in (*core.factors, *core.obstacle_groups)),
            *(f"milestone.{m}" for m in MilestoneType),
            *(f"source.{k}" for k in SourceKind),
            *(f"kind.{k}" for k in ("strength", "obstacle", "risk", "compliance")),
            *(f"severity.{s}" for s in ("low", "medium", "high")),
        ]
        for language in ("en", "id"):
            assert [] == [n for n in names if n not in REPORT[language]]


class TestCommand:
    def call(self, *argv: str) -> tuple[int, str, str]:
        stdout, stderr = io.StringIO(), io.StringIO()
        code = run(["report", *argv], stdout, stderr)
        return code, stdout.getvalue(), stderr.getvalue()

    def test_markdown_in_indonesian(self) -> None:
        code, out, err = self.call(str(NAMUR), "--format", "markdown", "--lang", "id")
        assert (0, "") == (code, err)
        assert out.startswith("# Laporan evaluasi: Bandung – Namur")

    def test_text_is_plain_when_not_a_terminal(self) -> None:
        code, out, _ = self.call(str(NAMUR))
        assert 0 == code
        assert "\x1b[" not in out
        assert "verdict      failure" in out.splitlines()

    def test_out_file(self, tmp_path: Path) -> None:
        target = tmp_path / "report.html"
        code, out, _ = self.call(str(NAMUR), "--format", "html", "--out", str(target))
        assert (0, "") == (code, out)
        assert render_html(make_report(NAMUR)) == target.read_text(encoding="utf-8")

    def test_counterfactuals_and_dispute_verdicts_are_computed(self) -> None:
        code, out, _ = self.call(str(NAMUR), "--format", "markdown")
        assert 0 == code
        section = out.split("## What would change the verdict")[1].split("\n## ")[0]
        assert "417 variant(s) of the case searched for the verdict partial" in section
        assert "| `leadership_changes[0].continuity` | false | true |" in section
        disputes = out.split("## Disputed facts")[1].split("\n## ")[0]
        assert (
            "| `distance.great_circle_km` | 11501.1 | derived from the case | yes | failure |"
            in disputes
        )
        assert "the verdict does not depend on it" in disputes

    def test_no_counterfactual(self) -> None:
        code, out, _ = self.call(str(NAMUR), "--format", "markdown", "--no-counterfactual")
        assert 0 == code
        assert "none computed" in out.split("## What would change the verdict")[1]

    def test_max_changes_below_one(self) -> None:
        code, _, err = self.call(str(NAMUR), "--max-changes", "0")
        assert (2, "sistereval report: --max-changes must be at least 1\n") == (code, err)

    def test_no_better_verdict_to_search_for(self) -> None:
        code, out, _ = self.call(
            str(ROOT / "examples" / "surabaya-kitakyushu.yaml"), "--format", "markdown"
        )
        assert 0 == code
        assert "no better verdict than success to search for" in out

    def test_unwritable_out_file(self, tmp_path: Path) -> None:
        target = tmp_path / "missing" / "report.md"
        code, _, err = self.call(str(NAMUR), "--format", "markdown", "--out", str(target))
        expected = f"--out {target}: the directory {target.parent} does not exist\n"
        assert (2, expected) == (code, err)

    def test_invalid_case(self, tmp_path: Path) -> None:
        code, out, err = self.call(str(tmp_path / "none.yaml"))
        assert (2, "") == (code, out)
        assert "file-error" in err

    def test_unknown_format(self) -> None:
        code, _, err = self.call(str(NAMUR), "--format", "pdf")
        assert 2 == code
        assert "invalid choice: 'pdf'" in err


class TestDocs:
    def test_python_examples(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(ROOT)
        result = doctest.testfile(
            str(ROOT / "docs" / "reports.md"), module_relative=False, encoding="utf-8"
        )
        assert (0, 10) == (result.failed, result.attempted)  # 6 of the comparison (issue 15)


EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


class TestEveryExample:
    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
    @pytest.mark.parametrize("language", ["en", "id"])
    def test_renders_in_every_format(self, path: Path, language: str) -> None:
        report = build_report(path, language=language)
        tree = strict_parse(render_html(report))
        assert SECTIONS == [s.get("id") for s in tree.iter("section")]
        assert render_markdown(report).count("\n## ") == len(SECTIONS)
        assert report.title in render_terminal(report, width=200)


class TestGeneratedCases:
    @settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
    @given(case=strategies.cases())
    def test_valid_html_and_the_same_content_in_both_languages(self, case: Case) -> None:
        en, id_ = (build_report(case, language=language) for language in ("en", "id"))
        for report in (en, id_):
            strict_parse(render_html(report))
        numbers = TestLanguages.numbers
        assert numbers(render_markdown(en)) == numbers(render_markdown(id_))
        # undated records and milestones a source reports did not happen are left out
        dated = [m for m in case.milestones if m.date is not None and m.happened]
        changes = [c for c in case.leadership_changes if c.date is not None]
        assert len(dated) + len(changes) == len(en.timeline)
        assert [s.id for s in case.sources] == [s.id for s in en.bibliography]
