"""The durable backend: every durable_rules trap of docs/engine.md stays neutralised.

Each test names the trap it pins.  Agreement with the reference evaluator on
random inputs is tested in ``test_differential.py``.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ir_strategies import SCHEMA, Facts, rule
from sistereval import ir
from sistereval.engine import compile as compile_module
from sistereval.engine import reference
from sistereval.engine.compile import MAX_RULES, ZERO, Slot, SlotKind
from sistereval.engine.durable import Engine
from sistereval.errors import EvaluationError
from sistereval.model import PartialDate
from sistereval.schema import FactDef, FactSchema, FactType

F, L = ir.FactRef, ir.Literal
OBSTACLE = ir.FindingThen(kind="obstacle", factor="f1", severity="high")


def A(name: str) -> ir.ItemRef:
    return ir.ItemRef("activities", name)


def ruleset(*rules: ir.Rule, rid: str = "test") -> ir.RuleSet:
    return ir.RuleSet(id=rid, version="1", title=rid, rules=rules)


def facts(activities: list[dict[str, Any]] | None = None, **scalars: Any) -> Facts:
    values: dict[str, Any] = {fact.name: None for fact in SCHEMA.scalars}
    values.update({name.replace("__", "."): value for name, value in scalars.items()})
    return Facts(values, {"activities": activities or [], "changes": []})


def activity(**attributes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {fact.name: None for fact in SCHEMA.collection("activities").items}
    item.update(attributes)
    return item


@pytest.fixture
def compile_() -> Iterator[Any]:
    """Compile rule sets into engines that are closed after the test."""
    engines: list[Engine] = []

    def make(rs: ir.RuleSet, schema: FactSchema = SCHEMA) -> Engine:
        engine = Engine(rs, schema)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


def agree(engine: Engine, case: Facts) -> ir.Firing:
    """Evaluate with the engine, checking the reference evaluator agrees."""
    actual = engine.evaluate(case)
    expected = reference.evaluate(engine.ruleset, case, engine.schema)
    assert expected.fired == actual.fired
    assert expected.matched_items == actual.matched_items
    return actual


def _run_python(code: str, timeout: float = 120) -> str:
    """Run ``code`` in a fresh interpreter (a durable hang or crash must not take pytest down)."""
    tests = str(Path(__file__).resolve().parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (tests, os.environ.get("PYTHONPATH")))),
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class TestEngineInit:
    def test_validates_the_rule_set_naming_the_rule(self) -> None:
        bad = rule("bad", ir.Compare(">", F("fields.agred"), L(3)))
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(rule("ok", L(True)), bad), SCHEMA)
        assert "bad" == info.value.rule
        assert "fields.agred" in str(info.value)

    def test_rejects_an_unknown_node_type(self) -> None:
        class Strange:
            pass

        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(rule("odd", Strange())), SCHEMA)  # type: ignore[arg-type]
        assert "odd" == info.value.rule

    def test_rejects_fired_of_the_same_stratum(self) -> None:
        rules = (rule("a", L(True)), rule("b", ir.FiredRef("a")))
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(*rules), SCHEMA)
        assert "b" == info.value.rule

    def test_too_many_rules_is_an_error_naming_the_rule(self) -> None:
        rules = [rule(f"r{i}", L(True)) for i in range(MAX_RULES + 1)]
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(*rules), SCHEMA)
        assert f"r{MAX_RULES}" == info.value.rule

    def test_too_many_alternatives_is_an_error_naming_the_rule(self) -> None:
        # a date comparison has 5 alternatives, so this has (5 + 5) ** 5 of them
        agreement, loi = F("milestones.agreement"), F("milestones.loi")
        either = ir.Or((ir.Compare("<", agreement, loi), ir.Compare(">", agreement, loi)))
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(rule("huge", ir.And((either,) * 5))), SCHEMA)
        assert "huge" == info.value.rule
        assert "alternatives" in str(info.value)

    def test_a_condition_reading_too_many_values_is_an_error(self) -> None:
        schema = FactSchema(
            scalars=tuple(
                FactDef(name=f"x{i}", type=FactType.NUMBER, description="") for i in range(250)
            ),
            collections=(),
        )
        when = ir.And(tuple(ir.Compare(">", F(f"x{i}"), L(0)) for i in range(250)))
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(rule("wide", when)), schema)
        assert "wide" == info.value.rule

    def test_many_values_spread_over_rules_stay_under_durables_253_properties(
        self, compile_: Any
    ) -> None:
        # trap: 253+ properties on one fact fail; rules are packed into fact types
        schema = FactSchema(
            scalars=tuple(
                FactDef(name=f"x{i}", type=FactType.NUMBER, description="") for i in range(400)
            ),
            collections=(),
        )
        rules = [rule(f"r{i}", ir.Compare(">", F(f"x{i}"), L(i))) for i in range(400)]
        engine = compile_(ruleset(*rules), schema)
        case = Facts({f"x{i}": i + (i % 2) for i in range(400)})
        expected = tuple(f"r{i}" for i in range(400) if i % 2)
        assert expected == engine.evaluate(case).fired

    def test_too_many_durable_rules_is_an_error_naming_the_rule(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # trap: more than 4,096 durable rules fail with a bare error code
        monkeypatch.setattr(compile_module, "MAX_DURABLE_RULES", 12)
        rules = [rule(f"r{i}", ir.Compare(">", F("fields.agreed"), L(i))) for i in range(20)]
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(*rules), SCHEMA)
        assert "r10" == info.value.rule

    def test_a_durable_compile_error_names_the_rule(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # trap: compile errors are bare numbers with no rule name
        original = compile_module._pattern

        def corrupt(tag: str, conjs: Any) -> str:
            text: str = original(tag, conjs)
            return text.replace('"$gt"', '"$gt":{"x":') if '"$gt"' in text else text

        monkeypatch.setattr(compile_module, "_pattern", corrupt)
        rules = (
            rule("fine", F("active")),
            rule("broken", ir.Compare(">", F("fields.ratio"), L(1))),
        )
        with pytest.raises(EvaluationError) as info:
            Engine(ruleset(*rules), SCHEMA)
        assert "broken" == info.value.rule
        assert "error code" in str(info.value)

    def test_starts_no_timer_threads(self, compile_: Any) -> None:
        # trap: every durable Host starts 2 timer threads that never stop
        before = threading.active_count()
        for n in range(3):
            engine = compile_(ruleset(rule(f"r{n}", F("active"))))
            engine.evaluate(facts(active=True))
        assert before == threading.active_count()

    def test_two_engines_with_the_same_rule_set_id_do_not_interfere(self, compile_: Any) -> None:
        # trap: ruleset names are global per host and cannot be removed
        first = compile_(ruleset(rule("r", ir.Compare(">", F("fields.agreed"), L(3))), rid="x"))
        second = compile_(ruleset(rule("r", ir.Compare("<", F("fields.agreed"), L(3))), rid="x"))
        case = facts(fields__agreed=5)
        assert ("r",) == first.evaluate(case).fired
        assert () == second.evaluate(case).fired
        assert ("r",) == first.evaluate(case).fired


class TestEngineEvaluate:
    def test_an_action_error_names_the_rule(
        self, compile_: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # trap: durable swallows action errors into the session state
        engine = compile_(ruleset(rule("calm", F("active")), rule("angry", F("active"))))
        original = Engine._record_firing

        def record(self: Engine, session: Any, index: int) -> None:
            if self.ruleset.rules[index].id == "angry":
                raise RuntimeError("boom")
            original(self, session, index)

        monkeypatch.setattr(Engine, "_record_firing", record)
        with pytest.raises(EvaluationError) as info:
            engine.evaluate(facts(active=True))
        assert "angry" == info.value.rule
        assert "boom" in str(info.value)
        assert isinstance(info.value.__cause__, RuntimeError)

    def test_a_quantifier_action_error_names_the_rule(
        self, compile_: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        engine = compile_(ruleset(rule("visits", ir.Quantifier("any", "activities", None))))

        def record(self: Engine, session: Any, qid: int, item: int) -> None:
            raise ValueError("bad item")

        monkeypatch.setattr(Engine, "_record_match", record)
        with pytest.raises(EvaluationError) as info:
            engine.evaluate(facts([activity()]))
        assert "visits" == info.value.rule

    def test_session_state_is_deleted_when_an_evaluation_raises(
        self, compile_: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # trap: at most 1,024 live sessions per ruleset, then MemoryError
        engine = compile_(ruleset(rule("r", F("active"))))

        def record(self: Engine, session: Any, index: int) -> None:
            raise RuntimeError("boom")

        with monkeypatch.context() as patch:
            patch.setattr(Engine, "_record_firing", record)
            for _ in range(1_100):
                with pytest.raises(EvaluationError):
                    engine.evaluate(facts(active=True))
        assert ("r",) == engine.evaluate(facts(active=True)).fired

    def test_many_evaluations_never_reach_the_session_limit(self, compile_: Any) -> None:
        engine = compile_(ruleset(rule("r", F("active"))))
        results = {engine.evaluate(facts(active=n % 2 == 0)).fired for n in range(1_300)}
        assert {("r",), ()} == results

    def test_sessions_where_no_rule_fires_are_deleted_safely(self, compile_: Any) -> None:
        # trap: deleting a session in which no action ran kills the process
        engine = compile_(ruleset(rule("never", L(False)), rule("no", F("active"))))
        for _ in range(1_100):
            assert () == engine.evaluate(facts(active=False)).fired

    def test_derived_and_finding_facts_are_never_lost(self, compile_: Any) -> None:
        # trap: a fact asserted in an action that no rule matches is silently lost
        findings = [rule(f"f{i}", L(True), OBSTACLE) for i in range(5)]
        derive = rule("d", ir.FiredRef("f0"), ir.Derive(name="d1"), stratum=1)
        count = ir.Quantifier("count", "findings", None)
        top = rule("top", ir.And((ir.Compare("==", count, L(5)), ir.DerivedRef("d1"))), stratum=2)
        engine = compile_(ruleset(*findings, derive, top))
        firing = agree(engine, facts())
        assert "top" in firing.fired
        assert {"findings": (0, 1, 2, 3, 4)} == firing.matched_items["top"]

    def test_an_or_with_both_branches_true_fires_once(
        self, compile_: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # trap: $or fires once per true branch
        when = ir.Or((F("active"), ir.Compare(">", F("fields.agreed"), L(1))))
        engine = compile_(ruleset(rule("either", when)))
        calls: list[int] = []
        original = Engine._record_firing

        def spy(self: Engine, session: Any, index: int) -> None:
            calls.append(index)
            original(self, session, index)

        monkeypatch.setattr(Engine, "_record_firing", spy)
        assert ("either",) == engine.evaluate(facts(active=True, fields__agreed=3)).fired
        assert [0, 0] == calls  # durable did fire twice

    def test_identical_items_are_counted_separately(self, compile_: Any) -> None:
        # trap: facts without an id are identified by a colliding 32-bit hash
        visit = activity(kind="visit", size=7, note="7")
        count = ir.Quantifier("count", "activities", ir.Compare("==", A("kind"), L("visit")))
        engine = compile_(ruleset(rule("three", ir.Compare("==", count, L(3)))))
        firing = agree(engine, facts([visit, dict(visit), dict(visit)]))
        assert ("three",) == firing.fired
        assert {"activities": (0, 1, 2)} == firing.matched_items["three"]

    def test_the_number_7_and_the_string_7_do_not_collide(self, compile_: Any) -> None:
        # trap: a fact's id is its identity, and 7 == '7' there
        size = ir.Quantifier("count", "activities", ir.Compare("==", A("size"), L(7)))
        note = ir.Quantifier("count", "activities", ir.Compare("==", A("note"), L("7")))
        rules = (
            rule("size", ir.Compare("==", size, L(1))),
            rule("note", ir.Compare("==", note, L(1))),
        )
        engine = compile_(ruleset(*rules))
        assert ("size", "note") == agree(
            engine, facts([activity(size=7), activity(note="7")])
        ).fired

    def test_negation_is_decided_after_all_facts_are_in(self, compile_: Any) -> None:
        # trap: none() is decided when facts arrive
        rules = (
            rule("obstacle", L(True), OBSTACLE),
            rule(
                "no-visit",
                ir.Quantifier("none", "activities", ir.Compare("==", A("kind"), L("visit"))),
            ),
            rule("no-obstacle", ir.Quantifier("none", "findings", None), stratum=1),
            rule("not-fired", ir.Not(ir.FiredRef("obstacle")), stratum=1),
        )
        engine = compile_(ruleset(*rules))
        items = [activity(kind="a"), activity(kind="b"), activity(kind="visit")]
        assert ("obstacle",) == agree(engine, facts(items)).fired

    def test_strings_and_numbers_never_coerce(self, compile_: Any) -> None:
        # trap: durable compares '5' > 1 as numbers
        rules = (
            rule("text", ir.Compare("<", F("title"), L("9"))),
            rule("number", ir.Compare("<", F("fields.agreed"), L(9))),
        )
        engine = compile_(ruleset(*rules))
        assert ("text",) == agree(engine, facts(title="10", fields__agreed=10)).fired

    def test_true_is_not_one(self, compile_: Any) -> None:
        # trap: True == 1 in durable; the rule IR is typed so they never meet
        rules = (rule("flag", F("active")), rule("one", ir.Compare("==", F("fields.agreed"), L(1))))
        engine = compile_(ruleset(*rules))
        assert ("one",) == agree(engine, facts(active=False, fields__agreed=1)).fired
        assert ("flag",) == agree(engine, facts(active=True, fields__agreed=0)).fired
        with pytest.raises(EvaluationError):
            Engine(ruleset(rule("mixed", ir.Compare("==", F("active"), L(1)))), SCHEMA)

    @pytest.mark.parametrize(
        ("left", "right"),
        [
            ("a\nb", "a\tb"),
            ('a"b', "a#b"),
            ("a\\b", "a]b"),
            ("ab", "a"),
            ("é", "z"),
            ("😀", "\uffff"),
        ],
    )
    def test_strings_compare_by_code_point(self, compile_: Any, left: str, right: str) -> None:
        # trap: durable compares strings in their JSON-escaped form
        rules = tuple(
            rule(op, ir.Compare(op, F("title"), L(right))) for op in ("<", "<=", ">", ">=", "==")
        )
        engine = compile_(ruleset(*rules))
        agree(engine, facts(title=left))

    @pytest.mark.parametrize("number", [1e20, 1.5e-7, 5e-324, 1e300, -0.0, 2**53 + 1])
    def test_numbers_that_json_writes_with_exponents(self, compile_: Any, number: float) -> None:
        # trap: durable's parser rejects 1e+20
        rules = tuple(
            rule(op, ir.Compare(op, F("fields.ratio"), L(number))) for op in ("<", "==", ">")
        )
        engine = compile_(ruleset(*rules))
        assert ("==",) == agree(engine, facts(fields__ratio=number)).fired

    def test_division_by_zero_is_unknown(self, compile_: Any) -> None:
        # trap: integer division by zero kills the process with SIGFPE
        ratio = ir.Arith("/", F("fields.implemented"), F("fields.agreed"))
        rules = (
            rule("low", ir.Compare("<", ratio, L(0.5))),
            rule("high", ir.Compare(">=", ratio, L(0.5))),
            rule("missing", ir.Known(ratio, negated=True)),
        )
        engine = compile_(ruleset(*rules))
        assert ("missing",) == agree(engine, facts(fields__implemented=1, fields__agreed=0)).fired

    @pytest.mark.parametrize(
        ("pattern", "subject"), [("*aa", "aaa"), ("*a?", "aab"), ("a*b*a", "abba"), ("*?a*", "ba")]
    )
    def test_globs_durables_regex_engine_gets_wrong(
        self, compile_: Any, pattern: str, subject: str
    ) -> None:
        # trap: durable's $mt misses matches of a '*' followed by more pattern
        engine = compile_(ruleset(rule("m", ir.Match(F("title"), pattern))))
        assert ("m",) == agree(engine, facts(title=subject)).fired

    def test_globs_match_empty_and_special_strings(self, compile_: Any) -> None:
        patterns = ("", "*", "?", "a*", "%*", ".", "[a]", "É*")
        rules = tuple(
            rule(f"p{i}", ir.Match(F("title"), p, ignore_case=True)) for i, p in enumerate(patterns)
        )
        engine = compile_(ruleset(*rules))
        for subject in ("", "a", "%", ".", "[a]", "é", "éa"):
            agree(engine, facts(title=subject))

    def test_many_rules_true_at_once(self, compile_: Any) -> None:
        # trap: more than 64 alternatives pending on one fact fail with error 303
        rules = [rule(f"r{i}", ir.Compare(">", F("fields.agreed"), L(i))) for i in range(150)]
        engine = compile_(ruleset(*rules))
        assert 150 == len(engine.evaluate(facts(fields__agreed=1000)).fired)

    def test_the_most_rules_testing_one_property_neither_hang_nor_fail(self) -> None:
        # traps: more than 512 rules testing one property make create_ruleset hang;
        # more than 4,096 rules fail
        output = _run_python(
            """
            from ir_strategies import SCHEMA, Facts, rule
            from sistereval import ir
            from sistereval.engine import Engine
            rules = [rule(f"r{i}", ir.Compare(">", ir.FactRef("fields.agreed"), ir.Literal(i)))
                     for i in range(4_000)]
            rs = ir.RuleSet(id="big", version="1", title="big", rules=tuple(rules))
            with Engine(rs, SCHEMA) as engine:
                case = Facts({"fields.agreed": 2_500})
                print(len(engine.evaluate(case).fired), engine.durable_rules)
            """
        )
        assert "2500" == output.split()[0]

    def test_concurrent_threads_share_one_engine(self, compile_: Any) -> None:
        # trap: a host shared by threads segfaults
        count = ir.Quantifier("count", "activities", ir.Compare("==", A("kind"), L("visit")))
        engine = compile_(
            ruleset(rule("many", ir.Compare(">=", count, L(2))), rule("on", F("active")))
        )
        cases = [facts([activity(kind="visit")] * (n % 4), active=n % 3 == 0) for n in range(40)]
        expected = [engine.evaluate(case).fired for case in cases]
        results: dict[int, list[tuple[str, ...]]] = {}
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                results[worker] = [engine.evaluate(case).fired for case in cases * 10]
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == errors
        assert {n: expected * 10 for n in range(4)} == results

    def test_engines_with_different_rule_sets_do_not_interfere(self, compile_: Any) -> None:
        first = compile_(ruleset(rule("a", F("active")), rid="one"))
        second = compile_(ruleset(rule("b", ir.Not(F("active"))), rid="two"))
        failures: list[str] = []

        def work(offset: int) -> None:
            for n in range(offset, offset + 200):
                active = n % 2 == 0
                if first.evaluate(facts(active=active)).fired != (("a",) if active else ()):
                    failures.append(f"first {n}")
                if second.evaluate(facts(active=active)).fired != (() if active else ("b",)):
                    failures.append(f"second {n}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == failures

    def test_a_condition_that_is_always_true_fires_once(self, compile_: Any) -> None:
        # trap found here: an empty $and in a durable pattern fires millions of times
        rules = (rule("true", L(True)), rule("empty-and", ir.And(())), rule("false", ir.Or(())))
        engine = compile_(ruleset(*rules))
        assert ("true", "empty-and") == agree(engine, facts()).fired

    def test_unknown_values_make_atoms_false_in_both_polarities(self, compile_: Any) -> None:
        # also: the pattern of 'missing' has a $nex, which alone would loop forever
        rules = (
            rule("lt", ir.Compare("<", F("fields.ratio"), L(0.3))),
            rule("ge", ir.Not(ir.Compare("<", F("fields.ratio"), L(0.3)))),
            rule("missing", ir.Known(F("fields.ratio"), negated=True)),
        )
        engine = compile_(ruleset(*rules))
        assert ("missing",) == agree(engine, facts()).fired

    def test_dates_compare_at_the_coarser_precision(self, compile_: Any) -> None:
        agreement = F("milestones.agreement")
        rules = (
            rule("before-2018", ir.Compare("<", agreement, L(PartialDate(2018)))),
            rule("in-2017", ir.Compare("==", agreement, L(PartialDate(2017)))),
            rule("before-2017", ir.Compare("<", agreement, L(PartialDate(2017)))),
            rule("after-loi", ir.Compare(">", agreement, F("milestones.loi"))),
        )
        engine = compile_(ruleset(*rules))
        case = facts(
            milestones__agreement=PartialDate(2017, 10, 10), milestones__loi=PartialDate(2017, 9)
        )
        assert ("before-2018", "in-2017", "after-loi") == agree(engine, case).fired

    def test_facts_of_the_wrong_type_are_rejected(self, compile_: Any) -> None:
        engine = compile_(ruleset(rule("r", F("active"))))
        for bad in (facts(active=1), facts(fields__agreed="3"), facts(title=float("nan"))):
            with pytest.raises(EvaluationError):
                engine.evaluate(bad)
            with pytest.raises(EvaluationError):
                reference.evaluate(engine.ruleset, bad, SCHEMA)

    def test_a_message_not_handled_cannot_happen(self, compile_: Any) -> None:
        # trap: a fact no rule matches raises MessageNotHandledException
        engine = compile_(ruleset(rule("never", ir.Compare(">", F("fields.agreed"), L(10)))))
        assert () == engine.evaluate(facts([activity()], fields__agreed=1)).fired


class TestEngineClose:
    def test_evaluating_after_close_is_an_error(self) -> None:
        engine = Engine(ruleset(rule("r", F("active"))), SCHEMA)
        engine.close()
        engine.close()  # idempotent
        with pytest.raises(EvaluationError):
            engine.evaluate(facts(active=True))

    def test_the_context_manager_closes(self) -> None:
        with Engine(ruleset(rule("r", F("active"))), SCHEMA) as engine:
            assert ("r",) == engine.evaluate(facts(active=True)).fired
        with pytest.raises(EvaluationError):
            engine.evaluate(facts(active=True))

    def test_many_engines_can_be_created_and_closed(self) -> None:
        for n in range(300):
            with Engine(ruleset(rule("r", ir.Compare(">", F("fields.agreed"), L(n)))), SCHEMA) as e:
                assert ("r",) == e.evaluate(facts(fields__agreed=n + 1)).fired


class TestSlot:
    @pytest.mark.parametrize(
        ("slot", "prop"),
        [
            (Slot(SlotKind.SCALAR, 3), "s3"),
            (Slot(SlotKind.SCALAR_LOWER, 3), "s3l"),
            (Slot(SlotKind.ATTRIBUTE, 1), "a1"),
            (Slot(SlotKind.ATTRIBUTE_LOWER, 1), "a1l"),
            (Slot(SlotKind.COUNT, 2), "q2"),
            (Slot(SlotKind.FIRED, 5), "f5"),
            (Slot(SlotKind.DERIVED, 0), "d0"),
            (Slot(SlotKind.MATCH, 4), "g4"),
            (ZERO, "_z"),
        ],
    )
    def test_the_property_of_each_kind(self, slot: Slot, prop: str) -> None:
        assert prop == slot.prop

    def test_the_lower_cased_copy_of_a_scalar_and_of_an_attribute(self) -> None:
        assert Slot(SlotKind.SCALAR_LOWER, 3) == Slot(SlotKind.SCALAR, 3).lowered()
        assert Slot(SlotKind.ATTRIBUTE_LOWER, 1) == Slot(SlotKind.ATTRIBUTE, 1).lowered()

    def test_slots_hash_like_the_tuples_of_their_text(self) -> None:
        # the engine's dicts are keyed by slots on the hot path: no enum hashing there
        assert hash(("s", 3)) == hash(Slot(SlotKind.SCALAR, 3))

    def test_the_order_of_the_properties_on_a_fact(self) -> None:
        slots = [ZERO, Slot(SlotKind.SCALAR, 2), Slot(SlotKind.SCALAR_LOWER, 1)]
        slots += [Slot(SlotKind.SCALAR, 10), Slot(SlotKind.COUNT, 0), Slot(SlotKind.ATTRIBUTE, 7)]
        expected = ["a7", "q0", "s10", "s2", "s1l", "_z"]
        assert expected == [slot.prop for slot in sorted(slots, key=Slot.order)]


SRC = Path(__file__).resolve().parents[1] / "src"


def _imports() -> Iterator[tuple[str, str]]:
    """(module, what it imports) for every import in ``src/``, relative imports resolved;
    ``from . import x`` counts as importing both the package and ``x``."""
    for path in sorted((SRC / "sistereval").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name, package = ".".join(parts), parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((name, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else ()
                module = ".".join((*base, *([node.module] if node.module else [])))
                yield name, module
                yield from ((name, f"{module}.{alias.name}") for alias in node.names)


class TestEngineModules:
    def test_only_engine_durable_imports_durable_rules(self) -> None:
        importers = {name for name, module in _imports() if module.split(".")[0] == "durable"}
        assert {"sistereval.engine.durable"} == importers

    def test_no_module_of_the_engine_imports_the_reference_evaluator(self) -> None:
        importers = {name for name, module in _imports() if module == "sistereval.engine.reference"}
        assert "sistereval.evaluation" in importers  # imports of it are seen
        assert set() == {name for name in importers if name.startswith("sistereval.engine.")}


@pytest.mark.slow
class TestEngineMemory:
    def test_memory_stays_flat_over_100_000_evaluations(self) -> None:
        # the same measurement as benchmarks/engine_memory.py
        output = _run_python(
            f"""
            import sys
            sys.path.insert(0, {str(Path(__file__).resolve().parents[1] / "benchmarks")!r})
            from engine_memory import growth_kib
            print(growth_kib(100_000))
            """,
            timeout=600,
        )
        assert int(output) < 5 * 1024
