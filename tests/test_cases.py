"""Tests for sistereval.cases: reading, writing and the JSON Schema of case files."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import os
import re
import typing
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given

from sistereval import model as m
from sistereval.cases import case_schema, case_to_dict, dump_case, load_case, load_cases
from sistereval.cases import load as case_load
from sistereval.documents import Limits, read_document
from sistereval.errors import CaseError, DocumentError, LimitError, Location, Problem, UsageError
from sistereval.strategies import cases

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "cases"
INVALID = sorted((GOLDEN / "invalid").glob("*.yaml"))
VALID = sorted((GOLDEN / "valid").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DOCS = ROOT / "docs" / "case-files.md"

#: Set to rewrite the .expected files from the current output (then review the diff).
REGENERATE = os.environ.get("SISTEREVAL_REGENERATE") == "1"

MINIMAL = """\
format: sistereval/case@2
id: bandung-namur
title: Bandung and Namur
kind: sister_city
partners:
  - {id: bdg, name: Bandung, country: ID, location: {lat: -6.922, lon: 107.607}}
  - {id: nam, name: Namur, country: BE, location: {lat: 50.467, lon: 4.867}}
"""


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def problems_of(source: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(CaseError) as info:
        load_case(source, **kwargs)
    return [str(p) for p in info.value.problems]


def minimal_data() -> dict[str, Any]:
    return {
        "format": "sistereval/case@2",
        "id": "bandung-namur",
        "title": "Bandung and Namur",
        "kind": "sister_city",
        "partners": [
            {
                "id": "bdg",
                "name": "Bandung",
                "country": "ID",
                "location": {"lat": -6.9, "lon": 107.6},
            },
            {"id": "nam", "name": "Namur", "country": "BE", "location": {"lat": 50.5, "lon": 4.9}},
        ],
    }


def as_json_data(value: Any) -> Any:
    """YAML data as a YAML-to-JSON converter gives it: dates become ISO strings."""
    if isinstance(value, dict):
        return {k: as_json_data(x) for k, x in value.items()}
    if isinstance(value, list):
        return [as_json_data(x) for x in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def model_classes(cls: type = m.Case) -> dict[str, type]:
    """Every attrs class reachable from ``cls`` by its type hints, by name."""
    found: dict[str, type] = {}

    def visit(hint: Any) -> None:
        if attrs.has(hint) and hint is not m.PartialDate:
            if hint.__name__ not in found:
                found[hint.__name__] = hint
                for inner in typing.get_type_hints(hint).values():
                    visit(inner)
        else:
            for arg in typing.get_args(hint):
                visit(arg)

    visit(cls)
    return found


class TestLoadCase:
    def test_reads_a_path(self) -> None:
        case = load_case(GOLDEN / "valid" / "minimal.yaml")

        expected = ("bdg", "nam")
        assert expected == tuple(p.id for p in case.partners)

    def test_reads_a_str_naming_a_file(self, tmp_path: Path) -> None:
        path = tmp_path / "case.yml"
        path.write_text(MINIMAL, encoding="utf-8")

        assert load_case(MINIMAL) == load_case(str(path))

    def test_reads_yaml_text(self) -> None:
        case = load_case(MINIMAL)

        expected = ("bandung-namur", m.CaseKind.SISTER_CITY)
        assert expected == (case.id, case.kind)

    def test_reads_json_text(self) -> None:
        assert load_case(minimal_data()) == load_case(json.dumps(minimal_data(), indent=2))

    def test_reads_a_mapping(self) -> None:
        case = load_case(minimal_data())

        assert m.Point(lat=-6.9, lon=107.6) == case.partners[0].location

    def test_reads_yaml_dates_of_every_precision(self) -> None:
        text = MINIMAL + "milestones:\n  - {type: loi, date: 2016-03-17}\n"
        text += "  - {type: council_approval, date: 2016-12}\n  - {type: ended, date: 2022}\n"

        dates = [ms.date for ms in load_case(text).milestones]

        assert [m.PartialDate(2016, 3, 17), m.PartialDate(2016, 12), m.PartialDate(2022)] == dates

    def test_a_claimed_date_keeps_its_text(self) -> None:
        text = MINIMAL + "claims:\n  - {fact: milestones.mou, value: 2017-10-09}\n"

        expected = "2017-10-09"
        assert expected == load_case(text).claims[0].value

    def test_a_mapping_gives_data_paths_only(self) -> None:
        data = minimal_data()
        data["partners"][1]["location"]["lat"] = 123

        with pytest.raises(CaseError) as info:
            load_case(data, file="inline")

        expected = (
            Problem(
                code="out-of-range",
                message="123 is out of range",
                location=Location(file="inline", path="partners[1].location.lat"),
                suggestion="expected a value from -90 to 90",
            ),
        )
        assert expected == info.value.problems

    def test_file_names_the_source_in_messages(self) -> None:
        text = MINIMAL.replace("format: sistereval/case@2\n", "")

        expected = [
            "case.yaml:1:1: bad-format: the file does not say its format "
            "(add the line 'format: sistereval/case@2')"
        ]
        assert expected == problems_of(text, file="case.yaml")

    def test_a_path_names_itself(self) -> None:
        path = GOLDEN / "invalid" / "too-few-partners.yaml"

        expected = [
            f"{path}:6:3: too-few-partners: a partnership needs at least two partners, found 1"
            " in partners"
        ]
        assert expected == problems_of(path)

    def test_reads_json_indented_with_tabs(self, tmp_path: Path) -> None:
        path = tmp_path / "case.json"
        path.write_text(json.dumps(minimal_data(), indent="\t"), encoding="utf-8")

        assert load_case(minimal_data()) == load_case(path)

    def test_refuses_other_extensions(self, tmp_path: Path) -> None:
        path = tmp_path / "case.txt"
        path.write_text(MINIMAL, encoding="utf-8")

        expected = [f"{path}: file-error: a case file's name must end in .yaml, .yml or .json"]
        assert expected == problems_of(path)

    def test_a_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "missing.yaml"

        assert [f"{path}: file-error: no such file"] == problems_of(path)

    def test_a_missing_file_named_by_a_str(self) -> None:
        expected = ["nowhere/case.yaml: file-error: no such file"]
        assert expected == problems_of("nowhere/case.yaml")

    def test_a_directory(self, tmp_path: Path) -> None:
        assert [f"{tmp_path}: file-error: this is a directory, not a file"] == problems_of(tmp_path)

    def test_a_file_that_is_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "case.yaml"
        path.write_bytes(b"id: caf\xe9\n")

        assert [f"{path}: file-error: the file is not UTF-8 text (byte 7)"] == problems_of(path)

    def test_document_errors_pass_through(self) -> None:
        with pytest.raises(DocumentError) as info:
            load_case("title: [unclosed\n")

        expected = "yaml-syntax"
        assert expected == info.value.problems[0].code

    def test_limit_errors_pass_through(self) -> None:
        text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdef", "bcdefg", strict=True)
        )
        assert len(text) < Limits().max_bytes

        with pytest.raises(LimitError) as info:
            load_case(text)

        expected = "limit-nodes"
        assert expected == info.value.problems[0].code

    def test_reports_every_problem_sorted(self) -> None:
        text = MINIMAL.replace("kind: sister_city", "kind: twin").replace("lat: 50.467", "lat: x")
        text += "milestones:\n  - {type: mou, date: 2017-10-10, sources: [paper]}\n"

        expected = [
            "<input>:4:7: bad-enum: 'twin' is not an allowed value in kind (expected one of: "
            "sister_city, friendship, sister_province, other)",
            "<input>:7:57: wrong-type: expected a number, got a string 'x'"
            " in partners[1].location.lat",
            "<input>:9:45: unknown-source: unknown source id 'paper' in milestones[0].sources[0]",
        ]
        assert expected == problems_of(text)

    def test_a_broken_record_does_not_report_false_references(self) -> None:
        # The second partner has no id: no duplicate '' id, no unknown partner.
        text = MINIMAL.replace("{id: nam, ", "{") + "budget:\n  - {partner: 5, earmarked: true}\n"

        expected = [
            "<input>:7:5: missing-key: the required key 'id' is missing in partners[1]",
            "<input>:9:15: wrong-type: expected a string, got a number 5 in budget[0].partner "
            "(put the value in quotes to make it a string)",
        ]
        assert expected == problems_of(text)

    def test_another_format_is_reported_alone(self) -> None:
        text = "format: sistereval/rules@1\nrules: []\n"

        expected = [
            "<input>:1:9: bad-format: unsupported format 'sistereval/rules@1' in format "
            "(expected 'sistereval/case@2', or the earlier 'sistereval/case@1')"
        ]
        assert expected == problems_of(text)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2017", m.PartialDate(2017)),
            (" 2017-10 ", m.PartialDate(2017, 10)),
            (dt.date(2017, 10, 10), m.PartialDate(2017, 10, 10)),
            (m.PartialDate(2016, 12), m.PartialDate(2016, 12)),
        ],
    )
    def test_dates(self, value: object, expected: m.PartialDate) -> None:
        assert expected == load_case(minimal_data() | {"as_of": value}).as_of

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0, "bad-date: the year 0 is not between 1 and 9999 in as_of"),
            ("0000-01", "bad-date: '0000-01' is not a valid date: there is no year 0 in as_of"),
            (
                "2016-02-30",
                "bad-date: '2016-02-30' is not a valid date: 2016-02 has 29 days in as_of",
            ),
            (
                True,
                "wrong-type: expected a date, got a boolean true in as_of"
                " (write YYYY, YYYY-MM or YYYY-MM-DD)",
            ),
        ],
    )
    def test_bad_dates(self, value: object, expected: str) -> None:
        assert [f"<input>: {expected}"] == problems_of(minimal_data() | {"as_of": value})

    def test_unknown_key_without_a_close_match_lists_the_keys(self) -> None:
        data = minimal_data()
        data["partners"][0]["location"]["altitude"] = 700

        expected = [
            "<input>: unknown-key: unknown key 'altitude' in partners[0].location "
            "(allowed keys: lat, lon)"
        ]
        assert expected == problems_of(data)

    def test_a_non_finite_number(self) -> None:
        data = minimal_data() | {"distance": {"km": float("inf"), "method": "reported"}}

        expected = ["<input>: out-of-range: inf is not a finite number in distance.km"]
        assert expected == problems_of(data)


class TestLoadCaseGolden:
    """Each tests/golden/cases/invalid/NAME.yaml fails with exactly NAME.expected."""

    def test_every_case_has_its_expectation(self) -> None:
        expected = sorted(p.with_suffix(".yaml") for p in (GOLDEN / "invalid").glob("*.expected"))

        assert expected == INVALID
        assert len(INVALID) >= 15

    @pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
    def test_invalid(self, path: Path) -> None:
        actual = "".join(f"{line}\n" for line in problems_of(path, file=relative(path)))
        expectation = path.with_suffix(".expected")
        if REGENERATE:
            expectation.write_text(actual, encoding="utf-8")

        assert expectation.read_text(encoding="utf-8") == actual

    @pytest.mark.parametrize("path", [*VALID, *EXAMPLES], ids=lambda p: p.stem)
    def test_valid(self, path: Path) -> None:
        case = load_case(path)

        assert case == load_case(dump_case(case))


class TestDumpCase:
    @given(cases())
    def test_yaml_round_trip(self, case: m.Case) -> None:
        assert case == load_case(dump_case(case, "yaml"))

    @given(cases())
    def test_json_round_trip(self, case: m.Case) -> None:
        assert case == load_case(dump_case(case, "json"))

    def test_yaml_is_readable(self) -> None:
        text = MINIMAL + "milestones:\n  - {type: mou, date: 2017-10-10, sources: [paper]}\n"
        text += "sources:\n  - {id: paper, kind: literature, citation: Bachtiar 2024}\n"

        expected = """\
