"""Read case files (DESIGN.md §3): YAML or JSON, ``format: sistereval/case@1``.

:func:`load_case` reads a file, a YAML/JSON text or an already parsed
mapping into a :class:`~sistereval.model.Case`.  Before anything is built,
the raw data is checked against the attrs model itself (:mod:`.validate`), so
every problem of a file is reported at once, each at its line and column, in
one :class:`~sistereval.errors.CaseError`; then the converter
(:mod:`.convert`) builds the case.  :func:`load_cases` reads several files
and :func:`as_case` accepts a case or anything :func:`load_case` reads.

:func:`~sistereval.cases.dump_case` writes a case back (:mod:`.dump`); the
round trip is lossless.

>>> from sistereval.cases import dump_case
>>> case = load_case('''
... format: sistereval/case@1
... id: bandung-namur
... title: Bandung and Namur
... kind: sister_city
... partners:
...   - {id: bdg, name: Bandung, country: ID, location: {lat: -6.922, lon: 107.607}}
...   - {id: nam, name: Namur, country: BE, location: {lat: 50.467, lon: 4.867}}
... milestones:
...   - {type: mou, date: 2017-10-10}
... ''')
>>> case.milestones[0].date.precision
'day'
>>> load_case(dump_case(case)) == case
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any, cast

from ..documents import (
    Document,
    NotRegularFileError,
    read_document,
    read_file,
    read_regular_file,
)
from ..errors import CaseError, DocumentError, LimitError, Location, Problem
from ..messages import REACH
from ..model import CASE_FORMAT, Case
from .convert import CONVERTER
from .upgrade import UpgradeResult, upgrade_data, upgrade_text
from .validate import check_document

__all__ = ["as_case", "load_case", "load_cases", "load_named_case", "upgrade_file"]

#: The file extensions :func:`load_case` reads.
_SUFFIXES = (".yaml", ".yml", ".json")
_FILE_LIKE = re.compile(r"^[^\n{}\[\]:]*\.(?:ya?ml|json)$", re.IGNORECASE)


def load_case(
    source: str | os.PathLike[str] | Mapping[str, Any], *, file: str | None = None
) -> Case:
    """Read one case from a file path, a YAML/JSON text or a parsed mapping.

    ``source`` may be a path (``.yaml``, ``.yml`` or ``.json``), a ``str``
    that names an existing file or else holds the YAML/JSON text, or a
    mapping of already parsed data (then problems carry data paths only).
    ``file`` names the source in messages; it defaults to the path given.

    Raises :class:`~sistereval.errors.CaseError` with every problem found
    (its subclasses :class:`~sistereval.errors.DocumentError` and
    :class:`~sistereval.errors.LimitError` when the text cannot be read).
    """
    if isinstance(source, Mapping):
        doc = Document(data=source, file=file)
    else:
        path = _as_file(source)
        if path is not None:
            label = file or os.fspath(path)
            doc = read_document(_read_file(path, label), file=label)
        else:
            doc = read_document(cast(str, source), file=file)
    return _structure(doc)


def _structure(doc: Document) -> Case:
    check_document(doc)
    try:
        return CONVERTER.structure(upgrade_data(doc.data), Case)
    except (ValueError, TypeError) as exc:  # pragma: no cover - the check above should catch it
        raise CaseError(
            [Problem(code="invalid-value", message=str(exc), location=Location(file=doc.file))]
        ) from exc


def load_named_case(path: str, *, file: str) -> Case:
    """The case file ``path`` that a rule file's test names (``case:``).

    Only a regular file is read, without blocking
    (:func:`~sistereval.documents.read_regular_file`), and a file that is not a case
    file (no ``format: sistereval/case@1``) is one ``not-a-case-file`` problem that
    quotes nothing of it: a rule file from someone else cannot show the content of
    the reader's other YAML or JSON files through the errors of a test.
    """
    try:
        text = read_regular_file(path, file=file)
    except LimitError:
        raise
    except NotRegularFileError:
        message = REACH["en"]["not_a_file"].format(path=file, kind=REACH["en"]["special"])
        raise _file_problem(file, message, code="not-a-file") from None
    except UnicodeDecodeError:
        raise _not_case_file(file) from None
    except FileNotFoundError:
        raise _file_problem(file, "no such file") from None
    except OSError as exc:
        raise _file_problem(file, exc.strerror or str(exc)) from None
    try:
        doc = read_document(text, file=file)
    except LimitError:
        raise
    except DocumentError:
        if CASE_FORMAT not in text:
            raise _not_case_file(file) from None
        raise
    if not isinstance(doc.data, Mapping) or doc.data.get("format") != CASE_FORMAT:
        raise _not_case_file(file)
    return _structure(doc)


def _not_case_file(file: str) -> CaseError:
    message = REACH["en"]["not_case_file"].format(path=file)
    return _file_problem(file, message, code="not-a-case-file")


def load_cases(sources: Iterable[str | os.PathLike[str]]) -> list[Case]:
    """Read several case files; one :class:`CaseError` carries the problems of all of them."""
    cases: list[Case] = []
    problems: list[Problem] = []
    for source in sources:
        try:
            cases.append(load_case(FilePath(source)))
        except CaseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    return cases


def as_case(case: Case | str | os.PathLike[str] | Mapping[str, Any]) -> Case:
    """``case`` itself, or the case it names (a path, YAML/JSON text or a mapping,
    read by :func:`load_case`): what every public function accepts as a case."""
    return case if isinstance(case, Case) else load_case(case)


def upgrade_file(path: os.PathLike[str] | str, *, file: str | None = None) -> UpgradeResult:
    """The text of the case file ``path`` upgraded to ``case@2``, checked to be lossless.

    Raises :class:`~sistereval.errors.CaseError` when the file is not a valid
    case file, or when the upgraded text would not read back as the same case
    (code ``lossy-upgrade``).
    """
    label = file or os.fspath(path)
    before = load_case(FilePath(path), file=label)
    text = read_file(FilePath(path), file=label)
    result = upgrade_text(text, read_document(text, file=label).data, file=label)
    if result.changed and load_case(result.text, file=label) != before:
        raise CaseError(
            [
                Problem(
                    code="lossy-upgrade",
                    message="the upgraded file would not read back as the same case",
                    location=Location(file=label),
                    suggestion="upgrade it by hand: change the format line and add as_of",
                )
            ]
        )
    return result


# --------------------------------------------------------------------------
# Files.


def _as_file(source: str | os.PathLike[str]) -> FilePath | None:
    """The file ``source`` names, or ``None`` when it is YAML/JSON text."""
    if not isinstance(source, str):
        return FilePath(source)
    if "\n" in source:
        return None
    try:
        if os.path.isfile(source):
            return FilePath(source)
    except (OSError, ValueError):  # a name too long, an embedded NUL: text
        return None
    # One line ending in .yaml or .json is meant as a file, not as YAML text.
    return FilePath(source) if _FILE_LIKE.match(source.strip()) else None


def _file_problem(label: str, message: str, *, code: str = "file-error") -> CaseError:
    return CaseError([Problem(code=code, message=message, location=Location(file=label))])


def _read_file(path: FilePath, label: str) -> str:
    try:
        text = read_file(path, file=label)
    except FileNotFoundError:
        raise _file_problem(label, "no such file") from None
    except IsADirectoryError:
        raise _file_problem(label, "this is a directory, not a file") from None
    except PermissionError:
        raise _file_problem(label, "permission denied") from None
    except UnicodeDecodeError as exc:
        raise _file_problem(label, f"the file is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _file_problem(label, exc.strerror or str(exc)) from None
    if path.suffix.lower() not in _SUFFIXES:
        raise _file_problem(label, "a case file's name must end in .yaml, .yml or .json")
    if path.suffix.lower() == ".json":
        # A tab may indent JSON but not YAML; outside strings it is only
        # white space, and inside a JSON string it cannot stand unescaped.
        text = text.replace("\t", " ")
    return text
