"""``sistereval batch INPUT --out FILE``: evaluate many cases in parallel."""

from __future__ import annotations

import argparse
from typing import IO

from ..batch import FORMATS, run_batch
from ..errors import SisterevalError
from ..safety import progress_wanted, raw_stream
from .common import (
    INVALID,
    OK,
    Commands,
    add_backend_option,
    add_lang_option,
    add_rules_option,
    read_rules,
)

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "batch",
        help="evaluate a directory, CSV or xlsx register or JSON Lines file of cases in parallel",
        description="Evaluate every case of INPUT (a directory of case files, a CSV or .xlsx "
        "register with one partnership per row, or a JSON Lines file with one case mapping "
        "per line) and write one decision record per case to "
        "--out, in input order. Failed cases are recorded, not fatal. Records of an existing "
        "--out that are still current are kept and their cases skipped. Exit 0 when the run "
        "completed, 2 when INPUT or the rule set cannot be used. A progress bar is drawn on stderr "
        "when it is a terminal.",
    )
    parser.add_argument(
        "input",
        metavar="INPUT",
        help="a directory of case files, a .csv or .xlsx register, a .jsonl file or one case file",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="the output file")
    add_rules_option(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="the most worker processes (default: the CPUs this process may use), one per "
        "100 cases at the most; 1 runs in-process",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: xlsx for an --out ending .xlsx, csv for .csv or .tsv, "
        "else jsonl); xlsx needs the xlsx extra",
    )
    add_lang_option(parser)
    add_backend_option(parser)
    parser.set_defaults(handler=_batch_command)


def _batch_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        rules = read_rules(args, args.rules)
        summary = run_batch(
            args.input,
            args.out,
            rules=rules,
            jobs=args.jobs,
            fmt=args.format,
            language=args.lang,
            progress=raw_stream(stderr) if progress_wanted(stderr) else None,
            backend=args.backend,
        )
    except SisterevalError as exc:
        stderr.write(f"{exc}\n")
        return INVALID
    stdout.write(str(summary))
    return OK
