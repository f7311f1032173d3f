"""Cases from a CSV or workbook register: one partnership per row (``docs/batch.md``).

:func:`read_rows` reads the header and the rows of a CSV file (comma,
semicolon or tab separated), :func:`read_workbook` those of the first sheet of
an ``.xlsx`` workbook, and both refuse a header they cannot use: unknown
columns (with a did-you-mean), missing required columns, a column named
twice.  :func:`load_row` turns one row into a case mapping and reads it with
:func:`~sistereval.cases.load_case`, so every rule of the case model applies;
each problem is then located at the row's line and at the CSV column its
value came from (``register.csv:4:9: wrong-type: column 'lat_b': expected a
number, got a string '50,467' in partners[1].location.lat``).

A cell holding a list (``fields``, ``activities``, a milestone column,
``leadership_changes_a``, ...) separates its items with ``;``, and the parts
of an item with ``:`` (``economy:implemented; culture:planned``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from ..errors import CaseError, Location, Problem
from ..messages import did_you_mean, one_of
from ..model import CASE_FORMAT, Case, MilestoneType, SourceKind
from ..workbooks import sheet_rows
from .load import load_case
from .validate import parse_path

__all__ = ["COLUMNS", "REQUIRED", "CsvRow", "load_row", "read_rows", "read_workbook"]

_SIDES = ("a", "b")
_PARTNER = ("city", "id", "country", "lat", "lon", "population")
_BUDGET = ("earmarked", "adequate", "budget_year", "budget_amount", "budget_currency")
_PER_SIDE = (*_PARTNER, *_BUDGET, "leadership_changes", "institutions")
_MILESTONES = tuple(str(m.value) for m in MilestoneType)
_FACTORS = ("shared_values", "community_participation", "long_term_vision", "institutional_support")
_SOURCE = ("source", "source_kind", "source_url", "source_reliability")

#: Every column a register may have, in the order the docs list them.
COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "description",
    "as_of",
    *(f"{name}_{side}" for side in _SIDES for name in _PER_SIDE),
    *_MILESTONES,
    "fields",
    "activities",
    "distance_km",
    "distance_method",
    *_FACTORS,
    *_SOURCE,
)
#: The columns a register must have (their cells must not be empty).
REQUIRED: tuple[str, ...] = (
    "id",
    "title",
    *(f"{name}_{side}" for side in _SIDES for name in ("city", "country", "lat", "lon")),
)

#: The id of the row's source (the ``source`` columns), which every fact cites.
SOURCE_ID = "source"
_BOOLEANS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "ya": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "tidak": False,
}
_CONTINUITY = {"continued": True, "not_continued": False}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DELIMITERS = ",;\t"


@attrs.frozen(kw_only=True)
class CsvRow:
    """One row of a register: its file, the line it starts on, the header and its cells."""

    file: str
    line: int
    header: tuple[str, ...]
    cells: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.file}:{self.line}"


def _header_problem(
    file: str, code: str, message: str, column: int | None, hint: str | None
) -> Problem:
    return Problem(
        code=code,
        message=message,
        location=Location(file=file, line=1, column=column),
        suggestion=hint,
    )


def _check_header(file: str, header: list[str]) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if not name:
            continue  # an unnamed column, as spreadsheets export: its cells must stay empty
        if name in seen:
            message = f"the column {name!r} is named twice (columns {seen[name]} and {number})"
            problems.append(_header_problem(file, "duplicate-column", message, number, None))
        elif name not in COLUMNS:
            hint = did_you_mean(name, COLUMNS) or "docs/batch.md lists the columns"
            message = f"unknown column {name!r}"
            problems.append(_header_problem(file, "unknown-column", message, number, hint))
        seen.setdefault(name, number)
    for name in REQUIRED:
        if name not in seen:
            message = f"the required column {name!r} is missing"
            problems.append(_header_problem(file, "missing-column", message, None, None))
    return problems


def _delimiter(first_line: str) -> str:
    """The separator of the header row: the most frequent of comma, semicolon and tab."""
    return max(_DELIMITERS, key=first_line.count)


def read_rows(text: str, file: str) -> Iterator[CsvRow]:
    """The non-empty rows of the CSV ``text`` (read from ``file``), after its header.

    Raises :class:`~sistereval.errors.CaseError` with every problem of the
    header, or with the line where the text stops being CSV.
    """
    text = text.removeprefix("\ufeff")
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def lines() -> Iterator[tuple[int, list[str]]]:
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1

    try:
        yield from _register_rows(file, lines())
    except csv.Error as exc:
        location = Location(file=file, line=reader.line_num)
        raise CaseError([Problem(code="csv-syntax", message=str(exc), location=location)]) from None


def read_workbook(path: str | os.PathLike[str], file: str | None = None) -> Iterator[CsvRow]:
    """The non-empty rows of the first sheet of the ``.xlsx`` workbook at ``path``,
    after its header row, read like a CSV register (cells as the CSV export of the
    sheet would hold them: :func:`~sistereval.workbooks.cell_text`).

    Problems are located at ``FILE[SHEET]``, the row number and the column number
    (``register.xlsx[register]:4:9``), and name the column.  Needs openpyxl (the
    ``xlsx`` extra): :class:`~sistereval.errors.UsageError` without it, or when the
    file is not a workbook; :class:`~sistereval.errors.CaseError` for the header.
    """
    sheet, rows = sheet_rows(path)
    label = f"{os.fspath(path) if file is None else file}[{sheet}]"
    yield from _register_rows(label, ((n, list(cells)) for n, cells in rows))


def _register_rows(file: str, lines: Iterator[tuple[int, list[str]]]) -> Iterator[CsvRow]:
    """The rows after the header of ``lines`` (each with the line it starts on)."""
    first = next(lines, None)
    header = [name.strip().lower() for name in (first[1] if first else [])]
    if not any(header):
        message = "the file has no header row; the first row must name the columns"
        raise CaseError([_header_problem(file, "missing-column", message, None, None)])
    problems = _check_header(file, header)
    if problems:
        raise CaseError(problems)
    for start, cells in lines:
        if any(cell.strip() for cell in cells):
            yield CsvRow(file=file, line=start, header=tuple(header), cells=tuple(cells))


def load_row(row: CsvRow) -> Case:
    """The case of one register row; :class:`~sistereval.errors.CaseError` with
    every problem, each at the row's line and the column of the cell at fault."""
    builder = _Builder(row)
    data = builder.case()
    problems = builder.problems
    try:
        case = load_case(data, file=row.file)
    except CaseError as exc:
        problems = problems + [
            problem
            for problem in map(builder.locate, exc.problems)
            if problem.location.column not in builder.faulty
        ]
        raise CaseError(problems) from None
    if problems:
        raise CaseError(problems)
    return case


