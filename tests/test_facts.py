"""Tests for sistereval.facts: derived measures, disputes, schema and docs."""

from __future__ import annotations

import json
import math
import types
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sistereval import model as m
from sistereval.cases import load_case
from sistereval.errors import CaseError, SisterevalError
from sistereval.facts import (
    FACT_SCHEMA,
    SCHEMA_FORMAT,
    STAGES,
    Facts,
    FactValue,
    claim_problems,
    derive,
    schema_document,
    schema_markdown,
)
from sistereval.schema import FactDef, FactType
from sistereval.strategies import cases as shared_cases
from sistereval.strategies import with_reference_date

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example(name: str) -> Facts:
    return derive(load_case(EXAMPLES / f"{name}.yaml"))


# --------------------------------------------------------------------------
# Building cases in Python

PARTNERS = (
    m.Partner(id="a", name="A", country="ID", location=m.Point(lat=-6.9, lon=107.6)),
    m.Partner(id="b", name="B", country="BE", location=m.Point(lat=50.5, lon=4.9)),
)
SOURCES = (
    m.Source(id="s1", kind="news", citation="One", reliability="M"),
    m.Source(id="s2", kind="official", citation="Two", reliability="H"),
    m.Source(id="s3", kind="literature", citation="Three"),
)


def case(**overrides: Any) -> m.Case:
    values: dict[str, Any] = {
        "id": "c",
        "title": "C",
        "kind": "sister_city",
        "partners": PARTNERS,
        "sources": SOURCES,
    }
    values.update(overrides)
    return m.Case(**values)


def mou(date: str, *sources: str) -> m.Milestone:
    return m.Milestone(type="mou", date=date, sources=sources)


def activity(date: str, **kw: Any) -> m.Activity:
    return m.Activity(date=date, kind=kw.pop("kind", "visit"), **kw)


def change(date: str, continuity: bool | None = None, **kw: Any) -> m.LeadershipChange:
    return m.LeadershipChange(
        partner=kw.pop("partner", "a"), office="mayor", date=date, continuity=continuity, **kw
    )


def value_conforms(fact: FactDef, value: FactValue) -> bool:
    """``value`` is a value of ``fact`` as the schema declares it (or unknown)."""
    if value is None:
        return True
    kind = fact.type
    if kind is FactType.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is FactType.NUMBER:
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind is FactType.BOOLEAN:
        return isinstance(value, bool)
    if kind is FactType.STRING:
        return isinstance(value, str)
    if kind is FactType.ENUM:
        return isinstance(value, str) and value in fact.values
    if kind is FactType.DATE:
        return isinstance(value, m.PartialDate)
    assert kind is FactType.LIST
    return (
        isinstance(value, tuple)
        and all(isinstance(v, str) for v in value)
        and (not fact.values or set(value) <= set(fact.values))
    )


def assert_conforms(facts: Facts) -> None:
    """Every schema name is produced, nothing else is, and every value has its type."""
    assert [f.name for f in FACT_SCHEMA.scalars] == list(facts.scalars)
    for fact in FACT_SCHEMA.scalars:
        assert value_conforms(fact, facts.scalars[fact.name]), (fact.name, facts.scalars[fact.name])
    assert [c.name for c in FACT_SCHEMA.collections] == list(facts.collections)
    item_keys = {
        f"{c.name}[{i}]"
        for c in FACT_SCHEMA.collections
        for i in range(len(facts.collections[c.name]))
    }
    assert set(facts.sources) == {f.name for f in FACT_SCHEMA.scalars} | item_keys
    for coll in FACT_SCHEMA.collections:
        for item in facts.collections[coll.name]:
            assert [a.name for a in coll.items] == list(item)
            for attr in coll.items:
                assert value_conforms(attr, item[attr.name]), (
                    coll.name,
                    attr.name,
                    item[attr.name],
                )
    catalog = set(facts.catalog)
    for ids in facts.sources.values():
        assert list(ids) == sorted(set(ids))
        assert set(ids) <= catalog
    assert facts.scalars["disputes.count"] == len(facts.disputes)


# --------------------------------------------------------------------------
# The shipped examples


@pytest.fixture(scope="module")
def bandung_namur() -> Facts:
    return example("bandung-namur")


