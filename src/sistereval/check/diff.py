"""What changes between two versions of a rule set, on a set of cases.

``sistereval diff OLD NEW --cases DIR`` compares two rule sets: the rules
added, removed and changed (same id, a different condition, ``then`` or
messages, compared in canonical form so layout does not count), and, for each
case whose verdict or set of fired rules differs, the old and new verdict,
the findings gained and lost, and the rules responsible:

* a rule that fired differently and whose own definition was added, removed
  or changed is blamed on that definition;
* any other rule that fired differently (a verdict rule, typically) is blamed
  on the rules it depends on (through ``fired()``, ``derived.`` or
  ``findings``) that fired differently, or fired in both versions with a
  different ``then``;
* a rule that fired in both versions but whose ``then`` changed (a verdict
  rule deciding another verdict, a finding of another severity) is listed too.

Unchanged cases are counted, not listed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from .. import ir
from ..cases import load_case
from ..errors import CaseError, Problem, UsageError
from ..evaluation import Backend, evaluate
from ..language import format_expression, rule_set
from ..model import Case

__all__ = [
    "CaseChange",
    "Cause",
    "RuleChange",
    "RuleSetDiff",
    "case_files",
    "diff_rule_sets",
    "render_diff",
]


_SUFFIXES = (".yaml", ".yml", ".json")


@attrs.frozen(kw_only=True)
class RuleChange:
    """A rule added, removed or changed between the two rule sets.

    ``fields`` names what changed (``when``, ``then``, ``because``);
    ``old`` and ``new`` are the canonical forms of those fields.
    """

    id: str
    kind: str  # added | removed | changed
    fields: tuple[str, ...] = ()
    old: dict[str, str] = attrs.field(factory=dict)
    new: dict[str, str] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind}
        if self.kind == "changed":
            data.update(fields=list(self.fields), old=dict(self.old), new=dict(self.new))
        return data


@attrs.frozen(kw_only=True)
class Cause:
    """Why one rule's part in a case changed.

    ``effect`` is ``gained`` (fires now, did not before), ``lost`` (the
    reverse) or ``changed`` (fires in both, with a different ``then``);
    ``reason`` is ``added``, ``removed`` or ``changed`` (its own definition)
    or ``depends`` (``depends_on`` fired differently, or fired in both
    versions with a different ``then``).
    """

    rule: str
    effect: str
    reason: str
    depends_on: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "effect": self.effect,
            "reason": self.reason,
            "depends_on": list(self.depends_on),
        }

    def __str__(self) -> str:
        if self.reason == "depends":
            if not self.depends_on:
                return f"{self.rule} ({self.effect}): no changed rule it depends on was found"
            names = ", ".join(self.depends_on)
            return (
                f"{self.rule} ({self.effect}): it depends on {names}, which changed for this case"
            )
        if self.reason == "changed":
            return f"{self.rule} ({self.effect}): its definition changed"
        return f"{self.rule} ({self.effect}): the rule was {self.reason}"


@attrs.frozen(kw_only=True)
class CaseChange:
    """A case whose verdict or fired rules differ between the two rule sets."""

    case: str  # the case file, or the case id when no file was given
    case_id: str
    old_verdict: str
    new_verdict: str
    gained: tuple[str, ...]  # rules that fire with the new rule set only
    lost: tuple[str, ...]  # rules that fired with the old rule set only
    causes: tuple[Cause, ...]

    @property
    def verdict_changed(self) -> bool:
        return self.old_verdict != self.new_verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "case_id": self.case_id,
            "old_verdict": self.old_verdict,
            "new_verdict": self.new_verdict,
            "verdict_changed": self.verdict_changed,
            "gained": list(self.gained),
            "lost": list(self.lost),
            "causes": [cause.to_dict() for cause in self.causes],
        }


def _ref(ruleset: ir.RuleSet) -> dict[str, Any]:
    return {
        "id": ruleset.id,
        "version": ruleset.version,
        "file": ruleset.file,
        "sha256": ruleset.sha256,
    }


@attrs.frozen(kw_only=True)
class RuleSetDiff:
    """The differences between two rule sets, in their rules and on cases."""

    old: ir.RuleSet = attrs.field(repr=False)
    new: ir.RuleSet = attrs.field(repr=False)
    rules: tuple[RuleChange, ...]
    cases: tuple[CaseChange, ...]
    unchanged: int  # cases with the same verdict and the same fired rules

    @property
    def added(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rules if c.kind == "added")

    @property
    def removed(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rules if c.kind == "removed")

    @property
    def changed(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rules if c.kind == "changed")

    @property
    def total(self) -> int:
        return len(self.cases) + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": _ref(self.old),
            "new": _ref(self.new),
            "rules": {
                "added": [c.id for c in self.added],
                "removed": [c.id for c in self.removed],
                "changed": [c.to_dict() for c in self.changed],
            },
            "cases": [c.to_dict() for c in self.cases],
            "totals": {
                "cases": self.total,
                "changed": len(self.cases),
                "verdicts_changed": sum(c.verdict_changed for c in self.cases),
                "unchanged": self.unchanged,
            },
        }


# --------------------------------------------------------------------------
# comparing


def _then(then: ir.Then) -> str:
    if isinstance(then, ir.FindingThen):
        return f"{{finding: {then.kind}, factor: {then.factor}, severity: {then.severity}}}"
    if isinstance(then, ir.VerdictThen):
        return f"{{verdict: {then.verdict}}}"
    return f"{{derive: {then.name}}}"


def _canonical(rule: ir.Rule) -> dict[str, str]:
    return {
        "when": format_expression(rule.when),
        "then": _then(rule.then),
        "because": json.dumps(rule.because, sort_keys=True, ensure_ascii=False),
    }


def _rule_changes(old: ir.RuleSet, new: ir.RuleSet) -> tuple[RuleChange, ...]:
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    changes: list[RuleChange] = []
    for rule in new.rules:
        if rule.id not in old_rules:
            changes.append(RuleChange(id=rule.id, kind="added"))
            continue
        before, after = _canonical(old_rules[rule.id]), _canonical(rule)
        fields = tuple(name for name in before if before[name] != after[name])
        if fields:
            changes.append(
                RuleChange(
                    id=rule.id,
                    kind="changed",
                    fields=fields,
                    old={name: before[name] for name in fields},
                    new={name: after[name] for name in fields},
                )
            )
    changes.extend(RuleChange(id=r.id, kind="removed") for r in old.rules if r.id not in new_rules)
    return tuple(changes)


def _dependencies(rule: ir.Rule, rules: Sequence[ir.Rule]) -> list[str]:
    """The rules whose results ``rule``'s condition reads, in either version."""
    deps: list[str] = []
    for node in ir.walk(rule.when):
        if isinstance(node, ir.FiredRef):
            deps.append(node.rule)
        elif isinstance(node, ir.DerivedRef):
            deps.extend(
                r.id for r in rules if isinstance(r.then, ir.Derive) and r.then.name == node.name
            )
        elif isinstance(node, ir.Quantifier) and node.collection == "findings":
            deps.extend(r.id for r in rules if isinstance(r.then, ir.FindingThen))
    return [d for d in dict.fromkeys(deps) if d != rule.id]


