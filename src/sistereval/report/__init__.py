"""Reports for people: the terminal (rich), Markdown and self-contained HTML, and the
short text of one evaluation; and the comparison of many cases.

:func:`make_report` evaluates and explains a case, with its counterfactuals and
the verdict under each disputed value; :func:`build_report` assembles a
:class:`Report` once (verdict and confidence, factor and obstacle-group scores,
timeline, findings with sources, rules that did not fire, counterfactuals,
disputes, bibliography); :func:`render_terminal`, :func:`render_markdown` and
:func:`render_html` render it in its language (``en`` or ``id``).
:func:`render_text` is what ``sistereval evaluate`` prints.  Documented in
``docs/reports.md``.  :func:`comparison_entries` reads and evaluates the cases of a
directory, a register or a batch result (:func:`is_comparison` says whether an
argument names one), :func:`build_comparison` compares them in a
:class:`ComparisonReport`, and :func:`render_comparison_terminal`,
:func:`render_comparison_markdown` and :func:`render_comparison_html` render it.
The names below are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .assemble import make_report
    from .compare import ComparisonReport, build_comparison, report_names
    from .compare_html import render_comparison_html
    from .compare_markdown import render_comparison_markdown
    from .compare_terminal import render_comparison_terminal
    from .html import render_html
    from .inputs import comparison_entries, is_comparison
    from .markdown import render_markdown
    from .model import Report, build_report
    from .summary import render_text
    from .terminal import render_terminal

_NAMES = {
    "ComparisonReport": "compare",
    "Report": "model",
    "build_comparison": "compare",
    "comparison_entries": "inputs",
    "is_comparison": "inputs",
    "render_comparison_html": "compare_html",
    "render_comparison_markdown": "compare_markdown",
    "render_comparison_terminal": "compare_terminal",
    "report_names": "compare",
    "build_report": "model",
    "make_report": "assemble",
    "render_html": "html",
    "render_markdown": "markdown",
    "render_terminal": "terminal",
    "render_text": "summary",
}
__all__ = [
    "ComparisonReport",
    "Report",
    "build_comparison",
    "build_report",
    "comparison_entries",
    "is_comparison",
    "make_report",
    "render_comparison_html",
    "render_comparison_markdown",
    "render_comparison_terminal",
    "render_html",
    "render_markdown",
    "render_terminal",
    "render_text",
    "report_names",
]
__getattr__, __dir__ = exports(__name__, _NAMES)
