"""Derived facts: every measure a rule can use, computed once, in one place.

:func:`derive` turns a :class:`~sistereval.model.Case` into :class:`Facts`:
scalar facts (``fields.implemented``), collections that rules quantify over
(``activities``), the source ids behind each value, and the disputes where
sources disagree.  :data:`FACT_SCHEMA` (what rules are type-checked against,
documented in ``docs/facts.md``) is built from the code that computes the facts.

This module is the public face; the other phases import only from it.  Inside:
``results`` (what :func:`derive` returns), ``values`` (comparing values and
partial dates), ``context`` (one case, sorted, with shared results),
``registry`` (measures registered with their definitions), ``measures`` and
``evidence`` (the scalar facts), ``items`` (the collections), ``schema``
(:data:`FACT_SCHEMA`), ``docs`` (its JSON form and ``docs/facts.md``),
``claims`` (checking a case's claims), ``disputes`` (assembling disputes),
``derivation`` (:func:`derive`), ``variants`` (the facts under each side of a
dispute, and the facts derived from a disputed one) and ``independence`` (which
sources are independent lines of evidence).
"""

from __future__ import annotations

from .claims import claim_problems
from .context import DISTANCE_TOLERANCE
from .derivation import derive
from .disputes import MILESTONE_FACTS
from .docs import CONVENTIONS, SCHEMA_FORMAT, schema_document, schema_markdown
from .independence import evidence_lines
from .measures import ANCHOR_KINDS, STAGES
from .results import Alternative, Dispute, Facts, FactValue
from .schema import FACT_SCHEMA
from .variants import Variant, dispute_variants, disputed_facts, standing

__all__ = [
    "ANCHOR_KINDS",
    "CONVENTIONS",
    "DISTANCE_TOLERANCE",
    "FACT_SCHEMA",
    "MILESTONE_FACTS",
    "SCHEMA_FORMAT",
    "STAGES",
    "Alternative",
    "Dispute",
    "FactValue",
    "Facts",
    "Variant",
    "claim_problems",
    "derive",
    "dispute_variants",
    "disputed_facts",
    "evidence_lines",
    "schema_document",
    "schema_markdown",
    "standing",
]
