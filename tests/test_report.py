"""The plain-text report and its library text in English and Indonesian."""

from __future__ import annotations

from pathlib import Path

from sistereval.evaluation import evaluate
from sistereval.messages import LABELS
from sistereval.report import render_text

NAMUR = Path(__file__).resolve().parents[1] / "examples" / "bandung-namur.yaml"


class TestLabels:
    def test_every_language_has_every_key(self) -> None:
        assert set(LABELS["en"]) == set(LABELS["id"])

    def test_every_verdict_has_a_label(self) -> None:
        for labels in LABELS.values():
            assert {"success", "partial", "failure", "not_assessable"} <= set(labels)


class TestRenderText:
    def test_english(self) -> None:
        text = render_text(evaluate(NAMUR), source="namur.yaml")
        lines = text.splitlines()
        assert "namur.yaml: verdict failure (confidence 0.64)" == lines[0]
        assert "  measured to 2022 (the case's as_of)" == lines[2]
        assert (
            "    - distance.great_circle_km: 11501.1 (-); 14312 (bachtiar2024) → used 11501.1"
            in lines
        )
        assert "      sources: bachtiar2024, notes-bn-h" in lines
        assert "  rules that did not fire: 34 (why: sistereval explain CASE)" == lines[-1]

    def test_indonesian_differs_in_language_not_content(self) -> None:
        en = render_text(evaluate(NAMUR))
        id_ = render_text(evaluate(NAMUR, language="id"))
        assert id_.splitlines()[0].startswith("bandung-namur: putusan gagal")
        assert len(en.splitlines()) == len(id_.splitlines())
