"""Every exception sistereval raises.

One root, :class:`SisterevalError`.  Below it, load errors (a case file or a
rule file that cannot be used) carry one or more located :class:`Problem`
records; evaluation errors name the rule that failed.  Each class also
subclasses the builtin it resembles, so callers can catch either.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "CaseError",
    "DocumentError",
    "EvaluationError",
    "LimitError",
    "Location",
    "Problem",
    "RuleError",
    "SisterevalError",
    "UsageError",
    "error_to_dict",
]


@attrs.frozen(kw_only=True, order=False)
class Location:
    """Where something is: a file, a 1-based line and column, a data path.

    ``path`` is the position inside the document, such as ``rules[3].when``
    or ``partners[0].location.lat``.  Any part may be unknown.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.path)


@attrs.frozen(kw_only=True)
class Problem:
    """One located error: ``file:line:col: code: message``.

    ``code`` is stable and documented in ``docs/errors.md``;
    ``suggestion`` is the did-you-mean or the allowed values, when known.
    """

    code: str
    message: str
    location: Location = attrs.field(factory=Location)
    suggestion: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.code}: {self.message}"
        if self.location.path:
            text += f" in {self.location.path}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "path": self.location.path,
            "suggestion": self.suggestion,
        }


class SisterevalError(Exception):
    """The root of every error sistereval raises on purpose."""


class UsageError(SisterevalError, ValueError):
    """A library function or command was called with arguments it cannot take."""


class _LoadError(SisterevalError, ValueError):
    """A document with one or more located problems, all reported at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.location.sort_key(), p.code, p.message))
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class CaseError(_LoadError):
    """A case file (or case mapping) is invalid."""


class RuleError(_LoadError):
    """A rule file is invalid: syntax, types, references, translations."""


class DocumentError(CaseError, RuleError):
    """A file cannot be read as a safe YAML/JSON document (syntax, tags, keys)."""


class LimitError(DocumentError):
    """An input exceeded a documented limit (size, depth, aliases, ...)."""


class EvaluationError(SisterevalError, RuntimeError):
    """Evaluating a case failed; ``rule`` names the rule involved, if any."""

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        self.rule = rule
        super().__init__(f"rule {rule!r}: {message}" if rule else message)


def error_to_dict(exc: SisterevalError) -> dict[str, object]:
    """``exc`` as JSON data: ``code`` (the first problem's, else ``evaluation-error``
    for an :class:`EvaluationError` and ``usage-error`` for any other), ``message``
    (the text the command line prints) and, for a file with located problems, every
    ``problems`` entry (:meth:`Problem.to_dict`)."""
    problems: tuple[Problem, ...] = getattr(exc, "problems", ())
    if problems:
        return {
            "code": problems[0].code,
            "message": str(exc),
            "problems": [problem.to_dict() for problem in problems],
        }
    code = "evaluation-error" if isinstance(exc, EvaluationError) else "usage-error"
    return {"code": code, "message": str(exc)}
