"""Write the JSON Schemas shipped for editors, ``src/sistereval/schemas/*.schema.json``.

The descriptions of the keys come from the key tables of the docs, the same tables
readers use: ``docs/case-files.md`` (a table per record of the case model, found by
its keys) and the tables of the rule set's and a rule's keys in
``docs/rule-language.md``.  ``tests/test_schemas.py`` checks that the shipped files
are this script's output, so after changing a table or the model run::

    python tools/schemas.py
"""

from __future__ import annotations

import json
import re
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from sistereval.cases.hints import type_hints
from sistereval.cases.schema import generate_case_schema
from sistereval.language.rulefile import RULE_REQUIRED, TOP_OPTIONAL, TOP_REQUIRED
from sistereval.language.schema import generate_rules_schema
from sistereval.model import Case

ROOT = Path(__file__).resolve().parent.parent
CASE_DOCS = ROOT / "docs" / "case-files.md"
RULE_DOCS = ROOT / "docs" / "rule-language.md"
TARGETS = {
    "case": ROOT / "src" / "sistereval" / "schemas" / "case.schema.json",
    "rules": ROOT / "src" / "sistereval" / "schemas" / "rules.schema.json",
}

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(text: str) -> str:
    """A table cell as an editor shows it: links as their text, no emphasis."""
    return _LINK.sub(r"\1", text).replace("**", "")


def tables(markdown: str) -> Iterator[dict[str, str]]:
    """Every key table of ``markdown`` (first column a key in backticks, last its
    meaning), as key -> meaning."""
    table: dict[str, str] = {}
    for line in [*markdown.splitlines(), ""]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("| `") and re.fullmatch(r"`[a-z_]+`", cells[0]):
            table[cells[0].strip("`")] = plain(cells[-1])
        elif table:
            yield table
            table = {}


def model_classes(cls: type = Case) -> dict[str, type]:
    """Every attrs class reachable from ``cls`` by its type hints, by name."""
    found: dict[str, type] = {}

    def visit(hint: Any) -> None:
        if attrs.has(hint) and hint.__name__ not in found:
            found[hint.__name__] = hint
            for field in attrs.fields(hint):
                visit(type_hints(hint)[field.name])
        for arg in typing.get_args(hint):
            visit(arg)

    visit(cls)
    return found


def by_keys(markdown: str, classes: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """The tables of ``markdown`` whose keys are exactly those of a class, by class name."""
    out: dict[str, dict[str, str]] = {}
    for table in tables(markdown):
        for name, keys in classes.items():
            if set(table) == keys:
                if name in out:
                    raise SystemExit(f"two tables have the keys of {name}")
                out[name] = table
    return out


def case_descriptions(markdown: str) -> dict[str, dict[str, str]]:
    classes = model_classes()
    keys = {name: {f.name for f in attrs.fields(cls)} for name, cls in classes.items()}
    return by_keys(markdown, {name: k for name, k in keys.items() if name != "DateSpan"})


def rule_descriptions(markdown: str) -> dict[str, dict[str, str]]:
    keys = {
        "RuleFile": {*TOP_REQUIRED, *TOP_OPTIONAL},
        "Rule": {*RULE_REQUIRED, "override"},
    }
    return by_keys(markdown, keys)


def schemas() -> dict[str, dict[str, Any]]:
    """The schemas as this script writes them, by name."""
    return {
        "case": generate_case_schema(case_descriptions(CASE_DOCS.read_text(encoding="utf-8"))),
        "rules": generate_rules_schema(rule_descriptions(RULE_DOCS.read_text(encoding="utf-8"))),
    }


def text(schema: dict[str, Any]) -> str:
    """A schema as the shipped file holds it (and ``sistereval schema`` prints it)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    for name, schema in schemas().items():
        TARGETS[name].parent.mkdir(parents=True, exist_ok=True)
        TARGETS[name].write_text(text(schema), encoding="utf-8")
        print(f"wrote {TARGETS[name].relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
