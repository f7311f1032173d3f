"""Hostile, broken and odd inputs for the fuzz tests, and the oracle that judges them.

Shared by ``tests/test_fuzz.py`` (a bounded number of inputs in CI) and
``benchmarks/fuzz.py`` (10,000 or more, counting failures).

Inputs come from two sources:

* **grammar**: rule files written from the grammar of the rule language
  (``docs/rule-language.md``) over the real fact schema, with conditions
  that are sometimes valid and sometimes wrong in the ways people get them
  wrong; case files drawn with :func:`sistereval.strategies.cases` and
  written with :func:`sistereval.dump_case` as YAML or JSON;
* **mutation**: the shipped examples, ``rules/core.yaml`` and a small rule
  file extending ``core``, changed line by line (deleted, duplicated,
  swapped), character by character, or given YAML specials (anchors,
  aliases, tags, flow brackets, tabs, a BOM, NUL) and odd scalars (very long
  numbers, ``1e999``, ``-0``, ``.nan``, ``2017-02-30``).

The oracle (:class:`Workspace`) writes each input to a file and runs it
through the Python API and the command line.  An input *fails* when anything
but a :class:`~sistereval.errors.SisterevalError` escapes the API, when the
two evaluators disagree on a valid input, when the command line exits with
a status other than 0, 1 or 2 or prints a traceback, or when one input takes
longer than :data:`SLOW` seconds of CPU time.
"""

from __future__ import annotations

import io
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import attrs
import yaml
from hypothesis import strategies as st

from sistereval import dump_case, evaluate, explain, load_case
from sistereval.batch import run_batch
from sistereval.cli import run
from sistereval.errors import SisterevalError
from sistereval.evaluation import rule_set
from sistereval.facts import FACT_SCHEMA
from sistereval.ir import RuleSet
from sistereval.language import FINDINGS, load_rules
from sistereval.model import Case
from sistereval.schema import FactDef, FactType
from sistereval.strategies import cases

__all__ = [
    "SLOW",
    "Failure",
    "FuzzInput",
    "Workspace",
    "case_inputs",
    "case_mappings",
    "cli_inputs",
    "rule_inputs",
]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = tuple(sorted((ROOT / "examples").glob("*.yaml")))
CORE = ROOT / "rules" / "core.yaml"
#: CPU seconds one check of one input may take.  CPU time, not wall time: a
#: machine busy with other work must not make an input fail.
SLOW = 5.0

CHILD = """\
format: sistereval/rules@1
id: office
version: "1.0.0"
title: Core, with an office threshold
extends: core
disable: [leaderless-and-obstructed]
rules:
  - id: few-fields-implemented
    override: true
    title: Few of the agreed fields were implemented (office threshold)
    when: fields.agreed >= 3 and fields.implementation_ratio < 0.5
    then: {finding: obstacle, factor: long_term_vision, severity: high}
    because:
      en: "Only {fields.implementation_ratio:.0%} of the agreed fields were implemented."
      id: "Hanya {fields.implementation_ratio:.0%} bidang yang disepakati terlaksana."
    source: "office guideline"
  - id: youth-took-part
    title: Young people took part
    when: any(activities, "youth" in participants) and partnership.kind matches "sister*"
    then: {finding: strength, factor: community_participation, severity: low}
    because:
      en: "Young people took part in the activities."
      id: "Pemuda ikut serta dalam kegiatan."
    source: "office guideline"
"""


@attrs.frozen
class FuzzInput:
    """One generated file: ``kind`` is ``case`` or ``rules``; ``origin`` says how it was made."""

    kind: str
    text: str
    suffix: str
    origin: str

    def describe(self) -> str:
        return f"{self.kind} file ({self.origin}), {len(self.text)} characters"


@attrs.frozen
class Failure:
    """What went wrong with one input, through which door."""

    where: str
    detail: str


# ------------------------------------------------------------------ mutations

SPECIALS = (
    "&a ",
    "*a",
    "*a ",
    "!!",
    "!!python/object/apply:os.system ['true'] ",
    "!!python/name:os.system ",
    "!thing ",
    "!!binary ",
    "!!set ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!timestamp ",
    "{",
    "}",
    "[",
    "]",
    ",",
    ": ",
    "- ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "%",
    "@",
    "`",
    "<<: *a",
    "\t",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "\r",
    "\\",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
)

