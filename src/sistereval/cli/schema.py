"""``sistereval schema case|rules|facts [--out FILE]``: print or write a schema as JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from typing import IO

from ..cases import case_schema
from ..errors import SisterevalError
from ..facts import schema_document
from ..language import rules_schema
from ..messages import SCHEMA, texts
from ..outfile import atomic_write, check_output
from .common import INVALID, OK, Commands, Handler, add_lang_option

__all__ = ["declare"]

_SCHEMAS: Mapping[str, tuple[Callable[[], Mapping[str, object]], str]] = {
    "case": (case_schema, "the JSON Schema (draft 2020-12) of case files, for editors"),
    "rules": (rules_schema, "the JSON Schema (draft 2020-12) of rule files, for editors"),
    "facts": (schema_document, "the facts a rule can use, with their types"),
}


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "schema",
        help="print a schema as JSON",
        description="Print the JSON Schema of case files or of rule files, for editors "
        "(docs/case-files.md), or the fact schema rules are checked against; "
        "with --out FILE write it to FILE. Exit 0, or 2 when FILE cannot be written.",
    )
    which = parser.add_subparsers(title="schemas", metavar="SCHEMA", required=True)
    for name, (document, help) in _SCHEMAS.items():
        sub = which.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
        sub.add_argument(
            "--out",
            "--output",
            metavar="FILE",
            dest="out",
            help="write the schema to FILE instead of standard output",
        )
        add_lang_option(sub)
        sub.set_defaults(handler=_schema_handler(name, document))


def _schema_handler(name: str, document: Callable[[], Mapping[str, object]]) -> Handler:
    def handler(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
        text = json.dumps(document(), indent=2, ensure_ascii=False) + "\n"
        if args.out is None:
            stdout.write(text)
            return OK
        t = texts(SCHEMA, args.lang)
        try:
            target = check_output(args.out)
            with atomic_write(target) as stream:
                stream.write(text)
        except SisterevalError as exc:
            stderr.write(f"{exc}\n")
            return INVALID
        except OSError as exc:
            reason = exc.strerror or str(exc)
            stderr.write(t["cannot_write"].format(file=args.out, reason=reason) + "\n")
            return INVALID
        stdout.write(t["written"].format(file=args.out, what=t[name]) + "\n")
        if name != "facts":
            stdout.write(t["modeline"].format(file=target) + "\n")
        return OK

    return handler
