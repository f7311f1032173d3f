"""Honest certainty (issue 13): independent sources, disputes that propagate, and the
decision record's ``certainty`` section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sistereval import evaluate
from sistereval.cases import load_case
from sistereval.certainty import assess
from sistereval.errors import CaseError
from sistereval.evaluation import quick_verdict
from sistereval.explanation import dispute_verdicts
from sistereval.facts import derive, dispute_variants, disputed_facts, evidence_lines
from sistereval.language import rule_set

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

    def test_a_claimed_date_the_case_cannot_hold_changes_the_fact_alone(self) -> None:
        """A claimed letter of intent after the reference date cannot be a record of the
        case: that side replaces the date alone instead of failing."""
        c = case(
            as_of=2000,
            milestones=[{"type": "mou", "date": 2000}],
            claims=[{"fact": "milestones.loi", "value": 2001}],
        )
        (sides,) = dispute_variants(c, derive(c))
        assert ["fact", "fact"] == [s.method for s in sides]


# --------------------------------------------------------------------------
# The decision record's certainty section

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "sistereval" / "examples"
RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}


def namur() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "bandung-namur.yaml").read_text(encoding="utf-8"))


def certainty_of(data: Any, rules: Any = None) -> Any:
    certainty = evaluate(load_case(data) if isinstance(data, dict) else data, rules).certainty
    assert certainty is not None
    return certainty


class TestExamples:
    @pytest.mark.parametrize(
        ("name", "verdict", "grade"),
        [
            ("bandung-namur", "failure", "high"),
            ("surabaya-kitakyushu", "success", "medium"),
            ("bandung-suwon", "partial", "low"),
        ],
    )
    def test_each_verdict_holds_whatever_its_unknown_and_disputed_facts(
        self, name: str, verdict: str, grade: str
    ) -> None:
        evaluation = evaluate(EXAMPLES / f"{name}.yaml")
        record = evaluation.to_dict()["certainty"]
        assert (verdict, "always", grade) == (
            evaluation.verdict,
            record["robust"]["status"],
            record["grade"],
        )
        assert "assessments.shared_values" in record["robust"]["unknown"]

    def test_namur_names_its_disputes_and_what_they_reach(self) -> None:
        record = evaluate(EXAMPLES / "bandung-namur.yaml").to_dict()["certainty"]
        assert ["distance.great_circle_km", "fields.agreed", "milestones.mou"] == record["robust"][
            "disputed"
        ]
        support = {s["fact"]: s for s in record["support"]}
        assert support["fields.agreed"]["disputed"]
        assert {"independent_evaluation": ["bachtiar2024"]} == (
            support["partnership.stage"]["sources"]
        )
        assert ["partnership.signed"] == next(
            d["affects"] for d in record["disputes"] if d["fact"] == "milestones.mou"
        )

    def test_confidence_stays_one_release_and_the_record_row_has_the_grade(self) -> None:
        evaluation = evaluate(EXAMPLES / "bandung-namur.yaml")
        assert 0.64 == evaluation.to_dict()["confidence"]
        row = evaluation.to_record()
        assert ("high", "always") == (row["certainty_grade"], row["robust"])


class TestWhy:
    """One regression test per bullet of issue 13's "Why"."""

    def test_removing_the_budget_facts_does_not_raise_support(self) -> None:
        before = certainty_of(namur())
        data = namur()
        del data["budget"]
        after = certainty_of(data)
        assert RANK[after.grade] <= RANK[before.grade]
        assert after.independent <= before.independent

    def test_splitting_a_source_does_not_raise_support(self) -> None:
        """The thesis as one id, then as three ids (the same citation; or resting on each
        other): the support of every fact and the grade stay the same."""
        before = certainty_of(namur())
        for how in ("citation", "based_on"):
            data = namur()
            thesis = next(s for s in data["sources"] if s["id"] == "bachtiar2024")
            parts = []
            for n in (2, 3):
                part = {**thesis, "id": f"bachtiar2024-{n}"}
                if how == "based_on":
                    part.update(
                        citation=f"{thesis['citation']} (part {n})", based_on=["bachtiar2024"]
                    )
                parts.append(part)
            data["sources"].extend(parts)
            for i, field in enumerate(data["fields"]):
                if "bachtiar2024" in field["sources"]:
                    field["sources"].append(parts[i % 2]["id"])
            for key in ("budget", "leadership_changes", "milestones"):
                for item in data[key]:
                    if "bachtiar2024" in item["sources"]:
                        item["sources"].extend(p["id"] for p in parts)
            after = certainty_of(data)
            assert (before.grade, before.independent) == (after.grade, after.independent)
            assert [s.independent for s in before.support] == [s.independent for s in after.support]

    def test_a_dated_dispute_makes_years_active_disputed(self) -> None:
        c = case(**DATED)
        certainty = certainty_of(c)
        (reach,) = certainty.disputes
        assert "partnership.years_active" in reach.affects
        derived = [s for s in certainty.support if s.derived_from == ("milestones.mou",)]
        assert derived
        assert all(s.disputed for s in derived)

    def test_unknown_facts_count(self) -> None:
        """Missing data is not "no obstacle": a verdict that an unknown fact can flip
        says so, names the fact and the verdict under it, and cannot grade high."""
        certainty = certainty_of(
            case(
                fields=[{"name": "trade", "status": "implemented", "sources": ["s", "t"]}],
                sources=[
                    {"id": "s", "kind": "official", "citation": "S", "evidence": "official_record"},
                    {"id": "t", "kind": "news", "citation": "T", "evidence": "news_report"},
                ],
            ),
            CO_FUNDED,
        )
        robust = certainty.robust
        assert ("depends", "search") == (robust.status, robust.method)
        assert ("budget.co_funded",) == robust.depends_on
        # false acts as unknown does (the rule is false either way): not tried
        assert [({"budget.co_funded": True}, "failure")] == [
            (dict(o.changes), o.verdict) for o in robust.outcomes
        ]
        assert "medium" == certainty.grade

    def test_a_case_with_no_real_evidence_gets_no_high_grade(self) -> None:
        base = {
            "as_of": 2022,
            "milestones": [{"type": "mou", "date": 2010}],
            "fields": [
                {"name": "trade", "status": "implemented"},
                *({"name": n, "status": "not_implemented"} for n in ("a", "b", "c")),
            ],
        }
        assert "none" == certainty_of(case(**base)).grade
        unmarked = {
            **base,
            "fields": [{**f, "sources": ["x", "y"]} for f in base["fields"]],
            "sources": [
                {"id": "x", "kind": "document", "citation": "X"},
                {"id": "y", "kind": "document", "citation": "Y"},
            ],
        }
        assert "medium" == certainty_of(case(**unmarked)).grade

    def test_the_register_row_and_its_case_file_get_the_same_certainty(self) -> None:
        """The certainty depends on what a case records, not on how it was entered: the
        register row and the same case written as a case file get the same record, and
        the row's verdict holds as the fuller case file's does."""
        from sistereval.cases import case_to_dict
        from sistereval.cases.register import load_row, read_rows

        text = (EXAMPLES / "register.csv").read_text(encoding="utf-8")
        for row in read_rows(text, "register.csv"):
            entered = load_row(row)
            as_file = load_case(yaml.safe_dump(case_to_dict(entered), allow_unicode=True))
            assert certainty_of(entered).to_dict() == certainty_of(as_file).to_dict()
            full = certainty_of(EXAMPLES / f"{entered.id}.yaml")
            assert full.robust.status == certainty_of(entered).robust.status


