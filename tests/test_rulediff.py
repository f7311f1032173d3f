"""``sistereval diff``: comparing two rule sets on the example cases."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.check.diff import Cause, diff_rule_sets, render_diff
from sistereval.errors import CaseError, RuleError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# core's messages: only the condition or ``then`` differs
MESSAGES = """\
    because:
      en: "{fields.implemented} of {fields.agreed} agreed fields were implemented, \\
        fewer than a third; {fields.partial} in part, {fields.unknown} of unknown status."
      id: "{fields.implemented} dari {fields.agreed} bidang yang disepakati terlaksana, \\
        kurang dari sepertiga; {fields.partial} sebagian, {fields.unknown} tidak diketahui \\
        statusnya."
    source: "A test of diff"
"""

# A stricter threshold for "few fields" (fewer than a tenth) and no distance obstacle.
STRICTER = (
    """\
format: sistereval/rules@1
id: stricter
version: "0.1"
title: Core, stricter about fields, silent about distance
extends: core
disable: [distance-aggravates]
rules:
  - id: few-fields-implemented
    override: true
    title: Few of the agreed fields were implemented
    when: fields.agreed >= 3 and fields.implemented_at_most * 10 < fields.agreed
    then: {finding: obstacle, factor: long_term_vision, severity: high}
"""
    + MESSAGES
)

# Fewer strengths and a milder obstacle: verdict rules change through findings.
MILDER = (
    """\
format: sistereval/rules@1
id: milder
version: "0.2"
title: Core without anchors on both sides, a milder field obstacle
extends: core
disable: [anchors-on-both-sides]
rules:
  - id: few-fields-implemented
    override: true
    title: Few of the agreed fields were implemented
    when: fields.agreed >= 3 and fields.implemented_at_most * 3 < fields.agreed
    then: {finding: obstacle, factor: long_term_vision, severity: medium}
