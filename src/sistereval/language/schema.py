"""The JSON Schema (draft 2020-12) of rule files (``format: sistereval/rules@1``), for editors.

:func:`generate_rules_schema` builds it from what the reader of rule files
(:mod:`.rulefile`, :mod:`.declarations`) accepts: the keys of the file, of a rule,
of a consequence, of a test, an invariant, a ``changeable`` entry and a decision
table, the closed vocabularies (finding kinds, severities, verdict policies, hit
policies) and the forms of ids, names and versions; a test's ``facts`` are the
facts of the fact schema with their types.  Unknown keys are refused where the
reader refuses them.  What depends on other files or on the parsed condition
(``extends``, verdicts in the scale, factors declared, conditions that type-check)
is left to the loader.  The descriptions of the file's and a rule's keys come from
the key tables of ``docs/rule-language.md`` (``tools/schemas.py`` reads them and
writes the shipped file); :func:`rules_schema` is that file,
``sistereval/schemas/rules.schema.json``.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from collections.abc import Mapping
from typing import Any

from ..facts import FACT_SCHEMA
from ..schema import FINDING_KINDS, SEVERITIES, FactDef, FactSchema, FactType
from .rulefile import (
    CONSEQUENCES,
    FORMAT,
    HIT_POLICIES,
    LANGUAGE_CODE,
    POLICIES,
    RULE_REQUIRED,
    TOP_REQUIRED,
    VERSION,
)
from .shape import NAME, RULE_ID

__all__ = ["RULES_SCHEMA_ID", "generate_rules_schema", "rules_schema"]

#: The ``$id`` of the rule-file schema: where the shipped file is published.
RULES_SCHEMA_ID = (
    "https://raw.githubusercontent.com/sistereval/sistereval/main/"
    "src/sistereval/schemas/rules.schema.json"
)
#: Descriptions of keys: ``RuleFile`` (the top level) and ``Rule``, by key.
Descriptions = Mapping[str, Mapping[str, str]]

_DATE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
_MONOTONE = (FactType.NUMBER, FactType.INTEGER, FactType.BOOLEAN)


def _anchored(pattern: re.Pattern[str]) -> str:
    """A pattern the reader matches in full, as JSON Schema matches it (anywhere)."""
    return f"^{pattern.pattern}$"


def _names(pattern: re.Pattern[str], what: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "array",
        "items": {"type": "string", "pattern": _anchored(pattern), "description": what},
        "uniqueItems": True,
    }


def _object(
    description: str,
    properties: Mapping[str, Any],
    required: tuple[str, ...] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "type": "object"}
    out["properties"] = dict(properties)
    if required:
        out["required"] = list(required)
    out["additionalProperties"] = False
    return out


def _per_language(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "object",
        "propertyNames": {"pattern": _anchored(LANGUAGE_CODE)},
        "additionalProperties": {"type": "string"},
    }


def _fact_value(fact: FactDef) -> dict[str, Any]:
    """What a test's ``facts`` may give for ``fact`` (null: unknown)."""
    value: dict[str, Any]
    if fact.type is FactType.INTEGER:
        value = {"type": "integer"}
    elif fact.type is FactType.NUMBER:
        value = {"type": "number"}
    elif fact.type is FactType.BOOLEAN:
        value = {"type": "boolean"}
    elif fact.type is FactType.ENUM and fact.values:
        value = {"type": "string", "enum": list(fact.values)}
    elif fact.type is FactType.LIST:
        items: dict[str, Any] = {"type": "string"}
        if fact.values:
            items["enum"] = list(fact.values)
        value = {"type": "array", "items": items}
    elif fact.type is FactType.DATE:
        value = {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 9999},
                {"type": "string", "pattern": _DATE},
            ]
        }
    else:
        value = {"type": "string"}
    return {"description": fact.description, "anyOf": [value, {"type": "null"}]}


