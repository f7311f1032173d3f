"""Evaluate many cases at once: ``sistereval batch`` (see ``docs/batch.md``).

:func:`run_batch` reads a directory of case files, a JSON Lines file of case
mappings or a CSV register (one partnership per row, see :mod:`sistereval.cases.register`),
evaluates every case in a pool of worker processes (each loads the
rule set once), and writes one decision record per case, in input order, as
JSON Lines or CSV.  A case that cannot be evaluated becomes an error record;
it never stops the run.  Each finished case is appended to a progress file
beside the output as it comes (:mod:`sistereval.batchprogress`); at the end the
output is written from it to a temporary file and moved into place, so an
interrupted run (even a killed one) leaves the previous output as it was and the
next run with the same command evaluates only the cases it had not finished.  A
later run also keeps the records of an existing output that are still current
(same input, same case content, rule set, language and sistereval version) and
skips those cases.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import csv
import io
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

import attrs

from . import ir
from .batchprogress import Done, Progress, input_digest, progress_path, run_key, watch_parent
from .cases import case_sha256, case_to_dict, load_case
from .cases.lines import read_line
from .cases.register import CsvRow, load_row, read_rows, read_workbook
from .errors import CaseError, Location, Problem, SisterevalError, UsageError
from .evaluation import Backend, evaluate, resolve_backend
from .language import rule_set
from .messages import LANGUAGES, Language, is_language
from .model import Case
from .outfile import (
    CASE_SUFFIXES,
    atomic_write,
    atomic_write_bytes,
    check_output,
    remove_stale_temporaries,
)
from .safety import csv_cell, json_text
from .verdict import Evaluation, Finding
from .version import __version__
from .workbooks import Cell, openpyxl, write_workbook

__all__ = [
    "FORMATS",
    "BatchSummary",
    "csv_columns",
    "default_jobs",
    "format_of",
    "run_batch",
    "worker_count",
]

Format = Literal["jsonl", "csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "xlsx")

#: The first columns of CSV output, in order; :func:`csv_columns` adds the rule
#: set's factor scores and the findings after them.
CSV_COLUMNS = (
    "input",
    "case_id",
    "case_sha256",
    "verdict",
    "confidence",
    "certainty_grade",
    "robust",
    "ruleset_id",
    "ruleset_version",
    "ruleset_sha256",
    "reference_date",
    "reference_basis",
    "fired",
    "error",
)

#: The names of input files read as CSV registers (any other file is JSON Lines).
_CSV_SUFFIXES = (".csv", ".tsv")
#: The names of input files read as workbook registers.
_XLSX_SUFFIXES = (".xlsx",)
#: The columns of the findings and sources sheets of a workbook output.
FINDING_COLUMNS = (
    "input",
    "case_id",
    "rule",
    "title",
    "kind",
    "factor",
    "severity",
    "verdict",
    "message",
    "sources",
)
SOURCE_COLUMNS = (
    "input",
    "case_id",
    "source",
    "kind",
    "citation",
    "url",
    "accessed",
    "reliability",
)
#: How many of the most frequent finding rules the summary lists.
_TOP = 5
#: The cases that pay for starting one more worker process: a worker takes
#: about 0.3 s of CPU to start (mostly imports), the time of about 100 cases.
_CASES_PER_WORKER = 100
#: A decimal number, which a spreadsheet reads as a number and never as a formula.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?")


@attrs.frozen(kw_only=True)
class BatchSummary:
    """What a batch run did: counts of cases, verdicts and fired finding rules.

    ``total`` = ``evaluated`` + ``skipped`` + ``failed``; ``skipped`` are the
    cases whose record was kept from the previous output.  ``verdicts``
    counts every record written (evaluated or kept); ``top_findings`` are the
    (at most five) finding rules that fired in the most cases, with counts;
    ``errors`` counts the failed cases by error code, most frequent first.
    """

    out: str
    total: int
    evaluated: int
    skipped: int
    failed: int
    verdicts: Mapping[str, int]
    top_findings: tuple[tuple[str, int], ...]
    errors: Mapping[str, int] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "total": self.total,
            "evaluated": self.evaluated,
            "skipped": self.skipped,
            "failed": self.failed,
            "verdicts": dict(self.verdicts),
            "top_findings": [{"rule": rule, "cases": n} for rule, n in self.top_findings],
            "errors": dict(self.errors),
        }

    def __str__(self) -> str:
        lines = [
            f"{self.total} cases: {self.evaluated} evaluated, {self.skipped} skipped (resumed), "
            f"{self.failed} failed",
            "verdicts: " + (", ".join(f"{v} {n}" for v, n in self.verdicts.items()) or "none"),
            "top findings: " + (", ".join(f"{r} {n}" for r, n in self.top_findings) or "none"),
            "errors: " + (", ".join(f"{c} {n}" for c, n in self.errors.items()) or "none"),
            f"written to {self.out}",
        ]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Inputs.


class _Input(NamedTuple):
    """Where one case comes from: a file path, a JSON line, or a CSV row."""

    label: str
    path: str | None = None
    line: str | None = None
    lineno: int = 0
    row: CsvRow | None = None


class _Task(NamedTuple):
    """One case to evaluate, the content digest of its kept record (when the previous
    output has one that may still be current) and the digest of its input."""

    input: _Input
    kept_case_sha256: str | None
    digest: str = ""


def _inputs(source: Path) -> Iterator[_Input]:
    """Every case of a directory, a JSON Lines file or a CSV or workbook register.

    Raises :class:`~sistereval.errors.CaseError` when a register's header
    cannot be used or the file stops being CSV.
    """
    if source.is_dir():
        for path in sorted(source.iterdir(), key=lambda p: p.name):
            if path.suffix.lower() in CASE_SUFFIXES and path.is_file():
                yield _Input(os.fspath(path), path=os.fspath(path))
        return
    if source.suffix.lower() in CASE_SUFFIXES:  # one case file: one case
        yield _Input(os.fspath(source), path=os.fspath(source))
        return
    if source.suffix.lower() in _XLSX_SUFFIXES:
        for row in read_workbook(source):
            yield _Input(row.label, lineno=row.line, row=row)
        return
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file or directory") from None
    except OSError as exc:
        raise UsageError(f"{source}: cannot read the input ({exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{source}: cannot read the input ({exc}); {_encoding_hint(data)}"
        ) from None
    if source.suffix.lower() in _CSV_SUFFIXES:
        for row in read_rows(text, os.fspath(source)):
            yield _Input(row.label, lineno=row.line, row=row)
        return
    # JSON Lines end at "\n" only: U+2028, U+0085 and the like inside a record are
    # part of it (splitlines would cut there); a "\r" before the "\n" is dropped
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip():
            yield _Input(f"{source}:{lineno}", line=line, lineno=lineno)


def _digest(item: _Input) -> str:
    """The digest of the input of one case: its file's bytes, its line, its row."""
    if item.row is not None:
        return input_digest(json.dumps([item.row.header, item.row.cells]))
    if item.line is not None:
        return input_digest(item.line)
    assert item.path is not None
    try:
        return input_digest(Path(item.path).read_bytes())
    except OSError:
        return ""  # unreadable: never the digest of a finished case; the worker reports it