"""
    + MESSAGES
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


class TestDiffRuleSets:
    def test_stricter_threshold_and_disabled_rule(self, tmp_path: Path) -> None:
        # By hand: Bandung–Namur implemented 1 of 5 fields: "few" under core
        # (1 × 3 < 5, fewer than a third), not under the stricter rule
        # (1 × 10 >= 5, not fewer than a tenth); it is 11,501 km
        # with no earmarked budget, so distance-aggravates fired in core.  It
        # keeps three serious obstacles (ended early, leadership, budget): still
        # a failure.  Bandung–Suwon (0 of 6) and Surabaya–Kitakyushu (1 field)
        # fire the same rules under both.
        diff = diff_rule_sets("core", write(tmp_path, "s.yaml", STRICTER), [EXAMPLES])
        assert ["distance-aggravates"] == [c.id for c in diff.removed]
        assert [] == [c.id for c in diff.added]
        [changed] = diff.changed
        assert ("few-fields-implemented", ("when",)) == (changed.id, changed.fields)
        old_when = "fields.agreed >= 3 and fields.implemented_at_most * 3 < fields.agreed"
        new_when = "fields.agreed >= 3 and fields.implemented_at_most * 10 < fields.agreed"
        assert (old_when, new_when) == (changed.old["when"], changed.new["when"])
        assert 2 == diff.unchanged
        [case] = diff.cases
        assert str(EXAMPLES / "bandung-namur.yaml") == case.case
        assert ("failure", "failure") == (case.old_verdict, case.new_verdict)
        assert () == case.gained
        assert ("few-fields-implemented", "distance-aggravates") == case.lost
        assert (
            Cause(rule="few-fields-implemented", effect="lost", reason="changed"),
            Cause(rule="distance-aggravates", effect="lost", reason="removed"),
        ) == case.causes

    def test_verdict_rules_blamed_on_the_findings_they_count(self, tmp_path: Path) -> None:
        diff = diff_rule_sets("core", write(tmp_path, "m.yaml", MILDER), [EXAMPLES])
        assert [("few-fields-implemented", ("then",))] == [(c.id, c.fields) for c in diff.changed]
        by_case = {Path(c.case).name: c for c in diff.cases}
        assert ["bandung-suwon.yaml", "surabaya-kitakyushu.yaml"] == sorted(by_case)
        assert 1 == diff.unchanged  # Bandung–Namur: three serious obstacles remain

        suwon = by_case["bandung-suwon.yaml"]
        assert ("partial", "partial") == (suwon.old_verdict, suwon.new_verdict)
        assert (("verdict-partial-few-strengths",), ("verdict-partial-one-obstacle",)) == (
            suwon.gained,
            suwon.lost,
        )
        depends = ("few-fields-implemented",)
        assert (
            Cause(rule="few-fields-implemented", effect="changed", reason="changed"),
            Cause(
                rule="verdict-partial-one-obstacle",
                effect="lost",
                reason="depends",
                depends_on=depends,
            ),
            Cause(
                rule="verdict-partial-few-strengths",
                effect="gained",
                reason="depends",
                depends_on=depends,
            ),
        ) == suwon.causes

        surabaya = by_case["surabaya-kitakyushu.yaml"]
        assert ("success", "partial") == (surabaya.old_verdict, surabaya.new_verdict)
        assert surabaya.verdict_changed
        depends = ("anchors-on-both-sides",)
        assert (
            Cause(rule="anchors-on-both-sides", effect="lost", reason="removed"),
            Cause(
                rule="verdict-partial-few-strengths",
                effect="gained",
                reason="depends",
                depends_on=depends,
            ),
            Cause(rule="verdict-success", effect="lost", reason="depends", depends_on=depends),
        ) == surabaya.causes

    def test_messages_only(self, tmp_path: Path) -> None:
        text = STRICTER.replace("* 10 <", "* 3 <").replace("in part,", "partly,")
        text = text.replace("disable: [distance-aggravates]\n", "")
        diff = diff_rule_sets("core", write(tmp_path, "t.yaml", text), [EXAMPLES])
        assert [("few-fields-implemented", ("because",))] == [(c.id, c.fields) for c in diff.rules]
        assert ((), 3) == (diff.cases, diff.unchanged)

    def test_identical_rule_sets(self) -> None:
        diff = diff_rule_sets("core", ROOT / "rules" / "core.yaml", [EXAMPLES])
        assert ((), (), 3) == (diff.rules, diff.cases, diff.unchanged)

    def test_single_case_files_and_backends_agree(self, tmp_path: Path) -> None:
        rules = write(tmp_path, "s.yaml", STRICTER)
        files = [EXAMPLES / "bandung-suwon.yaml", EXAMPLES / "bandung-namur.yaml"]
        durable = diff_rule_sets("core", rules, files)
        reference = diff_rule_sets("core", rules, files, backend="reference")
        assert durable == reference
        assert (1, 1) == (len(durable.cases), durable.unchanged)

    def test_invalid_inputs_raise(self, tmp_path: Path) -> None:
        bad_rules = write(
            tmp_path, "bad.yaml", STRICTER.replace("fields.agreed >= 3", "fields.agred >= 3")
        )
        with pytest.raises(RuleError, match=r"fields\.agred"):
            diff_rule_sets("core", bad_rules, [EXAMPLES])
        bad_case = write(tmp_path, "bad-case.yaml", "id: x\n")
        with pytest.raises(CaseError):
            diff_rule_sets("core", "core", [bad_case])


class TestRenderDiff:
    def test_text(self, tmp_path: Path) -> None:
        diff = diff_rule_sets("core", write(tmp_path, "s.yaml", STRICTER), [EXAMPLES])
        namur = EXAMPLES / "bandung-namur.yaml"
        assert (
            "rules: core 2.0.0 → stricter 0.1\n"
            "  changed: few-fields-implemented (when)\n"
            "    - when: fields.agreed >= 3 and fields.implemented_at_most * 3 < fields.agreed\n"
            "    + when: fields.agreed >= 3 and fields.implemented_at_most * 10 < fields.agreed\n"
            "  removed: distance-aggravates\n"
            f"{namur}: failure → failure\n"
            "  lost: few-fields-implemented, distance-aggravates\n"
            "  because few-fields-implemented (lost): its definition changed\n"
            "  because distance-aggravates (lost): the rule was removed\n"
            "3 case(s): 1 changed (0 verdict(s)), 2 unchanged\n"
        ) == render_diff(diff)

    def test_chain(self, tmp_path: Path) -> None:
        diff = diff_rule_sets("core", write(tmp_path, "m.yaml", MILDER), [EXAMPLES])
        text = render_diff(diff)
        assert f"{EXAMPLES / 'surabaya-kitakyushu.yaml'}: success → partial\n" in text
        assert (
            "  because verdict-success (lost): it depends on anchors-on-both-sides, "
            "which changed for this case\n"
        ) in text
        assert text.endswith("3 case(s): 2 changed (1 verdict(s)), 1 unchanged\n")


class TestDiffCommand:
    def test_changes_exit_0_without_fail_on_change(self, tmp_path: Path) -> None:
        rules = write(tmp_path, "s.yaml", STRICTER)
        code, out, err = run("diff", "core", rules, "--cases", str(EXAMPLES))
        assert (0, "") == (code, err)
        assert "bandung-namur.yaml: failure → failure\n" in out

    def test_fail_on_change(self, tmp_path: Path) -> None:
        rules = write(tmp_path, "s.yaml", STRICTER)
        argv = ("diff", "core", rules, "--cases", str(EXAMPLES), "--fail-on-change")
        assert 1 == run(*argv)[0]

    def test_identical_exit_0_with_fail_on_change(self) -> None:
        core = str(ROOT / "rules" / "core.yaml")
        code, out, err = run("diff", "core", core, "--cases", str(EXAMPLES), "--fail-on-change")
        assert (0, "") == (code, err)
        assert (
            "rules: core 2.0.0 → core 2.0.0\n"
            "  no rule changed\n"
            "3 case(s): 0 changed (0 verdict(s)), 3 unchanged\n"
        ) == out

    def test_json(self, tmp_path: Path) -> None:
        rules = write(tmp_path, "m.yaml", MILDER)
        code, out, _ = run("diff", "core", rules, "--cases", str(EXAMPLES), "--format", "json")
        assert 0 == code
        data = json.loads(out)
        assert ["old", "new", "rules", "cases", "totals"] == list(data)
        assert ("core", "milder", rules) == (
            data["old"]["id"],
            data["new"]["id"],
            data["new"]["file"],
        )
        assert {
            "added": [],
            "removed": ["anchors-on-both-sides"],
            "changed": [
                {
                    "id": "few-fields-implemented",
                    "kind": "changed",
                    "fields": ["then"],
                    "old": {
                        "then": "{finding: obstacle, factor: long_term_vision, severity: high}"
                    },
                    "new": {
                        "then": "{finding: obstacle, factor: long_term_vision, severity: medium}"
                    },
                }
            ],
        } == data["rules"]
        assert {"cases": 3, "changed": 2, "verdicts_changed": 1, "unchanged": 1} == data["totals"]
        surabaya = data["cases"][1]
        assert {
            "case": str(EXAMPLES / "surabaya-kitakyushu.yaml"),
            "case_id": "surabaya-kitakyushu",
            "old_verdict": "success",
            "new_verdict": "partial",
            "verdict_changed": True,
            "gained": ["verdict-partial-few-strengths"],
            "lost": ["anchors-on-both-sides", "verdict-success"],
            "causes": [
                {
                    "rule": "anchors-on-both-sides",
                    "effect": "lost",
                    "reason": "removed",
                    "depends_on": [],
                },
                {
                    "rule": "verdict-partial-few-strengths",
                    "effect": "gained",
                    "reason": "depends",
                    "depends_on": ["anchors-on-both-sides"],
                },
                {
                    "rule": "verdict-success",
                    "effect": "lost",
                    "reason": "depends",
                    "depends_on": ["anchors-on-both-sides"],
                },
            ],
        } == surabaya

    def test_invalid_rule_file_exits_2(self, tmp_path: Path) -> None:
        rules = write(
            tmp_path, "bad.yaml", STRICTER.replace("fields.agreed >= 3", "fields.agred >= 3")
        )
        code, out, err = run("diff", "core", rules, "--cases", str(EXAMPLES))
        assert (2, "") == (code, out)
        assert err.startswith(f"{rules}:")
        assert "unknown-fact" in err

    def test_invalid_case_exits_2(self, tmp_path: Path) -> None:
        bad = write(tmp_path, "bad-case.yaml", "id: x\n")
        code, out, err = run("diff", "core", "core", "--cases", bad, str(EXAMPLES))
        assert (2, "") == (code, out)
        assert err.startswith(f"{bad}:")

    def test_missing_case_directory_exits_2(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "nowhere")
        code, _, err = run("diff", "core", "core", "--cases", missing)
        head, hint = err.splitlines(keepends=True)
        assert (2, f"{missing}: no such file or directory\n") == (code, head)
        assert hint.startswith(f"hint: {missing!r} not found. 'sistereval examples' lists")
