"""Write a case back as plain data, as a YAML or JSON case file, or as a digest.

:func:`case_to_dict` gives the data a case file holds; :func:`dump_case`
writes it as YAML or JSON text that :func:`~sistereval.cases.load_case` reads
back to the same case (the round trip is lossless); :func:`case_sha256` is a
digest of the content.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any, Literal

import yaml

from ..errors import UsageError
from ..model import Case
from .convert import CONVERTER

__all__ = ["case_sha256", "case_to_dict", "dump_case"]


def case_sha256(case: Case) -> str:
    """A digest of the case's content (independent of the file's layout)."""
    text = json.dumps(case_to_dict(case), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as plain data (what a case file holds), ``format`` first.

    Values that say nothing (``None``, empty lists, absent assessments) are
    left out; dates are an integer year or an ISO string.
    """
    data: dict[str, Any] = CONVERTER.unstructure(case, Case)
    return {"format": data.pop("format"), **data}


def dump_case(case: Case, format: Literal["yaml", "json"] = "yaml") -> str:
    """The text of a case file in YAML or JSON; ``load_case`` reads it back unchanged."""
    data = case_to_dict(case)
    if format == "yaml":
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    if format == "json":
        return _json(data, 0) + "\n"
    raise UsageError(f"unknown case format {format!r}; expected 'yaml' or 'json'")


_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """Indented block lists; short lists of plain values on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def analyze_scalar(self, scalar: str) -> Any:
        analysis = super().analyze_scalar(scalar)
        if _YAML_BREAKS.search(scalar):
            # PyYAML writes these raw in single quotes, where a reader folds
            # them into spaces; double quotes escape them (\N, \L, \P).
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(item, str | int | float) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)

# Characters JSON may hold raw but YAML (which reads our JSON) may not.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _json(value: Any, depth: int) -> str:
    """JSON text that the YAML reader reads back to the same values.

    Floats always carry a dot (``1.0e-05``), which YAML needs to see a float.
    """
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "  " * (depth + 1)
        items = [
            f"{pad}{_json(str(k), depth + 1)}: {_json(x, depth + 1)}" for k, x in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = "  " * (depth + 1)
        return (
            "[\n" + ",\n".join(pad + _json(x, depth + 1) for x in value) + "\n" + "  " * depth + "]"
        )
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if isinstance(value, float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise UsageError(f"{value!r} cannot be written as JSON; write the case as YAML")
        text = repr(value)
        if "e" in text and "." not in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    return json.dumps(value)
