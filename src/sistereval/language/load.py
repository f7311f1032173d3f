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
from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

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
    source: str | os.PathLike[str],
    *,
    schema: FactSchema | None = None,
    search_path: SearchPath | None = None,
    file: str | None = None,
) -> ir.RuleSet:
    """Load, check and resolve a rule set.

    ``source`` is a path to a rule file, or the name of a shipped rule set
    (a bare name such as ``"core"``, looked up as ``NAME.yaml`` in each
    directory of ``search_path``, by default :func:`shipped_rules_dir`), or the
    text of a rule file (a ``str`` of more than one line, such as standard input).
    ``file`` names the source in messages (default: the path, or ``<input>``).
    Every problem of every file involved is reported at once in one
    :class:`~sistereval.errors.RuleError` (a ``DocumentError`` when a file
    is not valid YAML, a ``LimitError`` when a limit is exceeded).
    """
    schema = FACT_SCHEMA if schema is None else schema
    folders = _search_path(search_path)
    ref = find_source(source, folders, file)
    return finish(resolve(ref, schema=schema, search_path=folders))


_rule_sets: dict[str, ir.RuleSet] = {}


def rule_set(rules: ir.RuleSet | str | os.PathLike[str] | None = None) -> ir.RuleSet:
    """A loaded rule set: ``None`` is the shipped ``core``; a ``str`` that is the name of
    a shipped rule set is that set (loaded once per process); any other ``str`` and every
    :class:`os.PathLike` (``Path("core")`` too) is a rule file.  Raises :class:`TypeError`
    for anything else."""
    if isinstance(rules, ir.RuleSet):
        return rules
    if rules is None or (isinstance(rules, str) and rules in shipped_rule_sets()):
        name = rules or "core"
        if name not in _rule_sets:
            _rule_sets[name] = load_rules(name)
        return _rule_sets[name]
    if not isinstance(rules, str | os.PathLike):
        raise TypeError(
            "rules must be a RuleSet, the name of a shipped rule set (a str) or a rule-file "
            f"path, not {type(rules).__name__}"
        )
    return load_rules(rules)
