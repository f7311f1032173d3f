"""Disputed facts: the verdict under each value the sources give, and whether it depends on it.

A case can carry disputes (:attr:`sistereval.facts.Facts.disputes`): records
of a once-only milestone with dates that cannot be the same day, a reported
distance more than 10% off the great-circle distance, and claims whose value
differs from the one derived from the case.  The evaluation uses one value
(the *chosen* one); :func:`dispute_verdicts` evaluates the case under every
alternative:

* **records**: for a milestone date that records or claims of the case give,
  only the records of that milestone with that date are kept (a claimed date
  replaces them), and every fact is derived again (the months active, the
  stage, ... follow the date);
* **fact**: any other alternative (the reported distance, a claimed count)
  replaces the disputed fact itself, with the lifecycle facts it implies; a
  claim says nothing about the records behind it.

:func:`sistereval.facts.dispute_variants` makes the facts of each side.

The verdict *depends* on a dispute when the alternatives do not all give the
same verdict.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from .. import ir
from ..cases import as_case
from ..evaluation import Backend, quick_verdict, resolve_backend, traced
from ..facts import Alternative, Dispute, derive, dispute_variants
from ..language import rule_set
from ..messages import DISPUTES
from ..model import Case
from ..verdict import Evaluation

__all__ = [
    "AlternativeVerdict",
    "DisputeVerdicts",
    "dispute_verdicts",
    "render_disputes",
]


#: What ``to_dict`` lists as the sources of a value no source gives (one
#: computed from the case, such as the great-circle distance).
DERIVED = "derived"


@attrs.frozen(kw_only=True)
class AlternativeVerdict:
    """One value of a disputed fact with who gives it, and the verdict under it.

    ``method`` is ``records`` or ``fact`` (see the module docstring); ``chosen``
    marks the value the evaluation uses.
    """

    alternative: Alternative
    chosen: bool
    method: str
    verdict: str

    @property
    def value(self) -> ir.FactValue:
        return self.alternative.value

    @property
    def sources(self) -> tuple[str, ...]:
        return self.alternative.sources

    def to_dict(self) -> dict[str, Any]:
        data = self.alternative.to_dict()
        data.update(
            sources=list(self.sources) or [DERIVED],
            verdict=self.verdict,
            chosen=self.chosen,
            method=self.method,
        )
        return data


@attrs.frozen(kw_only=True)
class DisputeVerdicts:
    """A dispute of the case and the verdict under each of its values."""

    dispute: Dispute
    alternatives: tuple[AlternativeVerdict, ...]

    @property
    def fact(self) -> str:
        return self.dispute.fact

    @property
    def verdict_depends(self) -> bool:
        return len({alt.verdict for alt in self.alternatives}) > 1

    def to_dict(self) -> dict[str, Any]:
        data = self.dispute.to_dict()  # fact, chosen, note
        data.update(
            alternatives=[alt.to_dict() for alt in self.alternatives],
            verdict_depends=self.verdict_depends,
        )
        return data


def _same(a: ir.FactValue, b: ir.FactValue) -> bool:
    return type(a) is type(b) and a == b


def dispute_verdicts(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | None = None,
    *,
    backend: Backend | None = None,
    evaluation: Evaluation | None = None,
) -> tuple[DisputeVerdicts, ...]:
    """Every dispute of ``case``, in the order of :attr:`Facts.disputes`, with the
    verdict under each alternative (arguments as for
    :func:`~sistereval.evaluation.evaluate`).  ``evaluation``, when given, is the
    evaluation of this case with these rules: its facts and verdict are used
    instead of deriving and evaluating the case again (and its backend).
    """
    the_case = as_case(case)
    ruleset = rule_set(rules)
    trace = traced(evaluation, the_case, ruleset)
    if trace is not None:
        facts, backend = trace.facts, trace.backend
    else:
        facts, backend = derive(the_case), resolve_backend(backend)
    known = evaluation if trace is not None else None
    out = []
    for sides in dispute_variants(the_case, facts):
        alternatives = []
        for side in sides:
            if side.chosen and known is not None:
                verdict = known.verdict  # the facts as they are: the evaluation's verdict
            else:
                verdict = quick_verdict(ruleset, side.facts, backend)
            alternatives.append(
                AlternativeVerdict(
                    alternative=side.alternative,
                    chosen=side.chosen,
                    method=side.method,
                    verdict=verdict,
                )
            )
        out.append(DisputeVerdicts(dispute=sides[0].dispute, alternatives=tuple(alternatives)))
    return tuple(out)


def _show(value: object, language: str) -> str:
    """A value for a reader; numbers grouped as the language writes them (``id``:
    ``11.501,1``)."""
    if value is None:
        return "?"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.translate(_ID_NUMBERS) if language == "id" else text


_ID_NUMBERS = str.maketrans(",.", ".,")


def render_disputes(
    disputes: tuple[DisputeVerdicts, ...], language: str, labels: Mapping[str, str]
) -> list[str]:
    """The lines of a "disputed facts" section, in ``language``."""
    t = DISPUTES.get(language, DISPUTES["en"])
    lines = [f"  {t['title']}:"]
    if not disputes:
        lines.append(f"    {t['none']}")
    for dispute in disputes:
        depends = t["depends"] if dispute.verdict_depends else t["holds"]
        lines.append(f"    - {dispute.fact}: {depends}")
        for alt in dispute.alternatives:
            sources = ", ".join(alt.sources) or t["derived"]
            mark = f"; {t['chosen']}" if alt.chosen else ""
            verdict = labels.get(alt.verdict, alt.verdict)
            lines.append(
                f"      {_show(alt.value, language)} ({sources}{mark}) → {t['verdict']} {verdict}"
            )
    return lines