def _encoding_hint(data: bytes) -> str:
    """What to do about an input that is not UTF-8."""
    if data.startswith(b"PK\x03\x04"):
        return "it looks like an Excel workbook: give it the name ending .xlsx"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "save it as UTF-8 text"
    return (
        "it looks like a Windows-1252 (Latin-1) export: save it as 'CSV UTF-8' "
        "(Excel: Save As, CSV UTF-8), or convert it: iconv -f cp1252 -t utf-8 FILE > NEW"
    )


# --------------------------------------------------------------------------
# The work of one case (in a worker process, or in-process with --jobs 1).


class _Outcome(NamedTuple):
    label: str
    text: str  # the record: a JSON line, or a CSV row, with its newline
    verdict: str | None
    fired: tuple[str, ...]
    error: str | None  # the error code of a failed case
    kept: bool  # the task's kept record is still current


class _Worker:
    """The state of one process: the rule set, the language, the output format."""

    def __init__(
        self, rules: ir.RuleSet, language: Language, fmt: Format, backend: Backend
    ) -> None:
        self.rules = rules
        self.language = language
        self.fmt = fmt
        self.backend = backend

    def run(self, task: _Task) -> _Outcome:
        label = task.input.label
        try:
            case = _load(task.input)
            if task.kept_case_sha256 is not None and task.kept_case_sha256 == case_sha256(case):
                return _Outcome(label, "", None, (), None, kept=True)
            result = evaluate(case, self.rules, language=self.language, backend=self.backend)
        except SisterevalError as exc:
            error = _error(exc)
        except Exception as exc:  # a bug must not end a batch of thousands; record it
            error = {"code": "internal-error", "message": f"{type(exc).__name__}: {exc}"}
        else:
            fired = tuple(f.rule for f in result.findings)
            if self.fmt == "jsonl":
                text = _json_line({"input": label, **result.to_dict()})
            elif self.fmt == "xlsx":
                text = _json_line(_sheet_record(label, case, result))
            else:
                text = _csv_line(
                    label,
                    result.case_id,
                    result.case_sha256,
                    result.verdict,
                    repr(result.confidence),
                    *_certainty(result),
                    result.ruleset.id,
                    result.ruleset.version,
                    result.ruleset.sha256,
                    *_reference(result.reference_date),
                    ";".join(fired),
                    "",
                    *(repr(result.factors[name]) for name in _factor_names(self.rules)),
                    _findings_cell(result.findings),
                    result.language,
                    result.version,
                )
            return _Outcome(label, text, result.verdict, fired, None, kept=False)
        code = str(error["code"])
        if self.fmt != "csv":
            text = _json_line({"input": label, "error": error})
        else:
            names = _factor_names(self.rules)
            text = _csv_line(
                label,
                *[""] * _BEFORE_ERROR,
                _error_cell(error),
                *[""] * len(names),
                "",
                self.language,
                __version__,
            )
        return _Outcome(label, text, None, (), code, kept=False)


