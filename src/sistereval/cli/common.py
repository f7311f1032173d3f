"""What every command shares: the exit codes, the handler type, and the options
several commands declare, each written once."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import IO, Final, TypeAlias

from ..messages import LANGUAGES

__all__ = [
    "FAILED",
    "INVALID",
    "OK",
    "Commands",
    "Handler",
    "add_case_argument",
    "add_format_option",
    "add_lang_option",
    "add_rules_option",
    "positive",
]

#: The exit codes of every command.
OK: Final = 0
#: Checks or tests failed (or ``--fail-on`` matched).
FAILED: Final = 1
#: Invalid input or usage.
INVALID: Final = 2

#: The subcommands of ``sistereval``, as argparse gives them to each command's ``declare``.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
#: What runs a command: ``(args, stdout, stderr) -> exit code``.
Handler = Callable[[argparse.Namespace, IO[str], IO[str]], int]


def add_case_argument(parser: argparse.ArgumentParser) -> None:
    """``CASE``: the one case file a command reads."""
    parser.add_argument("case", metavar="CASE", help="a case file (.yaml, .yml, .json)")


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    """``--rules FILE|NAME``: the rule set to evaluate with (default: the shipped ``core``)."""
    parser.add_argument(
        "--rules",
        default="core",
        metavar="FILE|NAME",
        help="a rule file, or the name of a shipped rule set (default: core)",
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


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return number
