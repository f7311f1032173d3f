"""Static checks of a rule set's verdict rules: overlaps, rules that never decide, gaps.

The verdict conditions (and ``verdicts: undecided_when``) are cut into
cells by :class:`sistereval.check.regions.Space`; each check looks at every
feasible cell.  A rule *surely fires* on a cell when an exact alternative of
its condition holds there, and *may fire* when any alternative does (an
alternative with atoms the cells cannot represent may be false there).
Claims are made only where they follow:

* ``verdict-overlap`` (only with ``verdicts: {unique: true}``): two verdict
  rules with different verdicts both surely fire on some cell.  Under
  ``worst``, ``best`` and ``priority`` an overlap is resolved by the scale or
  the rule order, so it is no defect unless the rule set asks for it.
* ``never-decisive``: on every cell where the rule may fire, another rule
  surely fires that wins over it: a worse verdict under ``worst``, a better
  one under ``best``, an earlier rule under ``priority``.
* ``verdict-when-undecided``: a verdict rule surely fires on a cell where
  ``undecided_when`` surely holds: the declaration contradicts the rule.
* ``verdict-gap``: a region of cells where no verdict rule may fire and
  ``undecided_when`` does not hold, reported as a condition; at most
  :data:`MAX_REGIONS` regions.

A condition with more than :data:`~sistereval.check.regions.MAX_ALTERNATIVES`
alternatives is taken to fire anywhere; when the cells number more than
:data:`MAX_CELLS` nothing is claimed and a note says so.  See the module
docstring of :mod:`sistereval.check.regions` for what the cells do not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from .. import ir
from ..errors import Location, Problem
from .regions import MAX_ALTERNATIVES, Box, Region, Space, Types, dnf

__all__ = ["MAX_CELLS", "MAX_REGIONS", "Defect", "check_verdicts", "rule_location"]

#: The most combinations of cells the verdict checks look at.
MAX_CELLS = 50_000
#: The most regions reported for one gap or overlap.
MAX_REGIONS = 8

_ANYWHERE = (Box((), exact=False),)


@attrs.frozen(kw_only=True)
class Defect:
    """A problem found by ``check``, with the rules involved and the regions it holds in."""

    problem: Problem
    rules: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()  # second locations: the inherited rule a file dropped

    def to_dict(self) -> dict[str, Any]:
        related = [
            {"file": loc.file, "line": loc.line, "column": loc.column} for loc in self.related
        ]
        return {
            **self.problem.to_dict(),
            "rules": list(self.rules),
            "regions": list(self.regions),
            "related": related,
        }


def rule_location(rule: ir.Rule, *, condition: bool = True) -> Location:
    """Where the rule's condition begins (else the rule itself), without a data path.

    An ``and`` node is located at its operator, so the least located node is
    taken; the rule's own location when nothing is located.
    """
    where = ir.walk(rule.when) if condition else ()
    located = [node.loc for node in where if node.loc.line is not None]
    best = min(located, key=Location.sort_key, default=rule.loc)
    return attrs.evolve(best, file=best.file or rule.origin or None, path="")


def check_verdicts(ruleset: ir.RuleSet, types: Types) -> tuple[list[Defect], list[str]]:
    """The defects of the verdict rules of ``ruleset``, and notes on what was not analysed."""
    rules = [rule for rule in ruleset.rules if isinstance(rule.then, ir.VerdictThen)]
    if not rules:
        return [], []
    notes: list[str] = []
    if not _same_findings(ruleset, rules):
        types = Types(types.schema, findings=False)
        notes.append(
            "counts of findings not analysed: the verdict rules run in different strata, "
            "so they count different findings"
        )
    alternatives = [dnf(ir.to_nnf(rule.when)) for rule in rules]
    undecided = None
    if ruleset.undecided_when is not None:
        undecided = dnf(ir.to_nnf(ruleset.undecided_when))
    edits = [e for e in ruleset.inherited if isinstance(e.rule.then, ir.VerdictThen)]
    dropped = [dnf(ir.to_nnf(e.rule.when)) for e in edits]
    conditions = (*alternatives, undecided, *dropped)
    space = Space([a for a in conditions if a is not None], types)
    if space.size > MAX_CELLS:
        note = (
            f"verdict rules not analysed: the {len(space.axes)} operands they compare "
            f"make {space.size} combinations, more than {MAX_CELLS}"
        )
        return [], [*notes, note]
    boxes = [_boxes(space, alts) for alts in alternatives]
    free = () if ruleset.undecided_when is None else _boxes(space, undecided)
    checker = _Checker(ruleset, rules, alternatives, space, boxes, free)
    checker.trace(edits, [_boxes(space, alts) for alts in dropped])
    defects, found = checker.run()
    notes.extend(found)
    if ruleset.undecided_when is not None and undecided is None:
        notes.append(
            f"gaps not analysed: undecided_when has more than {MAX_ALTERNATIVES} alternatives"
        )
    return defects, notes


def _same_findings(ruleset: ir.RuleSet, rules: list[ir.Rule]) -> bool:
    """Whether every verdict rule that counts findings sees all of them."""
    readers = [
        rule.stratum
        for rule in rules
        if any(
            isinstance(node, ir.Quantifier) and node.collection == "findings"
            for node in ir.walk(rule.when)
        )
    ]
    found = [rule.stratum for rule in ruleset.rules if isinstance(rule.then, ir.FindingThen)]
    return not readers or not found or max(found) < min(readers)


def _boxes(space: Space, alternatives: list[tuple[ir.Expr, ...]] | None) -> tuple[Box, ...]:
    if alternatives is None:
        return _ANYWHERE
    return tuple(box for alt in alternatives if (box := space.box(alt)) is not None)


class _Checker:
    """The verdict rules over every feasible cell; rule ``i`` is bit ``i`` of a mask."""

    def __init__(
        self,
        ruleset: ir.RuleSet,
        rules: list[ir.Rule],
        alternatives: list[list[tuple[ir.Expr, ...]] | None],
        space: Space,
        boxes: list[tuple[Box, ...]],
        undecided: tuple[Box, ...],
    ) -> None:
        self.ruleset, self.rules, self.space = ruleset, rules, space
        self.edits: list[ir.Inherited] = []
        self.dropped: list[int] = []  # per cell: the edits whose inherited rule fired there
        self.analysed = [alts is not None for alts in alternatives]
        may, sure = [0] * space.size, [0] * space.size
        for i, rule_boxes in enumerate(boxes):
            for box in rule_boxes:
                for index in space.indexes(box):
                    may[index] |= 1 << i
                    if box.exact:
                        sure[index] |= 1 << i
        intended = [0] * space.size  # 1: undecided_when may hold, 2: it surely does
        for box in undecided:
            for index in space.indexes(box):
                intended[index] |= 3 if box.exact else 1
        self.cells: list[tuple[int, ...]] = []
        self.infeasible: list[tuple[int, ...]] = []
        self.may: list[int] = []
        self.sure: list[int] = []
        self.intended: list[bool] = []
        self.declared: list[bool] = []
        for index, cell in enumerate(space.cells()):
            if not space.feasible(cell):
                self.infeasible.append(cell)
                continue
            self.cells.append(cell)
            self.may.append(may[index])
            self.sure.append(sure[index])
            self.intended.append(bool(intended[index] & 1))
            self.declared.append(bool(intended[index] & 2))

    def trace(self, edits: list[ir.Inherited], boxes: list[tuple[Box, ...]]) -> None:
        """Where the inherited verdict rules the file disables or overrides fired (bit
        ``k``: ``edits[k]``), so that a gap they leave is located at the edit."""
        self.edits = edits
        fired = [0] * self.space.size
        for k, edit_boxes in enumerate(boxes):
            for box in edit_boxes:
                for index in self.space.indexes(box):
                    fired[index] |= 1 << k
        kept = {cell: i for i, cell in enumerate(self.cells)}
        self.dropped = [0] * len(self.cells)
        for index, cell in enumerate(self.space.cells()):
            if cell in kept:
                self.dropped[kept[cell]] = fired[index]

    def cause(self, region: Region, uncovered: Sequence[tuple[int, ...]]) -> ir.Inherited | None:
        """The first disable or override whose inherited rule fired in ``region``'s gap."""
        if not self.edits:
            return None
        index = {cell: i for i, cell in enumerate(self.cells)}
        mask = 0
        for cell in uncovered:
            if all(c in allowed for c, allowed in zip(cell, region, strict=True)):
                mask |= self.dropped[index[cell]]
        return self.edits[_bits(mask)[0]] if mask else None

    def run(self) -> tuple[list[Defect], list[str]]:
        defects: list[Defect] = []
        notes: list[str] = []
        if self.ruleset.unique:
            defects.extend(self.overlaps())
        defects.extend(self.never_decisive())
        defects.extend(self.decided_when_undecided())
        gaps, note = self.gaps()
        defects.extend(gaps)
        notes.extend(note)
        return defects, notes

    def verdict(self, index: int) -> str:
        then = self.rules[index].then
        return then.verdict if isinstance(then, ir.VerdictThen) else ""

    def regions(self, cells: Sequence[tuple[int, ...]]) -> tuple[list[str], bool]:
        """``cells`` described as regions; False when more regions than shown are needed."""
        found, complete = self.space.regions(cells, self.infeasible, most=MAX_REGIONS)
        return [self.space.describe(region) for region in found], complete

    # ------------------------------------------------------------ the checks

    def overlaps(self) -> list[Defect]:
        pairs: dict[tuple[int, int], list[tuple[int, ...]]] = {}
        for cell, sure in zip(self.cells, self.sure, strict=True):
            if sure & (sure - 1) == 0:  # fewer than two rules
                continue
            fired = _bits(sure)
            for j in fired:
                for i in fired:
                    if i < j and self.verdict(i) != self.verdict(j):
                        pairs.setdefault((i, j), []).append(cell)
        found: list[Defect] = []
        for (i, j), both in sorted(pairs.items(), key=lambda item: (item[0][1], item[0][0])):
            first, later = self.rules[i], self.rules[j]
            found.append(
                self.holding(
                    both,
                    code="verdict-overlap",
                    text=f"rules {first.id!r} ({self.verdict(i)}) and {later.id!r} "
                    f"({self.verdict(j)}) both fire where ",
                    rules=(first.id, later.id),
                    suggestion="the rule set declares verdicts unique: narrow one of them",
                )
            )
        return found

    def holding(
        self,
        cells: Sequence[tuple[int, ...]],
        *,
        code: str,
        text: str,
        rules: tuple[str, ...],
        suggestion: str,
    ) -> Defect:
        """A defect of ``rules`` (located at the last) on ``cells``: ``text`` and a region."""
        regions, complete = self.regions(cells)
        more = " (and elsewhere)" if len(regions) > 1 or not complete else ""
        problem = Problem(
            code=code,
            message=f"{text}{regions[0]}{more}",
            location=rule_location(self.ruleset.rule(rules[-1])),
            suggestion=suggestion,
        )
        return Defect(problem=problem, rules=rules, regions=tuple(regions))

    def beats(self, winner: int, loser: int) -> bool:
        policy = self.ruleset.policy
        if policy == "priority":
            return winner < loser
        rank = {name: k for k, name in enumerate(self.ruleset.scale)}
        worse = rank[self.verdict(winner)] - rank[self.verdict(loser)]
        return worse > 0 if policy == "worst" else worse < 0

    def never_decisive(self) -> list[Defect]:
        found: list[Defect] = []
        others = {"worst": "a worse", "best": "a better", "priority": "an earlier"}
        for i, rule in enumerate(self.rules):
            fires = [k for k, may in enumerate(self.may) if may >> i & 1]
            if not self.analysed[i] or not fires:
                continue
            beaten_by = sum(1 << j for j in range(len(self.rules)) if self.beats(j, i))
            winners: set[int] = set()
            for k in fires:
                beaten = self.sure[k] & beaten_by
                if not beaten:
                    break
                winners.add(_bits(beaten)[0])
            else:
                ids = tuple(self.rules[j].id for j in sorted(winners))
                names = ", ".join(repr(rule_id) for rule_id in ids)
                other = others.get(self.ruleset.policy, "another")
                problem = Problem(
                    code="never-decisive",
                    message=f"rule {rule.id!r} ({self.verdict(i)}) never decides the verdict "
                    f"under the policy {self.ruleset.policy!r}: whenever it fires, {other} "
                    f"verdict rule fires too ({names})",
                    location=rule_location(rule),
                )
                found.append(Defect(problem=problem, rules=(rule.id, *ids)))
        return found

    def decided_when_undecided(self) -> list[Defect]:
        found: list[Defect] = []
        for i, rule in enumerate(self.rules):
            both = [
                cell
                for cell, sure, declared in zip(self.cells, self.sure, self.declared, strict=True)
                if sure >> i & 1 and declared
            ]
            if both:
                defect = self.holding(
                    both,
                    code="verdict-when-undecided",
                    text=f"rule {rule.id!r} ({self.verdict(i)}) gives a verdict where "
                    "undecided_when says none is meant: ",
                    rules=(rule.id,),
                    suggestion="narrow the rule, or undecided_when",
                )
                found.append(defect)
        return found

    def gaps(self) -> tuple[list[Defect], list[str]]:
        uncovered = [
            cell
            for cell, may, intended in zip(self.cells, self.may, self.intended, strict=True)
            if not may and not intended
        ]
        if not uncovered:
            return [], []
        found_regions, complete = self.space.regions(uncovered, self.infeasible, most=MAX_REGIONS)
        ids = tuple(rule.id for rule in self.rules)
        found: list[Defect] = []
        for cells in found_regions:
            region = self.space.describe(cells)
            message = (
                f"no verdict rule fires where {region}"
                if region != "true"
                else "no verdict rule can fire in any case"
            )
            location, rules = rule_location(self.rules[0]), ids
            related: tuple[Location, ...] = ()
            cause = self.cause(cells, uncovered)
            if cause is not None:
                inherited = rule_location(cause.rule)
                verb = "disables" if cause.kind == "disable" else "overrides"
                message += (
                    f": this file {verb} the inherited rule {cause.rule.id!r} "
                    f"({inherited}), which fired there"
                )
                location, related = attrs.evolve(cause.loc, path=""), (inherited,)
                rules = (cause.rule.id, *(i for i in ids if i != cause.rule.id))
            problem = Problem(
                code="verdict-gap",
                message=message,
                location=location,
                suggestion="add a verdict rule for it, or declare it in 'verdicts: undecided_when'",
            )
            found.append(Defect(problem=problem, rules=rules, regions=(region,), related=related))
        if complete:
            return found, []
        note = f"more cases without a verdict lie outside the regions shown (at most {MAX_REGIONS})"
        return found, [note]


def _bits(mask: int) -> list[int]:
    """The rules (bit positions) of ``mask``, lowest first."""
    return [i for i in range(mask.bit_length()) if mask >> i & 1]
