"""Strata: the order in which rules can see each other's results.

A rule that refers to ``fired("r")`` or ``derived.x`` runs in a higher
stratum than ``r`` and every rule deriving ``x``; a rule that quantifies over
``findings`` runs above every finding rule that does not itself (through its
references) depend on findings.  A cycle of references is an error.
Everything here is iterative: a chain of thousands of rules cannot exhaust
the interpreter's stack.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .. import ir
from ..errors import Problem

__all__ = ["assign_strata"]


def assign_strata(rules: Sequence[ir.Rule]) -> tuple[tuple[ir.Rule, ...], list[Problem]]:
    """The rules with their ``stratum``, ordered by stratum then position; and any cycles."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    derivers: dict[str, list[int]] = {}
    for i, rule in enumerate(rules):
        if isinstance(rule.then, ir.Derive):
            derivers.setdefault(rule.then.name, []).append(i)
    deps = [sorted(_dependencies(rule, index, derivers)) for rule in rules]
    order, problems = _topological(rules, deps, derivers)
    uses = [
        any(isinstance(n, ir.Quantifier) and n.collection == "findings" for n in ir.walk(r.when))
        for r in rules
    ]
    on_findings = [False] * len(rules)
    for i in order:
        on_findings[i] = uses[i] or any(on_findings[d] for d in deps[i])
    stratum = [0] * len(rules)
    for i in order:
        if not on_findings[i]:
            stratum[i] = _above(deps[i], stratum)
    base = [
        stratum[i]
        for i, rule in enumerate(rules)
        if isinstance(rule.then, ir.FindingThen) and not on_findings[i]
    ]
    above_findings = max(base) + 1 if base else 0
    for i in order:
        if on_findings[i]:
            floor = above_findings if uses[i] else 0
            stratum[i] = max(floor, _above(deps[i], stratum))
    ordered = sorted(range(len(rules)), key=lambda i: (stratum[i], i))
    return tuple(attrs.evolve(rules[i], stratum=stratum[i]) for i in ordered), problems


def _above(deps: list[int], stratum: list[int]) -> int:
    return max((stratum[d] + 1 for d in deps), default=0)


def _dependencies(rule: ir.Rule, index: dict[str, int], derivers: dict[str, list[int]]) -> set[int]:
    found: set[int] = set()
    for node in ir.walk(rule.when):
        if isinstance(node, ir.FiredRef) and node.rule in index:
            found.add(index[node.rule])
        elif isinstance(node, ir.DerivedRef):
            found.update(derivers.get(node.name, ()))
    return found


def _topological(
    rules: Sequence[ir.Rule], deps: list[list[int]], derivers: dict[str, list[int]]
) -> tuple[list[int], list[Problem]]:
    """A dependency-first order of all rules; rules on a cycle are reported and cut loose."""
    waiting = [len(d) for d in deps]
    users: list[list[int]] = [[] for _ in rules]
    for i, dep_list in enumerate(deps):
        for d in dep_list:
            users[d].append(i)
    done = [False] * len(rules)
    order: list[int] = []
    problems: list[Problem] = []
    ready = [i for i, count in enumerate(waiting) if count == 0]

    def take(i: int) -> None:
        """Order rule ``i`` and release the rules that waited only for it."""
        done[i] = True
        order.append(i)
        for user in users[i]:
            waiting[user] -= 1
            if waiting[user] == 0 and not done[user]:
                ready.append(user)

    while True:
        while ready:
            take(ready.pop())
        stuck = [i for i in range(len(rules)) if not done[i]]
        if not stuck:
            return order, problems
        cycle = _cycle(stuck[0], deps, done)
        problems.append(_cycle_problem(rules, cycle, derivers))
        for i in cycle:  # cut the cycle loose so the rest can be ordered
            take(i)


def _cycle(start: int, deps: list[list[int]], done: list[bool]) -> list[int]:
    """A cycle among the unfinished rules reached from ``start``, beginning at its first rule."""
    seen: dict[int, int] = {}
    path: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(d for d in deps[node] if not done[d])
    cycle = path[seen[node] :]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def _cycle_problem(
    rules: Sequence[ir.Rule], cycle: list[int], derivers: dict[str, list[int]]
) -> Problem:
    chain = " -> ".join(repr(rules[i].id) for i in (*cycle, cycle[0]))
    head, target = rules[cycle[0]], cycle[1 % len(cycle)]
    loc = head.loc
    for node in ir.walk(head.when):
        if (isinstance(node, ir.FiredRef) and node.rule == rules[target].id) or (
            isinstance(node, ir.DerivedRef) and target in derivers.get(node.name, ())
        ):
            loc = node.loc
            break
    return Problem(
        code="rule-cycle",
        message=f"rules depend on each other: {chain}",
        location=loc,
        suggestion="a rule cannot depend on its own result, directly or through others",
    )
