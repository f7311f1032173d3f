"""Evaluations per second: the durable engine, raw durable, and the reference evaluator.

Run: ``python benchmarks/engine_raw.py [N]``.  Prints, for one ~30-rule set over
cases of ~14 facts, the rate of

* ``engine``: :meth:`sistereval.engine.Engine.evaluate` (encoding + durable + bookkeeping),
* ``raw durable``: the same compiled ruleset fed pre-encoded facts (durable's own cost),
* ``reference``: :func:`sistereval.engine.reference.evaluate`,

and checks that the engine and the reference agree on every case.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ir_strategies import SCHEMA, Facts, rule
from sistereval import ir
from sistereval.engine import reference
from sistereval.engine.durable import SESSION_FACTS, Engine
from sistereval.model import PartialDate

F, L = ir.FactRef, ir.Literal


def A(name: str) -> ir.ItemRef:
    return ir.ItemRef("activities", name)


def C(name: str) -> ir.ItemRef:
    return ir.ItemRef("changes", name)


def _ruleset() -> ir.RuleSet:
    finding = ir.FindingThen(kind="obstacle", factor="f1", severity="high")
    strength = ir.FindingThen(kind="strength", factor="f2", severity="low")
    agreed, implemented = F("fields.agreed"), F("fields.implemented")
    ratio = ir.Arith("/", implemented, agreed)
    when = [
        ir.And((ir.Compare(">=", agreed, L(3)), ir.Compare("<", ratio, L(0.34)))),
        ir.Compare(">=", ratio, L(0.66)),
        ir.Compare("<=", implemented, L(1)),
        ir.Compare("==", F("kind"), L("visit")),
        ir.In(F("kind"), ir.ListLiteral((L("a"), L("b")))),
        ir.Match(F("title"), "Kota*"),
        ir.Match(F("title"), "*bandung*", ignore_case=True),
        ir.Compare("<", F("milestones.agreement"), L(PartialDate(2017, 6))),
        ir.Compare(">", F("milestones.agreement"), F("milestones.loi")),
        ir.Known(F("milestones.loi"), negated=True),
        F("active"),
        ir.Not(F("funded")),
        ir.In(L("youth"), F("tags")),
        ir.Quantifier("any", "activities", ir.Compare("==", A("kind"), L("visit"))),
        ir.Compare(
            ">=", ir.Quantifier("count", "activities", ir.Compare(">", A("size"), L(10))), L(2)
        ),
        ir.Quantifier("all", "activities", ir.Known(A("date"))),
        ir.Quantifier("none", "activities", ir.In(L("youth"), A("participants"))),
        ir.Quantifier(
            "any",
            "activities",
            ir.Compare(">=", A("date"), F("milestones.agreement")),
        ),
        ir.Quantifier("any", "changes", ir.Compare("==", C("continuity"), L(False))),
        ir.Compare(">", ir.Quantifier("count", "changes", None), L(1)),
        ir.Or((ir.Compare(">", agreed, L(5)), ir.Compare("<", implemented, L(1)))),
        ir.And((F("active"), ir.Compare(">", F("fields.ratio"), L(0.5)))),
        ir.Compare("!=", F("title"), L("")),
        ir.Compare(">", ir.Arith("+", agreed, implemented), L(4)),
    ]
    rules = [
        rule(f"s0-{i}", w, finding if i % 3 == 0 else strength if i % 3 == 1 else None)
        for i, w in enumerate(when)
    ]
    obstacles = ir.Quantifier(
        "count", "findings", ir.Compare("==", ir.ItemRef("findings", "kind"), L("obstacle"))
    )
    rules += [
        rule("s1-0", ir.Compare(">=", obstacles, L(2)), stratum=1),
        rule("s1-1", ir.Not(ir.FiredRef("s0-0")), ir.Derive(name="d1"), stratum=1),
        rule("s1-2", ir.Quantifier("none", "findings", None), stratum=1),
        rule("s1-3", ir.And((ir.FiredRef("s0-1"), ir.FiredRef("s0-3"))), stratum=1),
        rule("s2-0", ir.DerivedRef("d1"), stratum=2),
        rule("s2-1", ir.Not(ir.FiredRef("s1-0")), stratum=2),
    ]
    return ir.RuleSet(id="bench", version="1", title="benchmark", rules=tuple(rules))


def _cases(n: int, seed: int = 1) -> list[Facts]:
    rng = random.Random(seed)

    def date() -> PartialDate | None:
        if rng.random() < 0.1:
            return None
        year = rng.choice((2016, 2017, 2018))
        if rng.random() < 0.3:
            return PartialDate(year)
        month = rng.randint(1, 12)
        return PartialDate(year, month, rng.choice((None, 1, 15)))

    cases = []
    for _ in range(n):
        agreed = rng.randint(0, 8)
        scalars: dict[str, Any] = {
            "fields.agreed": agreed,
            "fields.implemented": rng.randint(0, agreed),
            "fields.ratio": rng.choice((None, 0.25, 0.5, 0.75)),
            "kind": rng.choice(("a", "b", "visit")),
            "title": rng.choice(("Kota Bandung", "Bandung - Hamamatsu", "", "Kota Bogor")),
            "active": rng.random() < 0.5,
            "funded": rng.choice((True, False, None)),
            "milestones.agreement": date(),
            "milestones.loi": date(),
            "tags": rng.choice(((), ("youth",), ("a", "b"))),
        }
        activities = [
            {
                "kind": rng.choice(("a", "visit")),
                "date": date(),
                "size": rng.randint(1, 20),
                "participants": rng.choice(((), ("youth",))),
                "note": "n",
                "official": True,
            }
            for _ in range(rng.randint(0, 3))
        ]
        changes = [
            {"office": "mayor", "date": date(), "continuity": rng.random() < 0.5, "months": 3}
            for _ in range(rng.randint(0, 2))
        ]
        cases.append(Facts(scalars, {"activities": activities, "changes": changes}))
    return cases


def _rate(fn: Any, cases: list[Facts]) -> float:
    start = time.perf_counter()
    for case in cases:
        fn(case)
    return len(cases) / (time.perf_counter() - start)


def main(n: int = 3000) -> None:
    ruleset = _ruleset()
    cases = _cases(n)
    with Engine(ruleset, SCHEMA) as engine:
        for case in cases[:200]:  # warm up, and check agreement
            assert engine.evaluate(case).fired == reference.evaluate(ruleset, case, SCHEMA).fired
        engine_rate = _rate(engine.evaluate, cases)
        raw = raw_rate(engine, cases)
    reference_rate = _rate(lambda case: reference.evaluate(ruleset, case, SCHEMA), cases)
    mismatches = 0
    with Engine(ruleset, SCHEMA) as engine:
        for case in cases:
            expected = reference.evaluate(ruleset, case, SCHEMA).fired
            mismatches += engine.evaluate(case).fired != expected
    print(f"rules: {len(ruleset.rules)}  durable rules: {engine.durable_rules}  cases: {n}")
    print(f"engine:      {engine_rate:8.0f} evaluations/s")
    print(f"raw durable: {raw:8.0f} evaluations/s (the same fact JSON, actions not parsed)")
    print(f"reference:   {reference_rate:8.0f} evaluations/s")
    print(f"engine / reference: {engine_rate / reference_rate:.2f}   mismatches: {mismatches}")


def raw_rate(engine: Engine, cases: Sequence[ir.FactsLike]) -> float:
    """Drive the compiled ruleset with the fact JSON the engine produced (recorded once),
    in sessions grouped as the engine groups them."""
    sessions = rekey(record(engine, cases), SESSION_FACTS)
    start = time.perf_counter()
    replay(engine, sessions)
    return len(cases) / (time.perf_counter() - start)


def record(engine: Engine, cases: Iterable[ir.FactsLike]) -> list[list[str]]:
    """The fact JSON :meth:`Engine.evaluate` asserts for each case, in order."""
    from sistereval.engine import durable as engine_module

    recorded: list[list[str]] = []
    original = engine_module._dre.assert_fact

    def keep(handle: int, text: str) -> Any:
        recorded[-1].append(text)
        return original(handle, text)

    engine_module._dre.assert_fact = keep
    try:
        for case in cases:
            recorded.append([])
            engine.evaluate(case)
    finally:
        engine_module._dre.assert_fact = original
    return recorded


_SERIAL = itertools.count()
_ID_SID = re.compile(r'"id":"[^"]*","sid":"[^"]*"')


def replay(engine: Engine, sessions: Sequence[tuple[Sequence[str], str]]) -> int:
    """Assert re-keyed facts (:func:`rekey`) straight into durable's C extension, running
    every action and parsing none, then delete each session: durable's own cost.
    Returns how many actions ran."""
    from sistereval.engine import durable as engine_module

    dre = engine_module._dre
    handle = engine._handle
    actions = 0
    for texts, sid in sessions:
        for text in texts:
            code, state = dre.assert_fact(handle, text)
            if code == 0 and state:
                result = dre.start_action_for_state(handle, state)
                messages = result[1] if result else None
                while messages:
                    actions += 1
                    messages = dre.complete_and_start_action(handle, state)
        dre.delete_state(handle, sid)
    return actions


def rekey(recorded: Sequence[Sequence[str]], session_facts: int = 0) -> list[tuple[list[str], str]]:
    """The recorded facts in fresh sessions with unique fact ids, grouped as
    :meth:`Engine.evaluate` groups them: a case goes into the current session unless
    that holds ``session_facts`` facts already (0: a session per case), and every
    session starts with one ``open`` fact."""
    run = next(_SERIAL)
    sessions: list[tuple[list[str], str]] = []
    count = 0
    for n, texts in enumerate(recorded):
        if not sessions or count >= session_facts:
            sid = f"raw{run}.{n}"
            sessions.append(([f'{{"id":"o","sid":"{sid}","t":"o"}}'], sid))
            count = 1
        out, sid = sessions[-1]
        for j, text in enumerate(t for t in texts if not t.endswith('"t":"o"}')):
            out.append(_ID_SID.sub(f'"id":"{n}.{j}","sid":"{sid}"', text, count=1))
            count += 1
    return sessions


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
