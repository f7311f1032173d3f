"""Fuzz inputs an attacker would send (issue 18), one generator per class of attack.

* **escapes**: ESC, CSI, OSC (titles, hyperlinks, OSC 52 clipboard writes), bidi
  and zero-width characters in the texts of case and rule files;
* **paths**: ``extends:`` and test ``case:`` paths out of the rule file's folder,
  absolute, to devices, with NUL characters;
* **numbers**: huge and tiny numbers in case files (amounts, populations,
  claims, coordinates) and rule literals, and arithmetic that overflows;
* **bombs**: conditions whose expansion into alternatives explodes (lists, ``or``,
  date comparisons multiplied by ``and``), and rule sets of many such rules;
* **lines**: JSON Lines inputs for ``batch`` with U+2028/U+0085 inside strings,
  CR LF, a BOM, huge lines and strings, deep nesting, huge integers, NaN,
  values that are not objects.

Each is a :class:`~fuzz_inputs.FuzzInput` judged by the same oracle as the
other fuzz inputs: a refused input is fine, an uncaught exception, an internal
error, a disagreement of the evaluators or a slow input is a failure.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

__all__ = ["attack_inputs"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = tuple(sorted((ROOT / "examples").glob("*.yaml")))
CORE = ROOT / "rules" / "core.yaml"

ESCAPES = (
    "\x1b[2J\x1b[H",
    "\x1b]0;owned\x07",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    "\x1bP1$r\x1b\\",
    "\x9b31m",
    "\u202eexe.fdp\u202c",
    "a\u200bb\u2066c\u2069",
    "\x00\x07\x08\r",
    '=HYPERLINK("http://x")',
    "@SUM(1+9)*cmd",
    "<img src=x onerror=alert(1)>",
)
PATHS = (
    "../../../../../../etc/passwd",
    "../../../../../../etc/passwd.yaml",
    "/etc/passwd",
    "/dev/stdin",
    "/dev/zero",
    "/proc/self/environ",
    "~/.docker/config.json",
    "file:///etc/passwd",
    "../examples",
    "..",
    "a\x00b.yaml",
    "C:\\Windows\\win.ini",
    "\\\\server\\share\\x.yaml",
    "../cases/input.yaml",
    "../examples/bandung-namur.yaml",
)
NUMBERS = (
    "9" * 401,
    "-" + "9" * 401,
    "1e308",
    "1e999",
    "-1e999",
    "1e-400",
    "4.9e-324",
    "1" + "0" * 16,
    "0x7fffffffffffffff",
    "1_000_000_000_000_000_000",
    ".nan",
    ".inf",
    "-0.0",
)
FACTS = ("fields.agreed", "fields.implemented", "fields.partial", "fields.planned")


def _texts(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (every character escaped as YAML allows)."""
    return json.dumps(text, ensure_ascii=True)


@st.composite
def _escaped(draw: st.DrawFn) -> Any:
    from fuzz_inputs import FuzzInput

    kind, path = draw(st.sampled_from([("case", p) for p in EXAMPLES] + [("rules", CORE)]))
    rng = draw(st.randoms(use_true_random=True))
    lines = _texts(path).splitlines()
    keys = ("title:", "name:", "note:", "version:", "citation:", "en:", "id:", "outgoing:")
    spots = [i for i, line in enumerate(lines) if line.strip().startswith(keys)]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 4))):
        head = lines[i][: lines[i].index(":") + 1]
        lines[i] = f"{head} {_quoted(rng.choice(ESCAPES) + 'x' + rng.choice(ESCAPES))}"
    return FuzzInput(kind, "\n".join(lines) + "\n", ".yaml", "escape sequences")


_RULES_HEAD = """format: sistereval/rules@1
id: attack
version: "1"
title: attack
description: attack
languages: [en]
verdicts: {scale: [success, partial, failure], policy: worst}
factors: [shared_values]
obstacle_groups: [distance]
"""


def _rule(rule_id: str, when: str) -> str:
    return (
        f"  - id: {rule_id}\n    title: t\n    when: {_quoted(when)}\n"
        "    then: {finding: risk, factor: shared_values, severity: low}\n"
        '    because: {en: "x"}\n    source: "s"\n'
    )


@st.composite
def _paths(draw: st.DrawFn) -> Any:
    from fuzz_inputs import FuzzInput

    target = draw(st.sampled_from(PATHS))
    where = draw(st.sampled_from(("extends", "case", "table")))
    text = _RULES_HEAD
    if where == "extends":
        text += f"extends: {_quoted(target)}\n"
    text += "rules:\n" + _rule("r0", "fields.agreed > 1")
    if where == "case":
        text += f"tests:\n  - name: t\n    case: {_quoted(target)}\n    verdict: failure\n"
    elif where == "table":
        text += f"tables:\n  - file: {_quoted(target)}\n"
    return FuzzInput("rules", text, ".yaml", f"path {where}")


