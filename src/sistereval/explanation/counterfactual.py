"""Counterfactuals: the smallest sets of changes that would give a better verdict.

:func:`counterfactuals` searches over what the rule set declares changeable
(its ``changeable`` list: field statuses, budget earmarking, continuity after
a leadership change, ...) for the smallest sets of changes to a case that move
its verdict one step up the rule set's scale (``failure`` to ``partial``,
``partial`` to ``success``; a case that is ``not_assessable`` or already at
the top has no target and nothing is searched).

The search:

1. **Single changes.** Every ``changeable`` entry is expanded over the case
   (``fields[*].status`` becomes ``fields[0].status``, ``fields[1].status``,
   ...).  Each concrete path may move to each listed value that comes after
   its current one (values go from worse to better), so a change never makes
   a fact worse.  Order: rule-set entry order, then document order, then
   value order; a path named by two entries keeps the first.
2. **Breadth first.** Sets of 1 change, then 2, then 3, ... up to
   ``max_changes``, each size in lexicographic order of the single changes.
   Two changes to one path never go together, and a set that contains a
   solution already found is skipped: every solution is minimal (no strict
   subset of it reaches the target, since every smaller set was evaluated
   before it).
3. **Bounded.** At most ``max_candidates`` sets are evaluated; ``searched``
   counts them and ``complete`` says whether every set up to ``max_changes``
   changes was evaluated (false when a budget stopped the search).  A second
   budget bounds a large case: ``max_work``, the records of the case
   evaluated in all (each set evaluated costs the case's records and one, each
   set passed over one; a count, so the same case gives the same result on any
   machine: a case of 3,000 records stops after 165 sets).  Only when
   ``time_limit`` is given does a wall clock also stop the search, after that
   many seconds.  ``stopped`` says which budget stopped the search
   (``candidates``, ``work`` or ``time``; None when complete).
4. **Fast, then verified.** Sets are evaluated on the engine from the derived
   facts alone (:func:`sistereval.evaluation.quick_verdict`); each solution is then
   applied with :func:`sistereval.explanation.apply_changes` (validated like a case
   file) and evaluated in full, and its reported verdict is that evaluation's.

A set *reaches the target* when its verdict is the target or better.

>>> result = counterfactuals("examples/bandung-namur.yaml")
>>> (result.verdict_before, result.target)
('failure', 'partial')
>>> [c.path for c in result.solutions[0].changes]
['fields[1].status', 'budget[0].earmarked', 'leadership_changes[0].continuity']
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .. import ir
from ..cases import as_case, case_to_dict
from ..cases import paths as _casepath
from ..cases.paths import Segment, show_value
from ..errors import SisterevalError, UsageError
from ..evaluation import Backend, evaluate, quick_verdict, resolve_backend, traced
from ..facts import derive
from ..language import rule_set
from ..messages import COUNTERFACTUAL, LABELS, LANGUAGES, office_name
from ..model import Case
from ..verdict import NOT_ASSESSABLE, Evaluation
from .whatif import apply_changes

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_MAX_CANDIDATES",
    "DEFAULT_MAX_CHANGES",
    "DEFAULT_MAX_WORK",
    "Budget",
    "Change",
    "Counterfactual",
    "Solution",
    "candidate_changes",
    "counterfactuals",
    "render_counterfactual",
]

DEFAULT_MAX_CHANGES = 3
DEFAULT_MAX_CANDIDATES = 5000
#: The records of the case evaluated in all, at most (see the module docstring).
DEFAULT_MAX_WORK = 500_000


@attrs.frozen(kw_only=True)
class Budget:
    """The budgets of a search (see the module docstring; no time budget unless
    ``time_limit`` is given), and a function called with the number of sets
    evaluated so far (every 25), for a progress display."""

    max_candidates: int = DEFAULT_MAX_CANDIDATES
    max_work: int = DEFAULT_MAX_WORK
    time_limit: float | None = None
    progress: Callable[[int], None] | None = attrs.field(default=None, eq=False)


DEFAULT_BUDGET = Budget()


# --------------------------------------------------------------------------
# Results


@attrs.frozen(kw_only=True)
class Change:
    """One change of one value of the case: ``path`` from ``before`` to ``after``.

    ``text`` says it in plain words, per language (``en``, ``id``).
    """

    path: str
    before: object
    after: object
    text: Mapping[str, str]

    @property
    def argument(self) -> str:
        """The change as ``whatif --set`` takes it: ``fields[1].status=implemented``."""
        return f"{self.path}={show_value(self.after)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "from": self.before,
            "to": self.after,
            "text": dict(self.text),
        }


@attrs.frozen(kw_only=True)
class Solution:
    """A smallest set of changes that reaches the target, and the verdict it gives."""

    verdict: str
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "changes": [c.to_dict() for c in self.changes]}


@attrs.frozen(kw_only=True)
class Counterfactual:
    """The result of a search (see the module docstring).

    ``target`` is None when there is no better verdict to reach; ``options``
    the number of single changes the search combined.
    """

    case_id: str
    verdict_before: str
    target: str | None
    searched: int
    complete: bool
    max_changes: int
    max_candidates: int
    options: int
    solutions: tuple[Solution, ...]
    language: str = "en"
    stopped: str | None = None  # the budget that stopped the search: candidates, work, time
    max_work: int = DEFAULT_MAX_WORK
    time_limit: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "verdict_before": self.verdict_before,
            "target": self.target,
            "searched": self.searched,
            "complete": self.complete,
            "stopped": self.stopped,
            "max_changes": self.max_changes,
            "max_candidates": self.max_candidates,
            "max_work": self.max_work,
            "time_budget": self.time_limit,
            "options": self.options,
            "solutions": [s.to_dict() for s in self.solutions],
        }


# --------------------------------------------------------------------------
# Plain words


def _partner(data: Mapping[str, Any], code: object) -> str:
    for partner in data.get("partners", ()):
        if partner.get("id") == code:
            return str(partner.get("name") or code)
    return str(code)


def _shown(value: object, language: str) -> str:
    return COUNTERFACTUAL[language]["unset"] if value is None else show_value(value)


def describe_change(
    data: Mapping[str, Any], path: str, before: object, after: object
) -> dict[str, str]:
    """``path`` moving from ``before`` to ``after`` in plain words, in ``en`` and ``id``.

    ``data`` is the case's data (:func:`~sistereval.cases.case_to_dict`),
    read for the names of the field, partner or office the path is about.
    """
    parts = _casepath.segments(path)
    leaf = str(parts[-1][1])
    record = _casepath.lookup(data, path.rsplit(".", 1)[0]) if len(parts) > 1 else None
    item: Mapping[str, Any] = record if isinstance(record, Mapping) else {}
    head = str(parts[0][1])
    words = _words(head, leaf, item, after, data)
    if words is None:
        words = (f"Change {path}", f"Ubah {path}")
    return {
        language: f"{text} ({leaf}: {_shown(before, language)} → {_shown(after, language)})"
        for language, text in zip(LANGUAGES, words, strict=True)
    }


def _words(
    head: str, leaf: str, item: Mapping[str, Any], after: object, data: Mapping[str, Any]
) -> tuple[str, str] | None:
    if head == "fields" and leaf == "status" and after in ("implemented", "partial"):
        name = item.get("name", "?")
        if after == "implemented":
            return f"Implement the field “{name}”", f"Laksanakan bidang “{name}”"
        return f"Implement the field “{name}” in part", f"Laksanakan sebagian bidang “{name}”"
    if head == "budget" and leaf in ("earmarked", "adequate") and after is True:
        who = _partner(data, item.get("partner"))
        year = item.get("year")
        en_year, id_year = (f" for {year}", f" tahun {year}") if year is not None else ("", "")
        if leaf == "earmarked":
            return (
                f"Earmark {who}'s budget line{en_year} for the partnership",
                f"Anggarkan mata anggaran khusus {who}{id_year} untuk kerja sama ini",
            )
        return (
            f"Make {who}'s budget{en_year} adequate for the partnership",
            f"Cukupkan anggaran {who}{id_year} untuk kerja sama ini",
        )
    if head == "leadership_changes" and leaf == "continuity" and after is True:
        who = _partner(data, item.get("partner"))
        office, date = str(item.get("office", "?")), item.get("date", "?")
        id_office = office_name(office, "id")
        return (
            f"Keep the partnership going after the change of {office} in {who} on {date}",
            f"Lanjutkan kerja sama setelah pergantian {id_office} di {who} pada {date}",
        )
    return None


# --------------------------------------------------------------------------
# Single changes


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def candidate_changes(case: Case, ruleset: ir.RuleSet) -> tuple[Change, ...]:
    """Every single change the rule set's ``changeable`` list allows for ``case``,
    in search order (see the module docstring)."""
    data = case_to_dict(case)
    seen: set[str] = set()
    out: list[Change] = []
    for entry in ruleset.changeable:
        for path in _casepath.expand(data, entry.path):
            if path in seen:
                continue
            seen.add(path)
            current = _casepath.lookup(data, path)
            at = next((i for i, v in enumerate(entry.values) if _same(v, current)), -1)
            out.extend(
                Change(
                    path=path,
                    before=current,
                    after=value,
                    text=describe_change(data, path, current, value),
                )
                for value in entry.values[at + 1 :]
            )
    return tuple(out)


class _Fallback(Exception):
    """The model cannot take a change directly; apply it to the case's data instead."""


