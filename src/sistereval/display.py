"""What a notebook shows of an evaluation, an explanation and a comparison of cases.

Jupyter calls ``_repr_html_`` and ``_repr_markdown_`` on the last value of a cell;
:class:`~sistereval.verdict.Evaluation`, :class:`~sistereval.verdict.Comparison` and
:class:`~sistereval.explanation.Explanation` answer with the functions here.  They
work on plain data (:class:`EvaluationView`), so that this module depends on nothing
but the texts (:mod:`sistereval.messages`) and the escaping (:mod:`sistereval.safety`):
every text goes through :func:`~sistereval.safety.html_text` or
:func:`~sistereval.safety.markdown_text`, and a whole HTML fragment through
:func:`~sistereval.safety.visible_text`.  The views are short: the verdict, the
findings, the scores; never the rules that did not fire or a counterfactual search.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence

import attrs

from .messages import EXPLAIN, LABELS, NOTEBOOK, REPORT, finding_tag
from .safety import html_text, markdown_text, plain_text, visible_text

__all__ = [
    "EvaluationView",
    "ExplanationView",
    "FindingView",
    "MissView",
    "comparison_html",
    "comparison_markdown",
    "evaluation_html",
    "evaluation_markdown",
    "explanation_html",
    "explanation_markdown",
]

_STYLE = "border-collapse:collapse;text-align:left"
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"


@attrs.frozen(kw_only=True)
class FindingView:
    rule: str
    kind: str
    factor: str | None
    severity: str | None
    verdict: str | None
    message: str
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True)
class EvaluationView:
    """What the displays show of one evaluation."""

    case_id: str
    verdict: str
    confidence: float
    ruleset: str  # "core 1.0.0"
    deciding: tuple[str, ...]
    findings: tuple[FindingView, ...]
    factors: Mapping[str, float]
    disputes: int
    language: str


@attrs.frozen(kw_only=True)
class MissView:
    """A rule for a better verdict that did not fire, and the clause that stopped it."""

    rule: str
    verdict: str | None
    clauses_true: int
    clauses: int
    blocking: str


@attrs.frozen(kw_only=True)
class ExplanationView:
    """What the displays show of an explanation: the evaluation, its deciding chain,
    the nearest rules for a better verdict, and how many other rules did not fire."""

    evaluation: EvaluationView
    chain: tuple[FindingView, ...]
    better: tuple[MissView, ...]
    others: int
    counterfactual: str | None  # its text, when one was searched


def _texts(language: str) -> Mapping[str, str]:
    return ChainMap(
        dict(NOTEBOOK.get(language, NOTEBOOK["en"])),
        dict(EXPLAIN.get(language, EXPLAIN["en"])),
        dict(REPORT.get(language, REPORT["en"])),
        dict(LABELS.get(language, LABELS["en"])),
    )


def _name(t: Mapping[str, str], prefix: str, value: str) -> str:
    return t.get(f"{prefix}.{value}") or value.replace("_", " ")


def _score(value: float) -> str:
    return f"{value:g}"


def _headline(view: EvaluationView, t: Mapping[str, str]) -> tuple[str, str, list[str]]:
    """The case, the verdict's name, and the facts about it (confidence, rules, deciding)."""
    about = [
        f"{t['confidence']} {view.confidence:.2f}",
        f"{t['rule_set']} {view.ruleset}",
    ]
    if view.deciding:
        about.append(f"{t['deciding']} {', '.join(view.deciding)}")
    return view.case_id, t.get(view.verdict, view.verdict), about


def _scores(view: EvaluationView, t: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(_name(t, "factor", name), _score(score)) for name, score in view.factors.items()]


# --------------------------------------------------------------------------
# HTML.


