"""Registers named on the command line (:mod:`sistereval.cases.rows`): every row for
``validate``, the row ``FILE#ID`` selects for the commands of one case (issue 15)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from sistereval.cases.rows import split_selector
from sistereval.cli import run

ROOT = Path(__file__).resolve().parent.parent
REGISTER = "examples/register.csv"
IDS = "bandung-namur, surabaya-kitakyushu, bandung-suwon"


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def one_row(tmp_path: Path) -> Path:
    """A register of one row: Bandung–Suwon's."""
    lines = (ROOT / REGISTER).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "one.csv"
    path.write_text(f"{lines[0]}\n{lines[3]}\n", encoding="utf-8")
    return path


class TestSplitSelector:
    def test_a_register_row(self) -> None:
        assert ("r.csv", "bandung-namur") == split_selector("r.csv#bandung-namur")
        assert ("r.XLSX", "x") == split_selector("r.XLSX#x")

    def test_not_a_register(self) -> None:
        assert ("case.yaml#x", None) == split_selector("case.yaml#x")
        assert ("r.csv", None) == split_selector("r.csv")

    def test_a_file_named_with_a_hash_is_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "a.csv#b.csv"
        path.write_text("id\n", encoding="utf-8")
        assert (str(path), None) == split_selector(str(path))


class TestValidate:
    def test_every_row_of_a_register(self) -> None:
        status, out, err = call("validate", REGISTER, "examples/register.xlsx")
        assert (0, "") == (status, err)
        expected = [
            f"examples/register.{ext}#{name}: ok"
            for ext in ("csv", "xlsx")
            for name in IDS.split(", ")
        ]
        assert expected == out.splitlines()

    def test_one_row(self) -> None:
        assert (0, f"{REGISTER}#bandung-suwon: ok\n", "") == call(
            "validate", f"{REGISTER}#bandung-suwon"
        )

    def test_rows_with_problems_are_located(self, tmp_path: Path) -> None:
        text = (ROOT / REGISTER).read_text(encoding="utf-8").replace("-6.922,", "-6,922,", 1)
        path = tmp_path / "register.csv"
        path.write_text(text, encoding="utf-8")
        status, out, _ = call("validate", str(path), "--format", "json")
        results = [json.loads(line) for line in out.splitlines()]
        assert 2 == status
        assert [False, True, True] == [r["valid"] for r in results]
        assert f"{path}#bandung-namur" == results[0]["file"]
        assert {2} == {p["line"] for p in results[0]["problems"]}

    def test_an_unreadable_header(self, tmp_path: Path) -> None:
        path = tmp_path / "register.csv"
        path.write_text("id,titel\nx,y\n", encoding="utf-8")
        status, out, _ = call("validate", str(path))
        assert 2 == status
        assert f"{path}:1:2: unknown-column: unknown column 'titel'" in out


class TestSelectedRow:
    @pytest.mark.parametrize("ext", ["csv", "xlsx"])
    def test_evaluate(self, ext: str) -> None:
        status, out, err = call("evaluate", f"examples/register.{ext}#bandung-suwon")
        assert (0, "") == (status, err)
        assert out.startswith(f"examples/register.{ext}#bandung-suwon: verdict partial")

    def test_evaluate_json_is_the_row_s_record(self) -> None:
        status, out, _ = call("evaluate", f"{REGISTER}#bandung-namur", "--format", "json")
        assert 0 == status
        record = json.loads(out)
        assert ("bandung-namur", "failure") == (record["case"]["id"], record["verdict"])

    def test_explain(self) -> None:
        status, out, _ = call("explain", f"{REGISTER}#surabaya-kitakyushu")
        assert 0 == status
        assert "success" in out.splitlines()[0]

    def test_whatif(self) -> None:
        status, out, _ = call(
            "whatif", f"{REGISTER}#bandung-suwon", "--set", "fields[0].status=implemented"
        )
        assert 0 == status
        assert out.startswith("bandung-suwon: what if")

    def test_report(self) -> None:
        status, out, _ = call(
            "report", f"{REGISTER}#bandung-namur", "--no-counterfactual", "--format", "markdown"
        )
        assert 0 == status
        assert out.startswith("# Evaluation report: Bandung – Namur sister-city partnership")

    def test_the_only_row_needs_no_id(self, tmp_path: Path) -> None:
        status, out, _ = call("evaluate", str(one_row(tmp_path)))
        assert 0 == status
        assert "verdict partial" in out.splitlines()[0]


class TestErrors:
    def test_unknown_id(self) -> None:
        status, out, err = call("evaluate", f"{REGISTER}#bandung-namr")
        assert (2, "") == (status, out)
        assert (
            f"{REGISTER}:1:1: unknown-case-id: no row of the register has the id "
            f"'bandung-namr'; its ids: {IDS} (did you mean '{REGISTER}#bandung-namur'?)\n"
        ) == err

    def test_unknown_id_in_indonesian(self) -> None:
        status, _, err = call("explain", f"{REGISTER}#suwon", "--lang", "id")
        assert 2 == status
        assert "unknown-case-id: tidak ada baris register dengan id 'suwon'" in err

    @pytest.mark.parametrize("command", ["evaluate", "explain"])
    def test_missing_id(self, command: str) -> None:
        status, _, err = call(command, REGISTER)
        assert 2 == status
        assert (
            f"{REGISTER}:1:1: case-id-needed: the register has 3 rows: name the one to read, "
            f"as {REGISTER}#bandung-namur (its ids: {IDS}; 'sistereval batch {REGISTER}' "
            "evaluates every row)\n"
        ) == err

    def test_an_id_on_two_rows(self, tmp_path: Path) -> None:
        text = (ROOT / REGISTER).read_text(encoding="utf-8")
        path = tmp_path / "register.csv"
        path.write_text(text.replace("bandung-suwon,", "bandung-namur,", 1), encoding="utf-8")
        status, _, err = call("evaluate", f"{path}#bandung-namur")
        assert 2 == status
        expected = f"{path}:4:1: duplicate-case-id: the id 'bandung-namur' is also the id of"
        assert expected in err

    def test_a_register_that_is_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "register.csv"
        shutil.copy(ROOT / REGISTER, path)
        path.write_bytes(path.read_bytes().replace("–".encode(), b"\x96"))
        status, _, err = call("evaluate", f"{path}#bandung-namur")
        assert 2 == status
        assert f"{path}: file-error: the file is not UTF-8 text" in err

    def test_a_missing_register_gets_the_hint(self) -> None:
        status, _, err = call("evaluate", "nowhere.csv#x")
        assert 2 == status
        assert "nowhere.csv: file-error: no such file" in err
        assert "hint: 'nowhere.csv#x' not found." in err
