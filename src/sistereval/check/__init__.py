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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    from .ruletest import TestReport, TestResult, render_report, rule_files, run_tests
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
    "run_tests": "ruletest",
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
    "check_properties",
    "check_rules",
    "diff_rule_sets",
    "render_diff",
    "render_report",
    "rule_files",
    "run_tests",
    "with_properties",
]
__getattr__, __dir__ = exports(__name__, _NAMES)
