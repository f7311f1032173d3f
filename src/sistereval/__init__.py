"""sistereval: evaluate city-to-city partnerships with explicit, testable rules."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    CaseError,
    DocumentError,
    EvaluationError,
    LimitError,
    Location,
    Problem,
    RuleError,
    SisterevalError,
    UsageError,
)

try:
    __version__ = version("sistereval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

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
    "__version__",
]
