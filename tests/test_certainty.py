"""Honest certainty (issue 13): independent sources, disputes that propagate, and the
decision record's ``certainty`` section."""

from __future__ import annotations

from typing import Any

import pytest

from sistereval.cases import load_case
from sistereval.errors import CaseError
from sistereval.explanation import dispute_verdicts
from sistereval.facts import derive, dispute_variants, disputed_facts, evidence_lines

PARTNERS = [
    {"id": "a", "name": "A", "country": "ID", "location": {"lat": -6.9, "lon": 107.6}},
    {"id": "b", "name": "B", "country": "JP", "location": {"lat": 33.9, "lon": 130.9}},
]


def case(**keys: Any) -> Any:
    data = {
        "format": "sistereval/case@2",
        "id": "t",
        "title": "T",
        "kind": "sister_city",
        "partners": PARTNERS,
        **keys,
    }
    return load_case(data)


class TestBasedOn:
    def test_an_unknown_id_is_a_located_error(self) -> None:
        text = (
            "format: sistereval/case@2\nid: t\ntitle: T\nkind: sister_city\npartners:\n"
            "  - {id: a, name: A, country: ID, location: {lat: 1, lon: 2}}\n"
            "  - {id: b, name: B, country: JP, location: {lat: 3, lon: 4}}\n"
            "sources:\n"
            "  - {id: thesis, kind: literature, citation: X}\n"
            "  - {id: news, kind: news, citation: Y, based_on: [theses, news]}\n"
        )
        with pytest.raises(CaseError) as raised:
            load_case(text)
        shown = [str(p) for p in raised.value.problems]
        assert [
            "<input>:10:52: unknown-source: unknown source id 'theses' in "
            "sources[1].based_on[0] (did you mean 'thesis'?)",
            "<input>:10:60: source-based-on-itself: source 'news' cannot rest on itself "
            "in sources[1].based_on[1]",
        ] == shown

    def test_it_round_trips(self) -> None:
        from sistereval.cases import case_to_dict

        c = case(
            sources=[
                {"id": "s", "kind": "news", "citation": "S"},
                {"id": "t", "kind": "news", "citation": "T", "based_on": ["s"]},
            ]
        )
        assert ("s",) == c.sources[1].based_on
        assert load_case(case_to_dict(c)) == c


class TestEvidenceLines:
    def catalog(self, *sources: dict[str, Any]) -> Any:
        return {s.id: s for s in case(sources=list(sources)).sources}

    def test_based_on_joins_lines_in_both_directions_and_through_others(self) -> None:
        catalog = self.catalog(
            {"id": "a", "kind": "news", "citation": "A"},
            {"id": "b", "kind": "news", "citation": "B", "based_on": ["a"]},
            {"id": "c", "kind": "news", "citation": "C", "based_on": ["b"]},
            {"id": "d", "kind": "news", "citation": "D"},
        )
        assert (("a", "c"), ("d",)) == evidence_lines(catalog, ["c", "d", "a"])

    def test_the_same_citation_is_one_line(self) -> None:
        catalog = self.catalog(
            {"id": "t1", "kind": "literature", "citation": "Thesis, 2024"},
            {"id": "t2", "kind": "literature", "citation": "  thesis,   2024 "},
        )
        assert (("t1", "t2"),) == evidence_lines(catalog, ["t1", "t2"])


DATED = {
    "as_of": 2022,
    "milestones": [
        {"type": "mou", "date": 2010, "sources": ["s"]},
        {"type": "mou", "date": 2020, "sources": ["t"]},
    ],
    "fields": [{"name": "trade", "status": "implemented", "sources": ["s"]}],
    "sources": [
        {"id": "s", "kind": "literature", "citation": "S"},
        {"id": "t", "kind": "news", "citation": "T"},
    ],
}


class TestDisputesPropagate:
    def test_a_disputed_signing_date_disputes_the_years_active(self) -> None:
        """A ten-year disagreement about the MoU date makes every fact measured from it
        disputed, ``partnership.years_active`` among them."""
        c = case(**DATED)
        facts = derive(c)
        disputed = disputed_facts(facts, dispute_variants(c, facts))
        assert ("milestones.mou",) == disputed["partnership.years_active"]
        assert ("milestones.mou",) == disputed["partnership.months_active"]
        assert "fields.agreed" not in disputed

    def test_a_claimed_date_no_record_gives_re_derives(self) -> None:
        """A claim of another MoU date re-derives the facts under it (the years active
        follow the claimed date), rather than overriding the date alone."""
        c = case(
            as_of=2022,
            milestones=[{"type": "mou", "date": 2010, "sources": ["s"]}],
            claims=[{"fact": "milestones.mou", "value": "2020", "sources": ["t"]}],
            sources=DATED["sources"],
        )
        facts = derive(c)
        (sides,) = dispute_variants(c, facts)
        claimed = next(s for s in sides if not s.chosen)
        assert "records" == claimed.method
        assert 12 == facts.scalars["partnership.years_active"]
        assert 2 == claimed.facts.scalars["partnership.years_active"]
        (verdicts,) = dispute_verdicts(c)
        assert ["records", "records"] == [a.method for a in verdicts.alternatives]
