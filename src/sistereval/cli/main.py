"""The ``sistereval`` command: the parser, :func:`run` and :func:`main`.

Exit codes for every command (:mod:`sistereval.cli.common`): 0 ok, 1 checks or
tests failed, 2 invalid input or usage, 3 an internal error (a bug: one line
naming where to report it; the traceback with ``--debug``), 130 interrupted
(Ctrl-C), 141 the reader of the output went away (``sistereval ... | head -1``:
no message).  :func:`run` takes its streams as arguments so tests can call it
with string buffers; :func:`main` is the console script and ``python -m sistereval``.

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
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, cast

from ..errors import SisterevalError, UsageError
from ..messages import BACKEND, CLI, LANGUAGES, closest, texts
from ..safety import TerminalStream
from ..version import __version__
from .common import (
    BROKEN_PIPE,
    BUG_REPORTS,
    INTERNAL,
    INTERRUPTED,
    INVALID,
    Commands,
    Handler,
    missing_inputs,
    stdin_twice,
)
from .interrupts import interrupts_delivered

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
    "examples": "examples",
    "completion": "completion",
}


def _declare(command: str) -> Callable[[Commands], None]:
    module = importlib.import_module(f".{COMMANDS[command]}", __package__)
    declare: Callable[[Commands], None] = module.declare
    return declare


class _Version(argparse.Action):
    """``--version``: the version and the backend in use (found out only when asked)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help=kwargs.get("help"))

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        sys.stdout.write(version_text() + "\n")  # redirected to run's stdout
        parser.exit()


def version_text(language: str = "en") -> str:
    """``sistereval 0.1.0 (backend: durable, durable_rules 2.0.28)``, or the reason
    the reference evaluator is used."""
    from .. import evaluation  # loads the engine's modules: only when asked

    t = texts(CLI, language)
    reason = evaluation.durable_error()
    if reason is None:
        backend = "durable, " + t["version_durable"].format(version=evaluation.durable_version())
    else:
        backend = t["version_reference"].format(reason=reason)
    return t["version"].format(version=__version__, backend=backend)


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; when ``argv`` names a command, only that command is declared, so
    only its module is imported (help and usage errors still see every command)."""
    parser = argparse.ArgumentParser(
        prog="sistereval",
        description="Evaluate city-to-city partnerships with explicit, testable rules.",
    )
    parser.add_argument(
        "--version", action=_Version, help="print the version and the backend in use, and exit"
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an internal error, print the traceback (also accepted after the command)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    chosen = _command(argv)
    for command in COMMANDS:
        if chosen not in COMMANDS or command == chosen:
            _declare(command)(commands)
    for sub in _parsers(commands):
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


def _parsers(commands: Commands) -> Iterator[argparse.ArgumentParser]:
    """The parser of every command and subcommand (``schema case``)."""
    for sub in commands.choices.values():
        yield sub
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield from _parsers(action)


def _command(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _language(argv: Sequence[str]) -> str:
    """The ``--lang`` of a command line not yet parsed (for the messages about it)."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    return "en"


def run(argv: Sequence[str], stdout: IO[str], stderr: IO[str], stdin: IO[str] | None = None) -> int:
    """Run the command line ``argv`` (without the program name); return the exit code.

    ``stdin`` is what a file argument ``-`` reads (default: :data:`sys.stdin`).
    Everything a command writes goes through :class:`~sistereval.safety.TerminalStream`:
    user-supplied text can carry no escape sequence, control, bidi or zero-width
    character onto a terminal (JSON output keeps them as ``\\uXXXX`` escapes)."""
    out, err = _safe(stdout), _safe(stderr)
    argv = list(argv)
    t = texts(CLI, _language(argv))
    chosen = _command(argv)
    if chosen is not None and chosen not in COMMANDS and "-h" not in argv and "--help" not in argv:
        err.write(_unknown_command(chosen, t))
        return INVALID
    # argparse prints usage, help and errors to sys.stdout / sys.stderr and
    # exits: send its output to our streams and turn its exit into a code.
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            parser = _parser(argv)
            args, extras = parser.parse_known_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else INVALID
    if extras:
        err.write(_unknown_arguments(parser, chosen or "", extras, t))
        return INVALID
    args.stdin = sys.stdin if stdin is None else stdin
    language = getattr(args, "lang", None) or _language(argv)
    t = texts(CLI, language)
    if stdin_twice(args):
        err.write(t["stdin_twice"] + "\n")
        return INVALID
    if hasattr(args, "backend"):
        try:
            args.backend = _backend(args.backend, err, language)
        except UsageError as exc:
            err.write(f"{exc}\n")
            return INVALID
    handler: Handler = args.handler
    if getattr(args, "format", None) == "json":
        out = _safe(stdout, json=True)
    try:
        status = handler(args, out, err)
    except BrokenPipeError:
        return BROKEN_PIPE
    except KeyboardInterrupt:
        err.write(t["interrupted"] + "\n")
        return INTERRUPTED
    except SisterevalError as exc:  # the input's fault, whichever command it reached
        err.write(f"{exc}\n")
        status = INVALID
    except Exception as exc:
        if args.debug:
            err.write(t["traceback"] + "\n")
            err.write("".join(traceback.format_exception(exc)))
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        err.write(t["internal_error"].format(error=error, url=BUG_REPORTS) + "\n")
        return INTERNAL
    if status == INVALID and (missing := missing_inputs(args)):
        err.write(t["not_found_hint"].format(names=", ".join(map(repr, missing))) + "\n")
    return status