#: The columns between ``input`` and ``error``, empty in the row of a failed case.
_BEFORE_ERROR = CSV_COLUMNS.index("error") - 1


def _reference(reference: Mapping[str, Any]) -> tuple[str, str]:
    """The ``reference_date`` and ``reference_basis`` cells: the date the case was
    measured to and where it comes from (``given``, ``sources``, ``evaluation_date``)."""
    date, basis = reference.get("date"), reference.get("basis")
    return ("" if date is None else str(date), "" if basis is None else str(basis))


def _factor_names(ruleset: ir.RuleSet) -> tuple[str, ...]:
    """The success factors and obstacle groups of ``ruleset``: its factor-score columns."""
    return (*ruleset.factors, *ruleset.obstacle_groups)


def csv_columns(ruleset: ir.RuleSet) -> tuple[str, ...]:
    """The columns of CSV output with ``ruleset``: :data:`CSV_COLUMNS`, a column
    ``factors.NAME`` per success factor and obstacle group, then ``findings``,
    ``language`` and ``sistereval`` (the version that wrote the row)."""
    factors = (f"factors.{name}" for name in _factor_names(ruleset))
    return (*CSV_COLUMNS, *factors, "findings", "language", "sistereval")


def _finding_line(finding: Finding) -> str:
    tags = ", ".join(t for t in (finding.kind, finding.factor, finding.severity) if t)
    sources = f" [{', '.join(finding.sources)}]" if finding.sources else ""
    return f"{finding.rule} ({tags}): {finding.message}{sources}"


def _findings_cell(findings: Iterable[Finding]) -> str:
    """The findings of a case in one cell: ``RULE (KIND, FACTOR, SEVERITY): MESSAGE
    [SOURCES]``, one line each."""
    return "\n".join(_finding_line(f) for f in findings)


def _error_cell(error: Mapping[str, object]) -> str:
    message = str(error["message"]).replace("\n", "; ")
    if not isinstance(error.get("problems"), list):
        message = f"{error['code']}: {message}"
    return message


