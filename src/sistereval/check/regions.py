"""The fact space a set of conditions reads, cut into cells, and regions of it.

Each *operand* a condition compares with literals (a scalar fact, a
``count(...)``, ``derived.x`` or ``fired("r")``) becomes an *axis*.  An axis
is cut into *cells* at every literal the conditions use, so that every
understood atom is either true on the whole of a cell or false on the whole
of it: a number axis with the literals 1 and 3 has the cells ``< 1``,
``== 1``, ``> 1 and < 3``, ``== 3`` and ``> 3`` (cells without a whole value
are dropped on whole-number axes; a count has no value below 0); an enum or
boolean axis has a cell per value; a string axis a cell per literal and one
for any other text.  A fact can also be unknown: its axis has one more cell,
on which every comparison is false (``docs/rule-language.md``).

A condition's alternatives (its disjunctive form) become *boxes*: per axis,
the cells its atoms allow.  Atoms the cells cannot represent (comparisons of
two facts, arithmetic, dates, patterns, quantifiers other than ``count``)
are *opaque*: a box with one is not *exact*, it may or may not hold on its
cells.

The axes are taken as independent, except that ``count(c, p)`` is at most
``count(c, q)`` when every conjunct of ``q`` is one of ``p`` (or ``q`` has
none); a combination of cells that breaks this is *infeasible*.
The fact schema's declared ranges cut the axes (no cell lies outside a
fact's range: ``0 <= fields.implementation_ratio <= 1``, a count is never
below 0), and its declared sum relations between whole-number facts
(``fields.implemented + ... == fields.agreed``) make combinations that break
them infeasible (:meth:`Space.feasible`).  Other links
between operands (a finding that only some facts make fire, a stage that
follows from the milestones) are not known here: a region may hold cells no
case reaches.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence

import attrs

from .. import ir
from ..language import format_expression
from ..schema import FINDINGS, FactDef, FactSchema, FactType, Relation

__all__ = [
    "BOOLEANS",
    "MAX_ALTERNATIVES",
    "Box",
    "Operand",
    "Region",
    "Space",
    "Types",
    "dnf",
]

#: The most alternatives a condition's disjunctive form may have before no
#: claim is made about it.
MAX_ALTERNATIVES = 256

_NUMERIC = (FactType.NUMBER, FactType.INTEGER)
BOOLEANS: tuple[object, ...] = (True, False)
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


MISSING = _Marker("MISSING")  # the value of an unknown fact
OTHER = _Marker("OTHER")  # any text no condition names
SOME = _Marker("SOME")  # any value of an axis that only known()/missing() test


@attrs.frozen
class Operand:
    """What the checks know of an operand's values."""

    key: str
    type: FactType
    values: tuple[object, ...] = ()  # the whole domain, when finite
    fact: bool = False  # a fact or attribute: known()/missing() apply
    count: bool = False  # a count(...): whole values from 0
    minimum: float | None = None  # the declared range of a known value (a count: 0)
    maximum: float | None = None


class Types:
    """The operands of conditions, by the fact schema.

    With ``findings`` false, ``count(findings, ...)`` is no operand (its
    comparisons are opaque): for conditions that see different findings.
    """

    def __init__(self, schema: FactSchema, *, findings: bool = True) -> None:
        self.schema = schema
        self.findings = findings

    def operand(self, expr: ir.Expr, collection: str | None) -> Operand | None:
        if isinstance(expr, ir.FactRef):
            return self._of(expr.name, self.schema.scalar(expr.name))
        if isinstance(expr, ir.ItemRef) and expr.collection == collection:
            coll = FINDINGS if collection == "findings" else self.schema.collection(collection)
            item = None if coll is None else coll.item(expr.name)
            return self._of(f"{collection}.{expr.name} (item)", item)
        if isinstance(expr, ir.DerivedRef | ir.FiredRef):
            key = format_expression(expr)
            return Operand(key, FactType.BOOLEAN, BOOLEANS)
        if isinstance(expr, ir.Quantifier) and expr.kind == "count":
            if expr.collection == "findings" and not self.findings:
                return None
            return Operand(format_expression(expr), FactType.INTEGER, count=True, minimum=0)
        return None

    @staticmethod
    def _of(key: str, fact: FactDef | None) -> Operand | None:
        if fact is None:
            return None
        if fact.type is FactType.BOOLEAN:
            return Operand(key, fact.type, BOOLEANS, fact=True)
        if fact.type is FactType.ENUM:
            return Operand(key, fact.type, tuple(fact.values), fact=True)
        low = None if fact.minimum is None else float(fact.minimum)
        high = None if fact.maximum is None else float(fact.maximum)
        return Operand(key, fact.type, fact=True, minimum=low, maximum=high)


