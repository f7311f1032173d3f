"""Tests for :mod:`sistereval.cases.register`: cases from the rows of a CSV register."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sistereval import evaluate, load_case
from sistereval.cases.register import COLUMNS, REQUIRED, CsvRow, load_row, read_rows
from sistereval.errors import CaseError

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "examples" / "register.csv"
GOLDEN = ROOT / "tests" / "golden" / "csv"
INVALID = sorted(GOLDEN.glob("*.csv"))
REGENERATE = os.environ.get("SISTEREVAL_REGENERATE") == "1"
HEADER = "id,title,city_a,country_a,lat_a,lon_a,city_b,country_b,lat_b,lon_b"
PARTNERS = "Bandung,ID,-6.922,107.607,Namur,BE,50.467,4.867"


def rows(text: str, file: str = "register.csv") -> list[CsvRow]:
    return list(read_rows(text, file))


def one(header: str, cells: str) -> CsvRow:
    [row] = rows(f"{HEADER},{header}\nbn,Bandung – Namur,{PARTNERS},{cells}\n")
    return row


def problems(path: Path) -> list[str]:
    """Every problem of a register: its header's, or those of each row."""
    file = path.relative_to(ROOT).as_posix()
    try:
        found = rows(path.read_text(encoding="utf-8"), file)
    except CaseError as exc:
        return [str(p) for p in exc.problems]
    out = []
    for row in found:
        try:
            load_row(row)
        except CaseError as exc:
            out.extend(str(p) for p in exc.problems)
    return out


class TestExampleRegister:
    @pytest.mark.parametrize(
        "name", ["bandung-namur", "surabaya-kitakyushu", "bandung-suwon"], ids=str
    )
    def test_row_evaluates_like_the_example_file(self, name: str) -> None:
        by_id = {row.cells[0]: row for row in rows(REGISTER.read_text(encoding="utf-8"))}
        from_file = evaluate(ROOT / "examples" / f"{name}.yaml").to_dict()
        from_row = evaluate(load_row(by_id[name])).to_dict()
        for key in ("verdict", "factors"):
            assert from_file[key] == from_row[key]
        assert [f["rule"] for f in from_file["findings"]] == [
            f["rule"] for f in from_row["findings"]
        ]

    def test_bandung_namur_row_holds_the_file_facts(self) -> None:
        [row] = [
            r for r in rows(REGISTER.read_text(encoding="utf-8")) if r.cells[0] == "bandung-namur"
        ]
        expected = load_case(ROOT / "examples" / "bandung-namur.yaml")
        actual = load_row(row)
        assert (expected.id, expected.title, expected.kind) == (
            actual.id,
            actual.title,
            actual.kind,
        )
        assert expected.partners == actual.partners
        assert sorted((m.date, m.type) for m in expected.milestones) == sorted(
            (m.date, m.type) for m in actual.milestones
        )
        assert [(f.name, f.status) for f in expected.fields] == [
            (f.name, f.status) for f in actual.fields
        ]
        assert [
            (c.partner, c.office, c.date, c.continuity) for c in expected.leadership_changes
        ] == [(c.partner, c.office, c.date, c.continuity) for c in actual.leadership_changes]
        assert [(b.partner, b.earmarked, b.adequate) for b in expected.budget] == [
            (b.partner, b.earmarked, b.adequate) for b in actual.budget
        ]
        assert (expected.distance.km, expected.distance.method) == (  # type: ignore[union-attr]
            actual.distance.km,  # type: ignore[union-attr]
            actual.distance.method,  # type: ignore[union-attr]
        )

    def test_labels_are_the_lines_rows_start_on(self) -> None:
        text = (
            f'{HEADER},description\n\nbn,x,{PARTNERS},"two\nlines"\n,,,,,,,,,,\nbs,y,{PARTNERS},\n'
        )
        assert ["f.csv:3", "f.csv:6"] == [row.label for row in rows(text, "f.csv")]


