"""``because`` message templates: ``"Only {fields.implemented} of {fields.agreed} ..."``.

Templates are parsed here, never handed to :meth:`str.format`: a placeholder
is a fact name with an optional format spec from a short whitelist
(``{fields.implementation_ratio:.0%}``); ``{{`` and ``}}`` stand for braces.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import attrs

from ..model import PartialDate

__all__ = ["Placeholder", "TemplateError", "numeric_spec", "parse_template", "render"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# align, sign, width (2 digits), grouping, precision (2 digits), type
_SPEC = re.compile(r"[<>^]?[+\- ]?[0-9]{0,2}[,_]?(?:\.[0-9]{1,2})?[deEfFgG%]?")
_NUMERIC_TYPES = set("deEfFgG%")

_UNKNOWN = {"en": "unknown", "id": "tidak diketahui"}
_YES_NO = {"en": ("yes", "no"), "id": ("ya", "tidak")}


@attrs.frozen
class Placeholder:
    name: str
    spec: str
    start: int  # offset of the '{'


class TemplateError(ValueError):
    """A malformed template; ``offset`` is where the trouble starts."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def parse_template(text: str) -> list[str | Placeholder]:
    """Split ``text`` into literal text and placeholders."""
    parts: list[str | Placeholder] = []
    literal: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if text.startswith(("{{", "}}"), pos):
            literal.append(char)
            pos += 2
        elif char == "}":
            raise TemplateError(pos, "a single '}' (write '}}' for a brace)")
        elif char == "{":
            if literal:
                parts.append("".join(literal))
                literal = []
            placeholder, pos = _placeholder(text, pos)
            parts.append(placeholder)
        else:
            literal.append(char)
            pos += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _placeholder(text: str, start: int) -> tuple[Placeholder, int]:
    close = text.find("}", start)
    if close < 0:
        raise TemplateError(start, "a '{' without its '}' (write '{{' for a brace)")
    inner = text[start + 1 : close]
    name, _, spec = inner.partition(":")
    if not _NAME.fullmatch(name):
        raise TemplateError(start, f"{{{inner}}} is not a placeholder: write {{fact.name}}")
    if spec and not _SPEC.fullmatch(spec):
        raise TemplateError(
            start, f"the format {spec!r} is not allowed; use one such as ':.0%', ':.1f' or ':,'"
        )
    return Placeholder(name, spec, start), close + 1


def numeric_spec(spec: str) -> bool:
    """Whether ``spec`` only makes sense for numbers."""
    return bool(spec) and (spec[-1] in _NUMERIC_TYPES or any(c in spec for c in ",_."))


def render(parts: Sequence[str | Placeholder], values: Mapping[str, object], language: str) -> str:
    """The message with each placeholder replaced by its value in ``values``."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(_value(values.get(part.name), part.spec, language))
    return "".join(out)


def _value(value: object, spec: str, language: str) -> str:
    if value is None:
        return _UNKNOWN.get(language, _UNKNOWN["en"])
    if isinstance(value, bool):
        yes, no = _YES_NO.get(language, _YES_NO["en"])
        return yes if value else no
    if isinstance(value, int | float):
        if spec:
            try:
                return format(value, spec)
            except ValueError:  # an integer spec for a float: fall back to the default
                pass
        return _number(value)
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, tuple | list):
        return ", ".join(_value(item, "", language) for item in value)
    return str(value)


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    if abs(value) >= 0.01:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.2g}"
