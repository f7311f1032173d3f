"""Disputed facts: the verdict under each alternative, and whether it depends on the dispute."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from sistereval import cli
from sistereval.cases import load_case
from sistereval.evaluation import evaluate
from sistereval.explanation import explain, render_explanation
from sistereval.explanation.disputes import DisputeVerdicts, dispute_verdicts, render_disputes
from sistereval.messages import DISPUTES, LABELS
from sistereval.model import Case

ROOT = Path(__file__).resolve().parents[1]
NAMUR = ROOT / "examples" / "bandung-namur.yaml"

#: Two sources disagree about when the partnership ended (2019: ended early,
#: an obstacle, failure; 2023: nothing found, not assessable), and a reported
#: distance of 9,000 km against about 1,300 km between the city centres.
ENDED = """\
format: sistereval/case@1
id: ended-dispute
title: A partnership whose end date sources dispute
kind: sister_city
partners:
  - {id: bandung, name: Bandung, country: ID, location: {lat: -6.922, lon: 107.607}}
  - {id: kuala-lumpur, name: Kuala Lumpur, country: MY, location: {lat: 3.139, lon: 101.687}}
milestones:
  - {type: mou, date: "2017-01", sources: [paper]}
  - {type: ended, date: "2019", sources: [paper]}
  - {type: ended, date: "2023", sources: [news]}
distance: {km: 9000, method: reported, sources: [news]}
sources:
  - {id: paper, kind: literature, citation: A paper.}
  - {id: news, kind: news, citation: A news report.}
"""
#: The same without the 2019 record: only the distance is disputed, and the
#: reported 9,000 km makes the distance an obstacle (no anchor institutions).
DISTANCE = ENDED.replace('  - {type: ended, date: "2019", sources: [paper]}\n', "")


def _summary(disputes: tuple[DisputeVerdicts, ...]) -> list[tuple[Any, ...]]:
    return [
        (
            d.fact,
            [(a.value, a.sources, a.chosen, a.method, a.verdict) for a in d.alternatives],
            d.verdict_depends,
        )
        for d in disputes
    ]


@pytest.fixture(scope="module")
def namur() -> tuple[DisputeVerdicts, ...]:
    return dispute_verdicts(NAMUR)


class TestBandungNamur:
    def test_every_dispute_with_its_verdicts(self, namur: tuple[DisputeVerdicts, ...]) -> None:
        distance, agreed, mou = namur
        assert ("distance.great_circle_km", False) == (distance.fact, distance.verdict_depends)
        assert [
            (11501.1, (), True, "fact", "failure"),
            (14312.0, ("bachtiar2024",), False, "fact", "failure"),
        ] == _summary((distance,))[0][1]
        assert [
            (5, ("bachtiar2024", "notes-bn-m"), True, "fact", "failure"),
            (7, ("republika2017",), False, "fact", "failure"),
        ] == _summary((agreed,))[0][1]
        assert ["2017-10-09", "2017-10-10"] == [str(a.value) for a in mou.alternatives]
        assert {("records", "failure")} == {(a.method, a.verdict) for a in mou.alternatives}
        assert not any(d.verdict_depends for d in namur)

    def test_to_dict(self, namur: tuple[DisputeVerdicts, ...]) -> None:
        data = json.loads(json.dumps([d.to_dict() for d in namur]))
        assert {
            "fact": "distance.great_circle_km",
            "alternatives": [
                {
                    "value": 11501.1,
                    "sources": ["derived"],
                    "verdict": "failure",
                    "chosen": True,
                    "method": "fact",
                },
                {
                    "value": 14312.0,
                    "sources": ["bachtiar2024"],
                    "verdict": "failure",
                    "chosen": False,
                    "method": "fact",
                },
            ],
            "verdict_depends": False,
            "chosen": 11501.1,
        } == {k: v for k, v in data[0].items() if k != "note"}
        assert "2017-10-09" == data[2]["alternatives"][0]["value"]


class TestDependsOnIt:
    def test_a_milestone_date_decides_the_verdict(self) -> None:
        case = load_case(ENDED)
        assert "failure" == evaluate(case).verdict
        distance, end = dispute_verdicts(case)
        assert (
            "partnership.end_date",
            [
                ("2019", ("paper",), True, "records", "failure"),
                ("2023", ("news",), False, "records", "not_assessable"),
            ],
        ) == (end.fact, [(str(v), *rest) for v, *rest in _summary((end,))[0][1]])
        assert end.verdict_depends
        assert not distance.verdict_depends

    def test_a_reported_distance_decides_the_verdict(self) -> None:
        case = load_case(DISTANCE)
        assert "not_assessable" == evaluate(case).verdict
        (distance,) = dispute_verdicts(case)
        assert [("fact", "not_assessable"), ("fact", "failure")] == [
            (a.method, a.verdict) for a in distance.alternatives
        ]
        assert distance.verdict_depends

    def test_the_reference_evaluator_agrees(self) -> None:
        case: Case = load_case(ENDED)
        assert _summary(dispute_verdicts(case)) == _summary(
            dispute_verdicts(case, backend="reference")
        )

    def test_no_disputes(self) -> None:
        assert () == dispute_verdicts(ROOT / "examples" / "surabaya-kitakyushu.yaml")


class TestText:
    def test_strings_have_the_same_keys_in_every_language(self) -> None:
        assert set(DISPUTES["en"]) == set(DISPUTES["id"])

    def test_english_and_indonesian(self) -> None:
        disputes = dispute_verdicts(ENDED)
        assert [
            "  disputed facts:",
            "    - distance.great_circle_km: the verdict is the same under every value",
            "      1,292.5 (derived from the case; used) → verdict failure",
            "      9,000 (news) → verdict failure",
            "    - partnership.end_date: the verdict depends on it",
            "      2019 (paper; used) → verdict failure",
            "      2023 (news) → verdict not assessable",
        ] == render_disputes(disputes, "en", LABELS["en"])
        lines = render_disputes(disputes, "id", LABELS["id"])
        assert "  fakta yang dipersengketakan:" == lines[0]
        assert "    - partnership.end_date: putusan bergantung padanya" in lines
        assert "      1.292,5 (diturunkan dari kasus; dipakai) → putusan gagal" in lines
        assert "      9.000 (news) → putusan gagal" in lines

    def test_none(self) -> None:
        assert ["  disputed facts:", "    none"] == render_disputes((), "en", LABELS["en"])


class TestInExplain:
    def test_text_section(self) -> None:
        text = render_explanation(explain(NAMUR, backend="reference"))
        section = text.split("  disputed facts:\n")[1]
        assert section.startswith(
            "    - distance.great_circle_km: the verdict is the same under every value\n"
            "      11,501.1 (derived from the case; used) → verdict failure\n"
            "      14,312 (bachtiar2024) → verdict failure\n"
        )

    def test_json(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(["explain", str(NAMUR), "--format", "json"], out, err)
        data = json.loads(out.getvalue())
        assert (0, "") == (code, err.getvalue())
        assert ["distance.great_circle_km", "fields.agreed", "milestones.mou"] == [
            d["fact"] for d in data["disputes"]
        ]
        assert [False, False, False] == [d["verdict_depends"] for d in data["disputes"]]
        assert data["counterfactual"] is None
