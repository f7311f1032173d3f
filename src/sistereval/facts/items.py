"""The collections rules quantify over (``partners``, ``activities``...), record by record.

Each collection is a function returning its items, each with the sources
behind it, registered with the definitions of the items' attributes.
"""

from __future__ import annotations

from ..dates import When
from ..model import ActivityKind, FieldStatus, InstitutionKind, MilestoneType, Sector
from .context import _Context, _ids
from .measures import _ANCHOR_TEXT, ANCHOR_KINDS
from .registry import _BOOL, _DATE, _ENUM, _INT, _LIST, _NUM, _STR, _attr, _Item, _Registry
from .results import FactValue
from .values import (
    _after,
    _earliest,
    _enum_values,
    _exact,
    _in_enum_order,
    _latest,
    _months_at_least,
)


def _dates(date: When | None) -> dict[str, FactValue]:
    """A record's date as item attributes: ``date`` when it is a partial date,
    ``earliest`` and ``latest`` always (unknown when unbounded or undated)."""
    return {"date": _exact(date), "earliest": _earliest(date), "latest": _latest(date)}


_DATE_ATTRS = (
    _attr(
        "date",
        _DATE,
        "The date, with its precision; unknown when the date is approximate or not recorded "
        "(then see `earliest` and `latest`).",
    ),
    _attr(
        "earliest",
        _DATE,
        "The earliest date the record may have (`circa 2010`: 2009; `after 2010`: 2011); "
        "the date itself when exact; unknown when undated or unbounded.",
    ),
    _attr(
        "latest",
        _DATE,
        "The latest date the record may have (`circa 2010`: 2011; `before 2019`: 2018); "
        "the date itself when exact; unknown when undated or unbounded.",
    ),
)

_REGISTRY = _Registry()
_collection = _REGISTRY.collection


@_collection(
    "partners",
    "The partners, in the order of the case file. A partner's id is the attribute `code`; other "
    "items refer to partners by it.",
    _attr("code", _STR, "The partner's id in the case file."),
    _attr("name", _STR, "The partner's name."),
    _attr("country", _STR, "ISO 3166-1 alpha-2 country code."),
    _attr("population", _INT, "The population, when recorded."),
    _attr("lat", _NUM, "WGS-84 latitude.", unit="degrees"),
    _attr("lon", _NUM, "WGS-84 longitude.", unit="degrees"),
)
def _partner_items(ctx: _Context) -> list[_Item]:
    return [
        (
            {
                "code": p.id,
                "name": p.name,
                "country": p.country,
                "population": p.population,
                "lat": p.location.lat,
                "lon": p.location.lon,
            },
            (),
        )
        for p in ctx.case.partners
    ]


@_collection(
    "milestones",
    "Dated documents and events, each record as the case gives it (disputed dates appear once "
    "per record), records of milestones a source reports did not happen included "
    "(`happened` false).",
    _attr("type", _ENUM, "The kind of milestone.", values=_enum_values(MilestoneType)),
    *_DATE_ATTRS,
    _attr(
        "happened",
        _BOOL,
        "True for a milestone that happened; false for a source's report that it did not.",
    ),
    _attr("party", _STR, "The partner code of the party the milestone belongs to, when recorded."),
    _attr("party_country", _STR, "The country code of that party, when recorded."),
    _attr("party_name", _STR, "The name of that party, when recorded."),
    _attr(
        "term_years", _NUM, "The term of an MoU, agreement or renewal, when recorded.", unit="years"
    ),
)
def _milestone_items(ctx: _Context) -> list[_Item]:
    partners = {p.id: p for p in ctx.case.partners}
    out: list[_Item] = []
    for m in ctx.milestones:
        party = partners.get(m.party) if m.party is not None else None
        item: dict[str, FactValue] = {
            "type": str(m.type),
            **_dates(m.date),
            "happened": m.happened,
            "party": m.party,
            "party_country": party.country if party else None,
            "party_name": party.name if party else None,
            "term_years": m.term_years,
        }
        out.append((item, _ids([m])))
    return out


@_collection(
    "fields",
    "The agreed fields of cooperation.",
    _attr("name", _STR, "The field's name."),
    _attr(
        "status",
        _ENUM,
        "How far the field was carried out.",
        values=_enum_values(FieldStatus),
        changeable=True,
    ),
    _attr(
        "activity_count",
        _INT,
        "At least this many activities were carried out in the field: the larger of the number "
        "of `activities` naming it and the number of activities listed on the field itself.",
    ),
)
def _field_items(ctx: _Context) -> list[_Item]:
    out: list[_Item] = []
    for f in ctx.fields:
        named = sum(a.field == f.name for a in ctx.activities)
        item: dict[str, FactValue] = {
            "name": f.name,
            "status": str(f.status),
            "activity_count": max(named, len(f.activities)),
        }
        out.append((item, _ids([f])))
    return out