@st.composite
def _numbers(draw: st.DrawFn) -> Any:
    from fuzz_inputs import FuzzInput

    number = draw(st.sampled_from(NUMBERS))
    if draw(st.booleans()):
        text = _texts(draw(st.sampled_from(EXAMPLES)))
        key = draw(st.sampled_from(("lat:", "lon:", "population:", "amount:", "km:", "year:")))
        lines = text.splitlines()
        spots = [i for i, line in enumerate(lines) if line.strip().startswith(key)]
        if not spots:
            return FuzzInput("case", text, ".yaml", "numbers, none")
        i = draw(st.sampled_from(spots))
        lines[i] = lines[i][: lines[i].index(":") + 1] + " " + number
        return FuzzInput("case", "\n".join(lines) + "\n", ".yaml", f"number {key} {number[:8]}")
    fact = draw(st.sampled_from(FACTS))
    literal = number.replace(".inf", "1e999").replace(".nan", "0").replace("_", "")
    conditions = (
        f"{fact} > {literal}",
        f"{fact} * {literal} * {literal} == {fact} * {literal} * {literal}",
        f"{fact} * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 > 1",
        f"known({fact} * {literal})",
    )
    when = draw(st.sampled_from(conditions))
    text = _RULES_HEAD + "rules:\n" + _rule("r0", when)
    return FuzzInput("rules", text, ".yaml", "number in a rule")


def _in(fact: str, n: int) -> str:
    return f"{fact} in [{', '.join(str(i) for i in range(n))}]"


@st.composite
def _bombs(draw: st.DrawFn) -> Any:
    from fuzz_inputs import FuzzInput

    width = draw(st.integers(min_value=2, max_value=40))
    depth = draw(st.integers(min_value=1, max_value=6))
    parts = [_in(FACTS[i % len(FACTS)], width) for i in range(depth)]
    dates = 'milestones.agreement >= date("2010-05-01")'
    if draw(st.booleans()):
        parts.append(f"({dates} or partnership.renewals == 1)")
    when = " and ".join(f"({p} or partnership.renewals == {i})" for i, p in enumerate(parts))
    rules = draw(st.integers(min_value=1, max_value=30))
    text = _RULES_HEAD + "rules:\n" + "".join(_rule(f"r{i}", when) for i in range(rules))
    return FuzzInput("rules", text, ".yaml", f"bomb {width}^{depth} x {rules}")


def _case_json() -> dict[str, Any]:
    data = yaml.safe_load(_texts(EXAMPLES[0]))
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


_LINE_KINDS = (
    "u2028",
    "u0085",
    "crlf",
    "bom",
    "long-string",
    "many-items",
    "deep",
    "deep-70",
    "huge-int",
    "nan",
    "not-object",
    "empty",
    "huge-line",
)


@st.composite
def _lines(draw: st.DrawFn) -> Any:
    from fuzz_inputs import FuzzInput

    kinds = draw(st.lists(st.sampled_from(_LINE_KINDS), min_size=1, max_size=3))
    rng = random.Random(draw(st.integers(0, 2**32)))
    lines = []
    for kind in kinds:
        case = _case_json()
        case["id"] = f"case-{rng.randint(0, 999)}"
        line = None
        if kind in ("u2028", "u0085"):
            case["title"] = "a" + ("\u2028" if kind == "u2028" else "\u0085") + "b"
        elif kind == "long-string":
            case["title"] = "x" * rng.choice((99_999, 100_001, 300_000))
        elif kind == "many-items":
            case["activities"] = [{"date": "2019", "kind": "visit", "sources": []}] * 1001
        elif kind == "huge-line":
            case["description"] = "y" * (5 << 20)
        elif kind == "deep":
            line = "[" * 100_000 + "]" * 100_000
        elif kind == "deep-70":
            value: Any = 1
            for _ in range(70):
                value = [value]
            case["title"] = value
        elif kind == "huge-int":
            line = json.dumps(case).replace('"kind":', '"x": ' + "9" * 5000 + ', "kind":', 1)
        elif kind == "nan":
            line = json.dumps(case).replace('"kind":', '"n": NaN, "m": -Infinity, "kind":', 1)
        elif kind == "not-object":
            line = rng.choice(("[]", "1", '"text"', "null", "true"))
        elif kind == "empty":
            line = rng.choice(("", " ", "{}", "{"))
        if line is None:
            line = json.dumps(case, ensure_ascii=False)
        if kind == "bom":
            line = "\ufeff" + line
        lines.append(line)
    end = "\r\n" if "crlf" in kinds else "\n"
    return FuzzInput("jsonl", end.join(lines) + end, ".jsonl", "json lines " + ",".join(kinds))


def attack_inputs() -> st.SearchStrategy[Any]:
    """Inputs of every class above."""
    return st.one_of(_escaped(), _paths(), _numbers(), _bombs(), _lines())
