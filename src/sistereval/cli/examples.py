"""``sistereval examples [--copy DIR]``: the example cases and register shipped with
sistereval, listed or copied into a folder (so the README's commands work anywhere)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import IO

from ..messages import CLI, texts
from ..resources import examples_path
from .common import INVALID, OK, Commands, add_lang_option

__all__ = ["declare"]


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "examples",
        help="list the example case files and register shipped with sistereval, or copy them",
        description="Print the folder of the shipped examples and their paths (one per line), "
        "or with --copy DIR copy them into DIR (created if needed; existing files are kept "
        "unless --force). Exit 0, or 2 when DIR cannot be written.",
    )
    parser.add_argument("--copy", metavar="DIR", help="copy the examples into DIR")
    parser.add_argument(
        "--force", action="store_true", help="with --copy: replace files that exist in DIR"
    )
    add_lang_option(parser)
    parser.set_defaults(handler=_examples)


_SUFFIXES = (".yaml", ".json", ".csv", ".xlsx")


def _files() -> list[Path]:
    """The shipped example files, in their folders (``tables/core-verdicts.yaml``)."""
    return sorted(
        path
        for path in examples_path().rglob("*")
        if path.is_file() and path.suffix in _SUFFIXES and "__pycache__" not in path.parts
    )


def _examples(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    t = texts(CLI, args.lang)
    if args.copy is None:
        if stdout.isatty():
            stderr.write(t["examples_in"].format(folder=examples_path()) + "\n")
        stdout.writelines(f"{path}\n" for path in _files())
        if stdout.isatty():
            stderr.write(t["examples_copy_hint"] + "\n")
        return OK
    folder = Path(args.copy)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in _files():
            target = folder / path.relative_to(examples_path())
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and not args.force:
                stderr.write(t["kept"].format(file=target) + "\n")
                continue
            shutil.copyfile(path, target)
            stdout.write(t["copied"].format(file=target) + "\n")
    except OSError as exc:
        stderr.write(t["copy_failed"].format(folder=folder, reason=exc.strerror or exc) + "\n")
        return INVALID
    return OK
