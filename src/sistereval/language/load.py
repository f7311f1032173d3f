"""Loading rule sets: rule files by path, shipped rule sets by name.

Rule files (``format: sistereval/rules@1``) are read with the safe YAML
reader, their conditions parsed into the IR of :mod:`sistereval.ir`,
type-checked against the fact schema, their inheritance (``extends``,
``override``, ``disable``) resolved and their rules put in strata.  Nothing in
a rule file is ever executed.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .. import ir
from ..facts import FACT_SCHEMA
from ..schema import FactSchema
from .assemble import finish
from .resolve import find_source, resolve, shipped_names

__all__ = ["SearchPath", "load_rules", "rule_set", "shipped_rule_sets", "shipped_rules_dir"]

SearchPath = Sequence["str | os.PathLike[str] | Traversable"]


def shipped_rules_dir() -> Traversable:
    """Where the shipped rule sets (``core``, ...) are: the package's ``sistereval/rules``."""
    return importlib.resources.files("sistereval") / "rules"


def _search_path(search_path: SearchPath | None) -> list[Traversable]:
    if search_path is None:
        return [shipped_rules_dir()]
    return [Path(item) if isinstance(item, str | os.PathLike) else item for item in search_path]


def shipped_rule_sets(search_path: SearchPath | None = None) -> tuple[str, ...]:
    """The names :func:`load_rules` and ``extends:`` accept, sorted."""
    return tuple(shipped_names(_search_path(search_path)))


def load_rules(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    schema: FactSchema | None = None,
    search_path: SearchPath | None = None,
    file: str | None = None,
) -> ir.RuleSet:
    """Load, check and resolve a rule set.

    ``source`` is a path to a rule file, the name of a shipped rule set
    (a bare name such as ``"core"``, looked up as ``NAME.yaml`` in each
    directory of ``search_path``, by default :func:`shipped_rules_dir`), the
    YAML (or JSON) text of a rule file (a ``str`` with a line break, or starting
    with ``{``), or a mapping of its parsed data.  ``file`` names text in
    messages (default ``<string>``: ``<string>:12:9: unknown-fact: ...``); the
    problems of a mapping carry their data path (``rules[3].when``) and no line.
    ``extends: ../base.yaml`` in text or a mapping is relative to the current
    directory.
    Every problem of every file involved is reported at once in one
    :class:`~sistereval.errors.RuleError` (a ``DocumentError`` when a file
    is not valid YAML, a ``LimitError`` when a limit is exceeded).
    """
    schema = FACT_SCHEMA if schema is None else schema
    folders = _search_path(search_path)
    ref = find_source(source, folders, file=file)
    return finish(resolve(ref, schema=schema, search_path=folders), schema)


_rule_sets: dict[str, ir.RuleSet] = {}


def rule_set(
    rules: ir.RuleSet | str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> ir.RuleSet:
    """A loaded rule set: ``None`` is the shipped ``core``; a ``str`` that is the name of
    a shipped rule set is that set (loaded once per process); YAML text and a mapping are
    a rule file's content; any other ``str`` and every :class:`os.PathLike`
    (``Path("core")`` too) is a rule file (:func:`load_rules`).  Raises
    :class:`TypeError` for anything else."""
    if isinstance(rules, ir.RuleSet):
        return rules
    if rules is None or (isinstance(rules, str) and rules in shipped_rule_sets()):
        name = rules or "core"
        if name not in _rule_sets:
            _rule_sets[name] = load_rules(name)
        return _rule_sets[name]
    if not isinstance(rules, str | os.PathLike | Mapping):
        raise TypeError(
            "rules must be a RuleSet, the name of a shipped rule set (a str), a rule-file "
            f"path, its YAML text or a mapping, not {type(rules).__name__}"
        )
    return load_rules(rules)