format: sistereval/case@2
id: bandung-namur
title: Bandung and Namur
kind: sister_city
partners:
  - id: bdg
    name: Bandung
    country: ID
    location:
      lat: -6.922
      lon: 107.607
  - id: nam
    name: Namur
    country: BE
    location:
      lat: 50.467
      lon: 4.867
milestones:
  - type: mou
    date: '2017-10-10'
    sources: [paper]
sources:
  - id: paper
    kind: literature
    citation: Bachtiar 2024
"""
        assert expected == dump_case(load_case(text))

    def test_json_floats_keep_a_dot(self) -> None:
        case = load_case(minimal_data() | {"distance": {"km": 1e-05, "method": "route"}})

        assert '"km": 1.0e-05' in dump_case(case, "json")
        assert case == load_case(dump_case(case, "json"))

    @pytest.mark.parametrize(
        "text", ["é\x85x", "a\u2028b", "\x7f", "tab\there", "=", "yes", "2017-10-10", "- x", "#"]
    )
    def test_awkward_strings(self, text: str) -> None:
        case = attrs.evolve(load_case(MINIMAL), title=text, description=text)

        assert case == load_case(dump_case(case, "yaml"))
        assert case == load_case(dump_case(case, "json"))

    def test_json_refuses_a_non_finite_claim(self) -> None:
        case = attrs.evolve(
            load_case(MINIMAL), claims=[m.Claim(fact="fields.agreed", value=float("inf"))]
        )

        with pytest.raises(UsageError):
            dump_case(case, "json")

    def test_unknown_format(self) -> None:
        with pytest.raises(UsageError):
            dump_case(load_case(MINIMAL), "toml")  # type: ignore[arg-type]


class TestCaseToDict:
    def test_plain_data_without_empty_values(self) -> None:
        text = MINIMAL + "as_of: 2016-12\nbudget:\n  - {partner: bdg, earmarked: false}\n"

        expected = {
            "format": "sistereval/case@2",
            "id": "bandung-namur",
            "title": "Bandung and Namur",
            "kind": "sister_city",
            "partners": [
                {
                    "id": "bdg",
                    "name": "Bandung",
                    "country": "ID",
                    "location": {"lat": -6.922, "lon": 107.607},
                },
                {
                    "id": "nam",
                    "name": "Namur",
                    "country": "BE",
                    "location": {"lat": 50.467, "lon": 4.867},
                },
            ],
            "as_of": "2016-12",
            "budget": [{"partner": "bdg", "earmarked": False}],
        }
        assert expected == case_to_dict(load_case(text))

    def test_format_comes_first(self) -> None:
        expected = "format"
        assert expected == next(iter(case_to_dict(load_case(MINIMAL))))

    def test_years_are_integers(self) -> None:
        case = attrs.evolve(load_case(MINIMAL), as_of=m.PartialDate(2022))

        expected = 2022
        assert expected == case_to_dict(case)["as_of"]


class TestLoadCases:
    def test_loads_every_file(self) -> None:
        assert [load_case(p) for p in VALID] == load_cases(VALID)

    def test_reports_the_problems_of_every_file(self) -> None:
        paths = [
            GOLDEN / "invalid" / "too-few-partners.yaml",
            GOLDEN / "invalid" / "unknown-partner.yaml",
        ]

        with pytest.raises(CaseError) as info:
            load_cases([*VALID, *paths])

        expected = ["too-few-partners", "unknown-partner"]
        assert expected == [p.code for p in info.value.problems]


class TestCaseSchema:
    validator = jsonschema.Draft202012Validator(case_schema())

    def test_is_a_valid_schema(self) -> None:
        jsonschema.Draft202012Validator.check_schema(case_schema())

    def test_every_model_field_is_in_the_schema(self) -> None:
        schema = case_schema()
        classes = model_classes()

        # A date or date span is one string in a file: the schema's ``When``.
        assert set(classes) - {"Case", "DateSpan"} == set(schema["$defs"]) - {
            "PartialDate",
            "When",
        }
        for name, cls in classes.items():
            if name == "DateSpan":
                continue
            described = schema if name == "Case" else schema["$defs"][name]
            assert [f.name for f in attrs.fields(cls)] == list(described["properties"])

    def test_required_keys(self) -> None:
        schema = case_schema()

        expected = (["format", "id", "title", "kind", "partners"], ["type"])
        assert expected == (schema["required"], schema["$defs"]["Milestone"]["required"])

    @pytest.mark.parametrize("path", [*VALID, *EXAMPLES], ids=lambda p: p.stem)
    def test_valid_files(self, path: Path) -> None:
        data = read_document(path.read_text(encoding="utf-8")).data

        self.validator.validate(as_json_data(data))

    @given(cases())
    def test_generated_cases(self, case: m.Case) -> None:
        self.validator.validate(case_to_dict(case))

    @pytest.mark.parametrize(
        "name",
        [
            "unknown-key",
            "unknown-key-nested",
            "wrong-type",
            "bad-enum",
            "malformed-date",
            "impossible-date",
            "latitude-out-of-range",
            "bad-country",
            "missing-key",
            "bad-format",
            "missing-format",
            "invalid-value",
        ],
    )
    def test_rejects_what_the_loader_rejects(self, name: str) -> None:
        path = GOLDEN / "invalid" / f"{name}.yaml"
        data = as_json_data(read_document(path.read_text(encoding="utf-8")).data)

        assert not self.validator.is_valid(data)


class TestDocs:
    text = DOCS.read_text(encoding="utf-8")

    def test_every_key_is_documented(self) -> None:
        keys = {f.name for cls in model_classes().values() for f in attrs.fields(cls)}

        missing = sorted(key for key in keys if f"`{key}`" not in self.text)
        assert not missing, missing

    def test_every_error_code_is_documented(self) -> None:
        codes = {
            line.split(": ")[1]
            for path in (GOLDEN / "invalid").glob("*.expected")
            for line in path.read_text(encoding="utf-8").splitlines()
        }

        missing = sorted(code for code in codes if f"`{code}`" not in self.text)
        assert not missing, missing

    def test_the_example_is_valid(self) -> None:
        blocks = re.findall(r"```yaml\n(.*?)```", self.text, re.DOTALL)
        complete = [b for b in blocks if "partners:" in b]

        assert complete
        for block in complete:
            load_case(block)


class TestLoadDocstring:
    """The example in the docstring of :mod:`sistereval.cases.load` runs as it reads."""

    def test_the_example_runs(self) -> None:
        expected = (0, 4)
        assert expected == tuple(doctest.testmod(case_load))
