"""Command-line options that several commands share, declared once."""

from __future__ import annotations

import argparse

__all__ = ["add_case_argument", "add_lang_option", "add_rules_option"]


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
        "--lang", choices=("en", "id"), default="en", help="language of messages (default: en)"
    )
