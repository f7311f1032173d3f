"""The timeline of a report: milestones above a time axis, leadership changes below, in SVG.

A date is drawn at its precision: a day as a dot, a month or a year as a bar
spanning every day it may stand for (``2022`` covers the whole year), so a
partial date is never shown as a false day.  Each event carries its number in
the report's list of events; events that would overlap are stacked in lanes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape

from .model import Event
from .strings import name
from .svg import COLOURS, coordinate, document, text

__all__ = ["TIMELINE_ID", "event_label", "timeline_chart"]

TIMELINE_ID = "chart_timeline"
_WIDTH = 700
_LEFT = 20
_PLOT = 660
_LANE = 18
_CHAR = 7.5  # the width of a digit at 12 px, generously


def event_label(event: Event, t: Mapping[str, str]) -> str:
    """``MoU signed`` / ``change of mayor`` (with the partner when known)."""
    if event.kind == "milestone":
        label = name(t, "milestone", event.type)
    else:
        label = t["change_of"].format(office=event.type)
    return f"{label} ({event.party})" if event.party else label


def _bounds(event: Event) -> tuple[dt.date, dt.date]:
    """The days an event's bar covers: an open bound (``before 2019``) is drawn
    at the bound it has."""
    start, end = event.date.start, event.date.end
    if start == dt.date.min:
        start = end
    if end == dt.date.max:
        end = start
    return start, end


def _lanes(spans: Sequence[tuple[float, float]]) -> list[int]:
    """The lane of each span: the lowest whose last span ends before it starts."""
    ends: list[float] = []
    lanes = []
    for start, end in spans:
        lane = next((i for i, last in enumerate(ends) if last + 4 <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        lanes.append(lane)
    return lanes


def timeline_chart(events: Sequence[Event], t: Mapping[str, str]) -> str:
    """The SVG timeline of ``events`` (numbered from 1 in the given order); "" when none."""
    if not events:
        return ""
    bounds = [_bounds(e) for e in events]
    first = min(start for start, _ in bounds).year
    last = max(end for _, end in bounds).year
    origin = dt.date(first, 1, 1)
    days = (dt.date(last + 1, 1, 1) - origin).days

    def x(day: dt.date) -> float:
        return _LEFT + (day - origin).days / days * _PLOT

    spans = []
    for number, (event, (first_day, last_day)) in enumerate(zip(events, bounds, strict=True), 1):
        start = x(first_day)
        end = max(x(last_day + dt.timedelta(days=1)), start + 4)
        if event.date.precision == "day":
            start, end = start - 5, start + 5
        spans.append((start, end, end + 3 + _CHAR * len(str(number))))
    above = [i for i, e in enumerate(events) if e.kind == "milestone"]
    below = [i for i, e in enumerate(events) if e.kind != "milestone"]
    lanes: dict[int, int] = {}
    for group in (above, below):
        for index, lane in zip(
            group, _lanes([(spans[i][0], spans[i][2]) for i in group]), strict=True
        ):
            lanes[index] = lane
    rows_above = 1 + max((lanes[i] for i in above), default=-1)
    rows_below = 1 + max((lanes[i] for i in below), default=-1)
    axis_y = 34 + rows_above * _LANE
    below_top = axis_y + 34
    height = below_top + rows_below * _LANE + 8

    body = []
    for offset, kind, label in (
        (0, "milestone", t["milestones"]),
        (200, "leadership", t["leadership"]),
    ):
        body.append(f'<circle cx="{_LEFT + offset + 5}" cy="12" r="5" fill="{COLOURS[kind]}"/>')
        body.append(text(_LEFT + offset + 15, 16, label))
    body.append(
        f'<line x1="{_LEFT}" y1="{coordinate(axis_y)}" x2="{_LEFT + _PLOT}" '
        f'y2="{coordinate(axis_y)}" stroke="{COLOURS["axis"]}"/>'
    )
    step = max(1, math.ceil((last + 1 - first) * 36 / _PLOT))
    for year in range(first, last + 2):
        tick = x(dt.date(year, 1, 1))
        body.append(
            f'<line x1="{coordinate(tick)}" y1="{coordinate(axis_y - 4)}" '
            f'x2="{coordinate(tick)}" y2="{coordinate(axis_y + 4)}" stroke="{COLOURS["axis"]}"/>'
        )
        if (year - first) % step == 0 and year <= last:
            middle = x(dt.date(year, 7, 1))
            body.append(text(middle, axis_y + 18, str(year), anchor="middle"))
    for index, event in enumerate(events):
        start, end, _ = spans[index]
        lane = lanes[index]
        y = axis_y - 14 - lane * _LANE if event.kind == "milestone" else below_top + lane * _LANE
        colour = COLOURS["milestone" if event.kind == "milestone" else "leadership"]
        tip = f"{index + 1}. {event.date}: {event_label(event, t)}"
        tip = f"<title>{escape(tip)}</title>"
        if event.date.precision == "day":
            body.append(
                f'<circle cx="{coordinate(start + 5)}" cy="{coordinate(y)}" r="5" '
                f'fill="{colour}">{tip}</circle>'
            )
        else:
            body.append(
                f'<rect x="{coordinate(start)}" y="{coordinate(y - 5)}" '
                f'width="{coordinate(end - start)}" height="10" rx="3" fill="{colour}">{tip}</rect>'
            )
        body.append(text(end + 3, y + 4, str(index + 1), extra='font-size="11"'))
    desc = "; ".join(f"{i}. {e.date}: {event_label(e, t)}" for i, e in enumerate(events, 1))
    return document(TIMELINE_ID, _WIDTH, height, t["timeline"], desc, body)
