"""The ``claims`` of a case checked against the fact schema (:func:`claim_problems`).

A claim names a scalar fact and a value sources give for it; one that names
an unknown fact, a list or ``disputes.*`` fact, or gives a value the fact
cannot take is a case error.  Claims that pass are compared with the derived
values in :mod:`.disputes`.
"""

from __future__ import annotations

from ..messages import did_you_mean
from ..model import Case, PartialDate
from ..schema import FactDef, FactType
from .results import FactValue
from .schema import _BY_NAME, _LATE, FACT_SCHEMA
from .values import _is_number

__all__ = ["claim_problems"]


def _claim_type_problem(fact: FactDef, value: object) -> tuple[str, str | None] | None:
    """Why ``value`` cannot be a value of ``fact`` (message, hint), or ``None``."""
    kind = fact.type
    if kind is FactType.INTEGER and (isinstance(value, bool) or not isinstance(value, int)):
        return f"{fact.name!r} is an integer, not {value!r}", None
    if kind is FactType.NUMBER and not _is_number(value):
        return f"{fact.name!r} is a number, not {value!r}", None
    if kind is FactType.BOOLEAN and not isinstance(value, bool):
        return f"{fact.name!r} is true or false, not {value!r}", None
    if kind is FactType.STRING and not isinstance(value, str):
        return f"{fact.name!r} is a string, not {value!r}", None
    if kind is FactType.ENUM and value not in fact.values:
        hint = "one of " + ", ".join(repr(v) for v in fact.values)
        return f"{value!r} is not a value of {fact.name!r}", hint
    if kind is FactType.DATE:
        if isinstance(value, bool | float):
            return f"{fact.name!r} is a date, not {value!r}", None
        try:
            PartialDate.parse(value)
        except ValueError as exc:
            return str(exc), None
    return None


def claim_problems(case: Case) -> list[tuple[str, str, str, str | None]]:
    """Problems with the case's ``claims`` as ``(path, code, message, suggestion)``.

    The same shape as :func:`sistereval.model.reference_problems`, so a case
    loader can locate them in the file.  Codes: ``unknown-fact`` (with a
    did-you-mean), ``claim-unsupported`` (a list or ``disputes.*`` fact) and
    ``claim-type`` (a value the fact cannot take).
    """
    out: list[tuple[str, str, str, str | None]] = []
    names = [fact.name for fact in FACT_SCHEMA.scalars]
    for i, claim in enumerate(case.claims):
        fact = _BY_NAME.get(claim.fact)
        if fact is None:
            out.append(
                (
                    f"claims[{i}].fact",
                    "unknown-fact",
                    f"unknown fact {claim.fact!r}",
                    did_you_mean(claim.fact, names),
                )
            )
        elif fact.type is FactType.LIST or fact.name in _LATE:
            out.append(
                (
                    f"claims[{i}].fact",
                    "claim-unsupported",
                    f"the fact {claim.fact!r} cannot be claimed",
                    None,
                )
            )
        else:
            problem = _claim_type_problem(fact, claim.value)
            if problem is not None:
                out.append((f"claims[{i}].value", "claim-type", problem[0], problem[1]))
    return out


def _claim_value(fact: FactDef, value: object) -> FactValue:
    if fact.type is FactType.DATE:
        return PartialDate.parse(value)
    assert isinstance(value, bool | int | float | str)
    return value
