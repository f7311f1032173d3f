"""Reports for people: the terminal (rich), Markdown and self-contained HTML.

:func:`make_report` evaluates a case and searches its counterfactuals and
disputes; :func:`build_report` assembles a :class:`Report` once (verdict and confidence,
factor and obstacle-group scores, timeline, findings with sources, rules that
did not fire, counterfactuals, disputes, bibliography); :func:`render_terminal`,
:func:`render_markdown` and :func:`render_html` render it in its language
(``en`` or ``id``).  The command is ``sistereval report``
(:func:`sistereval.report.add_report_command`); ``--format json`` of
``sistereval evaluate`` stays the decision record.  Documented in
``docs/reports.md``.
"""

from __future__ import annotations

from .assemble import make_report
from .html import render_html
from .markdown import render_markdown
from .model import Report, build_report
from .terminal import render_terminal

__all__ = [
    "Report",
    "build_report",
    "make_report",
    "render_html",
    "render_markdown",
    "render_terminal",
]
