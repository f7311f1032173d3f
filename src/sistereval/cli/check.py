"""``sistereval check RULES...``: find defects in rule sets, statically and on
generated cases."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from collections.abc import Iterator
from typing import IO

import hypothesis.configuration
import platformdirs

from ..check import DEFAULT_EXAMPLES, WithProperties, check_rules, with_properties
from ..errors import SisterevalError
from ..messages import CHECK, CLI, texts
from .common import (
    FAILED,
    INVALID,
    OK,
    Commands,
    add_backend_option,
    add_format_option,
    add_time_budget_option,
    progress_line,
    read_rules,
    write_error,
)

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "check",
        help="find defects in rule sets: contradictions, gaps, dead rules, broken invariants",
        description="Check each rule set statically (rules that can never fire, derived "
        "facts no rule reads, verdict rules that never decide or that overlap when the rule "
        "set declares its verdicts unique, cases no verdict rule covers, missing translations "
        "as warnings) and then on generated cases (determinism, order independence, "
        "isolation, declared invariants, a witness for every rule). Exit 0 when no defect is "
        "found (warnings allowed), 1 when one is, 2 when a rule file is invalid.",
    )
    parser.add_argument(
        "rules",
        nargs="+",
        metavar="RULES",
        help="a rule file (- for standard input), or the name of a shipped rule set",
    )
    add_format_option(parser, "text for reading, json for one report object per rule file and line")
    _add_property_options(parser)
    add_backend_option(parser)
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    status = OK
    for name in args.rules:
        try:
            report = check_rules(read_rules(args, name))
            if not args.no_properties:
                text = texts(CLI, getattr(args, "lang", "en"))["progress_check"]
                with hypothesis_storage(), progress_line(stderr, text) as progress:
                    report = with_properties(
                        report,
                        examples=args.examples,
                        seed=args.seed,
                        save_to=args.save_counterexamples,
                        backend=args.backend,
                        time_limit=args.time_budget,
                        progress=progress,
                    )
                if args.format == "text":
                    stdout.write(f"{name}: {report.properties.summary()}\n")
        except SisterevalError as exc:
            write_error(args, stdout, stderr, exc, rules=name)
            status = INVALID
            continue
        if not report.ok:
            status = max(status, FAILED)
        if args.format == "json":
            data = {"rules": name, **report.to_dict()}
            stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            continue
        stdout.writelines(f"warning: {warning}\n" for warning in report.warnings)
        if report.proofs is not None:
            stdout.writelines(f"{name}: {line}\n" for line in report.proofs.summary())
        stopped = isinstance(report, WithProperties) and not report.properties.complete
        if report.ok and stopped:
            stdout.write(f"{name}: {texts(CHECK, 'en')['incomplete']}\n")
        elif report.ok:
            stdout.write(f"{name}: ok\n")
        else:
            stdout.writelines(f"{problem}\n" for problem in report.problems)
        stdout.writelines(f"{name}: note: {note}\n" for note in report.notes)
    return status


@contextlib.contextmanager
def hypothesis_storage() -> Iterator[None]:
    """Hypothesis keeps its caches (such as its Unicode tables) in the user's cache
    directory while ``check`` runs, not in a ``.hypothesis`` folder of the working
    directory (``HYPOTHESIS_STORAGE_DIRECTORY``, when set, is left to decide);
    the searches themselves keep no example database."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    cache = platformdirs.user_cache_path("sistereval", appauthor=False) / "hypothesis"
    hypothesis.configuration.set_hypothesis_home_dir(cache)
    try:
        yield
    finally:
        hypothesis.configuration.set_hypothesis_home_dir(None)


def _add_property_options(parser: argparse.ArgumentParser) -> None:
    """``--examples N``, ``--seed S``, ``--save-counterexamples DIR``, ``--no-properties``."""
    parser.add_argument(
        "--examples",
        type=_positive,
        default=None,
        metavar="N",
        help=f"cases each property search generates (default: {DEFAULT_EXAMPLES})",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="S",
        help="run another reproducible search (default: the derandomized one)",
    )
    parser.add_argument(
        "--save-counterexamples",
        default=None,
        metavar="DIR",
        help="write each counterexample as a case file in DIR",
    )
    parser.add_argument(
        "--no-properties",
        action="store_true",
        help="run the static checks only",
    )
    add_time_budget_option(parser, "the aimed witness searches")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return int(text)


def _seed(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"a whole number of at least 0, not {text!r}")
    return int(text)