def _certainty(result: Evaluation) -> tuple[str, str]:
    """The certainty's grade and robustness (``high``, ``always``), as
    :meth:`Evaluation.to_record` has them."""
    certainty = result.certainty
    if certainty is None:
        return "", ""
    return certainty.grade, certainty.robust.status


def _sheet_record(label: str, case: Case, result: Evaluation) -> dict[str, object]:
    """What the sheets of a workbook output show of one evaluated case."""
    return {
        "input": label,
        "case": {"id": result.case_id, "sha256": result.case_sha256},
        "verdict": result.verdict,
        "confidence": result.confidence,
        "certainty": _certainty(result),
        "ruleset": attrs.asdict(result.ruleset),
        "reference": _reference(result.reference_date),
        "findings": [f.to_dict() for f in result.findings],
        "factors": dict(result.factors),
        "sources": case_to_dict(case).get("sources", []),
    }


def _load(source: _Input) -> Any:
    if source.row is not None:
        return load_row(source.row)
    if source.path is not None:
        return load_case(Path(source.path), file=source.label)
    assert source.line is not None
    data = read_line(source.line, file=source.label.rsplit(":", 1)[0], lineno=source.lineno)
    if not isinstance(data, dict):
        message = f"a line must hold one case mapping (a JSON object), not {type(data).__name__}"
        raise CaseError([_line_problem(source, "not-a-mapping", message, 1)])
    try:
        return load_case(data, file=source.label)
    except CaseError as exc:  # located at the line: the file and line as data, not one label
        file = source.label.rsplit(":", 1)[0]
        raise CaseError(
            attrs.evolve(p, location=attrs.evolve(p.location, file=file, line=source.lineno))
            for p in exc.problems
        ) from None


def _line_problem(source: _Input, code: str, message: str, column: int) -> Problem:
    file = source.label.rsplit(":", 1)[0]
    location = Location(file=file, line=source.lineno, column=column)
    return Problem(code=code, message=message, location=location)


def _error(exc: SisterevalError) -> dict[str, object]:
    if isinstance(exc, CaseError) and exc.problems:
        return {
            "code": exc.problems[0].code,
            "message": str(exc),
            "problems": [p.to_dict() for p in exc.problems],
        }
    code = "evaluation-error" if isinstance(exc, RuntimeError) else "invalid-case"
    return {"code": code, "message": str(exc)}


def _json_line(record: Mapping[str, object]) -> str:
    """One JSON line; characters a terminal acts on written as ``\\uXXXX`` escapes."""
    return json_text(json.dumps(record, ensure_ascii=False)) + "\n"


def _csv_line(*values: str) -> str:
    """One CSV row of safe cells (:func:`~sistereval.safety.csv_cell`): no cell a
    spreadsheet reads as a formula, nothing a terminal acts on.  A number (a factor
    score of ``-6.0``) is no formula and is written as it is."""
    buffer = io.StringIO()
    cells = [v if _NUMBER.fullmatch(v) else csv_cell(v) for v in values]
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


_worker: _Worker | None = None


def _init_worker(
    rules: ir.RuleSet, language: Language, fmt: Format, backend: Backend, parent: int
) -> None:
    global _worker
    watch_parent(parent)  # a killed batch leaves no orphan workers
    _worker = _Worker(rules, language, fmt, backend)


def _run_in_worker(task: _Task) -> _Outcome:
    assert _worker is not None
    return _worker.run(task)


# --------------------------------------------------------------------------
# The previous output.


class _Kept(NamedTuple):
    ruleset_sha256: str
    case_sha256: str
    text: str
    verdict: str
    fired: tuple[str, ...]
    language: str
    version: str