CO_FUNDED = {
    "format": "sistereval/rules@1",
    "id": "co-funded-test",
    "version": "1",
    "title": "T",
    "languages": ["en"],
    "verdicts": {"scale": ["success", "failure"], "policy": "worst"},
    "rules": [
        {
            "id": "co-funded-fails",
            "title": "Co-funded",
            "when": "budget.co_funded",
            "then": {"verdict": "failure"},
            "because": {"en": "x"},
            "source": "test",
        },
        {
            "id": "fields-succeed",
            "title": "Fields",
            "when": "fields.implemented >= 1",
            "then": {"verdict": "success"},
            "because": {"en": "x"},
            "source": "test",
        },
    ],
}


class TestSearchLimit:
    def test_the_limit_gives_unknown_limit(self) -> None:
        """A verdict that only all five unknown facts together could flip: the bounded
        search stops at its limit and says so."""
        rules = {
            **CO_FUNDED,
            "rules": [
                {
                    **CO_FUNDED["rules"][0],
                    "when": " and ".join(
                        f'assessments.{n} == "strong"'
                        for n in (
                            "shared_values",
                            "community_participation",
                            "long_term_vision",
                            "institutional_support",
                        )
                    ),
                },
                CO_FUNDED["rules"][1],
            ],
        }
        evaluation = evaluate(
            case(fields=[{"name": "trade", "status": "implemented"}]), rule_set(rules)
        )
        trace = evaluation.trace
        assert trace is not None

        def verdict_of(variant: Any) -> str:
            return quick_verdict(trace.ruleset, variant, trace.backend)

        small = assess(
            trace.case,
            trace.ruleset,
            trace.facts,
            evaluation.verdict,
            [],
            verdict_of,
            fired=trace.firing.fired,
            decided=True,
            limit=5,
        ).robust
        assert ("unknown-limit", 5) == (small.status, small.searched)
        assert evaluation.certainty is not None
        full = evaluation.certainty.robust
        assert "depends" == full.status
        assert {
            "assessments.shared_values": "strong",
            "assessments.community_participation": "strong",
            "assessments.long_term_vision": "strong",
            "assessments.institutional_support": "strong",
        } in [dict(o.changes) for o in full.outcomes if o.verdict == "failure"]


