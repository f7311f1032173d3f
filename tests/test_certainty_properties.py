"""The monotonicity laws of the certainty grade (``docs/evaluation.md``, "Grade"),
checked on generated cases (:mod:`sistereval.strategies`)."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from sistereval import evaluate
from sistereval.certainty import Certainty
from sistereval.model import Case, EvidenceType, Source, SourceKind
from sistereval.strategies import cases

RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
LISTS = ("milestones", "fields", "activities", "leadership_changes", "budget", "institutions")


def certainty(case: Case) -> Certainty:
    result = evaluate(case).certainty
    assert result is not None
    return result


def records(case: Case) -> list[tuple[str, int]]:
    """Every record of the case that has a ``sources`` list: (list name, index)."""
    return [(name, i) for name in LISTS for i, _ in enumerate(getattr(case, name))]


def with_sources(
    case: Case, where: tuple[str, int], sources: tuple[str, ...], *added: Source
) -> Case:
    """The case with the record ``where`` citing ``sources``, and the sources ``added``."""
    name, index = where
    items = list(getattr(case, name))
    items[index] = attrs.evolve(items[index], sources=sources)
    changes: dict[str, Any] = {name: tuple(items), "sources": (*case.sources, *added)}
    return attrs.evolve(case, **changes)


def not_lower(after: Certainty, before: Certainty) -> None:
    assert RANK[after.grade] >= RANK[before.grade]
    assert after.independent >= before.independent


evidence = st.sampled_from([None, *EvidenceType])


class TestMonotone:
    @given(cases(signed=True), st.data())
    def test_citing_another_source_never_lowers_the_grade(
        self, case: Case, data: st.DataObject
    ) -> None:
        where = records(case)
        if not where:
            return
        place = data.draw(st.sampled_from(where))
        new = Source(
            id="added-source",
            kind=data.draw(st.sampled_from(list(SourceKind))),
            citation="An added source",
            evidence=data.draw(evidence),
        )
        item: Any = getattr(case, place[0])[place[1]]
        more = with_sources(case, place, (*item.sources, new.id), new)
        not_lower(certainty(more), certainty(case))

    @given(cases(signed=True), st.data())
    def test_removing_a_citation_never_raises_the_grade(
        self, case: Case, data: st.DataObject
    ) -> None:
        where = [w for w in records(case) if getattr(case, w[0])[w[1]].sources]
        if not where:
            return
        place = data.draw(st.sampled_from(where))
        item: Any = getattr(case, place[0])[place[1]]
        gone = data.draw(st.sampled_from(item.sources))
        fewer = with_sources(case, place, tuple(s for s in item.sources if s != gone))
        not_lower(certainty(case), certainty(fewer))

    @given(cases(signed=True), st.data())
    def test_splitting_a_source_never_raises_the_grade(
        self, case: Case, data: st.DataObject
    ) -> None:
        where = [w for w in records(case) if getattr(case, w[0])[w[1]].sources]
        if not where:
            return
        place = data.draw(st.sampled_from(where))
        item: Any = getattr(case, place[0])[place[1]]
        sid = data.draw(st.sampled_from(item.sources))
        original = next(s for s in case.sources if s.id == sid)
        how = data.draw(st.sampled_from(["based_on", "citation"]))
        part = attrs.evolve(
            original,
            id=f"{sid}-part",
            citation=f"{original.citation} (part)" if how == "based_on" else original.citation,
            based_on=(sid,) if how == "based_on" else (),
        )
        keep = data.draw(st.booleans())  # cite both ids, or move the citation to the part
        sources = tuple(
            x for s in item.sources for x in ((s, part.id) if keep else (part.id,)) if s == sid
        ) + tuple(s for s in item.sources if s != sid)
        split = with_sources(case, place, sources, part)
        after, before = certainty(split), certainty(case)
        assert RANK[after.grade] <= RANK[before.grade]
        assert after.independent <= before.independent

    @given(cases(signed=True))
    def test_a_verdict_that_may_change_never_grades_high(self, case: Case) -> None:
        result = certainty(case)
        if result.robust.status != "always" or not all(s.known for s in result.support):
            assert "high" != result.grade