class TestBandungNamur:
    @pytest.fixture
    def facts(self, bandung_namur: Facts) -> Facts:
        return bandung_namur

    def test_great_circle_distance(self, facts: Facts) -> None:
        km = facts.scalars["distance.great_circle_km"]
        assert isinstance(km, float)
        assert 11_450 < km < 11_550

    def test_distance_dispute(self, facts: Facts) -> None:
        assert facts.scalars["distance.reported_km"] == 14_312
        assert facts.scalars["distance.reported_method"] == "reported"
        assert facts.scalars["distance.disputed"] is True
        dispute = facts.dispute("distance.great_circle_km")
        assert dispute is not None
        assert dispute.chosen == facts.scalars["distance.great_circle_km"]
        reported = [alt for alt in dispute.alternatives if alt.value == 14_312]
        assert [alt.sources for alt in reported] == [("bachtiar2024",)]

    def test_implementation(self, facts: Facts) -> None:
        assert facts.scalars["fields.agreed"] == 5
        assert facts.scalars["fields.implemented"] == 1
        assert facts.scalars["fields.not_implemented"] == 4
        assert facts.scalars["fields.implementation_ratio"] == 0.2

    def test_mou_date_dispute(self, facts: Facts) -> None:
        dispute = facts.dispute("milestones.mou")
        assert dispute is not None
        assert m.PartialDate(2017, 10, 9) == dispute.chosen
        assert [
            (m.PartialDate(2017, 10, 9), ("antara2017",)),
            (m.PartialDate(2017, 10, 10), ("bachtiar2024",)),
        ] == [(alt.value, alt.sources) for alt in dispute.alternatives]
        assert m.PartialDate(2017, 10, 9) == facts.scalars["partnership.signed"]

    def test_field_count_dispute(self, facts: Facts) -> None:
        dispute = facts.dispute("fields.agreed")
        assert dispute is not None
        assert dispute.chosen == 5
        assert {alt.value: alt.sources for alt in dispute.alternatives} == {
            5: ("bachtiar2024", "notes-bn-m"),
            7: ("republika2017",),
        }
        assert "Republika" in dispute.note

    def test_dispute_summary(self, facts: Facts) -> None:
        assert facts.scalars["disputes.count"] == 3
        assert facts.scalars["disputes.facts"] == (
            "distance.great_circle_km",
            "fields.agreed",
            "milestones.mou",
        )

    def test_stage_and_dates(self, facts: Facts) -> None:
        assert facts.scalars["partnership.stage"] == "ended"
        assert facts.scalars["partnership.ended"] is True
        assert m.PartialDate(2022) == facts.scalars["partnership.end_date"]
        assert m.PartialDate(2016, 3, 17) == facts.scalars["milestones.loi"]
        assert m.PartialDate(2016, 12) == facts.scalars["milestones.council_approval"]
        assert facts.scalars["milestones.visits"] == 1
        # Measured to the end (2022, its first month): October 2017 to January 2022.
        assert facts.scalars["partnership.as_of_basis"] == "given"
        assert facts.scalars["partnership.months_active"] == 51
        assert facts.scalars["partnership.years_active"] == 4.25

    def test_leadership(self, facts: Facts) -> None:
        assert facts.scalars["leadership.changes"] == 2
        assert facts.scalars["leadership.changes_without_continuity"] == 2
        assert facts.scalars["leadership.months_to_first_change"] == 11
        assert facts.scalars["leadership.activity_after_change"] is False
        changes = facts.collections["leadership_changes"]
        assert [c["during_partnership"] for c in changes] == [True, True]
        assert [c["continuity"] for c in changes] == [False, None]
        assert [c["months_after_agreement"] for c in changes] == [11, 50]

    def test_budget(self, facts: Facts) -> None:
        assert facts.scalars["budget.lines"] == 2
        assert facts.scalars["budget.earmarked_partners"] == 0
        assert facts.scalars["budget.all_earmarked"] is False
        assert facts.scalars["budget.inadequate_partners"] == 2

    def test_sources_behind_facts(self, facts: Facts) -> None:
        assert facts.sources["fields.implemented"] == ("bachtiar2024", "notes-bn-m")
        assert facts.sources["distance.great_circle_km"] == ()
        assert facts.source_kinds("fields.implemented") == ("document", "literature")
        assert facts.scalars["evidence.sources"] == 5
        assert facts.scalars["evidence.high_reliability"] == 1
        assert facts.scalars["evidence.unsourced_records"] == 0

    def test_little_bandung_counts_as_an_activity_of_its_field(self, facts: Facts) -> None:
        counts = {f["name"]: f["activity_count"] for f in facts.collections["fields"]}
        assert counts["economy and trade"] == 1
        assert counts["culture and tourism"] == 0


class TestOtherExamples:
    @pytest.mark.parametrize(
        ("name", "stage"),
        [
            ("bandung-namur", "ended"),
            ("surabaya-kitakyushu", "active"),
            ("bandung-suwon", "active"),
        ],
    )
    def test_stage(self, name: str, stage: str) -> None:
        assert stage == example(name).scalars["partnership.stage"]

    @pytest.mark.parametrize(
        ("name", "initiators", "mutual"),
        [("bandung-namur", 0, None), ("surabaya-kitakyushu", 0, None), ("bandung-suwon", 1, False)],
    )
    def test_reciprocity(self, name: str, initiators: int, mutual: bool | None) -> None:
        facts = example(name)
        assert initiators == facts.scalars["reciprocity.initiators"]
        assert mutual is facts.scalars["reciprocity.mutual"]

    @pytest.mark.parametrize(
        ("name", "low", "high"),
        [("surabaya-kitakyushu", 4_850, 5_000), ("bandung-suwon", 5_250, 5_350)],
    )
    def test_distance_agrees_with_the_notes(self, name: str, low: float, high: float) -> None:
        facts = example(name)
        km = facts.scalars["distance.great_circle_km"]
        assert isinstance(km, float)
        assert low < km < high
        assert facts.scalars["distance.disputed"] is False
        assert facts.dispute("distance.great_circle_km") is None
        assert facts.sources["distance.great_circle_km"] != ()  # the agreeing figure's source

    def test_surabaya_kitakyushu(self) -> None:
        facts = example("surabaya-kitakyushu")
        assert facts.scalars["fields.implementation_ratio"] == 1.0
        assert facts.scalars["activities.count"] == 4
        assert facts.scalars["institutions.anchors"] == 2
        assert facts.scalars["institutions.anchor_sides"] == 2
        assert facts.scalars["sectors.participating"] == ("government", "civil_society")
        assert facts.scalars["disputes.count"] == 0

    def test_bandung_suwon(self) -> None:
        facts = example("bandung-suwon")
        assert facts.scalars["fields.agreed"] == 6
        assert facts.scalars["fields.implemented"] == 0
        assert facts.scalars["fields.partial"] == 1
        assert facts.scalars["institutions.anchors"] == 3
        assert facts.scalars["institutions.anchor_sides"] == 1
        assert m.PartialDate(2018, 4, 3) == facts.scalars["partnership.as_of"]
        assert facts.scalars["partnership.as_of_basis"] == "given"
        assert facts.scalars["activities.months_since_last"] == 0

    @pytest.mark.parametrize("name", ["bandung-namur", "surabaya-kitakyushu", "bandung-suwon"])
    def test_conforms_to_schema(self, name: str) -> None:
        assert_conforms(example(name))

    @pytest.mark.parametrize("name", ["bandung-namur", "surabaya-kitakyushu", "bandung-suwon"])
    def test_every_cited_source_is_listed_and_used(self, name: str) -> None:
        facts = example(name)
        cited = {sid for ids in facts.sources.values() for sid in ids}
        assert cited == set(facts.catalog)


