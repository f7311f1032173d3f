"""Evaluate many cases at once: ``sistereval batch`` (see ``docs/batch.md``).

:func:`run_batch` reads a directory of case files or a JSON Lines file of case
mappings, evaluates every case in a pool of worker processes (each loads the
rule set once), and writes one decision record per case, in input order, as
JSON Lines or CSV.  A case that cannot be evaluated becomes an error record;
it never stops the run.  The output is written to a temporary file beside it
and moved into place at the end, so an interrupted run leaves the previous
output as it was; a later run keeps the records of that output that are still
current (same input, same case content, same rule set) and skips those cases.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import csv
import io
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple, TypeAlias

import attrs

from . import ir
from ._cliargs import add_lang_option, add_rules_option
from .cases import load_case
from .errors import CaseError, Location, Problem, SisterevalError, UsageError
from .evaluation import LANGUAGES, case_sha256, evaluate, rule_set

__all__ = ["BatchSummary", "add_batch_command", "run_batch"]

Format = Literal["jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv")

#: The columns of CSV output, in order.
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

#: The case files a directory input contributes.
_SUFFIXES = (".yaml", ".yml", ".json")
#: How many of the most frequent finding rules the summary lists.
_TOP = 5


@attrs.frozen(kw_only=True)
class BatchSummary:
    """What a batch run did: counts of cases, verdicts and fired finding rules.

    ``total`` = ``evaluated`` + ``skipped`` + ``failed``; ``skipped`` are the
    cases whose record was kept from the previous output.  ``verdicts``
    counts every record written (evaluated or kept); ``top_findings`` are the
    (at most five) finding rules that fired in the most cases, with counts.
    """

    out: str
    total: int
    evaluated: int
    skipped: int
    failed: int
    verdicts: Mapping[str, int]
    top_findings: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "total": self.total,
            "evaluated": self.evaluated,
            "skipped": self.skipped,
            "failed": self.failed,
            "verdicts": dict(self.verdicts),
            "top_findings": [{"rule": rule, "cases": n} for rule, n in self.top_findings],
        }

    def __str__(self) -> str:
        lines = [
            f"{self.total} cases: {self.evaluated} evaluated, {self.skipped} skipped (resumed), "
            f"{self.failed} failed",
            "verdicts: " + (", ".join(f"{v} {n}" for v, n in self.verdicts.items()) or "none"),
            "top findings: " + (", ".join(f"{r} {n}" for r, n in self.top_findings) or "none"),
            f"written to {self.out}",
        ]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Inputs.


class _Task(NamedTuple):
    """One case to evaluate: its label, a file path or a JSON line, and the
    content digest of its kept record (when the previous output has one)."""

    label: str
    path: str | None
    line: str | None
    lineno: int
    kept_case_sha256: str | None


def _inputs(source: Path) -> Iterator[tuple[str, str | None, str | None, int]]:
    """(label, path, line, line number) for every case of a directory or JSONL file."""
    if source.is_dir():
        for path in sorted(source.iterdir(), key=lambda p: p.name):
            if path.suffix.lower() in _SUFFIXES and path.is_file():
                yield os.fspath(path), os.fspath(path), None, 0
        return
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file or directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read the input ({exc})") from None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield f"{source}:{lineno}", None, line, lineno


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

    def __init__(self, rules: ir.RuleSet, language: str, fmt: Format) -> None:
        self.rules = rules
        self.language = language
        self.fmt = fmt

    def run(self, task: _Task) -> _Outcome:
        try:
            case = _load(task)
            if task.kept_case_sha256 is not None and task.kept_case_sha256 == case_sha256(case):
                return _Outcome(task.label, "", None, (), None, kept=True)
            result = evaluate(case, self.rules, language=self.language)
        except SisterevalError as exc:
            error = _error(exc)
        except Exception as exc:  # a bug must not end a batch of thousands; record it
            error = {"code": "internal-error", "message": f"{type(exc).__name__}: {exc}"}
        else:
            record = {"input": task.label, **result.to_dict()}
            fired = tuple(f.rule for f in result.findings)
            if self.fmt == "jsonl":
                text = _json_line(record)
            else:
                text = _csv_line(
                    task.label,
                    result.case_id,
                    result.case_sha256,
                    result.verdict,
                    repr(result.confidence),
                    result.ruleset.id,
                    result.ruleset.version,
                    result.ruleset.sha256,
                    ";".join(fired),
                    "",
                )
            return _Outcome(task.label, text, result.verdict, fired, None, kept=False)
        code = str(error["code"])
        if self.fmt == "jsonl":
            text = _json_line({"input": task.label, "error": error})
        else:
            message = str(error["message"]).replace("\n", "; ")
            if not isinstance(error.get("problems"), list):
                message = f"{code}: {message}"
            text = _csv_line(task.label, *[""] * 8, message)
        return _Outcome(task.label, text, None, (), code, kept=False)


def _load(task: _Task) -> Any:
    if task.path is not None:
        return load_case(Path(task.path), file=task.label)
    assert task.line is not None
    try:
        data = json.loads(task.line)
    except json.JSONDecodeError as exc:
        raise CaseError([_line_problem(task, "json-syntax", exc.msg, exc.colno)]) from None
    if not isinstance(data, dict):
        message = f"a line must hold one case mapping (a JSON object), not {type(data).__name__}"
        raise CaseError([_line_problem(task, "not-a-mapping", message, 1)])
    return load_case(data, file=task.label)


def _line_problem(task: _Task, code: str, message: str, column: int) -> Problem:
    file = task.label.rsplit(":", 1)[0]
    return Problem(
        code=code, message=message, location=Location(file=file, line=task.lineno, column=column)
    )


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
    return json.dumps(record, ensure_ascii=False) + "\n"


def _csv_line(*values: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


_worker: _Worker | None = None


def _init_worker(rules: ir.RuleSet, language: str, fmt: Format) -> None:
    global _worker
    _worker = _Worker(rules, language, fmt)


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


def _previous(out: Path, fmt: Format) -> dict[str, _Kept]:
    """The evaluated (not failed) records of an existing output, by input label.
    An output that cannot be read, or is in the other format, keeps nothing."""
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
    if next(reader, None) != list(CSV_COLUMNS):
        return {}
    for row in reader:
        if len(row) != len(CSV_COLUMNS) or row[-1] or not row[7]:
            continue
        values = dict(zip(CSV_COLUMNS, row, strict=True))
        fired = tuple(r for r in values["fired"].split(";") if r)
        kept[values["input"]] = _Kept(
            values["ruleset_sha256"],
            values["case_sha256"],
            _csv_line(*row),
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
    rules: ir.RuleSet | str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    fmt: Format = "jsonl",
    language: str = "en",
    progress: IO[str] | None = None,
) -> BatchSummary:
    """Evaluate every case of ``input`` and write the decision records to ``out``.

    ``input`` is a directory (its ``*.yaml``, ``*.yml`` and ``*.json`` files,
    sorted by name) or a JSON Lines file (one case mapping per line); ``rules``
    a loaded rule set, a shipped name (default ``core``) or a rule-file path;
    ``jobs`` the number of worker processes (default: the CPU count; ``1``
    evaluates in this process); ``fmt`` ``jsonl`` or ``csv``; ``progress`` a
    stream for a ``\\rdone/total`` counter, or ``None`` for none.

    Raises :class:`~sistereval.errors.UsageError` when ``input`` cannot be
    read or an argument is invalid, :class:`~sistereval.errors.RuleError` when
    the rule set cannot be loaded.  Cases that fail are recorded, not raised.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    if language not in LANGUAGES:
        raise UsageError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    source, target = Path(input), Path(out)
    if not source.exists():
        raise UsageError(f"{source}: no such file or directory")
    if not target.parent.is_dir():
        raise UsageError(f"{target}: the directory {target.parent} does not exist")
    ruleset = rule_set(rules)
    previous = _previous(target, fmt) if target.exists() else {}
    tasks = [
        _Task(
            label,
            path,
            line,
            lineno,
            kept.case_sha256
            if (kept := previous.get(label)) and kept.ruleset_sha256 == ruleset.sha256
            else None,
        )
        for label, path, line, lineno in _inputs(source)
    ]
    finding_rules = {r.id for r in ruleset.rules if isinstance(r.then, ir.FindingThen)}
    counts: collections.Counter[str] = collections.Counter()
    verdicts: collections.Counter[str] = collections.Counter()
    findings: collections.Counter[str] = collections.Counter()

    with _atomic(target) as stream, _outcomes(tasks, ruleset, language, fmt, jobs) as outcomes:
        if fmt == "csv":
            stream.write(_csv_line(*CSV_COLUMNS))
        for done, outcome in enumerate(outcomes, start=1):
            verdict: str | None
            if outcome.kept:
                kept = previous[outcome.label]
                text, verdict, fired = kept.text, kept.verdict, kept.fired
                counts["skipped"] += 1
            else:
                text, verdict, fired = outcome.text, outcome.verdict, outcome.fired
                counts["failed" if outcome.error else "evaluated"] += 1
            stream.write(text)
            if verdict is not None:
                verdicts[verdict] += 1
                findings.update(r for r in dict.fromkeys(fired) if r in finding_rules)
            if progress is not None:
                progress.write(f"\r{done}/{len(tasks)}")
                progress.flush()
    if progress is not None and tasks:
        progress.write("\n")
        progress.flush()
    top = sorted(findings.items(), key=lambda item: (-item[1], item[0]))[:_TOP]
    return BatchSummary(
        out=os.fspath(target),
        total=len(tasks),
        evaluated=counts["evaluated"],
        skipped=counts["skipped"],
        failed=counts["failed"],
        verdicts=dict(sorted(verdicts.items(), key=lambda item: (-item[1], item[0]))),
        top_findings=tuple(top),
    )


