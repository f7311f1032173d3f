"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``,
installed by ``.ci/run``) driven by Playwright, which never downloads a browser.

The page must load with no console error, no script error and no request
beyond the file itself; a screenshot must show the bars of the chart and the
marks of the timeline in their colours, on screen and in the print style.
Skipped only when chromium is missing outside CI; under ``CI`` a missing
chromium fails.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sistereval.report import build_report, render_html
from sistereval.report.chart import CHART_ID
from sistereval.report.svg import COLOURS
from sistereval.report.timeline import TIMELINE_ID

NAMUR = Path(__file__).resolve().parents[1] / "examples" / "bandung-namur.yaml"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The bars of Bandung–Namur's chart: long-term vision -6 of 6, obstacle groups 2, 5, 3 of 5,
#: on half (factors) or all (obstacle groups) of a 340 px plot, 14 px high, in a 700 px chart.
BAR_AREA = {"weakness": 170 * 14, "obstacle": (136 + 340 + 204) * 14}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"chromium is missing ({CHROMIUM}); .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1100, "height": 900},
            device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()


def _colour(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def _pixels(png: bytes, colour: str) -> int:
    """How many pixels of the screenshot are (nearly) ``colour``."""
    from PIL import Image

    region = Image.open(io.BytesIO(png)).convert("RGB")
    target = _colour(colour)
    counts = region.getcolors(maxcolors=region.width * region.height) or []
    return sum(
        count
        for count, pixel in counts
        if all(abs(channel - want) <= 12 for channel, want in zip(pixel, target, strict=True))
    )


def _open(browser: Any, path: Path) -> tuple[Any, list[str]]:
    """The page of ``path`` and the list its problems will be appended to."""
    problems: list[str] = []
    page = browser.new_page()
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    def route(request: Any) -> None:
        if request.request.url != path.as_uri():
            problems.append(f"request beyond the file: {request.request.url}")
            request.abort()
        else:
            request.continue_()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_report_renders_in_chromium(browser: Any, tmp_path: Path, language: str) -> None:
    path = tmp_path / f"report-{language}.html"
    path.write_text(render_html(build_report(NAMUR, language=language)), encoding="utf-8")
    page, problems = _open(browser, path)
    assert language == page.evaluate("document.documentElement.lang")
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        chart = page.locator(f"#{CHART_ID}")
        box = chart.bounding_box()
        assert box is not None
        scale = box["width"] / 700
        png = chart.screenshot()  # the pixels of the chart's box, as drawn
        for colour, area in BAR_AREA.items():
            drawn = _pixels(png, COLOURS[colour])
            assert area * scale * scale * 0.8 <= drawn, f"{media}: {colour} bars"
        png = page.locator(f"#{TIMELINE_ID}").screenshot()
        assert 100 <= _pixels(png, COLOURS["milestone"]), media
        assert 50 <= _pixels(png, COLOURS["leadership"]), media
    pdf = page.pdf(format="A4")  # what printing gives: the print style on A4 pages
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 12
    assert [] == problems
    page.close()


def test_a_console_error_would_be_caught(browser: Any, tmp_path: Path) -> None:
    """The listeners above do see errors: a page that logs one and fetches a URL."""
    path = tmp_path / "broken.html"
    path.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        '<img src="https://example.invalid/x.png" alt="">'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    page, problems = _open(browser, path)
    page.close()
    assert "console error: boom" in problems
    assert "request beyond the file: https://example.invalid/x.png" in problems


def test_a_chart_without_bars_would_be_caught(browser: Any, tmp_path: Path) -> None:
    """The pixel check does look at the bars: with their colour removed it finds none."""
    document = render_html(build_report(NAMUR))
    path = tmp_path / "no-bars.html"
    path.write_text(document.replace(f'fill="{COLOURS["obstacle"]}"', 'fill="none"'), "utf-8")
    page, problems = _open(browser, path)
    png = page.locator(f"#{CHART_ID}").screenshot()
    page.close()
    assert [] == problems
    assert 0 == _pixels(png, COLOURS["obstacle"])
    assert 0 < _pixels(png, COLOURS["weakness"])


@pytest.mark.parametrize("width", [360, 1280])
def test_the_comparison_renders_in_chromium(browser: Any, tmp_path: Path, width: int) -> None:
    """The comparison of the examples (issue 15): no error, nothing fetched, no horizontal
    overflow, and its chart's bars drawn in the verdicts' colours."""
    from sistereval.language import rule_set
    from sistereval.report import build_comparison, comparison_entries, render_comparison_html
    from sistereval.report.compare_chart import COMPARISON_CHART_ID

    core = rule_set("core")
    examples = NAMUR.parent
    comparison = build_comparison(comparison_entries(str(examples), core), core, language="id")
    path = tmp_path / "comparison.html"
    path.write_text(render_comparison_html(comparison), encoding="utf-8")
    page, problems = _open(browser, path)
    page.set_viewport_size({"width": width, "height": 900})
    assert width >= page.evaluate("document.documentElement.scrollWidth")
    png = page.locator(f"#{COMPARISON_CHART_ID}").screenshot()
    for colour in ("strength", "weakness", "obstacle"):
        assert 50 <= _pixels(png, COLOURS[colour]), colour
    assert [] == problems
    page.close()
