"""The JSON Schemas shipped for editors agree with the loaders (issue 17).

Every shipped example, corpus case and rule file is valid; every document the
loader refuses for its shape (a key, a type, a value out of a closed list) is
refused by the schema, and the schema refuses nothing the loader accepts.  The
documents refused are generated: each key removed, an unknown key added to each
mapping, each value replaced by one of another type or a value of no list.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import importlib.util
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sistereval.cases import case_schema, case_sha256, load_case
from sistereval.documents import read_document
from sistereval.errors import SisterevalError
from sistereval.language import load_rules
from sistereval.language.declarations import TEST_KEYS
from sistereval.language.rulefile import RULE_REQUIRED, TOP_OPTIONAL, TOP_REQUIRED
from sistereval.language.schema import rules_schema

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("schemas_tool", ROOT / "tools" / "schemas.py")
assert spec is not None
assert spec.loader is not None
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

CASE_VALIDATOR = jsonschema.Draft202012Validator(case_schema())
RULES_VALIDATOR = jsonschema.Draft202012Validator(rules_schema())
EVERY_KEY = ROOT / "tests" / "fixtures" / "schemas" / "every-key.yaml"

#: The codes of problems with the shape of a document: what a schema can say.
SHAPE_CODES = frozenset(
    {
        "bad-country",
        "bad-date",
        "bad-enum",
        "bad-enum-value",
        "bad-format",
        "bad-id",
        "bad-value",
        "bad-version",
        "conflicting-keys",
        "missing-key",
        "out-of-range",
        "too-few-partners",
        "unknown-key",
        "wrong-type",
    }
)


def json_data(value: Any) -> Any:
    """YAML data as a YAML-to-JSON converter (an editor's) gives it: dates as ISO text."""
    if isinstance(value, dict):
        return {k: json_data(x) for k, x in value.items()}
    if isinstance(value, list):
        return [json_data(x) for x in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read(path: Path) -> Any:
    return json_data(read_document(path.read_text(encoding="utf-8")).data)


def documents(folder: Path, prefix: str) -> list[Path]:
    """The YAML files under ``folder`` whose ``format`` starts with ``prefix``."""
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and str(data.get("format", "")).startswith(prefix):
            found.append(path)
    return found


CASE_FILES = [
    *documents(ROOT / "examples", "sistereval/case@"),
    *documents(ROOT / "src" / "sistereval" / "examples", "sistereval/case@"),
    *documents(ROOT / "tests" / "corpus", "sistereval/case@"),
    *documents(ROOT / "rules", "sistereval/case@"),
    *documents(ROOT / "tests" / "golden" / "cases" / "valid", "sistereval/case@"),
]
RULE_FILES = [
    *documents(ROOT / "rules", "sistereval/rules@"),
    *documents(ROOT / "src" / "sistereval" / "rules", "sistereval/rules@"),
    *documents(ROOT / "examples", "sistereval/rules@"),
    *documents(ROOT / "tests" / "golden" / "rules" / "valid", "sistereval/rules@"),
    *documents(ROOT / "tests" / "golden" / "rules" / "shipped", "sistereval/rules@"),
    *documents(ROOT / "tests" / "fixtures", "sistereval/rules@"),
]


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def walk_properties(node: Any, where: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema of ``node``, with where it is."""
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{where}.{key}", value
        for key, value in node.items():
            yield from walk_properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_properties(value, f"{where}[{index}]")


class TestShippedFiles:
    @pytest.mark.parametrize("which", ["case", "rules"])
    def test_are_the_tools_output(self, which: str) -> None:
        expected = tool.text(tool.schemas()[which])
        actual = tool.TARGETS[which].read_text(encoding="utf-8")
        assert expected == actual, "run: python tools/schemas.py"

    @pytest.mark.parametrize("schema", [case_schema(), rules_schema()], ids=["case", "rules"])
    def test_are_draft_2020_12_schemas(self, schema: dict[str, Any]) -> None:
        jsonschema.Draft202012Validator.check_schema(schema)

        expected = ("https://json-schema.org/draft/2020-12/schema", True, True)
        assert expected == (
            schema["$schema"],
            schema["$id"].endswith(".schema.json"),
            bool(schema["title"]),
        )

    @pytest.mark.parametrize("schema", [case_schema(), rules_schema()], ids=["case", "rules"])
    def test_every_property_has_a_description(self, schema: dict[str, Any]) -> None:
        missing = [
            where for where, value in walk_properties(schema) if not value.get("description")
        ]

        assert [] == missing

    def test_every_record_of_the_case_model_has_a_table_in_the_docs(self) -> None:
        described = tool.case_descriptions(tool.CASE_DOCS.read_text(encoding="utf-8"))

        expected = sorted(set(tool.model_classes()) - {"DateSpan", "PartialDate"})
        assert expected == sorted(described)

    def test_the_rule_file_tables_of_the_docs_are_found(self) -> None:
        described = tool.rule_descriptions(tool.RULE_DOCS.read_text(encoding="utf-8"))

        expected = (sorted({*TOP_REQUIRED, *TOP_OPTIONAL}), sorted({*RULE_REQUIRED, "override"}))
        assert expected == (sorted(described["RuleFile"]), sorted(described["Rule"]))

    def test_descriptions_are_plain_text(self) -> None:
        schema = case_schema()

        expected = (
            "The reference date: the date the case describes the partnership at. The stage "
            "is the stage at this date, durations are measured to it, and no record may be "
            "dated after it. Left out, a default is used."
        )
        assert expected == schema["properties"]["as_of"]["description"]

    def test_partners_has_the_loaders_minimum(self) -> None:
        expected = 2
        assert expected == case_schema()["properties"]["partners"]["minItems"]


class TestRuleSchemaKeys:
    """The schema's keys are the reader's."""

    schema = rules_schema()

    def test_top_level(self) -> None:
        expected = (sorted({*TOP_REQUIRED, *TOP_OPTIONAL}), list(TOP_REQUIRED))
        assert expected == (sorted(self.schema["properties"]), self.schema["required"])

    def test_rule(self) -> None:
        rule = self.schema["$defs"]["Rule"]

        expected = (sorted({*RULE_REQUIRED, "override"}), list(RULE_REQUIRED))
        assert expected == (sorted(rule["properties"]), rule["required"])

    def test_test(self) -> None:
        test = self.schema["$defs"]["Test"]

        expected = (sorted({"name", *TEST_KEYS}), ["name"])
        assert expected == (sorted(test["properties"]), test["required"])

    def test_fact_names_of_a_tests_facts(self) -> None:
        facts = self.schema["$defs"]["Test"]["properties"]["facts"]["properties"]

        expected = (True, True, "array")
        assert expected == (
            "fields.implemented" in facts,
            "partnership.kind" in facts,
            facts["activities"]["type"],
        )


class TestValidDocuments:
    def test_the_files_are_found(self) -> None:
        expected = (True, True)
        assert expected == (len(CASE_FILES) >= 20, len(RULE_FILES) >= 10)

    @pytest.mark.parametrize("path", CASE_FILES, ids=name)
    def test_case_files(self, path: Path) -> None:
        CASE_VALIDATOR.validate(read(path))

    @pytest.mark.parametrize("path", RULE_FILES, ids=name)
    def test_rule_files(self, path: Path) -> None:
        RULES_VALIDATOR.validate(read(path))


# --------------------------------------------------------------------------
# Generated invalid documents

_UNKNOWN = "zz_unknown"
_NO_VALUE = "zz-no-such-value"


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:2]):  # the first two items of each list
            yield from _paths(value, (*path, index))


def _set(data: Any, path: tuple[Any, ...], change: Callable[[Any, Any], None]) -> Any:
    out = copy.deepcopy(data)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    change(parent, path[-1])
    return out


def mutations(data: Any) -> Iterator[tuple[str, Any]]:
    """Documents that differ from ``data`` in one place: a key removed, an unknown key
    added, a value of another type, a value of no closed list."""
    for path, value in _paths(data):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path) or "$"
        if not path:
            yield f"$+{_UNKNOWN}", {**data, _UNKNOWN: 1}
            yield "$=list", []
            continue
        if isinstance(value, dict):
            yield f"{where}+{_UNKNOWN}", _set(data, (*path, _UNKNOWN), _assign(1))
            yield f"{where}=list", _set(data, path, _assign([]))
        if isinstance(path[-1], str):
            yield f"{where} removed", _set(data, path, _remove)
        if isinstance(value, str):
            yield f"{where}=number", _set(data, path, _assign(12345))
            yield f"{where}={_NO_VALUE}", _set(data, path, _assign(_NO_VALUE))
        elif isinstance(value, bool):
            yield f"{where}=text", _set(data, path, _assign("text"))
        elif isinstance(value, int | float):
            yield f"{where}=text", _set(data, path, _assign("text"))
            yield f"{where}=-1", _set(data, path, _assign(-1))
        elif isinstance(value, list):
            yield f"{where}=text", _set(data, path, _assign("text"))


def _assign(new: Any) -> Callable[[Any, Any], None]:
    def change(parent: Any, key: Any) -> None:
        parent[key] = copy.deepcopy(new)

    return change


def _remove(parent: Any, key: Any) -> None:
    del parent[key]


def _codes(load: Callable[[Any], object], data: Any) -> set[str] | None:
    """The codes of the problems the loader reports for ``data``; None when it loads."""
    try:
        load(data)
    except SisterevalError as exc:
        return {problem.code for problem in getattr(exc, "problems", ())} or {"error"}
    return None


def outcomes(
    load: Callable[[Any], object], validator: jsonschema.Draft202012Validator, data: Any
) -> list[tuple[str, set[str] | None, bool]]:
    """Each mutation of ``data``, the codes the loader refuses it with (None: it loads),
    and whether the schema refuses it."""
    return [
        (label, _codes(load, mutated), not validator.is_valid(mutated))
        for label, mutated in mutations(data)
    ]


def disagreements(found: list[tuple[str, set[str] | None, bool]]) -> list[str]:
    """The mutations on which the loader and the schema disagree: the schema refuses
    what the loader accepts, or accepts what the loader refuses for its shape."""
    out = []
    for label, codes, refused in found:
        if refused and codes is None:
            out.append(f"{label}: only the schema refuses it")
        elif not refused and codes is not None and codes & SHAPE_CODES:
            out.append(f"{label}: only the loader refuses it ({', '.join(sorted(codes))})")
    return out


def _load_case(data: Any) -> object:
    return load_case(_text(data))


def _load_rules(data: Any) -> object:
    return load_rules(_text(data))


def _text(data: Any) -> str:
    """``data`` as the JSON text of a file (with a line break: text, not a file name)."""
    return json.dumps(data, indent=1) + "\n"


@functools.cache
def case_outcomes() -> list[tuple[str, set[str] | None, bool]]:
    return outcomes(_load_case, CASE_VALIDATOR, read(ROOT / "examples" / "bandung-namur.yaml"))


@functools.cache
def rule_outcomes() -> list[tuple[str, set[str] | None, bool]]:
    return outcomes(_load_rules, RULES_VALIDATOR, read(EVERY_KEY))


class TestGeneratedInvalidDocuments:
    def test_the_mutations_of_a_case_file(self) -> None:
        assert [] == disagreements(case_outcomes())

    def test_the_mutations_of_a_rule_file(self) -> None:
        assert [] == disagreements(rule_outcomes())

    @pytest.mark.parametrize("found", [case_outcomes, rule_outcomes], ids=["case", "rules"])
    def test_mutations_the_loader_refuses_for_their_shape_are_generated(
        self, found: Callable[[], list[tuple[str, set[str] | None, bool]]]
    ) -> None:
        refused = [label for label, codes, _ in found() if (codes or set()) & SHAPE_CODES]

        assert len(refused) >= 100
        assert any(label.endswith(f"+{_UNKNOWN}") for label in refused)
        assert any(label.endswith(f"={_NO_VALUE}") for label in refused)
        assert any(label.endswith("=number") for label in refused)
        assert any(label.endswith(" removed") for label in refused)

    @pytest.mark.parametrize(
        ("label", "path", "value"),
        [
            ("unknown key", ("rules", 0, "colour"), "red"),
            ("bad enum", ("rules", 0, "then", "severity"), "severe"),
            ("wrong type", ("version",), 1.0),
            ("bad policy", ("verdicts", "policy"), "average"),
            ("bad hit policy", ("tables",), [{"file": "t.csv", "hit_policy": "any"}]),
            ("unknown fact", ("tests", 1, "facts", "fields.agred"), 3),
        ],
        ids=lambda x: x if isinstance(x, str) else None,
    )
    def test_named_mutations(self, label: str, path: tuple[Any, ...], value: Any) -> None:
        data = _set(read(EVERY_KEY), path, _assign(value))

        expected = (True, False)
        assert expected == (_codes(_load_rules, data) is not None, RULES_VALIDATOR.is_valid(data))


class TestModelines:
    """The shipped examples name their schema in a modeline, which changes nothing."""

    @pytest.mark.parametrize(
        "path",
        [
            *(p for p in CASE_FILES if "examples" in p.parts),
            *(p for p in RULE_FILES if "examples" in p.parts),
        ],
        ids=name,
    )
    def test_the_first_line_names_the_schema(self, path: Path) -> None:
        schema = case_schema() if path in CASE_FILES else rules_schema()

        expected = f"# yaml-language-server: $schema={schema['$id']}"
        assert expected == path.read_text(encoding="utf-8").splitlines()[0]

    def test_a_modeline_changes_no_digest(self) -> None:
        text = (ROOT / "examples" / "bandung-namur.yaml").read_text(encoding="utf-8")
        without = text.split("\n", 1)[1]

        assert case_sha256(load_case(text)) == case_sha256(load_case(without))