def _causes(
    old: ir.RuleSet,
    new: ir.RuleSet,
    definitions: dict[str, RuleChange],
    old_fired: Sequence[str],
    new_fired: Sequence[str],
) -> tuple[Cause, ...]:
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    both = [r for r in old.rules if r.id in new_rules]
    # evaluation order: by stratum, the new rule set's rules first
    union = sorted(
        [*new.rules, *(r for r in old.rules if r.id not in new_rules)], key=lambda r: r.stratum
    )
    effects: dict[str, str] = {}
    for rid in old_fired:
        if rid not in new_fired:
            effects[rid] = "lost"
    for rid in new_fired:
        if rid not in old_fired:
            effects[rid] = "gained"
    for rule in both:
        change = definitions.get(rule.id)
        if rule.id in old_fired and rule.id in new_fired and change and "then" in change.fields:
            effects[rule.id] = "changed"
    causes: list[Cause] = []
    for rule in union:
        effect = effects.get(rule.id)
        if effect is None:
            continue
        change = definitions.get(rule.id)
        if change is not None:
            causes.append(Cause(rule=rule.id, effect=effect, reason=change.kind))
            continue
        current = new_rules.get(rule.id) or old_rules[rule.id]
        deps = tuple(d for d in _dependencies(current, union) if d in effects)
        causes.append(Cause(rule=rule.id, effect=effect, reason="depends", depends_on=deps))
    return tuple(causes)


