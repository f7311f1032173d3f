"""Tests for :mod:`sistereval.check.properties`: the properties ``sistereval check`` tests.

The planted defects of ``fixtures/props/planted.yaml`` (a rule against a
declared invariant, a rule no case makes fire) are found with the rules
involved, and the saved counterexamples reproduce them with ``evaluate``.
Order dependence, nondeterminism, leaks between evaluations and backend
disagreement cannot be planted through the rule language while the engine
is correct, so those properties are tested with deliberately broken
evaluators (monkeypatched) on the defect-free ``fixtures/props/tidy.yaml``.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sistereval import cli, ir
from sistereval.cases import load_case
from sistereval.check import properties as checkprops
from sistereval.check import propertychecks as _properties
from sistereval.check.properties import PropertyReport, check_properties
from sistereval.engine import reference
from sistereval.errors import UsageError
from sistereval.evaluation import evaluate, rule_set
from sistereval.facts import derive
from sistereval.language import shipped_rule_sets

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "props"
PLANTED = str(FIXTURES / "planted.yaml")
TIDY = str(FIXTURES / "tidy.yaml")
#: Few cases keep these tests fast; the planted defects are found with them.
EXAMPLES = 20


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[PropertyReport, Path]:
    directory = tmp_path_factory.mktemp("counterexamples")
    # not shrunk, which is quicker: TestWorkedExample shows a shrunk counterexample
    report = check_properties(
        PLANTED, examples=EXAMPLES, save_to=directory, dead=["mid-sized-agreement"], shrink=False
    )
    return report, directory


class TestPlantedDefects:
    def test_each_defect_is_reported_with_its_rules(
        self, planted: tuple[PropertyReport, Path]
    ) -> None:
        report, _ = planted

        expected = [
            ("invariant-broken", ("spread-too-thin",)),
            ("no-witness", ("very-many-fields",)),
        ]
        assert expected == [(f.problem.code, f.rules) for f in report.findings]

    def test_problems_are_located_at_the_rules(self, planted: tuple[PropertyReport, Path]) -> None:
        report, _ = planted

        expected = [(PLANTED, 61), (PLANTED, 68)]
        assert expected == [(p.location.file, p.location.line) for p in report.problems]

    def test_the_invariant_message_names_the_edit_and_verdicts(
        self, planted: tuple[PropertyReport, Path]
    ) -> None:
        report, _ = planted
        message = report.problems[0].message

        expected = ("monotone fields.implemented (up): raising it from 1 to 2", " -> failure")
        actual = (message.split(" (fields[")[0], message.split(";")[0][-11:])
        assert expected == actual

    def test_no_witness_says_how_many_cases_were_tried(
        self, planted: tuple[PropertyReport, Path]
    ) -> None:
        report, _ = planted

        expected = (f"no witness found in {report.cases} cases", True)
        assert expected == (report.findings[1].actual, report.cases >= EXAMPLES)

    def test_the_counterexample_reproduces_with_evaluate(
        self, planted: tuple[PropertyReport, Path]
    ) -> None:
        report, _ = planted
        before, after = report.findings[0].files

        code, out, _ = run("evaluate", before, after, "--rules", PLANTED, "--format", "json")

        results = [json.loads(line) for line in out.splitlines()]
        facts = [derive(load_case(path)).scalars["fields.implemented"] for path in (before, after)]
        scale = rule_set(PLANTED).scale
        expected = (0, True, True, True)
        actual = (
            code,
            scale.index(results[0]["verdict"]) < scale.index(results[1]["verdict"]),
            facts[1] > facts[0],  # type: ignore[operator]
            "spread-too-thin" in results[1]["deciding_rules"],
        )
        assert expected == actual

    def test_counterexamples_are_named_by_property_and_rule(
        self, planted: tuple[PropertyReport, Path]
    ) -> None:
        _, directory = planted

        expected = [
            "monotone-fields.implemented-spread-too-thin-after.yaml",
            "monotone-fields.implemented-spread-too-thin-before.yaml",
        ]
        assert expected == sorted(path.name for path in directory.iterdir())

    def test_a_counterexample_file_says_what_was_expected(
        self, planted: tuple[PropertyReport, Path]
    ) -> None:
        report, _ = planted
        before = Path(report.findings[0].files[0]).read_text(encoding="utf-8")
        header = [line[2:].split(":")[0] for line in before.splitlines() if line.startswith("# ")]

        expected = ["sistereval check", "rules involved", "expected", "actual", "this file"]
        assert [*expected, "reproduce"] == header

    def test_witnesses_fire_their_rules(self, planted: tuple[PropertyReport, Path]) -> None:
        report, _ = planted
        rules = rule_set(PLANTED)

        fired = [
            w.rule in {f.rule for f in evaluate(w.case, rules).findings} for w in report.witnesses
        ]
        expected = (7, [True] * 7)
        assert expected == (len(report.witnesses), fired)


# --------------------------------------------------------------------------
# broken evaluators

Evaluate = Callable[..., Any]


def broken(monkeypatch: pytest.MonkeyPatch, wrap: Callable[[Evaluate], Evaluate]) -> None:
    """Evaluate through ``wrap(evaluate)`` wherever the properties evaluate."""
    patched = wrap(evaluate)
    monkeypatch.setattr(checkprops, "evaluate", patched)
    monkeypatch.setattr(_properties, "evaluate", patched)


def codes(report: PropertyReport) -> list[str]:
    return [f.problem.code for f in report.findings]


class TestBrokenEvaluators:
    def test_order_dependence(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        def wrap(real: Evaluate) -> Evaluate:
            def by_order(case: Any, rules: Any, **kwargs: Any) -> Any:
                result = real(case, rules, **kwargs)
                names = "|".join(field.name for field in case.fields)
                verdict = ("success", "partial", "failure")[zlib.crc32(names.encode()) % 3]
                return attrs.evolve(result, verdict=verdict)

            return by_order

        broken(monkeypatch, wrap)

        report = check_properties(TIDY, examples=EXAMPLES, save_to=tmp_path, shrink=False)

        original, permuted = (load_case(path) for path in report.findings[0].files)
        expected = (["order-dependent"], True, True)
        actual = (
            codes(report),
            sorted(f.name for f in original.fields) == sorted(f.name for f in permuted.fields),
            original.fields != permuted.fields,
        )
        assert expected == actual

    def test_nondeterminism(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls = iter(range(10**9))

        def wrap(real: Evaluate) -> Evaluate:
            def flaky(case: Any, rules: Any, **kwargs: Any) -> Any:
                result = real(case, rules, **kwargs)
                return attrs.evolve(result, confidence=next(calls) % 2 * 0.5)

            return flaky

        broken(monkeypatch, wrap)

        report = check_properties(TIDY, examples=EXAMPLES, shrink=False)

        assert "nondeterministic" in codes(report)

    def test_a_leak_between_rule_sets(self, monkeypatch: pytest.MonkeyPatch) -> None:
        core_runs = [0]

        def wrap(real: Evaluate) -> Evaluate:
            def leaky(case: Any, rules: ir.RuleSet, **kwargs: Any) -> Any:
                result = real(case, rules, **kwargs)
                if rules.id == "core":
                    core_runs[0] += 1
                    return result
                return attrs.evolve(result, confidence=core_runs[0] % 2 * 0.5)

            return leaky

        broken(monkeypatch, wrap)

        report = check_properties(TIDY, examples=EXAMPLES, shrink=False)

        assert ["not-isolated"] == codes(report)

    def test_backend_disagreement(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = reference.evaluate

        def forgetful(ruleset: ir.RuleSet, facts: Any, schema: Any) -> ir.Firing:
            firing = real(ruleset, facts, schema)
            return ir.Firing(fired=tuple(r for r in firing.fired if r != "some-implemented"))

        monkeypatch.setattr(reference, "evaluate", forgetful)

        report = check_properties(TIDY, examples=EXAMPLES, shrink=False)

        expected = [("backend-mismatch", ("some-implemented",))]
        assert expected == [(f.problem.code, f.rules) for f in report.findings[:1]]


# --------------------------------------------------------------------------
# the command


class TestCommand:
    def test_a_clean_rule_set_passes(self) -> None:
        code, out, _ = run("check", TIDY, "--examples", "10")

        expected = (0, f"{TIDY}: ok")
        assert expected == (code, out.splitlines()[-1])

    def test_the_summary_names_the_search(self) -> None:
        _, out, _ = run("check", TIDY, "--examples", "20", "--seed", "7")

        summary = re.sub(
            r"over \d+ (sampled cases|combinations and) (\d+ )?", r"over N \1 ", out.splitlines()[0]
        )
        expected = (
            f"{TIDY}: properties held over N sampled cases (seed 7); 6 of 6 rules fired in a "
            "witness; exhaustive: monotone fields.implemented (up) over N combinations and "
            "edits (timeline, fields, activities); exhaustive: monotone "
            "budget.earmarked_partners (up) over N combinations and edits (timeline, budget)"
        )
        assert expected == summary

    def test_a_seed_gives_the_same_search_again(self) -> None:
        runs = [run("check", TIDY, "--examples", "10", "--seed", "5", "--format", "json")]
        runs.append(run("check", TIDY, "--examples", "10", "--seed", "5", "--format", "json"))

        first, second = (json.loads(out)["properties"] for _, out, _ in runs)
        assert (first, 5) == (second, first["seed"])

    def test_json_carries_witnesses(self) -> None:
        code, out, _ = run("check", TIDY, "--examples", "10", "--format", "json")
        data = json.loads(out)

        expected = (0, True, 6, 10 <= data["properties"]["cases"])
        actual = (
            code,
            data["ok"],
            len(data["properties"]["witnesses"]),
            10 <= data["properties"]["cases"],
        )
        assert expected == actual

    def test_no_properties_runs_the_static_checks_only(self) -> None:
        code, out, _ = run("check", PLANTED, "--no-properties", "--format", "json")
        data = json.loads(out)

        expected = (1, ["dead-rule", "verdict-when-undecided"], False)
        assert expected == (code, [p["code"] for p in data["problems"]], "properties" in data)

    @pytest.mark.parametrize(
        "argv",
        [["--examples", "0"], ["--examples", "many"], ["--seed", "-1"]],
    )
    def test_bad_options_are_usage_errors(self, argv: list[str]) -> None:
        code, _, err = run("check", TIDY, *argv)

        assert (2, True) == (code, "error: argument" in err)

    def test_an_unwritable_directory_is_invalid_input(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("", encoding="utf-8")

        code, _, err = run("check", TIDY, "--save-counterexamples", str(blocker / "sub"))

        assert (2, True) == (code, "cannot create" in err)

    def test_examples_must_be_positive(self) -> None:
        with pytest.raises(UsageError):
            check_properties(TIDY, examples=0)


class TestWorkedExample:
    """The worked example of docs/checking.md prints what the page shows."""

    def test_check_and_evaluate_print_what_the_page_shows(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        page = (ROOT / "docs" / "checking.md").read_text(encoding="utf-8")
        blocks = re.findall(r"```console\n\$ (sistereval .*?)\n```", page, re.DOTALL)
        shutil.copy(FIXTURES / "analyst.yaml", tmp_path)
        monkeypatch.chdir(tmp_path)

        for block in blocks[:2]:
            command, expected = _command_and_output(block)
            code, out, _ = run(*command[1:])
            if "--format" in command:  # the page pipes JSON through jq
                out = "".join(
                    json.dumps(
                        {"verdict": d["verdict"], "deciding_rules": d["deciding_rules"]},
                        separators=(",", ":"),
                    )
                    + "\n"
                    for d in map(json.loads, out.splitlines())
                )
            assert (_counts(expected), code) == (_counts(out), 0 if "evaluate" in command else 1)


def _counts(text: str) -> str:
    """``text`` without the number of cases tried: inside the test process it differs
    a little from a fresh command's (the findings do not)."""
    text = re.sub(r"\bz3 \d+(\.\d+)*", "z3 <version>", text)  # whichever z3 is installed
    return re.sub(r"(over|of the) \d+ (sampled )?cases", r"\1 N \2cases", text)


