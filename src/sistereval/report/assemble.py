"""The whole report of a case: evaluation, explanation, counterfactuals and disputes.

:func:`~sistereval.reporting.model.build_report` renders what it is given;
:func:`make_report` first runs the counterfactual search and the per-dispute
evaluations, so the report has every section (``sistereval report`` uses it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .. import ir
from ..cases import load_case
from ..explanation import DEFAULT_MAX_CHANGES, counterfactuals, dispute_verdicts
from ..language import rule_set
from ..model import Case
from .model import Report, build_report

__all__ = ["make_report"]


def make_report(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | None = None,
    *,
    language: str = "en",
    max_changes: int = DEFAULT_MAX_CHANGES,
    search: bool = True,
) -> Report:
    """The report of ``case`` with ``rules`` (arguments as for
    :func:`~sistereval.evaluation.evaluate`), with the verdict under each
    alternative of every disputed fact and, unless ``search`` is false, the
    smallest sets of up to ``max_changes`` changes that give a better verdict
    (:func:`~sistereval.counterfactual.counterfactuals`)."""
    the_case = case if isinstance(case, Case) else load_case(case)
    ruleset = rule_set(rules)
    found = (
        counterfactuals(the_case, ruleset, max_changes=max_changes, language=language).to_dict()
        if search
        else None
    )
    disputes = [dispute.to_dict() for dispute in dispute_verdicts(the_case, ruleset)]
    return build_report(
        the_case, ruleset, language=language, counterfactuals=found, disputes=disputes
    )