# --------------------------------------------------------------------------
# Single measures on small cases


class TestStage:
    def test_exploring(self) -> None:
        assert derive(case()).scalars["partnership.stage"] == "exploring"

    def test_loi(self) -> None:
        loi = m.Milestone(type="loi", date="2016-03-17")
        assert derive(case(milestones=[loi])).scalars["partnership.stage"] == "loi"

    def test_mou_without_work(self) -> None:
        fields = [m.CooperationField(name="trade", status="planned")]
        facts = derive(case(milestones=[mou("2017-10")], fields=fields))
        assert facts.scalars["partnership.stage"] == "mou"

    def test_agreement_counts_as_mou(self) -> None:
        signed = m.Milestone(type="agreement", date="2001")
        assert derive(case(milestones=[signed])).scalars["partnership.stage"] == "mou"

    @pytest.mark.parametrize("status", ["implemented", "partial"])
    def test_active_by_field(self, status: str) -> None:
        fields = [m.CooperationField(name="trade", status=status)]
        facts = derive(case(milestones=[mou("2017-10")], fields=fields))
        assert facts.scalars["partnership.stage"] == "active"

    def test_active_by_activity_after_the_agreement(self) -> None:
        facts = derive(
            case(milestones=[mou("2017-10", "s1")], activities=[activity("2018", sources=("s2",))])
        )
        assert facts.scalars["partnership.stage"] == "active"
        assert facts.sources["partnership.stage"] == ("s1", "s2")

    def test_activity_in_the_signing_month_is_not_after_it(self) -> None:
        facts = derive(case(milestones=[mou("2017-10-09")], activities=[activity("2017-10")]))
        assert facts.scalars["partnership.stage"] == "mou"
        assert facts.collections["activities"][0]["after_agreement"] is False

    def test_ended_wins(self) -> None:
        milestones = [mou("2017"), m.Milestone(type="ended", date="2022")]
        fields = [m.CooperationField(name="trade", status="implemented")]
        assert (
            derive(case(milestones=milestones, fields=fields)).scalars["partnership.stage"]
            == "ended"
        )

    def test_stage_values(self) -> None:
        fact = FACT_SCHEMA.scalar("partnership.stage")
        assert fact is not None
        assert fact.values == STAGES