def _previous(out: Path, fmt: Format, columns: tuple[str, ...]) -> dict[str, _Kept]:
    """The evaluated (not failed) records of an existing output, by input label.
    An output that cannot be read, or is in another format (or is a workbook, or a
    CSV output with other ``columns``), keeps nothing."""
    if fmt == "xlsx":
        return {}
    try:
        text = out.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    kept: dict[str, _Kept] = {}
    if fmt == "jsonl":
        for line in text.split("\n"):  # as the input: "\n" only ends a record
            try:
                record = json.loads(line)
                kept[record["input"]] = _Kept(
                    record["ruleset"]["sha256"],
                    record["case"]["sha256"],
                    line + "\n",
                    record["verdict"],
                    tuple(f["rule"] for f in record["findings"]),
                    record["language"],
                    record["sistereval"],
                )
            except (ValueError, KeyError, TypeError):
                continue
        return kept
    reader = csv.reader(io.StringIO(text, newline=""))
    if next(reader, None) != list(columns):
        return {}
    error = CSV_COLUMNS.index("error")
    for row in reader:
        if len(row) != len(columns) or row[error] or not row[7]:
            continue
        values = dict(zip(columns, row, strict=True))
        fired = tuple(r for r in values["fired"].split(";") if r)
        kept[values["input"]] = _Kept(
            values["ruleset_sha256"],
            values["case_sha256"],
            _csv_line(*row),  # safe already: csv_cell changes no cell it wrote
            values["verdict"],
            fired,
            values["language"],
            values["sistereval"],
        )
    return kept


# --------------------------------------------------------------------------
# Public API.


def run_batch(
    input: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    rules: ir.RuleSet | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    jobs: int | None = None,
    fmt: Format | None = None,
    language: str = "en",
    progress: IO[str] | None = None,
    backend: Backend | None = None,
) -> BatchSummary:
    """Evaluate every case of ``input`` and write the decision records to ``out``.

    ``input`` is a directory (its ``*.yaml``, ``*.yml`` and ``*.json`` files,
    sorted by name), a CSV register (``*.csv`` or ``*.tsv``: a header row, then
    one partnership per row; ``docs/batch.md`` lists the columns), a workbook
    register (``*.xlsx``, its first sheet; needs the ``xlsx`` extra) or a JSON
    Lines file (one case mapping per line, lines ending at ``\n`` only), or one case
    file (``*.yaml``, ``*.yml``, ``*.json``: one case); ``rules``
    a loaded rule set, a shipped name (default ``core``) or a rule-file path;
    ``jobs`` the most worker processes to use (default: :func:`default_jobs`;
    ``1`` evaluates in this process; see :func:`worker_count`); ``fmt``
    ``jsonl``, ``csv`` or ``xlsx`` (default: :func:`format_of` ``out``);
    ``progress`` a stream for a progress bar (live on a terminal), or ``None``
    for none; ``backend`` as for :func:`~sistereval.evaluation.evaluate`,
    chosen once for every worker.

    Each finished case is appended to the progress file ``.NAME.progress`` beside
    ``out``; a run that stops before the end leaves it, and the next call with the
    same arguments evaluates only the cases it does not hold (``docs/batch.md``,
    "Resuming").  Raises :class:`~sistereval.errors.UsageError` when ``input`` cannot be
    read or an argument is invalid, :class:`~sistereval.errors.CaseError` when
    a register's header cannot be used or it is not CSV, and
    :class:`~sistereval.errors.RuleError` when the rule set cannot be loaded.
    Cases that fail are recorded, not raised.
    """
    if fmt is None:
        fmt = format_of(out)
    if fmt not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not is_language(language):
        raise UsageError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    source, target = Path(input), Path(out)
    if not source.exists():
        raise UsageError(f"{source}: no such file or directory")
    rule_file = [rules] if isinstance(rules, (str, os.PathLike)) else []
    check_output(target, [source, *rule_file])
    ruleset = rule_set(rules)
    chosen = resolve_backend(backend, language=language)
    if fmt == "xlsx":
        openpyxl()  # before any work: a missing extra is a usage error
    columns = csv_columns(ruleset)
    remove_stale_temporaries(target)  # of a run killed while it wrote the output
    previous = _previous(target, fmt, columns) if target.exists() else {}
    progress_file = Progress(progress_path(target), _progress_key(source, fmt, ruleset, language))
    with progress_file as finished:
        summary = _run(
            source, target, fmt, ruleset, language, jobs, chosen, previous, finished, progress
        )
    progress_file.remove()  # the output is in place: nothing is left to resume
    return summary


