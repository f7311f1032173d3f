"""Reports per second, and what a report costs on top of its evaluation.

Run: ``python benchmarks/report.py [N] [SEED]`` (defaults: 200 cases, seed 1).

On the seeded variations of the bundled examples that ``benchmarks/evaluate.py``
uses, measured in one run on this machine: :func:`sistereval.evaluate` alone,
:func:`sistereval.report.build_report` (an evaluation, an explanation and the
report model), and each renderer on the built reports; printed as reports per
second and as ratios to the evaluation alone.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import variations

from sistereval.evaluation import evaluate, rule_set
from sistereval.report import (
    build_report,
    render_html,
    render_markdown,
    render_terminal,
)


def seconds(function: Callable[[Any], object], items: Sequence[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        function(item)
    return time.perf_counter() - start


def main(n: int = 200, seed: int = 1) -> None:
    cases = variations(n, seed)
    rules = rule_set("core")
    evaluate(cases[0], rules)  # compile the rule set once, outside the timings
    evaluated = seconds(lambda case: evaluate(case, rules), cases)
    reports = [build_report(case, rules) for case in cases]
    built = seconds(lambda case: build_report(case, rules), cases)
    print(f"{n} cases, core rules, one process")
    print(f"evaluate       {n / evaluated:8.0f} /s")
    print(f"build_report   {n / built:8.0f} /s   {built / evaluated:5.2f}x evaluate")
    for name, render in (
        ("markdown", render_markdown),
        ("html", render_html),
        ("terminal", render_terminal),
    ):
        took = seconds(render, reports)
        print(f"render {name:8s}{n / took:8.0f} /s   {took / evaluated:5.2f}x evaluate")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
