"""Write ``examples/register.xlsx`` (and its packaged copy) from ``examples/register.csv``.

The workbook holds the CSV register's rows on one sheet, ``register``, as an analyst
would type them in Excel: numbers as numbers, full dates (``2017-10-10``) as date
cells, everything else as text.  The bytes depend only on the CSV (no timestamps), so
``tests/test_workbooks.py`` checks that the shipped files are this script's output::

    python tools/register_xlsx.py
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import sys
from pathlib import Path

from sistereval.workbooks import Cell, write_workbook

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "register.csv"
TARGETS = (ROOT / "examples" / "register.xlsx", ROOT / "src/sistereval/examples/register.xlsx")

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def typed(text: str) -> Cell:
    """A CSV cell as the value a spreadsheet user would have typed."""
    if not text:
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _DATE.fullmatch(text):
        return datetime.datetime.fromisoformat(text)
    return text


def workbook(csv_text: str) -> bytes:
    """The bytes of the workbook register of the CSV register ``csv_text``."""
    header, *rows = csv.reader(io.StringIO(csv_text, newline=""))
    return write_workbook([("register", header, [[typed(cell) for cell in row] for row in rows])])


def main() -> int:
    data = workbook(SOURCE.read_text(encoding="utf-8"))
    for target in TARGETS:
        target.write_bytes(data)
        print(f"wrote {target.relative_to(ROOT)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
