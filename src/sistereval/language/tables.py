"""Decision tables: rules written one per row of a CSV or ``.xlsx`` table.

A rule file includes a table with ``tables: [{file: verdicts.csv, hit_policy: unique}]``
(``docs/rule-language.md``, "Decision tables").  The first row names the columns:
*condition* columns, each an expression over the facts (``partnership.stage``,
``count(findings, kind == "strength")``), and *output* columns (``id``, ``title``,
``verdict`` or ``finding``/``factor``/``severity``, ``because.en``, ``because.id``,
``source``).  Each later row is a rule: its condition is the ``and`` of its cells'
tests, each cell a test of its column (``>= 3``, ``[1..2]``, ``ended``,
``mou, active``, ``-`` for any value); :func:`read_table` builds the same
:class:`~sistereval.language.rulefile.RawRule` a YAML rule gives, so the type checks,
strata, explanations, checks, tests and reports treat a row as any rule.  Every
problem is located at the table (``verdicts.xlsx[Sheet1]``), the row and the column of
the cell at fault.

Hit policies (DMN): ``collect`` (every matching row fires; verdicts combine by the
rule set's policy), ``first`` (a row fires only when no earlier row of the table
matches: its condition is compiled as ``row and not (earlier rows)``) and ``unique``
(rows with different verdicts must not overlap; ``sistereval check`` reports two
that both fire on some case, as for ``verdicts: {unique: true}``; only for verdict
tables).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from .. import ir
from ..documents import read_regular_bytes, read_regular_file
from ..errors import LimitError, Location, Problem, RuleError, UsageError
from ..messages import TABLES, did_you_mean, suggest_value
from ..schema import FINDING_KINDS, SEVERITIES, FactSchema
from ..workbooks import sheet_rows
from .declarations import template_problems
from .parser import parse
from .reach import reach
from .rulefile import HIT_POLICIES, RawRule, TableRef
from .shape import RULE_ID, At

__all__ = ["HIT_POLICIES", "TableRef", "read_table"]

_OUTPUTS = ("id", "title", "verdict", "finding", "factor", "severity", "source")
_PER_LANGUAGE = ("title.", "because.")
#: The texts of a table's problems (reported in English, as every load problem).
_T = TABLES["en"]
_COMPARISON = re.compile(r"^(<=|>=|==|!=|<|>)\s*(.+)$")
_RANGE = re.compile(r"^\[\s*(.+?)\s*\.\.\s*(.+?)\s*\]$")
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ANY = ("", "-")
_TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")


@attrs.frozen
class _Cell:
    row: int
    column: int
    text: str


class _Problems:
    def __init__(self, label: str) -> None:
        self.label = label
        self.found: list[Problem] = []

    def at(self, row: int, column: int | None) -> Location:
        return Location(file=self.label, line=row, column=column)

    def add(
        self, code: str, message: str, row: int, column: int | None, hint: str | None = None
    ) -> None:
        self.found.append(
            Problem(code=code, message=message, location=self.at(row, column), suggestion=hint)
        )


def read_table(
    ref: TableRef, base: str, schema: FactSchema, languages: Sequence[str]
) -> tuple[tuple[RawRule, ...], tuple[Problem, ...], str]:
    """The rules of the table ``ref`` (its file relative to the directory ``base``),
    every problem located at its row and column, and the table's label in messages."""
    path = os.path.normpath(os.path.join(base, ref.file))
    label = path
    if Path(ref.file).is_absolute() or "://" in ref.file or ref.file.startswith("~"):
        return (
            (),
            (_entry_problem(ref, _T["not_relative"].format(file=ref.file)),),
            label,
        )
    suffix = Path(path).suffix.lower()
    if suffix not in _TABLE_SUFFIXES:
        message = _T["not_a_table"].format(file=ref.file)
        return (), (_entry_problem(ref, message),), label
    _, refused = reach(
        base, ref.file, what="table", suffixes=_TABLE_SUFFIXES, loc=ref.loc, code="bad-table"
    )
    if refused is not None:  # out of the rule file's folder, or not a regular file
        return (), (refused,), label
    try:
        if suffix == ".xlsx":
            data = read_regular_bytes(path, file=path)  # regular files only, no waiting
            sheet, numbered = sheet_rows(path, ref.sheet, data=data)
            label = f"{path}[{sheet}]"
            rows = [(n, list(cells)) for n, cells in numbered]
        else:
            if ref.sheet is not None:
                return (), (_entry_problem(ref, _T["csv_sheet"]),), label
            rows = _csv_rows(Path(path))
    except LimitError as exc:
        return (), exc.problems, label
    except (OSError, UnicodeDecodeError, UsageError, csv.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = _T["unreadable"].format(path=path, reason=reason)
        return (), (_entry_problem(ref, message),), label
    reader = _TableReader(label, ref.hit_policy, schema, tuple(languages))
    rules = reader.read(rows)
    return rules, tuple(reader.problems.found), label


def _entry_problem(ref: TableRef, message: str) -> Problem:
    return Problem(code="bad-table", message=message, location=ref.loc)


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    text = read_regular_file(str(path), file=str(path)).removeprefix("\ufeff")
    delimiter = max(",;\t", key=text.split("\n", 1)[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    start = 1
    for cells in reader:
        rows.append((start, cells))
        start = reader.line_num + 1
    return rows


class _TableReader:
    def __init__(
        self, label: str, policy: str, schema: FactSchema, languages: tuple[str, ...]
    ) -> None:
        self.label = label
        self.policy = policy
        self.schema = schema
        self.languages = languages
        self.problems = _Problems(label)

    def read(self, rows: list[tuple[int, list[str]]]) -> tuple[RawRule, ...]:
        rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
        if not rows:
            self.problems.add("bad-table", _T["empty"], 1, None)
            return ()
        header_row, header = rows[0]
        columns = self.header(header_row, header)
        if columns is None:
            return ()
        conditions = [(i, name) for i, name in columns.items() if self.is_condition(name)]
        if not conditions:
            self.problems.add(
                "bad-table",
                _T["no_condition"],
                header_row,
                None,
            )
        if "verdict" in columns.values() and "finding" in columns.values():
            column = next(i for i, n in columns.items() if n == "finding")
            self.problems.add("bad-table", _T["both_outputs"], header_row, column)
            return ()
        if "verdict" not in columns.values() and "finding" not in columns.values():
            self.problems.add(
                "bad-table",
                _T["no_output"],
                header_row,
                None,
            )
            return ()
        if self.policy == "unique" and "finding" in columns.values():
            self.problems.add(
                "bad-table",
                _T["unique_findings"],
                header_row,
                next(i for i, n in columns.items() if n == "finding"),
            )
        out: list[RawRule] = []
        earlier: list[str] = []
        for number, cells in rows[1:]:
            rule = self.row(number, cells, columns, conditions, earlier)
            if rule is not None:
                out.append(rule)
        return tuple(out)

    def is_condition(self, name: str) -> bool:
        return name not in _OUTPUTS and not name.startswith(_PER_LANGUAGE)

    def header(self, row: int, header: list[str]) -> dict[int, str] | None:
        columns: dict[int, str] = {}
        seen: dict[str, int] = {}
        for number, raw in enumerate(header, start=1):
            name = raw.strip()
            if not name:
                continue
            key = name.lower() if not self.is_condition(name.lower()) else name
            if key in seen:
                message = _T["named_twice"].format(name=name, first=seen[key], second=number)
                self.problems.add("duplicate-column", message, row, number)
                continue
            if key.startswith(_PER_LANGUAGE):
                language = key.split(".", 1)[1]
                if language not in self.languages:
                    message = _T["not_a_language"].format(name=name, language=language)
                    hint = suggest_value(language, self.languages)
                    self.problems.add("unknown-column", message, row, number, hint)
                    continue
            elif key not in _OUTPUTS and _WORD.match(key) and "." not in key:
                suggestion = did_you_mean(key, [*_OUTPUTS, *(f.name for f in self.schema.scalars)])
                message = _T["unknown_column"].format(name=name)
                self.problems.add("unknown-column", message, row, number, suggestion)
                continue
            seen[key] = number
            columns[number] = key
        for required in ("id", "source"):
            if required not in seen:
                message = _T["missing_column"].format(name=required)
                self.problems.add("missing-column", message, row, None)
        if not any(k.startswith("because.") for k in seen):
            self.problems.add(
                "missing-column",
                _T["no_message_column"],
                row,
                None,
            )
        return columns if not self.problems.found else None

    # ------------------------------------------------------------ one row

    def row(
        self,
        number: int,
        cells: list[str],
        columns: dict[int, str],
        conditions: list[tuple[int, str]],
        earlier: list[str],
    ) -> RawRule | None:
        def cell(name: str) -> _Cell | None:
            for i, key in columns.items():
                if key == name:
                    text = cells[i - 1].strip() if i <= len(cells) else ""
                    return _Cell(number, i, text)
            return None

        for i, text in enumerate(cells, start=1):
            if text.strip() and i not in columns:
                message = _T["unnamed_cell"].format(column=i, text=text.strip())
                self.problems.add("extra-cells", message, number, i)
        ident = cell("id")
        if ident is None or not ident.text:
            self.problems.add(
                "empty-cell",
                _T["empty_id"],
                number,
                ident.column if ident else None,
            )
            return None
        if not RULE_ID.fullmatch(ident.text):
            self.problems.add(
                "bad-id",
                _T["bad_id"].format(text=ident.text),
                number,
                ident.column,
            )
            return None
        pieces: list[tuple[str, int | None]] = []  # condition text, and the column it came from
        for column, header in conditions:
            text = cells[column - 1].strip() if column <= len(cells) else ""
            test = self.test(header, text, number, column)
            if test is None:
                continue
            if pieces:
                pieces.append((" and ", None))
            pieces.append((test, column))
        own = "".join(text for text, _ in pieces) or "true"
        condition = own
        if self.policy == "first" and earlier:
            condition = f"({own}) and not ({' or '.join(f'({e})' for e in earlier)})"
            pieces = [
                ("(", None),
                *pieces,
                (f") and not ({' or '.join(f'({e})' for e in earlier)})", None),
            ]
        earlier.append(own)
        first_column = next((c for _, c in pieces if c is not None), ident.column)
        locate = _locator(pieces, number, first_column)
        try:
            when: ir.Expr | None = parse(condition, locate=locate, file=self.label, path="")
        except RuleError as exc:
            self.problems.found.extend(
                attrs.evolve(p, location=attrs.evolve(p.location, path="")) for p in exc.problems
            )
            when = None
        then = self.then(number, cell)
        because: dict[str, str] = {}
        because_keys: dict[str, Location] = {}
        titles: dict[str, str] = {}
        for column, key in columns.items():
            text = cells[column - 1].strip() if column <= len(cells) else ""
            if key.startswith("because.") and text:
                language = key.split(".", 1)[1]
                because[language] = text
                because_keys[language] = self.problems.at(number, column)
                self.template(text, number, column)
            elif key.startswith("title.") and text:
                titles[key.split(".", 1)[1]] = text
            elif key == "title" and text:
                titles.setdefault("en", text)
        source = cell("source")
        if source is None or not source.text:
            self.problems.add(
                "empty-cell",
                _T["empty_source"],
                number,
                source.column if source else None,
            )
        for language in self.languages:
            if language not in because:
                where = next((c for c, k in columns.items() if k == f"because.{language}"), None)
                self.problems.add(
                    "empty-cell",
                    _T["empty_message"].format(language=language),
                    number,
                    where,
                )
        loc = self.problems.at(number, ident.column)
        return RawRule(
            id=At(ident.text, loc),
            title=titles.get("en") or next(iter(titles.values()), "") or ident.text,
            titles=titles or {"en": ident.text},
            title_keys={},
            text=condition,
            when=when,
            when_loc=self.problems.at(number, first_column),
            then=then,
            because=At(because, loc),
            because_keys=because_keys,
            source=source.text if source is not None else "",
            override=None,
            loc=loc,
        )

    def test(self, header: str, text: str, row: int, column: int) -> str | None:
        """The condition of one cell: a test of its column's expression, or None for any value."""
        if text in _ANY:
            return None
        subject = header if _WORD.match(header.replace(".", "_")) else f"({header})"
        negate = False
        if text.startswith("not(") and text.endswith(")"):
            negate, text = True, text[4:-1].strip()
        if match := _COMPARISON.match(text):
            op, value = match.groups()
            test = f"{subject} {op} {_value(value)}"
        elif match := _RANGE.match(text):
            low, high = match.groups()
            test = f"{subject} >= {_value(low)} and {subject} <= {_value(high)}"
        elif "," in text:
            items = [item.strip() for item in text.split(",")]
            if not all(items):
                self.problems.add("table-cell", _T["empty_item"].format(text=text), row, column)
                return None
            test = f"{subject} in [{', '.join(_value(item) for item in items)}]"
        else:
            test = f"{subject} == {_value(text)}"
        return f"not ({test})" if negate else test

    def then(self, row: int, cell: Callable[[str], _Cell | None]) -> At[ir.Then] | None:
        verdict = cell("verdict")
        if verdict is not None:
            if not verdict.text:
                self.problems.add("empty-cell", _T["empty_verdict"], row, verdict.column)
                return None
            return At(ir.VerdictThen(verdict=verdict.text), self.problems.at(row, verdict.column))
        kind, factor, severity = cell("finding"), cell("factor"), cell("severity")
        missing = [
            name
            for name, c in (("finding", kind), ("factor", factor), ("severity", severity))
            if c is None or not c.text
        ]
        if missing:
            self.problems.add(
                "empty-cell",
                _T["finding_needs"].format(missing=", ".join(missing)),
                row,
                next(
                    (c.column for c in (kind, factor, severity) if c is not None and not c.text),
                    None,
                ),
            )
            return None
        assert kind is not None
        assert factor is not None
        assert severity is not None
        if kind.text not in FINDING_KINDS:
            self.problems.add(
                "bad-value",
                _T["not_a_kind"].format(text=kind.text),
                row,
                kind.column,
                suggest_value(kind.text, FINDING_KINDS),
            )
            return None
        if severity.text not in SEVERITIES:
            self.problems.add(
                "bad-value",
                _T["not_a_severity"].format(text=severity.text),
                row,
                severity.column,
                suggest_value(severity.text, SEVERITIES),
            )
            return None
        then = ir.FindingThen(kind=kind.text, factor=factor.text, severity=severity.text)
        return At(then, self.problems.at(row, factor.column))

    def template(self, text: str, row: int, column: int) -> None:
        for _offset, code, message, hint in template_problems(text, self.schema):
            self.problems.add(code, message, row, column, hint)


def _value(text: str) -> str:
    """A cell's value as a literal of the rule language: a number, true/false, a quoted
    string as written, or a bare word as a string."""
    text = text.strip()
    if _NUMBER.match(text) or text in ("true", "false") or text.startswith(('"', "[")):
        return text
    if _WORD.match(text):
        return '"' + text + '"'
    return text  # left as written: the parser says what is wrong with it, at the cell


def _locator(
    pieces: list[tuple[str, int | None]], row: int, default: int
) -> Callable[[int], tuple[int, int]]:
    """Offsets in the joined condition to (row, column of the cell that wrote them)."""
    spans: list[tuple[int, int, int]] = []
    start = 0
    last = default
    for text, column in pieces:
        if column is not None:
            last = column
        spans.append((start, start + len(text), last))
        start += len(text)

    def locate(offset: int) -> tuple[int, int]:
        for low, high, column in spans:
            if low <= offset < high:
                return row, column
        return row, spans[-1][2] if spans else default

    return locate
