"""Tests for :mod:`sistereval.safety` and the commands that write through it: hostile
case and rule files (escape sequences, bidi and zero-width characters, formula cells,
markup in URLs) give harmless output everywhere (issue 18)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from sistereval.cli import run
from sistereval.safety import (
    TerminalStream,
    csv_cell,
    json_text,
    link_url,
    plain_text,
    terminal_text,
    visible_text,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bandung-namur.yaml"

#: Anything a terminal acts on: ESC, BEL, C1 controls, bidi controls, zero-width characters.
LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

EVIL_RULES = r"""format: sistereval/rules@1
id: evil
version: "1.0.0"
title: "Evil \e]0;TITLE\a set \u202E"
extends: core
rules:
  - id: always-evil
    title: "Always \e]8;;http://evil\e\\link\e]8;;\e\\ \e[2J"
    when: fields.agreed >= 0
    then: {finding: risk, factor: long_term_vision, severity: low}
    because:
      en: "Pwn \e]52;c;SGVsbG8=\a \x9b31m red \u202Etxt.exe\u200B"
      id: "Pwn \e]52;c;SGVsbG8=\a \x9b31m red \u202Etxt.exe\u200B"
    source: "Src \e[31m"
tests:
  - name: "name \e]0;T\a bad"
    facts: {fields.agreed: 5}
    verdict: success