def _progress_key(
    source: Path, fmt: Format, ruleset: ir.RuleSet, language: str
) -> dict[str, object]:
    """What a run shares with the run whose progress file it may resume: the input,
    the output format (and CSV columns), the rule set, the language, the version."""
    return run_key(
        input=os.path.realpath(source),
        output=fmt,
        columns=list(csv_columns(ruleset)) if fmt == "csv" else None,
        ruleset=ruleset.sha256,
        language=language,
    )


def _run(
    source: Path,
    target: Path,
    fmt: Format,
    ruleset: ir.RuleSet,
    language: Language,
    jobs: int | None,
    backend: Backend,
    previous: Mapping[str, _Kept],
    finished: Progress,
    progress: IO[str] | None,
) -> BatchSummary:
    """Evaluate what ``finished`` does not hold yet, appending to it, then write the
    output from it in input order."""
    keys: list[tuple[str, str]] = []  # (label, input digest) of every case, in order
    tasks = []
    for item in _inputs(source):
        digest = _digest(item)
        keys.append((item.label, digest))
        if (item.label, digest) in finished.finished:
            continue  # finished by an earlier run of this command
        kept = previous.get(_key(item.label, fmt))
        current = (
            kept is not None
            and kept.ruleset_sha256 == ruleset.sha256
            and kept.language == language
            and kept.version == __version__
        )
        tasks.append(_Task(item, kept.case_sha256 if kept and current else None, digest))
    evaluated = 0
    with (
        _outcomes(tasks, ruleset, language, fmt, jobs, backend) as outcomes,
        _progress(progress, len(keys)) as advance,
    ):
        for _ in range(len(keys) - len(tasks)):
            advance()
        for task, outcome in zip(tasks, outcomes, strict=True):
            if outcome.kept:
                kept = previous[_key(outcome.label, fmt)]
                done = Done(outcome.label, task.digest, kept.text, kept.verdict, kept.fired, None)
            else:
                evaluated += 0 if outcome.error else 1
                done = Done(
                    outcome.label,
                    task.digest,
                    outcome.text,
                    outcome.verdict,
                    outcome.fired,
                    outcome.error,
                )
            finished.add(done)
            advance()
    return _write(target, fmt, ruleset, finished.records(keys), evaluated)


def _write(
    target: Path, fmt: Format, ruleset: ir.RuleSet, records: Iterable[Done], evaluated: int
) -> BatchSummary:
    """Write ``records`` to the output ``target`` (atomically) and count them."""
    finding_rules = {r.id for r in ruleset.rules if isinstance(r.then, ir.FindingThen)}
    verdicts: collections.Counter[str] = collections.Counter()
    findings: collections.Counter[str] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()
    total = 0
    sheets: list[Mapping[str, Any]] = []
    with _open_output(target, fmt) as stream:
        if fmt == "csv":
            stream.write(_csv_line(*csv_columns(ruleset)))
        for done in records:
            total += 1
            if fmt == "xlsx":
                sheets.append(json.loads(done.text))
            else:
                stream.write(done.text)
            errors.update([done.error] if done.error else [])
            if done.verdict is not None:
                verdicts[done.verdict] += 1
                findings.update(r for r in dict.fromkeys(done.fired) if r in finding_rules)
        if fmt == "xlsx":
            stream.write(_workbook(sheets, ruleset))
    failed = sum(errors.values())
    return BatchSummary(
        out=os.fspath(target),
        total=total,
        evaluated=evaluated,
        skipped=total - evaluated - failed,
        failed=failed,
        verdicts=_most_first(verdicts),
        top_findings=tuple(_most_first(findings).items())[:_TOP],
        errors=_most_first(errors),
    )


def _open_output(target: Path, fmt: Format) -> contextlib.AbstractContextManager[IO[Any]]:
    return atomic_write_bytes(target) if fmt == "xlsx" else atomic_write(target)


def format_of(out: str | os.PathLike[str]) -> Format:
    """The output format a file name asks for: ``xlsx`` for ``*.xlsx``, ``csv`` for
    ``*.csv`` and ``*.tsv``, else ``jsonl``."""
    suffix = Path(out).suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        return "xlsx"
    return "csv" if suffix in _CSV_SUFFIXES else "jsonl"


