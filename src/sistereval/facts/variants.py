"""The facts of a case under each side of each dispute (:func:`dispute_variants`).

An evaluation uses one value of a disputed fact (the *chosen* one).  Each other
alternative gives a variant of the facts, made so that the facts derived from the
disputed one follow it (``docs/facts.md``, "Disputes"):

* **records**: a date of a once-only milestone (MoU, agreement, letter of intent,
  end) that a record or a claim gives: the case keeps only the records of that
  milestone with that date (a claimed date no record gives replaces them, with the
  claim's sources) and every fact is derived again, so ``partnership.years_active``,
  the stage and the months of activity follow the date (a claimed date the case
  cannot hold, one after its reference date, changes the fact alone, as below);
* **fact**: any other alternative (a reported distance, a claimed count) says
  nothing about the records behind it: the fact takes the value, with the lifecycle
  facts it implies (a claimed stage sets the ended, lapsed and suspended flags and a
  claimed flag the stage).

:func:`disputed_facts` names, per dispute, every fact whose value differs between
its sides: the disputed fact and every fact derived from it.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ..errors import CaseError
from ..model import Case, Milestone, MilestoneType, PartialDate
from .derivation import derive
from .disputes import MILESTONE_FACTS
from .results import Alternative, Dispute, Facts, FactValue

__all__ = ["Variant", "dispute_variants", "disputed_facts", "standing"]

_MILESTONE_OF = {fact: kind for kind, fact in MILESTONE_FACTS.items()}

#: The lifecycle facts one stage implies (``partnership.stage`` names the state).
_STATE_FLAGS = {
    "partnership.ended": "ended",
    "partnership.lapsed": "lapsed",
    "partnership.suspended": "suspended",
}


@attrs.frozen(kw_only=True)
class Variant:
    """One side of a dispute: its value and sources, how its facts were made
    (``records`` or ``fact``), whether it is the side the evaluation uses, and the
    facts under it."""

    dispute: Dispute
    alternative: Alternative
    chosen: bool
    method: str
    facts: Facts


def _same(a: FactValue, b: FactValue) -> bool:
    return type(a) is type(b) and a == b


def standing(facts: Facts, fact: str, value: FactValue) -> dict[str, FactValue]:
    """The lifecycle facts that follow from ``fact`` taking ``value``: a claimed stage
    sets the ended, lapsed and suspended flags; a claimed flag sets the stage (true:
    that state; false, where the stage was that state: in force, ``active`` when it was
    carried out, else ``mou``).  Other facts imply nothing here."""
    if fact == "partnership.stage" and isinstance(value, str):
        return {flag: value == state for flag, state in _STATE_FLAGS.items()}
    state = _STATE_FLAGS.get(fact)
    if state is None or not isinstance(value, bool):
        return {}
    if value:
        return {
            "partnership.stage": state,
            **{flag: flag == fact for flag in _STATE_FLAGS},
        }
    if facts.scalars.get("partnership.stage") != state:
        return {}
    carried = facts.scalars.get("partnership.carried_out") is True
    return {"partnership.stage": "active" if carried else "mou"}


def _milestones(case: Case, kind: MilestoneType, alt: Alternative) -> tuple[Milestone, ...]:
    """The case's milestones with only ``alt``'s date for the milestone ``kind``."""
    if any(m.type is kind and m.date == alt.value for m in case.milestones):
        return tuple(m for m in case.milestones if m.type is not kind or m.date == alt.value)
    others = tuple(m for m in case.milestones if m.type is not kind)
    model = next((m for m in case.milestones if m.type is kind), None)
    claimed = (
        Milestone(type=kind, date=alt.value, sources=alt.sources)
        if model is None
        else attrs.evolve(model, date=alt.value, sources=alt.sources)
    )
    return (*others, claimed)


def _variant(case: Case, facts: Facts, dispute: Dispute, alt: Alternative) -> Variant:
    chosen = _same(alt.value, dispute.chosen)
    kind = _MILESTONE_OF.get(dispute.fact)
    if kind is not None and isinstance(alt.value, PartialDate):
        if chosen:
            return Variant(
                dispute=dispute, alternative=alt, chosen=True, method="records", facts=facts
            )
        try:
            changed = derive(attrs.evolve(case, milestones=_milestones(case, kind, alt)))
        except CaseError:
            pass  # a claimed date the case cannot hold (after as_of): the fact alone changes
        else:
            return Variant(
                dispute=dispute, alternative=alt, chosen=False, method="records", facts=changed
            )
    if chosen:
        return Variant(dispute=dispute, alternative=alt, chosen=True, method="fact", facts=facts)
    scalars = {
        **facts.scalars,
        **standing(facts, dispute.fact, alt.value),
        dispute.fact: alt.value,
    }
    return Variant(
        dispute=dispute,
        alternative=alt,
        chosen=False,
        method="fact",
        facts=attrs.evolve(facts, scalars=scalars),
    )


def dispute_variants(case: Case, facts: Facts) -> tuple[tuple[Variant, ...], ...]:
    """For each dispute of ``facts`` (the facts of ``case``), in their order, the
    variant of the facts under each of its alternatives, in theirs."""
    return tuple(
        tuple(_variant(case, facts, dispute, alt) for alt in dispute.alternatives)
        for dispute in facts.disputes
    )


def disputed_facts(
    facts: Facts, variants: tuple[tuple[Variant, ...], ...]
) -> Mapping[str, tuple[str, ...]]:
    """Every disputed fact with the disputes that make it so: the disputed fact
    itself, and each scalar whose value differs between the sides of a dispute (a
    fact derived from the disputed one), keyed by fact, the disputes by their fact."""
    out: dict[str, list[str]] = {}
    for sides in variants:
        if not sides:
            continue
        fact = sides[0].dispute.fact
        out.setdefault(fact, []).append(fact)
        for name, value in facts.scalars.items():
            if name.startswith(("disputes.", "evidence.")):
                continue  # counts of disputes and sources, not facts derived from it
            differs = any(not _same(side.facts.scalars.get(name), value) for side in sides)
            if differs and fact not in out.setdefault(name, []):
                out[name].append(fact)
    return {name: tuple(by) for name, by in out.items()}
