"""Reports for people: the terminal (rich), Markdown and self-contained HTML, and the
short text of one evaluation.

:func:`make_report` evaluates and explains a case, with its counterfactuals and
the verdict under each disputed value; :func:`build_report` assembles a
:class:`Report` once (verdict and confidence, factor and obstacle-group scores,
timeline, findings with sources, rules that did not fire, counterfactuals,
disputes, bibliography); :func:`render_terminal`, :func:`render_markdown` and
:func:`render_html` render it in its language (``en`` or ``id``).
:func:`render_text` is what ``sistereval evaluate`` prints.  Documented in
``docs/reports.md``.  The names below are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .assemble import make_report
    from .html import render_html
    from .markdown import render_markdown
    from .model import Report, build_report
    from .summary import render_text
    from .terminal import render_terminal

_NAMES = {
    "Report": "model",
    "build_report": "model",
    "make_report": "assemble",
    "render_html": "html",
    "render_markdown": "markdown",
    "render_terminal": "terminal",
    "render_text": "summary",
}
__all__ = [
    "Report",
    "build_report",
    "make_report",
    "render_html",
    "render_markdown",
    "render_terminal",
    "render_text",
]
__getattr__, __dir__ = exports(__name__, _NAMES)
