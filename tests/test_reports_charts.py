"""The SVG charts of reports: factor and obstacle-group bars, and the timeline."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from sistereval.model import PartialDate
from sistereval.report import build_report
from sistereval.report.chart import score_chart, score_text
from sistereval.report.model import Event, Score
from sistereval.report.strings import strings
from sistereval.report.svg import COLOURS
from sistereval.report.timeline import event_label, timeline_chart

NAMUR = Path(__file__).resolve().parents[1] / "examples" / "bandung-namur.yaml"
SVG = "{http://www.w3.org/2000/svg}"
EN = strings("en")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def rects(root: ET.Element) -> list[dict[str, str]]:
    return [dict(r.attrib) for r in root.iter(f"{SVG}rect")]


def event(date: str, kind: str = "milestone", kind_type: str = "mou") -> Event:
    return Event(
        date=PartialDate.parse(date), kind=kind, type=kind_type, party=None, detail="", sources=()
    )


class TestScoreChart:
    def test_bars_for_bandung_namur(self) -> None:
        root = parse(score_chart(build_report(NAMUR).scores, EN))
        bars = [(r["fill"], float(r["width"])) for r in rects(root)]
        # factors span -6..6 on 340 px; obstacle groups 0..5 on 340 px
        assert [
            (COLOURS["weakness"], 170.0),
            (COLOURS["obstacle"], 136.0),
            (COLOURS["obstacle"], 340.0),
            (COLOURS["obstacle"], 204.0),
        ] == bars

    def test_signed_bars_grow_from_zero(self) -> None:
        scores = [
            Score(name="shared_values", group="factor", value=2),
            Score(name="long_term_vision", group="factor", value=-1),
        ]
        up, down = rects(parse(score_chart(scores, EN)))
        zero = 272 + 340 / 2  # the axis spans at least -3..3
        assert (COLOURS["strength"], zero) == (up["fill"], float(up["x"]))
        assert (COLOURS["weakness"], zero) == (
            down["fill"],
            float(down["x"]) + float(down["width"]),
        )

    def test_accessible_text_in_the_language(self) -> None:
        scores = build_report(NAMUR, language="id").scores
        root = parse(score_chart(scores, strings("id")))
        assert "Faktor keberhasilan dan kelompok hambatan" == root.findtext(f"{SVG}title")
        assert (
            "Faktor keberhasilan: kesamaan nilai dan tujuan 0, partisipasi dan komitmen masyarakat "
            "0, visi jangka panjang dan keberlanjutan -6, dukungan kelembagaan dan sumber daya 0. "
            "Kelompok hambatan: jarak 2, keuangan 5, kebijakan kepemimpinan dan partisipasi 3."
        ) == root.findtext(f"{SVG}desc")
        assert "img" == root.get("role")
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert {"Faktor keberhasilan", "Kelompok hambatan", "-6", "+6", "5"} <= set(texts)

    def test_an_unknown_factor_is_named_as_written(self) -> None:
        root = parse(score_chart([Score(name="trade_links", group="obstacle", value=1)], EN))
        assert "trade links" in [t.text for t in root.iter(f"{SVG}text")]

    def test_deterministic(self) -> None:
        scores = build_report(NAMUR).scores
        assert score_chart(scores, EN) == score_chart(tuple(scores), EN)

    def test_score_text(self) -> None:
        assert ["+2", "-6", "0", "5"] == [
            score_text(Score(name="a", group=group, value=value))
            for group, value in (("factor", 2), ("factor", -6), ("factor", 0), ("obstacle", 5))
        ]


class TestTimeline:
    def test_each_date_drawn_at_its_precision(self) -> None:
        root = parse(timeline_chart([event("2016-03-17"), event("2017-10"), event("2018")], EN))
        marks = [e for e in root if e.tag in (f"{SVG}circle", f"{SVG}rect")][2:]  # after the legend
        assert ["circle", "rect", "rect"] == [m.tag.removeprefix(SVG) for m in marks]
        day = 660 / (366 + 365 + 365)  # 2016 to 2018 on 660 px
        assert [round(31 * day, 1), round(365 * day, 1)] == [
            float(m.get("width", 0)) for m in marks[1:]
        ]

    def test_close_events_take_separate_lanes(self) -> None:
        root = parse(timeline_chart([event("2017-10-09"), event("2017-10-10")], EN))
        dots = [c for c in root.iter(f"{SVG}circle")][2:]
        assert 2 == len({c.get("cy") for c in dots})

    def test_leadership_below_the_axis(self) -> None:
        events = [event("2017-10-10"), event("2018-09-05", "leadership", "mayor")]
        root = parse(timeline_chart(events, EN))
        axis = float(next(root.iter(f"{SVG}line")).get("y1", 0))
        milestone, change = [float(c.get("cy", 0)) for c in root.iter(f"{SVG}circle")][2:]
        assert milestone < axis < change
        assert "1. 2017-10-10: MoU signed; 2. 2018-09-05: change of mayor" == root.findtext(
            f"{SVG}desc"
        )

    def test_no_events(self) -> None:
        assert "" == timeline_chart([], EN)

    def test_event_label(self) -> None:
        report = build_report(NAMUR, language="id")
        assert ["persetujuan DPRD/dewan kota (Namur)", "pergantian wali kota (Bandung)"] == [
            event_label(report.timeline[i], strings("id")) for i in (1, 5)
        ]