def _evolve(node: Any, parts: Sequence[Segment], value: object) -> Any:
    kind, part = parts[0]
    rest = parts[1:]
    if kind == "key" and attrs.has(type(node)) and str(part) in attrs.fields_dict(type(node)):
        name = str(part)
        if not rest:
            return attrs.evolve(node, **{name: value})
        child = getattr(node, name)
        if child is None:
            raise _Fallback
        return attrs.evolve(node, **{name: _evolve(child, rest, value)})
    if isinstance(part, int) and isinstance(node, tuple) and rest and part < len(node):
        items = list(node)
        items[part] = _evolve(node[part], rest, value)
        return tuple(items)
    raise _Fallback


def _changed(case: Case, changes: Sequence[Change]) -> Case:
    """``case`` with ``changes``: set on the model directly where it can take them
    (validators and the case's checks run as for a loaded case), else through
    :func:`~sistereval.explanation.apply_changes`."""
    try:
        result: object = case
        for change in changes:
            result = _evolve(result, _casepath.segments(change.path), change.after)
    except (_Fallback, ValueError, TypeError):
        return apply_changes(case, [(c.path, c.after) for c in changes])
    assert isinstance(result, Case)
    return result


# --------------------------------------------------------------------------
# The search


def counterfactuals(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    rules: ir.RuleSet | str | os.PathLike[str] | None = None,
    *,
    max_changes: int = DEFAULT_MAX_CHANGES,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    language: str = "en",
    evaluation: Evaluation | None = None,
    backend: Backend | None = None,
    max_work: int = DEFAULT_MAX_WORK,
    time_limit: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> Counterfactual:
    """Search for the smallest sets of changes that move ``case``'s verdict one step up.

    ``case`` and ``rules`` are taken as by :func:`~sistereval.evaluation.evaluate`;
    ``max_changes`` bounds the size of a set, ``max_candidates`` the number of
    sets evaluated; ``language`` is the language :func:`render_counterfactual`
    uses (every change's text is given in every language); ``evaluation``, when
    given, is the evaluation of this case with these rules, whose verdict is the
    starting point (the case is not evaluated again) and whose backend the search
    uses; ``backend`` as for :func:`~sistereval.evaluation.evaluate` otherwise.
    ``max_work`` and ``time_limit`` are the budgets of the module docstring;
    ``progress``, when given, is called with the number of sets evaluated so far
    (every 25 sets).
    """
    if max_changes < 1 or max_candidates < 1 or max_work < 1:
        raise UsageError("--max-changes and the search's budgets must be at least 1")
    if time_limit is not None and not time_limit > 0:
        raise UsageError("the time budget of the search must be above 0 seconds")
    deadline = None if time_limit is None else time.monotonic() + time_limit
    the_case = as_case(case)
    ruleset = rule_set(rules)
    trace = traced(evaluation, the_case, ruleset)
    if trace is not None:
        backend = trace.backend
    backend = resolve_backend(backend, language=language)
    if trace is not None and evaluation is not None:
        before = evaluation.verdict
    else:
        before = quick_verdict(ruleset, derive(the_case), backend)
    rank = {name: i for i, name in enumerate(ruleset.scale)}
    target = None
    if before != NOT_ASSESSABLE and rank.get(before, 0) > 0:
        target = ruleset.scale[rank[before] - 1]
    options = candidate_changes(the_case, ruleset) if target is not None else ()
    cost = _records(the_case)
    found: list[tuple[int, ...]] = []
    searched = work = 0
    stopped: str | None = None
    for size in range(1, max_changes + 1) if target is not None else ():
        for combo in itertools.combinations(range(len(options)), size):
            work += 1
            paths = {options[i].path for i in combo}
            if len(paths) < size or any(set(s) <= set(combo) for s in found):
                continue
            stopped = _over(searched, max_candidates, work + cost, max_work, deadline)
            if stopped is not None:
                break
            searched += 1
            work += cost
            if progress is not None and searched % 25 == 0:
                progress(searched)
            try:
                changed = _changed(the_case, [options[i] for i in combo])
            except SisterevalError:
                continue  # the case format refuses this combination
            verdict = quick_verdict(ruleset, derive(changed), backend)
            if verdict != NOT_ASSESSABLE and rank[verdict] <= rank[str(target)]:
                found.append(combo)
        if stopped is not None:
            break
    solutions = []
    for combo in found:
        changes = tuple(options[i] for i in combo)
        verified = evaluate(
            apply_changes(the_case, [(c.path, c.after) for c in changes]), ruleset, backend=backend
        ).verdict
        solutions.append(Solution(verdict=verified, changes=changes))
    return Counterfactual(
        case_id=the_case.id,
        verdict_before=before,
        target=target,
        searched=searched,
        complete=stopped is None,
        max_changes=max_changes,
        max_candidates=max_candidates,
        options=len(options),
        solutions=tuple(solutions),
        language=language,
        stopped=stopped,
        max_work=max_work,
        time_limit=time_limit,
    )


def _records(case: Case) -> int:
    """What evaluating ``case`` costs in the work budget: its records, and one."""
    data = case_to_dict(case)
    return 1 + sum(len(value) for value in data.values() if isinstance(value, list))


def _over(
    searched: int, candidates: int, work: int, max_work: int, deadline: float | None
) -> str | None:
    """The budget one more evaluation would pass, if any."""
    if searched >= candidates:
        return "candidates"
    if work > max_work:
        return "work"
    if deadline is not None and time.monotonic() > deadline:
        return "time"
    return None


# --------------------------------------------------------------------------
# Text


def render_counterfactual(
    result: Counterfactual, *, case_file: str = "CASE", limit: int = 5, indent: str = "  "
) -> str:
    """The first ``limit`` solutions in plain words, in the result's language, each
    with the ``sistereval whatif`` command that applies it to ``case_file``."""
    language = result.language if result.language in COUNTERFACTUAL else "en"
    t, labels = COUNTERFACTUAL[language], LABELS.get(language, LABELS["en"])
    before = labels.get(result.verdict_before, result.verdict_before)
    if result.target is None:
        return f"{indent}{t['title']} ({before}): {t['no_target']}\n"
    target = labels.get(result.target, result.target)
    lines = [f"{indent}{t['title']} ({before} → {target}):"]
    searched = t["searched"].format(
        searched=result.searched, max=result.max_changes, options=result.options
    )
    if result.complete:
        status = t["complete"]
    elif result.stopped == "time":
        status = t["stopped_time"].format(seconds=f"{result.time_limit:g}")
    elif result.stopped == "work":
        status = t["stopped_work"].format(bound=result.max_work)
    else:
        status = t["bounded"].format(bound=result.max_candidates)
    lines.append(f"{indent}  {searched}; {status}")
    if not result.solutions:
        lines.append(f"{indent}  {t['none_found'].format(max=result.max_changes, target=target)}")
    for number, solution in enumerate(result.solutions[:limit], 1):
        verdict = labels.get(solution.verdict, solution.verdict)
        head = t["solution"].format(verdict=verdict, n=len(solution.changes))
        lines.append(f"{indent}  {number}. {head}")
        lines.extend(f"{indent}     - {c.text[language]}" for c in solution.changes)
        args = " ".join(f"--set '{c.argument}'" for c in solution.changes)
        lines.append(f"{indent}     {t['try']}: sistereval whatif {case_file} {args}")
    if len(result.solutions) > limit:
        lines.append(f"{indent}  {t['more'].format(n=len(result.solutions) - limit)}")
    return "\n".join(lines) + "\n"
