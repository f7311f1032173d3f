"""Certainty: how well a verdict is supported, and whether it holds whatever the unknown
and disputed facts are (``docs/evaluation.md``, "Certainty").

:func:`assess` makes the :class:`Certainty` of an evaluation: ``support`` per deciding
fact (:mod:`.support`), ``robust`` (:mod:`.search`, with :mod:`.threevalued`) and one
``grade`` (:mod:`.grade`).  It evaluates variants of the facts through the function it is
given (the evaluation passes the engine the case was evaluated on).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from .. import ir
from ..facts import Facts, dispute_variants, disputed_facts
from ..model import Case
from .grade import GRADES, STRONG_EVIDENCE, grade
from .search import DEFAULT_LIMIT, Outcome, Robustness, robustness
from .support import UNSPECIFIED, FactSupport, fact_support

__all__ = [
    "DEFAULT_LIMIT",
    "GRADES",
    "STRONG_EVIDENCE",
    "UNSPECIFIED",
    "Certainty",
    "DisputeReach",
    "FactSupport",
    "Outcome",
    "Robustness",
    "assess",
]


@attrs.frozen(kw_only=True)
class DisputeReach:
    """One dispute and the facts derived from the disputed one (``affects``)."""

    fact: str
    affects: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"fact": self.fact, "affects": list(self.affects)}


@attrs.frozen(kw_only=True)
class Certainty:
    """The ``certainty`` section of a decision record."""

    grade: str
    independent: int
    support: tuple[FactSupport, ...]
    robust: Robustness
    disputes: tuple[DisputeReach, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "grade": self.grade,
            "independent": self.independent,
            "robust": self.robust.to_dict(),
            "support": [s.to_dict() for s in self.support],
            "disputes": [d.to_dict() for d in self.disputes],
        }


def assess(
    case: Case,
    ruleset: ir.RuleSet,
    facts: Facts,
    verdict: str,
    deciding_facts: Sequence[str],
    verdict_of: Callable[[Facts], str],
    *,
    fired: Sequence[str],
    decided: bool,
    limit: int = DEFAULT_LIMIT,
) -> Certainty:
    """The certainty of ``verdict``, the verdict of ``ruleset`` on ``facts`` (those of
    ``case``); ``deciding_facts`` the facts the deciding rules read, ``fired`` the rules
    that fired, ``decided`` whether a verdict rule decided; ``verdict_of`` evaluates a
    variant of the facts."""
    variants = dispute_variants(case, facts)
    disputed = disputed_facts(facts, variants)
    support = fact_support(facts, deciding_facts, disputed)
    robust = robustness(ruleset, facts, variants, disputed, verdict, verdict_of, fired, limit=limit)
    level, lines = grade(facts, support, robust.status, decided)
    reach = tuple(
        DisputeReach(
            fact=d.fact,
            affects=tuple(n for n, by in disputed.items() if d.fact in by and n != d.fact),
        )
        for d in facts.disputes
    )
    return Certainty(grade=level, independent=lines, support=support, robust=robust, disputes=reach)
