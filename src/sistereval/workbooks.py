"""Excel workbooks (``.xlsx``), read and written through openpyxl (the ``xlsx`` extra).

openpyxl is imported only when a workbook is read or written, so sistereval needs
it only for workbooks; without it, :func:`openpyxl` raises a
:class:`~sistereval.errors.UsageError` naming the extra to install.

:func:`sheet_rows` reads a sheet as rows of text cells, the way a CSV export of it
would read (numbers as written, dates as ``YYYY-MM-DD``, booleans as ``yes``/``no``),
so a register or a decision table is read by the same code from either.
:func:`write_workbook` writes sheets of cells safely: every text cell is stored as
a string, never as a formula, with the quote prefix where
:func:`~sistereval.safety.csv_cell` would quote it; the file is the same bytes for
the same cells (no timestamps).
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import UsageError
from .safety import csv_cell, terminal_text

__all__ = ["EXTRA", "Cell", "cell_text", "openpyxl", "sheet_rows", "write_workbook"]

#: The optional extra that installs openpyxl: ``pip install 'sistereval[xlsx]'``.
EXTRA = "xlsx"
#: A cell of a written sheet: text (made safe), a number, a date, or nothing.
Cell = str | int | float | datetime.date | None
#: The fixed time stamped in written workbooks, so that equal cells give equal bytes.
_EPOCH = datetime.datetime(2000, 1, 1)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def openpyxl() -> Any:
    """The openpyxl module; :class:`~sistereval.errors.UsageError` when it is not installed."""
    try:
        import openpyxl as module
    except ImportError:
        raise UsageError(
            f"reading or writing .xlsx workbooks needs openpyxl: pip install 'sistereval[{EXTRA}]'"
        ) from None
    return module


def cell_text(value: object) -> str:
    """A cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def sheet_rows(
    path: str | os.PathLike[str], sheet: str | None = None, *, data: bytes | None = None
) -> tuple[str, Iterator[tuple[int, tuple[str, ...]]]]:
    """The name of a sheet of the workbook at ``path`` (``sheet``, or the first one)
    and its rows, each with its 1-based row number, as text cells.  ``data`` is the
    workbook's content when the caller has read it already (``path`` then only names
    it in messages).

    Raises :class:`~sistereval.errors.UsageError` when openpyxl is missing, the file
    is not a workbook, or it has no sheet named ``sheet``.
    """
    module = openpyxl()
    try:
        source: Path | io.BytesIO = Path(path) if data is None else io.BytesIO(data)
        book = module.load_workbook(source, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read the workbook ({exc})") from None
    names = list(book.sheetnames)
    if sheet is None:
        if not names:
            raise UsageError(f"{path}: the workbook has no sheet")
        sheet = names[0]
    elif sheet not in names:
        book.close()
        raise UsageError(
            f"{path}: the workbook has no sheet {sheet!r} (its sheets: {', '.join(names)})"
        )
    worksheet = book[sheet]
    worksheet.reset_dimensions()  # the cells as stored, whatever size the file claims

    def rows() -> Iterator[tuple[int, tuple[str, ...]]]:
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                yield number, tuple(cell_text(value) for value in values)
        finally:
            book.close()

    return sheet, rows()


def write_workbook(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]],
) -> bytes:
    """The bytes of a workbook with the given sheets, each a name, a header row and
    rows of cells.  Text is :func:`~sistereval.safety.terminal_text` stored as a
    string, never a formula; text that :func:`~sistereval.safety.csv_cell` would
    quote (``=``, ``+``, ``-``, ``@`` first) also gets the cell's quote prefix, so a
    spreadsheet shows and edits it as text (as if typed ``'=...``).  The header row
    is frozen.  No timestamp: equal sheets give equal bytes."""
    module = openpyxl()
    book = module.Workbook()
    book.remove(book.active)
    for name, header, rows in sheets:
        worksheet = book.create_sheet(title=name)
        for row in (header, *rows):
            worksheet.append([terminal_text(v) if isinstance(v, str) else v for v in row])
            for cell in worksheet[worksheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                    if csv_cell(cell.value) != cell.value:
                        cell.quotePrefix = True  # shown and edited as text, as '=... typed
        worksheet.freeze_panes = "A2"
    book.properties.creator = "sistereval"
    book.properties.created = _EPOCH
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_timestamps(buffer.getvalue())


def _without_timestamps(data: bytes) -> bytes:
    """The workbook ``data`` with the fixed time in its properties and zip entries."""
    stamp = _EPOCH.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _replace_modified(content, stamp)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def _replace_modified(xml: bytes, stamp: bytes) -> bytes:
    start_tag = b'<dcterms:modified xsi:type="dcterms:W3CDTF">'
    start = xml.find(start_tag)
    end = xml.find(b"</dcterms:modified>", start)
    if start < 0 or end < 0:
        return xml
    return xml[: start + len(start_tag)] + stamp + xml[end:]
