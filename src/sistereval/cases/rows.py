"""A register named on the command line: every row, or the row ``FILE#ID`` selects.

``examples/register.csv#bandung-namur`` names the row of a CSV (``.csv``,
``.tsv``) or workbook (``.xlsx``) register whose ``id`` cell is
``bandung-namur`` (:func:`split_selector`); :func:`register_rows` reads every
row of a register, :func:`select_row` picks one, and :func:`load_selected`
does both and reads the row as a case (:func:`~sistereval.cases.register.load_row`).
A register of one row needs no ``#ID``.  An unknown id, a missing one when
the register has more rows, and an id on two rows are problems located at the
register's ``id`` column (or at the second row), with the ids it holds and a
did-you-mean; their texts are :data:`~sistereval.messages.REGISTER`'s, in the
language asked for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import CaseError, Location, Problem
from ..messages import REGISTER, closest, texts
from ..model import Case
from .register import CsvRow, load_row, read_rows, read_workbook

__all__ = [
    "REGISTER_SUFFIXES",
    "is_register",
    "load_selected",
    "register_rows",
    "row_id",
    "row_label",
    "select_row",
    "split_selector",
]

#: The names of register files: CSV (``.csv``, ``.tsv``) and workbooks (``.xlsx``).
REGISTER_SUFFIXES = (".csv", ".tsv", ".xlsx")
#: How many ids an error message lists before it says how many more there are.
_SHOWN_IDS = 10


def is_register(name: str | os.PathLike[str]) -> bool:
    """Whether the file ``name`` is a register, by its name."""
    return Path(name).suffix.lower() in REGISTER_SUFFIXES


def split_selector(name: str) -> tuple[str, str | None]:
    """``(FILE, ID)`` of ``FILE#ID`` when ``FILE`` is a register's name, else ``(name, None)``.

    A file whose own name holds ``#`` is taken as it is when it exists.
    """
    path, mark, wanted = name.rpartition("#")
    if not mark or not is_register(path) or os.path.lexists(name):
        return name, None
    return path, wanted.strip()


def register_rows(path: str | os.PathLike[str], file: str | None = None) -> list[CsvRow]:
    """The rows of the register ``path`` (named ``file`` in problems).

    Raises :class:`~sistereval.errors.CaseError` when the file cannot be read, is
    not UTF-8, or its header cannot be used (:mod:`sistereval.cases.register`).
    """
    label = os.fspath(path) if file is None else file
    if Path(path).suffix.lower() == ".xlsx":
        return list(read_workbook(path, label))
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise _file_error(label, "no such file") from None
    except IsADirectoryError:
        raise _file_error(label, "this is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        message = f"the file is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'"
        raise _file_error(label, message) from None
    except OSError as exc:
        raise _file_error(label, exc.strerror or str(exc)) from None
    return list(read_rows(text, label))


def _file_error(label: str, message: str) -> CaseError:
    return CaseError([Problem(code="file-error", message=message, location=Location(file=label))])


def row_id(row: CsvRow) -> str:
    """The ``id`` cell of ``row`` (empty when the row has none)."""
    column = row.header.index("id")
    return row.cells[column].strip() if column < len(row.cells) else ""


def row_label(row: CsvRow, file: str) -> str:
    """``FILE#ID``, the name of the row on the command line, or ``FILE:LINE`` without an id."""
    wanted = row_id(row)
    return f"{file}#{wanted}" if wanted else f"{file}:{row.line}"


def _ids_text(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_SHOWN_IDS])
    more = len(ids) - _SHOWN_IDS
    return f"{shown}, … (+{more})" if more > 0 else shown


def select_row(
    rows: Sequence[CsvRow], wanted: str | None, file: str, *, language: str = "en"
) -> CsvRow:
    """The row of ``rows`` (of the register ``file``) whose id is ``wanted``, or the only
    row when ``wanted`` is ``None``.

    Raises :class:`~sistereval.errors.CaseError`: ``unknown-case-id`` (with a
    did-you-mean and the ids), ``case-id-needed`` (no id, and not exactly one row)
    or ``duplicate-case-id`` (two rows have the id).
    """
    t = texts(REGISTER, language)
    if not wanted and len(rows) == 1:
        return rows[0]
    ids = [i for i in dict.fromkeys(row_id(row) for row in rows) if i]
    header = rows[0].header if rows else ()
    where = Location(file=file, line=1, column=header.index("id") + 1 if "id" in header else None)
    listed = _ids_text(ids) if ids else t["no_rows"]
    if not wanted:
        example = f"{file}#{ids[0] if ids else 'ID'}"
        message = t["id_needed"].format(rows=len(rows), example=example)
        hint = t["id_needed_hint"].format(ids=listed, file=file)
        raise CaseError(
            [Problem(code="case-id-needed", message=message, location=where, suggestion=hint)]
        )
    matching = [row for row in rows if row_id(row) == wanted]
    if not matching:
        message = t["unknown_id"].format(id=wanted, ids=listed)
        match = closest(wanted, ids)
        near = t["did_you_mean"].format(id=f"{file}#{match}") if match else None
        raise CaseError(
            [Problem(code="unknown-case-id", message=message, location=where, suggestion=near)]
        )
    if len(matching) > 1:
        first, second = matching[:2]
        message = t["duplicate_id"].format(id=wanted, line=first.line)
        location = Location(file=file, line=second.line, column=where.column)
        hint = t["duplicate_hint"]
        raise CaseError(
            [Problem(code="duplicate-case-id", message=message, location=location, suggestion=hint)]
        )
    return matching[0]


def load_selected(name: str, *, language: str = "en") -> Case:
    """The case ``name`` names: the row ``FILE#ID`` of a register, or its only row."""
    path, wanted = split_selector(name)
    rows = register_rows(path)
    return load_row(select_row(rows, wanted, path, language=language))