@contextlib.contextmanager
def _outcomes(
    tasks: list[_Task], ruleset: ir.RuleSet, language: str, fmt: Format, jobs: int | None
) -> Iterator[Iterable[_Outcome]]:
    """The outcomes of ``tasks`` in their order, from a process pool or this process."""
    workers = min(jobs or os.cpu_count() or 1, max(len(tasks), 1))
    if workers == 1:
        worker = _Worker(ruleset, language, fmt)
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
        initargs=(ruleset, language, fmt),
    ) as pool:
        try:
            yield pool.map(_run_in_worker, tasks, chunksize=chunksize)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


@contextlib.contextmanager
def _atomic(target: Path) -> Iterator[IO[str]]:
    """A stream to a temporary file beside ``target``, moved onto it on success
    and removed on failure."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


# --------------------------------------------------------------------------
# The command.

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_batch_command(commands: Commands) -> None:
    """Declare ``sistereval batch`` (for :data:`sistereval.cli._COMMANDS`)."""
    parser = commands.add_parser(
        "batch",
        help="evaluate a directory or JSON Lines file of cases in parallel",
        description="Evaluate every case of INPUT (a directory of case files, or a JSON Lines "
        "file with one case mapping per line) and write one decision record per case to "
        "--out, in input order. Failed cases are recorded, not fatal. Records of an existing "
        "--out that are still current are kept and their cases skipped. Exit 0 when the run "
        "completed, 2 when INPUT or the rule set cannot be used.",
    )
    parser.add_argument("input", metavar="INPUT", help="a directory of case files or a .jsonl file")
    parser.add_argument("--out", required=True, metavar="FILE", help="the output file")
    add_rules_option(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: the number of CPUs; 1 runs in-process)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)"
    )
    add_lang_option(parser)
    parser.set_defaults(handler=_batch_command)


def _batch_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    isatty: Callable[[], bool] = getattr(stderr, "isatty", lambda: False)
    try:
        summary = run_batch(
            args.input,
            args.out,
            rules=args.rules,
            jobs=args.jobs,
            fmt=args.format,
            language=args.lang,
            progress=stderr if isatty() else None,
        )
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return 2
    stdout.write(str(summary))
    return 0
