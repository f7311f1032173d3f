"""The cases of a comparison report: a directory, a register or a batch result.

:func:`is_comparison` says whether a ``report`` argument names many cases: a
directory (its ``*.yaml``, ``*.yml`` and ``*.json`` files, sorted by name, as
``batch`` reads it), a CSV or workbook register without ``#ID`` (every row), or
any other existing file that is not a case file: a JSON Lines result of
``sistereval batch``.  :func:`comparison_entries` reads and evaluates them into
:class:`~sistereval.report.compare.Entry` values; a case that cannot be read or
evaluated is an entry with its error, never the end of the comparison.  A batch
result is not evaluated again: its records are compared as they are, and each
record's ``input`` (a case file, or a register's ``FILE:LINE``) is read again
only to write the case's own report, when it still holds the case the record
was made from (the same ``case.sha256``).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import ir
from ..cases import case_sha256, load_case
from ..cases.lines import read_line
from ..cases.register import CsvRow, load_row
from ..cases.rows import is_register, register_rows, row_label, split_selector
from ..errors import CaseError, Location, Problem, SisterevalError, UsageError
from ..evaluation import Backend, evaluate
from ..messages import Language
from ..model import Case
from .compare import Entry, entry_of_evaluation

__all__ = ["CASE_SUFFIXES", "comparison_entries", "is_comparison"]

#: The names of case files.
CASE_SUFFIXES = (".yaml", ".yml", ".json")
#: A register row's label in a batch record: ``FILE:LINE`` or ``FILE[SHEET]:LINE``.
_ROW_LABEL = re.compile(r"^(?P<file>.+?)(?:\[[^\]]*\])?:(?P<line>[0-9]+)$")


def is_comparison(name: str) -> bool:
    """Whether the ``report`` argument ``name`` names many cases."""
    if name == "-":
        return False
    path, wanted = split_selector(name)
    if wanted is not None:
        return False
    if os.path.isdir(path) or is_register(path):
        return True
    return Path(path).suffix.lower() not in CASE_SUFFIXES and os.path.isfile(path)


def comparison_entries(
    name: str,
    rules: ir.RuleSet,
    *,
    language: Language = "en",
    backend: Backend | None = None,
) -> list[Entry]:
    """The cases ``name`` names (:func:`is_comparison`), each evaluated with ``rules``.

    Raises :class:`~sistereval.errors.CaseError` when a register's header cannot
    be used, or when a line of a batch result is not a record of it (``not-a-record``)
    or was made with another rule set (``other-rule-set``); and
    :class:`~sistereval.errors.UsageError` when the file cannot be read.
    """
    path = Path(name)
    if path.is_dir():
        files = sorted(
            (p for p in path.iterdir() if p.suffix.lower() in CASE_SUFFIXES and p.is_file()),
            key=lambda p: p.name,
        )
        return [
            _evaluated(
                os.fspath(p),
                functools.partial(load_case, p, file=os.fspath(p)),
                rules,
                language,
                backend,
            )
            for p in files
        ]
    if is_register(path):
        return [
            _evaluated(
                row_label(row, name), functools.partial(load_row, row), rules, language, backend
            )
            for row in register_rows(path, name)
        ]
    return _records(name, rules)


def _evaluated(
    label: str,
    read: Callable[[], Case],
    rules: ir.RuleSet,
    language: Language,
    backend: Backend | None,
) -> Entry:
    """The entry of the case ``read()`` gives, evaluated; or of the error that stopped it."""
    case: Case | None = None
    try:
        case = read()
        evaluation = evaluate(case, rules, language=language, backend=backend)
    except SisterevalError as exc:
        return Entry(label=label, error=_one_line(str(exc)), case=case)
    return entry_of_evaluation(label, evaluation, case)


def _one_line(text: str) -> str:
    return "; ".join(line for line in text.splitlines() if line.strip())


def _records(name: str, rules: ir.RuleSet) -> list[Entry]:
    """The entries of the batch result ``name``."""
    try:
        text = Path(name).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read the batch result ({exc})") from None
    entries, problems = [], []
    for lineno, line in _lines(text):
        data = read_line(line, file=name, lineno=lineno)
        try:
            entries.append(_record_entry(data, rules))
        except _NotRecord as exc:
            problems.append(_problem(name, lineno, exc.code, exc.message, exc.hint))
    if problems:
        raise CaseError(problems)
    found = _Resolver(Path(name).parent)
    return [entry if entry.record is None else found.with_case(entry) for entry in entries]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """The non-empty lines of a JSON Lines text (ending at ``\\n`` only, as batch writes)."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip():
            yield lineno, line


class _NotRecord(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _problem(file: str, line: int, code: str, message: str, hint: str | None) -> Problem:
    return Problem(
        code=code, message=message, location=Location(file=file, line=line), suggestion=hint
    )


def _record_entry(data: Any, rules: ir.RuleSet) -> Entry:
    """The entry of one line of a batch result."""
    hint = "give report a directory, a register, or the JSON Lines output of sistereval batch"
    if not isinstance(data, dict) or not isinstance(data.get("input"), str):
        raise _NotRecord("not-a-record", "the line is not a record of sistereval batch", hint)
    label = data["input"]
    if isinstance(data.get("error"), Mapping):
        return Entry(label=label, error=_one_line(str(data["error"].get("message", ""))))
    try:
        ruleset, case = data["ruleset"], data["case"]
        valid = (
            isinstance(data["verdict"], str)
            and isinstance(data.get("certainty"), (Mapping, type(None)))
            and isinstance(case["id"], str)
            and isinstance(data["deciding_rules"], list)
            and all(isinstance(f, Mapping) and "rule" in f for f in data["findings"])
            and isinstance(data["factors"], Mapping)
        )
        sha256, version = str(ruleset["sha256"]), f"{ruleset['id']} {ruleset['version']}"
    except (KeyError, TypeError):
        valid = False
    if not valid:
        message = (
            "the line is not a record of sistereval batch: a key is missing or has the wrong type"
        )
        raise _NotRecord("not-a-record", message, hint)
    if sha256 != rules.sha256:
        message = (
            f"the record was made with the rule set {version} (sha256 {sha256[:12]}…), not "
            f"with {rules.id} {rules.version} (sha256 {rules.sha256[:12]}…)"
        )
        raise _NotRecord("other-rule-set", message, "pass the rule set of the records with --rules")
    return Entry(label=label, record=data)


class _Resolver:
    """The cases of batch records' ``input`` labels, read again (for their own reports)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.registers: dict[str, list[CsvRow]] = {}

    def with_case(self, entry: Entry) -> Entry:
        assert entry.record is not None
        try:
            case = self.case(entry.label)
        except (SisterevalError, OSError):
            case = None
        if case is None or case_sha256(case) != entry.record["case"].get("sha256"):
            return entry  # gone, or changed since the record was made: no own report
        return Entry(label=entry.label, record=entry.record, title=case.title, case=case)

    def path(self, name: str) -> Path | None:
        for path in (Path(name), self.base / name):
            if path.is_file():
                return path
        return None

    def case(self, label: str) -> Case | None:
        path = self.path(label)
        if path is not None and path.suffix.lower() in CASE_SUFFIXES:
            return load_case(path, file=label)
        match = _ROW_LABEL.match(label)
        if match is None or not is_register(match["file"]):
            return None
        path = self.path(match["file"])
        if path is None:
            return None
        key = os.fspath(path)
        if key not in self.registers:
            self.registers[key] = register_rows(path, match["file"])
        rows = [row for row in self.registers[key] if row.line == int(match["line"])]
        return load_row(rows[0]) if rows else None
