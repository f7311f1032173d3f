"""What if: change a few facts of a case and see what the evaluation does.

:func:`what_if` applies changes to the case's data (what
:func:`~sistereval.cases.case_to_dict` gives), loads the result again with
:func:`~sistereval.cases.load_case` so every change is validated like a case
file, and evaluates the case before and after.  The :class:`WhatIf` says how
the verdict moved, which findings were gained and lost, which factor scores
and how the confidence changed.

A change is ``PATH=VALUE``.  ``PATH`` addresses the case file's data:
``distance.km``, ``fields[1].status``, ``budget[0].earmarked``,
``assessments.shared_values.rating``; an item of a list may also be picked by
a key, ``fields[name=information technology].status`` or
``partners[id=namur].name``.  A key the model allows but the case leaves out
is created.  ``VALUE`` is a YAML scalar read by the safe reader (``true``,
``9000``, ``strong``, ``2018-09-05``; ``null`` clears an optional key).

>>> from sistereval.explanation import parse_change
>>> parse_change("fields[name=information technology].status=implemented")
('fields[name=information technology].status', 'implemented')
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import attrs

from .. import ir
from ..cases import as_case, case_to_dict, load_case
from ..cases import paths as _casepath
from ..cases.paths import CasePathError, show_value
from ..documents import read_document
from ..errors import CaseError, Problem, SisterevalError, UsageError
from ..evaluation import Backend, evaluate
from ..language import rule_set
from ..messages import CERTAINTY, LABELS, WHATIF, Language, closest, finding_tag, texts
from ..model import Case
from ..verdict import Evaluation, Finding
from .certaintytext import certainty_lines

__all__ = [
    "FactorChange",
    "WhatIf",
    "apply_changes",
    "parse_change",
    "render_whatif",
    "what_if",
]

Changes: TypeAlias = "Mapping[str, object] | Sequence[tuple[str, object]]"


# --------------------------------------------------------------------------
# Changes: parsing and applying.


def parse_change(text: str) -> tuple[str, object]:
    """``"PATH=VALUE"`` -> ``(PATH, value)``; the value is read as a YAML scalar.

    The ``=`` that separates them is the first one outside brackets, so
    ``fields[name=x].status=implemented`` splits after ``status``.
    """
    depth = 0
    for i, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "=" and depth == 0:
            path, raw = text[:i].strip(), text[i + 1 :].strip()
            if not path:
                break
            try:
                value = read_document(raw, file=f"--set {text}").data
            except SisterevalError as exc:
                raise UsageError(f"--set {text}: the value is not valid YAML: {exc}") from None
            if isinstance(value, (dict, list)):
                raise UsageError(f"--set {text}: the value must be a single value, not {raw!r}")
            return path, value
    raise UsageError(f"--set {text}: expected PATH=VALUE, such as fields[1].status=implemented")


def _label(path: str, value: object) -> str:
    return f"--set {path}={show_value(value)}"


def _set(data: dict[str, Any], path: str, value: object) -> str:
    """Set ``path`` to ``value`` in ``data``; return it with indexes (``fields[1].status``)."""
    parts = _casepath.segments(path)
    node = _casepath.resolve(_casepath.root())
    holder: Any = data
    where = ""
    for n, (kind, part) in enumerate(parts):
        last = n == len(parts) - 1
        if kind == "key":
            assert isinstance(part, str)
            node = _casepath.child(node, part, where)
            if not isinstance(holder, dict):  # pragma: no cover - the schema said mapping
                raise CasePathError(f"{where} is not a mapping")
            where = f"{where}.{part}" if where else part
            if last:
                if value is None:
                    holder.pop(part, None)
                else:
                    holder[part] = value
                return where
            if part not in holder or holder[part] is None:
                if _casepath.kind(node) == "array":
                    raise CasePathError(f"{where} has no items")
                holder[part] = {}
            holder = holder[part]
            continue
        if _casepath.kind(node) != "array" or not isinstance(holder, list):
            raise CasePathError(f"{where} is not a list")
        if kind == "each":
            raise CasePathError(f"{where}[*] stands for every item; name one, such as {where}[0]")
        if kind == "index":
            assert isinstance(part, int)
            if part >= len(holder):
                count = f"0 to {len(holder) - 1}" if holder else "none"
                raise CasePathError(f"{where}[{part}] does not exist ({where} has items {count})")
            index = part
        else:
            assert isinstance(part, tuple)
            key, want = str(part[0]), str(part[1])
            found = [i for i, item in enumerate(holder) if isinstance(item, dict) and key in item]
            if not found:
                raise CasePathError(f"no item of {where} has the key {key!r}")
            matches = [i for i in found if show_value(holder[i][key]) == want]
            if not matches:
                names = [show_value(holder[i][key]) for i in found]
                near = closest(want, names)
                hint = f"did you mean {near!r}?" if near else f"one of: {', '.join(names)}"
                raise CasePathError(f"no item of {where} has {key} {want!r}", hint)
            index = matches[0]
        where = f"{where}[{index}]"
        node = _casepath.resolve(node["items"])
        if last:
            holder[index] = value
            return where
        holder = holder[index]
    return where  # pragma: no cover - the loop returns at the last segment


def _as_pairs(changes: Changes) -> list[tuple[str, object]]:
    if isinstance(changes, Mapping):
        return [(str(k), v) for k, v in changes.items()]
    return [(str(k), v) for k, v in changes]


def apply_changes(case: Case, changes: Changes) -> Case:
    """A new case: ``case`` with ``changes`` applied and validated (``case`` is unchanged).

    A path that does not exist raises :class:`~sistereval.errors.UsageError`
    (with a did-you-mean over the keys at that level); a value the case model
    refuses raises :class:`~sistereval.errors.CaseError` whose problems name
    the change (``--set fields[0].status=done: bad-enum: ...``).
    """
    pairs = _as_pairs(changes)
    if not pairs:
        raise UsageError("no change given; use --set PATH=VALUE")
    data = case_to_dict(case)
    placed: list[tuple[str, str]] = []
    for path, value in pairs:
        label = _label(path, value)
        try:
            placed.append((_set(data, path, value), label))
        except CasePathError as exc:
            raise UsageError(f"{label}: {exc}") from None
    try:
        return load_case(data)
    except CaseError as exc:
        raise CaseError(_relabel(problem, placed) for problem in exc.problems) from None


def _relabel(problem: Problem, placed: Sequence[tuple[str, str]]) -> Problem:
    """Name the change behind a problem as its ``file``: the one whose path it is under."""
    where = problem.location.path
    owners = [
        (len(path), label)
        for path, label in placed
        if where == path
        or where.startswith((path + ".", path + "["))
        or path.startswith((where + ".", where + "["))
    ]
    label = max(owners)[1] if owners else ", ".join(label for _, label in placed)
    return attrs.evolve(problem, location=attrs.evolve(problem.location, file=label))


# --------------------------------------------------------------------------
# The comparison.


@attrs.frozen(kw_only=True)
class FactorChange:
    """A factor or obstacle-group score that moved."""

    factor: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "before": self.before,
            "after": self.after,
            "delta": self.delta,
        }


def _brief(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "kind": finding.kind,
        "factor": finding.factor,
        "severity": finding.severity,
        "verdict": finding.verdict,
        "message": finding.message,
    }


@attrs.frozen(kw_only=True)
class WhatIf:
    """An evaluation before and after some changes to the case.

    ``changes`` are ``(path, value)`` with the path as given; ``gained`` and
    ``lost`` are the findings that fired only after, or only before, the
    changes (in rule-set order); ``factors`` the scores that moved.
    """

    changes: tuple[tuple[str, object], ...]
    before: Evaluation
    after: Evaluation
    scale: tuple[str, ...]

    @property
    def language(self) -> str:
        return self.after.language

    @property
    def verdict_change(self) -> str:
        """``better``, ``worse`` or ``same``: where the verdict moved on the rule set's scale.

        ``not_assessable`` counts as worse than every verdict on the scale.
        """
        rank = {name: i for i, name in enumerate(self.scale)}
        worst = len(self.scale)
        old = rank.get(self.before.verdict, worst)
        new = rank.get(self.after.verdict, worst)
        return "same" if old == new else "better" if new < old else "worse"

    @property
    def gained(self) -> tuple[Finding, ...]:
        old = {f.rule for f in self.before.findings}
        return tuple(f for f in self.after.findings if f.rule not in old)

    @property
    def lost(self) -> tuple[Finding, ...]:
        new = {f.rule for f in self.after.findings}
        return tuple(f for f in self.before.findings if f.rule not in new)

    @property
    def factors(self) -> tuple[FactorChange, ...]:
        names = dict.fromkeys([*self.before.factors, *self.after.factors])
        changes = (
            FactorChange(
                factor=name,
                before=self.before.factors.get(name, 0.0),
                after=self.after.factors.get(name, 0.0),
            )
            for name in names
        )
        return tuple(c for c in changes if c.delta)

    @property
    def confidence_change(self) -> float:
        return round(self.after.confidence - self.before.confidence, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.after.case_id,
            "changes": [
                {"path": path, "value": _json_value(value)} for path, value in self.changes
            ],
            "verdict": {
                "before": self.before.verdict,
                "after": self.after.verdict,
                "change": self.verdict_change,
            },
            "confidence": {
                "before": self.before.confidence,
                "after": self.after.confidence,
                "change": self.confidence_change,
            },
            "findings_gained": [_brief(f) for f in self.gained],
            "findings_lost": [_brief(f) for f in self.lost],
            "factors": [c.to_dict() for c in self.factors],
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "language": self.language,
        }


def _json_value(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return show_value(value)


def what_if(
    case: Case | str | os.PathLike[str] | Mapping[str, Any],
    changes: Changes,
    rules: ir.RuleSet | str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    language: Language = "en",
    backend: Backend | None = None,
) -> WhatIf:
    """Evaluate ``case`` as it is and with ``changes`` applied (see :func:`apply_changes`).

    ``changes`` maps paths to values (``{"distance.km": 9000}``) or is a
    sequence of ``(path, value)`` pairs, applied in order.  ``case`` and
    ``rules`` and ``backend`` are taken as by :func:`~sistereval.evaluation.evaluate`.
    """
    the_case = as_case(case)
    ruleset = rule_set(rules)
    pairs = tuple(_as_pairs(changes))
    changed = apply_changes(the_case, pairs)
    return WhatIf(
        changes=pairs,
        before=evaluate(the_case, ruleset, language=language, backend=backend),
        after=evaluate(changed, ruleset, language=language, backend=backend),
        scale=ruleset.scale,
    )


# --------------------------------------------------------------------------
# Text.


def _number(value: float) -> str:
    return f"{value:+g}"


_ROBUST = {"always": "robust_always", "depends": "robust_depends", "unknown-limit": "robust_limit"}


def _certainty_lines(result: WhatIf, labels: Mapping[str, str]) -> list[str]:
    """The certainty before and after, and what would flip the verdict after."""
    before, after = result.before.certainty, result.after.certainty
    if before is None or after is None:
        return []
    c = texts(CERTAINTY, result.language)
    lines = [
        f"  {c['change']}: {c[before.grade]} → {c[after.grade]}; "
        f"{c[_ROBUST[before.robust.status]]} → {c[_ROBUST[after.robust.status]]}"
    ]
    if after.robust.status != "always":
        # the robustness line, and the alternatives with another verdict under it
        details = certainty_lines(after, result.after.verdict, result.language, labels)
        lines.append(f"    {details[1][1]}")
        for depth, text in details[2:]:
            if depth == 0:
                break
            lines.append(f"      - {text}")
    return lines


def render_whatif(result: WhatIf) -> str:
    """A readable account of a what-if, in its language."""
    t = WHATIF.get(result.language, WHATIF["en"])
    labels = LABELS.get(result.language, LABELS["en"])
    before, after = result.before, result.after
    lines = [f"{after.case_id}: {t['what_if']}", f"  {t['changes']}:"]
    lines.extend(f"    {path} = {show_value(value)}" for path, value in result.changes)
    lines.append(
        f"  {labels['verdict']}: {labels[before.verdict]} → {labels[after.verdict]} "
        f"({t[result.verdict_change]})"
    )
    lines.append(
        f"  {labels['confidence']}: {before.confidence:.2f} → {after.confidence:.2f} "
        f"({_number(result.confidence_change)})"
    )
    lines.extend(_certainty_lines(result, labels))
    for title, mark, findings in (
        (t["gained"], "+", result.gained),
        (t["lost"], "-", result.lost),
    ):
        lines.append(f"  {title}:")
        if not findings:
            lines.append(f"    {t['none']}")
        for finding in findings:
            tag = finding_tag(finding, labels)
            lines.append(f"    {mark} {finding.rule} [{tag}]")
            lines.append(f"      {finding.message}")
    lines.append(f"  {t['factor_changes']}:")
    if not result.factors:
        lines.append(f"    {t['none']}")
    lines.extend(
        f"    {c.factor}: {_number(c.before)} → {_number(c.after)} ({_number(c.delta)})"
        for c in result.factors
    )
    return "\n".join(lines) + "\n"
