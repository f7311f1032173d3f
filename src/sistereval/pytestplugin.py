"""The pytest plugin: the tests declared with rule sets, collected as pytest items.

Installed with sistereval (entry point ``pytest11``), the plugin does nothing until it
is switched on, with ``pytest --sistereval`` or ``sistereval = true`` in the pytest
configuration (``[tool.pytest.ini_options]``).  Then every rule file pytest
collects (a ``*.yaml`` or ``*.yml`` file whose ``format:`` is ``sistereval/rules@1``)
with declared tests (its own ``tests:``, and those of ``NAME_test.yaml`` beside it)
becomes a collector with one item per test, as ``sistereval test`` runs them; a
failure says what was expected and, for each rule that did not fire, the first clause
of its condition that was false with the values it read, in English or, with
``--sistereval-lang id`` (or ``sistereval_lang = id``), Indonesian.  ``docs/checking.md``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .check.ruletest import TestResult, declared_tests, is_rule_file, run_test
from .errors import SisterevalError
from .ir import RuleSet, RuleTest
from .language import load_rules
from .messages import LANGUAGES, PLUGIN, texts

__all__ = ["RuleFile", "RuleTestFailed", "RuleTestItem"]

_OPTION = "sistereval"
_LANG = "sistereval_lang"
_SUFFIXES = (".yaml", ".yml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sistereval", "sistereval rule-set tests")
    group.addoption(
        "--sistereval",
        action="store_true",
        default=False,
        help="collect the tests declared with sistereval rule files (NAME_test.yaml, tests:)",
    )
    parser.addini(
        _OPTION,
        type="bool",
        default=False,
        help="collect the tests declared with sistereval rule files, as --sistereval does",
    )
    group.addoption(
        "--sistereval-lang",
        dest=_LANG,
        choices=LANGUAGES,
        default=None,
        help="the language of failed rule-set tests' reports: en (the default) or id",
    )
    parser.addini(_LANG, default="en", help="the language of failed rule-set tests' reports")


def _active(config: pytest.Config) -> bool:
    return bool(config.getoption(_OPTION) or config.getini(_OPTION))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not _active(parent.config) or file_path.suffix not in _SUFFIXES:
        return None
    if file_path.stem.endswith("_test"):
        return None  # its tests are the rule file's, collected with it
    if not is_rule_file(file_path):
        return None
    collector: RuleFile = RuleFile.from_parent(parent, path=file_path)
    return collector


def _shown(path: Path) -> str:
    """``path`` as messages name it: relative to the current directory when it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


class RuleTestFailed(Exception):
    """A declared test that failed, with its result."""

    def __init__(self, result: TestResult) -> None:
        super().__init__(result.reason)
        self.result = result


class RuleFile(pytest.File):
    """A rule file: one item per test declared with it."""

    def collect(self) -> Iterator[RuleTestItem]:
        try:
            ruleset = load_rules(_shown(self.path))
            tests = declared_tests(ruleset)
        except SisterevalError as exc:
            raise self.CollectError(str(exc)) from None
        for test in tests:
            yield RuleTestItem.from_parent(self, name=test.name, ruleset=ruleset, test=test)


class RuleTestItem(pytest.Item):
    """One declared test of a rule set."""

    def __init__(self, *, ruleset: RuleSet, test: RuleTest, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ruleset = ruleset
        self.test = test

    def runtest(self) -> None:
        result = run_test(self.test, self.ruleset)
        if not result.passed:
            raise RuleTestFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, RuleTestFailed):
            language = self.config.getoption(_LANG) or self.config.getini(_LANG)
            return _failure_text(excinfo.value.result, str(language))
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.test.loc.line
        return self.path, None if line is None else line - 1, f"sistereval test {self.name}"


def _failure_text(result: TestResult, language: str = "en") -> str:
    """What pytest prints for a failed declared test, in ``language`` (English when the
    library does not speak it)."""
    t = texts(PLUGIN, language)
    lines = [t["failed"].format(location=result.location, name=result.name)]
    if result.error is not None:
        lines.append(t["error"].format(error=result.error))
        return "\n".join(lines)
    if result.expected_verdict is not None and result.expected_verdict != result.actual_verdict:
        expected, actual = result.expected_verdict, result.actual_verdict
        lines.append(t["verdict"].format(expected=expected, actual=actual))
    blocked = {b.rule: b for b in result.blocking}
    for rule in result.missing_fires:
        lines.append(t["not_fired"].format(rule=rule))
        if rule in blocked:
            lines.append(t["blocked_by"].format(condition=blocked[rule].blocking_condition))
            lines.append(t["values"].format(detail=blocked[rule].detail))
    for rule in result.unexpected_fires:
        lines.append(t["unexpected"].format(rule=rule))
    lines.append(t["fired"].format(rules=", ".join(result.fired) or t["none"]))
    return "\n".join(lines)
