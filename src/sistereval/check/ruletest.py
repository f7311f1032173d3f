"""Running the tests a rule set declares, and measuring what they cover.

``sistereval test RULES...`` runs the ``tests:`` of each rule file
(docs/rule-language.md, "Tests"): a test evaluates a case file, or facts
given inline, and checks the verdict and the rules that fire or do not.
The report also says how much of the rule set the tests exercise:

* **rule coverage**: the rules that fired in at least one test;
* **condition coverage**: for each rule, each top-level clause of its
  condition in negation normal form (the items of a top-level ``and``, else
  the whole condition) is covered when it was true in at least one test and
  false in at least one, evaluated on what the rule's stratum saw.

Inline ``facts:`` are taken as given: facts the case pipeline would derive
from them (``fields.implementation_ratio`` from ``fields.agreed`` and
``fields.implemented``) are not derived, so a test gives every fact its
rules read.

Tests live in the rule file (``tests:``) or in a test file beside it,
``NAME_test.yaml`` for ``NAME.yaml`` (``format: sistereval/tests@1``,
``rules: NAME.yaml``, ``tests: [...]``); both run.  A rule set that
``extends`` another is tested for what it adds: coverage counts the rules
the file itself defines or overrides, and the parent's tests are not run
again (the report says so; run the parent's tests for its rules).
``sistereval test DIR`` tests every rule file in a directory, that is every
``*.yaml`` or ``*.yml`` file whose ``format:`` is ``sistereval/rules@1``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .. import ir
from ..cases import load_named_case
from ..documents import is_dir, read_document
from ..engine import reference
from ..engine.cache import engine_for
from ..errors import Location, SisterevalError
from ..evaluation import Backend, evaluate, not_fired_detail, resolve_backend, stratum_env
from ..facts import FACT_SCHEMA, Facts, derive
from ..language import format_expression, rule_set
from ..language.declarations import read_test_file, test_file_for
from ..language.rulefile import FORMAT
from ..model import PartialDate
from ..schema import FactDef, FactType
from ..verdict import NotFired, decide

__all__ = [
    "ClauseCoverage",
    "TestReport",
    "TestResult",
    "declared_tests",
    "inline_facts",
    "is_rule_file",
    "render_report",
    "rule_files",
    "run_test",
    "run_tests",
    "test",
]


@attrs.frozen(kw_only=True)
class TestResult:
    """The outcome of one declared test.

    ``missing_fires`` are rules of ``fires`` that did not fire,
    ``unexpected_fires`` rules of ``not_fires`` that did; ``error`` says why
    the test could not run (its case file is invalid, ...), and such a test
    fails.
    """

    __test__ = False  # not a pytest test class

    name: str
    passed: bool
    location: Location
    expected_verdict: str | None = None
    actual_verdict: str | None = None
    missing_fires: tuple[str, ...] = ()
    unexpected_fires: tuple[str, ...] = ()
    fired: tuple[str, ...] = ()
    error: str | None = None
    #: For each rule of ``missing_fires``, the first top-level clause of its condition
    #: that was false, with the values it read (the reference evaluator's, clause by clause).
    blocking: tuple[NotFired, ...] = ()

    @property
    def reason(self) -> str:
        """Why the test failed ("" when it passed)."""
        if self.error is not None:
            return f"error: {self.error}"
        parts = []
        if self.expected_verdict is not None and self.expected_verdict != self.actual_verdict:
            parts.append(f"expected verdict {self.expected_verdict}, got {self.actual_verdict}")
        if self.missing_fires:
            blocked = {b.rule: b for b in self.blocking}
            parts.append(
                "did not fire: "
                + ", ".join(
                    f"{rule} (blocked by {blocked[rule].blocking_condition}: "
                    f"{blocked[rule].detail})"
                    if rule in blocked
                    else rule
                    for rule in self.missing_fires
                )
            )
        if self.unexpected_fires:
            parts.append("fired unexpectedly: " + ", ".join(self.unexpected_fires))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "location": str(self.location),
            "expected_verdict": self.expected_verdict,
            "actual_verdict": self.actual_verdict,
            "missing_fires": list(self.missing_fires),
            "unexpected_fires": list(self.unexpected_fires),
            "fired": list(self.fired),
            "error": self.error,
            "blocking": [b.to_dict() for b in self.blocking],
        }


@attrs.frozen(kw_only=True)
class ClauseCoverage:
    """One top-level clause of a rule's condition and the values it took in the tests."""

    rule: str
    index: int  # position among the rule's top-level clauses
    clause: str  # the clause as text
    seen_true: bool
    seen_false: bool

    @property
    def covered(self) -> bool:
        return self.seen_true and self.seen_false

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "index": self.index,
            "clause": self.clause,
            "seen_true": self.seen_true,
            "seen_false": self.seen_false,
        }