def _workbook(records: Iterable[Mapping[str, Any]], ruleset: ir.RuleSet) -> bytes:
    """The workbook output: sheets ``cases`` (one row per case: the CSV columns but
    ``findings``), ``findings`` (one row per finding) and ``sources`` (one row per
    source of each evaluated case)."""
    names = _factor_names(ruleset)
    cases: list[list[Cell]] = []
    found: list[list[Cell]] = []
    cited: list[list[Cell]] = []
    for record in records:
        label = str(record["input"])
        if "error" in record:
            error = _error_cell(record["error"])
            cases.append([label, *[None] * _BEFORE_ERROR, error, *[None] * len(names)])
            continue
        case_id = str(record["case"]["id"])
        rules = record["ruleset"]
        fired = ";".join(f["rule"] for f in record["findings"])
        cases.append(
            [
                label,
                case_id,
                record["case"]["sha256"],
                record["verdict"],
                record["confidence"],
                *(cell or None for cell in record.get("certainty", ("", ""))),
                rules["id"],
                rules["version"],
                rules["sha256"],
                *(cell or None for cell in record.get("reference", ("", ""))),
                fired,
                None,
                *(record["factors"][name] for name in names),
            ]
        )
        for f in record["findings"]:
            row = [f["rule"], f["title"], f["kind"], f["factor"], f["severity"], f["verdict"]]
            found.append([label, case_id, *row, f["message"], "; ".join(f["sources"])])
        for source in record["sources"]:
            keys = ("id", "kind", "citation", "url", "accessed", "reliability")
            cited.append([label, case_id, *(_cell(source.get(key)) for key in keys)])
    return write_workbook(
        [
            ("cases", csv_columns(ruleset)[:-3], cases),
            ("findings", FINDING_COLUMNS, found),
            ("sources", SOURCE_COLUMNS, cited),
        ]
    )


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, (int, float)):
        return value
    return str(value)


def _key(label: str, fmt: Format) -> str:
    """The input label as a record of the output in ``fmt`` holds it."""
    return csv_cell(label) if fmt == "csv" else label


def _most_first(counts: Mapping[str, int]) -> dict[str, int]:
    """The counts, most frequent first, ties by name."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@contextlib.contextmanager
def _outcomes(
    tasks: list[_Task],
    ruleset: ir.RuleSet,
    language: Language,
    fmt: Format,
    jobs: int | None,
    backend: Backend,
) -> Iterator[Iterable[_Outcome]]:
    """The outcomes of ``tasks`` in their order, from a process pool or this process."""
    workers = worker_count(len(tasks), jobs)
    if workers == 1:
        worker = _Worker(ruleset, language, fmt, backend)
        yield map(worker.run, tasks)
        return
    # "spawn": a forked child would inherit the parent's durable_rules host and
    # any threads; a fresh interpreter starts clean on every platform.
    context = multiprocessing.get_context("spawn")
    chunksize = max(1, min(64, len(tasks) // (workers * 8)))
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(ruleset, language, fmt, backend, os.getpid()),
    ) as pool:
        try:
            yield pool.map(_run_in_worker, tasks, chunksize=chunksize)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def worker_count(cases: int, jobs: int | None) -> int:
    """How many processes evaluate ``cases`` cases: at most ``jobs`` (default
    :func:`default_jobs`), and one per 100 cases, since a worker that starts for
    fewer costs more than it saves; ``1`` means this process."""
    return max(1, min(jobs or default_jobs(), cases // _CASES_PER_WORKER))


def default_jobs() -> int:
    """The number of CPUs this process may run on (its affinity mask, not the machine's)."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return int(count() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def _progress(stream: IO[str] | None, total: int) -> Iterator[Callable[[], None]]:
    """A function to call once per record written, which moves a progress bar on
    ``stream`` (drawn live on a terminal; elsewhere rich prints the final state)."""
    if stream is None:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream)) as bar:
        task = bar.add_task("cases", total=total)
        yield lambda: bar.advance(task)
