"""What every command shares: the exit codes, the handler type, the options
several commands declare, each written once, and reading a case or rule file
from standard input (``-``)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Final, TypeAlias

from .. import ir
from ..cases import load_case
from ..cases.rows import is_register, load_selected, split_selector
from ..errors import SisterevalError, UsageError, error_to_dict
from ..language import load_rules
from ..messages import CLI, LANGUAGES, texts
from ..model import Case
from ..safety import progress_wanted, raw_stream

__all__ = [
    "BROKEN_PIPE",
    "BUG_REPORTS",
    "CASE_HELP",
    "FAILED",
    "INTERNAL",
    "INTERRUPTED",
    "INVALID",
    "OK",
    "STDIN",
    "Commands",
    "Handler",
    "add_backend_option",
    "add_case_argument",
    "add_format_option",
    "add_lang_option",
    "add_rules_option",
    "add_time_budget_option",
    "missing_inputs",
    "positive",
    "progress_line",
    "read_case",
    "read_rules",
    "seconds",
    "stdin_twice",
]

#: The exit codes of every command.
OK: Final = 0
#: Checks or tests failed (or ``--fail-on`` matched).
FAILED: Final = 1
#: Invalid input or usage.
INVALID: Final = 2
#: An internal error: a bug in sistereval (the traceback with ``--debug``).
INTERNAL: Final = 3
#: Interrupted with Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED: Final = 130
#: The reader of standard output went away (128 + SIGPIPE); nothing is printed.
BROKEN_PIPE: Final = 141

#: Where an internal error asks to be reported.
BUG_REPORTS: Final = "https://github.com/sistereval/sistereval/issues"
#: The file argument that means standard input.
STDIN: Final = "-"
_STDIN_NAME: Final = "<stdin>"

#: The subcommands of ``sistereval``, as argparse gives them to each command's ``declare``.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
#: What runs a command: ``(args, stdout, stderr) -> exit code``.
Handler = Callable[[argparse.Namespace, IO[str], IO[str]], int]


#: What a ``CASE`` argument may be.
CASE_HELP: Final = (
    "a case file (.yaml, .yml, .json), a row of a register (register.csv#ID), or - for "
    "standard input"
)


def add_case_argument(parser: argparse.ArgumentParser) -> None:
    """``CASE``: the one case file a command reads."""
    parser.add_argument("case", metavar="CASE", help=CASE_HELP)


def add_backend_option(parser: argparse.ArgumentParser) -> None:
    """``--backend durable|reference``: the evaluator (default: ``SISTEREVAL_BACKEND``,
    else durable where durable_rules loads, else the reference evaluator, with a
    notice); :func:`sistereval.cli.main.run` replaces ``None`` by the choice."""
    parser.add_argument(
        "--backend",
        choices=("durable", "reference"),
        default=None,
        help="the evaluator: durable (durable_rules) or reference (pure Python, the same "
        "verdicts); default: $SISTEREVAL_BACKEND, else durable where it can be loaded",
    )


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    """``--rules FILE|NAME``: the rule set to evaluate with (default: the shipped ``core``)."""
    parser.add_argument(
        "--rules",
        default="core",
        metavar="FILE|NAME",
        help="a rule file (- for standard input), or the name of a shipped rule set "
        "(default: core)",
    )


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang en|id``: the language of messages and text."""
    parser.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of messages (default: en)"
    )


def add_format_option(
    parser: argparse.ArgumentParser, help: str = "output format (default: text)"
) -> None:
    """``--format text|json``."""
    parser.add_argument("--format", choices=("text", "json"), default="text", help=help)


def add_time_budget_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--time-budget SECONDS``: a wall-clock bound on ``what`` (default: none; the
    counted budgets alone, which give the same result on any machine)."""
    parser.add_argument(
        "--time-budget",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help=f"also stop {what} after SECONDS (the result then says it stopped at the time "
        "budget; default: no time budget, only the counted ones, whose results do not "
        "depend on the machine)",
    )


def seconds(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not 0 < number < 1e9:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return number


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return number


def _stdin_text(args: argparse.Namespace) -> str:
    """The text of standard input, which a command may read once."""
    if getattr(args, "stdin_read", False):
        raise UsageError(texts(CLI, getattr(args, "lang", "en"))["stdin_twice"])
    args.stdin_read = True
    stream: IO[str] = args.stdin
    text = stream.read()
    # a str of one line could name a file: the loaders read more than one as text
    return text if "\n" in text else text + "\n"


def read_case(args: argparse.Namespace, name: str) -> Case:
    """The case of the file ``name``, of the register row ``FILE#ID`` (or of a register's
    only row), or of standard input for ``-``."""
    if name == STDIN:
        return load_case(_stdin_text(args), file=_STDIN_NAME)
    if is_register(split_selector(name)[0]):
        return load_selected(name, language=getattr(args, "lang", "en"))
    return load_case(Path(name), file=name)


def read_rules(args: argparse.Namespace, name: str) -> ir.RuleSet | str:
    """A rule-file argument as the library takes it: the rule set of standard input
    for ``-``, the name or path itself otherwise."""
    if name == STDIN:
        return load_rules(_stdin_text(args), file=_STDIN_NAME)
    return name


#: An argument that names a shipped rule set (or a command word), not a file.
_BARE_NAME: Final = re.compile(r"[A-Za-z0-9_-]+")


def _inputs(args: argparse.Namespace) -> list[str]:
    """The file arguments of a command: cases, rule files, the batch input."""
    found: list[str] = []
    for key in ("case", "cases", "input", "rules", "old", "new"):
        value = getattr(args, key, None)
        found.extend(name for name in (value if isinstance(value, list) else [value]) if name)
    return [name for name in found if isinstance(name, str)]


def stdin_twice(args: argparse.Namespace) -> bool:
    """Whether the command line names standard input (``-``) more than once."""
    return _inputs(args).count(STDIN) > 1


def missing_inputs(args: argparse.Namespace) -> list[str]:
    """The file arguments of a command that do not exist, for the hint an
    invalid-input exit adds."""
    return [
        name
        for name in _inputs(args)
        if name != STDIN
        and not _BARE_NAME.fullmatch(name)
        and not os.path.lexists(split_selector(name)[0])
    ]


@contextlib.contextmanager
def progress_line(stream: IO[str], text: str) -> Iterator[Callable[[int], None] | None]:
    """A function that shows ``text`` (with ``{n}``) on one line of ``stream`` when it is a
    terminal (:func:`~sistereval.safety.progress_wanted`), else None; the line is
    cleared at the end."""
    if not progress_wanted(stream):
        yield None
        return
    raw = raw_stream(stream)
    shown = False

    def show(n: int) -> None:
        nonlocal shown
        raw.write("\r\x1b[K" + text.format(n=n))
        raw.flush()
        shown = True

    try:
        yield show
    finally:
        if shown:
            raw.write("\r\x1b[K")
            raw.flush()


def write_error(
    args: argparse.Namespace,
    stdout: IO[str],
    stderr: IO[str],
    exc: SisterevalError,
    **where: str,
) -> None:
    """An error reading or evaluating one input: its text on standard error, or with
    ``--format json`` one JSON line on standard output, ``where`` (which input:
    ``input=`` a case, ``rules=`` a rule set) then ``error``
    (:func:`sistereval.errors.error_to_dict`), as ``batch`` writes a failed case."""
    if getattr(args, "format", None) == "json":
        record = {**where, "error": error_to_dict(exc)}
        stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        stderr.write(f"{exc}\n")