"""


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    path = tmp_path / "evil.yaml"
    path.write_text(EVIL_RULES, encoding="utf-8")
    return path


def _evil_case(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "title: Bandung – Namur sister-city partnership",
        'title: "Bandung \\e]0;PWNED\\a\\e[31mred \\u202Egnp.exe\\u200B end"',
    )
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestTerminalText:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a\x1b]0;title\x07b", "ab"),
            ("a\x1b]52;c;SGVsbG8=\x1b\\b", "ab"),
            ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
            ("a\x1b[2Jb\x1b[31mc", "abc"),
            ("a\x9b31mb\x9d0;t\x9cc", "abc"),
            ("a\x1bPq#0\x1b\\b", "ab"),
            ("a\x1b(Bb\x1b7c", "abc"),
            ("a\rb\x08c\x7f\x00", "abc"),
            ("\u202egnp.exe\u200b \u2066x\u2069\u200e\u200f\u061c\ufeff\u2060", "gnp.exe x"),
            ("tab\tand\nnewline", "tab\tand\nnewline"),
            ("unterminated \x1b]0;title\nnext", "unterminated \nnext"),
            ("lone \ud800 surrogate", "lone \ufffd surrogate"),
            ("Bandung – Namur, Ñ, 東京, مرحبا", "Bandung – Namur, Ñ, 東京, مرحبا"),
        ],
    )
    def test_cleans(self, text: str, expected: str) -> None:
        assert expected == terminal_text(text)

    def test_plain_text_keeps_bidi(self) -> None:
        assert "a\u202eb" == plain_text("a\x1b[1m\u202eb")

    def test_stream(self) -> None:
        raw = io.StringIO()
        stream = TerminalStream(raw)

        stream.write("x\x1b]0;t\x07y\u202e\n")

        assert "xy\n" == raw.getvalue()

    def test_json_keeps_the_data(self) -> None:
        record = {"title": "a\x1b]0;t\x07\x9b\u202eb\u200b"}
        text = json_text(json.dumps(record, ensure_ascii=False))

        assert LIVE.search(text) is None
        assert record == json.loads(text)


class TestVisibleText:
    def test_shows_code_points(self) -> None:
        assert "{U+202E}gnp.exe{U+200B}" == visible_text("\u202egnp.exe\u200b")


class TestLinkUrl:
    @pytest.mark.parametrize(
        "url",
        [
            "https://example.org",
            "http://example.org/a/b?c=d&e=f#g",
            "https://sub.example.co.id:8443/path_(x)/~y%20z",
            "https://[2001:db8::1]/x",
        ],
    )
    def test_links(self, url: str) -> None:
        assert link_url(url)

    @pytest.mark.parametrize(
        "url",
        [
            'https://x.org/><img src=x onerror="alert(1)">',
            "https://x.org/a b",
            "https://x.org/'x",
            'https://x.org/"x',
            "https://x.org/\x1b[2J",
            "https://x.org/\u202e",
            "javascript:alert(1)",
            "https://user@evil.org/",
            "ftp://x.org/",
            "https://x.org/`x`",
            "https://x.org/\\x",
            " https://x.org/",
        ],
    )
    def test_no_links(self, url: str) -> None:
        assert not link_url(url)


class TestCsvCell:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(1+9)*cmd.yaml", "'@SUM(1+9)*cmd.yaml"),
            ("\tx", "'\tx"),
            ("\x1b]0;t\x07=1", "'=1"),
            ("plain", "plain"),
            ("", ""),
        ],
    )
    def test_neutralises(self, text: str, expected: str) -> None:
        assert expected == csv_cell(text)

    def test_is_idempotent(self) -> None:
        assert "'=1" == csv_cell(csv_cell("=1"))


class TestCommands:
    """Every command that prints user-supplied text prints nothing a terminal acts on."""

    @pytest.mark.parametrize(
        "argv",
        [
            ("evaluate", "{case}", "--rules", "{rules}"),
            ("evaluate", "{case}", "--rules", "{rules}", "--format", "json"),
            ("explain", "{case}", "--rules", "{rules}"),
            ("explain", "{case}", "--rules", "{rules}", "--counterfactual"),
            ("whatif", "{case}", "--rules", "{rules}", "--set", "fields[0].status=implemented"),
            ("test", "{rules}"),
            ("test", "{rules}", "--format", "json"),
            ("diff", "core", "{rules}", "--cases", "{case}"),
            ("report", "{case}", "--rules", "{rules}", "--no-counterfactual"),
            ("validate", "{case}"),
            ("evaluate", "{case}", "--rules", "\x1b]0;t\x07"),
        ],
    )
    def test_no_live_characters(self, argv: tuple[str, ...], evil: Path, tmp_path: Path) -> None:
        case = _evil_case(tmp_path)
        args = [a.format(case=case, rules=evil) for a in argv]

        _, out, err = call(*args)

        assert out or err
        assert LIVE.search(out) is None, out
        assert LIVE.search(err) is None, err

    def test_json_keeps_the_text(self, evil: Path) -> None:
        status, out, _ = call("evaluate", str(EXAMPLE), "--rules", str(evil), "--format", "json")

        record = json.loads(out)
        assert 0 == status
        assert any("\u202etxt.exe\u200b" in f["message"] for f in record["findings"])

    def test_text_is_kept_around_what_is_removed(self, evil: Path) -> None:
        _, out, _ = call("evaluate", str(EXAMPLE), "--rules", str(evil))

        assert "Pwn   red txt.exe" in out

    def test_batch_csv(self, evil: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        cases = tmp_path / "cases"
        cases.mkdir()
        monkeypatch.chdir(cases)  # the labels are the file names
        (cases / "@SUM(1+9)*cmd.yaml").write_text(
            EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8"
        )
        (cases / "=bad.yaml").write_text("format: nope\n", encoding="utf-8")
        out = tmp_path / "out.csv"

        status, _, _ = call(
            "batch", ".", "--out", str(out), "--format", "csv", "--rules", str(evil)
        )

        text = out.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert 0 == status
        assert LIVE.search(text) is None
        number = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # a factor score, no formula
        assert all(
            not cell.startswith(("=", "+", "-", "@")) or number.fullmatch(cell)
            for row in rows
            for cell in row
        )
        assert any(number.fullmatch(cell) and cell.startswith("-") for row in rows for cell in row)
        assert ["'=bad.yaml", "'@SUM(1+9)*cmd.yaml"] == [row[0] for row in rows[1:]]

    def test_batch_csv_resumes_neutralised_labels(self, tmp_path: Path) -> None:
        cases = tmp_path / "cases"
        cases.mkdir()
        (cases / "@x.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        out = tmp_path / "out.csv"
        call("batch", str(cases), "--out", str(out), "--format", "csv")

        _, summary, _ = call("batch", str(cases), "--out", str(out), "--format", "csv")

        assert "1 skipped" in summary

    def test_batch_jsonl(self, evil: Path, tmp_path: Path) -> None:
        cases = tmp_path / "cases"
        cases.mkdir()
        (cases / "a.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        out = tmp_path / "out.jsonl"

        call("batch", str(cases), "--out", str(out), "--rules", str(evil))

        text = out.read_text(encoding="utf-8")
        assert LIVE.search(text) is None
        messages = [f["message"] for f in json.loads(text)["findings"]]
        assert any("\u202etxt.exe" in m for m in messages)


class TestVersion:
    @pytest.mark.parametrize(
        "version", ['=HYPERLINK(\\"http://x\\")', "1.0 beta", "\\e[31m1", "", "1" * 65]
    )
    def test_unsafe_version_is_refused(self, version: str, evil: Path) -> None:
        evil.write_text(
            EVIL_RULES.replace('version: "1.0.0"', f'version: "{version}"'), encoding="utf-8"
        )

        status, _, err = call("check", str(evil))

        assert 2 == status
        assert f"{evil}:3:10: bad-version: " in err

    @pytest.mark.parametrize("version", ["1.0.0", "2024.1+local_build-3", "v2"])
    def test_safe_version(self, version: str, evil: Path) -> None:
        evil.write_text(
            EVIL_RULES.replace('version: "1.0.0"', f'version: "{version}"'), encoding="utf-8"
        )

        _, _, err = call("check", str(evil))

        assert "bad-version" not in err


class TestReports:
    def _case(self, tmp_path: Path, url: str) -> Path:
        text = EXAMPLE.read_text(encoding="utf-8")
        marker = "\nsources:\n"
        assert marker in text
        source = (
            f"  - id: evil-src\n    kind: news\n    citation: Evil \u202eabc\u200b\n"
            f"    url: {json.dumps(url)}\n"
        )
        text = text.replace(marker, marker + source, 1)
        text = text.replace("sources: [notes-bn-m]", "sources: [notes-bn-m, evil-src]", 1)
        path = tmp_path / "case.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_markdown_url_with_markup_is_text(self, tmp_path: Path) -> None:
        url = 'https://x.org/><img src=x onerror="alert(1)">'
        case = self._case(tmp_path, url)

        status, out, err = call("report", str(case), "--format", "markdown", "--no-counterfactual")

        assert 0 == status, err
        assert re.search(r"(?<!\\)<img", out) is None
        assert "<https://x.org/" not in out
        assert "\\<img src=x onerror=" in out

    def test_markdown_link(self, tmp_path: Path) -> None:
        case = self._case(tmp_path, "https://example.org/a?b=c")

        _, out, _ = call("report", str(case), "--format", "markdown", "--no-counterfactual")

        assert "<https://example.org/a?b=c>" in out

    @pytest.mark.parametrize("fmt", ["html", "markdown"])
    def test_bidi_is_visible(self, fmt: str, tmp_path: Path) -> None:
        case = self._case(tmp_path, "https://example.org/")
        out = tmp_path / f"report.{fmt}"

        call("report", str(case), "--format", fmt, "--no-counterfactual", "--out", str(out))

        text = out.read_text(encoding="utf-8")
        assert LIVE.search(text) is None
        assert "{U+202E}abc{U+200B}" in text

    def test_text_file_has_no_bidi(self, tmp_path: Path) -> None:
        case = self._case(tmp_path, "https://example.org/")
        out = tmp_path / "report.txt"

        call("report", str(case), "--no-counterfactual", "--out", str(out))

        text = out.read_text(encoding="utf-8")
        assert LIVE.search(text) is None
        assert "abc" in text
