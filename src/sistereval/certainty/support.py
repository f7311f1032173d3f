"""Support: how well each fact that decides a verdict is evidenced.

A *deciding fact* is a scalar fact that a deciding rule's condition reads, or a
collection item its quantifiers matched (``leadership_changes[0]``).  For each:
whether it is known, its sources grouped by evidence type (``unspecified`` for a
source that does not say), the number of independent lines of evidence among them
(:func:`sistereval.facts.evidence_lines`), and whether it is disputed, with the
disputed facts it is derived from (:func:`sistereval.facts.disputed_facts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ..facts import Facts, evidence_lines

__all__ = ["UNSPECIFIED", "FactSupport", "fact_support"]

#: The evidence type of a source that gives none.
UNSPECIFIED = "unspecified"


@attrs.frozen(kw_only=True)
class FactSupport:
    """The support of one deciding fact (module docstring)."""

    fact: str
    known: bool
    sources: Mapping[str, tuple[str, ...]]
    lines: tuple[tuple[str, ...], ...]
    disputed: bool
    derived_from: tuple[str, ...]

    @property
    def independent(self) -> int:
        """The number of independent lines of evidence behind the fact."""
        return len(self.lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "fact": self.fact,
            "known": self.known,
            "sources": {kind: list(ids) for kind, ids in self.sources.items()},
            "independent": self.independent,
            "disputed": self.disputed,
            "derived_from": list(self.derived_from),
        }


def _by_type(facts: Facts, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for sid in ids:
        source = facts.catalog.get(sid)
        kind = str(source.evidence) if source is not None and source.evidence else UNSPECIFIED
        groups.setdefault(kind, []).append(sid)
    return {kind: tuple(sorted(groups[kind])) for kind in sorted(groups)}


def fact_support(
    facts: Facts, names: Sequence[str], disputed: Mapping[str, tuple[str, ...]]
) -> tuple[FactSupport, ...]:
    """The support of each deciding fact in ``names`` (scalars or ``coll[i]`` items)."""
    out = []
    for name in dict.fromkeys(names):
        ids = tuple(dict.fromkeys(facts.sources.get(name, ())))
        known = facts.scalars.get(name) is not None if name in facts.scalars else True
        by = disputed.get(name, ())
        out.append(
            FactSupport(
                fact=name,
                known=known,
                sources=_by_type(facts, ids),
                lines=evidence_lines(facts.catalog, ids),
                disputed=bool(by),
                derived_from=tuple(f for f in by if f != name),
            )
        )
    return tuple(out)
