"""With ``--format json``, a file that cannot be read or evaluated is a JSON line on
standard output, as ``batch`` writes a failed case (issue 14, "JSON output for load
errors"): ``input`` (a case) or ``rules`` (a rule set), then ``error`` with ``code``,
``message`` and each located problem."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.errors import (
    CaseError,
    EvaluationError,
    Location,
    Problem,
    UsageError,
    error_to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
NAMUR = str(ROOT / "examples" / "bandung-namur.yaml")
BROKEN_RULES = """format: sistereval/rules@1
id: child
version: "1"
title: Child
extends: ./missing.yaml
rules: []
"""


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def broken(tmp_path: Path) -> str:
    path = tmp_path / "child.yaml"
    path.write_text(BROKEN_RULES, encoding="utf-8")
    return str(path)


def the_error(out: str) -> dict[str, object]:
    (line,) = out.splitlines()
    record = json.loads(line)
    assert isinstance(record["error"], dict)
    return record


class TestRuleFiles:
    @pytest.mark.parametrize(
        "argv",
        [
            ["check", "{rules}", "--no-properties", "--format", "json"],
            ["test", "{rules}", "--format", "json"],
            ["evaluate", NAMUR, "--rules", "{rules}", "--format", "json"],
        ],
    )
    def test_a_rule_file_that_cannot_be_read(self, broken: str, argv: list[str]) -> None:
        code, out, err = run(*(arg.format(rules=broken) for arg in argv))

        record = the_error(out)
        error = record["error"]
        assert isinstance(error, dict)
        (problem,) = error["problems"]
        assert (2, "", broken) == (code, err, record["rules"])
        assert ("unknown-extends", 5, 10) == (problem["code"], problem["line"], problem["column"])

    def test_text_output_keeps_the_error_on_standard_error(self, broken: str) -> None:
        code, out, err = run("check", broken, "--no-properties")

        assert (2, "") == (code, out)
        assert err.startswith(f"{broken}:5:10: unknown-extends: ")


class TestCaseFiles:
    def test_each_case_gets_its_line_in_order(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("format: sistereval/case@2\nid: x\n", encoding="utf-8")

        code, out, _ = run("evaluate", NAMUR, str(bad), "--format", "json")

        first, second = (json.loads(line) for line in out.splitlines())
        assert (2, "failure", str(bad)) == (code, first["verdict"], second["input"])
        assert "missing-key" == second["error"]["code"]

    def test_explain_and_whatif(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "missing.yaml")
        for argv in (["explain", missing], ["whatif", missing, "--set", "distance.km=1"]):
            code, out, _ = run(*argv, "--format", "json")
            record = the_error(out)
            assert (2, missing) == (code, record["input"])


class TestErrorToDict:
    def test_located_problems_are_kept(self) -> None:
        problem = Problem(code="bad-enum", message="m", location=Location(file="f", line=3))
        data = error_to_dict(CaseError([problem]))

        assert ("bad-enum", [problem.to_dict()]) == (data["code"], data["problems"])

    @pytest.mark.parametrize(
        ("exc", "code"),
        [(UsageError("u"), "usage-error"), (EvaluationError("e"), "evaluation-error")],
    )
    def test_errors_without_a_location(self, exc: Exception, code: str) -> None:
        assert {"code": code, "message": str(exc)} == error_to_dict(exc)  # type: ignore[arg-type]
