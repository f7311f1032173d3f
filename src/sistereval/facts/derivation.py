"""The derivation: :func:`derive`, every fact of one case, with its sources and disputes."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import CaseError, Location, Problem
from ..model import Case
from .claims import claim_problems
from .context import _Context
from .disputes import _assemble
from .results import Facts, FactValue
from .schema import _COLLECTIONS, _SCALARS, FACT_SCHEMA

__all__ = ["derive"]


def derive(case: Case) -> Facts:
    """Every fact of :data:`FACT_SCHEMA` for ``case``, with sources and disputes.

    Raises :class:`~sistereval.errors.CaseError` when a claim names an unknown
    fact or gives a value of the wrong type (see :func:`claim_problems`).
    """
    problems = claim_problems(case)
    if problems:
        raise CaseError(
            Problem(code=code, message=message, location=Location(path=path), suggestion=hint)
            for path, code, message, hint in problems
        )
    ctx = _Context(case)
    scalars: dict[str, FactValue] = {}
    sources: dict[str, set[str]] = {}
    for measure in _SCALARS:
        if not measure.late:
            out = measure.compute(ctx)
            scalars[measure.fact.name] = out.value
            sources[measure.fact.name] = set(out.sources)

    ctx.disputes = _assemble(ctx, scalars, sources)

    for measure in _SCALARS:
        if measure.late:
            out = measure.compute(ctx)
            scalars[measure.fact.name] = out.value
            sources[measure.fact.name] = set(out.sources)

    collections: dict[str, tuple[Mapping[str, FactValue], ...]] = {}
    item_sources: dict[str, tuple[str, ...]] = {}
    for coll in _COLLECTIONS:
        items = coll.compute(ctx)
        collections[coll.coll.name] = tuple(item for item, _ in items)
        for i, (_, ids) in enumerate(items):
            item_sources[f"{coll.coll.name}[{i}]"] = ids

    ordered = {fact.name: scalars[fact.name] for fact in FACT_SCHEMA.scalars}
    return Facts(
        case_id=case.id,
        scalars=ordered,
        collections=collections,
        sources={**{name: tuple(sorted(sources[name])) for name in ordered}, **item_sources},
        disputes=ctx.disputes,
        catalog={s.id: s for s in case.sources},
    )
