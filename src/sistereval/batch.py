"""Evaluate many cases at once: ``sistereval batch`` (see ``docs/batch.md``).

:func:`run_batch` reads a directory of case files, a JSON Lines file of case
mappings or a CSV register (one partnership per row, see :mod:`sistereval.cases.register`),
evaluates every case in a pool of worker processes (each loads the
rule set once), and writes one decision record per case, in input order, as
JSON Lines or CSV.  A case that cannot be evaluated becomes an error record;
it never stops the run.  The output is written to a temporary file beside it
and moved into place at the end, so an interrupted run leaves the previous
output as it was; a later run keeps the records of that output that are still
current (same input, same case content, same rule set) and skips those cases.
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
from .cases import case_sha256, case_to_dict, load_case
from .cases.lines import read_line
from .cases.register import CsvRow, load_row, read_rows, read_workbook
from .errors import CaseError, Location, Problem, SisterevalError, UsageError
from .evaluation import Backend, evaluate, resolve_backend
from .language import rule_set
from .messages import LANGUAGES, Language, is_language
from .model import Case
from .outfile import CASE_SUFFIXES, atomic_write, atomic_write_bytes, check_output
from .safety import csv_cell, json_text
from .verdict import Evaluation, Finding
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
    "ruleset_id",
    "ruleset_version",
    "ruleset_sha256",
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
    """One case to evaluate, and the content digest of its kept record
    (when the previous output has one that may still be current)."""

    input: _Input
    kept_case_sha256: str | None


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
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield _Input(f"{source}:{lineno}", line=line, lineno=lineno)


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
                    result.ruleset.id,
                    result.ruleset.version,
                    result.ruleset.sha256,
                    ";".join(fired),
                    "",
                    *(repr(result.factors[name]) for name in _factor_names(self.rules)),
                    _findings_cell(result.findings),
                )
            return _Outcome(label, text, result.verdict, fired, None, kept=False)
        code = str(error["code"])
        if self.fmt != "csv":
            text = _json_line({"input": label, "error": error})
        else:
            text = _csv_line(
                label, *[""] * 8, _error_cell(error), *[""] * len(_factor_names(self.rules)), ""
            )
        return _Outcome(label, text, None, (), code, kept=False)


def _factor_names(ruleset: ir.RuleSet) -> tuple[str, ...]:
    """The success factors and obstacle groups of ``ruleset``: its factor-score columns."""
    return (*ruleset.factors, *ruleset.obstacle_groups)


def csv_columns(ruleset: ir.RuleSet) -> tuple[str, ...]:
    """The columns of CSV output with ``ruleset``: :data:`CSV_COLUMNS`, a column
    ``factors.NAME`` per success factor and obstacle group, then ``findings``."""
    return (*CSV_COLUMNS, *(f"factors.{name}" for name in _factor_names(ruleset)), "findings")


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


def _sheet_record(label: str, case: Case, result: Evaluation) -> dict[str, object]:
    """What the sheets of a workbook output show of one evaluated case."""
    return {
        "input": label,
        "case": {"id": result.case_id, "sha256": result.case_sha256},
        "verdict": result.verdict,
        "confidence": result.confidence,
        "ruleset": attrs.asdict(result.ruleset),
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


def _init_worker(rules: ir.RuleSet, language: Language, fmt: Format, backend: Backend) -> None:
    global _worker
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
        for line in text.splitlines(keepends=True):
            try:
                record = json.loads(line)
                kept[record["input"]] = _Kept(
                    record["ruleset"]["sha256"],
                    record["case"]["sha256"],
                    line if line.endswith("\n") else line + "\n",
                    record["verdict"],
                    tuple(f["rule"] for f in record["findings"]),
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
    Lines file (one case mapping per line); ``rules``
    a loaded rule set, a shipped name (default ``core``) or a rule-file path;
    ``jobs`` the most worker processes to use (default: :func:`default_jobs`;
    ``1`` evaluates in this process; see :func:`worker_count`); ``fmt``
    ``jsonl``, ``csv`` or ``xlsx`` (default: :func:`format_of` ``out``);
    ``progress`` a stream for a progress bar (live on a terminal), or ``None``
    for none; ``backend`` as for :func:`~sistereval.evaluation.evaluate`,
    chosen once for every worker.

    Raises :class:`~sistereval.errors.UsageError` when ``input`` cannot be
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
    previous = _previous(target, fmt, columns) if target.exists() else {}
    tasks = []
    for item in _inputs(source):
        kept = previous.get(_key(item.label, fmt))
        current = kept is not None and kept.ruleset_sha256 == ruleset.sha256
        tasks.append(_Task(item, kept.case_sha256 if kept and current else None))
    finding_rules = {r.id for r in ruleset.rules if isinstance(r.then, ir.FindingThen)}
    counts: collections.Counter[str] = collections.Counter()
    verdicts: collections.Counter[str] = collections.Counter()
    findings: collections.Counter[str] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()

    sheets: list[Mapping[str, Any]] = []
    with (
        _open_output(target, fmt) as stream,
        _outcomes(tasks, ruleset, language, fmt, jobs, chosen) as outcomes,
        _progress(progress, len(tasks)) as advance,
    ):
        if fmt == "csv":
            stream.write(_csv_line(*columns))
        for outcome in outcomes:
            verdict: str | None
            if outcome.kept:
                kept = previous[_key(outcome.label, fmt)]
                text, verdict, fired = kept.text, kept.verdict, kept.fired
                counts["skipped"] += 1
            else:
                text, verdict, fired = outcome.text, outcome.verdict, outcome.fired
                counts["failed" if outcome.error else "evaluated"] += 1
                errors.update([outcome.error] if outcome.error else [])
            if fmt == "xlsx":
                sheets.append(json.loads(text))
            else:
                stream.write(text)
            if verdict is not None:
                verdicts[verdict] += 1
                findings.update(r for r in dict.fromkeys(fired) if r in finding_rules)
            advance()
        if fmt == "xlsx":
            stream.write(_workbook(sheets, ruleset))
    return BatchSummary(
        out=os.fspath(target),
        total=len(tasks),
        evaluated=counts["evaluated"],
        skipped=counts["skipped"],
        failed=counts["failed"],
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
            cases.append([label, *[None] * 8, error, *[None] * len(names)])
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
                rules["id"],
                rules["version"],
                rules["sha256"],
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
            ("cases", csv_columns(ruleset)[:-1], cases),
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
        initargs=(ruleset, language, fmt, backend),
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
