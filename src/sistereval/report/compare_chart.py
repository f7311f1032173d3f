"""The chart of a comparison report, in SVG: the verdicts and how often each strength
and obstacle occurs, as bars of a number of cases.

Three panels share one drawing, with one axis: 0 to the number of cases compared,
so every panel is read on the same scale (and two comparisons of as many cases
alike).  The verdicts are coloured as in a case's report (success green, partial
orange, failure red); strengths are green, obstacles orange.  The output depends
only on its input: the same comparison gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from .compare import ComparisonReport
from .strings import verdict_name
from .svg import COLOURS, coordinate, document, text

__all__ = ["COMPARISON_CHART_ID", "comparison_chart"]

COMPARISON_CHART_ID = "chart_comparison"
_WIDTH = 700
_LABEL_RIGHT = 292
_PLOT_LEFT = 302
_PLOT_WIDTH = 330
_ROW = 22
_BAR = 14
#: The longest label drawn in full; longer ones end in "…" (the bar's title has it all).
_LABEL_CHARS = 38
_VERDICT_COLOUR = {
    "success": COLOURS["strength"],
    "partial": COLOURS["obstacle"],
    "failure": COLOURS["weakness"],
}

Bar = tuple[str, int, str]  # label, number of cases, colour


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1].rstrip() + "…"


def _panel(
    bars: Sequence[Bar], total: int, top: float, heading: str, axis: str
) -> tuple[list[str], float]:
    """One panel's elements, and the y below it."""
    span = max(total, 1)
    unit = _PLOT_WIDTH / span
    out = [text(10, top + 14, heading, extra='font-weight="bold" font-size="13"')]
    plot_top = top + 24
    axis_y = plot_top + len(bars) * _ROW + 2
    step = max(1, math.ceil(span / 10))
    for tick in range(0, span + 1, step):
        x = _PLOT_LEFT + tick * unit
        stroke = COLOURS["axis"] if tick == 0 else COLOURS["grid"]
        out.append(
            f'<line x1="{coordinate(x)}" y1="{coordinate(plot_top - 4)}" x2="{coordinate(x)}" '
            f'y2="{coordinate(axis_y + 4)}" stroke="{stroke}"/>'
        )
        out.append(text(x, axis_y + 16, str(tick), anchor="middle"))
    out.append(
        f'<line x1="{coordinate(_PLOT_LEFT)}" y1="{coordinate(axis_y)}" '
        f'x2="{coordinate(_PLOT_LEFT + _PLOT_WIDTH)}" y2="{coordinate(axis_y)}" '
        f'stroke="{COLOURS["axis"]}"/>'
    )
    out.append(
        text(
            _PLOT_LEFT + _PLOT_WIDTH / 2, axis_y + 32, axis, anchor="middle", extra='font-size="11"'
        )
    )
    for row, (label, n, colour) in enumerate(bars):
        y = plot_top + row * _ROW
        out.append(text(_LABEL_RIGHT, y + _BAR - 2, _short(label), anchor="end"))
        length = n * unit
        if length:
            out.append(
                f'<rect x="{coordinate(_PLOT_LEFT)}" y="{coordinate(y)}" '
                f'width="{coordinate(length)}" height="{_BAR}" fill="{colour}">'
                f"<title>{escape(label)}: {n}</title></rect>"
            )
        out.append(text(_PLOT_LEFT + length + 6, y + _BAR - 2, str(n)))
    return out, axis_y + 44


def comparison_chart(comparison: ComparisonReport, t: Mapping[str, str]) -> str:
    """The SVG chart of ``comparison`` with its text from ``t``."""
    total = len(comparison.evaluated)
    panels: list[tuple[str, list[Bar]]] = [
        (
            t["verdicts_heading"],
            [
                (verdict_name(t, v), n, _VERDICT_COLOUR.get(v, COLOURS["axis"]))
                for v, n in comparison.verdicts
            ],
        ),
        (
            t["strengths_chart"],
            [(o.title, o.cases, COLOURS["strength"]) for o in comparison.strengths],
        ),
        (
            t["obstacles_chart"],
            [(o.title, o.cases, COLOURS["obstacle"]) for o in comparison.obstacles],
        ),
    ]
    body: list[str] = []
    parts = []
    y = 0.0
    for heading, bars in panels:
        if not bars:
            continue
        elements, y = _panel(bars, total, y, heading, t["cases_axis"])
        body.extend(elements)
        parts.append(f"{heading}: " + ", ".join(f"{label} {n}" for label, n, _ in bars) + ".")
    return document(COMPARISON_CHART_ID, _WIDTH, y, t["comparison"], " ".join(parts), body)