def _percent(part: int, whole: int) -> float:
    return 100.0 if whole == 0 else 100.0 * part / whole


def _rule_location(rule: ir.Rule) -> str:
    return f"{rule.loc.file or '<input>'}:{rule.loc.line or 0}"


@attrs.frozen(kw_only=True)
class TestReport:
    """What :func:`run_tests` found for one rule set."""

    __test__ = False  # not a pytest test class

    ruleset: ir.RuleSet = attrs.field(eq=False, repr=False)
    results: tuple[TestResult, ...]
    covered_rules: tuple[str, ...]  # counted rules that fired in a test, in rule order
    clauses: tuple[ClauseCoverage, ...]
    notes: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()  # rules from a parent rule set, not counted

    @property
    def counted_rules(self) -> tuple[ir.Rule, ...]:
        """The rules coverage counts: those the rule file itself defines or overrides."""
        inherited = set(self.inherited)
        return tuple(rule for rule in self.ruleset.rules if rule.id not in inherited)

    @property
    def passed(self) -> bool:
        """Every test passed (true when there are none)."""
        return all(result.passed for result in self.results)

    @property
    def uncovered_rules(self) -> tuple[ir.Rule, ...]:
        covered = set(self.covered_rules)
        return tuple(rule for rule in self.counted_rules if rule.id not in covered)

    @property
    def rule_coverage(self) -> float:
        """The percentage of counted rules that fired in a test (100 without rules)."""
        return _percent(len(self.covered_rules), len(self.counted_rules))

    @property
    def condition_coverage(self) -> float:
        """The percentage of top-level clauses seen both true and false (100 without any)."""
        return _percent(sum(c.covered for c in self.clauses), len(self.clauses))

    def to_dict(self) -> dict[str, Any]:
        ruleset = self.ruleset
        return {
            "ruleset": {"id": ruleset.id, "version": ruleset.version, "file": ruleset.file},
            "passed": self.passed,
            "tests": [result.to_dict() for result in self.results],
            "coverage": {
                "rules": {
                    "percent": self.rule_coverage,
                    "covered": len(self.covered_rules),
                    "total": len(self.counted_rules),
                    "inherited": list(self.inherited),
                    "uncovered": [
                        {"rule": rule.id, "location": _rule_location(rule)}
                        for rule in self.uncovered_rules
                    ],
                },
                "conditions": {
                    "percent": self.condition_coverage,
                    "covered": sum(c.covered for c in self.clauses),
                    "total": len(self.clauses),
                    "uncovered": [c.to_dict() for c in self.clauses if not c.covered],
                },
            },
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------
# running


def run_tests(
    rules: ir.RuleSet | str | os.PathLike[str], *, backend: Backend | None = None
) -> TestReport:
    """Run the tests declared with a rule set and measure their coverage.

    ``rules`` is a loaded rule set, a rule-file path or a shipped name; an
    invalid rule file raises :class:`~sistereval.errors.RuleError`.  A test
    that cannot run (an invalid case file) is a failed result, never an
    exception.
    """
    ruleset = rule_set(rules)
    chosen = resolve_backend(backend)
    separate = None if ruleset.file is None else test_file_for(ruleset.file)
    extra = () if separate is None else read_test_file(separate, ruleset, FACT_SCHEMA)
    results: list[TestResult] = []
    runs: list[tuple[Facts, tuple[str, ...]]] = []
    for test in (*ruleset.tests, *extra):
        result, run = _run_one(test, ruleset, chosen)
        results.append(result)
        if run is not None:
            runs.append(run)
    fired_any = {rid for _, fired in runs for rid in fired}
    inherited = [rule for rule in ruleset.rules if not _own(rule, ruleset)]
    own = [rule for rule in ruleset.rules if _own(rule, ruleset)]
    notes = [] if separate is None else [f"{len(extra)} test(s) from {separate}"]
    if inherited:
        parents = ", ".join(dict.fromkeys(rule.origin for rule in inherited))
        notes.append(
            f"{len(inherited)} inherited rule(s) not counted and their tests not run again: "
            f"run the tests of {parents} for them"
        )
    return TestReport(
        ruleset=ruleset,
        results=tuple(results),
        covered_rules=tuple(rule.id for rule in own if rule.id in fired_any),
        clauses=_clause_coverage(ruleset, own, runs),
        notes=tuple(notes),
        inherited=tuple(rule.id for rule in inherited),
    )


# A library function named test, not a pytest test (ruff's PT rules take it for one).
def test(
    rules: ir.RuleSet | str | os.PathLike[str],
    *,
    backend: Backend | None = None,  # noqa: PT028
) -> TestReport:
    """``sistereval.test(rules)``: :func:`run_tests`, the tests declared with a rule set."""
    return run_tests(rules, backend=backend)


test.__test__ = False  # type: ignore[attr-defined]  # a library function, not a pytest test


def _own(rule: ir.Rule, ruleset: ir.RuleSet) -> bool:
    """Whether the rule file of ``ruleset`` itself defines or overrides ``rule``."""
    return not rule.origin or ruleset.file is None or rule.origin == ruleset.file


def declared_tests(ruleset: ir.RuleSet) -> tuple[ir.RuleTest, ...]:
    """The tests declared with ``ruleset``: its own ``tests:``, then those of its test
    file (``NAME_test.yaml`` beside it), in order; what :func:`run_tests` runs."""
    separate = None if ruleset.file is None else test_file_for(ruleset.file)
    extra = () if separate is None else read_test_file(separate, ruleset, FACT_SCHEMA)
    return (*ruleset.tests, *extra)


def run_test(
    test: ir.RuleTest, ruleset: ir.RuleSet, *, backend: Backend | None = None
) -> TestResult:
    """The result of one declared test of ``ruleset`` (a test that cannot run is a
    failed result with its ``error``); ``backend`` as for :func:`run_tests`."""
    return _run_one(test, ruleset, resolve_backend(backend))[0]


def _run_one(
    test: ir.RuleTest, ruleset: ir.RuleSet, backend: Backend
) -> tuple[TestResult, tuple[Facts, tuple[str, ...]] | None]:
    try:
        facts, fired, verdict = _run(test, ruleset, backend)
    except SisterevalError as exc:
        failed = TestResult(name=test.name, passed=False, location=test.loc, error=str(exc))
        return failed, None
    result = _check(test, fired, verdict)
    if result.missing_fires:
        by_id = {rule.id: rule for rule in ruleset.rules}
        blocking = tuple(
            not_fired_detail(
                by_id[rid], facts, stratum_env(ruleset, facts, fired, by_id[rid].stratum)
            )
            for rid in result.missing_fires
            if rid in by_id
        )
        result = attrs.evolve(result, blocking=blocking)
    return result, (facts, fired)


def _run(
    test: ir.RuleTest, ruleset: ir.RuleSet, backend: Backend
) -> tuple[Facts, tuple[str, ...], str]:
    """The facts of a test, the rules that fired and the verdict."""
    if test.case is not None:
        case = load_named_case(test.case, file=test.case)
        result = evaluate(case, ruleset, backend=backend)
        return derive(case), tuple(f.rule for f in result.findings), result.verdict
    facts = inline_facts(test.name, test.facts or {})
    if backend == "durable":
        firing: ir.Firing = engine_for(ruleset, FACT_SCHEMA).evaluate(facts)
    else:
        firing = reference.evaluate(ruleset, facts, FACT_SCHEMA)
    verdict, _ = decide(ruleset, firing.fired)
    return facts, firing.fired, verdict


def _check(test: ir.RuleTest, fired: tuple[str, ...], verdict: str) -> TestResult:
    missing = tuple(rid for rid in test.fires if rid not in fired)
    unexpected = tuple(rid for rid in test.not_fires if rid in fired)
    verdict_ok = test.verdict is None or test.verdict == verdict
    return TestResult(
        name=test.name,
        passed=verdict_ok and not missing and not unexpected,
        location=test.loc,
        expected_verdict=test.verdict,
        actual_verdict=verdict,
        missing_fires=missing,
        unexpected_fires=unexpected,
        fired=fired,
    )


def _clause_coverage(
    ruleset: ir.RuleSet,
    rules: Sequence[ir.Rule],
    runs: Sequence[tuple[Facts, tuple[str, ...]]],
) -> tuple[ClauseCoverage, ...]:
    out: list[ClauseCoverage] = []
    envs = [
        {k: stratum_env(ruleset, facts, fired, k) for k in {r.stratum for r in ruleset.rules}}
        for facts, fired in runs
    ]
    for rule in rules:
        condition = ir.to_nnf(rule.when)
        clauses = condition.items if isinstance(condition, ir.And) else (condition,)
        for index, clause in enumerate(clauses):
            values = {reference.eval_condition(clause, env[rule.stratum]) for env in envs}
            out.append(
                ClauseCoverage(
                    rule=rule.id,
                    index=index,
                    clause=format_expression(clause),
                    seen_true=True in values,
                    seen_false=False in values,
                )
            )
    return tuple(out)


def inline_facts(name: str, given: Mapping[str, object]) -> Facts:
    """The facts of a test's ``facts:`` mapping, typed as the fact schema says.

    Facts it does not give are unknown; nothing is derived from the ones it
    gives.  The mapping was checked against the schema when the rule file
    was loaded.
    """
    scalars = {fact.name: _typed(fact, given.get(fact.name)) for fact in FACT_SCHEMA.scalars}
    collections: dict[str, tuple[dict[str, ir.FactValue], ...]] = {}
    for coll in FACT_SCHEMA.collections:
        if coll.name == "findings":
            continue
        items = given.get(coll.name) or []
        assert isinstance(items, list)  # checked on loading
        collections[coll.name] = tuple(
            {attr.name: _typed(attr, item[attr.name]) for attr in coll.items if attr.name in item}
            for item in items
        )
    return Facts(case_id=name, scalars=scalars, collections=collections, sources={})


def _typed(fact: FactDef, value: object) -> ir.FactValue:
    if value is None:
        return None
    if fact.type is FactType.DATE:
        return value if isinstance(value, PartialDate) else PartialDate.parse(value)
    if fact.type is FactType.LIST:
        assert isinstance(value, list | tuple)
        return tuple(str(item) for item in value)
    assert isinstance(value, bool | int | float | str)
    return value


def rule_files(directory: str | os.PathLike[str]) -> list[str]:
    """The rule files in ``directory``: ``*.yaml``/``*.yml`` files whose ``format:`` is
    ``sistereval/rules@1`` (a file that is not readable YAML counts, so its errors show)."""
    return [str(path) for path in sorted(Path(directory).iterdir()) if is_rule_file(path)]


def rule_inputs(name: str) -> list[str]:
    """The rule files a command line's ``name`` stands for: those in it when it is a
    folder (:func:`rule_files`), else ``name`` itself (a file or a shipped name, even
    one too long for the system to look up: loading it says what is wrong)."""
    return rule_files(name) if is_dir(name) else [name]


def is_rule_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a ``*.yaml``/``*.yml`` file whose ``format:`` is
    ``sistereval/rules@1``, or one that is not readable YAML (so its errors show)."""
    path = Path(path)
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        data = read_document(path.read_text(encoding="utf-8"), file=str(path)).data
    except (OSError, UnicodeDecodeError, SisterevalError):
        return True
    return isinstance(data, dict) and data.get("format") == FORMAT


def render_report(report: TestReport, threshold: float = 0.0) -> str:
    """The text form of a report, as ``sistereval test`` prints it."""
    lines = []
    for result in report.results:
        if result.passed:
            lines.append(f"PASS {result.name}")
        else:
            lines.append(f"FAIL {result.name} ({result.location}): {result.reason}")
    rules = report.counted_rules
    lines.append(
        f"rule coverage: {report.rule_coverage:.1f}% ({len(report.covered_rules)}/{len(rules)})"
    )
    lines.extend(
        f"  uncovered: {rule.id} at {_rule_location(rule)}" for rule in report.uncovered_rules
    )
    covered = sum(c.covered for c in report.clauses)
    lines.append(
        f"condition coverage: {report.condition_coverage:.1f}% ({covered}/{len(report.clauses)})"
    )
    if report.rule_coverage < threshold:
        lines.append(f"rule coverage is below the threshold of {threshold:g}%")
    lines.extend(f"note: {note}" for note in report.notes)
    return "".join(f"{line}\n" for line in lines)
