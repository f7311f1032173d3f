"""Monotone invariants checked exhaustively over their declared case edits.

For each ``monotone`` invariant with an edit in :data:`~.monotone.EDITS`, the
search below needs no luck: it builds, deterministically, one case for every
*reachable combination of cells* of the conditions the edit touches, applies
every edit that moves the invariant's fact, and compares the verdicts.

* The edit's **footprint** (:data:`FOOTPRINTS`) is the facts it may change:
  implementing a field changes ``fields.*`` and may move the stage from ``mou``
  to ``active``; adding an activity after a leadership change changes
  ``activities.*``, ``leadership.*`` and may move the stage too.
* The **touched rules** are the rules whose condition reads a fact of the
  footprint (the verdict rules read ``partnership.stage``); the **dimensions**
  of the search (:data:`DIMENSIONS`: the timeline, the fields, activities,
  leadership changes, budget lines, anchor institutions, an action plan, a
  renewal) are those that drive a fact the touched rules read, plus the
  timeline, which every verdict reads through the stage.
* Each dimension has a few record-level options; the options of the fields
  are every split of ``n`` agreed fields into implemented, partial and planned
  ones, ``n`` up to one more than the largest literal ``fields.agreed`` is
  compared with.  The product of the options, overlaid on a blank case and on
  each seed case (the cases the rule set's tests name and the shipped
  examples, which bring ratings, budget lines and institutions the touched
  rules do not read), gives the candidate cases.
* Two candidates whose facts fall into the same cells of every comparison of
  a fact with literals in the rule set (the partition of :mod:`.regions`)
  are the same combination: each combination is evaluated once, and every
  edit of it that lands in another combination is evaluated once.

The order is fixed, so the first broken edit, and its counterexample, are the
same in every run, whatever ``--seed`` and the hypothesis version.  What it
does not cover: combinations the options cannot build (a rule reading a fact
no dimension drives sees only the values of the seed cases), and atoms the
cells do not represent (comparisons of two facts, dates) are not told apart
beyond what the options give.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from .. import ir
from ..cases import dump_case, load_case
from ..errors import SisterevalError
from ..evaluation import Backend, evaluate
from ..facts import ANCHOR_KINDS, FACT_SCHEMA, derive
from ..model import (
    Activity,
    ActivityKind,
    BudgetLine,
    Case,
    CooperationField,
    FieldStatus,
    Institution,
    InstitutionKind,
    LeadershipChange,
    Milestone,
    MilestoneType,
    PartialDate,
    Partner,
    Point,
    Source,
    SourceKind,
)
from ..verdict import Evaluation
from .monotone import EDITS, Move
from .propertychecks import Failed, Invariant, broken, worse
from .regions import MISSING, OTHER, SOME, Space, Types, dnf

__all__ = [
    "DIMENSIONS",
    "FOOTPRINTS",
    "MOST",
    "Coverage",
    "Dimension",
    "EditSearch",
    "search_edits",
]

#: Per invariant fact, the facts (by prefix) its edits may change.
FOOTPRINTS: Mapping[str, tuple[str, ...]] = {
    "fields.implemented": ("fields.", "partnership.stage"),
    "fields.implementation_ratio": ("fields.", "partnership.stage"),
    "budget.earmarked_partners": ("budget.",),
    "budget.all_earmarked": ("budget.",),
    "budget.inadequate_partners": ("budget.",),
    "leadership.changes_without_continuity": ("leadership.", "leadership_changes"),
    "institutions.anchors": ("institutions.",),
    "institutions.anchor_sides": ("institutions.",),
    "partnership.renewals": ("partnership.renewals", "partnership.suspended", "milestones"),
    "leadership.activity_after_change": (
        "leadership.",
        "activities",
        "partnership.stage",
        "reciprocity.",
        "sectors.",
    ),
}

#: The agreement date of every case the search builds, and the reference dates after it.
_SIGNED = PartialDate(2010, 1, 1)
#: Months from the agreement to the reference date: under and over two years, five
#: years and ten years (the durations core's conditions cut).
_OFFSETS = (6, 30, 66, 126)
_STAGES = ("none", "loi", "mou", "ended")
#: The most agreed fields the search builds.
_MOST_FIELDS = 7

#: The most combinations one invariant's search evaluates.
MOST = 4000


def _month(offset: int) -> PartialDate:
    months = _SIGNED.year * 12 + offset
    return PartialDate(months // 12, months % 12 + 1, 1)


@attrs.frozen
class Dimension:
    """Records of a case the search sets, and the facts (by prefix) they drive."""

    name: str
    drives: tuple[str, ...]


#: The dimensions of the search, in the order they are combined.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("timeline", ("partnership.", "milestones.")),
    Dimension("fields", ("fields.", "partnership.stage")),
    Dimension(
        "activities", ("activities", "partnership.stage", "leadership.", "reciprocity.", "sectors.")
    ),
    Dimension("leadership", ("leadership.", "leadership_changes")),
    Dimension("budget", ("budget.",)),
    Dimension("anchors", ("institutions.",)),
    Dimension("action_plan", ("milestones.action_plan",)),
    Dimension("renewal", ("partnership.renewals", "partnership.suspended")),
)


def _options(name: str, partition: _Partition) -> list[Any]:
    if name == "timeline":
        # before an agreement no duration is known: one reference date is enough
        return [(stage, _OFFSETS[0]) for stage in _STAGES[:2]] + [
            (stage, offset) for stage in _STAGES[2:] for offset in _OFFSETS
        ]
    if name == "fields":
        return partition.fields()
    if name == "activities":
        return ["none", "early", "recent"]
    if name == "leadership":
        return [None, True, False, "unknown"]
    if name == "budget":
        kinds = [None, (True, True), (True, False), (False, None)]
        return list(itertools.product(kinds, kinds))
    if name == "anchors":
        return [0, 1, 2]
    return [False, True]  # action_plan, renewal


# --------------------------------------------------------------------------
# building cases


def _blank() -> Case:
    return Case(
        id="edits",
        title="A case built by sistereval check",
        kind="sister_city",
        partners=(
            Partner(
                id="first", name="First city", country="ID", location=Point(lat=-6.9, lon=107.6)
            ),
            Partner(
                id="second", name="Second city", country="KR", location=Point(lat=37.3, lon=127.0)
            ),
        ),
        sources=(Source(id="check", kind=SourceKind.DOCUMENT, citation="sistereval check"),),
    )


def _build(context: Case, profile: Mapping[str, Any]) -> Case:
    """``context`` with the records of the profile's dimensions replaced."""
    source = context.sources[0].id if context.sources else None
    cited = (source,) if source else ()
    partners = [partner.id for partner in context.partners]
    changes: dict[str, Any] = {}
    stage, offset = profile["timeline"]
    as_of = _month(offset)
    changes["as_of"] = as_of
    milestones: list[Milestone] = []
    if stage != "none":
        milestones.append(Milestone(type=MilestoneType.LOI, date=_month(-6), sources=cited))
    if stage in ("mou", "ended"):
        milestones.append(Milestone(type=MilestoneType.MOU, date=_SIGNED, sources=cited))
    if stage == "ended":
        milestones.append(Milestone(type=MilestoneType.ENDED, date=as_of, sources=cited))
    if profile.get("action_plan"):
        milestones.append(Milestone(type=MilestoneType.ACTION_PLAN, date=_month(1), sources=cited))
    if profile.get("renewal"):
        milestones.append(Milestone(type=MilestoneType.RENEWAL, date=_month(3), sources=cited))
    changes["milestones"] = tuple(milestones)
    fields = profile.get("fields")
    if fields is not None:
        n, done, partial = fields
        statuses = [FieldStatus.IMPLEMENTED] * done + [FieldStatus.PARTIAL] * partial
        statuses += [FieldStatus.PLANNED] * (n - done - partial)
        changes["fields"] = tuple(
            CooperationField(name=f"field-{i + 1}", status=status, sources=cited)
            for i, status in enumerate(statuses)
        )
    activities = profile.get("activities")
    if activities is not None:
        when = {"none": None, "early": _month(1), "recent": _month(offset - 1)}[str(activities)]
        changes["activities"] = (
            () if when is None else (Activity(date=when, kind=ActivityKind.VISIT, sources=cited),)
        )
    continuity = profile.get("leadership", ())  # None: no change
    if continuity != ():
        changes["leadership_changes"] = (
            ()
            if continuity is None
            else (
                LeadershipChange(
                    partner=partners[0],
                    office="mayor",
                    date=_month(2),
                    continuity=None if continuity == "unknown" else bool(continuity),
                    sources=cited,
                ),
            )
        )
    budget = profile.get("budget")
    if budget is not None:
        lines = []
        for partner, line in zip(partners, budget, strict=False):
            if line is not None:
                earmarked, adequate = line
                lines.append(
                    BudgetLine(
                        partner=partner, earmarked=earmarked, adequate=adequate, sources=cited
                    )
                )
        changes["budget"] = tuple(lines)
    anchors = profile.get("anchors")
    if anchors is not None:
        kind = min(kind for kind in InstitutionKind if kind in ANCHOR_KINDS)
        changes["institutions"] = tuple(
            Institution(name=f"anchor of {partner}", kind=kind, partner=partner, sources=cited)
            for partner in partners[: int(anchors)]
        )
    return attrs.evolve(context, **changes)


