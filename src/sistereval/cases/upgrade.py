"""From ``case@1`` to ``case@2``: the mapping, on data and on the text of a file.

A ``case@1`` file reads as ``case@2`` with one difference of meaning, which
the mapping makes explicit: without ``as_of``, ``case@1`` measured durations
to the end date, else to the latest date the case records.  ``case@2``
measures them to ``as_of``, else to the latest date of the sources or records
(``docs/case-files.md``, "The reference date").  So a ``case@1`` file without
``as_of`` gets the ``as_of`` that ``case@1`` would have used, and evaluates
as it did.  Every other key means the same in both formats.

:func:`upgrade_data` maps parsed data; :func:`upgrade_text` rewrites the text
of a YAML or JSON file, changing only the ``format`` line and adding the
``as_of`` line, so comments and layout are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..dates import PartialDate, When, parse_when
from ..errors import CaseError, Location, Problem
from ..model import CASE_FORMAT, CASE_FORMAT_V1

__all__ = ["UpgradeResult", "upgrade_data", "upgrade_text", "v1_reference_date"]


def v1_reference_date(data: Mapping[str, Any]) -> PartialDate | None:
    """The date ``case@1`` measured to when the file gives no ``as_of``.

    The end date when an ``ended`` milestone is recorded, else the latest date
    of a milestone, an activity, a leadership change or a budget year; ``None``
    when the case records no date.  A record dated after the end (a second,
    disputed end record, an activity after the end) moves it to that record's
    date: ``case@2`` refuses records after ``as_of``, and its durations stop at
    the end whatever ``as_of`` is.
    """
    milestones = [m for m in _items(data, "milestones") if m.get("date") is not None]
    ended = [_when(m["date"]) for m in milestones if m.get("type") == "ended"]
    ended_dates = sorted({_as_partial(d) for d in ended if d is not None})
    latest = _latest_record(data)
    if ended_dates:
        agreeing = all(
            a.start <= b.end and b.start <= a.end
            for i, a in enumerate(ended_dates)
            for b in ended_dates[i + 1 :]
        )
        # As case@1 did: the most precise of agreeing records, else the earliest.
        precise = min(ended_dates, key=lambda d: (d.end - d.start).days)
        end = precise if agreeing else ended_dates[0]
        return latest if latest is not None and latest.start > end.end else end
    return latest


def _latest_record(data: Mapping[str, Any]) -> PartialDate | None:
    """The latest date of a milestone, an activity, a leadership change or a budget year."""
    dated: list[When] = []
    for where in ("milestones", "activities", "leadership_changes"):
        for item in _items(data, where):
            when = _when(item.get("date"))
            if when is not None:
                dated.append(when)
    for line in _items(data, "budget"):
        year = line.get("year")
        if isinstance(year, int) and not isinstance(year, bool) and 1 <= year <= 9999:
            dated.append(PartialDate(year))
    if not dated:
        return None
    return max(_as_partial(d) for d in dated)


def upgrade_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """``case@1`` data as ``case@2`` data (``case@2`` data is returned as it is)."""
    out = dict(data)
    if out.get("format") != CASE_FORMAT_V1:
        return out
    out["format"] = CASE_FORMAT
    if out.get("as_of") is None:
        reference = v1_reference_date(data)
        if reference is not None:
            out["as_of"] = reference.to_json()
    return out


@attrs.frozen
class UpgradeResult:
    """The upgraded text, whether it changed, and the ``as_of`` it added (if any)."""

    text: str
    changed: bool
    as_of: PartialDate | None


_FORMAT_LINE = re.compile(
    r"""^(?P<indent>[ \t]*)format:[ \t]*(?P<q>["']?)sistereval/case@1(?P=q)[ \t]*(?P<rest>#.*)?$""",
    re.MULTILINE,
)
_JSON_FORMAT = re.compile(r'"format"\s*:\s*"sistereval/case@1"')


def upgrade_text(text: str, data: Mapping[str, Any], *, file: str | None = None) -> UpgradeResult:
    """Rewrite the text of a case file from ``case@1`` to ``case@2``.

    ``data`` is the parsed text.  Only the ``format`` line changes, and an
    ``as_of`` line is added after it when the file has none (the date
    ``case@1`` measured to); comments, order and layout are kept.
    """
    if data.get("format") == CASE_FORMAT:
        return UpgradeResult(text, False, None)
    if data.get("format") != CASE_FORMAT_V1:
        raise CaseError(
            [
                Problem(
                    code="bad-format",
                    message=f"not a {CASE_FORMAT_V1} file",
                    location=Location(file=file, path="format"),
                    suggestion=f"only {CASE_FORMAT_V1} files are upgraded",
                )
            ]
        )
    reference = v1_reference_date(data) if data.get("as_of") is None else None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        new = _JSON_FORMAT.sub(f'"format": "{CASE_FORMAT}"', text, count=1)
        if reference is not None:
            new = _JSON_FORMAT_V2.sub(
                lambda m: f'{m.group(0)}, "as_of": {json.dumps(reference.to_json())}',
                new,
                count=1,
            )
        return UpgradeResult(new, True, reference)

    def line(match: re.Match[str]) -> str:
        indent, rest = match.group("indent"), match.group("rest")
        out = f"{indent}format: {CASE_FORMAT}" + (f"  {rest}" if rest else "")
        if reference is not None:
            out += (
                f"\n{indent}# as_of: added by `sistereval upgrade`, the date {CASE_FORMAT_V1} "
                f"measured to without it.\n{indent}as_of: {_yaml_date(reference)}"
            )
        return out

    new, count = _FORMAT_LINE.subn(line, text, count=1)
    if count != 1:  # a format written in flow style or split over lines
        raise CaseError(
            [
                Problem(
                    code="bad-format",
                    message="the format line could not be found to rewrite",
                    location=Location(file=file, path="format"),
                    suggestion=f"write it on its own line: format: {CASE_FORMAT_V1}",
                )
            ]
        )
    return UpgradeResult(new, True, reference)


_JSON_FORMAT_V2 = re.compile(r'"format"\s*:\s*"sistereval/case@2"')


def _yaml_date(date: PartialDate) -> str:
    return str(date.year) if date.precision == "year" else f'"{date}"'


def _items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, Mapping)]


def _when(value: Any) -> When | None:
    if value is None:
        return None
    try:
        return parse_when(value)
    except (ValueError, TypeError):
        return None


def _as_partial(date: When) -> PartialDate:
    if isinstance(date, PartialDate):
        return date
    latest = date.latest if date.latest is not None else date.earliest
    assert latest is not None
    return latest
