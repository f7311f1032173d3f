"""One line of a JSON Lines file of cases, read within the limits of a case file.

:func:`read_line` gives the parsed value of one line, or raises a
:class:`~sistereval.errors.CaseError` located at the line: ``json-syntax`` for
text that is not JSON, and a :class:`~sistereval.errors.LimitError` with the
case file's codes for a line past a case file's limits
(:class:`~sistereval.documents.Limits`): ``limit-size`` beyond 5 MiB,
``limit-depth`` beyond 64 levels of nesting, ``limit-items`` for a list of
more than 1,000 items, ``limit-string`` for a string of more than 100,000
characters, ``limit-nodes`` beyond 200,000 values.  The size is checked
before the line is parsed; nesting too deep to parse is refused as
``limit-depth``, never an internal error.  Integers of more than
:data:`MAX_DIGITS` digits are read as floats (so the case format's bound on
numbers refuses them at its field, as in a case file).
"""

from __future__ import annotations

import json
from typing import Any, Final

from ..documents import Limits, format_path
from ..errors import CaseError, LimitError, Location, Problem

__all__ = ["MAX_DIGITS", "read_line"]

#: Integers longer than this are read as floats (Python refuses to read an integer of
#: more than 4,300 digits at all; the case format bounds numbers at 10^15).
MAX_DIGITS: Final = 100
_LIMITS: Final = Limits()


def read_line(line: str, *, file: str, lineno: int, limits: Limits = _LIMITS) -> Any:
    """The JSON value of ``line`` (line ``lineno`` of ``file``), within ``limits``."""
    size = len(line.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        message = f"the line is larger than {limits.max_bytes} bytes"
        raise LimitError([_problem(file, lineno, "limit-size", message)])
    try:
        data = json.loads(line, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise CaseError([_problem(file, lineno, "json-syntax", exc.msg, exc.colno)]) from None
    except RecursionError:
        message = f"the line nests deeper than {limits.max_depth} levels"
        raise LimitError([_problem(file, lineno, "limit-depth", message)]) from None
    _bounded(data, limits, file, lineno)
    return data


def _integer(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else float(text)


def _bounded(data: Any, limits: Limits, file: str, lineno: int) -> None:
    """Raise the first limit ``data`` breaches (walked without recursion)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    nodes = 0

    def breach(code: str, message: str, path: tuple[str | int, ...]) -> LimitError:
        return LimitError([_problem(file, lineno, code, message, path=format_path(path))])

    while stack:
        value, path = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise breach("limit-nodes", f"the line holds more than {limits.max_nodes} values", path)
        if len(path) > limits.max_depth:
            message = f"the line nests deeper than {limits.max_depth} levels"
            raise breach("limit-depth", message, path)
        if isinstance(value, str) and len(value) > limits.max_string:
            message = f"a string is longer than {limits.max_string} characters"
            raise breach("limit-string", message, path)
        if isinstance(value, list):
            if len(value) > limits.max_items:
                message = f"a list holds more than {limits.max_items} items"
                raise breach("limit-items", message, path)
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if len(key) > limits.max_string:
                    message = f"a key is longer than {limits.max_string} characters"
                    raise breach("limit-string", message, path)
                stack.append((item, (*path, key)))


def _problem(
    file: str, lineno: int, code: str, message: str, column: int = 1, *, path: str = ""
) -> Problem:
    location = Location(file=file, line=lineno, column=column, path=path)
    return Problem(code=code, message=message, location=location)
