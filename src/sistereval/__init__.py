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
    from . import check
    from .cases import case_schema, dump_case, load_case
    from .check import check_rules, run_tests, test
    from .evaluation import evaluate, evaluate_many
    from .explanation import Explanation, counterfactuals, explain
    from .explanation import what_if as whatif
    from .facts import FACT_SCHEMA, Facts, derive
    from .ir import RuleSet
    from .language import load_rules, rules_schema
    from .model import Case
    from .resources import examples_path
    from .verdict import Comparison, Evaluation, Finding, compare

_LAZY = {
    "FACT_SCHEMA": "facts",
    "Case": "model",
    "Comparison": "verdict",
    "Evaluation": "verdict",
    "Explanation": "explanation",
    "Facts": "facts",
    "Finding": "verdict",
    "RuleSet": "ir",
    "case_schema": "cases",
    "check": "check:",  # the package itself, callable (sistereval.check(rules))
    "check_rules": "check",
    "compare": "verdict",
    "counterfactuals": "explanation",
    "derive": "facts",
    "dump_case": "cases",
    "evaluate": "evaluation",
    "examples_path": "resources",
    "evaluate_many": "evaluation",
    "explain": "explanation",
    "load_case": "cases",
    "load_rules": "language",
    "rules_schema": "language",
    "run_tests": "check",
    "test": "check",
    "whatif": "explanation:what_if",
}
__getattr__, __dir__ = exports(__name__, _LAZY)

__all__ = [
    "FACT_SCHEMA",
    "Case",
    "CaseError",
    "Comparison",
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
    "check",
    "check_rules",
    "compare",
    "counterfactuals",
    "derive",
    "dump_case",
    "evaluate",
    "evaluate_many",
    "examples_path",
    "explain",
    "load_case",
    "load_rules",
    "rules_schema",
    "run_tests",
    "test",
    "whatif",
]
