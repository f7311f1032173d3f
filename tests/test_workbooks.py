"""Tests for :mod:`sistereval.workbooks` and workbook registers
(:func:`sistereval.cases.register.read_workbook`)."""

from __future__ import annotations

import builtins
import csv
import datetime
import importlib.util
import io
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sistereval import evaluate
from sistereval.cases.register import load_row, read_rows, read_workbook
from sistereval.errors import CaseError, UsageError
from sistereval.safety import terminal_text
from sistereval.workbooks import cell_text, openpyxl, sheet_rows, write_workbook

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "examples" / "register.csv"
WORKBOOK = ROOT / "examples" / "register.xlsx"
GOLDEN = ROOT / "tests" / "golden" / "csv"

spec = importlib.util.spec_from_file_location("register_xlsx", ROOT / "tools" / "register_xlsx.py")
assert spec is not None
assert spec.loader is not None
register_xlsx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(register_xlsx)


def save(tmp_path: Path, rows: list[list[Any]], name: str = "register") -> Path:
    path = tmp_path / "register.xlsx"
    path.write_bytes(write_workbook([(name, [str(c) for c in rows[0]], rows[1:])]))
    return path


def problems_of(rows: Any) -> list[Any]:
    """Every problem of a register's rows (or of its header), as ``(code, message,
    suggestion, column)``."""
    found = []
    try:
        loaded = list(rows)
    except CaseError as exc:
        return [(p.code, p.message, p.suggestion, p.location.column) for p in exc.problems]
    for row in loaded:
        try:
            load_row(row)
        except CaseError as exc:
            found += [(p.code, p.message, p.suggestion, p.location.column) for p in exc.problems]
    return found


class TestExampleWorkbook:
    def test_is_the_output_of_the_generator(self) -> None:
        expected = register_xlsx.workbook(REGISTER.read_text(encoding="utf-8"))
        assert expected == WORKBOOK.read_bytes()
        assert expected == (ROOT / "src/sistereval/examples/register.xlsx").read_bytes()

    def test_rows_evaluate_like_the_csv_register(self) -> None:
        from_csv = [load_row(r) for r in read_rows(REGISTER.read_text(encoding="utf-8"), "r")]
        from_xlsx = [load_row(r) for r in read_workbook(WORKBOOK)]
        assert from_csv == from_xlsx
        assert ["failure", "success", "partial"] == [evaluate(c).verdict for c in from_xlsx]

    def test_labels_name_the_sheet_and_row(self) -> None:
        labels = [row.label for row in read_workbook(WORKBOOK, "register.xlsx")]
        assert ["register.xlsx[register]:2", "register.xlsx[register]:3",
                "register.xlsx[register]:4"] == labels  # fmt: skip

    def test_cells_are_typed_as_a_spreadsheet_user_types_them(self) -> None:
        book = openpyxl().load_workbook(WORKBOOK)
        sheet = book["register"]
        header = [cell.value for cell in sheet[1]]
        row = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
        assert -6.922 == row["lat_a"]
        assert datetime.datetime(2016, 3, 17) == row["loi"]
        assert "2016-12" == row["council_approval"]


class TestCellText:
    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (None, ""),
            (True, "yes"),
            (False, "no"),
            (2017, "2017"),
            (2017.0, "2017"),
            (-6.922, "-6.922"),
            (datetime.datetime(2017, 10, 10), "2017-10-10"),
            (datetime.datetime(2017, 10, 10, 9, 30), "2017-10-10T09:30:00"),
            (datetime.date(2017, 10, 10), "2017-10-10"),
            ("  Namur ", "  Namur "),
        ],
    )
    def test_as_a_csv_export_writes_it(self, value: object, text: str) -> None:
        assert text == cell_text(value)


class TestRegisterProblems:
    @pytest.mark.parametrize(
        "path",
        [p for p in sorted(GOLDEN.glob("*.csv")) if p.stem != "csv-syntax"],
        ids=lambda p: p.stem,
    )
    def test_same_problems_and_suggestions_as_the_csv(self, path: Path, tmp_path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        delimiter = max(",;\t", key=text.split("\n", 1)[0].count)
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        book = tmp_path / "r.xlsx"
        book.write_bytes(write_workbook([("Sheet1", table[0], table[1:])]))
        expected = problems_of(read_rows(text, "r.csv"))
        assert expected
        assert expected == problems_of(read_workbook(book))

    def test_located_at_sheet_row_and_column(self, tmp_path: Path) -> None:
        header = REGISTER.read_text(encoding="utf-8").splitlines()[0].split(",")
        rows = [list(r) for r in csv.reader(io.StringIO(REGISTER.read_text(encoding="utf-8")))]
        rows[2][header.index("lat_a")] = "-7,2575"
        path = save(tmp_path, rows, name="Partnerships")
        [row] = [r for r in read_workbook(path, "r.xlsx") if r.line == 3]
        with pytest.raises(CaseError) as raised:
            load_row(row)
        [problem] = raised.value.problems
        column = header.index("lat_a") + 1
        assert f"r.xlsx[Partnerships]:3:{column}: wrong-type: column 'lat_a': " in str(problem)
        assert "write a decimal point: -7.2575" == problem.suggestion

    def test_unknown_column_has_a_suggestion(self, tmp_path: Path) -> None:
        path = save(tmp_path, [["id", "titel"], ["x", "y"]])
        with pytest.raises(CaseError) as raised:
            list(read_workbook(path, "r.xlsx"))
        assert (
            "r.xlsx[register]:1:2: unknown-column: unknown column 'titel' (did you mean 'title'?)"
            in str(raised.value)
        )

    def test_not_a_workbook(self, tmp_path: Path) -> None:
        path = tmp_path / "r.xlsx"
        path.write_text("id,title\n", encoding="utf-8")
        with pytest.raises(UsageError, match="cannot read the workbook"):
            list(read_workbook(path))

    def test_missing_sheet(self) -> None:
        with pytest.raises(UsageError, match=r"no sheet 'cases' \(its sheets: register\)"):
            sheet_rows(WORKBOOK, "cases")


class TestWriteWorkbook:
    def test_text_is_never_a_formula(self) -> None:
        hostile = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\tx", "\x1b[31mred"]
        data = write_workbook([("s", ["a"], [[text] for text in hostile] + [[-6.0], ["ok"]])])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet
        book = openpyxl().load_workbook(io.BytesIO(data))
        cells = [row[0] for row in book["s"].iter_rows(min_row=2)]
        assert [terminal_text(t) for t in hostile] + [-6, "ok"] == [c.value for c in cells]
        assert "red" == cells[5].value
        assert [True] * 5 + [False] * 3 == [c.quotePrefix for c in cells]
        assert ["s"] * 6 + ["n", "s"] == [c.data_type for c in cells]

    def test_same_cells_same_bytes(self) -> None:
        sheets = [("s", ["a", "b"], [["x", 1.5]])]
        assert write_workbook(sheets) == write_workbook(sheets)


class TestWithoutOpenpyxl:
    def test_the_message_names_the_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = builtins.__import__

        def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "openpyxl" or name.startswith("openpyxl."):
                raise ImportError(name)
            return real(name, *args, **kwargs)

        monkeypatch.delitem(sys.modules, "openpyxl", raising=False)
        monkeypatch.setattr(builtins, "__import__", no_openpyxl)
        with pytest.raises(UsageError, match=r"pip install 'sistereval\[xlsx\]'"):
            list(read_workbook(WORKBOOK))
