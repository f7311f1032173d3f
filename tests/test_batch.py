"""Tests for :mod:`sistereval.batch`: ``run_batch`` and ``sistereval batch``."""

from __future__ import annotations

import collections
import copy
import csv
import io
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import batch_kill  # benchmarks/ is no package: its scripts import by their folder

import sistereval.evaluation
from sistereval import batch, cli
from sistereval.batch import BatchSummary, run_batch
from sistereval.evaluation import evaluate, rule_set
from sistereval.workbooks import openpyxl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CORE = ROOT / "src" / "sistereval" / "rules" / "core.yaml"
STATUSES = ("implemented", "partial", "planned", "not_implemented")


def _examples() -> list[dict[str, Any]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in EXAMPLES]


def _varied(index: int, base: dict[str, Any]) -> dict[str, Any]:
    """An example with its own id and, for some, other field statuses or fewer activities."""
    case = copy.deepcopy(base)
    case["id"] = f"{base['id']}-{index:04d}"
    if index % 4 == 1 and case.get("fields"):
        case["fields"][0]["status"] = STATUSES[index // 4 % len(STATUSES)]
    if index % 7 == 2:
        case.pop("activities", None)
    return case


def _broken(index: int, base: dict[str, Any]) -> tuple[str, str]:
    """A broken JSON line and the error code its record must carry."""
    case = copy.deepcopy(base)
    case["id"] = f"broken-{index:04d}"
    kind = index % 5
    if kind == 0:
        del case["partners"]
        return json.dumps(case), "missing-key"
    if kind == 1:
        case["kind"] = "twinning"
        return json.dumps(case), "bad-enum"
    if kind == 2:
        case["milestones"][0]["date"] = "2017-13-45"
        return json.dumps(case), "bad-date"
    if kind == 3:
        case["milestones"][0]["sources"] = ["nobody-said-so"]
        return json.dumps(case), "unknown-source"
    return json.dumps(case)[:-5], "json-syntax"


def _write_cases(path: Path, total: int, broken_every: int) -> dict[int, str]:
    """Write ``total`` JSON lines; every ``broken_every``-th is broken.
    Returns the expected error code by line number."""
    examples = _examples()
    lines, errors = [], {}
    for index in range(total):
        base = examples[index % len(examples)]
        if index % broken_every == broken_every - 1:
            line, code = _broken(index, base)
            errors[index + 1] = code
        else:
            line = json.dumps(_varied(index, base))
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return errors


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    directory = tmp_path_factory.mktemp("thousand")
    cases = directory / "cases.jsonl"
    errors = _write_cases(cases, 1000, 20)
    return cases, errors


@pytest.fixture(scope="module")
def thousand_out(thousand: tuple[Path, dict[int, str]]) -> tuple[Path, BatchSummary]:
    cases, _ = thousand
    out = cases.parent / "jobs2.jsonl"
    return out, run_batch(cases, out, jobs=2)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """The three examples and one broken file."""
    cases = tmp_path / "cases"
    cases.mkdir()
    for path in EXAMPLES:
        shutil.copy(path, cases / path.name)
    (cases / "zz-broken.yaml").write_text("format: sistereval/case@1\nid: x\n", encoding="utf-8")
    (cases / "notes.txt").write_text("not a case\n", encoding="utf-8")
    return cases


class TestThousand:
    def test_records_and_errors(
        self, thousand: tuple[Path, dict[int, str]], thousand_out: tuple[Path, BatchSummary]
    ) -> None:
        cases, errors = thousand
        out, summary = thousand_out
        records = _records(out)
        assert 1000 == len(records)
        assert [f"{cases}:{n}" for n in range(1, 1001)] == [r["input"] for r in records]
        failed = {int(r["input"].rsplit(":", 1)[1]): r["error"] for r in records if "error" in r}
        assert errors == {n: e["code"] for n, e in failed.items()}
        for line, error in failed.items():
            first = error["problems"][0]
            assert (str(cases), line, error["code"]) == (
                first["file"],
                first["line"],
                first["code"],
            )
            assert error["message"].startswith(f"{cases}:{line}:")
        assert 950 == sum("verdict" in r for r in records)
        assert (1000, 950, 0, 50) == (
            summary.total,
            summary.evaluated,
            summary.skipped,
            summary.failed,
        )
        assert 950 == sum(summary.verdicts.values())
        assert len(summary.top_findings) == 5
        assert collections.Counter(errors.values()) == summary.errors
        assert list(summary.errors.values()) == sorted(summary.errors.values(), reverse=True)

    def test_records_equal_evaluate(
        self, thousand: tuple[Path, dict[int, str]], thousand_out: tuple[Path, BatchSummary]
    ) -> None:
        cases, _ = thousand
        out, _ = thousand_out
        lines = cases.read_text(encoding="utf-8").splitlines()
        records = _records(out)
        sample = [r for r in records if "verdict" in r][::25]
        assert len(sample) > 30
        verdicts = {r["verdict"] for r in records if "verdict" in r}
        assert len(verdicts) > 1
        for record in sample:
            line = int(record.pop("input").rsplit(":", 1)[1])
            assert evaluate(json.loads(lines[line - 1])).to_dict() == record

    def test_jobs_1_equals_jobs_2(
        self, thousand: tuple[Path, dict[int, str]], thousand_out: tuple[Path, BatchSummary]
    ) -> None:
        cases, _ = thousand
        out, summary = thousand_out
        single = cases.parent / "jobs1.jsonl"
        expected = {**summary.to_dict(), "out": str(single)}
        assert expected == run_batch(cases, single, jobs=1).to_dict()
        assert out.read_bytes() == single.read_bytes()


class TestResume:
    def test_skips_current_records(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        first = run_batch(directory, out, jobs=1)
        assert (4, 3, 0, 1) == (first.total, first.evaluated, first.skipped, first.failed)
        before = out.read_bytes()
        second = run_batch(directory, out, jobs=1)
        assert (4, 0, 3, 1) == (second.total, second.evaluated, second.skipped, second.failed)
        assert first.verdicts == second.verdicts
        assert first.top_findings == second.top_findings
        assert before == out.read_bytes()

    def test_reevaluates_a_changed_case(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        run_batch(directory, out, jobs=1)
        changed = directory / EXAMPLES[0].name
        changed.write_text(
            changed.read_text(encoding="utf-8").replace("title:", "title: Changed", 1),
            encoding="utf-8",
        )
        summary = run_batch(directory, out, jobs=1)
        assert (1, 2, 1) == (summary.evaluated, summary.skipped, summary.failed)

    def test_reevaluates_when_the_rule_set_changes(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        run_batch(directory, out, jobs=1)
        rules = tmp_path / "rules.yaml"
        rules.write_text(
            CORE.read_text(encoding="utf-8").replace('version: "2.0.0"', 'version: "2.0.1"'),
            encoding="utf-8",
        )
        assert rule_set(rules).sha256 != rule_set("core").sha256
        summary = run_batch(directory, out, rules=rules, jobs=1)
        assert (3, 0, 1) == (summary.evaluated, summary.skipped, summary.failed)
        assert {"2.0.1"} == {r["ruleset"]["version"] for r in _records(out) if "ruleset" in r}

    def test_resumes_csv(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.csv"
        run_batch(directory, out, jobs=1, fmt="csv")
        before = out.read_bytes()
        summary = run_batch(directory, out, jobs=1, fmt="csv")
        assert (0, 3, 1) == (summary.evaluated, summary.skipped, summary.failed)
        assert before == out.read_bytes()


class TestAtomic:
    def test_a_crash_leaves_the_previous_output(
        self, directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        out = tmp_path / "out.jsonl"
        out.write_text("previous\n", encoding="utf-8")
        calls = []
        run = batch._Worker.run

        def crash(self: batch._Worker, task: batch._Task) -> batch._Outcome:
            calls.append(task)
            if len(calls) == 3:
                raise KeyboardInterrupt
            return run(self, task)

        monkeypatch.setattr(batch._Worker, "run", crash)
        with pytest.raises(KeyboardInterrupt):
            run_batch(directory, out, jobs=1)
        assert "previous\n" == out.read_text(encoding="utf-8")
        # the two cases finished are kept for the next run; no temporary file is left
        files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
        assert [".out.jsonl.progress", "out.jsonl"] == files


class TestCsv:
    def test_parses(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.csv"
        run_batch(directory, out, jobs=1, fmt="csv")
        with out.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        core = rule_set("core")
        factors = [f"factors.{name}" for name in (*core.factors, *core.obstacle_groups)]
        assert [*batch.CSV_COLUMNS, *factors, "findings", "language", "sistereval"] == list(rows[0])
        assert list(batch.csv_columns(core)) == list(rows[0])
        assert [str(directory / p.name) for p in EXAMPLES] + [
            str(directory / "zz-broken.yaml")
        ] == [row["input"] for row in rows]
        for row, path in zip(rows, EXAMPLES, strict=False):
            expected = evaluate(path)
            assert expected.verdict == row["verdict"]
            assert expected.confidence == float(row["confidence"])
            assert expected.ruleset.sha256 == row["ruleset_sha256"]
            assert ";".join(f.rule for f in expected.findings) == row["fired"]
            certainty = expected.certainty  # issue 13: beside the deprecated confidence
            assert certainty is not None
            assert (certainty.grade, certainty.robust.status) == (
                row["certainty_grade"],
                row["robust"],
            )
            reference = expected.reference_date  # issue 15: the date measured to
            assert (str(reference["date"]), reference["basis"]) == (
                row["reference_date"],
                row["reference_basis"],
            )
            assert "" == row["error"]
            assert {k: float(row[f"factors.{k}"]) for k in expected.factors} == dict(
                expected.factors
            )
            lines = row["findings"].split("\n")
            assert len(expected.findings) == len(lines)
            for finding, line in zip(expected.findings, lines, strict=True):
                assert line.startswith(f"{finding.rule} ({finding.kind}")
                assert f"): {finding.message}" in line
                if finding.sources:
                    assert line.endswith(f" [{', '.join(finding.sources)}]")
        problems = rows[-1]["error"].split("; ")
        assert len(problems) > 1
        assert all(f"{directory / 'zz-broken.yaml'}:" in p for p in problems)
        assert ": missing-key: " in problems[-1]
        assert "" == rows[-1]["verdict"]
        assert "" == rows[-1]["findings"] == rows[-1]["factors.finance"]


class TestErrors:
    def test_case_error_record_lists_every_problem(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        run_batch(directory, out, jobs=1)
        error = _records(out)[-1]
        assert {"input", "error"} == set(error)
        assert len(error["error"]["problems"]) > 1
        assert error["error"]["code"] == error["error"]["problems"][0]["code"]

    def test_unexpected_exception_is_recorded(
        self, directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def boom(*args: object, **kwargs: object) -> None:
            raise ZeroDivisionError("oops")

        monkeypatch.setattr(batch, "evaluate", boom)
        summary = run_batch(directory, tmp_path / "out.jsonl", jobs=1)
        assert (0, 4) == (summary.evaluated, summary.failed)
        record = _records(tmp_path / "out.jsonl")[0]
        assert {"code": "internal-error", "message": "ZeroDivisionError: oops"} == record["error"]

    def test_not_a_mapping(self, tmp_path: Path) -> None:
        cases = tmp_path / "cases.jsonl"
        cases.write_text("[1, 2]\n\n", encoding="utf-8")
        run_batch(cases, tmp_path / "out.jsonl", jobs=1)
        [record] = _records(tmp_path / "out.jsonl")
        assert f"{cases}:1" == record["input"]
        assert "not-a-mapping" == record["error"]["code"]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"jobs": 0}, "--jobs must be at least 1"),
            ({"fmt": "xml"}, "unknown output format"),
            ({"language": "fr"}, "unknown language"),
        ],
    )
    def test_bad_arguments(
        self, directory: Path, tmp_path: Path, kwargs: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(batch.UsageError, match=message):
            run_batch(directory, tmp_path / "out.jsonl", **kwargs)


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr in a console does."""

    def isatty(self) -> bool:
        return True


class TestProgress:
    def test_a_stream_gets_the_final_bar(self, directory: Path, tmp_path: Path) -> None:
        progress = io.StringIO()
        run_batch(directory, tmp_path / "out.jsonl", jobs=1, progress=progress)
        [line] = progress.getvalue().splitlines()
        assert line.startswith("evaluating ")
        assert "4/4" in line

    def test_the_command_draws_a_bar_on_a_terminal_only(
        self, directory: Path, tmp_path: Path
    ) -> None:
        argv = ["batch", str(directory), "--out", str(tmp_path / "out.jsonl"), "--jobs", "1"]
        terminal, captured = Terminal(), io.StringIO()
        assert 0 == cli.run(argv, io.StringIO(), terminal)
        assert 0 == cli.run(argv, io.StringIO(), captured)
        assert "4/4" in terminal.getvalue()
        assert "" == captured.getvalue()


class TestJobs:
    def test_default_is_the_cpus_this_process_may_use(self) -> None:
        assert len(os.sched_getaffinity(0)) == batch.default_jobs()

    @pytest.mark.parametrize(
        ("cases", "jobs", "expected"),
        [(0, 4, 1), (3, 4, 1), (199, 4, 1), (200, 4, 2), (1000, 4, 4), (1000, 2, 2), (10**6, 1, 1)],
    )
    def test_worker_count(self, cases: int, jobs: int, expected: int) -> None:
        assert expected == batch.worker_count(cases, jobs)

    def test_worker_count_defaults_to_the_cpus(self) -> None:
        assert batch.default_jobs() == batch.worker_count(10**6, None)


REGISTER = ROOT / "examples" / "register.csv"


class TestRegister:
    def test_evaluates_every_row(self, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        summary = run_batch(REGISTER, out, jobs=1)
        records = _records(out)
        assert [f"{REGISTER}:{n}" for n in (2, 3, 4)] == [r["input"] for r in records]
        assert ["bandung-namur", "surabaya-kitakyushu", "bandung-suwon"] == [
            r["case"]["id"] for r in records
        ]
        assert ["failure", "success", "partial"] == [r["verdict"] for r in records]
        assert (3, 3, 0) == (summary.total, summary.evaluated, summary.failed)

    def test_a_bad_row_is_an_error_record_and_resumes(self, tmp_path: Path) -> None:
        register = tmp_path / "register.csv"
        lines = REGISTER.read_text(encoding="utf-8").splitlines(keepends=True)
        register.write_text("".join(lines) + lines[1].replace(",ID,", ",XX,", 1), encoding="utf-8")
        out = tmp_path / "out.jsonl"
        first = run_batch(register, out, jobs=1)
        second = run_batch(register, out, jobs=1)
        error = _records(out)[-1]["error"]
        assert "bad-country" == error["code"]
        assert (str(register), 5, 6) == tuple(
            error["problems"][0][k] for k in ("file", "line", "column")
        )
        assert (3, 1, 0) == (first.evaluated, first.failed, first.skipped)
        assert (0, 1, 3) == (second.evaluated, second.failed, second.skipped)

    def test_a_bad_header_stops_the_run(self, tmp_path: Path) -> None:
        register = tmp_path / "register.csv"
        register.write_text(
            REGISTER.read_text(encoding="utf-8").replace("title", "titel", 1), encoding="utf-8"
        )
        out = tmp_path / "out.jsonl"
        status, stdout, stderr = call("batch", str(register), "--out", str(out))
        assert (2, "") == (status, stdout)
        assert (
            f"{register}:1: missing-column: the required column 'title' is missing\n"
            f"{register}:1:2: unknown-column: unknown column 'titel' (did you mean 'title'?)\n"
        ) == stderr
        assert not out.exists()


class TestSummary:
    def test_to_dict_and_text(self) -> None:
        summary = BatchSummary(
            out="out.jsonl",
            total=3,
            evaluated=1,
            skipped=1,
            failed=1,
            verdicts={"partial": 2},
            top_findings=(("long-running", 2),),
            errors={"bad-date": 1},
        )
        assert {
            "out": "out.jsonl",
            "total": 3,
            "evaluated": 1,
            "skipped": 1,
            "failed": 1,
            "verdicts": {"partial": 2},
            "top_findings": [{"rule": "long-running", "cases": 2}],
            "errors": {"bad-date": 1},
        } == summary.to_dict()
        assert (
            "3 cases: 1 evaluated, 1 skipped (resumed), 1 failed\n"
            "verdicts: partial 2\n"
            "top findings: long-running 2\n"
            "errors: bad-date 1\n"
            "written to out.jsonl\n"
        ) == str(summary)


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


class TestCommand:
    def test_runs(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        status, stdout, stderr = call("batch", str(directory), "--out", str(out), "--jobs", "1")
        assert (0, "") == (status, stderr)
        assert stdout.startswith("4 cases: 3 evaluated, 0 skipped (resumed), 1 failed\n")
        assert stdout.endswith(f"written to {out}\n")
        assert 4 == len(_records(out))

    def test_csv_in_indonesian(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.csv"
        argv = ["batch", str(directory), "--out", str(out), "--jobs", "1"]
        status, _, _ = call(*argv, "--format", "csv", "--lang", "id")
        assert 0 == status
        with out.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert 4 == len(rows)
        message = "1 dari 5 bidang yang disepakati terlaksana, kurang dari sepertiga"
        assert message in rows[0]["findings"]

    def test_missing_input(self, tmp_path: Path) -> None:
        status, stdout, stderr = call("batch", str(tmp_path / "nope"), "--out", "x.jsonl")
        assert (2, "") == (status, stdout)
        assert "no such file or directory" in stderr

    def test_unknown_rule_set(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        status, stdout, stderr = call("batch", str(directory), "--out", str(out), "--rules", "nope")
        assert (2, "") == (status, stdout)
        assert stderr
        assert not out.exists()


REGISTER = ROOT / "examples" / "register.csv"
WORKBOOK = ROOT / "examples" / "register.xlsx"


class TestWorkbooks:
    def test_register_workbook_gives_the_csv_registers_verdicts(self, tmp_path: Path) -> None:
        status, _, _ = call("batch", str(WORKBOOK), "--out", str(tmp_path / "results.xlsx"))
        assert 0 == status
        call("batch", str(REGISTER), "--out", str(tmp_path / "results.csv"))
        with (tmp_path / "results.csv").open(encoding="utf-8", newline="") as stream:
            from_csv = list(csv.DictReader(stream))
        book = openpyxl().load_workbook(tmp_path / "results.xlsx")
        assert ["cases", "findings", "sources"] == book.sheetnames
        header, *cases = book["cases"].iter_rows(values_only=True)
        assert list(batch.csv_columns(rule_set("core")))[:-3] == list(header)
        rows = [dict(zip(header, row, strict=True)) for row in cases]
        assert [r["verdict"] for r in from_csv] == [r["verdict"] for r in rows]
        assert ["failure", "success", "partial"] == [r["verdict"] for r in rows]
        assert [f"{WORKBOOK}[register]:{n}" for n in (2, 3, 4)] == [r["input"] for r in rows]
        for xlsx_row, csv_row in zip(rows, from_csv, strict=True):
            for key in ("case_sha256", "fired", "factors.finance", "factors.long_term_vision"):
                assert str(csv_row[key]) == str(xlsx_row[key]).replace(".0", "") or float(
                    csv_row[key]
                ) == float(xlsx_row[key])
            assert float(csv_row["confidence"]) == xlsx_row["confidence"]
            assert csv_row["certainty_grade"] == xlsx_row["certainty_grade"]
            assert csv_row["robust"] == xlsx_row["robust"]
            assert csv_row["reference_date"] == str(xlsx_row["reference_date"])
            assert csv_row["reference_basis"] == xlsx_row["reference_basis"]
        assert ["2022", "2012", "2018-04-03"] == [r["reference_date"] for r in from_csv]

    def test_findings_and_sources_sheets(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.xlsx"
        run_batch(directory, out, jobs=1)
        book = openpyxl().load_workbook(out)
        header, *found = book["findings"].iter_rows(values_only=True)
        assert list(batch.FINDING_COLUMNS) == list(header)
        expected = [(p.name, evaluate(p)) for p in EXAMPLES]
        assert [
            (str(directory / name), e.case_id, f.rule, f.kind, f.message, "; ".join(f.sources))
            for name, e in expected
            for f in e.findings
        ] == [(r[0], r[1], r[2], r[4], r[8], r[9] or "") for r in found]
        header, *cited = book["sources"].iter_rows(values_only=True)
        assert list(batch.SOURCE_COLUMNS) == list(header)
        namur = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
        assert [s["id"] for s in namur["sources"]] == [
            r[2] for r in cited if r[1] == "bandung-namur"
        ]
        *_, broken = book["cases"].iter_rows(values_only=True)
        assert str(directory / "zz-broken.yaml") == broken[0]
        assert None is broken[3]
        assert ": missing-key: " in broken[batch.CSV_COLUMNS.index("error")]

    def test_the_same_bytes_whatever_the_jobs(self, directory: Path, tmp_path: Path) -> None:
        run_batch(directory, tmp_path / "a.xlsx", jobs=1)
        run_batch(directory, tmp_path / "b.xlsx", jobs=1)
        assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()

    def test_user_text_is_no_formula(self, tmp_path: Path) -> None:
        text = REGISTER.read_text(encoding="utf-8").replace(
            "Bandung – Namur sister-city partnership", '"=HYPERLINK(""http://x"",""y"")"'
        )
        register = tmp_path / "register.csv"
        register.write_text(text, encoding="utf-8")
        run_batch(register, tmp_path / "out.xlsx", jobs=1)
        with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert all("<f>" not in archive.read(n).decode() for n in sheets)

    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("r.xlsx", "xlsx"),
            ("r.XLSX", "xlsx"),
            ("r.csv", "csv"),
            ("r.tsv", "csv"),
            ("r.jsonl", "jsonl"),
            ("r.out", "jsonl"),
        ],
    )
    def test_the_format_follows_the_name(self, name: str, fmt: str) -> None:
        assert fmt == batch.format_of(name)

    def test_resuming_a_csv_output_with_the_new_columns(
        self, directory: Path, tmp_path: Path
    ) -> None:
        out = tmp_path / "out.csv"
        run_batch(directory, out, jobs=1)
        first = out.read_bytes()
        summary = run_batch(directory, out, jobs=1)
        assert (3, 0) == (summary.skipped, summary.evaluated)
        assert first == out.read_bytes()


class TestEncodings:
    def test_a_windows_1252_register_gets_a_hint(self, tmp_path: Path) -> None:
        register = tmp_path / "register.csv"
        register.write_bytes(REGISTER.read_text(encoding="utf-8").encode("cp1252", "replace"))
        status, _, stderr = call("batch", str(register), "--out", str(tmp_path / "o.csv"))
        assert 2 == status
        assert "cannot read the input ('utf-8' codec can't decode byte" in stderr
        assert "Windows-1252 (Latin-1) export: save it as 'CSV UTF-8'" in stderr
        assert "iconv -f cp1252 -t utf-8" in stderr

    def test_a_workbook_named_csv(self, tmp_path: Path) -> None:
        register = tmp_path / "register.csv"
        register.write_bytes(WORKBOOK.read_bytes())
        with pytest.raises(batch.UsageError, match="looks like an Excel workbook"):
            run_batch(register, tmp_path / "o.csv", jobs=1)


# --------------------------------------------------------------------------
# issue 18, item 8: JSON Lines split on "\n" only, resume keyed on language and
# version, progress kept through a kill, workers that die with the batch.


def _jsonl(path: Path, cases: list[dict[str, Any]], end: str = "\n") -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + end for c in cases), "utf-8")
    return path


class TestJsonLinesEnds:
    def test_line_separators_inside_a_record_stay_in_it(self, tmp_path: Path) -> None:
        first, second = _examples()[:2]
        first = {**first, "title": "Bandung\u2028Namur\x85 (\u2029)"}
        cases = _jsonl(tmp_path / "cases.jsonl", [first, second])
        out = tmp_path / "out.jsonl"
        summary = run_batch(cases, out, jobs=1)
        records = [json.loads(line) for line in out.read_text("utf-8").split("\n") if line]
        labels = [f"{cases}:1", f"{cases}:2"]
        assert (2, 0, labels) == (summary.total, summary.failed, [r["input"] for r in records])
        again = run_batch(cases, out, jobs=1)
        assert (0, 2) == (again.evaluated, again.skipped)  # such records are kept on resume

    def test_crlf_line_ends(self, tmp_path: Path) -> None:
        cases = _jsonl(tmp_path / "cases.jsonl", _examples(), end="\r\n")
        summary = run_batch(cases, tmp_path / "out.jsonl", jobs=1)
        assert (3, 3, 0) == (summary.total, summary.evaluated, summary.failed)


class TestResumeKeys:
    def test_another_language_is_evaluated_again(self, directory: Path, tmp_path: Path) -> None:
        out = tmp_path / "out.jsonl"
        run_batch(directory, out, jobs=1, language="en")
        summary = run_batch(directory, out, jobs=1, language="id")
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        languages = {r["language"] for r in records if "error" not in r}
        assert (0, {"id"}) == (summary.skipped, languages)

    def test_another_language_in_csv_is_evaluated_again(
        self, directory: Path, tmp_path: Path
    ) -> None:
        out = tmp_path / "out.csv"
        run_batch(directory, out, jobs=1, language="en")
        assert 3 == run_batch(directory, out, jobs=1, language="en").skipped
        summary = run_batch(directory, out, jobs=1, language="id")
        with out.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert (0, {"id"}) == (summary.skipped, {row["language"] for row in rows})

    def test_records_of_another_version_are_evaluated_again(
        self, directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        out = tmp_path / "out.jsonl"
        with monkeypatch.context() as patch:  # records written by another version
            patch.setattr(sistereval.evaluation, "__version__", "0.0.1-other")
            run_batch(directory, out, jobs=1)
        summary = run_batch(directory, out, jobs=1)
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        versions = {r["sistereval"] for r in records if "error" not in r}
        assert (0, {sistereval.__version__}) == (summary.skipped, versions)


class TestCaseFileInput:
    @pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
    def test_a_case_file_is_one_case(self, tmp_path: Path, suffix: str) -> None:
        case = tmp_path / f"namur{suffix}"
        data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
        case.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data), "utf-8")
        out = tmp_path / "out.jsonl"
        status, stdout, _ = call("batch", str(case), "--out", str(out))
        (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert (0, str(case), "failure") == (status, record["input"], record["verdict"])
        assert stdout.startswith("1 cases: 1 evaluated")


class TestKilled:
    def test_a_temporary_file_of_a_killed_run_is_removed(
        self, directory: Path, tmp_path: Path
    ) -> None:
        out = tmp_path / "out.jsonl"
        stale = [".out.jsonl.99999999.0123abcd.tmp", ".out.jsonl.0123abcd.tmp"]
        alive = f".out.jsonl.{os.getppid()}.0123abcd.tmp"  # a writer that still runs
        for name in [*stale, alive, ".other.jsonl.0123abcd.tmp"]:
            (tmp_path / name).write_text("half a run\n", encoding="utf-8")
        run_batch(directory, out, jobs=1)
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        assert sorted([alive, ".other.jsonl.0123abcd.tmp"]) == left

    def test_an_interrupted_run_resumes_where_it_stopped(
        self, directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
        run_batch(directory, reference, jobs=1)
        run = batch._Worker.run
        calls: list[batch._Task] = []

        def crash(self: batch._Worker, task: batch._Task) -> batch._Outcome:
            calls.append(task)
            if len(calls) == 3:
                raise KeyboardInterrupt
            return run(self, task)

        monkeypatch.setattr(batch._Worker, "run", crash)
        with pytest.raises(KeyboardInterrupt):
            run_batch(directory, out, jobs=1)
        monkeypatch.setattr(batch._Worker, "run", run)
        summary = run_batch(directory, out, jobs=1)
        assert (4, 1, 2, 1) == (summary.total, summary.evaluated, summary.skipped, summary.failed)
        assert reference.read_bytes() == out.read_bytes()
        assert [] == [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]

    def test_a_damaged_progress_tail_is_cut(self, directory: Path, tmp_path: Path) -> None:
        reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
        run_batch(directory, reference, jobs=1)
        progress = tmp_path / ".out.jsonl.progress"
        with batch.Progress(progress, batch._progress_key(directory, "jsonl", rule_set(), "en")):
            pass
        with progress.open("ab") as stream:
            stream.write(b'{"label": "half a rec')
        summary = run_batch(directory, out, jobs=1)
        assert (3, reference.read_bytes()) == (summary.evaluated, out.read_bytes())

    @pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
    def test_sigkill_at_half_resumes_identically_and_leaves_nothing(self, tmp_path: Path) -> None:
        figures = batch_kill.kill_and_resume(tmp_path, 300, jobs=2)
        assert figures["identical"], figures
        assert figures["evaluated_only_the_rest"], figures
        assert 0 < figures["finished_when_killed"] < 300, figures
        assert [] == figures["processes_left_after_kill"]
        assert [".out.jsonl.progress"] == figures["files_after_kill"]  # no temporary file
        assert [] == figures["files_left"]
