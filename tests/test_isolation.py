"""Isolation: one evaluation never changes another (issue 7, point 4), through the public API.

``tests/test_engine.py`` holds the engine-level checks (a shared engine in
threads, engines of different rule sets, flat memory over 100,000
evaluations of generated facts).  Here whole evaluations of real cases,
``sistereval.evaluate`` from end to end: alternating between two cases, from
four threads at once, and with two rule sets loaded in one process.
``benchmarks/isolation.py`` alternates 100,000 times and measures memory.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sistereval import evaluate, load_case
from sistereval.evaluation import rule_set
from sistereval.language import load_rules

ROOT = Path(__file__).resolve().parent.parent
NAMUR = load_case(ROOT / "examples" / "bandung-namur.yaml")
KITAKYUSHU = load_case(ROOT / "examples" / "surabaya-kitakyushu.yaml")

LENIENT = """\
format: sistereval/rules@1
id: lenient
version: "1.0.0"
title: Core, lenient about implemented fields
extends: rules/core.yaml
disable: [few-fields-implemented]
"""


def record(case: Any, rules: Any = None) -> dict[str, Any]:
    return evaluate(case, rules).to_dict()


class TestAlternatingCases:
    def test_every_evaluation_gives_the_first_result(self) -> None:
        first = {"namur": record(NAMUR), "kitakyushu": record(KITAKYUSHU)}
        changed = [
            i
            for i in range(200)
            if record(NAMUR) != first["namur"] or record(KITAKYUSHU) != first["kitakyushu"]
        ]
        assert ([], "failure", "success") == (
            changed,
            first["namur"]["verdict"],
            first["kitakyushu"]["verdict"],
        )


class TestThreads:
    def test_four_threads_give_the_results_of_one(self) -> None:
        cases = (NAMUR, KITAKYUSHU)
        expected = [[record(cases[n % 2])] * 40 for n in range(4)]

        def work(n: int) -> list[dict[str, Any]]:
            return [record(cases[n % 2]) for _ in range(40)]

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert expected == list(pool.map(work, range(4)))


class TestTwoRuleSets:
    def test_interleaved_rule_sets_do_not_interfere(self, tmp_path: Path) -> None:
        (tmp_path / "rules").mkdir()
        (tmp_path / "rules" / "core.yaml").write_text(
            (ROOT / "rules" / "core.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        file = tmp_path / "lenient.yaml"
        file.write_text(LENIENT, encoding="utf-8")
        core, lenient = rule_set("core"), load_rules(file)
        alone = {"core": record(NAMUR, core), "lenient": record(NAMUR, lenient)}
        interleaved = [(record(NAMUR, core), record(NAMUR, lenient)) for _ in range(20)]
        rules_fired = {
            name: sorted(f["rule"] for f in result["findings"]) for name, result in alone.items()
        }
        assert [(alone["core"], alone["lenient"])] * 20 == interleaved
        assert ["few-fields-implemented"] == sorted(
            set(rules_fired["core"]) - set(rules_fired["lenient"])
        )