def _slug(name: str, side: str) -> str:
    """A partner id made from a city's name: ``São Paulo`` -> ``sao-paulo``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or side


def _number(text: str) -> Any:
    """An int or float when ``text`` is one, else the text (the model then says why not)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _integer(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def _boolean(text: str) -> Any:
    return _BOOLEANS.get(text.lower(), text)


Key = tuple[str | int, ...]
Items = list[dict[str, Any]]


class _Builder:
    """Builds the case mapping of one row and remembers which column each value came from."""

    def __init__(self, row: CsvRow) -> None:
        self.row = row
        self.index = {name: number for number, name in enumerate(row.header, start=1)}
        self.origin: dict[Key, int] = {}
        self.problems: list[Problem] = []
        self.faulty: set[int | None] = set()
        if any(cell.strip() for cell in row.cells[len(row.header) :]):
            message = f"the row has {len(row.cells)} cells; the header names {len(row.header)}"
            hint = "remove the extra cells, or name their column in the header"
            self.fault("extra-cells", message, len(row.header) + 1, hint)
        for number, (name, cell) in enumerate(zip(row.header, row.cells, strict=False), start=1):
            if not name and cell.strip():
                message = f"column {number} has no name but holds {cell.strip()!r}"
                hint = "name the column in the header, or empty the cell"
                self.fault("extra-cells", message, number, hint)
        self.sources = [SOURCE_ID] if self.text("source") else []

    def text(self, name: str) -> str:
        number = self.index.get(name, len(self.row.cells) + 1)
        return self.row.cells[number - 1].strip() if number <= len(self.row.cells) else ""

    def fault(self, code: str, message: str, column: int | None, hint: str | None = None) -> None:
        """A problem of the row itself; an empty cell hides the model's problems with it."""
        location = Location(file=self.row.file, line=self.row.line, column=column)
        self.problems.append(
            Problem(code=code, message=message, location=location, suggestion=hint)
        )
        if code == "empty-cell":
            self.faulty.add(column)

    def scalar(
        self,
        target: dict[str, Any],
        path: Key,
        name: str,
        convert: Callable[[str], Any] = str,
        *,
        required: bool = False,
    ) -> None:
        """Put the cell of column ``name`` at ``path`` (its last key in ``target``)."""
        text = self.text(name)
        if required and not text:
            self.fault("empty-cell", f"the required column {name!r} is empty", self.index[name])
        if text or required:
            target[str(path[-1])] = convert(text)
            if name in self.index:
                self.origin[path] = self.index[name]

    def items(self, name: str) -> Iterator[tuple[int, str]]:
        """The ``;``-separated items of a list cell, numbered from 1."""
        for number, item in enumerate(self.text(name).split(";"), start=1):
            if item.strip():
                yield number, item.strip()

    def bad_item(self, name: str, number: int, item: str, form: str) -> None:
        message = f"item {number} of the column, {item!r}, is not of the form {form}"
        self.fault("bad-item", f"column {name!r}: {message}", self.index[name])

    def append(self, data: dict[str, Any], key: str, item: dict[str, Any], name: str) -> None:
        """Add ``item`` (citing the row's source) to the list ``key``, made from column ``name``."""
        items = data.setdefault(key, [])
        self.origin[(key, len(items))] = self.index[name]
        items.append({**item, "sources": self.sources})

    # -- the case ------------------------------------------------------------

    def case(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": CASE_FORMAT, "kind": "sister_city"}
        self.scalar(data, ("id",), "id", required=True)
        self.scalar(data, ("title",), "title", required=True)
        for key in ("kind", "description", "as_of"):
            self.scalar(data, (key,), key)
        data["partners"] = [self.partner(i, side) for i, side in enumerate(_SIDES)]
        ids = {side: partner["id"] for side, partner in zip(_SIDES, data["partners"], strict=True)}
        for name in _MILESTONES:
            for _, date in self.items(name):
                self.append(data, "milestones", {"type": name, "date": date}, name)
        self.fields(data)
        self.activities(data, ids)
        for side in _SIDES:
            self.leadership_changes(data, side, ids[side])
        for side in _SIDES:
            self.budget(data, side, ids[side])
        for side in _SIDES:
            self.institutions(data, side, ids[side])
        if self.text("distance_km"):
            self.origin[("distance",)] = self.index["distance_km"]
            distance = {"method": "reported", "sources": self.sources}
            self.scalar(distance, ("distance", "km"), "distance_km", _number)
            self.scalar(distance, ("distance", "method"), "distance_method")
            data["distance"] = distance
        assessments: dict[str, Any] = {}
        for factor in _FACTORS:
            self.scalar(assessments, ("assessments", factor), factor, self.rating)
        if assessments:
            data["assessments"] = assessments
        if self.sources:
            data["sources"] = [self.source()]
        return data

    def rating(self, text: str) -> dict[str, Any]:
        return {"rating": text, "sources": self.sources}

    def partner(self, i: int, side: str) -> dict[str, Any]:
        path: Key = ("partners", i)
        self.origin[path] = self.origin[(*path, "id")] = self.index[f"city_{side}"]
        partner: dict[str, Any] = {"id": _slug(self.text(f"city_{side}"), side), "location": {}}
        self.scalar(partner, (*path, "id"), f"id_{side}")
        self.scalar(partner, (*path, "name"), f"city_{side}", required=True)
        self.scalar(partner, (*path, "country"), f"country_{side}", required=True)
        self.origin[(*path, "location")] = self.index[f"lat_{side}"]
        for key in ("lat", "lon"):
            where = (*path, "location", key)
            self.scalar(partner["location"], where, f"{key}_{side}", _number, required=True)
        self.scalar(partner, (*path, "population"), f"population_{side}", _integer)
        return partner

    def fields(self, data: dict[str, Any]) -> None:
        for number, item in self.items("fields"):
            field, colon, status = item.rpartition(":")
            if not colon or not field.strip():
                self.bad_item("fields", number, item, "NAME:STATUS (economy:implemented)")
                continue
            self.append(data, "fields", {"name": field.strip(), "status": status.strip()}, "fields")

    def activities(self, data: dict[str, Any], ids: dict[str, str]) -> None:
        form = "DATE:KIND[:SIDE[:SECTOR+SECTOR[:FIELD]]] (2018:visit:a:government+youth)"
        for number, item in self.items("activities"):
            parts = [part.strip() for part in item.split(":", 4)]
            parts += [""] * (5 - len(parts))
            date, kind, side, sectors, field = parts
            if not date or not kind or side not in ("", *_SIDES):
                self.bad_item("activities", number, item, form)
                continue
            activity: dict[str, Any] = {"date": date, "kind": kind}
            if side:
                activity["initiated_by"] = ids[side]
            if sectors:
                activity["participants"] = [s.strip() for s in sectors.split("+") if s.strip()]
            if field:
                activity["field"] = field
            self.append(data, "activities", activity, "activities")

    def leadership_changes(self, data: dict[str, Any], side: str, partner: str) -> None:
        name = f"leadership_changes_{side}"
        form = "OFFICE:DATE[:continued|not_continued] (mayor:2018-09-05:not_continued)"
        for number, item in self.items(name):
            parts = [part.strip() for part in item.split(":")]
            if (
                len(parts) not in (2, 3)
                or not all(parts[:2])
                or not set(parts[2:]) <= {*_CONTINUITY}
            ):
                self.bad_item(name, number, item, form)
                continue
            change: dict[str, Any] = {"partner": partner, "office": parts[0], "date": parts[1]}
            if len(parts) == 3:
                change["continuity"] = _CONTINUITY[parts[2]]
            self.append(data, "leadership_changes", change, name)

    def budget(self, data: dict[str, Any], side: str, partner: str) -> None:
        filled = [name for key in _BUDGET if self.text(name := f"{key}_{side}")]
        if not filled:
            return
        earmarked = f"earmarked_{side}"
        if not self.text(earmarked):
            message = f"the column {earmarked!r} is empty but {filled[0]!r} is filled"
            hint = f"write yes or no in {earmarked!r}: is the budget earmarked?"
            self.fault(
                "empty-cell", message, self.index.get(earmarked, self.index[filled[0]]), hint
            )
        # earmarked is required: when it is empty, the fault above is the problem, not the model's
        line = {"partner": partner, "earmarked": False}
        self.append(data, "budget", line, earmarked if earmarked in self.index else filled[0])
        line, path = data["budget"][-1], ("budget", len(data["budget"]) - 1)
        self.scalar(line, (*path, "earmarked"), earmarked, _boolean)
        self.scalar(line, (*path, "adequate"), f"adequate_{side}", _boolean)
        self.scalar(line, (*path, "year"), f"budget_year_{side}", _integer)
        self.scalar(line, (*path, "amount"), f"budget_amount_{side}", _number)
        self.scalar(line, (*path, "currency"), f"budget_currency_{side}")

    def institutions(self, data: dict[str, Any], side: str, partner: str) -> None:
        name = f"institutions_{side}"
        for number, item in self.items(name):
            institution, colon, kind = item.rpartition(":")
            if not colon or not institution.strip():
                self.bad_item(name, number, item, "NAME:KIND (Pusdakota:ngo)")
                continue
            found = {"name": institution.strip(), "kind": kind.strip(), "partner": partner}
            self.append(data, "institutions", found, name)

    def source(self) -> dict[str, Any]:
        path: Key = ("sources", 0)
        self.origin[path] = self.index["source"]
        # kind is required: when it is empty, the fault below is the problem, not the model's
        source = {"id": SOURCE_ID, "citation": self.text("source"), "kind": "document"}
        if not self.text("source_kind"):
            message = "the column 'source_kind' is empty but 'source' is filled"
            hint = "write the kind of the source: " + one_of(str(k.value) for k in SourceKind)
            self.fault(
                "empty-cell", message, self.index.get("source_kind", self.index["source"]), hint
            )
        self.scalar(source, (*path, "kind"), "source_kind")
        self.scalar(source, (*path, "url"), "source_url")
        self.scalar(source, (*path, "reliability"), "source_reliability")
        return source

    # -- problems ------------------------------------------------------------

    def locate(self, problem: Problem) -> Problem:
        """A problem of the case mapping, moved to the row's line and the cell's column."""
        path = parse_path(problem.location.path)
        while path and path not in self.origin:
            path = path[:-1]
        number = self.origin.get(path)
        where = Location(
            file=self.row.file, line=self.row.line, column=number, path=problem.location.path
        )
        if number is None:
            return attrs.evolve(problem, location=where)
        name = self.row.header[number - 1]
        suggestion = problem.suggestion
        if problem.code == "wrong-type" and suggestion is None:
            cell = self.text(name)
            if _DECIMAL_COMMA.match(cell):
                suggestion = f"write a decimal point: {cell.replace(',', '.')}"
            elif "boolean" in problem.message:
                suggestion = "write yes or no"
        elif problem.code == "duplicate-id" and path[:1] == ("partners",):
            suggestion = "give the partners different ids in the columns 'id_a' and 'id_b'"
        message = f"column {name!r}: {problem.message}"
        return attrs.evolve(problem, message=message, location=where, suggestion=suggestion)
