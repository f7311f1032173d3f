"""The text of an explanation, as ``sistereval explain`` prints it, in its language."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..messages import EXPLAIN, LABELS, finding_tag, reference_lines, texts
from .certaintytext import render_certainty
from .counterfactual import render_counterfactual
from .disputes import render_disputes
from .why import Clause, Explanation, Miss, SourceRef, json_value, top_level

__all__ = ["render_explanation"]


def _show(value: object, t: Mapping[str, str]) -> str:
    if value is None:
        return t["unknown"]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v, t) for v in value) + "]"
    if isinstance(value, Mapping):
        return (
            "{" + ", ".join(f"{k}: {_show(v, t)}" for k, v in value.items() if v is not None) + "}"
        )
    return str(value)


def _actual(clause: Clause, t: Mapping[str, str]) -> str:
    actual = f" {t['versus']} ".join(_show(v, t) for v in clause.actual)
    return f"{actual} ({', '.join(clause.matched)})" if clause.matched else actual


def _clause_lines(clause: Clause, t: Mapping[str, str], indent: str) -> list[str]:
    truth = t["true"] if clause.holds else t["false"]
    if clause.kind in ("and", "or"):
        head = t["all_of"] if clause.kind == "and" else t["any_of"]
        lines = [f"{indent}{head} ({clause.kind}) → {truth}:"]
        for child in clause.children:
            lines.extend(_clause_lines(child, t, indent + "  "))
        return lines
    if clause.kind == "quantifier":
        key = "fail" if clause.quantifier == "all" else "match"
        count = t[key].format(n=clause.matches, total=clause.items)
        return [f"{indent}{clause.text}: {count} → {truth}"]
    if clause.actual:
        return [f"{indent}{clause.text}: {t['actual']} {_actual(clause, t)} → {truth}"]
    return [f"{indent}{clause.text} → {truth}"]


def _condition_lines(clause: Clause, t: Mapping[str, str], indent: str) -> list[str]:
    lines = []
    for top in top_level(clause):
        lines.extend(_clause_lines(top, t, indent))
    return lines


def _miss_lines(miss: Miss, t: Mapping[str, str], labels: Mapping[str, str]) -> list[str]:
    then = f"{labels['verdict']} → {labels[miss.verdict]}" if miss.verdict else miss.then
    near = t["nearness"].format(true=miss.clauses_true, total=miss.clauses)
    lines = [f"    - {miss.rule} [{then}] ({near})", f"      {miss.title}"]
    if miss.better_verdict:
        blocking = next((c for c in top_level(miss.condition) if not c.holds), miss.condition)
        shown = f": {t['actual']} {_actual(blocking, t)}" if blocking.actual else ""
        lines.append(f"      {t['blocked']} {blocking.text}{shown}")
    lines.extend(_condition_lines(miss.condition, t, "        "))
    return lines


def render_explanation(explanation: Explanation, *, case_file: str = "CASE") -> str:
    """A readable explanation, in the explanation's language (``case_file`` names
    the case in the ``whatif`` commands a counterfactual proposes)."""
    t = texts(EXPLAIN, explanation.language)
    labels = texts(LABELS, explanation.language)
    lines = [
        f"{explanation.case_id}: {labels['verdict']} {labels[explanation.verdict]} "
        f"({labels['confidence']} {explanation.confidence:.2f})",
        f"  {labels['rules']} {explanation.ruleset.id} {explanation.ruleset.version}"
        + (f" · {t['rule']} {explanation.rule}" if explanation.rule else ""),
    ]
    if explanation.evaluation is not None:
        lines.extend(reference_lines(explanation.evaluation.reference_date, labels))
    chain = [f for f in explanation.fired if f.in_chain]
    outside = [f for f in explanation.fired if not f.in_chain]
    cited: dict[str, SourceRef] = {}
    for title, group in ((t["chain"], chain), (t["outside_chain"], outside)):
        if not group and (title == t["outside_chain"] or explanation.rule):
            continue
        lines.append(f"  {title}:")
        if not group:
            lines.append(f"    {t['none']}")
        for step in group:
            finding = step.finding
            tag = finding_tag(finding, labels)
            if step.deciding:
                tag += f"; {t['deciding_rule']}"
            lines.append(f"    - {finding.rule} [{tag}]")
            lines.append(f"      {finding.message}")
            if step.uses:
                lines.append(f"      {t['uses']}: {', '.join(step.uses)}")
            if finding.facts:
                shown = ", ".join(
                    f"{k} = {_show(json_value(v), t)}" for k, v in finding.facts.items()
                )
                lines.append(f"      {t['facts']}: {shown}")
            if step.sources:
                lines.append(f"      {t['sources']}: {', '.join(s.id for s in step.sources)}")
                cited.update((s.id, s) for s in step.sources)
            if explanation.rule:
                lines.append(f"      {t['condition']}:")
                lines.extend(_condition_lines(step.condition, t, "        "))
    if cited:
        lines.append(f"  {t['cited']}:")
        for source in cited.values():
            mark = f" [{source.reliability}]" if source.reliability else ""
            lines.append(f"    {source.id}{mark}: {source.citation or '?'}")
    better = explanation.better
    others = [m for m in explanation.misses if not m.better_verdict]
    # No verdict yet (not assessable): a verdict rule would give one, not a better one.
    undecided = explanation.verdict not in explanation.scale
    heading = t["any_verdict"] if undecided else t["better"]
    for title, misses in ((heading, better), (t["others"], others)):
        if not misses and explanation.rule:
            continue
        lines.append(f"  {title}:")
        if not misses:
            lines.append(f"    {t['none']}")
        for miss in misses:
            lines.extend(_miss_lines(miss, t, labels))
    if explanation.rule is None:
        lines.extend(render_disputes(explanation.disputes, explanation.language, labels))
        evaluation = explanation.evaluation
        if evaluation is not None and evaluation.certainty is not None:
            lines.extend(
                render_certainty(
                    evaluation.certainty, evaluation.verdict, explanation.language, labels
                )
            )
    text = "\n".join(lines) + "\n"
    if explanation.counterfactual is not None:
        text += render_counterfactual(explanation.counterfactual, case_file=case_file)
    return text