# --------------------------------------------------------------------------
# the partition


def _reads(rule: ir.Rule) -> set[str]:
    """The facts (and collections) a rule's condition reads."""
    out: set[str] = set()
    for node in ir.walk(rule.when):
        if isinstance(node, ir.FactRef):
            out.add(node.name)
        elif isinstance(node, ir.Quantifier) and node.collection != "findings":
            out.add(node.collection)
    return out


def _touches(read: str, prefixes: Sequence[str]) -> bool:
    return any(read.startswith(prefix) or prefix.startswith(read) for prefix in prefixes)


def _cell(axis_cells: Sequence[object], value: object) -> int:
    """The index of the cell ``value`` lies in (-1: none)."""
    for index, cell in enumerate(axis_cells):
        rep = cell.value  # type: ignore[attr-defined]
        if value is None:
            if rep is MISSING:
                return index
            continue
        if rep is MISSING:
            continue
        if rep is SOME or (rep is OTHER and isinstance(value, str)):
            return index
        if isinstance(value, bool) or isinstance(rep, bool | str):
            if value == rep:
                return index
            continue
        if isinstance(value, int | float):
            low, high = cell.low, cell.high  # type: ignore[attr-defined]
            above = value >= low if cell.low_closed else value > low  # type: ignore[attr-defined]
            below = value <= high if cell.high_closed else value < high  # type: ignore[attr-defined]
            if above and below:
                return index
    return -1


