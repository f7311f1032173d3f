"""The rule language: conditions, message templates and rule files.

Rule files (``format: sistereval/rules@1``) are read with the safe YAML reader
(:mod:`sistereval.documents`), their conditions parsed by a hand-written parser
into the IR of :mod:`sistereval.ir`, type-checked against the fact schema, their
inheritance (``extends``, ``override``, ``disable``) resolved and their rules put
in strata.  Nothing in a rule file is ever executed.  The language is described
for analysts in ``docs/rule-language.md``.

One module per job: ``lexer`` and ``parser`` (text to IR), ``printer`` (IR to
text), ``typecheck``, ``templates``, ``srcmap`` (positions inside YAML scalars),
``shape`` (typed reading of YAML documents), ``rulefile`` (one file),
``declarations`` (its tests and invariants), ``changeable``, ``resolve`` (files
combined through ``extends``), ``strata``, ``assemble`` (the rule set), ``load``
(by path or shipped name), ``expressions``, ``texts`` and ``schema`` (the JSON
Schema of rule files, for editors).
"""

from __future__ import annotations

from ..schema import FINDING_KINDS, SEVERITIES
from .assemble import MAX_RULES, MAX_RULES_PER_FACT
from .expressions import FINDINGS, check_expression, parse_expression
from .load import load_rules, rule_set, shipped_rule_sets, shipped_rules_dir
from .printer import format_expression
from .schema import rules_schema
from .texts import missing_translations, render_message, template_placeholders

__all__ = [
    "FINDINGS",
    "FINDING_KINDS",
    "MAX_RULES",
    "MAX_RULES_PER_FACT",
    "SEVERITIES",
    "check_expression",
    "format_expression",
    "load_rules",
    "missing_translations",
    "parse_expression",
    "render_message",
    "rule_set",
    "rules_schema",
    "shipped_rule_sets",
    "shipped_rules_dir",
    "template_placeholders",
]
