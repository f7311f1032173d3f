"""case@2: what real partnerships do, expressible and evaluated as an evaluator expects."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from sistereval import evaluate, explain
from sistereval.cases import load_case, upgrade_data
from sistereval.errors import CaseError
from sistereval.explanation import dispute_verdicts, render_explanation
from sistereval.facts import derive

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


def facts(**keys: Any) -> dict[str, Any]:
    return dict(derive(case(**keys)).scalars)


class TestLifecycle:
    def test_lapsed_and_renewed_is_not_ended(self) -> None:
        f = facts(
            as_of=2020,
            milestones=[
                {"type": "mou", "date": 2005, "term_years": 5},
                {"type": "lapsed", "date": 2011},
                {"type": "renewal", "date": 2015},
            ],
            fields=[{"name": "trade", "status": "implemented"}],
        )
        assert f["partnership.stage"] == "active"
        assert f["partnership.ended"] is False
        assert f["partnership.lapsed"] is False
        assert f["partnership.lapses"] == 1
        assert f["partnership.renewals"] == 1

    def test_a_term_that_runs_out_is_a_lapse(self) -> None:
        f = facts(as_of=2020, milestones=[{"type": "mou", "date": 2010, "term_years": 5}])
        assert f["partnership.stage"] == "lapsed"
        assert f["partnership.lapses"] == 1

    def test_suspended_then_resumed(self) -> None:
        milestones = [
            {"type": "mou", "date": 2000},
            {"type": "suspended", "date": 2012},
        ]
        assert facts(as_of=2015, milestones=milestones)["partnership.stage"] == "suspended"
        resumed = [*milestones, {"type": "resumed", "date": 2014}]
        # resuming it shows the partners kept it going (its implementation is not recorded)
        assert facts(as_of=2015, milestones=resumed)["partnership.stage"] == "active"

    def test_ended_then_signed_again(self) -> None:
        f = facts(
            as_of=2020,
            milestones=[
                {"type": "mou", "date": 2000},
                {"type": "ended", "date": 2008},
                {"type": "mou", "date": 2016},
            ],
        )
        assert f["partnership.stage"] == "mou"
        assert f["partnership.ended"] is False

    def test_a_renewal_after_the_end_stands_active_when_implementation_is_unknown(
        self,
    ) -> None:
        """Renewing an ended partnership is evidence it lives (``check core --seed 2``
        found a renewal turning an ended success into an unimplemented MoU, partial)."""
        ended = [{"type": "mou", "date": 2005}, {"type": "ended", "date": 2012}]
        renewed = [*ended, {"type": "renewal", "date": 2015}]
        assert facts(as_of=2020, milestones=renewed)["partnership.stage"] == "active"
        assert facts(as_of=2020, milestones=renewed)["partnership.carried_out"] is None
        none_ran = [{"name": "trade", "status": "not_implemented"}]
        assert facts(as_of=2020, milestones=renewed, fields=none_ran)["partnership.stage"] == "mou"
        assessed = {
            k: {"rating": "strong"}
            for k in ("shared_values", "community_participation", "long_term_vision")
        }
        before = evaluate(case(as_of=2020, milestones=ended, assessments=assessed)).verdict
        after = evaluate(case(as_of=2020, milestones=renewed, assessments=assessed)).verdict
        assert ("success", "success") == (before, after)

    def test_a_lapse_does_not_hide_that_it_never_ran(self) -> None:
        c = case(
            as_of=2020,
            milestones=[{"type": "mou", "date": 2010}, {"type": "lapsed", "date": 2015}],
            fields=[{"name": "trade", "status": "not_implemented"}],
        )
        rules = [f.rule for f in evaluate(c).findings]
        assert "agreement-never-implemented" in rules


class TestReferenceDate:
    def test_signed_with_nothing_after_is_judged_at_a_stated_date(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
        c = case(
            milestones=[{"type": "mou", "date": 2008, "sources": ["s"]}],
            fields=[{"name": "trade", "status": "not_implemented", "sources": ["s"]}],
            sources=[{"id": "s", "kind": "news", "citation": "A report", "published": 2012}],
        )
        f = dict(derive(c).scalars)
        assert str(f["partnership.as_of"]) == "2012"
        assert f["partnership.as_of_basis"] == "sources"
        finding = {x.rule: x for x in evaluate(c).findings}["agreement-never-implemented"]
        assert "2012" in finding.message

    def test_without_any_date_the_evaluation_date(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
        f = facts(milestones=[{"type": "mou", "date": 2008}])
        assert str(f["partnership.as_of"]) == "2025-01-01"
        assert f["partnership.as_of_basis"] == "evaluation_date"

    def test_as_of_before_the_mou_is_refused(self) -> None:
        with pytest.raises(CaseError) as error:
            case(as_of=2005, milestones=[{"type": "mou", "date": 2007}])
        codes = {p.code for p in error.value.problems}
        assert {"as-of-before-agreement", "after-as-of"} <= codes

    def test_case_v1_keeps_its_reference_date(self) -> None:
        data = {
            "format": "sistereval/case@1",
            "id": "t",
            "title": "T",
            "kind": "sister_city",
            "partners": PARTNERS,
            "milestones": [{"type": "mou", "date": 2008}],
        }
        assert upgrade_data(data)["as_of"] == 2008
        assert str(load_case(data).as_of) == "2008"


class TestFractions:
    @pytest.mark.parametrize(
        ("implemented", "agreed", "rule"),
        [
            (1, 3, "some-fields-implemented"),  # exactly a third is a third
            (2, 6, "some-fields-implemented"),
            (1, 4, "few-fields-implemented"),
            (2, 3, "most-fields-implemented"),  # exactly two thirds
            (4, 6, "most-fields-implemented"),
        ],
    )
    def test_thresholds_are_exact(self, implemented: int, agreed: int, rule: str) -> None:
        fields = [
            {"name": f"f{i}", "status": "implemented" if i < implemented else "not_implemented"}
            for i in range(agreed)
        ]
        c = case(as_of=2020, milestones=[{"type": "mou", "date": 2015}], fields=fields)
        fired = {f.rule for f in evaluate(c).findings}
        bands = {"few-fields-implemented", "some-fields-implemented", "most-fields-implemented"}
        assert fired & bands == {rule}

    def test_unknown_status_is_not_counted_as_absent(self) -> None:
        fields = [{"name": "a", "status": "implemented"}] + [
            {"name": f"u{i}", "status": "unknown"} for i in range(3)
        ]
        c = case(as_of=2020, milestones=[{"type": "mou", "date": 2015}], fields=fields)
        fired = {f.rule for f in evaluate(c).findings}
        assert "few-fields-implemented" not in fired  # 1 of 4 known, 3 may have run


class TestImpreciseTime:
    def test_undated_activity_is_evidence_but_moves_no_date(self) -> None:
        f = facts(
            as_of=2020,
            milestones=[{"type": "mou", "date": 2010}],
            activities=[{"kind": "visit", "date": 2012}, {"kind": "exchange"}],
        )
        assert f["partnership.stage"] == "active"
        assert f["partnership.carried_out"] is True
        assert f["partnership.months_since_last_evidence"] == 96  # from 2012, not from "now"
        assert f["activities.undated"] == 1

    def test_approximate_dates_keep_their_bounds(self) -> None:
        c = case(
            as_of=2020,
            milestones=[{"type": "mou", "date": "circa 2010"}],
            activities=[{"kind": "visit", "date": "2012/2015", "recurring": True}],
        )
        f = dict(derive(c).scalars)
        assert f["partnership.signed"] is None  # approximate: not a date to compare
        assert f["partnership.months_active"] == 108  # the fewest months: from 2011
        assert str(f["activities.last_date"]) == "2015"
        assert c.activities[0].date.start.year == 2012

    @pytest.mark.parametrize(
        "text", ["circa 2010", "2010~", "2010/2015", "before 2019", "after 2010"]
    )
    def test_span_round_trip(self, text: str) -> None:
        from sistereval.cases import dump_case

        c = case(activities=[{"kind": "visit", "date": text}])
        assert load_case(dump_case(c)) == c


class TestNegativesAndParties:
    def test_recorded_negative_differs_from_absence(self) -> None:
        negative = facts(
            milestones=[{"type": "central_approval", "happened": False, "sources": ["s"]}],
            sources=[{"id": "s", "kind": "official", "citation": "Register"}],
        )
        assert negative["milestones.has_central_approval"] is False
        assert facts()["milestones.has_central_approval"] is None

    def test_milestone_relates_to_its_party(self) -> None:
        c = case(milestones=[{"type": "council_approval", "date": 2016, "party": "a"}])
        items = derive(c).collections["milestones"]
        assert items[0]["party_country"] == "ID"


class TestExplainBugs:
    """Bugs the lifecycle issue lists for ``explain``."""

    LOI: ClassVar[dict[str, Any]] = {
        "as_of": 2020,
        "milestones": [{"type": "loi", "date": "2019-05", "sources": ["s"]}],
        "sources": [{"id": "s", "kind": "news", "citation": "S"}],
    }

    def test_a_finding_that_did_not_decide_is_listed(self) -> None:
        text = render_explanation(explain(case(**self.LOI)))
        outside = text.index("fired, outside the deciding chain:")
        assert text.index("- letter-of-intent-only [risk", outside) > outside

    @pytest.mark.parametrize(
        ("language", "heading", "better"),
        [
            ("en", "rules that would give a verdict:", "rules for a better verdict"),
            ("id", "aturan yang akan memberi putusan:", "aturan untuk putusan yang lebih baik"),
        ],
    )
    def test_without_a_verdict_no_rule_is_for_a_better_one(
        self, language: str, heading: str, better: str
    ) -> None:
        text = render_explanation(explain(case(**self.LOI), language=language))
        assert heading in text
        assert better not in text


class TestDisputedEnd:
    def test_a_claim_that_it_did_not_end_is_judged_in_force(self) -> None:
        """The verdict under a claimed ``partnership.ended: false`` re-derives the stage
        (it stayed ``ended``, so the claim could not change the verdict)."""
        ended = case(
            as_of=2021,
            milestones=[
                {"type": "mou", "date": 2010, "sources": ["s"]},
                {"type": "ended", "date": 2020, "sources": ["s"]},
            ],
            fields=[
                {"name": "trade", "status": "implemented", "sources": ["s"]},
                *({"name": n, "status": "not_implemented"} for n in ("a", "b", "c", "d")),
            ],
            claims=[{"fact": "partnership.ended", "value": False, "sources": ["t"]}],
            sources=[
                {"id": "s", "kind": "literature", "citation": "S"},
                {"id": "t", "kind": "news", "citation": "T"},
            ],
        )
        (dispute,) = [d for d in dispute_verdicts(ended) if d.fact == "partnership.ended"]
        assert {True: "failure", False: "partial"} == {
            a.value: a.verdict for a in dispute.alternatives
        }
        assert dispute.verdict_depends


class TestEvaluatorRecords:
    """What an evaluator records (OECD DAC: effectiveness, impact, efficiency,
    coherence; external shocks; evidence types) is held, measured and read by core."""

    def evaluation(self) -> Any:
        return evaluate(
            case(
                as_of=2021,
                milestones=[{"type": "mou", "date": 2012, "sources": ["eval"]}],
                fields=[{"name": "education", "status": "implemented", "sources": ["eval"]}],
                objectives=[
                    {"name": "exchange teachers", "attainment": "achieved", "indicator": "n"},
                    {"name": "school twinning", "attainment": "achieved"},
                    {"name": "joint curriculum", "attainment": "not_achieved"},
                ],
                outputs=[{"description": "teacher exchange", "date": 2015, "beneficiaries": 40}],
                budget=[
                    {
                        "partner": "a",
                        "earmarked": True,
                        "amount": 1000,
                        "currency": "EUR",
                        "spent": 800,
                        "co_funding": 500,
                        "co_funders": ["EU"],
                    },
                ],
                shocks=[{"kind": "pandemic", "description": "COVID-19", "date": 2020}],
                programmes=[{"name": "Asia-Europe school network"}],
                # known only as "at the end of their terms": undated
                leadership_changes=[
                    {"partner": "a", "office": "mayor", "reason": "end of term", "sources": ["s"]}
                ],
                sources=[
                    {
                        "id": "eval",
                        "kind": "literature",
                        "citation": "E",
                        "evidence": "independent_evaluation",
                    },
                    {"id": "s", "kind": "news", "citation": "S", "evidence": "news_report"},
                ],
            )
        )

    def test_measured(self) -> None:
        scalars = self.evaluation().trace.facts.scalars
        assert (3, 2, 1, 1) == (
            scalars["objectives.count"],
            scalars["objectives.achieved"],
            scalars["objectives.not_achieved"],
            scalars["objectives.with_indicator"],
        )
        assert (1, 40, True) == (
            scalars["outputs.count"],
            scalars["outputs.beneficiaries"],
            scalars["budget.co_funded"],
        )
        assert (1, True, 1) == (
            scalars["shocks.count"],
            scalars["shocks.during_partnership"],
            scalars["programmes.count"],
        )
        assert 1 == scalars["evidence.independent_evaluations"]

    def test_read_by_core(self) -> None:
        fired = {f.rule for f in self.evaluation().findings}
        assert {
            "objectives-mostly-achieved",
            "co-funded",
            "linked-to-programmes",
            "external-shock",
        } <= fired


class TestLifecycleOrder:
    def test_an_end_reported_over_a_range_ends_the_mou_of_its_first_year(self) -> None:
        """Nothing ends before it is signed: ``ended: 2008/2017`` beside ``mou: 2008``
        (the range sorts first by its first day) ends that MoU."""
        milestones = [{"type": "mou", "date": 2008}, {"type": "ended", "date": "2008/2017"}]
        assert facts(as_of=2017, milestones=milestones)["partnership.stage"] == "ended"

    def test_an_end_certainly_before_the_agreement_stays_before_it(self) -> None:
        milestones = [{"type": "ended", "date": 2001}, {"type": "mou", "date": 2008}]
        assert facts(as_of=2017, milestones=milestones)["partnership.stage"] == "mou"

    def test_two_stops_moved_past_the_agreement_keep_their_order(self) -> None:
        """A lapse and an end both reported over ``2008/2017`` beside an MoU of June 2008
        (both sort first by their first day) both follow the MoU in their own order, a
        lapse then an end, as the same two events dated after the MoU do."""
        mou = {"type": "mou", "date": "2008-06-01"}

        def lapses(date: str) -> object:
            stops = [{"type": t, "date": date} for t in ("lapsed", "ended")]
            return facts(as_of=2017, milestones=[mou, *stops])["partnership.lapses"]

        assert (1, 1) == (lapses("2008/2017"), lapses("2012"))

    def test_an_end_known_only_as_a_range_is_not_known_early(self) -> None:
        """``ended-early`` needs the most years the dates allow below five: an MoU of
        2008 ended 2008/2017 may have run nine years."""
        milestones = [{"type": "mou", "date": 2008}, {"type": "ended", "date": "2008/2017"}]
        f = facts(as_of=2017, milestones=milestones)
        assert (0, 108) == (f["partnership.months_active"], f["partnership.most_months_active"])
        rules = {x.rule for x in evaluate(case(as_of=2017, milestones=milestones)).findings}
        assert "ended-early" not in rules
        early = [{"type": "mou", "date": 2008}, {"type": "ended", "date": "2009/2011"}]
        rules = {x.rule for x in evaluate(case(as_of=2017, milestones=early)).findings}
        assert "ended-early" in rules

    def test_a_dormant_agreement_does_not_count_its_silent_years(self) -> None:
        """``long-running`` needs ten years from the agreement to the last evidence of
        activity: an MoU of 2000 with one visit in 2002, judged in 2020, is dormant, not
        long-running."""
        base = {"as_of": 2020, "milestones": [{"type": "mou", "date": 2000}]}
        silent = evaluate(case(**base, activities=[{"kind": "visit", "date": 2002}]))
        lived = evaluate(case(**base, activities=[{"kind": "visit", "date": 2015}]))
        assert {"dormant"} <= {f.rule for f in silent.findings}
        assert "long-running" not in {f.rule for f in silent.findings}
        assert "long-running" in {f.rule for f in lived.findings}


class TestLeadershipUnknown:
    def test_an_activity_that_may_follow_the_change_leaves_it_unknown(self) -> None:
        keys = {
            "as_of": 2020,
            "milestones": [{"type": "mou", "date": 2010}],
            "leadership_changes": [{"partner": "a", "office": "mayor", "date": "2013-09"}],
        }
        maybe = facts(**keys, activities=[{"kind": "visit", "date": "2012/2015"}])
        before = facts(**keys, activities=[{"kind": "visit", "date": 2011}])
        after = facts(**keys, activities=[{"kind": "visit", "date": 2016}])
        assert (None, False, True) == tuple(
            f["leadership.activity_after_change"] for f in (maybe, before, after)
        )


class TestPartnerOrder:
    def test_partners_are_numbered_as_in_the_case_file(self) -> None:
        """``partners[N]`` in explanations is the case file's N (what ``whatif --set
        partners[N]`` edits), not a sorted order."""
        c = case(partners=[PARTNERS[1], PARTNERS[0]])
        codes = [p["code"] for p in derive(c).collections["partners"]]
        assert ["b", "a"] == codes