def _facts(schema: FactSchema) -> dict[str, Any]:
    properties: dict[str, Any] = {fact.name: _fact_value(fact) for fact in schema.scalars}
    for coll in schema.collections:
        item = _object(
            f"One item of {coll.name}: its attributes, each optional.",
            {attr.name: _fact_value(attr) for attr in coll.items},
        )
        properties[coll.name] = {
            "description": coll.description,
            "type": "array",
            "items": item,
        }
    return _object(
        "The facts of the test, by name (sistereval schema facts); a fact left out is unknown.",
        properties,
    )


def _consequences() -> dict[str, Any]:
    finding, verdict, derive = (CONSEQUENCES[k] for k in ("finding", "verdict", "derive"))
    return {
        "description": "The consequence: exactly one of a finding, a verdict or a derived fact.",
        "oneOf": [
            _object(
                "A finding.",
                {
                    "finding": {
                        "description": "What the finding is.",
                        "enum": list(FINDING_KINDS),
                    },
                    "factor": {
                        "description": "A success factor or obstacle group of the rule set "
                        "(its factors or obstacle_groups).",
                        "type": "string",
                        "pattern": _anchored(NAME),
                    },
                    "severity": {"description": "How much it weighs.", "enum": list(SEVERITIES)},
                },
                finding,
            ),
            _object(
                "A verdict.",
                {
                    "verdict": {
                        "description": "A verdict of the rule set's scale.",
                        "type": "string",
                    }
                },
                verdict,
            ),
            _object(
                "A derived fact.",
                {
                    "derive": {
                        "description": "The name of a derived fact, which other rules test "
                        "as derived.NAME.",
                        "type": "string",
                        "pattern": _anchored(NAME),
                    }
                },
                derive,
            ),
        ],
    }


def _rule(described: Mapping[str, str]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": _anchored(RULE_ID)},
        "title": {
            "anyOf": [
                {"type": "string"},
                _per_language("The title per language, such as {en: ..., id: ...}."),
            ]
        },
        "when": {"type": "string"},
        "then": _consequences(),
        "because": _per_language(
            "A message template per language of the rule set, with {fact} placeholders."
        ),
        "source": {"type": "string"},
        "override": {"type": "boolean"},
    }
    return {
        "description": "A rule: a condition and its consequence.",
        "type": "object",
        "properties": _with_descriptions(properties, described),
        "required": list(RULE_REQUIRED),
        "additionalProperties": False,
    }


def _test(schema: FactSchema) -> dict[str, Any]:
    rule_ids = "A rule id of the rule set."
    properties: dict[str, Any] = {
        "name": {"description": "The test's name, unique in the file.", "type": "string"},
        "case": {
            "description": "A shipped example by its name (bandung-namur), or a case file "
            "in this rule file's folder, by a relative path.",
            "type": "string",
        },
        "facts": _facts(schema),
        "verdict": {
            "description": "The expected verdict: one of the scale, or not_assessable.",
            "type": "string",
        },
        "fires": _names(RULE_ID, rule_ids, "Rules expected to fire."),
        "not_fires": _names(RULE_ID, rule_ids, "Rules expected not to fire."),
    }
    found = _object("A named case with its expected results.", properties, ("name",))
    found["oneOf"] = [{"required": ["case"]}, {"required": ["facts"]}]
    return found


def _verdicts() -> dict[str, Any]:
    return _object(
        "The verdict scale and how fired verdict rules combine.",
        {
            "scale": {
                **_names(NAME, "A verdict name.", "The verdicts, from best to worst."),
                "minItems": 1,
                "not": {"contains": {"const": "not_assessable"}},
            },
            "policy": {
                "description": "worst: the worst fired verdict wins (the default); best; "
                "priority: the first fired verdict rule in rule order wins.",
                "enum": list(POLICIES),
            },
            "unique": {
                "description": "true: verdict rules with different verdicts never fire "
                "together (sistereval check reports verdict-overlap).",
                "type": "boolean",
            },
            "undecided_when": {
                "description": "A condition that holds where no verdict rule is meant to fire "
                "(sistereval check).",
                "type": "string",
            },
        },
        ("scale",),
    )


