"""100,000 evaluations alternating between two cases: identical results, flat memory.

Run: ``python benchmarks/isolation.py [N]`` (default 100,000).  Evaluates the
Bandung–Namur and Surabaya–Kitakyushu examples in turn with the core rules
through ``sistereval.evaluate``, end to end, compares every decision record
with the first one of its case, and prints the number of evaluations that
differed and the growth of the resident set size (VmRSS) after a warm-up of
2,000 evaluations.  Exits 1 when any result differed.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_memory import rss_kib

from sistereval import evaluate, load_case
from sistereval.evaluation import rule_set

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 2_000


def main(evaluations: int) -> int:
    cases = [
        load_case(ROOT / "examples" / name)
        for name in ("bandung-namur.yaml", "surabaya-kitakyushu.yaml")
    ]
    rules = rule_set("core")
    first = [evaluate(case, rules).to_dict() for case in cases]
    for i in range(WARM_UP):
        evaluate(cases[i % 2], rules)
    gc.collect()
    before = rss_kib()
    start = time.perf_counter()
    differed = sum(
        evaluate(cases[i % 2], rules).to_dict() != first[i % 2] for i in range(evaluations)
    )
    elapsed = time.perf_counter() - start
    gc.collect()
    growth = rss_kib() - before
    verdicts = ", ".join(record["verdict"] for record in first)
    print(
        f"{evaluations} evaluations alternating between two cases ({verdicts}) in {elapsed:.0f} s:"
        f" {differed} differed from the first; RSS grew {growth / 1024:.2f} MiB"
    )
    return differed


if __name__ == "__main__":
    sys.exit(1 if main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000) else 0)