def dnf(expr: ir.Expr) -> list[tuple[ir.Expr, ...]] | None:
    """``expr`` (in NNF) as alternatives of conjoined atoms; None beyond the cap."""
    if isinstance(expr, ir.Or):
        out: list[tuple[ir.Expr, ...]] = []
        for item in expr.items:
            part = dnf(item)
            if part is None or len(out) + len(part) > MAX_ALTERNATIVES:
                return None
            out.extend(part)
        return out
    if isinstance(expr, ir.And):
        acc: list[tuple[ir.Expr, ...]] = [()]
        for item in expr.items:
            part = dnf(item)
            if part is None or len(acc) * len(part) > MAX_ALTERNATIVES:
                return None
            acc = [left + right for left in acc for right in part]
        return acc
    return [(expr,)]


# --------------------------------------------------------------------------
# atoms


@attrs.frozen
class _Atom:
    """An understood atom: a test of one operand's value against literals."""

    operand: Operand
    expr: ir.Expr  # the operand as written
    test: Callable[[object], bool] = attrs.field(eq=False)
    literals: tuple[object, ...] = ()


def _compare(op: str, literal: object) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        if value is MISSING:
            return False
        if op in ("==", "!="):
            return (value == literal) == (op == "==")
        if not (isinstance(value, int | float) and isinstance(literal, int | float)):
            return False
        if op == "<":
            return value < literal
        if op == "<=":
            return value <= literal
        return value > literal if op == ">" else value >= literal

    return test


def _atom(atom: ir.Expr, types: Types) -> _Atom | bool | None:
    """``atom`` understood, True/False for a literal, None when opaque."""
    if isinstance(atom, ir.Literal) and isinstance(atom.value, bool):
        return atom.value
    if isinstance(atom, ir.Compare):
        left, op, right = atom.left, atom.op, atom.right
        if isinstance(left, ir.Literal) and not isinstance(right, ir.Literal):
            left, op, right = right, _MIRROR[op], left
        operand = types.operand(left, None)
        if operand is None or operand.type is FactType.DATE or not isinstance(right, ir.Literal):
            return None
        return _Atom(operand, left, _compare(op, right.value), (right.value,))
    if isinstance(atom, ir.In) and isinstance(atom.haystack, ir.ListLiteral):
        operand = types.operand(atom.needle, None)
        if operand is None or operand.type is FactType.DATE:
            return None
        values = tuple(item.value for item in atom.haystack.items)
        negated = atom.negated

        def member(value: object) -> bool:
            return value is not MISSING and (value in values) != negated

        return _Atom(operand, atom.needle, member, values)
    if isinstance(atom, ir.Known):
        operand = types.operand(atom.operand, None)
        if operand is None or not operand.fact:
            return None
        missing = atom.negated
        return _Atom(operand, atom.operand, lambda value: (value is MISSING) == missing)
    return None


# --------------------------------------------------------------------------
# cells


@attrs.frozen
class _Cell:
    """One cell of an axis: a representative value, and for numbers its bounds."""

    value: object
    low: float = -math.inf
    low_closed: bool = False
    high: float = math.inf
    high_closed: bool = False


@attrs.frozen
class _Axis:
    operand: Operand
    expr: ir.Expr
    cells: tuple[_Cell, ...]

    @property
    def known(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.cells) if c.value is not MISSING)


def _number_cells(operand: Operand, literals: Iterable[object]) -> list[_Cell]:
    integral = operand.type is FactType.INTEGER
    least, most = operand.minimum, operand.maximum
    cuts = {float(v) for v in literals if isinstance(v, int | float)}
    cuts |= {bound for bound in (least, most) if bound is not None}
    edges = [-math.inf, *sorted(cuts), math.inf]
    cells: list[_Cell] = []
    for index, low in enumerate(edges[:-1]):
        high = edges[index + 1]
        if index > 0:  # the cut point itself
            cells.append(_Cell(low, low, True, low, True))
        cells.append(_Cell(math.nan, low, False, high, False))
    kept: list[_Cell] = []
    for cell in cells:
        value = _inside(cell, integral)
        if value is None or (least is not None and value < least):
            continue  # no whole value, or below the declared range: no case has it
        if most is not None and value > most:
            continue
        kept.append(attrs.evolve(cell, value=value))
    return kept