class TestReferenceDate:
    def test_given(self) -> None:
        facts = derive(case(as_of="2020-06", milestones=[mou("2017-10-09")]))
        assert m.PartialDate(2020, 6) == facts.scalars["partnership.as_of"]
        assert facts.scalars["partnership.as_of_basis"] == "given"
        assert facts.scalars["partnership.months_active"] == 32

    def test_sources_the_latest_publication(self) -> None:
        """Without ``as_of``: the latest date a source was published or accessed."""
        dated = attrs.evolve(
            case(milestones=[mou("2015-01-01")]),
            sources=(
                m.Source(id="s1", kind="news", citation="s1", published="2016"),
                m.Source(id="s2", kind="news", citation="s2", accessed="2020-05"),
            ),
        )
        facts = derive(dated)
        assert m.PartialDate(2020, 5) == facts.scalars["partnership.as_of"]
        assert facts.scalars["partnership.as_of_basis"] == "sources"
        assert facts.sources["partnership.as_of"] == ("s2",)
        assert facts.scalars["partnership.months_active"] == 64

    def test_sources_or_a_later_record(self) -> None:
        """A record dated after every source (a budget year, an activity) is the date."""
        dated = attrs.evolve(
            case(
                milestones=[mou("2015-01-01")],
                activities=[activity("2019-03", sources=("s2",))],
                budget=[m.BudgetLine(partner="a", earmarked=True, year=2021)],
            ),
            sources=(
                m.Source(id="s1", kind="news", citation="s1", published="2018"),
                m.Source(id="s2", kind="news", citation="s2"),
            ),
        )
        facts = derive(dated)
        assert m.PartialDate(2021) == facts.scalars["partnership.as_of"]
        assert facts.scalars["partnership.as_of_basis"] == "sources"

    def test_evaluation_date_when_nothing_is_dated(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An MoU signed with nothing after it and no dated source: measured to the day of
        the evaluation (``SOURCE_DATE_EPOCH`` fixes it), which the outputs state."""
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # 2024-01-01
        facts = derive(case(milestones=[mou("2008-03")]))
        assert m.PartialDate(2024, 1, 1) == facts.scalars["partnership.as_of"]
        assert facts.scalars["partnership.as_of_basis"] == "evaluation_date"
        assert facts.scalars["partnership.months_active"] == 190

    def test_an_activity_in_the_reference_year_is_not_after_it(self) -> None:
        facts = derive(case(as_of="2018", activities=[activity("2018-07")]))
        assert facts.scalars["activities.months_since_last"] == 0

    def test_months_ignore_the_day(self) -> None:
        facts = derive(case(as_of="2018-09-01", milestones=[mou("2017-10-31")]))
        assert facts.scalars["partnership.months_active"] == 11
        assert facts.scalars["partnership.years_active"] == 0.92


class TestMilestoneDates:
    def test_nested_dates_agree_and_the_precise_one_is_used(self) -> None:
        facts = derive(case(milestones=[mou("2017", "s1"), mou("2017-10-09", "s2")]))
        assert m.PartialDate(2017, 10, 9) == facts.scalars["milestones.mou"]
        assert facts.sources["milestones.mou"] == ("s2",)
        assert facts.disputes == ()

    def test_disjoint_dates_are_a_dispute(self) -> None:
        ended = [
            m.Milestone(type="ended", date="2022", sources=("s1",)),
            m.Milestone(type="ended", date="2021-05"),
        ]
        facts = derive(case(milestones=ended))
        dispute = facts.dispute("partnership.end_date")
        assert dispute is not None
        assert m.PartialDate(2021, 5) == dispute.chosen
        assert facts.scalars["disputes.count"] == 1

    def test_repeatable_milestones_are_not_disputed(self) -> None:
        visits = [m.Milestone(type="visit", date="2017"), m.Milestone(type="visit", date="2018")]
        renewals = [
            m.Milestone(type="renewal", date="2019"),
            m.Milestone(type="renewal", date="2019"),
        ]
        facts = derive(case(milestones=visits + renewals))
        assert facts.disputes == ()
        assert facts.scalars["milestones.visits"] == 2
        assert facts.scalars["partnership.renewals"] == 1

    def test_suspension(self) -> None:
        suspended = m.Milestone(type="suspended", date="2020")
        assert (
            derive(case(milestones=[mou("2015"), suspended])).scalars["partnership.suspended"]
            is True
        )
        renewed = [mou("2015"), suspended, m.Milestone(type="renewal", date="2021")]
        assert derive(case(milestones=renewed)).scalars["partnership.suspended"] is False


class TestLeadership:
    def test_only_changes_during_the_partnership_count(self) -> None:
        milestones = [mou("2017-10-09"), m.Milestone(type="ended", date="2022")]
        changes = [change("2016"), change("2017-10"), change("2019-02", True), change("2022-03")]
        facts = derive(case(milestones=milestones, leadership_changes=changes))
        # 2017-10 may be before or after 2017-10-09, 2022-03 before or after the end in 2022.
        assert [c["during_partnership"] for c in facts.collections["leadership_changes"]] == [
            False,
            None,
            True,
            None,
        ]
        assert facts.scalars["leadership.changes"] == 1
        assert facts.scalars["leadership.changes_without_continuity"] == 0
        assert facts.scalars["leadership.months_to_first_change"] == 16
        assert [c["months_after_agreement"] for c in facts.collections["leadership_changes"]] == [
            -21,
            0,
            16,
            53,
        ]

    def test_activity_after_the_first_change(self) -> None:
        changes = [change("2019-02"), change("2020-01")]
        before = derive(
            case(
                milestones=[mou("2017")], leadership_changes=changes, activities=[activity("2018")]
            )
        )
        assert before.scalars["leadership.activity_after_change"] is False
        assert before.scalars["leadership.changes_without_continuity"] == 2
        later = derive(
            case(
                milestones=[mou("2017")],
                leadership_changes=changes,
                activities=[activity("2019-06")],
            )
        )
        assert later.scalars["leadership.activity_after_change"] is True
        assert later.collections["activities"][0]["after_leadership_change"] is True

    def test_no_agreement_means_unknown(self) -> None:
        facts = derive(case(leadership_changes=[change("2019")], activities=[activity("2020")]))
        assert facts.collections["leadership_changes"][0]["during_partnership"] is None
        assert facts.scalars["leadership.changes"] == 0
        assert facts.scalars["leadership.activity_after_change"] is None
        assert facts.collections["activities"][0]["after_leadership_change"] is None


class TestReciprocity:
    def test_both_sides_initiate(self) -> None:
        acts = [activity("2018", initiated_by="a"), activity("2019", initiated_by="b")]
        facts = derive(case(activities=acts))
        assert facts.scalars["reciprocity.initiators"] == 2
        assert facts.scalars["reciprocity.mutual"] is True

    def test_one_side_initiates(self) -> None:
        acts = [
            activity("2018", initiated_by="a"),
            activity("2019", initiated_by="a"),
            activity("2020"),
        ]
        facts = derive(case(activities=acts))
        assert facts.scalars["reciprocity.initiators"] == 1
        assert facts.scalars["reciprocity.mutual"] is False

    def test_sectors(self) -> None:
        acts = [
            activity("2018", participants=["youth", "business"]),
            activity("2019", participants=["business", "government"]),
        ]
        facts = derive(case(activities=acts))
        assert facts.scalars["sectors.participating"] == ("government", "business", "youth")
        assert facts.scalars["sectors.count"] == 3


class TestBudget:
    def test_all_earmarked(self) -> None:
        lines = [
            m.BudgetLine(partner="a", earmarked=True),
            m.BudgetLine(partner="b", earmarked=True),
        ]
        facts = derive(case(budget=lines))
        assert facts.scalars["budget.all_earmarked"] is True
        assert facts.scalars["budget.earmarked_partners"] == 2

    def test_one_side_unknown(self) -> None:
        facts = derive(case(budget=[m.BudgetLine(partner="a", earmarked=True)]))
        assert facts.scalars["budget.all_earmarked"] is None
        assert facts.scalars["budget.earmarked_partners"] == 1

    def test_one_side_without_a_line(self) -> None:
        lines = [
            m.BudgetLine(partner="a", earmarked=False, adequate=False, sources=("s1",)),
            m.BudgetLine(partner="a", earmarked=False, adequate=True),
        ]
        facts = derive(case(budget=lines))
        assert facts.scalars["budget.all_earmarked"] is False
        assert facts.sources["budget.all_earmarked"] == ("s1",)
        assert facts.scalars["budget.inadequate_partners"] == 1

    def test_no_lines(self) -> None:
        facts = derive(case())
        assert facts.scalars["budget.all_earmarked"] is None
        assert facts.scalars["budget.lines"] == 0


class TestInstitutions:
    def test_anchors_exclude_city_hall_agencies(self) -> None:
        institutions = [
            m.Institution(name="U", kind="university", partner="a"),
            m.Institution(name="C", kind="chamber", partner="a"),
            m.Institution(name="N", kind="ngo"),
            m.Institution(name="Office", kind="agency", partner="b"),
            m.Institution(name="Other", kind="other", partner="b"),
        ]
        facts = derive(case(institutions=institutions))
        assert facts.scalars["institutions.anchors"] == 3
        assert facts.scalars["institutions.anchor_sides"] == 1
        assert facts.scalars["institutions.anchor_kinds"] == ("university", "chamber", "ngo")
        anchors = {i["name"]: i["anchor"] for i in facts.collections["institutions"]}
        assert anchors == {"U": True, "C": True, "N": True, "Office": False, "Other": False}


class TestDistance:
    def test_largest_pairwise_distance(self) -> None:
        from geographiclib.geodesic import Geodesic

        third = m.Partner(id="c", name="C", country="CL", location=m.Point(lat=-33.45, lon=-70.67))
        partners = (*PARTNERS, third)
        expected = max(
            Geodesic.WGS84.Inverse(p.location.lat, p.location.lon, q.location.lat, q.location.lon)[
                "s12"
            ]
            for p in partners
            for q in partners
        )
        three = derive(case(partners=partners)).scalars["distance.great_circle_km"]
        assert round(expected / 1000, 1) == three
        assert three != derive(case()).scalars["distance.great_circle_km"]

    @pytest.mark.parametrize(
        ("factor", "disputed"), [(1.09, False), (0.91, False), (1.11, True), (0.89, True)]
    )
    def test_ten_percent_tolerance(self, factor: float, disputed: bool) -> None:
        km = derive(case()).scalars["distance.great_circle_km"]
        assert isinstance(km, float)
        recorded = m.Distance(km=round(km * factor), method="route", sources=("s1",))
        facts = derive(case(distance=recorded))
        assert disputed is facts.scalars["distance.disputed"]
        assert disputed is (facts.dispute("distance.great_circle_km") is not None)
        assert facts.scalars["distance.reported_km"] == round(km * factor)

    def test_great_circle_record_is_checked_but_not_reported(self) -> None:
        facts = derive(case(distance=m.Distance(km=5000, method="great_circle")))
        assert facts.scalars["distance.reported_km"] is None
        assert facts.scalars["distance.disputed"] is True


class TestClaims:
    def test_agreeing_claim_adds_its_sources(self) -> None:
        fields = [m.CooperationField(name="trade", status="implemented", sources=("s1",))]
        claim = m.Claim(fact="fields.agreed", value=1, sources=("s2",))
        facts = derive(case(fields=fields, claims=[claim]))
        assert facts.disputes == ()
        assert facts.sources["fields.agreed"] == ("s1", "s2")

    def test_claim_about_an_unknown_value(self) -> None:
        claim = m.Claim(fact="partnership.end_date", value="2022", sources=("s1",))
        facts = derive(case(claims=[claim]))
        dispute = facts.dispute("partnership.end_date")
        assert dispute is not None
        assert dispute.chosen is None
        assert [(None, ()), (m.PartialDate(2022), ("s1",))] == [
            (alt.value, alt.sources) for alt in dispute.alternatives
        ]
        assert "unknown" in dispute.note

    def test_claim_joins_a_milestone_dispute(self) -> None:
        claims = [
            m.Claim(fact="milestones.mou", value="2017-10-10", sources=("s3",)),
            m.Claim(fact="milestones.mou", value="2017-10", sources=("s2",)),
        ]
        facts = derive(case(milestones=[mou("2017-10-09", "s1"), mou("2017-10-10")], claims=claims))
        dispute = facts.dispute("milestones.mou")
        assert dispute is not None
        assert [alt.sources for alt in dispute.alternatives] == [("s1", "s2"), ("s3",)]
        assert facts.scalars["disputes.count"] == 1

    def test_number_claims_compare_with_tolerance(self) -> None:
        fields = [m.CooperationField(name=n, status="implemented") for n in "abc"]
        fields.append(m.CooperationField(name="d", status="planned"))
        claim = m.Claim(fact="fields.implementation_ratio", value=0.75)
        assert derive(case(fields=fields, claims=[claim])).disputes == ()

    def test_unknown_fact_is_an_error_with_a_suggestion(self) -> None:
        bad = case(claims=[m.Claim(fact="fields.agred", value=7)])
        with pytest.raises(CaseError) as info:
            derive(bad)
        assert isinstance(info.value, SisterevalError)
        [problem] = info.value.problems
        assert (problem.code, problem.location.path) == ("unknown-fact", "claims[0].fact")
        assert problem.suggestion == "did you mean 'fields.agreed'?"

    @pytest.mark.parametrize(
        ("fact", "value", "code", "path"),
        [
            ("fields.agreed", "seven", "claim-type", "claims[0].value"),
            ("fields.agreed", True, "claim-type", "claims[0].value"),
            ("fields.implementation_ratio", "high", "claim-type", "claims[0].value"),
            ("partnership.ended", 1, "claim-type", "claims[0].value"),
            ("partnership.stage", "dormant", "claim-type", "claims[0].value"),
            ("partnership.signed", "October", "claim-type", "claims[0].value"),
            ("partnership.signed", 2017.5, "claim-type", "claims[0].value"),
            ("sectors.participating", "youth", "claim-unsupported", "claims[0].fact"),
            ("disputes.count", 0, "claim-unsupported", "claims[0].fact"),
            ("activities", 3, "unknown-fact", "claims[0].fact"),
        ],
    )
    def test_bad_claims(self, fact: str, value: Any, code: str, path: str) -> None:
        bad = case(claims=[m.Claim(fact=fact, value=value)])
        [(where, got, _message, _hint)] = claim_problems(bad)
        assert (path, code) == (where, got)
        with pytest.raises(CaseError):
            derive(bad)

    def test_enum_claim_hint_lists_the_values(self) -> None:
        bad = case(claims=[m.Claim(fact="partnership.stage", value="dormant")])
        [(_path, _code, _message, hint)] = claim_problems(bad)
        assert hint == "one of 'exploring', 'loi', 'mou', 'active', 'suspended', 'lapsed', 'ended'"

    def test_good_claims_have_no_problems(self) -> None:
        claims = [
            m.Claim(fact="fields.agreed", value=7),
            m.Claim(fact="partnership.signed", value=2017),
            m.Claim(fact="partnership.stage", value="active"),
            m.Claim(fact="distance.great_circle_km", value=14312),
        ]
        assert claim_problems(case(claims=claims)) == []


class TestFacts:
    def test_immutable(self) -> None:
        facts = example("bandung-namur")
        with pytest.raises(TypeError):
            facts.scalars["fields.agreed"] = 7  # type: ignore[index]
        with pytest.raises(TypeError):
            facts.collections["fields"][0]["status"] = "implemented"  # type: ignore[index]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            facts.case_id = "x"  # type: ignore[misc]
        assert isinstance(facts.sources, types.MappingProxyType)

    def test_constructed_from_plain_dicts(self) -> None:
        facts = Facts(
            case_id="x",
            scalars={"fields.agreed": 3},
            collections={"fields": [{"name": "trade"}]},
            sources={"fields.agreed": ["s1"]},
        )
        assert facts.sources["fields.agreed"] == ("s1",)
        with pytest.raises(TypeError):
            facts.collections["fields"][0]["name"] = "y"  # type: ignore[index]

    def test_to_dict_is_json(self) -> None:
        data = example("bandung-namur").to_dict()
        text = json.dumps(data)
        again = json.loads(text)
        assert again["scalars"]["partnership.signed"] == "2017-10-09"
        assert again["scalars"]["partnership.end_date"] == "2022"
        assert again["collections"]["milestones"][1]["date"] == "2016-12"
        assert {"fact", "chosen", "alternatives", "note"} == set(again["disputes"][0])

    def test_deterministic(self) -> None:
        assert example("bandung-namur") == example("bandung-namur")


# --------------------------------------------------------------------------
# The schema and its documents


class TestSchema:
    def test_derive_produces_exactly_the_schema(self) -> None:
        facts = derive(case())
        assert_conforms(facts)

    def test_names(self) -> None:
        import re

        names = [f.name for f in FACT_SCHEMA.scalars]
        assert len(names) == len(set(names))
        for name in names:
            assert re.fullmatch(r"[a-z]+(_[a-z]+)*(\.[a-z]+(_[a-z]+)*)+", name), name
        for coll in FACT_SCHEMA.collections:
            assert re.fullmatch(r"[a-z]+(_[a-z]+)*", coll.name)
            attrs_ = [a.name for a in coll.items]
            assert len(attrs_) == len(set(attrs_))
            assert not {"id", "sid"} & set(attrs_), coll.name
        assert not any(part in {"id", "sid"} for name in names for part in name.split("."))
        assert FACT_SCHEMA.collection("findings") is None

    def test_required_collections(self) -> None:
        expected = {
            "fields": {"name", "status", "activity_count"},
            "activities": {
                "date",
                "kind",
                "field",
                "initiated_by",
                "participants",
                "after_leadership_change",
            },
            "leadership_changes": {
                "partner",
                "office",
                "date",
                "during_partnership",
                "continuity",
                "months_after_agreement",
            },
            "budget": {"partner", "year", "amount", "currency", "earmarked", "adequate"},
            "milestones": {"type", "date", "party"},
            "institutions": {"name", "kind", "partner"},
            "partners": {"code", "name", "country", "population"},
        }
        for name, wanted in expected.items():
            coll = FACT_SCHEMA.collection(name)
            assert coll is not None, name
            assert wanted <= {a.name for a in coll.items}, name

    def test_every_fact_is_described(self) -> None:
        for fact in FACT_SCHEMA.scalars:
            assert fact.description.endswith("."), fact.name
            assert (fact.type is FactType.ENUM) <= bool(fact.values), fact.name
        for coll in FACT_SCHEMA.collections:
            assert coll.description
            for attr in coll.items:
                assert attr.description.endswith("."), (coll.name, attr.name)

    def test_changeable(self) -> None:
        changeable = {f.name for f in FACT_SCHEMA.scalars if f.changeable}
        assert {
            "fields.implemented",
            "fields.implementation_ratio",
            "budget.all_earmarked",
            "leadership.changes_without_continuity",
            "assessments.shared_values",
        } <= changeable
        assert "partnership.stage" not in changeable
        fields = FACT_SCHEMA.collection("fields")
        assert fields is not None
        status = fields.item("status")
        assert status is not None
        assert status.changeable

    def test_document(self) -> None:
        doc = schema_document()
        assert json.loads(json.dumps(doc)) == doc
        assert doc["format"] == SCHEMA_FORMAT
        scalars = doc["scalars"]
        assert isinstance(scalars, list)
        assert [f.name for f in FACT_SCHEMA.scalars] == [s["name"] for s in scalars]
        by_name = {s["name"]: s for s in scalars}
        assert by_name["fields.implemented"]["changeable"] is True
        assert "changeable" not in by_name["fields.agreed"]
        assert by_name["partnership.stage"]["values"] == list(STAGES)
        assert by_name["distance.great_circle_km"]["unit"] == "km"

    def test_docs_are_in_sync(self) -> None:
        docs = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
        assert docs == schema_markdown(), (
            "regenerate with: python -m sistereval.facts > docs/facts.md"
        )

    def test_markdown_lists_every_name(self) -> None:
        text = schema_markdown()
        for fact in FACT_SCHEMA.scalars:
            assert f"| `{fact.name}` |" in text
        for coll in FACT_SCHEMA.collections:
            assert f"### {coll.name}\n" in text


# --------------------------------------------------------------------------
# Properties over generated cases

PARTNER_IDS = ("a", "b", "c")
SOURCE_IDS = ("s1", "s2", "s3")
FIELD_NAMES = ("economy", "education", "tourism", "sport")


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(1990, 2030))
    month = draw(st.none() | st.integers(1, 12))
    if month is None:
        return f"{year}"
    day = draw(st.none() | st.integers(1, 28))
    return f"{year}-{month:02d}" if day is None else f"{year}-{month:02d}-{day:02d}"


sources_lists = st.lists(st.sampled_from(SOURCE_IDS), max_size=2, unique=True).map(tuple)
CLAIMABLE = [
    f
    for f in FACT_SCHEMA.scalars
    if f.type is not FactType.LIST and not f.name.startswith("disputes.")
]


def claim_values(fact: FactDef) -> st.SearchStrategy[Any]:
    if fact.type is FactType.INTEGER:
        return st.integers(-3, 300)
    if fact.type is FactType.NUMBER:
        return st.integers(0, 20_000) | st.floats(0, 20_000, allow_nan=False)
    if fact.type is FactType.BOOLEAN:
        return st.booleans()
    if fact.type is FactType.ENUM:
        return st.sampled_from(fact.values)
    if fact.type is FactType.DATE:
        return partial_dates()
    return st.text(max_size=5)


@st.composite
def claims(draw: st.DrawFn) -> m.Claim:
    fact = draw(st.sampled_from(CLAIMABLE))
    return m.Claim(fact=fact.name, value=draw(claim_values(fact)), sources=draw(sources_lists))


@st.composite
def cases(draw: st.DrawFn) -> m.Case:
    n = draw(st.integers(2, 3))
    ids = PARTNER_IDS[:n]
    partners = [
        m.Partner(
            id=pid,
            name=pid.upper(),
            country=draw(st.sampled_from(["ID", "BE", "KR", "JP"])),
            location=m.Point(lat=draw(st.floats(-89, 89)), lon=draw(st.floats(-179, 179))),
            population=draw(st.none() | st.integers(1, 10**7)),
        )
        for pid in ids
    ]
    partner = st.sampled_from(ids)
    field_names = draw(st.lists(st.sampled_from(FIELD_NAMES), unique=True))
    milestones = draw(
        st.lists(
            st.builds(
                m.Milestone,
                type=st.sampled_from(list(m.MilestoneType)),
                date=partial_dates(),
                party=st.none() | partner,
                sources=sources_lists,
            ),
            max_size=6,
        )
    )
    fields = [
        m.CooperationField(
            name=name,
            status=draw(st.sampled_from(list(m.FieldStatus))),
            activities=draw(st.lists(st.sampled_from(["x", "y"]), max_size=2)),
            sources=draw(sources_lists),
        )
        for name in field_names
    ]
    activities = draw(
        st.lists(
            st.builds(
                m.Activity,
                date=partial_dates(),
                kind=st.sampled_from(list(m.ActivityKind)),
                field=st.none() | st.sampled_from(field_names) if field_names else st.none(),
                initiated_by=st.none() | partner,
                participants=st.lists(st.sampled_from(list(m.Sector)), max_size=3),
                sources=sources_lists,
            ),
            max_size=5,
        )
    )
    changes = draw(
        st.lists(
            st.builds(
                m.LeadershipChange,
                partner=partner,
                office=st.sampled_from(["mayor", "governor"]),
                date=partial_dates(),
                continuity=st.none() | st.booleans(),
                sources=sources_lists,
            ),
            max_size=3,
        )
    )
    budget = draw(
        st.lists(
            st.builds(
                m.BudgetLine,
                partner=partner,
                earmarked=st.booleans(),
                year=st.none() | st.integers(1990, 2030),
                amount=st.none() | st.integers(0, 10**6),
                adequate=st.none() | st.booleans(),
                sources=sources_lists,
            ),
            max_size=3,
        )
    )
    institutions = draw(
        st.lists(
            st.builds(
                m.Institution,
                name=st.sampled_from(["U", "C", "N"]),
                kind=st.sampled_from(list(m.InstitutionKind)),
                partner=st.none() | partner,
                sources=sources_lists,
            ),
            max_size=3,
        )
    )
    distance = draw(
        st.none()
        | st.builds(
            m.Distance,
            km=st.integers(1, 20_000),
            method=st.sampled_from(list(m.DistanceMethod)),
            sources=sources_lists,
        )
    )
    rating = st.none() | st.builds(
        m.Assessment, rating=st.sampled_from(list(m.Rating)), sources=sources_lists
    )
    assessments = m.Assessments(
        shared_values=draw(rating),
        community_participation=draw(rating),
        long_term_vision=draw(rating),
        institutional_support=draw(rating),
    )
    sources = [
        m.Source(
            id=sid,
            kind=draw(st.sampled_from(list(m.SourceKind))),
            citation=sid,
            reliability=draw(st.none() | st.sampled_from(list(m.Reliability))),
        )
        for sid in SOURCE_IDS
    ]
    undated = m.Case(
        id="generated",
        title="Generated",
        kind=draw(st.sampled_from(list(m.CaseKind))),
        partners=partners,
        milestones=milestones,
        fields=fields,
        activities=activities,
        leadership_changes=changes,
        budget=budget,
        institutions=institutions,
        distance=distance,
        assessments=assessments,
        claims=draw(st.lists(claims(), max_size=3)),
        sources=sources,
    )
    return with_reference_date(undated, draw(st.none() | partial_dates().map(m.PartialDate.parse)))


def shuffled(data: st.DataObject, items: tuple[Any, ...]) -> list[Any]:
    return list(data.draw(st.permutations(items)))


class TestProperties:
    @given(cases())
    def test_derive_never_raises_and_conforms(self, generated: m.Case) -> None:
        facts = derive(generated)
        assert_conforms(facts)
        ratio = facts.scalars["fields.implementation_ratio"]
        assert ratio is None or 0 <= ratio <= 1  # type: ignore[operator]
        assert (facts.scalars["partnership.stage"] == "ended") is facts.scalars["partnership.ended"]
        for dispute in facts.disputes:
            assert len(dispute.alternatives) >= 2
            assert any(alt.value == dispute.chosen for alt in dispute.alternatives)
        json.dumps(facts.to_dict())

    @given(cases(), st.data())
    def test_independent_of_list_order(self, generated: m.Case, data: st.DataObject) -> None:
        reordered = attrs.evolve(
            generated,
            partners=shuffled(data, generated.partners),
            milestones=shuffled(data, generated.milestones),
            fields=shuffled(data, generated.fields),
            activities=shuffled(data, generated.activities),
            leadership_changes=shuffled(data, generated.leadership_changes),
            budget=shuffled(data, generated.budget),
            institutions=shuffled(data, generated.institutions),
            claims=shuffled(data, generated.claims),
            sources=shuffled(data, generated.sources),
        )
        assert _by_partner_code(derive(generated)) == _by_partner_code(derive(reordered))

    @given(cases(), st.data())
    def test_implementing_a_field_never_sets_the_partnership_back(
        self, generated: m.Case, data: st.DataObject
    ) -> None:
        assume(generated.fields)
        i = data.draw(st.integers(0, len(generated.fields) - 1))
        fields = list(generated.fields)
        fields[i] = attrs.evolve(fields[i], status="implemented")
        before = derive(generated).scalars
        after = derive(attrs.evolve(generated, fields=fields)).scalars
        gained = after["fields.implemented"] - before["fields.implemented"]  # type: ignore[operator]
        assert gained in (0, 1)
        if before["fields.implementation_ratio"] is not None:  # unknown while a status is
            assert after["fields.implementation_ratio"] >= before["fields.implementation_ratio"]  # type: ignore[operator]
        assert STAGES.index(str(after["partnership.stage"])) >= STAGES.index(
            str(before["partnership.stage"])
        )


def _by_partner_code(facts: Facts) -> Facts:
    """``facts`` with the ``partners`` collection sorted by code: that collection keeps the
    case file's order (what ``whatif --set partners[N]`` and ``explain`` number), every
    other fact is independent of the order of the case's lists."""
    collections = dict(facts.collections)
    collections["partners"] = tuple(sorted(collections["partners"], key=lambda p: str(p["code"])))
    return attrs.evolve(facts, collections=types.MappingProxyType(collections))


class TestSharedStrategy:
    """The same properties over ``sistereval.strategies.cases()`` (wider dates and values)."""

    @given(shared_cases(), st.data())
    def test_conforms_and_independent_of_list_order(
        self, generated: m.Case, data: st.DataObject
    ) -> None:
        facts = derive(generated)
        assert_conforms(facts)
        reordered = attrs.evolve(
            generated,
            activities=shuffled(data, generated.activities),
            fields=shuffled(data, generated.fields),
            milestones=shuffled(data, generated.milestones),
            leadership_changes=shuffled(data, generated.leadership_changes),
        )
        assert facts == derive(reordered)


def _timeline_refused(case: m.Case, facts: Facts) -> bool:
    """Whether the case dates its reference date or its end before its agreement date.

    Validation refuses such a timeline (the ranges of the partnership's durations
    rest on it, their ``range_note`` says so): a generated case that has one is
    not held to those ranges.
    """
    signed = facts.scalars["partnership.signed"]
    if not isinstance(signed, m.PartialDate):
        return False
    ends = [case.as_of, *(x.date for x in case.milestones if x.type is m.MilestoneType.ENDED)]
    return any(
        end is not None and (end.year, end.month or 1) < (signed.year, signed.month or 1)
        for end in ends
    )


def _number(value: FactValue) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class TestDeclaredRanges:
    """Every range and relation the schema declares holds for the facts ``derive`` gives."""

    def test_the_ranges_the_checks_need_are_declared(self) -> None:
        ratio = FACT_SCHEMA.scalar("fields.implementation_ratio")
        assert ratio is not None
        assert (0, 1) == (ratio.minimum, ratio.maximum)
        for fact in FACT_SCHEMA.scalars:
            if fact.type is FactType.INTEGER and fact.description.startswith("The number of"):
                assert fact.minimum is not None, fact.name
        texts = [relation.text for relation in FACT_SCHEMA.relations]
        assert "fields.implementation_ratio == fields.implemented / fields.agreed" in texts

    def test_documented(self) -> None:
        document = schema_document()
        scalars = {entry["name"]: entry for entry in document["scalars"]}  # type: ignore[attr-defined]
        assert 1 == scalars["fields.implementation_ratio"]["maximum"]
        assert len(FACT_SCHEMA.relations) == len(document["relations"])  # type: ignore[arg-type]
        assert "`0 <= fields.implementation_ratio <= 1`" in schema_markdown()

    @given(st.one_of(shared_cases(), shared_cases(signed=True, max_items=4)))
    def test_every_range_and_relation_holds(self, generated: m.Case) -> None:
        facts = derive(generated)
        refused = _timeline_refused(generated, facts)
        for fact in FACT_SCHEMA.scalars:
            value = _number(facts.scalars[fact.name])
            if value is None or (fact.range_note and refused):
                continue
            if fact.minimum is not None:
                assert value >= fact.minimum, (fact.name, value)
            if fact.maximum is not None:
                assert value <= fact.maximum, (fact.name, value)
        for relation in FACT_SCHEMA.relations:
            values = [_number(facts.scalars[name]) for name in relation.facts]
            if any(value is None for value in values):
                continue
            *parts, total = [value for value in values if value is not None]
            if relation.kind == "ratio":
                assert parts[1] > 0, relation.text
                assert math.isclose(total, parts[0] / parts[1]), relation.text
            elif relation.op == "==":
                assert sum(parts) == total, relation.text
            else:
                assert sum(parts) <= total, relation.text

    def test_durations_rest_on_the_timeline(self) -> None:
        """A reference date before the agreement is refused, so durations are never negative."""
        case = load_case(EXAMPLES / "bandung-suwon.yaml")
        with pytest.raises(CaseError) as caught:
            attrs.evolve(case, as_of=m.PartialDate(1990))
        codes = {p.code for p in caught.value.problems}
        assert {"as-of-before-agreement", "after-as-of"} == codes
        months = FACT_SCHEMA.scalar("partnership.months_active")
        assert months is not None
        assert 0 == months.minimum
        assert months.range_note.startswith("holds for the cases validation accepts")