SCALARS = (
    "9" * 400,
    "-" + "9" * 40,
    "1e999",
    "-1e999",
    "1e-999",
    "-0",
    "-0.0",
    ".nan",
    "NaN",
    ".inf",
    "-.inf",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "12:30:00",
    "2017-02-30",
    "2017-02-29",
    "2016-02-29",
    "2017-13-01",
    "2017-00-10",
    "0000-01-01",
    "0001",
    "9999-12-31",
    "99999-01-01",
    "2017-10-10T10:00:00Z",
    "2017-10-10 10:00:00",
    "2017-1",
    "~",
    "null",
    "yes",
    "no",
    "on",
    "true",
    "[]",
    "{}",
    "[[]]",
    '""',
    "''",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!float abc",
    "!!int 12abc",
    "*undefined",
    '"*a*a*a*a*a*a*a*a*a*b"',
    '"' + "a" * 3000 + '"',
    '"İstanbul ǅ ß ﬁ"',
    '"\\u0000"',
    '"\\ud800"',
    "'\u2028'",
    "x" * 200,
    "[1, [2, [3, [4, [5]]]]]",
)

#: Token replacements inside conditions.
TOKENS = (
    "and",
    "or",
    "not",
    "in",
    "not in",
    "matches",
    "imatches",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "+",
    "-",
    "*",
    "/",
    "/ 0",
    "(",
    ")",
    "[",
    "]",
    ",",
    "true",
    "false",
    '"x"',
    "'",
    '"',
    "\\",
    "1e999",
    "9" * 60,
    "0.1",
    "-3",
    'date("2017-02-30")',
    'date("2017")',
    'fired("few-fields-implemented")',
    'fired("nope")',
    "derived.nothing",
    "known(",
    "count(",
    "any(",
    "all(",
    "none(",
    "findings",
    "activities",
    "fields.agreed",
    "partnership.kind",
    "sectors.participating",
    "{",
    "&",
    "|",
    "!",
    ".",
    "..",
    "$",
    "#",
    "\t",
    "\n",
)


