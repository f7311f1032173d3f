"""Explanations: the chain behind a verdict and the rules that did not fire."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sistereval import cli
from sistereval.cli.explain import declare
from sistereval.errors import UsageError
from sistereval.explanation import (
    Clause,
    Explanation,
    Miss,
    explain,
    render_explanation,
)
from sistereval.messages import EXPLAIN

ROOT = Path(__file__).resolve().parents[1]
NAMUR = ROOT / "examples" / "bandung-namur.yaml"

# Facts of Bandung–Namur the tiny rules read: fields.agreed 5,
# fields.implementation_ratio 0.2, partnership.renewals 0, reciprocity.mutual unknown.
TINY = """\
format: sistereval/rules@1
id: tiny
version: "0.1.0"
title: Tiny rule set for explanations
languages: [en, id]
verdicts:
  scale: [success, partial, failure]
  policy: worst
factors: [long_term_vision]
obstacle_groups: [finance]
rules:
{rules}
"""
RULES = [
    ("blocked-everywhere", "partnership.renewals >= 5 and fields.agreed >= 10", "risk"),
    ("one-short", "fields.agreed >= 3 and partnership.renewals >= 1", "risk"),
    (
        "half",
        "fields.agreed >= 3 and fields.agreed < 3 and partnership.renewals >= 1"
        " and fields.implementation_ratio < 0.5",
        "risk",
    ),
    (
        "late-or",
        "fields.agreed >= 100 and (partnership.renewals >= 5 or fields.agreed >= 1)"
        " and reciprocity.mutual",
        "risk",
    ),
    ("fires-early-or", "fields.agreed >= 1 or partnership.renewals >= 5", "strength"),
    ("verdict-partial", 'fired("fires-early-or")', "partial"),
    ("verdict-success", 'fired("fires-early-or") and partnership.renewals >= 1', "success"),
]


def _rule_yaml(rule_id: str, when: str, then: str) -> str:
    if then in ("partial", "success"):
        consequence = f"{{verdict: {then}}}"
    else:
        consequence = f"{{finding: {then}, factor: long_term_vision, severity: low}}"
    return (
        f"  - id: {rule_id}\n"
        f"    title: {rule_id}\n"
        f"    when: '{when}'\n"
        f"    then: {consequence}\n"
        f'    because: {{en: "because {rule_id}", id: "karena {rule_id}"}}\n'
        f"    source: test\n"
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "tiny.yaml"
    path.write_text(TINY.format(rules="".join(_rule_yaml(*r) for r in RULES)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def namur() -> Explanation:
    return explain(NAMUR, backend="reference")


def _miss(explanation: Explanation, rule: str) -> Miss:
    return next(m for m in explanation.misses if m.rule == rule)


def _top(clause: Clause) -> tuple[Clause, ...]:
    return clause.children if clause.kind == "and" else (clause,)


class TestChain:
    def test_verdict(self, namur: Explanation) -> None:
        assert "failure" == namur.verdict
        assert "verdict-failure" in namur.deciding

    def test_names_the_obstacles_of_the_study(self, namur: Explanation) -> None:
        chain = [f.finding.rule for f in namur.fired]
        for rule in (
            "leadership-change-without-continuity",
            "few-fields-implemented",
            "no-earmarked-budget",
        ):
            assert rule in chain
        failure = next(f for f in namur.fired if f.finding.rule == "verdict-failure")
        assert failure.deciding
        assert {"few-fields-implemented", "no-earmarked-budget"} <= set(failure.uses)

    def test_facts_and_cited_sources(self, namur: Explanation) -> None:
        few = next(f for f in namur.fired if f.finding.rule == "few-fields-implemented")
        assert (5, 1) == (
            few.finding.facts["fields.agreed"],
            few.finding.facts["fields.implemented_at_most"],
        )
        citations = {s.id: s.citation for s in few.sources}
        assert "bachtiar2024" in citations
        assert (citations["bachtiar2024"] or "").startswith("Bachtiar, K. A. M.")
        leader = next(
            f for f in namur.fired if f.finding.rule == "leadership-change-without-continuity"
        )
        item = leader.finding.facts["leadership_changes[0]"]
        assert isinstance(item, dict)
        assert item["continuity"] is False

    def test_text(self, namur: Explanation) -> None:
        text = render_explanation(namur)
        assert text.startswith("bandung-namur: verdict failure")
        assert "    - leadership-change-without-continuity [obstacle" in text
        assert "facts: fields.agreed = 5, fields.implemented_at_most = 1" in text
        assert "bachtiar2024 [M]: Bachtiar, K. A. M." in text


class TestBetterVerdict:
    def test_lists_the_better_verdict_rules(self, namur: Explanation) -> None:
        assert {
            "verdict-partial-one-obstacle",
            "verdict-partial-few-strengths",
            "verdict-success",
        } == {m.rule for m in namur.better}
        assert not _miss(namur, "renewed").better_verdict

    def test_what_blocked_each(self, namur: Explanation) -> None:
        success = _miss(namur, "verdict-success")
        expected = [
            ('partnership.stage in ["active", "ended"]', True, ("ended",)),
            ('count(findings, kind == "obstacle" and severity == "high") == 0', False, (4,)),
            ('count(findings, kind == "strength") >= 3', False, (0,)),
        ]
        assert expected == [(c.text, c.holds, c.actual) for c in _top(success.condition)]
        assert 'count(findings, kind == "obstacle" and severity == "high") == 0' == success.blocking

    def test_text(self, namur: Explanation) -> None:
        text = render_explanation(namur)
        better = text.split("  rules for a better verdict:\n")[1].split("  other rules")[0]
        assert "    - verdict-success [verdict → success] (1 of 3 clause(s) true)\n" in better
        assert '        count(findings, kind == "strength") >= 3: actual 0 → false\n' in better
        assert "fields.implemented * 3 >= fields.agreed * 2: actual 3 vs 10 → false" in text


class TestDoneWhen:
    """Issue 5: explain on Bandung–Namur names the leadership change, the
    implementation ratio and the financial obstacle, and lists the rules for a
    better verdict with what blocked each."""

    def test_the_text_names_what_the_study_found(self, namur: Explanation) -> None:
        text = render_explanation(namur)
        chain = text.split("  rules for a better verdict:\n")[0]
        assert (
            "    - leadership-change-without-continuity [obstacle, leadership_participation"
            in chain
        )
        assert 'outgoing: "Ridwan Kamil", incoming: "Oded M. Danial"' in chain
        assert 'date: "2018-09-05"' in chain
        assert "fields.implemented_at_most = 1" in chain
        assert "1 of 5 agreed fields were implemented, fewer than a third" in chain
        assert "    - no-earmarked-budget [obstacle, finance, high]" in chain
        assert "None of the partners earmarked a budget line for the partnership." in chain

    def test_the_text_lists_the_better_verdict_rules_with_what_blocked_each(
        self, namur: Explanation
    ) -> None:
        text = render_explanation(namur)
        better = text.split("  rules for a better verdict:\n")[1].split("  other rules")[0]
        obstacles = (
            "actual 4 (few-fields-implemented, ended-early, "
            "leadership-change-without-continuity, no-earmarked-budget)"
        )
        blocked = [line.strip() for line in better.splitlines() if "blocked by" in line]
        assert [
            'blocked by count(findings, kind == "obstacle" and severity == "high") == 1: '
            + obstacles,
            'blocked by count(findings, kind == "obstacle" and severity == "high") == 0: '
            + obstacles,
            'blocked by count(findings, kind == "obstacle" and severity == "high") == 0: '
            + obstacles,
        ] == blocked
        rules = [line.split()[1] for line in better.splitlines() if line.startswith("    - ")]
        assert ["verdict-partial-one-obstacle", "verdict-partial-few-strengths",
                "verdict-success"] == rules  # fmt: skip

    def test_indonesian(self) -> None:
        text = render_explanation(explain(NAMUR, language="id", backend="reference"))
        assert "      terhalang oleh count(findings, " in text
        assert "  fakta yang dipersengketakan:" in text

    def test_matched_findings_in_json(self, namur: Explanation) -> None:
        success = _miss(namur, "verdict-success")
        obstacles = success.to_dict()["condition"]["clauses"][1]
        assert [
            "few-fields-implemented",
            "ended-early",
            "leadership-change-without-continuity",
            "no-earmarked-budget",
        ] == obstacles["matched"]


class TestClauses:
    def test_no_short_circuit_after_a_false_clause(self, tiny: Path) -> None:
        late = _miss(explain(NAMUR, tiny, backend="reference"), "late-or")
        first, either, mutual = _top(late.condition)
        assert (False, (5,)) == (first.holds, first.actual)
        assert "or" == either.kind
        assert [(False, (0,)), (True, (5,))] == [(c.holds, c.actual) for c in either.children]
        assert (False, True, (None,)) == (mutual.holds, mutual.unknown, mutual.actual)

    def test_no_short_circuit_after_a_true_or_branch(self, tiny: Path) -> None:
        result = explain(NAMUR, tiny, rule="fires-early-or", backend="reference")
        (step,) = result.fired
        assert "or" == step.condition.kind
        assert [True, False] == [c.holds for c in step.condition.children]
        assert "partnership.renewals >= 5: actual 0 → false" in render_explanation(result)

    def test_unknown_shown_as_unknown(self, tiny: Path) -> None:
        text = render_explanation(explain(NAMUR, tiny, backend="reference"))
        assert "reciprocity.mutual == true: actual unknown → false" in text

    def test_quantifier_counts_items(self, namur: Explanation) -> None:
        result = explain(NAMUR, rule="leadership-change-without-continuity", backend="reference")
        (step,) = result.fired
        assert ("quantifier", "any", 1, 2) == (
            step.condition.kind,
            step.condition.quantifier,
            step.condition.matches,
            step.condition.items,
        )
        assert ": 1 of 2 item(s) match → true" in render_explanation(result)


class TestNearness:
    def test_nearest_first_ties_in_rule_order(self, tiny: Path) -> None:
        result = explain(NAMUR, tiny, backend="reference")
        assert "partial" == result.verdict
        # ties in rule-set order: by stratum, so the verdict rule comes after the others
        assert [
            "one-short",
            "half",
            "verdict-success",
            "late-or",
            "blocked-everywhere",
        ] == [m.rule for m in result.misses]
        assert [0.5, 0.5, 0.5, 1 / 3, 0.0] == [m.nearness for m in result.misses]
        assert ["verdict-success"] == [m.rule for m in result.better]


class TestRuleOption:
    def test_restricts_to_a_rule_that_did_not_fire(self, namur: Explanation) -> None:
        result = explain(NAMUR, rule="verdict-success", backend="reference")
        assert () == result.fired
        assert ["verdict-success"] == [m.rule for m in result.misses]
        text = render_explanation(result)
        assert "renewed" not in text
        assert "verdict-success" in text

    def test_unknown_rule(self) -> None:
        with pytest.raises(UsageError, match="did you mean 'verdict-success'"):
            explain(NAMUR, rule="verdict-sucess", backend="reference")


class TestLanguage:
    def test_catalogue_complete(self) -> None:
        assert set(EXPLAIN["en"]) == set(EXPLAIN["id"])

    def test_indonesian(self) -> None:
        result = explain(NAMUR, language="id", backend="reference")
        text = render_explanation(result)
        assert text.startswith("bandung-namur: putusan gagal")
        assert "aturan untuk putusan yang lebih baik:" in text
        assert "fields.implemented * 3 >= fields.agreed * 2: nilai 3 lawan 10 → salah" in text
        assert "reciprocity.mutual == true: nilai tidak diketahui → salah" in text
        assert "rules for a better verdict" not in text
        assert "Pergantian pimpinan selama kerja sama: 2 kali; setelah 1 di antaranya" in text


class TestJson:
    def test_to_dict(self, namur: Explanation) -> None:
        data = json.loads(json.dumps(namur.to_dict()))
        assert "failure" == data["verdict"]
        assert "verdict-success" in data["better_verdict_rules"]
        success = next(m for m in data["not_fired"] if m["rule"] == "verdict-success")
        clauses = success["condition"]["clauses"]
        assert {"condition": 'count(findings, kind == "strength") >= 3', "kind": "atom",
                "holds": False, "actual": [0], "unknown": False} == clauses[2]  # fmt: skip


@pytest.fixture
def run() -> Callable[..., tuple[int, str, str]]:
    def invoke(*argv: str) -> tuple[int, str, str]:
        stdout, stderr = io.StringIO(), io.StringIO()
        code = cli.run(list(argv), stdout, stderr)
        return code, stdout.getvalue(), stderr.getvalue()

    return invoke


class TestCommand:
    def test_text(self, run: Callable[..., tuple[int, str, str]]) -> None:
        code, out, err = run("explain", str(NAMUR))
        assert (0, "") == (code, err)
        assert out.startswith("bandung-namur: verdict failure")

    def test_json(self, run: Callable[..., tuple[int, str, str]]) -> None:
        code, out, _ = run("explain", str(NAMUR), "--format", "json", "--lang", "id")
        data: dict[str, Any] = json.loads(out)
        assert (0, "failure", "id") == (code, data["verdict"], data["language"])

    def test_unknown_rule_exits_2(self, run: Callable[..., tuple[int, str, str]]) -> None:
        code, out, err = run("explain", str(NAMUR), "--rule", "verdict-sucess")
        assert (2, "") == (code, out)
        assert "unknown rule 'verdict-sucess' in rule set 'core'" in err
        assert "did you mean 'verdict-success'?" in err

    def test_missing_case_exits_2(self, run: Callable[..., tuple[int, str, str]]) -> None:
        code, _, err = run("explain", str(ROOT / "no-such-case.yaml"))
        assert 2 == code
        assert err

    def test_declares_a_handler(self) -> None:
        parser = argparse.ArgumentParser()
        declare(parser.add_subparsers())
        args = parser.parse_args(["explain", "x.yaml", "--rule", "r"])
        assert ("x.yaml", "r", "en", "text") == (args.case, args.rule, args.lang, args.format)
