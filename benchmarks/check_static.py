"""How long the static checks of ``sistereval check`` take, against loading the rule set.

Run: ``python benchmarks/check_static.py [REPEAT]`` (default: 5 runs, the best kept).

Measured in one run on this machine, for the shipped ``core`` rule set and for
a synthetic rule set whose verdict rules cut four facts into 14 cells each
(38,416 combinations, just under :data:`sistereval.check.MAX_CELLS`):

* ``load``: :func:`sistereval.language.load_rules`;
* ``check``: :func:`sistereval.check.check_rules` on the loaded rule set
  (dead rules, unread derived facts, overlaps, never-decisive rules, gaps);

and the ratio check / load.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sistereval import ir
from sistereval.check import check_rules
from sistereval.check.static import MAX_CELLS
from sistereval.language import load_rules

HEADER = """\
format: sistereval/rules@1
id: synthetic
version: "1"
title: Verdict rules over four facts
languages: [en]
verdicts: {scale: [success, partial, failure], policy: worst, unique: true}
rules:
"""
RULE = """\
  - id: {id}
    title: A verdict rule
    when: {when}
    then: {{verdict: {verdict}}}
    because: {{en: "x"}}
    source: "a benchmark"
"""
FACTS = ("fields.agreed", "fields.implemented", "fields.partial", "fields.planned")
VERDICTS = ("success", "partial", "failure")


def synthetic() -> str:
    """44 verdict rules: ``fact == n and next_fact >= n`` for n in 0..10."""
    rules = [
        RULE.format(
            id=f"r{i}-{n}",
            when=f"{fact} == {n} and {FACTS[(i + 1) % len(FACTS)]} >= {n}",
            verdict=VERDICTS[n % len(VERDICTS)],
        )
        for i, fact in enumerate(FACTS)
        for n in range(11)
    ]
    return HEADER + "".join(rules)


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(name: str, source: str | Path, repeat: int) -> None:
    loaded: list[ir.RuleSet] = []
    load = best(repeat, lambda: loaded.append(load_rules(source)))
    report = check_rules(loaded[-1])
    check = best(repeat, lambda: check_rules(loaded[-1]))
    print(
        f"{name:10} load {load * 1000:8.1f} ms   check {check * 1000:8.1f} ms   "
        f"check/load {check / load:7.3f}   problems {len(report.problems)}, "
        f"notes {len(report.notes)}"
    )


def main(argv: list[str]) -> None:
    repeat = int(argv[0]) if argv else 5
    print(f"best of {repeat} runs; MAX_CELLS = {MAX_CELLS}")
    measure("core", "core", repeat)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.yaml"
        path.write_text(synthetic(), encoding="utf-8")
        measure("synthetic", path, repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
