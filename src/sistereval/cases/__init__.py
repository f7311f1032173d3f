"""Case files: reading and writing them, the CSV register, and paths into a case.

``load`` reads a case file, YAML/JSON text or a mapping into a
:class:`~sistereval.model.Case`: ``validate`` first checks the raw data
against the model, reporting every problem at its line and column, then
``convert`` builds the case.  ``dump`` writes a case back (lossless),
``schema`` gives the JSON Schema of the format; ``hints`` reads the model's
type hints and validators for the checker, the converter and the schema.
``upgrade`` maps ``case@1`` files to ``case@2``.
``register`` reads the rows of a CSV register of partnerships; ``paths``
parses and follows paths such as ``fields[name=culture].status``.
Documented in ``docs/case-files.md``.
"""

from __future__ import annotations

from ..model import CASE_FORMAT, CASE_FORMAT_V1
from .dump import case_sha256, case_to_dict, dump_case
from .load import as_case, load_case, load_cases, load_named_case, upgrade_file
from .schema import case_schema
from .upgrade import upgrade_data

__all__ = [
    "CASE_FORMAT",
    "CASE_FORMAT_V1",
    "as_case",
    "case_schema",
    "case_sha256",
    "case_to_dict",
    "dump_case",
    "load_case",
    "load_cases",
    "load_named_case",
    "upgrade_data",
    "upgrade_file",
]
