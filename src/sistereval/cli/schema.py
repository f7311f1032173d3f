"""``sistereval schema case|facts``: print a schema as JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from typing import IO

from ..cases import case_schema
from ..facts import schema_document
from .common import OK, Commands, Handler

__all__ = ["declare"]


def declare(commands: Commands) -> None:
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
