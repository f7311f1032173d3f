"""Tests for :mod:`sistereval.check.edits`: monotone invariants checked exhaustively.

``fixtures/edits/stage.yaml`` adds to core a serious obstacle for an *active*
partnership without an action plan: implementing the first field of an MoU
moves the stage to ``active`` and makes the verdict worse.  A random search
finds it only with some seeds (issue 14); the exhaustive search over the
declared edits finds it in every run, with the same counterexample.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.cases import load_case
from sistereval.check.edits import search_edits
from sistereval.check.monotone import EDITS, moves
from sistereval.check.properties import check_properties
from sistereval.check.propertychecks import Invariant
from sistereval.evaluation import evaluate, rule_set
from sistereval.facts import derive

ROOT = Path(__file__).resolve().parent.parent
STAGE = str(ROOT / "tests" / "fixtures" / "edits" / "stage.yaml")
ACTIVITY = str(ROOT / "tests" / "fixtures" / "edits" / "activity.yaml")
ANALYST = str(ROOT / "tests" / "fixtures" / "props" / "analyst.yaml")
SUWON = str(ROOT / "src" / "sistereval" / "examples" / "bandung-suwon.yaml")
NAMUR = str(ROOT / "src" / "sistereval" / "examples" / "bandung-namur.yaml")
#: The rule of stage.yaml at fault, and where it is.
AT_FAULT = f"{STAGE}:12:5: invariant-broken: monotone fields.implemented (up): raising it"


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def invariants(path: str) -> list[Invariant]:
    rules = rule_set(path)
    return [Invariant(str(item["monotone"]), str(item["direction"])) for item in rules.invariants]


def broken(out: str) -> list[str]:
    return [line for line in out.splitlines() if "invariant-broken" in line]


class TestStageMovingDefect:
    def test_the_default_check_reports_it_at_the_analysts_rule(self, tmp_path: Path) -> None:
        code, out, _ = run("check", STAGE, "--save-counterexamples", str(tmp_path))

        # the planted rule breaks each of core's invariants whose edit can move the stage
        # to active: implementing a field, a first activity, a renewal
        found = broken(out)
        at_rule = f"{STAGE}:12:5: invariant-broken: monotone "
        assert (1, 3) == (code, len(found))
        assert all(line.startswith(at_rule) for line in found)
        assert found[0].startswith(AT_FAULT)
        assert "rules involved: active-without-plan, verdict-failure" in found[0]

    def test_every_seed_gives_the_same_defect_and_counterexample(self, tmp_path: Path) -> None:
        seen = []
        for seed in ("1", "2", "3", "4", "5"):
            directory = tmp_path / seed
            _, out, _ = run(
                "check",
                STAGE,
                "--seed",
                seed,
                "--examples",
                "10",
                "--save-counterexamples",
                str(directory),
            )
            files = sorted(directory.iterdir())
            texts = tuple(
                path.read_text(encoding="utf-8").replace(str(directory), "DIR") for path in files
            )
            seen.append((broken(out.replace(str(directory), "DIR")), texts))

        assert (3, 6) == (len(seen[0][0]), len(seen[0][1]))
        assert [seen[0]] * 5 == seen

    def test_the_counterexample_reproduces_with_evaluate(self, tmp_path: Path) -> None:
        run("check", STAGE, "--examples", "10", "--save-counterexamples", str(tmp_path))
        stem = "monotone-fields.implemented-active-without-plan"
        before, after = (str(tmp_path / f"{stem}-{role}.yaml") for role in ("before", "after"))

        code, out, _ = run("evaluate", before, after, "--rules", STAGE, "--format", "json")
        verdicts = [json.loads(line)["verdict"] for line in out.splitlines()]
        assert (0, ["partial", "failure"]) == (code, verdicts)
        assert {"partnership.stage": "mou"}.items() <= derive(load_case(before)).scalars.items()
        assert {"partnership.stage": "active"}.items() <= derive(load_case(after)).scalars.items()

    def test_the_json_names_what_was_exhaustive(self) -> None:
        _, out, _ = run("check", STAGE, "--examples", "10", "--format", "json")
        data = json.loads(out)["properties"]

        exhaustive = {item["invariant"]: item for item in data["exhaustive"]}
        item = exhaustive["monotone fields.implemented (up)"]
        assert (True, True) == (item["broken"], item["complete"])
        assert "action_plan" in item["dimensions"]  # the planted rule reads it


class TestSearch:
    def test_core_holds_its_invariants_over_every_combination(self) -> None:
        rules = rule_set("core")
        found = search_edits(rules, invariants("core"), [load_case(SUWON)])

        expected = [
            ("monotone fields.implemented (up)", True, False),
            ("monotone budget.earmarked_partners (up)", True, False),
            ("monotone partnership.renewals (up)", True, False),
            ("monotone leadership.activity_after_change (up)", True, False),
        ]
        actual = [(c.invariant, c.complete, c.broken) for c in found.coverage]
        assert (expected, ()) == (actual, found.defects)
        assert all(c.combinations > 10 for c in found.coverage)

    def test_the_analysts_defect_is_found_without_any_seed_case(self) -> None:
        found = search_edits(rule_set(ANALYST), invariants(ANALYST), [])

        assert ["spread-too-thin"] == [d.rules[0] for d in found.defects]

    def test_an_activity_after_a_leadership_change_that_moves_the_stage(self) -> None:
        found = search_edits(rule_set(ACTIVITY), invariants(ACTIVITY), [])

        defects = {d.key: d for d in found.defects}
        defect = defects["monotone leadership.activity_after_change up"]
        assert "active-without-plan" == defect.rules[0]
        before, after = (case for _, case in defect.cases)
        stages = [derive(case).scalars["partnership.stage"] for case in (before, after)]
        assert ["mou", "active"] == stages

    def test_the_search_is_the_same_in_every_run(self) -> None:
        first, second = (search_edits(rule_set(STAGE), invariants(STAGE), []) for _ in range(2))

        assert first.coverage == second.coverage
        assert [d.cases for d in first.defects] == [d.cases for d in second.defects]

    def test_the_random_layer_does_not_report_the_invariant_again(self) -> None:
        report = check_properties(STAGE, examples=10, seed=2, shrink=False)

        # once per invariant (three break), never again from the random search
        broken = [f.problem for f in report.findings if f.problem.code == "invariant-broken"]
        invariants = [problem.message.split(":")[0] for problem in broken]
        assert (3, 3) == (len(invariants), len(set(invariants))), invariants


class TestDeclaredEdits:
    @pytest.mark.parametrize(
        ("fact", "direction", "path"),
        [
            ("partnership.renewals", "up", SUWON),
            ("leadership.activity_after_change", "up", NAMUR),  # a change, no activity after
        ],
    )
    def test_the_new_edits_move_their_fact(self, fact: str, direction: str, path: str) -> None:
        case = load_case(path)
        assert (fact, direction) in EDITS
        before = derive(case).scalars[fact]
        found = moves(case, fact, direction)

        assert found
        assert all(move.before == before and move.after != before for move in found)

    def test_a_renewal_edit_is_evaluated(self) -> None:
        case = load_case(SUWON)
        (move,) = moves(case, "partnership.renewals", "up")

        assert "renewal" in move.change
        assert evaluate(move.case, "core").verdict in ("success", "partial", "failure")
