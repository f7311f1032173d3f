"""The chart of a report: the success factors and the obstacle groups as bars, in SVG.

Two panels share one drawing.  Success factors are signed (strengths minus
weaknesses, :func:`sistereval.verdict.factor_scores`): bars grow right (green)
or left (red) of a zero line.  Obstacle groups are 0 or more: bars grow right
(orange) from zero.  Each axis spans at least 0..3 (one high-severity finding)
with integer ticks, so small scores are not blown up.  The output depends only
on the scores and the text: the same input gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from .model import Score
from .strings import name
from .svg import COLOURS, coordinate, document, text

__all__ = ["CHART_ID", "score_chart", "score_text"]

CHART_ID = "chart_scores"
_WIDTH = 700
_LABEL_RIGHT = 262  # labels end here; the plot starts after a gap
_PLOT_LEFT = 272
_PLOT_WIDTH = 340
_ROW = 24
_BAR = 14
_MIN_SPAN = 3


def score_text(score: Score) -> str:
    """``-6`` / ``+2`` for a factor, ``5`` for an obstacle group."""
    value = score.value
    if score.group == "factor" and value:
        return f"{value:+g}"
    return f"{value:g}"


def _ticks(low: int, high: int) -> range:
    step = max(1, math.ceil((high - low) / 8))
    return range(low, high + 1, step)


def _panel(
    scores: Sequence[Score], t: Mapping[str, str], top: float, heading: str, axis: str
) -> tuple[list[str], float]:
    """One panel's elements, and the y below it."""
    signed = bool(scores) and scores[0].group == "factor"
    span = max(_MIN_SPAN, math.ceil(max((abs(s.value) for s in scores), default=0)))
    low = -span if signed else 0
    unit = _PLOT_WIDTH / (span - low)
    zero = _PLOT_LEFT - low * unit
    out = [text(10, top + 14, heading, extra='font-weight="bold" font-size="13"')]
    plot_top = top + 24
    axis_y = plot_top + len(scores) * _ROW + 2
    # the grid first, so that the bars are drawn over it
    for tick in _ticks(low, span):
        x = zero + tick * unit
        stroke = COLOURS["axis"] if tick == 0 else COLOURS["grid"]
        out.append(
            f'<line x1="{coordinate(x)}" y1="{coordinate(plot_top - 4)}" x2="{coordinate(x)}" '
            f'y2="{coordinate(axis_y + 4)}" stroke="{stroke}"/>'
        )
        out.append(
            text(x, axis_y + 16, f"{tick:+d}" if signed and tick else str(tick), anchor="middle")
        )
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
    for row, score in enumerate(scores):
        y = plot_top + row * _ROW
        label = name(t, "factor", score.name)
        out.append(text(_LABEL_RIGHT, y + _BAR - 2, label, anchor="end"))
        length = abs(score.value) * unit
        if length:
            colour = COLOURS["obstacle"]
            if signed:
                colour = COLOURS["strength"] if score.value > 0 else COLOURS["weakness"]
            x = zero if score.value > 0 else zero - length
            out.append(
                f'<rect x="{coordinate(x)}" y="{coordinate(y)}" width="{coordinate(length)}" '
                f'height="{_BAR}" fill="{colour}">'
                f"<title>{escape(label)}: {score_text(score)}</title></rect>"
            )
        # a negative value is written right of the zero line, clear of the labels
        end = zero + (length if score.value > 0 else 0) + 6
        out.append(text(end, y + _BAR - 2, score_text(score)))
    return out, axis_y + 44


def score_chart(scores: Sequence[Score], t: Mapping[str, str]) -> str:
    """The SVG chart of ``scores`` with its text from ``t`` (:func:`strings`)."""
    factors = [s for s in scores if s.group == "factor"]
    obstacles = [s for s in scores if s.group == "obstacle"]
    body: list[str] = []
    y = 0.0
    parts = []
    for group, heading, axis in (
        (factors, t["factors_panel"], t["factor_axis"]),
        (obstacles, t["obstacles_panel"], t["obstacle_axis"]),
    ):
        if not group:
            continue
        elements, y = _panel(group, t, y, heading, axis)
        body.extend(elements)
        values = ", ".join(f"{name(t, 'factor', s.name)} {score_text(s)}" for s in group)
        parts.append(f"{heading}: {values}.")
    return document(CHART_ID, _WIDTH, y, t["scores"], " ".join(parts), body)
