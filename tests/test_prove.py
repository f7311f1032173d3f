"""Tests for :mod:`sistereval.check.prove`: what ``check`` decides with the z3 solver.

``fixtures/check/arithmetic-dead.yaml`` holds two rules that can never fire
for reasons the region method cannot see (arithmetic, and the ratio relation
of the fact schema); the solver proves both dead.  Without the solver the
check falls back to the region method and says so.
"""

from __future__ import annotations

import io
import json
import signal
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.check import prove, static
from sistereval.check.static import check_rules

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "check"
ARITHMETIC = str(FIXTURES / "arithmetic-dead.yaml")
GAP = str(FIXTURES / "gap.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


class TestProofs:
    def test_the_solver_proves_rules_dead_the_regions_cannot(self) -> None:
        report = check_rules(ARITHMETIC)

        expected = [
            ("dead-rule", ("more-done-than-agreed",)),
            ("dead-rule", ("ratio-above-half-of-nothing",)),
        ]
        assert expected == [(d.problem.code, d.rules) for d in report.defects]
        assert all("proved by the solver" in d.problem.message for d in report.defects)

    def test_core_has_no_defect_and_names_what_stays_undecided(self) -> None:
        report = check_rules("core")
        assert report.proofs is not None

        undecided = [d for d in report.proofs.decisions if d.outcome == "undecided"]
        assert (True, ()) == (report.ok, report.proofs.defects)
        assert undecided
        assert all(d.detail.startswith("abstracted ") for d in undecided)
        gap = report.proofs.decisions[-1]
        assert ("some verdict rule fires for every case", "proved") == (gap.question, gap.outcome)

    def test_a_gap_is_answered_by_a_model(self) -> None:
        report = check_rules(GAP)
        assert report.proofs is not None

        gap = report.proofs.decisions[-1]
        assert "counterexample" == gap.outcome
        # any stage of the gap: a signed MoU, or one suspended or lapsed
        stages = [f'partnership.stage = "{stage}"' for stage in ("mou", "suspended", "lapsed")]
        assert any(stage in gap.detail for stage in stages), gap.detail

    def test_text_and_json_say_what_was_proved(self) -> None:
        _, out, _ = run("check", "core", "--no-properties")
        _, data, _ = run("check", "core", "--no-properties", "--format", "json")

        first = out.splitlines()[0]
        assert first.startswith("core: proved (z3 ")
        assert any(line.startswith("core: undecided: ") for line in out.splitlines())
        proofs = json.loads(data)["proofs"]
        assert {"proved", "undecided"} <= {d["outcome"] for d in proofs["decisions"]}


class TestResourceLimit:
    def test_a_question_over_the_limit_is_undecided_never_a_proof(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The limit counts the solver's steps (the same answer on a loaded machine);
        a question it stops is undecided, and says so."""
        monkeypatch.setattr(prove, "RESOURCE_LIMIT", 1)

        report = check_rules(ARITHMETIC)
        assert report.proofs is not None

        outcomes = {d.outcome for d in report.proofs.decisions}
        gave_up = [d for d in report.proofs.decisions if d.detail.startswith("the solver gave up")]
        assert ({"undecided"}, True) == (outcomes, bool(gave_up))
        assert report.proofs.defects == ()


class TestCtrlC:
    def test_z3_leaves_ctrl_c_to_the_command(self) -> None:
        """z3 caught SIGINT while it solved, so Ctrl-C on ``check`` was lost (the
        command ran on; test_conventions' Ctrl-C test timed out 4 times in 21)."""
        z3 = prove._z3()

        assert "false" == z3.get_param("ctrl_c")
        assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


class TestWithoutTheSolver:
    def test_check_falls_back_to_the_regions_and_says_so(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(static, "missing_solver", lambda: "z3 is not installed")

        report = check_rules(ARITHMETIC)

        assert (True, None) == (report.ok, report.proofs)
        assert any("nothing proved by a solver: z3 is not installed" in n for n in report.notes)