class TestPlainWords:
    """explain, report (all formats) and whatif say the certainty in both languages."""

    @pytest.mark.parametrize(
        ("language", "heading", "holds"),
        [
            ("en", "certainty:", "the verdict holds whatever the unknown facts are"),
            ("id", "kepastian:", "putusan tetap berlaku apa pun nilai fakta"),
        ],
    )
    def test_explain(self, language: str, heading: str, holds: str) -> None:
        from sistereval import explain
        from sistereval.explanation import render_explanation

        text = render_explanation(
            explain(EXAMPLES / "bandung-namur.yaml", language=language)  # type: ignore[arg-type]
        )
        section = text[text.index(f"  {heading}") :]
        assert holds in section
        assert "milestones.mou" in section
        assert "partnership.signed" in section

    def test_what_would_flip_the_verdict(self) -> None:
        from sistereval.explanation import render_certainty
        from sistereval.messages import LABELS

        c = case(fields=[{"name": "trade", "status": "implemented"}])
        evaluation = evaluate(c, rule_set(CO_FUNDED), language="id")
        assert evaluation.certainty is not None
        lines = render_certainty(evaluation.certainty, evaluation.verdict, "id", LABELS["id"])
        assert "    putusan bergantung pada: budget.co_funded" in lines
        assert "      - jika budget.co_funded = true: putusan gagal" in lines

    @pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
    @pytest.mark.parametrize(("language", "heading"), [("en", "Certainty"), ("id", "Kepastian")])
    def test_report(self, fmt: str, language: str, heading: str) -> None:
        from sistereval import report

        built = report.make_report(
            EXAMPLES / "bandung-namur.yaml",
            language=language,  # type: ignore[arg-type]
            search=False,
        )
        text = getattr(report, f"render_{fmt}")(built)
        section = text[text.index(heading) :]
        assert "milestones.mou" in section

    def test_whatif(self) -> None:
        from sistereval.explanation import render_whatif, what_if

        result = what_if(
            EXAMPLES / "bandung-namur.yaml", [("budget[0].earmarked", True)], language="id"
        )
        assert "  kepastian: tinggi → tinggi; tetap berlaku → tetap berlaku" in render_whatif(
            result
        )
