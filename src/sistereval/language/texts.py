"""The texts of rules: ``because`` templates filled with fact values, and the
translations a rule set is missing."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from .. import ir
from ..errors import Location, Problem, RuleError
from .parser import plain_locator
from .templates import Placeholder, TemplateError, parse_template, render

__all__ = ["missing_translations", "render_message", "template_placeholders"]


@functools.lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[str | Placeholder, ...]:
    """The parsed template, cached: the same few messages render for every case."""
    try:
        return tuple(parse_template(template))
    except TemplateError as exc:
        line, column = plain_locator(template, 1, 1)(exc.offset)
        location = Location(line=line, column=column)
        raise RuleError(
            [Problem(code="bad-template", message=exc.message, location=location)]
        ) from None


def template_placeholders(template: str) -> tuple[str, ...]:
    """The fact names a ``because`` template uses, in order of appearance."""
    return tuple(part.name for part in _parts(template) if not isinstance(part, str))


def render_message(template: str, scalars: Mapping[str, object], *, language: str = "en") -> str:
    """Fill a ``because`` template with fact values.

    Dates print as written (``2017-10``), whole floats without decimals,
    other floats with at most two, true/false as yes/no, an unknown value
    (``None`` or absent) as "unknown" (``id``: "tidak diketahui").

    >>> render_message("{a.b} of {a.c:.0%}", {"a.b": 1, "a.c": 0.2})
    '1 of 20%'
    """
    return render(_parts(template), scalars, language)


def missing_translations(
    ruleset: ir.RuleSet, languages: Iterable[str] | None = None
) -> list[Problem]:
    """Every rule title and ``because`` message missing in a language, as
    ``missing-translation`` problems located at the rule (``sistereval check``
    reports them as warnings: the text falls back to English).

    ``languages`` defaults to the rule set's languages and those the library
    speaks (``en``, ``id``); the problems are sorted by location.
    """
    if languages is None:
        from ..messages import LANGUAGES

        languages = (*ruleset.languages, *LANGUAGES)
    wanted = tuple(dict.fromkeys(languages))
    problems = []
    for rule in ruleset.rules:
        for kind, texts in (("title", rule.titles), ("message", rule.because)):
            missing = [language for language in wanted if language not in texts]
            if missing:
                names = ", ".join(repr(language) for language in missing)
                problems.append(
                    Problem(
                        code="missing-translation",
                        message=f"the rule {rule.id!r} has no {names} {kind}",
                        location=rule.loc,
                        suggestion="the English text is shown instead"
                        if "en" in texts
                        else "the rule's title is shown instead",
                    )
                )
    return sorted(problems, key=lambda p: (p.location.sort_key(), p.message))
