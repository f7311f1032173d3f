"""Which sources are independent of each other (``docs/evaluation.md``, "Certainty").

Two sources are *one line of evidence* when one rests on the other (``based_on``,
directly or through other sources, in either direction) or when they give the same
citation (compared without case and runs of white space): a news item repeating a
report, or one thesis entered under three ids, adds no independent support.
:func:`evidence_lines` groups source ids into those lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..model import Source

__all__ = ["evidence_lines"]


def _citation_key(citation: str) -> str:
    return " ".join(citation.casefold().split())


def evidence_lines(
    catalog: Mapping[str, Source], ids: Iterable[str]
) -> tuple[tuple[str, ...], ...]:
    """The ids among ``ids`` grouped into independent lines of evidence, each line
    sorted and the lines ordered by their smallest id.  An id the catalogue does
    not hold is a line of its own.

    Lines are found over the whole catalogue: ``a`` and ``c`` are one line when both
    rest on ``b`` even if ``b`` is not among ``ids``.
    """
    parent: dict[str, str] = {sid: sid for sid in catalog}

    def root(sid: str) -> str:
        while parent.setdefault(sid, sid) != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_citation: dict[str, str] = {}
    for sid in sorted(catalog):
        source = catalog[sid]
        for other in source.based_on:
            join(sid, other)
        key = _citation_key(source.citation)
        join(sid, by_citation.setdefault(key, sid))
    lines: dict[str, list[str]] = {}
    for sid in dict.fromkeys(ids):
        lines.setdefault(root(sid), []).append(sid)
    return tuple(tuple(sorted(line)) for line in sorted(lines.values(), key=min))
