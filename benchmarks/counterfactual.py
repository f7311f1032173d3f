"""Counterfactual search on the bundled examples: sets per second, and what the fast path saves.

Run: ``python benchmarks/counterfactual.py [REPEAT]`` (default 3; the median is used).

For each bundled example it prints the search of
:func:`sistereval.explanation.counterfactual.counterfactuals` with the defaults (up to 3
changes, at most 5,000 sets): the sets searched, the solutions, the wall time
and the sets evaluated per second.  Then, on the sets of Bandung–Namur's
search, the ratio between the two ways of evaluating one set:

* ``fast``: the change set on the model (``attrs.evolve``), facts derived, rules
  fired on the engine, verdict by the policy (what the search does);
* ``full``: :func:`sistereval.explanation.whatif.apply_changes` (through the case data and
  :func:`~sistereval.cases.load_case`) and :func:`sistereval.evaluate` (what a
  user running ``whatif`` for every set would do; the search does it once per
  solution).

Measured in one run on this machine; no figure is asserted.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sistereval.cases import load_case
from sistereval.evaluation import evaluate, quick_verdict, rule_set
from sistereval.explanation.counterfactual import _changed, candidate_changes, counterfactuals
from sistereval.explanation.whatif import apply_changes
from sistereval.facts import derive

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _median_seconds(job: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeat: int) -> None:
    ruleset = rule_set("core")
    print(f"counterfactual search, core rules, median of {repeat} run(s)")
    for path in EXAMPLES:
        case = load_case(path)
        result = counterfactuals(case, ruleset)
        seconds = _median_seconds(lambda case=case: counterfactuals(case, ruleset), repeat)
        rate = result.searched / seconds if result.searched else 0.0
        print(
            f"  {path.stem:22} {result.verdict_before:>8} -> {result.target or '-':8} "
            f"searched {result.searched:5}  solutions {len(result.solutions):3}  "
            f"{seconds:6.2f} s  {rate:7.0f} sets/s"
        )

    case = load_case(ROOT / "examples" / "bandung-namur.yaml")
    options = candidate_changes(case, ruleset)
    sets = [
        [options[i] for i in combo]
        for size in (1, 2, 3)
        for combo in itertools.combinations(range(len(options)), size)
        if len({options[i].path for i in combo}) == size
    ][:300]

    def fast() -> None:
        for changes in sets:
            quick_verdict(ruleset, derive(_changed(case, changes)))

    def full() -> None:
        for changes in sets:
            evaluate(apply_changes(case, [(c.path, c.after) for c in changes]), ruleset)

    fast_s, full_s = _median_seconds(fast, repeat), _median_seconds(full, repeat)
    print(f"one set of bandung-namur, over {len(sets)} sets:")
    print(f"  fast (model + derive + engine)      {len(sets) / fast_s:7.0f} sets/s")
    print(f"  full (apply_changes + evaluate)     {len(sets) / full_s:7.0f} sets/s")
    print(f"  full / fast time ratio              {full_s / fast_s:7.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
