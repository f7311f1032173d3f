"""The verdict of derived facts alone, for searches that evaluate many variants.

:func:`quick_verdict` fires the rules on the durable_rules engine (the same
compiled engine :func:`~sistereval.evaluation.evaluate` uses, or the reference
evaluator) and applies the verdict policy, without building findings, messages
or explanations.  Counterfactual search and dispute analysis call it once per
variant of a case; what they report is then checked with the full evaluation.
"""

from __future__ import annotations

from . import ir, reference
from .evaluation import Backend, _engine
from .facts import FACT_SCHEMA, Facts
from .verdict import decide

__all__ = ["quick_verdict"]


def quick_verdict(ruleset: ir.RuleSet, facts: Facts, backend: Backend = "durable") -> str:
    """The verdict ``ruleset`` gives for ``facts``."""
    if backend == "durable":
        fired = _engine(ruleset).evaluate(facts).fired
    else:
        fired = reference.evaluate(ruleset, facts, FACT_SCHEMA).fired
    return decide(ruleset, fired)[0]