def _lines_op(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    if len(lines) < 2:
        return text + "\n" + text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    choice = rng.randrange(5)
    if choice == 0:
        del lines[i]
    elif choice == 1:
        lines.insert(i, lines[j])
    elif choice == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 3:  # re-indent a line
        lines[i] = " " * rng.choice((0, 1, 2, 3, 4, 6, 8)) + lines[i].lstrip(" ")
    else:  # a block of lines repeated
        lines[i:i] = lines[i : i + rng.randint(1, 8)] * rng.randint(1, 4)
    return "\n".join(lines)


def _char_op(rng: random.Random, text: str) -> str:
    if not text:
        return rng.choice(SPECIALS)
    i = rng.randrange(len(text))
    choice = rng.randrange(3)
    if choice == 0:
        return text[:i] + text[i + 1 :]
    alphabet = ":-[]{}#&*!|>'\"%@`,?\\\t \n0123456789.eE+aZ_é\x00\ufeff"
    char = rng.choice(alphabet)
    if choice == 1:
        return text[:i] + char + text[i + 1 :]
    return text[:i] + char + text[i:]


def _special_op(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + rng.choice(SPECIALS) + text[i:]


def _value_positions(text: str) -> list[tuple[int, int]]:
    """Spans of the values after ``key: `` on each line (to the end of the line)."""
    spans = []
    start = 0
    for line in text.split("\n"):
        colon = line.find(": ")
        if colon >= 0:
            spans.append((start + colon + 2, start + len(line)))
        start += len(line) + 1
    return spans


def _scalar_op(rng: random.Random, text: str) -> str:
    spans = _value_positions(text)
    if not spans:
        return _special_op(rng, text)
    begin, end = rng.choice(spans)
    return text[:begin] + rng.choice(SCALARS) + text[end:]


def _condition_op(rng: random.Random, text: str) -> str:
    """Change one token of one ``when:`` condition, or replace the condition."""
    spans = [
        (begin, end)
        for begin, end in _value_positions(text)
        if text[max(0, begin - 8) : begin].rstrip().endswith("when:")
    ]
    if not spans:
        return _scalar_op(rng, text)
    begin, end = rng.choice(spans)
    condition = text[begin:end]
    if rng.random() < 0.3:
        new = condition_text(rng, rng.randint(0, 3))
    else:
        words = condition.split(" ")
        i = rng.randrange(len(words))
        choice = rng.randrange(3)
        if choice == 0:
            del words[i]
        elif choice == 1:
            words[i] = rng.choice(TOKENS)
        else:
            words.insert(i, rng.choice(TOKENS))
        new = " ".join(words)
    if "\n" in new or new[:1] in "\"'[{&*!|>%@`#" or ": " in new or " #" in new:
        new = '"' + new.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text[:begin] + new + text[end:]


MUTATIONS: tuple[Callable[[random.Random, str], str], ...] = (
    _lines_op,
    _char_op,
    _special_op,
    _scalar_op,
    _condition_op,
)


def mutate(rng: random.Random, text: str, count: int) -> str:
    for _ in range(count):
        text = rng.choice(MUTATIONS)(rng, text)
    return text


# ------------------------------------------------------------------ the grammar

_SCALARS = FACT_SCHEMA.scalars
_COLLECTIONS = (*FACT_SCHEMA.collections, FINDINGS)
_CORE_RULES = ("few-fields-implemented", "dormant", "verdict-failure", "renewed")
_FACTORS = ("long_term_vision", "community_participation", "finance", "distance")
_GLOBS = ("Kota *", "*", "", "?", "*a*a*a*a*a*a*a*a*b", "sister*", "*_*", "a?c*", "**", "é*İ")
#: How often a generated piece is wrong on purpose.
MISTAKE = 0.005


class Grammar:
    """Writes conditions and rule files from the grammar of the rule language.

    Names come from the real fact schema; ``fired()`` and ``derived.`` name
    rules and derived facts of the file being written (so most files load),
    and about one piece in two hundred is wrong the way people get it wrong.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rules: list[str] = []
        self.derived: list[str] = []

    def wrong(self) -> bool:
        return self.rng.random() < MISTAKE

    def literal(self, fact: FactDef) -> str:
        rng = self.rng
        ftype = rng.choice(list(FactType)) if self.wrong() else fact.type
        if ftype in (FactType.INTEGER, FactType.NUMBER):
            return rng.choice(("0", "1", "3", "0.34", "24", "1e3", "-2", "0.1", "1000000"))
        if ftype is FactType.DATE:
            return f'date("{rng.choice(("2017", "2017-10", "2017-10-10", "2022", "1999-12"))}")'
        if ftype is FactType.BOOLEAN:
            return rng.choice(("true", "false"))
        values = fact.values or ("mayor", "Kota Bandung", "", 'x\\"y', "é")
        word = rng.choice(("Mayor", "sister-city")) if self.wrong() else rng.choice(values)
        return '"' + word + '"'

    def operand(self, facts: tuple[FactDef, ...], prefix: str) -> tuple[str, FactDef]:
        rng = self.rng
        fact = rng.choice(facts)
        name = prefix + fact.name
        if self.wrong():
            name = name[:-1]
        numbers = [f for f in facts if f.type in (FactType.INTEGER, FactType.NUMBER)]
        if fact.type in (FactType.INTEGER, FactType.NUMBER) and rng.random() < 0.25:
            other = prefix + rng.choice(numbers).name
            op = rng.choice("+-*/")
            right = rng.choice(("2", "0.5")) if op == "/" else rng.choice((other, "2", "0"))
            name = f"{name} {op} {'0' if self.wrong() else right}"
        return name, fact

    def atom(self, facts: tuple[FactDef, ...], prefix: str, depth: int) -> str:
        rng = self.rng
        name, fact = self.operand(facts, prefix)
        choice = rng.randrange(10)
        if choice == 0:
            return f"known({prefix}{fact.name})"
        if choice == 1 and fact.type is FactType.BOOLEAN:
            return name
        if choice == 2 and fact.type not in (FactType.LIST, FactType.BOOLEAN):
            items = ", ".join(self.literal(fact) for _ in range(rng.randint(1, 3)))
            return f"{name} in [{items}]"
        if choice == 3 and fact.type is FactType.LIST:
            return f"{self.literal(fact)} in {name}"
        if choice == 4 and fact.type in (FactType.STRING, FactType.ENUM):
            return f'{name} {rng.choice(("matches", "imatches"))} "{rng.choice(_GLOBS)}"'
        if choice == 5 and not prefix and self.rules:
            return f'fired("{rng.choice(self.rules)}")'
        if choice == 6 and not prefix and self.derived:
            return f"derived.{rng.choice(self.derived)}"
        if choice in (7, 8) and not prefix and depth > 0:
            coll = rng.choice(_COLLECTIONS)
            kind = rng.choice(("any", "all", "none", "count"))
            inner = ""
            if kind == "all" or rng.random() < 0.7:
                inner = ", " + self.positive(depth - 1, coll.items, "")
            call = f"{kind}({coll.name}{inner})"
            return f"{call} >= {rng.randint(1, 3)}" if kind == "count" else call
        if fact.type is FactType.LIST:
            return f"known({prefix}{fact.name})"
        ops = (
            ("==", "!=")
            if fact.type in (FactType.STRING, FactType.ENUM, FactType.BOOLEAN)
            else ("<", "<=", ">", ">=", "==", "!=")
        )
        return f"{name} {rng.choice(ops)} {self.literal(fact)}"

    def condition(self, depth: int, facts: tuple[FactDef, ...] = _SCALARS, prefix: str = "") -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.4:
            text = self.atom(facts, prefix, depth)
        else:
            parts = [self.condition(depth - 1, facts, prefix) for _ in range(rng.randint(2, 3))]
            text = f" {rng.choice(('and', 'or'))} ".join(parts)
            if rng.random() < 0.5:
                text = f"({text})"
            if rng.random() < 0.15:
                text = f"not {text}"
        if self.wrong():  # a stray token
            words = text.split(" ")
            words.insert(rng.randrange(len(words) + 1), rng.choice(TOKENS))
            text = " ".join(words)
        return text

    def positive(self, depth: int, facts: tuple[FactDef, ...], prefix: str) -> str:
        """A condition that tests for something present and has no negated match (mostly)."""
        text = self.condition(depth, facts, prefix)
        if self.wrong():
            return text
        if " not " in f" {text} " or "!=" in text or "none(" in text or "all(" in text:
            text = f"({text}) and {self.atom(facts, prefix, 0).replace('!=', '==')}"
        return text.replace("not (", "(") if "matches" in text else text

    def then(self, rule_id: str) -> str:
        rng = self.rng
        choice = rng.randrange(4)
        if choice == 0:
            verdict = "fail" if self.wrong() else rng.choice(("success", "partial", "failure"))
            return f"{{verdict: {verdict}}}"
        if choice == 1:
            name = rng.choice(("shared", "weak_anchoring", "gap"))
            self.derived.append(name)
            return f"{{derive: {name}}}"
        kind = rng.choice(("obstacle", "strength", "risk", "compliance"))
        severity = rng.choice(("low", "medium", "high"))
        factor = "nope" if self.wrong() else rng.choice(_FACTORS)
        return f"{{finding: {kind}, factor: {factor}, severity: {severity}}}"

    def message(self) -> str:
        rng = self.rng
        fact = rng.choice(_SCALARS)
        spec = ""
        if fact.type in (FactType.INTEGER, FactType.NUMBER):
            spec = rng.choice(("", ":.0%", ":.1f", ":,", ":>9"))
        if self.wrong():
            spec = rng.choice(("!r", ":x", "{", ":>999"))
        return _yaml_string(rng.choice(("{" + fact.name + spec + "} here.", "Plain.", "{{ok}}")))

    def rule_file(self) -> str:
        """A rule file extending ``core`` (half the time) or standing alone."""
        rng = self.rng
        extends = rng.random() < 0.5
        lines = [
            "format: sistereval/rules@1",
            f"id: {'Fuzz Set' if self.wrong() else 'fuzz'}",
            'version: "1.0.0"',
            "title: A generated rule set",
        ]
        if extends:
            self.rules = list(_CORE_RULES)
            target = "cor" if self.wrong() else rng.choice(("core", "../rules/core.yaml"))
            lines.append(f"extends: {target}")
            if rng.random() < 0.2:
                lines.append("disable: [renewed]")
                self.rules.remove("renewed")
        else:
            policy = rng.choice(("worst", "best", "priority"))
            lines += [
                "languages: [en, id]",
                f"verdicts: {{scale: [success, partial, failure], policy: {policy}}}",
                f"factors: [{', '.join(_FACTORS[:2])}]",
                f"obstacle_groups: [{', '.join(_FACTORS[2:])}]",
            ]
        lines.append("rules:")
        for i in range(rng.randint(1, 6)):
            rule_id = f"r-{i}"
            when = self.positive(rng.randint(0, 3), _SCALARS, "")
            lines += [
                f"  - id: {rule_id}",
                f"    title: Rule {i}",
                f"    when: {_yaml_string(when)}",
                f"    then: {self.then(rule_id)}",
                "    because:",
                f"      en: {self.message()}",
                f"      id: {self.message()}",
                "    source: generated",
            ]
            self.rules.append(rule_id)
        return "\n".join(lines) + "\n"


def condition_text(rng: random.Random, depth: int) -> str:
    return Grammar(rng).condition(depth)


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# ------------------------------------------------------------------ strategies

_counts = st.integers(min_value=1, max_value=4)


@st.composite
def _mutated(draw: st.DrawFn, kind: str, seeds: tuple[tuple[str, str], ...]) -> FuzzInput:
    name, text = draw(st.sampled_from(seeds))
    rng = draw(st.randoms(use_true_random=True))
    count = draw(_counts)
    return FuzzInput(kind, mutate(rng, text, count), ".yaml", f"{name}, {count} mutations")


def _case_to_input(case: Case, fmt: str) -> FuzzInput:
    return FuzzInput("case", dump_case(case, fmt), f".{fmt}", f"generated {fmt}")  # type: ignore[arg-type]


@st.composite
def _generated_case(draw: st.DrawFn) -> FuzzInput:
    case = draw(cases())
    fmt = draw(st.sampled_from(("yaml", "json")))
    made = _case_to_input(case, fmt)
    if draw(st.booleans()):
        return made
    rng = draw(st.randoms(use_true_random=True))
    text = mutate(rng, made.text, draw(_counts))
    return FuzzInput("case", text, made.suffix, f"generated {fmt}, mutated")


@st.composite
def _generated_rules(draw: st.DrawFn) -> FuzzInput:
    rng = draw(st.randoms(use_true_random=True))
    text = Grammar(rng).rule_file()
    if draw(st.integers(min_value=0, max_value=2)) == 0:  # a third mutated, most load
        text = mutate(rng, text, draw(_counts))
        return FuzzInput("rules", text, ".yaml", "grammar, mutated")
    return FuzzInput("rules", text, ".yaml", "grammar")


def _seeds(paths: tuple[Path, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((path.name, path.read_text(encoding="utf-8")) for path in paths)


def case_inputs() -> st.SearchStrategy[FuzzInput]:
    """Case files: generated (some mutated) and mutated examples."""
    return st.one_of(_generated_case(), _mutated("case", _seeds(EXAMPLES)))


def rule_inputs() -> st.SearchStrategy[FuzzInput]:
    """Rule files: from the grammar (some mutated) and mutations of core and a child of it."""
    seeds = (*_seeds((CORE,)), ("child.yaml", CHILD))
    return st.one_of(_generated_rules(), _mutated("rules", seeds))


def cli_inputs() -> st.SearchStrategy[FuzzInput]:
    """Case and rule files, and one in five an attack of :mod:`fuzz_attacks`."""
    from fuzz_attacks import attack_inputs

    return st.one_of(case_inputs(), case_inputs(), rule_inputs(), rule_inputs(), attack_inputs())


#: Plain data of every kind a parsed file (or a caller) can hand to ``load_case``.
_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(),
        st.text(max_size=12),
        st.dates(),
        st.datetimes(),
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.one_of(st.text(max_size=8), st.integers(), st.none()), inner, max_size=3
        )
    ),
    max_leaves=8,
)


@st.composite
def case_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """An example case as parsed data, with one value somewhere replaced by any plain data."""
    data = yaml.safe_load(draw(st.sampled_from(EXAMPLES)).read_text(encoding="utf-8"))
    rng = draw(st.randoms(use_true_random=True))
    node: Any = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = rng.choice(keys)
        child = node[key]
        if not isinstance(child, dict | list) or rng.random() < 0.3:
            node[key] = draw(_values)
            break
        node = child
    return cast(dict[str, Any], data)


# ------------------------------------------------------------------ the oracle


class Workspace:
    """A directory laid out like the repository, where inputs are written and checked.

    ``rules/`` holds each rule input (so ``../examples/...`` and
    ``../rules/core.yaml`` resolve as beside the shipped rules), ``cases/``
    each case input.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in ("examples", "rules", "cases"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        for example in EXAMPLES:
            shutil.copy(example, root / "examples" / example.name)
        shutil.copy(CORE, root / "rules" / "core.yaml")
        self.example = str(root / "examples" / EXAMPLES[0].name)
        self.core = rule_set("core")
        #: How the inputs ended: ``valid`` or the first problem's code, per kind of file.
        self.outcomes: Counter[str] = Counter()

    def write(self, item: FuzzInput) -> Path:
        folder = "rules" if item.kind == "rules" else "cases"  # JSON Lines among the cases
        path = self.root / folder / f"input{item.suffix}"
        path.write_bytes(item.text.encode("utf-8", errors="surrogatepass"))
        return path

    def check_api(self, item: FuzzInput) -> Failure | None:
        """Load and evaluate through the Python API."""
        path = self.write(item)
        start = time.process_time()
        try:
            if item.kind == "case":
                self._case(path)
            elif item.kind == "jsonl":
                run_batch(path, self.root / "out.jsonl", jobs=1)
            else:
                self._rules(path)
            self.outcomes[f"{item.kind}: valid"] += 1
        except SisterevalError as exc:
            problems = getattr(exc, "problems", ())
            code = problems[0].code if problems else type(exc).__name__
            self.outcomes[f"{item.kind}: {code}"] += 1
        except Exception:
            return Failure("api", traceback.format_exc())
        return _slow(start, "api")

    def _case(self, path: Path) -> None:
        case = load_case(path)
        _agree(case, self.core)
        explain(case, self.core)

    def _rules(self, path: Path) -> None:
        rules = load_rules(path)
        example = EXAMPLES[len(rules.rules) % len(EXAMPLES)]  # one example each, in turn
        _agree(load_case(example), rules)
        explain(example, rules)

    def argv(self, item: FuzzInput, command: int) -> list[str]:
        """A command line that reads ``item``, chosen by ``command``."""
        path = str(self.write(item))
        if item.kind == "jsonl":
            out = str(self.root / "out.jsonl")
            argvs = (["batch", path, "--out", out, "--jobs", "1"],)
        elif item.kind == "case":
            argvs = (
                ["validate", path],
                ["evaluate", path, "--format", "json"],
                ["explain", path],
                ["evaluate", path, "--lang", "id"],
            )
        else:
            argvs = (
                ["evaluate", self.example, "--rules", path],
                # the static checks: the property checks evaluate hundreds of cases
                # (seconds of CPU per rule set), and tests/test_checkprops.py runs them
                ["check", path, "--no-properties"],
                ["test", path],
                ["explain", self.example, "--rules", path],
            )
        return argvs[command % len(argvs)]

    def check_cli(self, item: FuzzInput, command: int) -> Failure | None:
        """One command of the command line, chosen by ``command``, run in process."""
        argv = self.argv(item, command)
        stdout, stderr = io.StringIO(), io.StringIO()
        start = time.process_time()
        try:
            status = run(argv, stdout, stderr)
        except BaseException:
            return Failure(f"cli {argv[0]}", traceback.format_exc())
        return _judge(status, stdout.getvalue() + stderr.getvalue(), start, f"cli {argv[0]}")

    def check_script(self, item: FuzzInput, command: int) -> Failure | None:
        """The same command through the installed ``sistereval`` script, in a subprocess."""
        script = shutil.which("sistereval", path=os.path.dirname(sys.executable))
        assert script is not None, "the sistereval script is not installed"
        argv = self.argv(item, command)
        start = _children_cpu()
        done = subprocess.run(
            [script, *argv], capture_output=True, text=True, timeout=60, check=False
        )
        where = f"script {argv[0]}"
        return _judge(done.returncode, done.stdout + done.stderr, start, where, _children_cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _judge(
    status: int,
    output: str,
    start: float,
    where: str,
    clock: Callable[[], float] = time.process_time,
) -> Failure | None:
    if status not in (0, 1, 2) or "Traceback" in output:
        return Failure(where, f"exit status {status}\n{output}")
    return _slow(start, where, clock)


def _slow(
    start: float, where: str, clock: Callable[[], float] = time.process_time
) -> Failure | None:
    elapsed = clock() - start
    if elapsed > SLOW:
        return Failure(where, f"took {elapsed:.1f} s of CPU time (more than {SLOW} s)")
    return None


def _agree(case: Case | Path, rules: RuleSet) -> None:
    """The engine and the reference evaluator give the same decision record."""
    durable = evaluate(case, rules).to_dict()
    reference = evaluate(case, rules, backend="reference").to_dict()
    if durable != reference:
        raise AssertionError(f"durable gave {durable}, the reference {reference}")
