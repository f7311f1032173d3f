"""Case files: reading and writing them, the CSV register, and paths into a case.

``load`` reads a case file, YAML/JSON text or a mapping into a
:class:`~sistereval.model.Case`, reporting every problem at its line and
column; it also writes a case back (lossless) and gives the JSON Schema of the
format.  ``register`` reads the rows of a CSV register of partnerships;
``paths`` parses and follows paths such as ``fields[name=culture].status``.
Documented in ``docs/case-files.md``.
"""

from __future__ import annotations

from .load import (
    CASE_FORMAT,
    as_case,
    case_schema,
    case_sha256,
    case_to_dict,
    dump_case,
    load_case,
    load_cases,
)

__all__ = [
    "CASE_FORMAT",
    "as_case",
    "case_schema",
    "case_sha256",
    "case_to_dict",
    "dump_case",
    "load_case",
    "load_cases",
]
