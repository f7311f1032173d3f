"""The documents of the fact schema: its JSON form and ``docs/facts.md`` with its conventions."""

from __future__ import annotations

from ..schema import FactDef
from .schema import FACT_SCHEMA

__all__ = ["CONVENTIONS", "SCHEMA_FORMAT", "schema_document", "schema_markdown"]

#: The format marker of :func:`schema_document`.
SCHEMA_FORMAT = "sistereval/facts@1"

CONVENTIONS = """\
- **Unknown values.** A fact the case does not establish is `null` (Python
  `None`), never a guess. Counts count what the case records and are never
  `null` (no recorded activity gives `activities.count == 0`). A yes/no fact
  about something the case has no record of is `null`: with no recorded
  initiator `reciprocity.mutual` is `null`, with no leadership change during
  the partnership `leadership.activity_after_change` is `null`.
- **The agreement date** (`partnership.signed`) is the earliest date of an
  `mou` or `agreement` milestone. "During the partnership" means after that
  date and, when the partnership ended, before the `ended` milestone.
- **The reference date** (`partnership.as_of`), the point that durations such
  as `partnership.months_active` and `partnership.months_since_last_evidence`
  are measured to, is the case's `as_of` if it gives one (`given`); else the
  latest date a source was published or accessed, or the latest date the case
  records if that is later (`sources`); else the day of the evaluation
  (`evaluation_date`, `SOURCE_DATE_EPOCH` when set). `partnership.as_of_basis`
  says which, and `evaluate`, `explain` and `report` print the date and its
  basis ("measured to 2022 (the case's as_of)"). Validation refuses a record
  dated after `as_of` and an `as_of` before the first agreement, so durations
  are never negative. Durations of an ended or lapsed partnership stop at its
  end or lapse.
- **Partial dates** keep their precision (`2022`, `2016-12`, `2017-10-10`) and
  no day is ever invented. Month counts are whole calendar months between the
  months in which the two dates start: a date known only to the year counts
  from January, and the day of the month is ignored (`2017-10-09` to
  `2018-09-05` is 11 months). Years are months divided by 12, rounded to two
  decimals.
- **Before and after.** A date is *after* another only when every day it may
  stand for comes after every day the other may stand for (`2018` is after
  `2017-10-09`; `2017-10` is neither before nor after `2017-10-09`). Comparing
  with a date the case does not have gives `null`. The earliest and latest of
  several dates follow the model's order of dates (a year before a month of
  that year before a day of that month).
- **Disputes.** Where sources disagree, a fact takes one value (the *chosen*
  one) and the disagreement is listed in `Facts.disputes` with every
  alternative and its sources; `disputes.count` counts them. Three kinds are
  found: (1) records of a once-only milestone (`loi`, `mou`, `agreement`,
  `ended`) with dates that cannot be the same day: the earliest is chosen
  (dates where one contains the other, such as `2017` and `2017-10-09`, agree,
  and the more precise one is used); (2) a recorded distance that differs from
  the great-circle distance by more than 10%: the great-circle distance is
  chosen; (3) a `claims` entry whose value differs from the value derived from
  the case: the derived value is chosen. A claim that agrees adds its sources
  to the fact. A claim naming an unknown fact, a list fact, a `disputes.*`
  fact, or giving a value of the wrong type is a case error.
- **Sources.** `Facts.sources` maps every scalar fact name, and every
  collection item as `activities[3]` (the position in `Facts.collections`),
  to the ids of the sources behind it, sorted; `()` when the value rests on no
  cited record (such as a great-circle distance computed from coordinates).
- **Order.** Derived facts do not depend on the order of entries in the case
  file. Collection items are sorted by date where they have one, then by
  their other attributes.
- **Ranges and relations.** A number fact's *range* (column Range) bounds
  every known value: counts are never below 0, `fields.implementation_ratio`
  lies between 0 and 1. The *relations* below tie facts together wherever
  they are all known. `sistereval check` reasons with both (a rule testing
  `fields.implementation_ratio > 1` can never fire), and a property test
  checks them against `derive` on generated cases.
- **Changeable** facts are inputs an analyst may plausibly vary in a what-if
  (field statuses, budget earmarking, continuity after a leadership change,
  the analyst's own ratings). Facts computed from them follow when the case is
  changed and derived again.
- **Names.** No fact and no item attribute is called `id` or `sid` (the rule
  engine reserves them): a partner's id is the attribute `code` of the
  `partners` collection, and other items name partners by that code.
"""


