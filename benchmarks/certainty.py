"""The cost of a verdict's certainty (issue 13) as a ratio to a plain evaluation.

Run: ``python benchmarks/certainty.py [ROUNDS] [N]`` (defaults: 7 rounds of 200
evaluations).

For each bundled example, interleaved rounds of:

* ``plain``: :func:`sistereval.evaluate` with the core rules (derive, fire, findings,
  verdict; the certainty is not assessed);
* ``certainty``: :func:`sistereval.certainty.assess` on that evaluation's trace, as
  :attr:`Evaluation.certainty` does on first use: the facts under each side of each
  dispute, the three-valued evaluation and, when it cannot tell, the bounded search.

It prints the median time of each per case, the robustness found (and how: three-valued
or search, with the number of variants evaluated) and the ratio certainty / plain. The
target is at most 3; measured in one run on this machine, no figure is asserted.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sistereval import evaluate
from sistereval.cases import load_case
from sistereval.certainty import Certainty, assess
from sistereval.evaluation import quick_verdict
from sistereval.facts import Facts
from sistereval.language import rule_set
from sistereval.verdict import Evaluation

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "src" / "sistereval" / "examples").glob("*.yaml"))


def certainty_of(evaluation: Evaluation) -> Certainty:
    """What ``Evaluation.certainty`` computes, from the evaluation's trace."""
    trace = evaluation.trace
    assert trace is not None
    by_rule = {f.rule: f for f in evaluation.findings}
    deciding = [name for rid in evaluation.deciding for name in by_rule[rid].facts]

    def verdict_of(facts: Facts) -> str:
        return quick_verdict(trace.ruleset, facts, trace.backend)

    return assess(
        trace.case,
        trace.ruleset,
        trace.facts,
        evaluation.verdict,
        deciding,
        verdict_of,
        fired=trace.firing.fired,
        decided=bool(evaluation.deciding),
    )


def _seconds(job: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        job()
    return (time.perf_counter() - start) / n


def main(rounds: int = 7, n: int = 200) -> None:
    ruleset = rule_set("core")
    print(f"certainty / plain evaluation, core rules, median of {rounds} interleaved rounds of {n}")
    worst = 0.0
    for path in EXAMPLES:
        case = load_case(path)
        evaluation = evaluate(case, ruleset)
        first = certainty_of(evaluation)
        assert evaluation.certainty == first  # the same as the evaluation's own
        plain: list[float] = []
        extra: list[float] = []
        for _ in range(rounds):
            plain.append(_seconds(lambda case=case: evaluate(case, ruleset), n))
            extra.append(_seconds(lambda e=evaluation: certainty_of(e), n))
        p, c = statistics.median(plain), statistics.median(extra)
        worst = max(worst, c / p)
        robust = first.robust
        how = robust.method if robust.method != "search" else f"search, {robust.searched} variants"
        print(
            f"  {path.stem:22} {evaluation.verdict:>8}  robust {robust.status:13} ({how})  "
            f"grade {first.grade:6}  plain {p * 1e3:6.2f} ms  certainty {c * 1e3:6.2f} ms  "
            f"ratio {c / p:4.2f}"
        )
    print(f"  worst ratio {worst:.2f} (target <= 3)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
