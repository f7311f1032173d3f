"""The short text of one evaluation, as ``sistereval evaluate`` prints it.

In English or Indonesian (the evaluation's language).  ``--format json`` is
:meth:`sistereval.verdict.Evaluation.to_dict`, the decision record; this is for
reading.  The full report is :func:`sistereval.report.make_report`.
"""

from __future__ import annotations

from ..messages import LABELS, finding_tag, format_value, reference_lines
from ..verdict import Evaluation

__all__ = ["render_text"]


def render_text(evaluation: Evaluation, *, source: str | None = None) -> str:
    """A readable account of one evaluation, in the evaluation's language."""
    t = LABELS.get(evaluation.language, LABELS["en"])
    record = evaluation.to_dict()
    head = source or evaluation.case_id
    lines = [
        f"{head}: {t['verdict']} {t[evaluation.verdict]} "
        f"({t['confidence']} {evaluation.confidence:.2f})",
        f"  {t['case']} {evaluation.case_id} · {t['rules']} {evaluation.ruleset.id} "
        f"{evaluation.ruleset.version}",
        *reference_lines(evaluation.reference_date, t),
        f"  {t['deciding']}: {', '.join(evaluation.deciding) or t['none']}",
        f"  {t['findings']}:",
    ]
    for finding in evaluation.findings:
        lines.append(f"    - {finding.rule} [{finding_tag(finding, t)}]")
        lines.append(f"      {finding.message}")
        if finding.facts:
            facts = ", ".join(f"{k} = {format_value(v)}" for k, v in finding.facts.items())
            lines.append(f"      {t['facts']}: {facts}")
        if finding.sources:
            lines.append(f"      {t['sources']}: {', '.join(finding.sources)}")
    factors = record["factors"]
    lines.append(f"  {t['factors']} / {t['obstacles']}:")
    lines.append("    " + ", ".join(f"{k} {v:+g}" for k, v in factors.items()))
    lines.append(f"  {t['disputes']}:")
    if not evaluation.disputes:
        lines.append(f"    {t['none']}")
    for dispute in record["disputes"]:
        options = "; ".join(
            f"{format_value(a['value'])} ({', '.join(a['sources']) or '-'})"
            for a in dispute["alternatives"]
        )
        lines.append(
            f"    - {dispute['fact']}: {options} → {t['chosen']} {format_value(dispute['chosen'])}"
        )
    lines.append(f"  {t['not_fired']}: {len(evaluation.not_fired)} {t['json_hint']}")
    return "\n".join(lines) + "\n"
