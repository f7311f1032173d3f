"""The ``sistereval`` command: the parser, :func:`run` and :func:`main`.

Exit codes for every command: 0 ok, 1 checks or tests failed, 2 invalid
input or usage (:mod:`sistereval.cli.common`).  :func:`run` takes its output
streams as arguments so tests can call it with string buffers; :func:`main` is
the console script.

Each command is one module of this folder with a function ``declare(commands)``
that declares its arguments and sets ``handler``: a function
``(args, stdout, stderr) -> int``.  To add a command, write its module and list
it in :data:`COMMANDS`; the module is imported only when its command runs (or
when help lists every command).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import IO, cast

from ..safety import TerminalStream
from ..version import __version__
from .common import INVALID, Commands, Handler

__all__ = ["COMMANDS", "main", "run"]

#: Every command, in the order help lists them, and the module of this folder declaring it.
COMMANDS: Mapping[str, str] = {
    "validate": "validate",
    "upgrade": "upgrade",
    "evaluate": "evaluate",
    "explain": "explain",
    "whatif": "whatif",
    "batch": "batch",
    "check": "check",
    "test": "test",
    "diff": "diff",
    "report": "report",
    "schema": "schema",
}


def _declare(command: str) -> Callable[[Commands], None]:
    module = importlib.import_module(f".{COMMANDS[command]}", __package__)
    declare: Callable[[Commands], None] = module.declare
    return declare


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
    for command in COMMANDS:
        if chosen not in COMMANDS or command == chosen:
            _declare(command)(commands)
    return parser


def run(argv: Sequence[str], stdout: IO[str], stderr: IO[str]) -> int:
    """Run the command line ``argv`` (without the program name); return the exit code.

    Everything a command writes goes through :class:`~sistereval.safety.TerminalStream`:
    user-supplied text can carry no escape sequence, control, bidi or zero-width
    character onto a terminal (JSON output keeps them as ``\\uXXXX`` escapes)."""
    out, err = _safe(stdout), _safe(stderr)
    # argparse prints usage, help and errors to sys.stdout / sys.stderr and
    # exits: send its output to our streams and turn its exit into a code.
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = _parser(argv).parse_args(list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else INVALID
    handler: Handler = args.handler
    if getattr(args, "format", None) == "json":
        out = _safe(stdout, json=True)
    return handler(args, out, err)


def _safe(stream: IO[str], *, json: bool = False) -> IO[str]:
    return cast(IO[str], TerminalStream(stream, json=json))


def main() -> None:
    """The console script: ``sistereval ...``."""
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))