class _Partition:
    """The cells of every comparison of a fact with literals in the rule set."""

    def __init__(self, ruleset: ir.RuleSet) -> None:
        conditions = []
        for rule in ruleset.rules:
            alternatives = dnf(ir.to_nnf(rule.when))
            if alternatives is not None:
                conditions.append(alternatives)
        space = Space(conditions, Types(FACT_SCHEMA, findings=False))
        self.axes = [
            (axis.expr.name, axis.cells) for axis in space.axes if isinstance(axis.expr, ir.FactRef)
        ]
        agreed = [
            cell.value
            for name, cells in self.axes
            if name == "fields.agreed"
            for cell in cells
            if isinstance(cell.value, int | float) and not math.isnan(cell.value)
        ]
        self.agreed = min(_MOST_FIELDS, int(max(agreed, default=2)) + 1)

    def fields(self) -> list[tuple[int, int, int]]:
        """The splits ``(agreed, implemented, partial)`` of up to :attr:`agreed` fields,
        one per combination of the cells of the ``fields.*`` comparisons (and of whether
        a field is at work, which the stage reads)."""
        out: dict[tuple[object, ...], tuple[int, int, int]] = {}
        for n in range(self.agreed + 1):
            for done in range(n + 1):
                for partial in range(n - done + 1):
                    values = {
                        "fields.agreed": n,
                        "fields.implemented": done,
                        "fields.partial": partial,
                        "fields.planned": n - done - partial,
                        "fields.not_implemented": 0,
                        "fields.discontinued": 0,
                        "fields.implementation_ratio": done / n if n else None,
                    }
                    key = tuple(
                        _cell(cells, values[name]) for name, cells in self.axes if name in values
                    )
                    out.setdefault((*key, done + partial > 0, n > done), (n, done, partial))
        return list(out.values())

    def signature(self, scalars: Mapping[str, object]) -> tuple[int, ...]:
        return tuple(_cell(cells, scalars.get(name)) for name, cells in self.axes)


