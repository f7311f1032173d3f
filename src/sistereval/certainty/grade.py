"""The summary grade of a verdict's certainty (``docs/evaluation.md``, "Certainty").

From the deciding facts' support and the robustness of the verdict:

* ``none``: no verdict rule decided, or no source stands behind any deciding fact;
* ``low``: at least one independent line of evidence;
* ``medium``: at least two independent lines, or one that holds an independent
  evaluation or an official record;
* ``high``: at least two independent lines, one of them holding an independent
  evaluation or an official record, every deciding fact known, and a verdict that
  holds whatever the unknown and disputed facts are (robustness ``always``).

The lines are counted over the sources of all the deciding facts together.  So the
grade is monotone: another source behind a deciding fact never lowers it, removing
one never raises it, and splitting a source into several ids that rest on each other
(``based_on``) or give the same citation never raises it; a verdict that depends on
an unknown or disputed fact, or that could not be shown to hold, is at most
``medium``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..facts import Facts, evidence_lines
from .support import FactSupport

__all__ = ["GRADES", "STRONG_EVIDENCE", "grade"]

#: The grades, from the lowest.
GRADES = ("none", "low", "medium", "high")
#: The evidence types that can carry a verdict to ``medium`` alone and to ``high``.
STRONG_EVIDENCE = frozenset({"independent_evaluation", "official_record"})


def grade(
    facts: Facts, support: Sequence[FactSupport], robust: str, decided: bool
) -> tuple[str, int]:
    """The grade (module docstring) and the number of independent lines of evidence."""
    ids = [sid for s in support for group in s.sources.values() for sid in group]
    lines = evidence_lines(facts.catalog, ids)
    strong = any(
        (source := facts.catalog.get(sid)) is not None
        and source.evidence is not None
        and str(source.evidence) in STRONG_EVIDENCE
        for line in lines
        for sid in line
    )
    if not decided or not lines:
        return "none", len(lines)
    if len(lines) >= 2 and strong and robust == "always" and all(s.known for s in support):
        return "high", len(lines)
    if len(lines) >= 2 or strong:
        return "medium", len(lines)
    return "low", len(lines)
