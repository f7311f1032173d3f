"""Explanations for teaching: why a verdict, why not another, what if, what would
have to change, and where sources disagree.

``why`` explains an evaluation (the deciding chain, and every rule that did not
fire evaluated clause by clause) and ``text`` renders it; ``whatif`` evaluates
a case with some facts changed; ``counterfactual`` searches the smallest sets of
changes that give a better verdict; ``disputes`` gives the verdict under each
value sources dispute.  Documented in ``docs/explanations.md``.
"""

from __future__ import annotations

from .certaintytext import certainty_lines, render_certainty
from .counterfactual import (
    DEFAULT_MAX_CANDIDATES,
    DEFAULT_MAX_CHANGES,
    Change,
    Counterfactual,
    Solution,
    candidate_changes,
    counterfactuals,
    render_counterfactual,
)
from .disputes import AlternativeVerdict, DisputeVerdicts, dispute_verdicts, render_disputes
from .text import render_explanation
from .whatif import FactorChange, WhatIf, apply_changes, parse_change, render_whatif, what_if
from .why import (
    Clause,
    Explanation,
    FiredRule,
    Miss,
    SourceRef,
    explain,
    explain_condition,
    explain_evaluation,
)

__all__ = [
    "DEFAULT_MAX_CANDIDATES",
    "DEFAULT_MAX_CHANGES",
    "AlternativeVerdict",
    "Change",
    "Clause",
    "Counterfactual",
    "DisputeVerdicts",
    "Explanation",
    "FactorChange",
    "FiredRule",
    "Miss",
    "Solution",
    "SourceRef",
    "WhatIf",
    "apply_changes",
    "candidate_changes",
    "certainty_lines",
    "counterfactuals",
    "dispute_verdicts",
    "explain",
    "explain_condition",
    "explain_evaluation",
    "parse_change",
    "render_certainty",
    "render_counterfactual",
    "render_disputes",
    "render_explanation",
    "render_whatif",
    "what_if",
]