# --------------------------------------------------------------------------
# the search


@attrs.frozen(kw_only=True)
class Coverage:
    """What the search covered for one invariant."""

    invariant: str
    dimensions: tuple[str, ...]
    combinations: int  # distinct combinations of cells evaluated
    edits: int  # distinct edits evaluated
    complete: bool  # False when :data:`MOST` cut the search short
    broken: bool

    def describe(self) -> str:
        what = f"{self.invariant} over {self.combinations} combinations and {self.edits} edits"
        what += f" ({', '.join(self.dimensions)})"
        return what if self.complete else f"{what}, cut at {MOST} combinations"

    def to_dict(self) -> dict[str, object]:
        return {
            "invariant": self.invariant,
            "dimensions": list(self.dimensions),
            "combinations": self.combinations,
            "edits": self.edits,
            "complete": self.complete,
            "broken": self.broken,
        }


@attrs.frozen(kw_only=True)
class EditSearch:
    """The defects the exhaustive search found (one per invariant at most) and its coverage."""

    defects: tuple[Failed, ...]
    coverage: tuple[Coverage, ...]


def _dimensions(ruleset: ir.RuleSet, fact: str) -> list[Dimension]:
    footprint = FOOTPRINTS.get(fact, (fact,))
    touched = [rule for rule in ruleset.rules if any(_touches(r, footprint) for r in _reads(rule))]
    read = {name for rule in touched for name in _reads(rule)} | set(footprint)
    return [
        dimension
        for dimension in DIMENSIONS
        if dimension.name == "timeline" or any(_touches(name, dimension.drives) for name in read)
    ]


def _candidates(
    partition: _Partition, dimensions: Sequence[Dimension], contexts: Sequence[Case]
) -> Iterator[Case]:
    names = [dimension.name for dimension in dimensions]
    options = [_options(name, partition) for name in names]
    for context in contexts:
        for choice in itertools.product(*options):
            try:
                yield _build(context, dict(zip(names, choice, strict=True)))
            except (SisterevalError, ValueError, TypeError):
                continue  # a combination no valid case has


def _loadable(case: Case) -> bool:
    """Whether ``case``, written as a case file, loads again (so evaluate can reproduce)."""
    try:
        load_case(dump_case(case))
    except SisterevalError:
        return False
    return True


