"""Property checks of a rule set: defects found by evaluating generated cases.

``sistereval check RULES...`` runs, after the static checks of
:mod:`sistereval.check` (unless ``--no-properties``), these properties over
cases that hypothesis generates (:func:`sistereval.strategies.cases`) and
over variations of the cases the rule set's tests name and of the shipped
examples (:func:`sistereval.strategies.case_variations`):

* ``nondeterministic``: evaluating a case twice gives the same evaluation;
* ``backend-mismatch``: the durable engine and the reference evaluator fire
  the same rules and give the same verdict;
* ``order-dependent``: the case with every list in another order
  (:func:`sistereval.strategies.case_permutations`) gets the same verdict,
  rules and messages;
* ``not-isolated``: evaluating another case in between, with this rule set
  and with ``core``, does not change a case's evaluation;
* ``invariant-broken``: every ``monotone`` invariant the rule set declares
  holds: moving the fact its way by a record edit (:mod:`sistereval.check.monotone`;
  up to three edits in a row) never makes the verdict worse on the scale
  (``not_assessable`` is off the scale and never counts as worse or better);
* ``no-witness``: every rule fires for at least one case tried (its
  *witness*).  The search starts from the cases the rule set's tests name and
  the shipped examples.  Rules the static check shows dead are left to it;
  for each other rule still without a witness, a search aimed at it follows
  (variations of the cases closest to firing it, with hypothesis
  ``target()`` on how close its condition comes to holding), and a rule
  still without one is reported as "no witness found in N cases": it may
  fire for a case nobody tried.

All properties are checked together over the same cases.  When one fails,
hypothesis shrinks the case to a minimal one, which is reported with the
rules involved and, with ``save_to``, written as case files that
``sistereval evaluate`` reproduces the defect with; the search then goes on
without that property.  Runs are reproducible: without a seed the search is
derandomized, ``seed`` picks another reproducible search.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings, target
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from .. import ir
from ..cases import dump_case, load_named_case
from ..engine import reference
from ..engine.backends import durable_error
from ..errors import EvaluationError, Location, Problem, SisterevalError, UsageError
from ..evaluation import Backend, evaluate, resolve_backend, stratum_env
from ..facts import FACT_SCHEMA, derive
from ..language import rule_set
from ..language.declarations import read_test_file, test_file_for
from ..messages import CHECK, texts
from ..model import Case, MilestoneType, Sector
from ..strategies import case_variations, cases, with_participants
from ..verdict import Evaluation
from .edits import Coverage, search_edits
from .monotone import EDITS
from .propertychecks import Check, Failed, Invariant, checks_for, fired, probe_monotone, versions
from .static import CheckReport, Defect

__all__ = [
    "DEFAULT_EXAMPLES",
    "PropertyReport",
    "WithProperties",
    "Witness",
    "check_properties",
    "with_properties",
]


#: How many cases each property search generates unless told: the same in every process,
#: so that ``check`` finds the same cases inside a test suite (whatever its hypothesis
#: profile) as on the command line.
DEFAULT_EXAMPLES = 100
#: The aimed witness searches stop once they evaluated this many times ``examples`` rules
#: in all: each case they try costs the rules of the rule set (how near each comes to
#: holding is measured), so a large rule set gets fewer cases.  A count, not a time: the
#: same rule set gives the same result on any machine, loaded or not (``check core``, 35
#: rules, needs 1,925 of the default 30,000; a rule set of 1,000 rules stops after 30 cases).
BUDGET = 300


@attrs.frozen(kw_only=True)
class Witness:
    """A case a rule fired for: where it came from (``origin``) and its id."""

    rule: str
    origin: str
    case_id: str
    case: Case = attrs.field(eq=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "origin": self.origin, "case": self.case_id}


@attrs.frozen(kw_only=True)
class Finding:
    """One failed property: the problem reported, and what was expected and seen."""

    property: str
    problem: Problem
    rules: tuple[str, ...]
    expected: str
    actual: str
    files: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "property": self.property,
            "code": self.problem.code,
            "rules": list(self.rules),
            "expected": self.expected,
            "actual": self.actual,
            "counterexamples": list(self.files),
        }


@attrs.frozen(kw_only=True)
class PropertyReport:
    """What :func:`check_properties` found in one rule set.

    ``cases`` counts the cases evaluated; ``unchecked`` names the invariants
    no case edit is known for (:data:`sistereval.check.monotone.EDITS`).
    """

    ruleset: ir.RuleSet = attrs.field(eq=False, repr=False)
    cases: int
    seed: int | None
    findings: tuple[Finding, ...]
    witnesses: tuple[Witness, ...]
    unchecked: tuple[str, ...] = ()
    exhaustive: tuple[Coverage, ...] = ()
    #: The budget that stopped the witness searches (``work``, or ``time`` when a time
    #: budget was given), if any, and the rules then left without a witness nor a
    #: complete search (never reported as ``no-witness``).
    stopped: str | None = None
    unsearched: tuple[str, ...] = ()
    max_work: int = BUDGET * DEFAULT_EXAMPLES
    time_limit: float | None = None

    @property
    def complete(self) -> bool:
        """Whether every search ran to its end (no budget stopped one)."""
        return self.stopped is None

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(finding.problem for finding in self.findings)

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        rules = len(self.ruleset.rules)
        text = (
            f"{len(self.findings)} propert{'y' if len(self.findings) == 1 else 'ies'} failed"
            if self.findings
            else "properties held"
        )
        seed = "derandomized" if self.seed is None else f"seed {self.seed}"
        text += f" over {self.cases} sampled cases ({seed}); {len(self.witnesses)} of {rules} rules"
        text += " fired in a witness"
        text += "".join(f"; exhaustive: {item.describe()}" for item in self.exhaustive)
        text += "".join(f"; not checked: {item}" for item in self.unchecked)
        if self.stopped is not None:
            text += "; " + self.stopped_text()
        return text

    def stopped_text(self, language: str = "en") -> str:
        """What stopped the searches, in ``language`` (:data:`sistereval.messages.CHECK`)."""
        t = texts(CHECK, language)
        if self.stopped == "time":
            budget = t["time_budget"].format(seconds=f"{self.time_limit:g}")
        else:
            budget = t["work_budget"].format(bound=self.max_work)
        return t["stopped"].format(budget=budget, n=len(self.unsearched))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cases": self.cases,
            "seed": "derandomized" if self.seed is None else self.seed,
            "versions": versions(),
            "failed": [finding.to_dict() for finding in self.findings],
            "witnesses": [witness.to_dict() for witness in self.witnesses],
            "unchecked": list(self.unchecked),
            "exhaustive": [item.to_dict() for item in self.exhaustive],
            "complete": self.complete,
            "stopped": self.stopped,
            "max_work": self.max_work,
            "time_budget": self.time_limit,
            "unsearched": list(self.unsearched),
        }


def check_properties(
    rules: ir.RuleSet | str | os.PathLike[str],
    *,
    examples: int | None = None,
    seed: int | None = None,
    save_to: str | os.PathLike[str] | None = None,
    dead: Collection[str] = (),
    shrink: bool = True,
    backend: Backend | None = None,
    max_work: int | None = None,
    time_limit: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> PropertyReport:
    """Test the properties of a rule set (see the module docstring).

    ``examples`` is the number of cases each search generates (default:
    :data:`DEFAULT_EXAMPLES`, whatever the hypothesis profile); ``seed`` makes another
    reproducible search; ``save_to`` is a directory for counterexample case
    files; ``dead`` are rules the static check showed can never fire.
    Without ``shrink`` a failing case is reported as found, which is quicker.
    ``backend`` evaluates the cases (as for :func:`~sistereval.evaluation.evaluate`);
    the ``backends`` property compares it with the other backend, and is left
    unchecked where durable_rules cannot be loaded.  The aimed witness searches (one
    per rule no case fired) stop once they evaluated ``max_work`` rules in all (each
    case tried costs the rule set's rules; default: :data:`BUDGET` times
    ``examples``), or, only when ``time_limit`` is
    given, after that many seconds: the rules left are
    ``unsearched`` (not reported ``no-witness``) and ``stopped`` says which budget
    stopped them (``docs/checking.md``).  ``progress``, when given, is called with
    the number of cases generated so far (every 50).
    """
    ruleset = rule_set(rules)
    count = DEFAULT_EXAMPLES if examples is None else examples
    if count < 1:
        raise UsageError(f"examples must be at least 1, got {count}")
    budget = BUDGET * count if max_work is None else max_work
    if budget < 1 or (time_limit is not None and not time_limit > 0):
        raise UsageError("the budgets of the property searches must be above 0")
    directory = None if save_to is None else _directory(save_to)
    search = _Search(ruleset, count, seed, shrink, resolve_backend(backend))
    edits = search_edits(
        ruleset,
        [Invariant(str(item["monotone"]), str(item["direction"])) for item in ruleset.invariants],
        [case for _, case in search.seeds],
        backend=search.backend,
        seen=search.witness,
    )
    # a defect the walk from the seed cases found is shown on the real case; the others
    # as the exhaustive search found them
    probed = {defect.key for defect in search.probed}
    search.probed.extend(defect for defect in edits.defects if defect.key not in probed)
    search.progress = progress
    defects = search.properties()
    search.budget(budget, None if time_limit is None else time.monotonic() + time_limit)
    missing = [r for r in ruleset.rules if r.id not in search.witnesses and r.id not in dead]
    unfound, unsearched = [], []
    for rule in missing:
        if search.stopped is None and not search.aim(rule) and search.stopped is None:
            unfound.append(rule)
        elif rule.id not in search.witnesses:
            unsearched.append(rule.id)  # its search stopped at the budget, or never began
    defects.extend(search.no_witness(rule) for rule in unfound)
    findings = [_finding(ruleset, defect, directory) for defect in defects]
    findings.sort(key=lambda f: (f.problem.location.sort_key(), f.problem.code))
    return PropertyReport(
        ruleset=ruleset,
        cases=search.cases,
        seed=seed,
        findings=tuple(findings),
        witnesses=tuple(search.witnesses[r.id] for r in ruleset.rules if r.id in search.witnesses),
        unchecked=search.unchecked,
        exhaustive=edits.coverage,
        stopped=search.stopped,
        unsearched=tuple(unsearched),
        max_work=budget,
        time_limit=time_limit,
    )


def _directory(path: str | os.PathLike[str]) -> Path:
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {directory}: {exc.strerror or exc}") from None
    return directory


# --------------------------------------------------------------------------
# searching


#: The most items of each list in a generated case: small cases are quick to
#: generate, evaluate and shrink.
MAX_ITEMS = 3

#: How many of the closest cases an aimed witness search varies.
POOL = 4

#: An aimed witness search tries this many times ``examples`` cases (it ends
#: as soon as it finds the witness).
AIMED = 2


def _milestone_types(condition: ir.Expr) -> tuple[MilestoneType, ...]:
    """The milestone types a condition names, for an aimed search to add them:
    compared with a milestone's ``type`` in a quantifier (``any(milestones,
    type == "council_approval")``), or named by a fact (``milestones.has_action_plan``,
    ``partnership.lapsed``, ``partnership.renewals``)."""
    names: list[str] = []

    def names_type(node: ir.Expr) -> bool:
        return isinstance(node, ir.ItemRef) and (node.collection, node.name) == (
            "milestones",
            "type",
        )

    for node in ir.walk(condition):
        if isinstance(node, ir.Compare) and node.op in ("==", "!="):
            for a, b in ((node.left, node.right), (node.right, node.left)):
                if names_type(a) and isinstance(b, ir.Literal) and isinstance(b.value, str):
                    names.append(b.value)
        elif isinstance(node, ir.In) and names_type(node.needle):
            if isinstance(node.haystack, ir.ListLiteral):
                names.extend(str(item.value) for item in node.haystack.items)
        elif isinstance(node, ir.FactRef) and node.name.startswith(("milestones.", "partnership.")):
            name = node.name.partition(".")[2].removeprefix("has_")
            names.extend((name, name.removesuffix("s")))
    known = {str(t): t for t in MilestoneType}
    return tuple(dict.fromkeys(known[name] for name in names if name in known))


def _sectors(condition: ir.Expr) -> tuple[Sector, ...]:
    """The sectors a condition about who took part names (``"government" in
    sectors.participating``), for an aimed search to set the participants to them."""
    names = [n for n in ir.walk(condition) if isinstance(n, ir.FactRef)]
    if not any(n.name.startswith("sectors.") for n in names):
        return ()
    known = {str(x): x for x in Sector}
    literals = [
        str(n.value) for n in ir.walk(condition) if isinstance(n, ir.Literal) and n.value in known
    ]
    return tuple(dict.fromkeys(known[name] for name in literals))


class _Found(Exception):
    """Ends an aimed search: the witness was found."""


class _Stopped(Exception):
    """Ends an aimed search: a budget was spent."""


def _ended(error: BaseException) -> bool:
    """Whether ``error`` only says that an aimed search ended (found or stopped).

    Hypothesis may replay a case that ran before the witness was found, and
    then it ends found where it first passed: it reports that as a
    ``FlakyFailure`` grouping only the ends, which is the search's end too.
    """
    if isinstance(error, BaseExceptionGroup):
        return all(_ended(inner) for inner in error.exceptions)
    return isinstance(error, _Found | _Stopped)


def _seeds(ruleset: ir.RuleSet) -> list[tuple[str, Case]]:
    """The cases the rule set's tests name (in the rule file and in its test file), and
    the shipped examples (each once)."""
    tests = list(ruleset.tests)
    beside = None if ruleset.file is None else test_file_for(ruleset.file)
    if beside is not None:
        with contextlib.suppress(SisterevalError):  # `sistereval test` reports its problems
            tests.extend(read_test_file(beside, ruleset, FACT_SCHEMA))
    paths: list[tuple[str, str]] = [
        (f"test {test.name!r}", test.case) for test in tests if test.case
    ]
    shipped = importlib.resources.files("sistereval") / "examples"
    if shipped.is_dir():
        paths.extend(
            (f"example {item.name}", str(item))
            for item in sorted(shipped.iterdir(), key=lambda item: item.name)
            if item.name.endswith(".yaml")
        )
    seen: set[Case] = set()
    out: list[tuple[str, Case]] = []
    for origin, path in paths:
        try:
            # only a regular file is read, without blocking (a FIFO never hangs check)
            case = load_named_case(path, file=path)
        except (OSError, SisterevalError):
            continue  # an unreadable test case is `sistereval test`'s to report
        if case not in seen:
            seen.add(case)
            out.append((origin, case))
    return out


class _Search:
    def __init__(
        self, ruleset: ir.RuleSet, examples: int, seed: int | None, shrink: bool, backend: Backend
    ) -> None:
        self.ruleset = ruleset
        self.backend = backend
        self.shrink = shrink
        self.examples = examples
        self.seed = seed
        self.cases = 0
        self.progress: Callable[[int], None] | None = None
        self.max_work: int | None = None  # the budget of the aimed searches, once they begin
        self.work = 0  # the rules they evaluated
        self.deadline: float | None = None
        self.stopped: str | None = None
        self.witnesses: dict[str, Witness] = {}
        seeds = _seeds(ruleset)
        core = rule_set("core")
        invariants = [
            Invariant(str(item["monotone"]), str(item["direction"])) for item in ruleset.invariants
        ]
        self.unchecked = tuple(
            f"monotone {inv.fact} ({inv.direction}): no case edit is known to move it"
            for inv in invariants
            if (inv.fact, inv.direction) not in EDITS
        ) + (() if durable_error() is None else (f"backends: not compared ({durable_error()})",))
        self.checks = checks_for(
            ruleset,
            other=None if core.sha256 == ruleset.sha256 else core,
            others=st.sampled_from([case for _, case in seeds])
            if seeds
            else cases(max_items=MAX_ITEMS),
            invariants=[inv for inv in invariants if (inv.fact, inv.direction) in EDITS],
            seen=self.witness,
            backend=backend,
        )
        generated = st.one_of(
            cases(max_items=MAX_ITEMS).map(lambda case: ("a generated case", case)),
            cases(max_items=MAX_ITEMS, signed=True).map(lambda case: ("a generated case", case)),
        )
        if seeds:
            varied = st.sampled_from(seeds).flatmap(
                lambda seed: case_variations(seed[1]).map(
                    lambda case: (f"a variation of the {seed[0]}", case)
                )
            )
            self.strategy: st.SearchStrategy[tuple[str, Case]] = st.one_of(generated, varied)
        else:
            self.strategy = generated
        self.seeds = seeds
        self.defects: list[Failed] = []
        self.probed: list[Failed] = []
        checked = [inv for inv in invariants if (inv.fact, inv.direction) in EDITS]
        for origin, case in seeds:
            try:
                first = self.evaluate(origin, case)
            except Failed as defect:
                self.defects.append(defect)
                continue
            for invariant in checked:
                found = probe_monotone(
                    ruleset, invariant, case, first, self.witness, backend=backend
                )
                if found is not None and invariant.key not in {d.key for d in self.probed}:
                    self.probed.append(found)

    def evaluate(self, origin: str, case: Case, *, counted: bool = False) -> Evaluation:
        """Evaluate ``case``, record the witnesses it gives (and count it, unless ``counted``)."""
        self.cases += not counted
        self.tick()
        try:
            result = evaluate(case, self.ruleset, backend=self.backend)
        except SisterevalError as exc:
            raise Failed(
                key="evaluation",
                code="evaluation-error",
                message=f"evaluating a case failed: {exc}",
                rules=[exc.rule] if isinstance(exc, EvaluationError) and exc.rule else [],
                cases=[("", case)],
                expected="an evaluation",
                actual=str(exc),
            ) from None
        self.witness(origin, case, result)
        return result

    def tick(self) -> None:
        """Show the progress every 50 cases."""
        if self.progress is not None and self.cases % 50 == 0 and self.cases:
            self.progress(self.cases)

    def budget(self, max_work: int, deadline: float | None) -> None:
        """Bound the aimed searches that follow: :meth:`spent` tells when to stop."""
        self.max_work, self.deadline = max_work, deadline

    def spent(self) -> bool:
        """Whether a budget is spent (and which, in ``stopped``); it stays spent."""
        if self.stopped is None and self.max_work is not None and self.work >= self.max_work:
            self.stopped = "work"
        elif self.stopped is None and self.deadline is not None:
            self.stopped = "time" if time.monotonic() > self.deadline else None
        return self.stopped is not None

    def witness(self, origin: str, case: Case, result: Evaluation) -> None:
        """Record ``case`` as the witness of the rules it is the first to fire."""
        for rule in fired(result):
            if rule not in self.witnesses:
                self.witnesses[rule] = Witness(rule=rule, origin=origin, case_id=case.id, case=case)

    def run(
        self, body: Callable[[st.DataObject], None], *, shrink: bool = True, scale: int = 1
    ) -> None:
        phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]

        def search() -> None:
            test = settings(
                max_examples=self.examples * scale,
                database=None,
                deadline=None,
                derandomize=self.seed is None,
                suppress_health_check=list(HealthCheck),
                phases=[*phases, Phase.shrink] if shrink and self.shrink else phases,
                report_multiple_bugs=False,
                print_blob=False,
                verbosity=Verbosity.quiet,
            )(given(st.data())(body))
            if self.seed is not None:
                test = hypothesis.seed(self.seed)(test)
            with _builtin_constants_only():
                test()

        if not currently_in_test_context():
            search()
            return
        # Called from inside a hypothesis test (a user's own, or the fuzz tests):
        # the search is independent of it, so it runs in its own thread, where
        # hypothesis sees no outer test (its test context is thread-local).
        errors: list[BaseException] = []

        def in_thread() -> None:
            try:
                search()
            except BaseException as error:  # re-raised in the calling thread
                errors.append(error)

        worker = threading.Thread(target=in_thread)
        worker.start()
        worker.join()
        if errors:
            raise errors[0]

    def properties(self) -> list[Failed]:
        """Run the checks until a search passes; one defect per failed check."""
        defects = list(self.defects)
        if defects:
            return defects  # a test's case cannot be evaluated: nothing else can run
        defects.extend(self.probed)  # found on a seed case itself: reported as it is
        probed = {defect.key for defect in self.probed}
        active: dict[str, Check] = {k: c for k, c in self.checks.items() if k not in probed}

        focus: list[str] = []  # the failing check, the only one run while shrinking

        def body(data: st.DataObject) -> None:
            origin, case = data.draw(self.strategy, label="case")
            first = self.evaluate(origin, case)
            for key, check in self.checks.items():
                run = key in active and (not focus or focus[0] == key)
                try:
                    check((case, first, data), run)
                except Failed:
                    focus[:] = [key]
                    raise

        while True:
            try:
                self.run(body)
            except Exception as exc:  # what hypothesis raised for the shrunk case
                defect = _defect(exc)
                if defect is None:
                    raise
                defects.append(defect)
                focus.clear()
                if active.pop(defect.key, None) is None:
                    return defects  # the evaluation itself failed: nothing else can run
                continue
            return defects

    def aim(self, rule: ir.Rule) -> bool:
        """Search for a witness of ``rule``, led by how close its condition comes to holding.

        The cases tried are generated ones and variations of the :data:`POOL`
        cases that come closest (:func:`_closeness`) among the seeds and the
        other rules' witnesses; hypothesis ``target()`` steers the search
        towards closer cases.
        """
        condition = ir.to_nnf(rule.when)
        types = _milestone_types(condition)
        sectors = _sectors(condition)

        def closeness(case: Case) -> tuple[float, bool]:
            facts = derive(case)
            firing = reference.evaluate(self.ruleset, facts, FACT_SCHEMA)
            env = stratum_env(self.ruleset, facts, firing.fired, rule.stratum)
            return _closeness(condition, env), any(r not in self.witnesses for r in firing.fired)

        starts = [
            *self.seeds,
            *((f"the witness of {w.rule!r}", w.case) for w in self.witnesses.values()),
        ]
        starts.sort(key=lambda start: -closeness(start[1])[0])
        strategy = self.strategy
        if starts:
            strategy = st.one_of(
                strategy,
                st.sampled_from(starts[:POOL]).flatmap(
                    lambda start: case_variations(
                        start[1], max_changes=6, milestone_types=types, sectors=sectors
                    ).map(lambda case: (f"a variation of {start[0]}", case))
                ),
            )

        def body(data: st.DataObject) -> None:
            origin, case = data.draw(strategy, label="case")
            if self.spent():
                raise _Stopped  # ends the search (and its replay) before another case
            self.cases += 1
            self.work += len(self.ruleset.rules)
            self.tick()
            score, new = closeness(case)
            if new:
                self.evaluate(f"{origin} (aimed at {rule.id!r})", case, counted=True)
            if rule.id in self.witnesses:
                raise _Found  # ends the search (and ends its replay the same way)
            target(score)

        if self.spent():
            return False
        if sectors:
            # First, without hypothesis: the closest cases with the participants the rule
            # names (what a rule about who took part needs), each tried once.
            for origin, start in starts[:POOL]:
                tried = with_participants(start, lambda: sectors)
                self.cases += 1
                self.work += len(self.ruleset.rules)
                self.evaluate(
                    f"{origin} with {', '.join(sectors)} only (aimed at {rule.id!r})",
                    tried,
                    counted=True,
                )
                if rule.id in self.witnesses or self.spent():
                    return rule.id in self.witnesses
        try:
            self.run(body, shrink=False, scale=AIMED)
        except (_Found, _Stopped):
            pass
        except Exception as exc:
            if not _ended(exc) and _defect(exc) is None:
                raise
        return rule.id in self.witnesses

    def no_witness(self, rule: ir.Rule) -> Failed:
        return Failed(
            key="witness",
            code="no-witness",
            message=f"rule {rule.id!r} fired for none of the {self.cases} cases tried: no "
            "witness found (the static check did not show it dead; it may fire for a case "
            "nobody tried)",
            rules=[rule.id],
            cases=[],
            expected="a case it fires for",
            actual=f"no witness found in {self.cases} cases",
        )


@contextlib.contextmanager
def _builtin_constants_only() -> Iterator[None]:
    """Let hypothesis draw only its own constants while the search runs.

    Now and then hypothesis draws a constant it found in the source of the
    "local" modules that happen to be loaded (those outside site-packages), so a
    derandomized search would depend on what was imported before it and on where
    sistereval is installed: ``check core`` found 242 or 274 cases depending on
    which commands ran first in the process.  This pins the pool to hypothesis'
    built-in constants (through its internals: where they differ in another
    hypothesis version, nothing is pinned and nothing breaks).
    """
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # pragma: no cover - another hypothesis
        yield
        return
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    original = getattr(providers, "_get_local_constants", None)
    if original is None or cache is None or not hasattr(cache, "cache"):  # pragma: no cover
        yield
        return
    empty = Constants()
    cache.cache.clear()  # entries computed with the local constants
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()


def _closeness(expr: ir.Expr, env: reference.Env) -> float:
    """How close a condition (in NNF) comes to holding, from 0 to 1 (it holds)."""
    if reference.eval_condition(expr, env):
        return 1.0
    if isinstance(expr, ir.And):
        return sum(_closeness(item, env) for item in expr.items) / len(expr.items)
    if isinstance(expr, ir.Or):
        return max(_closeness(item, env) for item in expr.items)
    if isinstance(expr, ir.Compare) and expr.op not in ("!=",):
        left = reference.eval_expr(expr.left, env)
        right = reference.eval_expr(expr.right, env)
        if _number(left) and _number(right):
            return 0.5 / (1.0 + abs(float(left) - float(right)))  # type: ignore[arg-type]
    return 0.0


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _defect(exc: BaseException) -> Failed | None:
    """The :class:`Failed` inside what hypothesis raised (a flaky failure is a group)."""
    if isinstance(exc, Failed):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = _defect(inner)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------
# reporting


def _property(defect: Failed) -> str:
    return defect.key.replace(" ", "-").removesuffix("-up").removesuffix("-down")


def _location(ruleset: ir.RuleSet, rules: Iterable[str]) -> Location:
    for rule_id in rules:
        try:
            rule = ruleset.rule(rule_id)
        except KeyError:
            continue
        return attrs.evolve(rule.loc, file=rule.loc.file or rule.origin or None, path="")
    return Location(file=ruleset.file)


def _finding(ruleset: ir.RuleSet, defect: Failed, directory: Path | None) -> Finding:
    files = [] if directory is None else _save(ruleset, defect, directory)
    message = defect.message
    if defect.rules and defect.code != "no-witness":
        message += f"; rules involved: {', '.join(defect.rules)}"
    if files:
        message += f"; counterexample: {' '.join(files)}"
    problem = Problem(code=defect.code, message=message, location=_location(ruleset, defect.rules))
    return Finding(
        property=_property(defect),
        problem=problem,
        rules=defect.rules,
        expected=defect.expected,
        actual=defect.actual,
        files=tuple(files),
    )


def _save(ruleset: ir.RuleSet, defect: Failed, directory: Path) -> list[str]:
    """Write the defect's cases as case files named by property and rule; their paths."""
    stem = f"{_property(defect)}-{defect.rules[0] if defect.rules else ruleset.id}"
    names = [f"{stem}-{role}.yaml" if role else f"{stem}.yaml" for role, _ in defect.cases]
    paths = [str(directory / name) for name in names]
    rules = ruleset.file or ruleset.id
    for (role, case), path in zip(defect.cases, paths, strict=True):
        header = [
            f"sistereval check: {defect.code}: {defect.message}",
            f"rules involved: {', '.join(defect.rules) or 'none'}",
            f"expected: {defect.expected}",
            f"actual: {defect.actual}",
            f"this file: {_ROLES[role]}",
            f"reproduce: sistereval evaluate {' '.join(paths)} --rules {rules}",
        ]
        text = "".join(f"# {_one_line(line)}\n" for line in header) + dump_case(case)
        Path(path).write_text(text, encoding="utf-8")
    return paths


