"""Rule files that exhaust a limit (issue 18, item 6), written from one template.

Shared by ``tests/test_exhaustion.py`` and ``benchmarks/exhaustion.py``.
"""

from __future__ import annotations

HEAD = """format: sistereval/rules@1
id: {id}
version: "1"
title: t
description: t
languages: [en]
verdicts: {{scale: [success, partial, failure], policy: worst}}
factors: [shared_values]
obstacle_groups: [distance]
"""
RULE = """  - id: {id}
    title: t
    when: '{when}'
    then: {{finding: risk, factor: shared_values, severity: low}}
    because: {{en: "x"}}
    source: "s"
"""
#: Integer facts of the schema, for conditions over many facts.
FACTS = (
    "fields.agreed",
    "fields.implemented",
    "fields.partial",
    "fields.planned",
    "fields.discontinued",
    "activities.count",
    "sectors.count",
    "budget.lines",
    "leadership.changes",
    "milestones.visits",
)


def in_list(fact: str, n: int, start: int = 0) -> str:
    """``fact in [start, ..., start + n - 1]``: ``n`` alternatives once expanded."""
    return f"{fact} in [{', '.join(str(start + i) for i in range(n))}]"


#: 31 * 32 alternatives on each side of an `and`: 984,064 combinations once expanded.
BOMB = (
    f"({in_list(FACTS[0], 31)} and {in_list(FACTS[1], 32)} or partnership.renewals == 1) and "
    f"({in_list(FACTS[2], 31)} and {in_list(FACTS[3], 32)} or partnership.renewals == 2)"
)


def rule_file(rule_id: str, *conditions: str, extends: str | None = None, ids: str = "r") -> str:
    """A rule file ``rule_id`` with one rule per condition (ids ``{ids}0``, ``{ids}1``, ...)."""
    text = HEAD.format(id=rule_id)
    if extends is not None:
        text += f"extends: {extends}\n"
    text += "rules:\n"
    return text + "".join(
        RULE.format(id=f"{ids}{i}", when=when) for i, when in enumerate(conditions)
    )
