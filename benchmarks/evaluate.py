"""Evaluations per second of the core rules over generated cases, with ratios.

Run: ``python benchmarks/evaluate.py [N] [SEED]`` (defaults: 2000 cases, seed 1).

Generated cases are seeded variations of the bundled examples (field statuses,
continuity after leadership changes, budget earmarking, activities, dates), so
every core rule has cases that fire it.  Measured in one run on this machine:

* ``evaluate``: :func:`sistereval.evaluate` on loaded cases (facts + engine + verdict);
* ``engine``: :meth:`sistereval.engine.Engine.evaluate` on derived facts;
* ``raw durable``: the same compiled durable ruleset fed the fact JSON the engine
  produced, with no sistereval code in the loop;
* ``reference``: :func:`sistereval.engine.reference.evaluate` on the same facts;

and the ratios between them.  It also checks that both backends give the same
verdicts on every case.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_raw import raw_rate  # noqa: E402

from sistereval import FACT_SCHEMA, derive, load_case  # noqa: E402
from sistereval.engine import Engine, reference  # noqa: E402
from sistereval.evaluation import evaluate, rule_set  # noqa: E402
from sistereval.model import (  # noqa: E402
    Activity,
    BudgetLine,
    Case,
    FieldStatus,
    LeadershipChange,
    PartialDate,
    Sector,
)

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def variations(n: int, seed: int) -> list[Case]:
    """``n`` valid cases, each a seeded random variation of one bundled example."""
    rng = random.Random(seed)
    bases = [load_case(path) for path in EXAMPLES]
    cases = []
    for i in range(n):
        base = rng.choice(bases)
        partners = [p.id for p in base.partners]
        source = [base.sources[0].id]
        # Nothing after the reference date (validation refuses it): up to the year before a
        # month- or day-precise as_of, up to a year-precise one's year.
        last = 2022 if base.as_of is None else base.as_of.year - (base.as_of.month is not None)
        fields = tuple(attrs.evolve(f, status=rng.choice(list(FieldStatus))) for f in base.fields)
        activities = tuple(
            Activity(
                date=PartialDate(rng.randint(1998, last), rng.choice((None, rng.randint(1, 12)))),
                kind=rng.choice(("visit", "exchange", "training", "project", "event")),
                initiated_by=rng.choice((None, *partners)),
                participants=rng.sample(list(Sector), rng.randint(0, 3)),
                sources=source,
            )
            for _ in range(rng.randint(0, 4))
        )
        changes = tuple(
            LeadershipChange(
                partner=rng.choice(partners),
                office="mayor",
                date=PartialDate(rng.randint(1998, last), rng.randint(1, 12)),
                continuity=rng.choice((None, True, False)),
                sources=source,
            )
            for _ in range(rng.randint(0, 2))
        )
        budget = tuple(
            BudgetLine(
                partner=p,
                earmarked=rng.random() < 0.5,
                adequate=rng.choice((None, True, False)),
                sources=source,
            )
            for p in partners
            if rng.random() < 0.6
        )
        cases.append(
            attrs.evolve(
                base,
                id=f"{base.id}-{i}",
                fields=fields,
                activities=activities,
                leadership_changes=changes,
                budget=budget,
            )
        )
    return cases


def rate(fn: Callable[[Any], object], items: Sequence[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def main(n: int = 2000, seed: int = 1) -> None:
    rules = rule_set("core")
    cases = variations(n, seed)
    facts = [derive(case) for case in cases]
    for case in cases[:100]:  # warm up the process-wide engine
        evaluate(case, rules)

    full = rate(lambda case: evaluate(case, rules), cases)
    with Engine(rules, FACT_SCHEMA) as engine:
        engine.evaluate(facts[0])
        engine_rate = rate(engine.evaluate, facts)
        raw = raw_rate(engine, facts)
    ref = rate(lambda f: reference.evaluate(rules, f, FACT_SCHEMA), facts)

    verdicts: Counter[str] = Counter()
    mismatches = 0
    for case in cases:
        durable = evaluate(case, rules)
        mismatches += durable.to_dict() != evaluate(case, rules, backend="reference").to_dict()
        verdicts[durable.verdict] += 1

    print(f"core rules: {len(rules.rules)}  cases: {n} (seed {seed})  verdicts: {dict(verdicts)}")
    print(f"evaluate (facts + engine + verdict): {full:8.0f} evaluations/s")
    print(f"engine on derived facts:             {engine_rate:8.0f} evaluations/s")
    print(f"raw durable, same compiled rules:    {raw:8.0f} evaluations/s")
    print(f"reference evaluator:                 {ref:8.0f} evaluations/s")
    print(f"ratio raw durable / engine (wrapper overhead): {raw / engine_rate:.2f}")
    print(f"ratio engine / reference:                      {engine_rate / ref:.2f}")
    print(f"ratio engine / evaluate (facts and verdict):   {engine_rate / full:.2f}")
    print(f"backends disagree on {mismatches} of {n} cases")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
