"""The ``sistereval`` command.

Exit codes for every command: 0 ok, 1 checks or tests failed, 2 invalid
input or usage.  :func:`run` takes its output streams as arguments so tests
can call it with string buffers; :func:`main` is the console script.

Each command is a function ``_add_NAME(subparsers)`` (or ``add_NAME_command`` in
its own module, imported only when that command runs or help lists every
command) that declares its arguments and sets ``handler``: a function
``(args, stdout, stderr) -> int``.  To add a command, write one and list it in
:data:`_COMMANDS`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TypeAlias

from . import __version__
from ._cliargs import add_lang_option, add_rules_option
from .cases import case_schema, load_case
from .errors import CaseError, SisterevalError
from .facts import schema_document

__all__ = ["main", "run"]

OK = 0
FAILED = 1
INVALID = 2

Handler = Callable[[argparse.Namespace, IO[str], IO[str]], int]
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


# --------------------------------------------------------------------------
# validate


def _add_validate(commands: Commands) -> None:
    parser = commands.add_parser(
        "validate",
        help="check case files and report every problem",
        description="Check case files. Prints one 'ok' line per valid file and every problem "
        "of an invalid one (file:line:col: code: message). Exit 0 when all are valid, 2 if not.",
    )
    parser.add_argument("cases", nargs="+", metavar="CASE", help="a case file (.yaml, .yml, .json)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    status = OK
    for name in args.cases:
        try:
            load_case(Path(name), file=name)
        except CaseError as exc:
            status = INVALID
            problems = exc.problems
        else:
            problems = ()
        if args.format == "json":
            result = {
                "file": name,
                "valid": not problems,
                "problems": [problem.to_dict() for problem in problems],
            }
            stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        elif problems:
            stdout.writelines(f"{problem}\n" for problem in problems)
        else:
            stdout.write(f"{name}: ok\n")
    return status


# --------------------------------------------------------------------------
# evaluate


def _add_evaluate(commands: Commands) -> None:
    parser = commands.add_parser(
        "evaluate",
        help="evaluate partnerships with a rule set",
        description="Evaluate each case with a rule set (default: the shipped 'core'). "
        "Exit 0 when every case was evaluated, 2 when a case or the rule set is invalid.",
    )
    parser.add_argument("cases", nargs="+", metavar="CASE", help="a case file (.yaml, .yml, .json)")
    add_rules_option(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for reading, json for the decision record, one object per line",
    )
    add_lang_option(parser)
    parser.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .evaluation import evaluate, rule_set
    from .report import render_text

    try:
        rules = rule_set(args.rules)
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    status = OK
    for name in args.cases:
        try:
            result = evaluate(load_case(Path(name), file=name), rules, language=args.lang)
        except SisterevalError as exc:
            stderr.write(f"{exc}\n")
            status = INVALID
            continue
        if args.format == "json":
            stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            stdout.write(render_text(result, source=name))
    return status


# --------------------------------------------------------------------------
# schema


def _add_schema(commands: Commands) -> None:
    parser = commands.add_parser(
        "schema",
        help="print a schema as JSON",
        description="Print the JSON Schema of case files, or the fact schema rules are "
        "checked against.",
    )
    which = parser.add_subparsers(title="schemas", metavar="SCHEMA", required=True)
    which.add_parser("case", help="the JSON Schema (draft 2020-12) of case files").set_defaults(
        handler=_print_json(case_schema)
    )
    which.add_parser("facts", help="the facts a rule can use, with their types").set_defaults(
        handler=_print_json(schema_document)
    )


def _print_json(document: Callable[[], Mapping[str, object]]) -> Handler:
    def handler(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
        stdout.write(json.dumps(document(), indent=2, ensure_ascii=False) + "\n")
        return OK

    return handler


# --------------------------------------------------------------------------


def _command(module: str, function: str) -> Callable[[Commands], None]:
    """A command declared by ``function`` of ``sistereval.<module>``, imported when used."""

    def add(commands: Commands) -> None:
        declare: Callable[[Commands], None] = getattr(
            importlib.import_module(f".{module}", __package__), function
        )
        declare(commands)

    add.__name__ = function
    return add


_COMMANDS: tuple[Callable[[Commands], None], ...] = (
    _add_validate,
    _add_evaluate,
    _command("explanation", "add_explain_command"),
    _command("whatif", "add_whatif_command"),
    _command("batch", "add_batch_command"),
    _command("check", "add_check_command"),
    _command("ruletest", "add_test_command"),
    _command("rulediff", "add_diff_command"),
    _command("report", "add_report_command"),
    _add_schema,
)


def _name(add: Callable[[Commands], None]) -> str:
    """The command ``add`` declares: ``_add_NAME`` or ``add_NAME_command``."""
    return add.__name__.removeprefix("_add_").removeprefix("add_").removesuffix("_command")


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; when ``argv`` names a command, only that command is declared, so
    only its module is imported (help and usage errors still see every command)."""
    parser = argparse.ArgumentParser(
        prog="sistereval",
        description="Evaluate city-to-city partnerships with explicit, testable rules.",
    )
    parser.add_argument("--version", action="version", version=f"sistereval {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    if chosen not in {_name(add) for add in _COMMANDS}:
        chosen = None
    for add in _COMMANDS:
        if chosen is None or _name(add) == chosen:
            add(commands)
    return parser


def run(argv: Sequence[str], stdout: IO[str], stderr: IO[str]) -> int:
    """Run the command line ``argv`` (without the program name); return the exit code."""
    # argparse prints usage, help and errors to sys.stdout / sys.stderr and
    # exits: send its output to our streams and turn its exit into a code.
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = _parser(argv).parse_args(list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else INVALID
    handler: Handler = args.handler
    return handler(args, stdout, stderr)


def main() -> None:
    """The console script: ``sistereval ...``."""
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))
