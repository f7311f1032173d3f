"""sistereval: evaluate city-to-city partnerships with explicit, testable rules.

>>> import sistereval
>>> evaluation = sistereval.evaluate("examples/bandung-namur.yaml")  # doctest: +SKIP
>>> evaluation.verdict                                               # doctest: +SKIP
'failure'

The public API is re-exported here and loaded on first use, so ``import
sistereval`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from .lazy import exports
from .version import __version__

if TYPE_CHECKING:
    from .cases import case_schema, dump_case, load_case
    from .evaluation import evaluate
    from .explanation import Explanation, explain
    from .facts import FACT_SCHEMA, Facts, derive
    from .ir import RuleSet
    from .language import load_rules
    from .model import Case
    from .resources import examples_path
    from .verdict import Evaluation, Finding

_LAZY = {
    "FACT_SCHEMA": "facts",
    "Case": "model",
    "Evaluation": "verdict",
    "Explanation": "explanation",
    "Facts": "facts",
    "Finding": "verdict",
    "RuleSet": "ir",
    "case_schema": "cases",
    "derive": "facts",
    "dump_case": "cases",
    "evaluate": "evaluation",
    "examples_path": "resources",
    "explain": "explanation",
    "load_case": "cases",
    "load_rules": "language",
}
__getattr__, __dir__ = exports(__name__, _LAZY)

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
    "examples_path",
    "explain",
    "load_case",
    "load_rules",
]
