"""The library text of reports, in English and Indonesian.

Every key exists in every language (a test checks it).  Names that come from a
rule set or a case (factors, milestone types, source kinds) are looked up as
``prefix.name`` by :func:`name`; a name the catalogue does not know is shown
with its underscores as spaces.  Verdict names are :data:`sistereval.messages.LABELS`'.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping

from ..messages import COMPARE, LABELS, REPORT, Consequence

__all__ = ["comparison_strings", "consequence", "name", "strings", "verdict_name"]


def strings(language: str) -> Mapping[str, str]:
    """The report text and :data:`~sistereval.messages.LABELS` of ``language`` (English
    when the library does not speak it)."""
    return ChainMap(
        dict(REPORT.get(language, REPORT["en"])), dict(LABELS.get(language, LABELS["en"]))
    )


def comparison_strings(language: str) -> Mapping[str, str]:
    """The comparison report's text (:data:`~sistereval.messages.COMPARE`), then
    :func:`strings`."""
    return ChainMap(
        dict(COMPARE.get(language, COMPARE["en"])),
        dict(REPORT.get(language, REPORT["en"])),
        dict(LABELS.get(language, LABELS["en"])),
    )


def name(text: Mapping[str, str], prefix: str, value: str) -> str:
    """The catalogue's name for ``value`` (a factor, a milestone type, ...)."""
    return text.get(f"{prefix}.{value}") or value.replace("_", " ")


def verdict_name(text: Mapping[str, str], verdict: str) -> str:
    """``failure`` / ``gagal``; a verdict outside the library's scale as written."""
    return text.get(verdict, verdict)


def consequence(text: Mapping[str, str], rule: Consequence) -> str:
    """What a rule concludes, in words: ``obstacle · finance · high`` or ``verdict: failure``."""
    if rule.verdict is not None:
        return f"{text['kind.verdict']}: {verdict_name(text, rule.verdict)}"
    parts = [name(text, "kind", rule.kind)]
    if rule.factor is not None:
        parts.append(name(text, "factor", rule.factor))
    if rule.severity is not None:
        parts.append(name(text, "severity", rule.severity))
    return " · ".join(parts)