def _backend(wanted: str | None, err: IO[str], language: str) -> str:
    """The backend a command evaluates with: ``--backend``, else ``SISTEREVAL_BACKEND``,
    else durable where durable_rules loads and the reference evaluator (with one notice
    on ``err``) where it does not."""
    from .. import evaluation  # a command that evaluates loads it anyway

    t = texts(BACKEND, language)
    if wanted is None:
        variable = os.environ.get("SISTEREVAL_BACKEND") or None
        if variable is not None and variable not in ("durable", "reference"):
            choices = ", ".join(repr(c) for c in ("durable", "reference"))
            raise UsageError(t["bad_variable"].format(value=variable, choices=choices))
        wanted = variable
    reason = evaluation.durable_error()
    if reason is None:
        return wanted or "durable"
    if wanted == "durable":
        raise UsageError(t["unavailable"].format(reason=reason))
    if wanted is None:
        err.write(t["fallback"].format(reason=reason) + "\n")
    return "reference"


def _unknown_command(command: str, t: Mapping[str, str]) -> str:
    text = t["unknown_command"].format(command=command)
    suggestion = closest(command, COMMANDS)
    if suggestion is not None:
        text += " (" + t["suggest"].format(suggestion=suggestion) + ")"
    return f"{text}\n{t['commands_are'].format(commands=', '.join(COMMANDS))}\n"


def _unknown_arguments(
    parser: argparse.ArgumentParser, command: str, extras: Sequence[str], t: Mapping[str, str]
) -> str:
    """One line per unknown option, with the closest option of the command; the other
    arguments left over on one more line."""
    options = [o for o in _options(parser, command) if o.startswith("--")]
    lines = []
    for extra in (e for e in extras if e.startswith("-") and e != "-"):
        option = extra.partition("=")[0]
        text = t["unknown_option"].format(command=command, option=option)
        suggestion = closest(option, options)
        if suggestion is not None:
            text += " (" + t["suggest"].format(suggestion=suggestion) + ")"
        lines.append(text)
    others = [e for e in extras if not e.startswith("-") or e == "-"]
    if others:
        lines.append(t["unknown_arguments"].format(command=command, arguments=" ".join(others)))
    lines.append(t["help_hint"].format(command=f"{command} " if command else ""))
    return "".join(f"{line}\n" for line in lines)


def _options(parser: argparse.ArgumentParser, command: str) -> list[str]:
    """The option strings of ``command`` (and the top-level ones)."""
    found = list(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            found.extend(action.choices[command]._option_string_actions)
    return found


def _safe(stream: IO[str], *, json: bool = False) -> IO[str]:
    return cast(IO[str], TerminalStream(stream, json=json))


def main() -> None:
    """The console script: ``sistereval ...`` (and ``python -m sistereval``)."""
    interrupted = texts(CLI, _language(sys.argv[1:]))["interrupted"]
    try:
        with interrupts_delivered(interrupted):
            status = run(sys.argv[1:], sys.stdout, sys.stderr)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        status = BROKEN_PIPE
    except KeyboardInterrupt:
        sys.stderr.write(interrupted + "\n")
        status = INTERRUPTED
    if status == BROKEN_PIPE:
        # Python flushes stdout again at exit: point it at /dev/null so that
        # nothing is printed about the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(status)