def _row(cells: Sequence[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f'<{tag} style="{_CELL}">{c}</{tag}>' for c in cells) + "</tr>"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    body = "".join(_row(r) for r in rows)
    return f'<table style="{_STYLE}"><thead>{_row(head, "th")}</thead><tbody>{body}</tbody></table>'


def evaluation_html(view: EvaluationView) -> str:
    """A short HTML fragment: the verdict, the findings and the scores."""
    t = _texts(view.language)
    case, verdict, about = _headline(view, t)
    out = [
        '<div class="sistereval-evaluation">',
        f"<p><strong>{html_text(case)}</strong>: {html_text(t['verdict'])} "
        f"<strong>{html_text(verdict)}</strong> ({html_text(' · '.join(about))})</p>",
    ]
    if view.findings:
        head = [t["rule"], t["finding"], t["message"], t["sources"]]
        rows = [
            [
                f"<code>{html_text(f.rule)}</code>",
                html_text(finding_tag(f, t)),
                html_text(f.message),
                html_text(", ".join(f.sources)),
            ]
            for f in view.findings
        ]
        out.append(_table([html_text(h) for h in head], rows))
    else:
        out.append(f"<p>{html_text(t['no_findings'])}</p>")
    scores = _scores(view, t)
    if scores:
        out.append(_table([html_text(name) for name, _ in scores], [[s for _, s in scores]]))
    if view.disputes:
        out.append(f"<p>{html_text(t['disputed'].format(count=view.disputes))}</p>")
    out.append(f'<p style="color:#616161">{html_text(t["explain_hint"])}</p>')
    out.append("</div>")
    return visible_text("\n".join(out))


def comparison_html(views: Sequence[EvaluationView], language: str) -> str:
    """One row per case: its verdict, confidence and scores."""
    t = _texts(language)
    names = list(dict.fromkeys(name for view in views for name in view.factors))
    head = [t["case"], t["verdict"], t["confidence"], *(_name(t, "factor", n) for n in names)]
    rows = [
        [
            html_text(view.case_id),
            f"<strong>{html_text(t.get(view.verdict, view.verdict))}</strong>",
            f"{view.confidence:.2f}",
            *(_score(view.factors[n]) if n in view.factors else "" for n in names),
        ]
        for view in views
    ]
    caption = html_text(t["cases"].format(count=len(views)))
    return visible_text(
        f'<div class="sistereval-comparison"><p>{caption}</p>'
        + _table([html_text(h) for h in head], rows)
        + "</div>"
    )


def _miss_cells(miss: MissView, t: Mapping[str, str]) -> tuple[str, str, str, str]:
    verdict = t.get(miss.verdict, miss.verdict) if miss.verdict else ""
    near = t["nearness"].format(true=miss.clauses_true, total=miss.clauses)
    return miss.rule, verdict, near, miss.blocking


def explanation_html(view: ExplanationView) -> str:
    """The evaluation's headline, the deciding chain, and the nearest rules for a
    better verdict with the clause that blocked each."""
    t = _texts(view.evaluation.language)
    case, verdict, about = _headline(view.evaluation, t)
    out = [
        '<div class="sistereval-explanation">',
        f"<p><strong>{html_text(case)}</strong>: {html_text(t['verdict'])} "
        f"<strong>{html_text(verdict)}</strong> ({html_text(' · '.join(about))})</p>",
        f"<p>{html_text(t['chain'])}</p>",
    ]
    if view.chain:
        rows = [
            [
                f"<code>{html_text(f.rule)}</code>",
                html_text(finding_tag(f, t)),
                html_text(f.message),
            ]
            for f in view.chain
        ]
        out.append(_table([html_text(t[k]) for k in ("rule", "finding", "message")], rows))
    else:
        out.append(f"<p>{html_text(t['none'])}</p>")
    out.append(f"<p>{html_text(t['better'])}</p>")
    if view.better:
        head = [t["rule"], t["verdict"], t["clauses_head"], t["blocked"]]
        rows = []
        for miss in view.better:
            rule, verdict_name, near, blocking = _miss_cells(miss, t)
            rows.append(
                [
                    f"<code>{html_text(rule)}</code>",
                    html_text(verdict_name),
                    html_text(near),
                    f"<code>{html_text(blocking)}</code>",
                ]
            )
        out.append(_table([html_text(h) for h in head], rows))
    else:
        out.append(f"<p>{html_text(t['none'])}</p>")
    out.append(f"<p>{html_text(t['others'])}: {view.others}</p>")
    if view.counterfactual is not None:
        out.append(f"<pre>{html_text(view.counterfactual)}</pre>")
    out.append("</div>")
    return visible_text("\n".join(out))


# --------------------------------------------------------------------------
# Markdown.


def _md_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _md(text: str) -> str:
    return markdown_text(plain_text(text))


def _code(text: str) -> str:
    return "`" + plain_text(text).replace("`", "'").replace("|", "\\|") + "`"


def evaluation_markdown(view: EvaluationView) -> str:
    """The Markdown of :func:`evaluation_html`."""
    t = _texts(view.language)
    case, verdict, about = _headline(view, t)
    out = [f"**{_md(case)}**: {_md(t['verdict'])} **{_md(verdict)}** ({_md(' · '.join(about))})"]
    out.append("")
    if view.findings:
        head = [_md(t[k]) for k in ("rule", "finding", "message", "sources")]
        rows = [
            [
                _code(f.rule),
                _md(finding_tag(f, t)),
                _md(f.message),
                _md(", ".join(f.sources)),
            ]
            for f in view.findings
        ]
        out += _md_table(head, rows)
    else:
        out.append(_md(t["no_findings"]))
    scores = _scores(view, t)
    if scores:
        out += ["", *_md_table([_md(n) for n, _ in scores], [[s for _, s in scores]])]
    if view.disputes:
        out += ["", _md(t["disputed"].format(count=view.disputes))]
    out += ["", "*" + _md(t["explain_hint"]) + "*"]
    return "\n".join(out) + "\n"


def comparison_markdown(views: Sequence[EvaluationView], language: str) -> str:
    """The Markdown of :func:`comparison_html`."""
    t = _texts(language)
    names = list(dict.fromkeys(name for view in views for name in view.factors))
    head = [t["case"], t["verdict"], t["confidence"], *(_name(t, "factor", n) for n in names)]
    rows = [
        [
            _md(view.case_id),
            "**" + _md(t.get(view.verdict, view.verdict)) + "**",
            f"{view.confidence:.2f}",
            *(_score(view.factors[n]) if n in view.factors else "" for n in names),
        ]
        for view in views
    ]
    lines = [_md(t["cases"].format(count=len(views))), "", *_md_table([_md(h) for h in head], rows)]
    return "\n".join(lines) + "\n"


def explanation_markdown(view: ExplanationView) -> str:
    """The Markdown of :func:`explanation_html`."""
    t = _texts(view.evaluation.language)
    case, verdict, about = _headline(view.evaluation, t)
    out = [f"**{_md(case)}**: {_md(t['verdict'])} **{_md(verdict)}** ({_md(' · '.join(about))})"]
    out += ["", _md(t["chain"]), ""]
    if view.chain:
        rows = [[_code(f.rule), _md(finding_tag(f, t)), _md(f.message)] for f in view.chain]
        out += _md_table([_md(t[k]) for k in ("rule", "finding", "message")], rows)
    else:
        out.append(_md(t["none"]))
    out += ["", _md(t["better"]), ""]
    if view.better:
        rows = []
        for miss in view.better:
            rule, verdict_name, near, blocking = _miss_cells(miss, t)
            rows.append([_code(rule), _md(verdict_name), _md(near), _code(blocking)])
        out += _md_table([_md(t[k]) for k in ("rule", "verdict", "clauses_head", "blocked")], rows)
    else:
        out.append(_md(t["none"]))
    out += ["", f"{_md(t['others'])}: {view.others}"]
    if view.counterfactual is not None:
        fence = "~~~~"
        while fence in view.counterfactual:
            fence += "~"
        out += ["", f"{fence}text", plain_text(view.counterfactual).rstrip("\n"), fence]
    return "\n".join(out) + "\n"
