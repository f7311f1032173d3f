"""Checking rule sets: defects found statically and on generated cases, declared
tests with coverage, and the difference two versions make.

``static`` finds rules that can never fire, derived facts nobody reads and the
verdict rules' overlaps and gaps (with ``regions`` and ``verdicts``);
``properties`` tests determinism, order independence, isolation, backend
agreement, declared invariants and a witness for every rule on generated cases
(the checks themselves are ``propertychecks``, the case edits of monotone
invariants ``monotone``); ``ruletest`` runs the tests a rule set declares;
``diff`` compares two rule sets on a set of cases.  Documented in
``docs/checking.md``.  The names below are loaded on first use (the property
checks load hypothesis).

The package itself is callable, so that ``sistereval.check(rules)`` checks a rule
set as ``sistereval check`` does (:func:`check`): ``sistereval.check`` is both this
package and the function.  Typed code may prefer ``sistereval.check_rules``.
"""

from __future__ import annotations

import os
import sys
import types
from typing import TYPE_CHECKING, Any

from .. import ir
from ..lazy import exports

if TYPE_CHECKING:
    from .diff import CaseChange, Cause, RuleChange, RuleSetDiff, diff_rule_sets, render_diff
    from .properties import (
        DEFAULT_EXAMPLES,
        PropertyReport,
        WithProperties,
        Witness,
        check_properties,
        with_properties,
    )
    from .ruletest import (
        TestReport,
        TestResult,
        render_report,
        rule_files,
        rule_inputs,
        run_tests,
        test,
    )
    from .static import CheckReport, Defect, check_rules

_NAMES = {
    "DEFAULT_EXAMPLES": "properties",
    "CaseChange": "diff",
    "Cause": "diff",
    "CheckReport": "static",
    "Defect": "static",
    "PropertyReport": "properties",
    "RuleChange": "diff",
    "RuleSetDiff": "diff",
    "TestReport": "ruletest",
    "TestResult": "ruletest",
    "WithProperties": "properties",
    "Witness": "properties",
    "check_properties": "properties",
    "check_rules": "static",
    "diff_rule_sets": "diff",
    "render_diff": "diff",
    "render_report": "ruletest",
    "rule_files": "ruletest",
    "rule_inputs": "ruletest",
    "run_tests": "ruletest",
    "test": "ruletest",
    "with_properties": "properties",
}
__all__ = [
    "DEFAULT_EXAMPLES",
    "CaseChange",
    "Cause",
    "CheckReport",
    "Defect",
    "PropertyReport",
    "RuleChange",
    "RuleSetDiff",
    "TestReport",
    "TestResult",
    "WithProperties",
    "Witness",
    "check",
    "check_properties",
    "check_rules",
    "diff_rule_sets",
    "render_diff",
    "render_report",
    "rule_files",
    "rule_inputs",
    "run_tests",
    "test",
    "with_properties",
]
__getattr__, __dir__ = exports(__name__, _NAMES)


def check(
    rules: ir.RuleSet | str | os.PathLike[str],
    *,
    properties: bool = False,
    examples: int | None = None,
    seed: int | None = None,
    save_to: str | os.PathLike[str] | None = None,
) -> CheckReport | WithProperties:
    """Check a rule set as ``sistereval check`` does: the static checks
    (:func:`~sistereval.check.static.check_rules`, a ``CheckReport``) and, with
    ``properties``, the property checks on generated cases as well
    (:func:`~sistereval.check.properties.with_properties`, a ``WithProperties``;
    ``examples``, ``seed`` and ``save_to`` as there).  ``rules`` as for
    :func:`sistereval.evaluate`."""
    from .static import check_rules

    report = check_rules(rules)
    if not properties:
        return report
    from .properties import with_properties

    return with_properties(report, examples=examples, seed=seed, save_to=save_to)


class _CallablePackage(types.ModuleType):
    """This package, callable: ``sistereval.check(rules)`` is :func:`check`."""

    def __call__(self, rules: ir.RuleSet | str | os.PathLike[str], **options: Any) -> Any:
        return check(rules, **options)


sys.modules[__name__].__class__ = _CallablePackage
