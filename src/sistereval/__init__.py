"""sistereval: evaluate city-to-city partnerships with explicit, testable rules.

>>> import sistereval
>>> evaluation = sistereval.evaluate("examples/bandung-namur.yaml")  # doctest: +SKIP
>>> evaluation.verdict                                               # doctest: +SKIP
'failure'

The public API is re-exported here and loaded on first use, so ``import
sistereval`` stays cheap.
"""

from __future__ import annotations

import importlib
import sys
import types
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .cases import case_schema, dump_case, load_case
    from .evaluation import evaluate
    from .explain import Explanation, explain
    from .facts import FACT_SCHEMA, Facts, derive
    from .ir import RuleSet
    from .language import load_rules
    from .model import Case
    from .verdict import Evaluation, Finding

try:
    __version__ = version("sistereval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_LAZY = {
    "FACT_SCHEMA": "facts",
    "Case": "model",
    "Evaluation": "verdict",
    "Explanation": "explain",
    "Facts": "facts",
    "Finding": "verdict",
    "RuleSet": "ir",
    "case_schema": "cases",
    "derive": "facts",
    "dump_case": "cases",
    "evaluate": "evaluation",
    "explain": "explain",
    "load_case": "cases",
    "load_rules": "language",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sistereval' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package, whose function ``explain`` shares its name with a submodule.

    Importing a submodule binds it on its package: once ``sistereval.explain``
    (the module) was imported, by ``from sistereval.explain import ...`` or by
    the ``explain`` command, ``sistereval.explain`` was the module and calling
    it failed.  The package keeps the function instead; the module stays in
    ``sys.modules``, where imports find it.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "FACT_SCHEMA",
    "Case",
    "CaseError",
    "DocumentError",
    "Evaluation",
    "EvaluationError",
    "Explanation",
    "Facts",
    "Finding",
    "LimitError",
    "Location",
    "Problem",
    "RuleError",
    "RuleSet",
    "SisterevalError",
    "UsageError",
    "__version__",
    "case_schema",
    "derive",
    "dump_case",
    "evaluate",
    "explain",
    "load_case",
    "load_rules",
]
