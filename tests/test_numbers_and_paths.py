"""Huge numbers are located load errors, and bad paths and types give the library's own
errors through the API (issue 18, item 7)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from sistereval import evaluate, load_case, load_rules
from sistereval.cli import run
from sistereval.errors import CaseError, RuleError, SisterevalError
from sistereval.language import rule_set

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bandung-namur.yaml"
BIG = "9" * 401
TOO_LARGE = "the number is too large: numbers are at most 10^15 in magnitude"


def call(*argv: str | Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run([str(a) for a in argv], stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def _case(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


_BUDGET = ("    earmarked: false", f"    amount: {BIG}\n    earmarked: false")
_CLAIM = ("    value: 7\n", f"    value: {BIG}\n")
_POPULATION = (
    "    location: {lat: -6.922, lon: 107.607}",
    f"    location: {{lat: -6.922, lon: 107.607}}\n    population: {BIG}",
)


class TestCaseNumbers:
    @pytest.mark.parametrize(
        ("change", "path", "column"),
        [
            (_BUDGET, "budget[0].amount", 13),
            (_CLAIM, "claims[0].value", 12),
            (_POPULATION, "partners[0].population", 17),
        ],
    )
    @pytest.mark.parametrize("command", ["validate", "evaluate", "explain", "report"])
    def test_located_error(
        self, tmp_path: Path, change: tuple[str, str], path: str, column: int, command: str
    ) -> None:
        case = _case(tmp_path, *change)
        line = _line_of(case, BIG)

        status, out, err = call(command, case)

        expected = f"{case}:{line}:{column}: out-of-range: {TOO_LARGE} in {path}"
        assert 2 == status
        assert expected in out + err
        assert "Traceback" not in err
        assert "Overflow" not in out + err

    def test_large_float(self, tmp_path: Path) -> None:
        case = _case(tmp_path, "    earmarked: false", "    amount: 1.0e+300\n    earmarked: false")

        _, out, _ = call("validate", case)

        assert "out-of-range: the number 1e+300 is too large" in out

    def test_bound_itself_is_accepted(self, tmp_path: Path) -> None:
        case = _case(
            tmp_path, "    earmarked: false", f"    amount: {10**15}\n    earmarked: false"
        )

        assert (0, f"{case}: ok\n", "") == call("validate", case)

    def test_json_overflow_is_not_finite(self, tmp_path: Path) -> None:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        text = json.dumps(data).replace(
            '"earmarked": false', '"amount": 1.0e+400, "earmarked": false', 1
        )
        case = tmp_path / "case.json"
        case.write_text(text, encoding="utf-8")

        status, out, _ = call("validate", case)

        assert 2 == status
        assert "out-of-range: inf is not a finite number in budget[0].amount" in out

    def test_batch_records_the_error(self, tmp_path: Path) -> None:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["budget"][0]["amount"] = int(BIG)
        source = tmp_path / "cases.jsonl"
        source.write_text(json.dumps(data) + "\n", encoding="utf-8")
        out = tmp_path / "out.jsonl"

        status, _, _ = call("batch", source, "--out", out)

        record = json.loads(out.read_text(encoding="utf-8"))
        assert 0 == status
        assert "out-of-range" == record["error"]["code"]
        assert 1 == record["error"]["problems"][0]["line"]

    def test_api(self) -> None:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["claims"][0]["value"] = int(BIG)

        with pytest.raises(CaseError, match="claims\\[0\\]\\.value"):
            evaluate(data)


RULES = """format: sistereval/rules@1
id: big
version: "1"
title: Big numbers
extends: core
rules:
  - id: big-rule
    title: big
    when: fields.agreed >= {literal}
    then: {{finding: risk, factor: long_term_vision, severity: low}}
    because: {{en: "x", id: "x"}}
    source: s
"""


class TestRuleNumbers:
    @pytest.mark.parametrize(
        ("literal", "message"),
        [
            (BIG, "a number of 401 digits is too large"),
            ("1e999", "the number 1e999 is too large"),
            ("2e15", "the number 2e15 is too large"),
        ],
    )
    def test_literal(self, tmp_path: Path, literal: str, message: str) -> None:
        rules = tmp_path / "big.yaml"
        rules.write_text(RULES.format(literal=literal), encoding="utf-8")

        status, _, err = call("check", rules)

        expected = (
            f"{rules}:9:28: syntax: {message} in rules[0].when "
            "(numbers are at most 10^15 in magnitude)"
        )
        assert (2, expected) == (status, err.strip())

    def test_literal_at_the_bound(self, tmp_path: Path) -> None:
        rules = tmp_path / "big.yaml"
        rules.write_text(RULES.format(literal="1000000000000000"), encoding="utf-8")

        assert "big-rule" in [rule.id for rule in load_rules(rules).rules]

    def test_test_fact(self, tmp_path: Path) -> None:
        rules = tmp_path / "big.yaml"
        text = RULES.format(literal="1") + (
            f"tests:\n  - name: big\n    facts: {{fields.agreed: {BIG}}}\n    verdict: failure\n"
        )
        rules.write_text(text, encoding="utf-8")

        status, _, err = call("test", rules)

        assert 2 == status
        assert f"{rules}:15:28: bad-value: {TOO_LARGE} in tests[0].facts.fields.agreed" in err


class TestPaths:
    @pytest.mark.parametrize("path", ["a\0b.yaml", Path("a\0b.yaml")])
    def test_nul_in_a_case_path(self, path: str | Path) -> None:
        with pytest.raises(CaseError, match="file-error: the path contains a NUL character"):
            load_case(path)

    @pytest.mark.parametrize("path", ["a\0b.yaml", Path("a\0b.yaml")])
    def test_nul_in_a_rule_path(self, path: str | Path) -> None:
        with pytest.raises(RuleError, match=r"read-error: .*the path contains a NUL character"):
            load_rules(path)

    def test_nul_through_evaluate(self) -> None:
        with pytest.raises(SisterevalError, match="NUL"):
            evaluate(EXAMPLE, rules=Path("x\0.yaml"))
        with pytest.raises(SisterevalError, match="NUL"):
            evaluate(Path("x\0.yaml"))

    def test_directory_as_case(self, tmp_path: Path) -> None:
        with pytest.raises(CaseError, match="this is a directory"):
            load_case(tmp_path)

    def test_directory_as_rules(self, tmp_path: Path) -> None:
        with pytest.raises(RuleError, match="read-error: cannot read the rule file"):
            evaluate(EXAMPLE, rules=tmp_path)


class TestRulesArgument:
    def test_path_means_a_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        Path("core").write_text(RULES.format(literal="1"), encoding="utf-8")

        assert "big" == rule_set(Path("core")).id
        assert "big" == evaluate(EXAMPLE, rules=Path("core")).ruleset.id

    def test_string_name_means_the_shipped_set(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("core").write_text(RULES.format(literal="1"), encoding="utf-8")

        assert "core" == rule_set("core").id

    def test_missing_file_named_like_a_shipped_set(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)

        with pytest.raises(RuleError, match="core: read-error"):
            rule_set(Path("core"))

    def test_wrong_type(self) -> None:
        with pytest.raises(TypeError, match=r"rules must be a RuleSet, .* not int"):
            rule_set(3)  # type: ignore[arg-type]