class _Walk:
    """One invariant's search: each combination of cells, and each edit between two
    combinations, evaluated once (a verdict is kept per combination)."""

    def __init__(
        self,
        ruleset: ir.RuleSet,
        partition: _Partition,
        invariant: Invariant,
        backend: Backend,
        seen: Callable[[str, Case, Evaluation], None] | None,
    ) -> None:
        self.ruleset = ruleset
        self.partition = partition
        self.invariant = invariant
        self.backend = backend
        self.seen = seen
        self.done: set[tuple[int, ...]] = set()
        self.pairs: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
        self.verdicts: dict[tuple[int, ...], str] = {}

    def verdict(self, signature: tuple[int, ...], case: Case, origin: str) -> str:
        if signature not in self.verdicts:
            result = evaluate(case, self.ruleset, backend=self.backend)
            if self.seen is not None:
                self.seen(origin, case, result)
            self.verdicts[signature] = result.verdict
        return self.verdicts[signature]

    def step(self, case: Case) -> Failed | None:
        """Evaluate ``case`` and its edits, unless its combination was seen; the defect."""
        fact, direction = self.invariant.fact, self.invariant.direction
        scalars = derive(case).scalars
        signature = self.partition.signature(scalars)
        if signature in self.done:
            return None
        self.done.add(signature)
        value = scalars.get(fact)
        if value is None:
            return None
        verdict = self.verdict(signature, case, "a case of the edit search")
        for edit in EDITS[(fact, direction)]:
            for change, edited in edit(case):
                moved = derive(edited).scalars
                after = moved.get(fact)
                if after is None or after == value or (after > value) != (direction == "up"):  # type: ignore[operator]
                    continue
                pair = (signature, self.partition.signature(moved))
                if pair in self.pairs:
                    continue
                self.pairs.add(pair)
                later = self.verdict(pair[1], edited, f"an edit of a case ({change})")
                if worse(self.ruleset, verdict, later):
                    found = self.confirm(case, Move(change, edited, value, after))
                    if found is not None:
                        return found
        return None

    def confirm(self, case: Case, move: Move) -> Failed | None:
        """The defect, evaluated on the two cases themselves (a kept verdict may be another
        case's of the same combination), when their case files load again."""
        before = evaluate(case, self.ruleset, backend=self.backend)
        after = evaluate(move.case, self.ruleset, backend=self.backend)
        if not worse(self.ruleset, before.verdict, after.verdict):
            return None
        if not (_loadable(case) and _loadable(move.case)):
            return None
        found = broken(self.invariant, case, before, move, after)
        found.rules = _own_first(self.ruleset, found.rules)
        return found


def _own_first(ruleset: ir.RuleSet, rules: Sequence[str]) -> tuple[str, ...]:
    """``rules`` with those the rule set's own file defines first: the defect is located
    at the analyst's rule, not at the inherited one it tips over."""
    own = {rule.id for rule in ruleset.rules if (rule.loc.file or rule.origin) == ruleset.file}
    return tuple(sorted(rules, key=lambda rule: rule not in own))


def search_edits(
    ruleset: ir.RuleSet,
    invariants: Sequence[Invariant],
    seeds: Sequence[Case],
    *,
    backend: Backend = "durable",
    seen: Callable[[str, Case, Evaluation], None] | None = None,
) -> EditSearch:
    """Check each invariant with declared edits exhaustively (see the module docstring)."""
    partition = _Partition(ruleset)
    contexts = [_blank(), *seeds]
    defects: list[Failed] = []
    coverage: list[Coverage] = []
    for invariant in invariants:
        if (invariant.fact, invariant.direction) not in EDITS:
            continue
        dimensions = _dimensions(ruleset, invariant.fact)
        search = _Walk(ruleset, partition, invariant, backend, seen)
        complete = True
        found: Failed | None = None
        for case in _candidates(partition, dimensions, contexts):
            if len(search.done) >= MOST:
                complete = False
                break
            found = search.step(case)
            if found is not None:
                break
        if found is not None:
            defects.append(found)
        coverage.append(
            Coverage(
                invariant=f"monotone {invariant.fact} ({invariant.direction})",
                dimensions=tuple(dimension.name for dimension in dimensions),
                combinations=len(search.done),
                edits=len(search.pairs),
                complete=complete,
                broken=found is not None,
            )
        )
    return EditSearch(defects=tuple(defects), coverage=tuple(coverage))
