"""The whole report of a case: evaluation, explanation, counterfactuals and disputes.

:func:`~sistereval.report.model.build_report` renders what it is given;
:func:`make_report` explains the case with the counterfactual search and the
per-dispute evaluations, so the report has every section (``sistereval report``
uses it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .. import ir
from ..cases import as_case
from ..evaluation import Backend
from ..explanation import DEFAULT_MAX_CHANGES, explain
from ..explanation.counterfactual import DEFAULT_BUDGET, Budget
from ..language import rule_set
from ..messages import Language
from ..model import Case
from .model import Report, report_of

__all__ = ["make_report"]


def make_report(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | None = None,
    *,
    language: Language = "en",
    max_changes: int = DEFAULT_MAX_CHANGES,
    search: bool = True,
    backend: Backend | None = None,
    budget: Budget = DEFAULT_BUDGET,
) -> Report:
    """The report of ``case`` with ``rules`` (arguments as for
        :func:`~sistereval.evaluation.evaluate`), with the verdict under each
        alternative of every disputed fact and, unless ``search`` is false, the
        smallest sets of up to ``max_changes`` changes that give a better verdict
        (:func:`~sistereval.explanation.counterfactuals`, within ``budget``: a
    :class:`~sistereval.explanation.counterfactual.Budget`); the case is evaluated once."""
    explanation = explain(
        as_case(case),
        rule_set(rules),
        language=language,
        counterfactual=search,
        max_changes=max_changes,
        backend=backend,
        budget=budget,
    )
    found = explanation.counterfactual
    return report_of(
        explanation,
        counterfactuals=None if found is None else found.to_dict(),
        disputes=[dispute.to_dict() for dispute in explanation.disputes],
    )
