"""The JSON Schema (draft 2020-12) of the case format, generated from the attrs model.

:func:`generate_case_schema` reads the same type hints and validators as the
checker (:mod:`.hints`): keys, types, allowed values, ranges and date forms;
cross references (unknown ids, duplicates) are left to the checker.  The
description of every key comes from the key tables of ``docs/case-files.md``
(``tools/schemas.py`` reads them and writes the shipped file); :func:`case_schema`
is that file, ``sistereval/schemas/case.schema.json``, as editors get it.
"""

from __future__ import annotations

import importlib.resources
import json
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from ..countries import COUNTRY_CODES
from ..dates import DateSpan
from ..model import CASE_FORMAT, CASE_FORMAT_V1, Case, PartialDate, _country
from .hints import (
    MATCHES_RE,
    MIN_LEN,
    NONE_TYPE,
    NUMBER,
    is_enum,
    is_tuple,
    member_validator,
    type_hints,
    union_args,
    validator_leaves,
)

__all__ = ["CASE_SCHEMA_ID", "MIN_PARTNERS", "case_schema", "generate_case_schema"]

#: The ``$id`` of the case schema: where the shipped file is published.
CASE_SCHEMA_ID = (
    "https://raw.githubusercontent.com/sistereval/sistereval/main/"
    "src/sistereval/schemas/case.schema.json"
)
#: The fewest partners a case has (the checker's ``too-few-partners``).
MIN_PARTNERS = 2
#: Descriptions of keys, by model class name and key.
Descriptions = Mapping[str, Mapping[str, str]]

_JSON_TYPES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _validator_schema(validator: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for leaf in validator_leaves(validator):
        if isinstance(leaf, NUMBER):
            keyword = {
                ">=": "minimum",
                ">": "exclusiveMinimum",
                "<=": "maximum",
                "<": "exclusiveMaximum",
            }[leaf.compare_op]
            out[keyword] = leaf.bound
        elif isinstance(leaf, MATCHES_RE):
            out["pattern"] = leaf.pattern.pattern
        elif isinstance(leaf, MIN_LEN):
            out["minLength"] = leaf.min_length
        elif leaf is _country:
            out["enum"] = sorted(COUNTRY_CODES)
    return out


def _describe_class(cls: type) -> dict[str, str]:
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return {}
    first = doc.strip().split("\n\n")[0]
    return {"description": " ".join(line.strip() for line in first.splitlines())}


def _partial_date_schema() -> dict[str, Any]:
    year = _validator_schema(attrs.fields(PartialDate).year.validator)
    return {
        **_describe_class(PartialDate),
        "anyOf": [
            {"type": "integer", **year},
            {
                "type": "string",
                "pattern": r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
            },
        ],
    }


_DAY = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"


def _when_schema() -> dict[str, Any]:
    return {
        "description": (
            "A record's date: YYYY, YYYY-MM or YYYY-MM-DD, or an approximate date: "
            "'circa 2010' (also 'c. 2010', 'ca. 2010', '2010~'), a range '2010/2015', "
            "'before 2019', 'after 2010'."
        ),
        "anyOf": [
            {"$ref": "#/$defs/PartialDate"},
            {
                "type": "string",
                "pattern": (
                    rf"^((circa|c\.|ca\.|before|after)"
                    rf" +{_DAY}|{_DAY}~|{_DAY}/{_DAY})$"
                ),
            },
        ],
    }


def _type_schema(
    hint: Any, validator: Any, defs: dict[str, Any], described: Descriptions
) -> dict[str, Any]:
    args = union_args(hint)
    if args is not None:
        options = tuple(a for a in args if a is not NONE_TYPE)
        if set(options) == {PartialDate, DateSpan}:
            defs.setdefault("PartialDate", _partial_date_schema())
            defs.setdefault("When", _when_schema())
            when = {"$ref": "#/$defs/When"}
            return {"anyOf": [when, {"type": "null"}]} if NONE_TYPE in args else when
        if options == (bool,) and NONE_TYPE in args:
            return {"enum": [True, False, "unknown", None]}
        if len(options) > 1:
            types_ = [_JSON_TYPES[o] for o in options if not (o is int and float in options)]
            schema: dict[str, Any] = {"type": types_}
        else:
            schema = _type_schema(options[0], validator, defs, described)
        if NONE_TYPE not in args:
            return schema
        if "$ref" in schema or "anyOf" in schema:
            return {"anyOf": [schema, {"type": "null"}]}
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        schema["type"] = [schema["type"], "null"]
        return schema
    if is_tuple(hint):
        item = typing.get_args(hint)[0]
        items = _type_schema(item, member_validator(validator), defs, described)
        return {"type": "array", "items": items}
    if hint is PartialDate:
        defs.setdefault("PartialDate", _partial_date_schema())
        return {"$ref": "#/$defs/PartialDate"}
    if attrs.has(hint):
        if hint.__name__ not in defs:
            defs[hint.__name__] = _class_schema(hint, defs, described)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if is_enum(hint):
        return {"type": "string", "enum": [str(member.value) for member in hint]}
    return {"type": _JSON_TYPES[hint], **_validator_schema(validator)}


def _class_schema(cls: type, defs: dict[str, Any], described: Descriptions) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    texts = described.get(cls.__name__, {})
    for field in attrs.fields(cls):
        found = _type_schema(type_hints(cls)[field.name], field.validator, defs, described)
        if field.name in texts:
            found = {"description": texts[field.name], **found}
        properties[field.name] = found
        if field.default is attrs.NOTHING:
            required.append(field.name)
    return {
        **_describe_class(cls),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def generate_case_schema(descriptions: Descriptions | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case file, generated from the model, with
    ``descriptions`` (by class name and key) on the keys.

    It describes the JSON form; a YAML file is valid when its data, with YAML
    dates written as ISO strings, is valid.
    """
    described = descriptions or {}
    defs: dict[str, Any] = {}
    root = _class_schema(Case, defs, described)
    root["properties"]["format"] = {
        **root["properties"]["format"],
        "enum": [CASE_FORMAT, CASE_FORMAT_V1],
    }
    root["properties"]["format"].pop("type", None)
    root["properties"]["partners"]["minItems"] = MIN_PARTNERS
    root["required"] = ["format", *root["required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CASE_SCHEMA_ID,
        "title": f"sistereval case file ({CASE_FORMAT})",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def case_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case file, as shipped for editors
    (``sistereval schema case``): :func:`generate_case_schema` with the
    descriptions of ``docs/case-files.md``.

    It describes the JSON form; a YAML file is valid when its data, with YAML
    dates written as ISO strings, is valid.
    """
    text = (importlib.resources.files("sistereval") / "schemas" / "case.schema.json").read_text(
        encoding="utf-8"
    )
    found: dict[str, Any] = json.loads(text)
    return found
