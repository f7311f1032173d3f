"""Memory stays flat across many evaluations in one process (docs/engine.md, docs/performance.md).

Run: ``python benchmarks/engine_memory.py [N]`` (default 100,000).  Evaluates
the benchmark rule set N times with one engine, after a warm-up of 2,000
evaluations, and prints the growth of the resident set size (VmRSS).
durable_rules allows 1,024 live sessions per ruleset and each costs about
0.7 MiB, so a leaked session shows up as an error or as megabytes here.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from engine_raw import _cases, _ruleset

from ir_strategies import SCHEMA
from sistereval.engine import Engine

WARM_UP = 2_000


def rss_kib() -> int:
    """The resident set size of this process, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def growth_kib(evaluations: int, *, engine: Engine | None = None) -> int:
    """RSS growth (KiB) over ``evaluations`` evaluations after the warm-up."""
    cases = _cases(500)
    own = engine is None
    engine = engine or Engine(_ruleset(), SCHEMA)
    try:
        for i in range(WARM_UP):
            engine.evaluate(cases[i % len(cases)])
        gc.collect()
        before = rss_kib()
        for i in range(evaluations):
            engine.evaluate(cases[i % len(cases)])
        gc.collect()
        return rss_kib() - before
    finally:
        if own:
            engine.close()


def main(evaluations: int = 100_000) -> None:
    start = time.perf_counter()
    growth = growth_kib(evaluations)
    elapsed = time.perf_counter() - start
    print(f"{evaluations} evaluations in {elapsed:.1f} s; RSS grew {growth / 1024:.2f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