def _command_and_output(block: str) -> tuple[list[str], str]:
    """A console block's command (continued lines joined, the jq pipe cut) and output."""
    lines = block.split("\n")
    command = lines.pop(0)
    while command.endswith("\\"):
        command = command[:-1] + lines.pop(0)
    return shlex.split(command.split("|")[0]), "".join(f"{line}\n" for line in lines)


class TestShippedRuleSets:
    @pytest.mark.parametrize("name", shipped_rule_sets())
    def test_check_passes(self, name: str) -> None:
        code, out, _ = run("check", name, "--examples", "100")

        expected = (0, f"{name}: ok")
        assert expected == (code, out.splitlines()[-1])


class TestInsideAHypothesisTest:
    """check_properties runs its own search, even when called from a user's @given test."""

    @settings(max_examples=2, deadline=None)
    @given(st.just("tidy.yaml"))
    def test_called_from_given(self, name: str) -> None:
        out = io.StringIO()
        path = ROOT / "tests" / "fixtures" / "props" / name
        code = cli.run(["check", str(path), "--examples", "3"], out, io.StringIO())
        assert code in (0, 1)
        assert "cases (derandomized)" in out.getvalue()  # the search ran


class TestReproducible:
    """A derandomized search gives the same cases whatever was imported before it."""

    @pytest.mark.parametrize("before", ["", "import sistereval.batch, sistereval.report"])
    def test_the_same_cases_whatever_ran_before(self, before: str) -> None:
        script = (
            f"{before}\n"
            "from sistereval.check.properties import check_properties\n"
            "print(check_properties('core', examples=20).cases)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        fresh = subprocess.run(
            [sys.executable, "-c", script.split("\n", 1)[1]],
            capture_output=True,
            text=True,
            check=True,
        )
        assert fresh.stdout == result.stdout

    def test_local_constants_are_restored(self) -> None:
        from hypothesis.internal.conjecture import providers

        original = providers._get_local_constants
        check_properties("core", examples=2, shrink=False)
        assert original is providers._get_local_constants