@_collection(
    "activities",
    "Recorded activities, sorted by date (undated ones first).",
    *_DATE_ATTRS,
    _attr("recurring", _BOOL, "The activity was held repeatedly (within its dates, if given)."),
    _attr("kind", _ENUM, "The kind of activity.", values=_enum_values(ActivityKind)),
    _attr("field", _STR, "The name of the field of cooperation, when recorded."),
    _attr("description", _STR, "What happened, when recorded."),
    _attr("initiated_by", _STR, "The partner code of the initiating partner, when recorded."),
    _attr("participants", _LIST, "The sectors that took part.", values=_enum_values(Sector)),
    _attr(
        "after_agreement",
        _BOOL,
        "The activity is certainly after the agreement date (false when its date may be the "
        "same or earlier); null when there is no agreement date or the activity is undated.",
    ),
    _attr(
        "after_leadership_change",
        _BOOL,
        "The activity is after the first leadership change during the partnership; null when "
        "there was no such change.",
    ),
)
def _activity_items(ctx: _Context) -> list[_Item]:
    out: list[_Item] = []
    for a in ctx.activities:
        item: dict[str, FactValue] = {
            **_dates(a.date),
            "recurring": a.recurring,
            "kind": str(a.kind),
            "field": a.field,
            "description": a.description,
            "initiated_by": a.initiated_by,
            "participants": _in_enum_order((str(p) for p in a.participants), Sector),
            "after_agreement": _relative(a.date, ctx.signed),
            "after_leadership_change": ctx.after_first_change(a),
        }
        out.append((item, _ids([a])))
    return out


@_collection(
    "leadership_changes",
    "Changes of office holder on either side, sorted by date.",
    _attr("partner", _STR, "The partner code of the side whose office changed hands."),
    _attr("office", _STR, "The office, such as `mayor`."),
    *_DATE_ATTRS,
    _attr("outgoing", _STR, "The outgoing office holder, when recorded."),
    _attr("incoming", _STR, "The incoming office holder, when recorded."),
    _attr(
        "during_partnership",
        _BOOL,
        "After the agreement date and, when the partnership ended, before the end date; null "
        "when there is no agreement date, the change is undated, or its date overlaps them.",
    ),
    _attr(
        "continuity",
        _BOOL,
        "The successor kept the partnership going; null when nobody reported it.",
        changeable=True,
    ),
    _attr(
        "months_after_agreement",
        _INT,
        "Months from the agreement date to the change (negative before it; with approximate "
        "dates the fewest they allow); null when either date is unknown.",
        unit="months",
    ),
)
def _change_items(ctx: _Context) -> list[_Item]:
    out: list[_Item] = []
    signed = ctx.signed
    for c in ctx.changes:
        item: dict[str, FactValue] = {
            "partner": c.partner,
            "office": c.office,
            **_dates(c.date),
            "outgoing": c.outgoing,
            "incoming": c.incoming,
            "during_partnership": ctx.during(c),
            "continuity": c.continuity,
            "months_after_agreement": _months_at_least(signed, c.date),
        }
        out.append((item, _ids([c])))
    return out


@_collection(
    "budget",
    "Budget lines for the partnership, sorted by partner and year.",
    _attr("partner", _STR, "The partner code of the side the line belongs to."),
    _attr("year", _INT, "The budget year, when recorded."),
    _attr("amount", _NUM, "The amount, when recorded (in `currency`)."),
    _attr("currency", _STR, "ISO 4217 currency code, when recorded."),
    _attr(
        "earmarked",
        _BOOL,
        "The line is earmarked for this partnership; null when not known.",
        changeable=True,
    ),
    _attr(
        "adequate",
        _BOOL,
        "The line was judged adequate; null when nobody judged it.",
        changeable=True,
    ),
    _attr("spent", _NUM, "The amount spent, when recorded (in `currency`)."),
    _attr("co_funding", _NUM, "Funds from outside the partners, when recorded (in `currency`)."),
)
def _budget_items(ctx: _Context) -> list[_Item]:
    return [
        (
            {
                "partner": b.partner,
                "year": b.year,
                "amount": b.amount,
                "currency": b.currency,
                "earmarked": b.earmarked,
                "adequate": b.adequate,
                "spent": b.spent,
                "co_funding": b.co_funding,
            },
            _ids([b]),
        )
        for b in ctx.budget
    ]


@_collection(
    "institutions",
    "Institutions that carry the partnership, sorted by name.",
    _attr("name", _STR, "The institution's name."),
    _attr("kind", _ENUM, "The kind of institution.", values=_enum_values(InstitutionKind)),
    _attr("partner", _STR, "The partner code of the side it belongs to, when recorded."),
    _attr("anchor", _BOOL, f"An anchor institution beside city hall ({_ANCHOR_TEXT})."),
)
def _institution_items(ctx: _Context) -> list[_Item]:
    return [
        (
            {
                "name": i.name,
                "kind": str(i.kind),
                "partner": i.partner,
                "anchor": i.kind in ANCHOR_KINDS,
            },
            _ids([i]),
        )
        for i in ctx.institutions
    ]


def _relative(date: When | None, reference: When | None) -> bool | None:
    """Certainly after ``reference``; unknown when either date is."""
    return None if date is None else _after(date, reference)