def schema_document() -> dict[str, object]:
    """The fact schema as JSON-able data (``sistereval schema facts``)."""
    body = FACT_SCHEMA.to_dict()
    for entry, fact in zip(_dicts(body["scalars"]), FACT_SCHEMA.scalars, strict=True):
        if fact.changeable:
            entry["changeable"] = True
    for entry, coll in zip(_dicts(body["collections"]), FACT_SCHEMA.collections, strict=True):
        for item_entry, item in zip(_dicts(entry["items"]), coll.items, strict=True):
            if item.changeable:
                item_entry["changeable"] = True
    return {"format": SCHEMA_FORMAT, **body}


def _dicts(value: object) -> list[dict[str, object]]:
    assert isinstance(value, list)
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type_cell(fact: FactDef) -> str:
    text = f"`{fact.type}`"
    if fact.values:
        text += ": " + ", ".join(f"`{v}`" for v in fact.values)
    if fact.unit:
        text += f" ({fact.unit})"
    return text


def _range_cell(fact: FactDef) -> str:
    text = f"`{fact.range_text}`" if fact.range_text else ""
    if fact.range_note:
        text += f" ({fact.range_note})" if text else fact.range_note
    return text


def schema_markdown() -> str:
    """``docs/facts.md``: the fact schema and its conventions as Markdown."""
    lines = [
        "# Facts",
        "",
        "<!-- Generated by sistereval.facts.schema_markdown(); do not edit by hand.",
        "     Regenerate with: python -m sistereval.facts > docs/facts.md -->",
        "",
        "These are the facts a rule can use. `sistereval.facts.derive(case)` computes them from a",
        "case file; rule conditions are type-checked against this list (`sistereval schema facts`",
        "prints it as JSON). Scalar facts have dotted names (`fields.implemented`); collections",
        "(`activities`) are quantified over, and their items' attributes have plain names",
        '(`any(activities, kind == "visit")`).',
        "",
        "## Conventions",
        "",
        CONVENTIONS.rstrip("\n"),
        "",
        "## Scalar facts",
    ]
    topics: dict[str, list[FactDef]] = {}
    for fact in FACT_SCHEMA.scalars:
        topics.setdefault(fact.name.split(".", 1)[0], []).append(fact)
    for topic, facts in topics.items():
        lines += [
            "",
            f"### {topic}",
            "",
            "| Fact | Type | Range | Changeable | Description |",
            "|---|---|---|---|---|",
        ]
        for fact in facts:
            changeable = "yes" if fact.changeable else ""
            lines.append(
                f"| `{fact.name}` | {_type_cell(fact)} | {_cell(_range_cell(fact))} "
                f"| {changeable} | {_cell(fact.description)} |"
            )
    lines += [
        "",
        "## Relations",
        "",
        "Each holds in every case where all its facts are known.",
        "",
    ]
    lines += [f"- `{relation.text}`" for relation in FACT_SCHEMA.relations]
    lines += ["", "## Collections"]
    for coll in FACT_SCHEMA.collections:
        lines += [
            "",
            f"### {coll.name}",
            "",
            _cell(coll.description),
            "",
            "| Attribute | Type | Changeable | Description |",
            "|---|---|---|---|",
        ]
        for item in coll.items:
            changeable = "yes" if item.changeable else ""
            lines.append(
                f"| `{item.name}` | {_type_cell(item)} | {changeable} | {_cell(item.description)} |"
            )
    return "\n".join(lines) + "\n"