def case_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The case files of ``paths``: a directory gives its ``*.yaml``, ``*.yml`` and
    ``*.json`` files, sorted by name; a file is taken as it is."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(
                sorted(
                    (p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES and p.is_file()),
                    key=lambda p: p.name,
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return files


def _labelled(cases: Iterable[Case | str | os.PathLike[str]]) -> Iterator[tuple[str, Case]]:
    """(label, case) for every case; all invalid case files are reported at once."""
    loaded: list[tuple[str, Case]] = []
    problems: list[Problem] = []
    for item in cases:
        if isinstance(item, Case):
            loaded.append((item.id, item))
            continue
        for path in case_files([item]):
            try:
                loaded.append((os.fspath(path), load_case(path, file=os.fspath(path))))
            except CaseError as exc:
                problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    yield from loaded


def diff_rule_sets(
    old: ir.RuleSet | str | os.PathLike[str],
    new: ir.RuleSet | str | os.PathLike[str],
    cases: Iterable[Case | str | os.PathLike[str]],
    *,
    backend: Backend | None = None,
) -> RuleSetDiff:
    """Compare two rule sets (loaded, shipped names or rule-file paths) on ``cases``:
    :class:`~sistereval.model.Case` objects, case files or directories of them.

    Raises :class:`~sistereval.errors.RuleError` for an invalid rule file and
    :class:`~sistereval.errors.CaseError` (with the problems of every invalid
    case file) for invalid cases.
    """
    old_rules, new_rules = rule_set(old), rule_set(new)
    rule_changes = _rule_changes(old_rules, new_rules)
    definitions = {c.id: c for c in rule_changes}
    changed: list[CaseChange] = []
    unchanged = 0
    for label, case in list(_labelled(cases)):
        before = evaluate(case, old_rules, backend=backend)
        after = evaluate(case, new_rules, backend=backend)
        old_fired = [f.rule for f in before.findings]
        new_fired = [f.rule for f in after.findings]
        if before.verdict == after.verdict and set(old_fired) == set(new_fired):
            unchanged += 1
            continue
        changed.append(
            CaseChange(
                case=label,
                case_id=case.id,
                old_verdict=before.verdict,
                new_verdict=after.verdict,
                gained=tuple(r for r in new_fired if r not in old_fired),
                lost=tuple(r for r in old_fired if r not in new_fired),
                causes=_causes(old_rules, new_rules, definitions, old_fired, new_fired),
            )
        )
    return RuleSetDiff(
        old=old_rules, new=new_rules, rules=rule_changes, cases=tuple(changed), unchanged=unchanged
    )


# --------------------------------------------------------------------------
# rendering


def _name(ruleset: ir.RuleSet) -> str:
    return f"{ruleset.id} {ruleset.version}"


def render_diff(diff: RuleSetDiff) -> str:
    """The text form of a diff, as ``sistereval diff`` prints it."""
    lines = [f"rules: {_name(diff.old)} → {_name(diff.new)}"]
    if not diff.rules:
        lines.append("  no rule changed")
    for change in diff.rules:
        if change.kind != "changed":
            lines.append(f"  {change.kind}: {change.id}")
            continue
        lines.append(f"  changed: {change.id} ({', '.join(change.fields)})")
        for field in change.fields:
            lines.append(f"    - {field}: {change.old[field]}")
            lines.append(f"    + {field}: {change.new[field]}")
    for case in diff.cases:
        lines.append(f"{case.case}: {case.old_verdict} → {case.new_verdict}")
        if case.gained:
            lines.append(f"  gained: {', '.join(case.gained)}")
        if case.lost:
            lines.append(f"  lost: {', '.join(case.lost)}")
        lines.extend(f"  because {cause}" for cause in case.causes)
    verdicts = sum(c.verdict_changed for c in diff.cases)
    lines.append(
        f"{diff.total} case(s): {len(diff.cases)} changed ({verdicts} verdict(s)), "
        f"{diff.unchanged} unchanged"
    )
    return "".join(f"{line}\n" for line in lines)
