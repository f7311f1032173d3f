"""The ``changeable`` list of a rule set: read, checked against the case format, inherited."""

from __future__ import annotations

from pathlib import Path

import pytest

from sistereval import ir
from sistereval.cases import case_to_dict, load_case
from sistereval.cases.paths import expand, lookup
from sistereval.errors import RuleError
from sistereval.language import load_rules

ROOT = Path(__file__).resolve().parents[1]
NAMUR = ROOT / "examples" / "bandung-namur.yaml"

HEAD = """\
format: sistereval/rules@1
id: mine
version: "1"
title: Mine
extends: core
"""


def _load(tmp_path: Path, body: str) -> ir.RuleSet:
    path = tmp_path / "mine.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_rules(path)


def _messages(tmp_path: Path, body: str) -> list[str]:
    with pytest.raises(RuleError) as info:
        _load(tmp_path, body)
    prefix = f"{tmp_path / 'mine.yaml'}:"
    return [str(problem).removeprefix(prefix) for problem in info.value.problems]


def _entries(rule_set: ir.RuleSet) -> list[tuple[str, tuple[object, ...]]]:
    return [(entry.path, entry.values) for entry in rule_set.changeable]


class TestCore:
    def test_declares_what_a_city_can_change(self) -> None:
        assert [
            ("fields[*].status", ("partial", "implemented")),
            ("budget[*].earmarked", (True,)),
            ("budget[*].adequate", (True,)),
            ("leadership_changes[*].continuity", (True,)),
        ] == _entries(load_rules("core"))

    def test_nothing_that_is_past_or_fixed(self) -> None:
        paths = " ".join(path for path, _ in _entries(load_rules("core")))
        for fixed in ("distance", "date", "partners", "location", "milestones"):
            assert fixed not in paths


class TestInheritance:
    def test_inherited_replaced_removed_and_added(self, tmp_path: Path) -> None:
        rule_set = _load(
            tmp_path,
            "changeable:\n"
            '  - {path: "fields[*].status", values: [implemented]}\n'
            '  - {path: "budget[*].adequate", values: []}\n'
            '  - {path: "assessments.shared_values.rating", values: [moderate, strong]}\n',
        )
        assert [
            ("fields[*].status", ("implemented",)),
            ("budget[*].earmarked", (True,)),
            ("leadership_changes[*].continuity", (True,)),
            ("assessments.shared_values.rating", ("moderate", "strong")),
        ] == _entries(rule_set)

    def test_the_digest_leaves_it_out(self, tmp_path: Path) -> None:
        """Like ``verdicts: unique``: it changes no evaluation, only what a
        counterfactual may try."""
        same = _load(tmp_path, "")
        narrowed = _load(
            tmp_path, 'changeable:\n  - {path: "fields[*].status", values: [implemented]}\n'
        )
        assert same.changeable != narrowed.changeable
        assert same.sha256 == narrowed.sha256


class TestProblems:
    def test_located_with_suggestions(self, tmp_path: Path) -> None:
        body = (
            "changeable:\n"
            '  - path: "fields[*].stauts"\n'
            "    values: [implemented]\n"
            '  - path: "fields[*].status"\n'
            "    values: [implemnted, 3, partial, partial]\n"
            '  - path: "fields[*]"\n'
            "    values: [x]\n"
            '  - path: "distance.km"\n'
            "    values: [9000, 30000, true]\n"
            '  - path: "leadership_changes[*].continuity"\n'
            "    values: true\n"
            '  - path: "fields[*].status"\n'
            "    values: [implemented]\n"
            '  - path: "fields["\n'
            "    values: [x]\n"
            "  - values: [x]\n"
        )
        assert [
            "7:11: bad-case-path: unknown key 'stauts' in fields[*] in changeable[0].path"
            " (did you mean 'status'?)",
            "10:14: bad-changeable-value: 'implemnted' is not an allowed value in"
            " changeable[1].values[0] (did you mean 'implemented'?)",
            "10:26: bad-changeable-value: 3 is not an allowed value in changeable[1].values[1]"
            " (one of 'implemented', 'partial', 'planned', 'not_implemented', 'discontinued',"
            " 'unknown')",
            "10:38: bad-value: 'partial' appears twice in changeable[1].values[3]",
            "11:11: bad-case-path: fields[*] is a mapping, not a single value in"
            " changeable[2].path (add one of its keys: name, status, activities, sources)",
            "14:20: bad-changeable-value: 30000 is above the maximum 20100 in"
            " changeable[3].values[1]",
            "14:27: bad-changeable-value: true is not a number in changeable[3].values[2]",
            "16:13: wrong-type: expected a list of values, got true/false in changeable[4].values",
            "17:11: bad-value: 'fields[*].status' appears twice in changeable[5].path",
            "19:11: bad-case-path: cannot read the path at '[' in changeable[6].path",
            "21:5: missing-key: 'path' is required in changeable[7]",
        ] == _messages(tmp_path, body)


class TestPaths:
    def test_each_item_of_the_case(self) -> None:
        data = case_to_dict(load_case(NAMUR))
        assert [f"fields[{i}].status" for i in range(5)] == expand(data, "fields[*].status")
        assert ["leadership_changes[0].continuity", "leadership_changes[1].continuity"] == expand(
            data, "leadership_changes[*].continuity"
        )
        assert ["fields[4].status"] == expand(data, "fields[name=culture and tourism].status")
        assert [] == expand(data, "activities[*].kind")
        assert False is lookup(data, "leadership_changes[0].continuity")
        assert None is lookup(data, "leadership_changes[1].continuity")
        assert None is lookup(data, "fields[9].status")