def _whole(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _inside(cell: _Cell, integral: bool) -> int | float | None:
    """A value of the cell (a whole one on a whole-number axis), or None."""
    low, high = cell.low, cell.high
    if cell.low_closed:  # a single point
        if not integral:
            return low
        return int(low) if low == int(low) else None
    if integral:
        if low > -math.inf:
            first = math.floor(low) + 1
        else:
            first = math.ceil(high) - 1 if high < math.inf else 0
        return first if low < first < high else None
    if low == -math.inf:
        return high - 1 if high < math.inf else 0.0
    return low + 1 if high == math.inf else (low + high) / 2


def _axis(operand: Operand, expr: ir.Expr, literals: Sequence[object]) -> _Axis:
    if operand.type in _NUMERIC:
        cells = _number_cells(operand, literals)
    elif operand.values:
        cells = [_Cell(value) for value in operand.values]
    elif operand.type is FactType.STRING:
        texts = dict.fromkeys(v for v in literals if isinstance(v, str))
        cells = [*(_Cell(text) for text in texts), _Cell(OTHER)]
    else:
        cells = [_Cell(SOME)]
    if operand.fact:
        cells.append(_Cell(MISSING))
    return _Axis(operand, expr, tuple(cells))


# --------------------------------------------------------------------------
# the space


@attrs.frozen
class Box:
    """An alternative of a condition: per axis (by index) the cells it allows."""

    allowed: tuple[tuple[int, frozenset[int]], ...]
    exact: bool  # False when it has atoms the cells do not represent


Region = tuple[frozenset[int], ...]


class Space:
    """The axes of a set of conditions; see the module docstring."""

    def __init__(self, conditions: Iterable[Sequence[tuple[ir.Expr, ...]]], types: Types) -> None:
        self.types = types
        found: dict[str, tuple[Operand, ir.Expr, list[object]]] = {}
        for alternatives in conditions:
            for conjunction in alternatives:
                for atom in conjunction:
                    understood = _atom(atom, types)
                    if isinstance(understood, _Atom):
                        entry = found.setdefault(
                            understood.operand.key, (understood.operand, understood.expr, [])
                        )
                        entry[2].extend(understood.literals)
        self.axes = tuple(_axis(*entry) for entry in found.values())
        self.index = {axis.operand.key: i for i, axis in enumerate(self.axes)}
        self.order = self._order()
        self.relations = self._relations()

    @property
    def size(self) -> int:
        return math.prod(len(axis.cells) for axis in self.axes)

    def box(self, conjunction: Sequence[ir.Expr]) -> Box | None:
        """The cells ``conjunction`` allows; None when it allows none."""
        allowed: dict[int, frozenset[int]] = {}
        exact = True
        for atom in conjunction:
            understood = _atom(atom, self.types)
            if understood is None:
                exact = False
                continue
            if understood is True:
                continue
            if understood is False:
                return None
            axis = self.index[understood.operand.key]
            cells = self.axes[axis].cells
            fits = frozenset(i for i, cell in enumerate(cells) if understood.test(cell.value))
            allowed[axis] = allowed.get(axis, fits) & fits
            if not allowed[axis]:
                return None
        return Box(tuple(sorted(allowed.items())), exact)

    def cells(self) -> Iterator[tuple[int, ...]]:
        """Every combination of cells, feasible or not."""
        return itertools.product(*(range(len(axis.cells)) for axis in self.axes))

    def indexes(self, box: Box) -> Iterator[int]:
        """The positions in :meth:`cells` of the cells of ``box``."""
        allowed = dict(box.allowed)
        strides: list[list[int]] = []
        stride = 1
        for axis in reversed(range(len(self.axes))):
            values = allowed.get(axis, range(len(self.axes[axis].cells)))
            strides.append([value * stride for value in sorted(values)])
            stride *= len(self.axes[axis].cells)
        return (sum(parts) for parts in itertools.product(*strides))

    def feasible(self, cell: Sequence[int]) -> bool:
        """Whether some case may have ``cell``: counts ordered as their conditions are,
        and the declared relations of the facts hold (cells outside a fact's declared
        range are not cells at all)."""
        axes = self.axes
        ordered = all(
            _least(axes[small].cells[cell[small]]) <= _most(axes[large].cells[cell[large]])
            for small, large in self.order
        )
        return ordered and all(self._holds(relation, cell) for relation in self.relations)

    def _holds(self, relation: Relation, cell: Sequence[int]) -> bool:
        """Whether the cells of ``cell`` leave values for which the sum ``relation`` holds."""
        cells: list[_Cell | None] = []
        for name in relation.facts:
            axis = self.index.get(name)
            if axis is None:
                cells.append(None)
                continue
            chosen = self.axes[axis].cells[cell[axis]]
            if chosen.value is MISSING:
                return True  # a relation ties known values only
            cells.append(chosen)
        *parts, total = cells
        if total is None:
            return True
        minimums = [self._declared(name)[0] for name in relation.parts]
        least = sum(
            _least(part) if part is not None else low
            for part, low in zip(parts, minimums, strict=True)
        )
        if least > _most(total):
            return False
        if relation.op == "==" and all(part is not None for part in parts):
            return sum(_most(part) for part in parts if part is not None) >= _least(total)
        return True

    def _declared(self, name: str) -> tuple[float, float]:
        fact = self.types.schema.scalar(name)
        low = -math.inf if fact is None or fact.minimum is None else float(fact.minimum)
        high = math.inf if fact is None or fact.maximum is None else float(fact.maximum)
        return low, high

    def _relations(self) -> list[Relation]:
        """The declared sum relations between integer facts some axis reads."""
        schema = self.types.schema
        out: list[Relation] = []
        for relation in schema.relations:
            facts = [schema.scalar(name) for name in relation.facts]
            if relation.kind != "sum" or any(
                fact is None or fact.type is not FactType.INTEGER for fact in facts
            ):
                continue
            if any(name in self.index for name in relation.facts):
                out.append(relation)
        return out

    def _order(self) -> list[tuple[int, int]]:
        """Pairs of count axes (a, b) with count a <= count b in every case."""
        counts: list[tuple[int, ir.Quantifier]] = []
        for i, axis in enumerate(self.axes):
            if isinstance(axis.expr, ir.Quantifier):
                counts.append((i, axis.expr))
        pairs: list[tuple[int, int]] = []
        for (i, p), (j, q) in itertools.permutations(counts, 2):
            if p.collection == q.collection and _conjuncts(q.where) <= _conjuncts(p.where):
                pairs.append((i, j))
        return pairs

    # ---------------------------------------------------------------- regions

    def regions(
        self,
        cells: Iterable[tuple[int, ...]],
        dont_care: Iterable[tuple[int, ...]] = (),
        *,
        most: int = 8,
    ) -> tuple[list[Region], bool]:
        """At most ``most`` boxes that together cover ``cells``, and whether they cover all.

        Each box is grown from the first cell not yet covered, one axis after
        the other, as far as it stays within ``cells`` and ``dont_care``
        (cells whose inclusion changes nothing the box is meant to say, such
        as infeasible ones): so a box is maximal, and boxes may overlap.
        """
        targets = sorted(set(cells))
        wanted = set(targets)
        allowed = wanted | set(dont_care)
        boxes: list[list[set[int]]] = []
        covered: set[tuple[int, ...]] = set()
        for seed in targets:
            if seed in covered:
                continue
            if len(boxes) == most:
                return _needed(boxes, wanted), False
            box = [{c} for c in seed]
            for axis, values in enumerate(box):
                for value in range(len(self.axes[axis].cells)):
                    if value in values:
                        continue
                    slice_ = list(itertools.product(*box[:axis], {value}, *box[axis + 1 :]))
                    if all(c in allowed for c in slice_) and any(c in wanted for c in slice_):
                        values.add(value)
            boxes.append(box)
            covered.update(itertools.product(*box))
        return _needed(boxes, wanted), True

    def describe(self, region: Region) -> str:
        """The region as a condition an analyst could write (``true``: everywhere)."""
        parts = [
            part
            for axis, cells in zip(self.axes, region, strict=True)
            if (part := _describe(axis, cells)) is not None
        ]
        if not parts:
            return "true"
        return format_expression(parts[0] if len(parts) == 1 else ir.And(tuple(parts)))


def _needed(boxes: list[list[set[int]]], wanted: set[tuple[int, ...]]) -> list[Region]:
    """``boxes`` without those whose wanted cells the others cover."""
    kept = list(boxes)
    for box in reversed(boxes):
        rest = [other for other in kept if other is not box]
        others = {cell for other in rest for cell in itertools.product(*other)}
        if all(cell in others for cell in itertools.product(*box) if cell in wanted):
            kept = rest
    return [tuple(frozenset(values) for values in box) for box in kept]


def _least(cell: _Cell) -> float:
    """The least whole value of a cell of a count (-inf when unbounded)."""
    if cell.low == -math.inf:
        return -math.inf
    return math.ceil(cell.low) if cell.low_closed else math.floor(cell.low) + 1


def _most(cell: _Cell) -> float:
    """The greatest whole value of a cell of a count (inf when unbounded)."""
    if cell.high == math.inf:
        return math.inf
    return math.floor(cell.high) if cell.high_closed else math.ceil(cell.high) - 1


def _conjuncts(where: ir.Expr | None) -> frozenset[str]:
    if where is None:
        return frozenset()
    items = where.items if isinstance(where, ir.And) else (where,)
    return frozenset(format_expression(ir.to_nnf(item)) for item in items)


def _describe(axis: _Axis, cells: frozenset[int]) -> ir.Expr | None:
    if len(cells) == len(axis.cells):
        return None
    expr = axis.expr
    known = cells & axis.known
    missing = len(known) < len(cells)
    part: ir.Expr | None
    if known == axis.known:
        part = ir.Known(expr)
    elif not known:
        part = None
    elif axis.operand.type in _NUMERIC:
        part = _ranges(axis, sorted(known))
    else:
        part = _values(axis, known)
    gone = ir.Known(expr, negated=True)
    if part is None:
        return gone
    return ir.Or((gone, part)) if missing else part


def _values(axis: _Axis, known: frozenset[int]) -> ir.Expr:
    chosen = [axis.cells[i].value for i in sorted(known)]
    others = [axis.cells[i].value for i in sorted(axis.known - known)]
    if OTHER in chosen or (len(others) < len(chosen) and OTHER not in others):
        items = tuple(ir.Literal(v) for v in others if isinstance(v, bool | str))
        if len(items) == 1:
            return ir.Compare("!=", axis.expr, items[0])
        return ir.In(axis.expr, ir.ListLiteral(items), negated=True)
    items = tuple(ir.Literal(v) for v in chosen if isinstance(v, bool | str))
    if len(items) == 1:
        return ir.Compare("==", axis.expr, items[0])
    return ir.In(axis.expr, ir.ListLiteral(items))


def _ranges(axis: _Axis, known: list[int]) -> ir.Expr:
    runs: list[list[int]] = []
    for index in known:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = [_range(axis, axis.cells[run[0]], axis.cells[run[-1]]) for run in runs]
    return parts[0] if len(parts) == 1 else ir.Or(tuple(parts))


def _range(axis: _Axis, first: _Cell, last: _Cell) -> ir.Expr:
    integral = axis.operand.type is FactType.INTEGER
    expr = axis.expr
    low, low_closed, high, high_closed = first.low, first.low_closed, last.high, last.high_closed
    if integral:  # whole bounds, both closed
        if low > -math.inf:
            low, low_closed = (low if low_closed else math.floor(low) + 1), True
        if high < math.inf:
            high, high_closed = (high if high_closed else math.ceil(high) - 1), True
    if low == high:
        return ir.Compare("==", expr, ir.Literal(_whole(low)))
    if axis.operand.minimum is not None and low <= axis.operand.minimum:
        low = -math.inf  # the declared range says the rest
    if axis.operand.maximum is not None and high >= axis.operand.maximum:
        high = math.inf
    bounds: list[ir.Expr] = []
    if low > -math.inf:
        bounds.append(ir.Compare(">=" if low_closed else ">", expr, ir.Literal(_whole(low))))
    if high < math.inf:
        bounds.append(ir.Compare("<=" if high_closed else "<", expr, ir.Literal(_whole(high))))
    if not bounds:
        return ir.Known(expr)
    return bounds[0] if len(bounds) == 1 else ir.And(tuple(bounds))