def _top(schema: FactSchema) -> dict[str, Any]:
    return {
        "format": {"const": FORMAT},
        "id": {"type": "string", "pattern": _anchored(RULE_ID)},
        "version": {"type": "string", "pattern": _anchored(VERSION)},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "languages": _names(LANGUAGE_CODE, "A language code, such as en or id.", ""),
        "extends": {"type": "string"},
        "verdicts": _verdicts(),
        "factors": _names(NAME, "A success factor's name.", ""),
        "obstacle_groups": _names(NAME, "An obstacle group's name.", ""),
        "disable": _names(RULE_ID, "An inherited rule's id.", ""),
        "rules": {"type": "array", "items": {"$ref": "#/$defs/Rule"}},
        "invariants": {
            "type": "array",
            "items": _object(
                "A property sistereval check verifies.",
                {
                    "monotone": {
                        "description": "A number or boolean fact of the fact schema.",
                        "enum": [f.name for f in schema.scalars if f.type in _MONOTONE],
                    },
                    "direction": {
                        "description": "up: raising the fact never makes the verdict worse; "
                        "down: lowering it never does.",
                        "enum": ["up", "down"],
                    },
                },
                ("monotone", "direction"),
            ),
        },
        "changeable": {
            "type": "array",
            "items": _object(
                "A case path a counterfactual may change, and the values it may set there.",
                {
                    "path": {
                        "description": "A path of the case format, as whatif --set takes it, "
                        "with [*] for every item: fields[*].status.",
                        "type": "string",
                    },
                    "values": {
                        "description": "The values it may set, from worse to better.",
                        "type": "array",
                        "items": {"type": ["string", "number", "boolean"]},
                    },
                },
                ("path", "values"),
            ),
        },
        "tests": {"type": "array", "items": {"$ref": "#/$defs/Test"}},
        "tables": {
            "type": "array",
            "items": _object(
                "A decision table whose rows are rules.",
                {
                    "file": {
                        "description": "The table's file (.csv, .tsv or .xlsx), relative to "
                        "the rule file.",
                        "type": "string",
                    },
                    "sheet": {
                        "description": "A workbook's sheet (default: the first).",
                        "type": "string",
                    },
                    "hit_policy": {
                        "description": "How rows combine: collect (every row that holds "
                        "fires, the default), first (the first row that holds), unique (no "
                        "two rows with different verdicts hold together).",
                        "enum": list(HIT_POLICIES),
                    },
                },
                ("file",),
            ),
        },
    }


def _with_descriptions(
    properties: Mapping[str, dict[str, Any]], described: Mapping[str, str]
) -> dict[str, Any]:
    """``properties``, each with its description from ``described`` (first) when given."""
    out: dict[str, Any] = {}
    for key, value in properties.items():
        own = {k: v for k, v in value.items() if not (k == "description" and not v)}
        text = described.get(key)
        out[key] = {"description": text, **own} if text else own
    return out


def generate_rules_schema(
    descriptions: Descriptions | None = None, schema: FactSchema = FACT_SCHEMA
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rule file, with ``descriptions`` (of the keys
    of ``RuleFile`` and ``Rule``) on the keys; a test's facts are those of ``schema``."""
    described = descriptions or {}
    properties = _top(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": RULES_SCHEMA_ID,
        "title": f"sistereval rule file ({FORMAT})",
        "description": "A rule set: rules over the facts of a case, its verdict scale, tests "
        "and invariants (docs/rule-language.md).",
        "type": "object",
        "properties": _with_descriptions(properties, described.get("RuleFile", {})),
        "required": list(TOP_REQUIRED),
        "additionalProperties": False,
        "$defs": {"Rule": _rule(described.get("Rule", {})), "Test": _test(schema)},
    }


def rules_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rule file, as shipped for editors
    (``sistereval schema rules``): :func:`generate_rules_schema` with the descriptions
    of ``docs/rule-language.md``."""
    text = (importlib.resources.files("sistereval") / "schemas" / "rules.schema.json").read_text(
        encoding="utf-8"
    )
    found: dict[str, Any] = json.loads(text)
    return found