class TestColumns:
    def test_every_fact_cites_the_row_source(self) -> None:
        case = load_row(
            one(
                "mou,fields,earmarked_b,shared_values,source,source_kind,source_url",
                "2017,economy:implemented,yes,strong,Paper (2024),literature,https://example.org",
            )
        )
        [source] = case.sources
        assert ("source", "Paper (2024)", "literature", "https://example.org") == (
            source.id,
            source.citation,
            source.kind,
            source.url,
        )
        cited = [case.milestones[0], case.fields[0], case.budget[0], case.assessments.shared_values]
        assert [("source",)] * 4 == [item.sources for item in cited]  # type: ignore[union-attr]

    def test_defaults_and_lists(self) -> None:
        case = load_row(
            one(
                "id_b,population_a,visit,fields,activities,leadership_changes_b,institutions_a,"
                "adequate_a,earmarked_a,budget_year_a,budget_amount_a,budget_currency_a,"
                "distance_km",
                "nmr,2500000, 2017-05 ; 2018 ;,culture:partial,"
                "2018:visit:b:government+youth:culture;2019:event,"
                "mayor:2019:continued,Unpad:university,ya,tidak,2018,1.5e6,IDR,14312",
            )
        )
        assert "sister_city" == case.kind
        assert ("bandung", "nmr") == tuple(p.id for p in case.partners)
        assert 2_500_000 == case.partners[0].population
        assert ["2017-05", "2018"] == [str(m.date) for m in case.milestones]
        first, second = case.activities
        assert ("nmr", ("government", "youth"), "culture") == (
            first.initiated_by,
            first.participants,
            first.field,
        )
        assert (None, ()) == (second.initiated_by, second.participants)
        [change] = case.leadership_changes
        assert ("nmr", "mayor", True) == (change.partner, change.office, change.continuity)
        [institution] = case.institutions
        assert ("Unpad", "university", "bandung") == (
            institution.name,
            institution.kind,
            institution.partner,
        )
        [line] = case.budget
        assert (False, True, 2018, 1.5e6, "IDR") == (
            line.earmarked,
            line.adequate,
            line.year,
            line.amount,
            line.currency,
        )
        assert case.distance is not None
        assert (14312, "reported") == (case.distance.km, case.distance.method)

    def test_header_names_are_case_insensitive_and_a_bom_is_ignored(self) -> None:
        text = "\ufeff" + HEADER.upper().replace(",", " ,") + f"\nbn,x,{PARTNERS}\n"
        assert "bn" == load_row(rows(text)[0]).id

    def test_empty_cells_beyond_the_header_are_ignored(self) -> None:
        assert "Namur" == load_row(rows(f"{HEADER}\nbn,x,{PARTNERS},, \n")[0]).partners[1].name

    def test_tab_separated(self) -> None:
        text = HEADER.replace(",", "\t") + "\nbn\tx\t" + PARTNERS.replace(",", "\t") + "\n"
        assert "Namur" == load_row(rows(text)[0]).partners[1].name

    def test_required_columns_are_columns(self) -> None:
        assert set(REQUIRED) <= set(COLUMNS)
        assert len(COLUMNS) == len(set(COLUMNS))

    def test_a_city_name_makes_an_ascii_id(self) -> None:
        [row] = rows(f"{HEADER}\nsp,x,São Paulo,BR,-23.5,-46.6,東京,JP,35.7,139.7\n")
        assert ("sao-paulo", "b") == tuple(p.id for p in load_row(row).partners)

    def test_an_empty_file_has_no_header(self) -> None:
        with pytest.raises(CaseError) as error:
            rows("")
        assert [
            "register.csv:1: missing-column: the file has no header row; the first row "
            "must name the columns"
        ] == [str(p) for p in error.value.problems]

    def test_problems_are_data(self) -> None:
        with pytest.raises(CaseError) as error:
            load_row(one("fields", "economy:done"))
        [problem] = error.value.problems
        assert {
            "code": "bad-enum",
            "message": "column 'fields': 'done' is not an allowed value",
            "file": "register.csv",
            "line": 2,
            "column": 11,
            "path": "fields[0].status",
            "suggestion": "expected one of: implemented, partial, planned, not_implemented, "
            "discontinued, unknown",
        } == problem.to_dict()


class TestGolden:
    """Each tests/golden/csv/NAME.csv gives exactly the problems of NAME.expected."""

    def test_every_register_has_its_expectation(self) -> None:
        assert INVALID == sorted(p.with_suffix(".csv") for p in GOLDEN.glob("*.expected"))
        assert len(INVALID) >= 12

    @pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
    def test_invalid(self, path: Path) -> None:
        actual = "".join(f"{line}\n" for line in problems(path))
        expectation = path.with_suffix(".expected")
        if REGENERATE:
            expectation.write_text(actual, encoding="utf-8")
        assert expectation.read_text(encoding="utf-8") == actual
        assert actual


class TestDocs:
    def test_the_column_table_lists_every_column(self) -> None:
        text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
        section = text.split("## CSV registers", 1)[1].split("\n## ", 1)[0]
        documented = {
            name
            for line in section.splitlines()
            if line.startswith("| `")
            for name in re.findall(r"`([a-z_]+)`", line.split(" | ")[0])
        }
        required = {
            name
            for line in section.splitlines()
            if line.startswith("| `") and line.split(" | ")[1] == "yes"
            for name in re.findall(r"`([a-z_]+)`", line.split(" | ")[0])
        }
        assert set(COLUMNS) == documented
        assert set(REQUIRED) == required