_ROLES = {
    "": "the case",
    "before": "the case before the edit",
    "after": "the case after the edit",
    "permuted": "the same case with its lists in another order",
    "between": "the case evaluated in between",
}


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def with_properties(
    report: CheckReport,
    *,
    examples: int | None = None,
    seed: int | None = None,
    save_to: str | os.PathLike[str] | None = None,
    backend: Backend | None = None,
    time_limit: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> WithProperties:
    """``report`` (of :func:`~sistereval.check.static.check_rules`) with the problems of
    the property checks added; arguments as for :func:`check_properties`.  The rules
    the static check showed dead are left to it."""
    dead = [
        rule
        for defect in report.defects
        if defect.problem.code == "dead-rule"
        for rule in defect.rules
    ]
    found = check_properties(
        report.ruleset,
        examples=examples,
        seed=seed,
        save_to=save_to,
        dead=dead,
        backend=backend,
        time_limit=time_limit,
        progress=progress,
    )
    return _combined(report, found)


@attrs.frozen(kw_only=True)
class WithProperties(CheckReport):
    """A static :class:`~sistereval.check.CheckReport` with the properties' results."""

    properties: PropertyReport

    def to_dict(self) -> dict[str, Any]:
        # "complete": false when a budget stopped the property searches ("ok" is then no
        # more than "no defect found so far")
        data = super().to_dict()
        return {
            **data,
            "complete": self.properties.complete,
            "properties": self.properties.to_dict(),
        }


def _combined(report: CheckReport, found: PropertyReport) -> WithProperties:
    static = report.defects or tuple(Defect(problem=p) for p in report.problems)
    dynamic = (Defect(problem=f.problem, rules=f.rules) for f in found.findings)
    defects = sorted(
        (*static, *dynamic),
        key=lambda d: (d.problem.location.sort_key(), d.problem.code, d.problem.message),
    )
    fields = {field.name: getattr(report, field.name) for field in attrs.fields(CheckReport)}
    fields["problems"] = tuple(defect.problem for defect in defects)
    fields["defects"] = tuple(defects)
    return WithProperties(**fields, properties=found)
