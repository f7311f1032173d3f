"""The certainty of a verdict in plain words (``explain``, reports, ``whatif``).

:func:`render_certainty` says, in the language asked for: the grade and the independent
lines of evidence behind it; whether the verdict holds whatever the unknown and disputed
facts are, and if not, which facts would flip it and to what; which unknown facts the
rules read; which facts are disputed, what is derived from them and whether that
matters; and the support of each deciding fact.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..certainty import Certainty
from ..messages import CERTAINTY, texts

__all__ = ["certainty_lines", "render_certainty"]


def _value(value: object) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def certainty_lines(
    certainty: Certainty, verdict: str, language: str, labels: Mapping[str, str]
) -> list[tuple[int, str]]:
    """The lines of the certainty section of ``verdict`` as ``(depth, text)``: depth 0
    the summary, 1 its parts, 2 their details (each renderer indents or nests them its
    way)."""
    t = texts(CERTAINTY, language)
    robust = certainty.robust
    out: list[tuple[int, str]] = []
    if certainty.grade == "none":
        out.append((0, t["grade_none"]))
    else:
        out.append((0, t["grade"].format(grade=t[certainty.grade], lines=certainty.independent)))
    if robust.status == "always":
        if robust.method == "search":
            out.append((0, t["always_search"].format(searched=robust.searched)))
        else:
            out.append((0, t["always"]))
    elif robust.status == "depends":
        out.append((0, t["depends"].format(facts=", ".join(robust.depends_on))))
        for outcome in robust.outcomes:
            if outcome.verdict == verdict:
                continue
            changes = ", ".join(f"{k} = {_value(v)}" for k, v in outcome.changes.items())
            other = labels.get(outcome.verdict, outcome.verdict)
            out.append((1, t["flip"].format(changes=changes, verdict=other)))
    elif robust.not_varied:
        out.append((0, t["not_varied"].format(facts=", ".join(robust.not_varied))))
    else:
        out.append(
            (
                0,
                t["limit"].format(
                    limit=robust.limit, searched=robust.searched, combinations=robust.combinations
                ),
            )
        )
    if robust.unknown:
        shown = ", ".join(robust.unknown)
        if robust.status == "always":
            shown += f" ({t['unknown_irrelevant']})"
        out.append((0, f"{t['unknown']}: {shown}"))
    if certainty.disputes:
        out.append((0, f"{t['disputed']}:"))
        for reach in certainty.disputes:
            if reach.fact in robust.depends_on:
                effect = t["matters"]
            elif robust.status == "always":
                effect = t["harmless"]
            else:
                effect = t["unsure"]
            out.append((1, f"{reach.fact}: {effect}"))
            if reach.affects:
                out.append((2, t["derived"].format(facts=", ".join(reach.affects))))
    if certainty.support:
        out.append((0, f"{t['support']}:"))
        for fact in certainty.support:
            marks = [t["known"] if fact.known else t["not_known"]]
            marks.append(t["independent"].format(n=fact.independent))
            if fact.disputed:
                marks.append(t["is_disputed"])
            sources = "; ".join(
                f"{t.get(kind, kind)}: {', '.join(ids)}" for kind, ids in fact.sources.items()
            )
            out.append((1, f"{fact.fact} ({', '.join(marks)}): {sources or t['no_source']}"))
    return out


def render_certainty(
    certainty: Certainty, verdict: str, language: str, labels: Mapping[str, str]
) -> list[str]:
    """The lines of a "certainty" section for a terminal, in ``language``."""
    t = texts(CERTAINTY, language)
    lines = [f"  {t['title']}:"]
    for depth, text in certainty_lines(certainty, verdict, language, labels):
        lines.append(f"    {'  ' * depth}{'- ' if depth else ''}{text}")
    return lines
