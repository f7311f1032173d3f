"""Hostile and broken input: each fails fast with a clear, located error.

Every input is given as a case file (``validate CASE``, ``evaluate CASE``)
and as a rule file (``evaluate CASE --rules FILE``).  Each must end with exit
status 2 and a message naming the limit or the tag, within 2 seconds of CPU
time (a guard against pathological slowness, not a benchmark; CPU time, so
that a machine busy with other work does not fail it), with no traceback,
and the ``!!python/object/apply`` payload must never run.  ``run`` is called
with string buffers, and the installed ``sistereval`` script once per input
in a real subprocess.
"""

from __future__ import annotations

import io
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from sistereval import ir
from sistereval.cases import load_case
from sistereval.cli import run
from sistereval.errors import CaseError, DocumentError, LimitError, RuleError, SisterevalError
from sistereval.evaluation import evaluate
from sistereval.language import load_rules, parse_expression

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "bandung-namur.yaml")
SECONDS = 2.0
CASE_HEAD = "format: sistereval/case@1\n"
RULES_HEAD = "format: sistereval/rules@1\n"


@attrs.frozen
class Hostile:
    """One hostile document: how to write it, and what the message must name."""

    name: str
    write: Callable[[Path, str, Path], None]  # (file, format line, marker)
    expected: tuple[str, ...]


def _python_tags(file: Path, head: str, marker: Path) -> None:
    file.write_text(
        f"{head}"
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        "run: !!python/name:os.system\n"
        f"more: !!python/object/new:subprocess.Popen [[touch, {marker}]]\n",
        encoding="utf-8",
    )


def _alias_bomb(file: Path, head: str, marker: Path) -> None:
    """A billion laughs: nine anchors, each nine uses of the one before (9**9 strings)."""
    lines = [
        head.rstrip("\n"),
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("bomb: [" + ", ".join(["*a8"] * 9) + "]")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fifty_megabytes(file: Path, head: str, marker: Path) -> None:
    line = "  " + "x" * 97 + "\n"
    with file.open("w", encoding="utf-8") as out:
        out.write(f"{head}notes: |\n")
        out.write(line * (50 * 1024 * 1024 // len(line)))


def _flow_nesting(file: Path, head: str, marker: Path) -> None:
    file.write_text(f"{head}x: {'[' * 10_000}{']' * 10_000}\n", encoding="utf-8")


def _flow_mapping_nesting(file: Path, head: str, marker: Path) -> None:
    file.write_text(f"{head}x: {'{a: ' * 10_000}1{'}' * 10_000}\n", encoding="utf-8")


def _block_sequence_nesting(file: Path, head: str, marker: Path) -> None:
    file.write_text(f"{head}x:\n{'- ' * 10_000}deep\n", encoding="utf-8")


def _block_mappings(depth: int) -> Callable[[Path, str, Path], None]:
    """Indented block mappings ``depth`` deep (one space more on each line)."""

    def write(file: Path, head: str, marker: Path) -> None:
        with file.open("w", encoding="utf-8") as out:
            out.write(head)
            for level in range(depth):
                out.write(f"{' ' * level}k:\n")
            out.write(f"{' ' * depth}k: deep\n")

    return write


HOSTILE = [
    Hostile(
        "python-tags",
        _python_tags,
        ("unsafe-tag", "python/object/apply:os.system", "python/name:os.system"),
    ),
    Hostile("alias-bomb", _alias_bomb, ("limit-nodes", "200000 values")),
    Hostile("fifty-megabytes", _fifty_megabytes, ("limit-size", "larger than 5242880 bytes")),
    Hostile("flow-10000-deep", _flow_nesting, ("limit-depth", "deeper than 64 levels")),
    Hostile("flow-mappings-10000-deep", _flow_mapping_nesting, ("limit-depth", "64 levels")),
    Hostile("block-sequences-10000-deep", _block_sequence_nesting, ("limit-depth", "64 levels")),
    # 10,000 indented levels need 50 MB of indentation: the size limit stops them first.
    Hostile("block-mappings-10000-deep", _block_mappings(10_000), ("limit-size", "5242880 bytes")),
    # 3,000 levels fit in 4.5 MB: the depth limit stops them.
    Hostile("block-mappings-3000-deep", _block_mappings(3_000), ("limit-depth", "64 levels")),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], Path]]:
    """Each hostile input as a case file and as a rule file, written once, removed after."""
    root = tmp_path_factory.mktemp("hostile")
    out: dict[tuple[str, str], Path] = {}
    for hostile in HOSTILE:
        for kind, head in (("case", CASE_HEAD), ("rules", RULES_HEAD)):
            file = root / f"{hostile.name}-{kind}.yaml"
            hostile.write(file, head, marker_of(file))
            out[hostile.name, kind] = file
    yield out
    for file in out.values():  # some are 50 MB: leave nothing behind in the temp dir
        file.unlink()


def marker_of(file: Path) -> Path:
    return file.with_name(f"{file.stem}-PWNED")


def commands(files: dict[tuple[str, str], Path], name: str) -> list[tuple[list[str], Path]]:
    case, rules = files[name, "case"], files[name, "rules"]
    return [
        (["validate", str(case)], case),
        (["evaluate", str(case)], case),
        (["evaluate", EXAMPLE, "--rules", str(rules)], rules),
    ]


def check(status: int, output: str, elapsed: float, hostile: Hostile, file: Path) -> None:
    assert (2, True) == (status, elapsed < SECONDS), f"{elapsed:.2f} s"
    for part in hostile.expected:
        assert part in output
    assert str(file) in output  # the message names the file
    assert "Traceback" not in output
    assert not marker_of(file).exists()


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes of this one."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
class TestHostileInput:
    def test_run(self, files: dict[tuple[str, str], Path], hostile: Hostile) -> None:
        for argv, file in commands(files, hostile.name):
            stdout, stderr = io.StringIO(), io.StringIO()
            start = time.process_time()
            status = run(argv, stdout, stderr)
            elapsed = time.process_time() - start
            check(status, stdout.getvalue() + stderr.getvalue(), elapsed, hostile, file)

    def test_installed_script(self, files: dict[tuple[str, str], Path], hostile: Hostile) -> None:
        script = shutil.which("sistereval", path=os.path.dirname(sys.executable))
        assert script is not None
        for argv, file in commands(files, hostile.name)[::2]:  # validate CASE, --rules FILE
            start = _children_cpu()
            done = subprocess.run(
                [script, *argv], capture_output=True, text=True, timeout=60, check=False
            )
            elapsed = _children_cpu() - start
            check(done.returncode, done.stdout + done.stderr, elapsed, hostile, file)


# --------------------------------------------------------------------------
# Bounds on conditions, lists, extends and strings, each a located error


def _problems(error: pytest.ExceptionInfo[SisterevalError]) -> list[str]:
    return [str(problem) for problem in getattr(error.value, "problems", ())]


class TestConditionLimits:
    def parse(self, text: str) -> list[str]:
        with pytest.raises(LimitError) as error:
            parse_expression(text, file="r.yaml", line=3, column=11, path="rules[0].when")
        return _problems(error)

    def test_a_long_condition(self) -> None:
        text = " and ".join(["fields.agreed > 1"] * 200)
        expected = [
            "r.yaml:3:11: limit-condition: the condition is longer than 2000 characters"
            " in rules[0].when (split it into rules that derive facts)"
        ]
        assert expected == self.parse(text)

    @pytest.mark.parametrize(
        ("text", "column"),
        [
            ("(" * 40 + "fields.agreed > 1" + ")" * 40, 11 + 32),  # at the 33rd '('
            ("not " * 40 + "partnership.ended", 11 + 4 * 31),  # at the 32nd 'not'
            ("fields.agreed > " + "-" * 1500 + "1", 11 + 16 + 31),
            ("fields.agreed" + " + 1" * 300 + " > 1", 11 + 13 + 4 * 31 + 1),  # the 32nd '+'
            ("any(activities, " * 40 + "kind == 'visit'" + ")" * 40, 11 + 16 * 32),
        ],
        ids=["parentheses", "not", "unary-minus", "sum", "calls"],
    )
    def test_deep_nesting(self, text: str, column: int) -> None:
        expected = [
            f"r.yaml:3:{column}: limit-nesting: the condition nests deeper than 32 levels"
            " in rules[0].when (split it into rules that derive facts)"
        ]
        assert expected == self.parse(text)

    def test_nesting_at_the_limit_loads_and_evaluates(self, tmp_path: Path) -> None:
        when = "(" * 31 + "fields.agreed >= 3" + ")" * 31 + " and " + "not " * 31 + "false"
        rules = _rule_file(tmp_path, when)
        expected = evaluate(EXAMPLE, rules, backend="reference").to_dict()
        assert expected == evaluate(EXAMPLE, rules).to_dict()
        assert ["r"] == [finding.rule for finding in evaluate(EXAMPLE, rules).findings]

    def test_a_long_pattern(self) -> None:
        text = 'partnership.kind matches "' + "a" * 101 + '"'
        expected = [
            "r.yaml:3:36: limit-pattern: the pattern is longer than 100 characters in"
            " rules[0].when (match a shorter part of the value, with '*' for the rest)"
        ]
        assert expected == self.parse(text)


def _rule_file(folder: Path, when: str, extends: str | None = None) -> ir.RuleSet:
    head = (
        f"extends: {extends}\n"
        if extends
        else (
            "languages: [en]\n"
            "verdicts: {scale: [success, failure], policy: worst}\n"
            "factors: [long_term_vision]\n"
        )
    )
    file = folder / "rules.yaml"
    file.write_text(
        "format: sistereval/rules@1\nid: limits\nversion: '1'\ntitle: Limits\n"
        f"{head}"
        "rules:\n"
        "  - id: r\n"
        "    title: R\n"
        f"    when: '{when}'\n"
        "    then: {finding: obstacle, factor: long_term_vision, severity: low}\n"
        f"    because: {{en: R{', id: R' if extends else ''}}}\n"
        "    source: S\n",
        encoding="utf-8",
    )
    return load_rules(file)


class TestPathologicalPatterns:
    def test_many_stars_against_a_long_name_in_both_evaluators(self, tmp_path: Path) -> None:
        # Before globs were matched without backtracking, this took hours.
        case = (ROOT / "examples" / "bandung-namur.yaml").read_text(encoding="utf-8")
        case = case.replace("name: Bandung", f"name: {'a' * 90_000}", 1)
        file = tmp_path / "long-name.yaml"
        file.write_text(case, encoding="utf-8")
        when = 'any(partners, name matches "' + "*a" * 12 + '*b") or fields.agreed >= 3'
        rules = _rule_file(tmp_path, when)
        durable, reference = (
            evaluate(file, rules).to_dict(),
            evaluate(file, rules, backend="reference").to_dict(),
        )
        assert (reference, ["r"]) == (durable, [f["rule"] for f in durable["findings"]])


class TestListLimit:
    def test_a_case_with_too_many_activities(self, tmp_path: Path) -> None:
        text = (ROOT / "examples" / "surabaya-kitakyushu.yaml").read_text(encoding="utf-8")
        head, rest = text.split("activities:\n", 1)
        item = '  - {date: "2003", kind: exchange, sources: [notes-sk-m]}\n'
        file = tmp_path / "big.yaml"
        file.write_text(f"{head}activities:\n{item * 1001}{rest}", encoding="utf-8")
        line = head.count("\n") + 1 + 1001
        with pytest.raises(LimitError) as error:
            load_case(file)
        expected = [f"{file}:{line}:5: limit-items: a list holds more than 1000 items"]
        assert expected == _problems(error)

    def test_a_rule_file_with_too_many_rules(self, tmp_path: Path) -> None:
        file = tmp_path / "rules.yaml"
        file.write_text(RULES_HEAD + "rules:\n" + "  - {id: r}\n" * 1001, encoding="utf-8")
        with pytest.raises(LimitError) as error:
            load_rules(file)
        expected = [f"{file}:1003:5: limit-items: a list holds more than 1000 items"]
        assert expected == _problems(error)


class TestExtends:
    def problems(self, folder: Path, target: str) -> tuple[str, list[str]]:
        """The file extending ``target``, and its problems."""
        file = folder / "rules.yaml"
        file.write_text(f'{RULES_HEAD}id: x\nversion: "1"\ntitle: X\nextends: "{target}"\n')
        with pytest.raises(RuleError) as error:
            load_rules(file)
        return str(file), _problems(error)

    @pytest.mark.parametrize(
        "target",
        ["/etc/passwd.yaml", "~/base.yaml", "https://example.org/base.yaml", "C:/rules/base.yaml"],
    )
    def test_absolute_paths_home_and_urls_are_refused(self, tmp_path: Path, target: str) -> None:
        file, problems = self.problems(tmp_path, target)
        expected = [
            f"{file}:5:10: bad-extends: '{target}' is not a path relative to this rule file"
            " in extends (name a file in this rule file's folder or below it by a relative"
            " path (such as base.yaml or parents/base.yaml), or a shipped one by its name"
            " (extends: core); '..' out of the folder, absolute paths, '~', URLs and links"
            " pointing outside are refused)"
        ]
        assert expected == problems

    def test_a_relative_path_to_a_device_is_refused(self, tmp_path: Path) -> None:
        target = "../" * len(tmp_path.parts) + "dev/zero"
        file, problems = self.problems(tmp_path, target)
        expected = [
            f"{file}:5:10: bad-extends: '{target}' is not the name of a rule file"
            " in extends (a rule file's name ends in .yaml, .yml or .json)"
        ]
        assert expected == problems

    def test_a_relative_path_below_the_file_is_followed(self, tmp_path: Path) -> None:
        (tmp_path / "parents").mkdir()
        shutil.copy(ROOT / "rules" / "core.yaml", tmp_path / "parents" / "core-copy.yaml")
        rules = _rule_file(tmp_path, "fields.agreed >= 3", extends="parents/core-copy.yaml")
        ids = [rule.id for rule in rules.rules]
        assert (43, "limits", True) == (len(ids), rules.id, "r" in ids)  # core's 42 and r


class TestStrings:
    def test_half_of_a_surrogate_pair_is_refused(self) -> None:
        with pytest.raises(DocumentError) as error:
            load_case(CASE_HEAD + 'title: "a\\ud800b"\n', file="c.yaml")
        expected = [
            "c.yaml:2:8: yaml-value: cannot read the string: U+D800 is half of a UTF-16"
            " pair, not a character in title"
        ]
        assert expected == _problems(error)

    @pytest.mark.parametrize("escape", ["\\UFFFFFFFF", "\\U00110000"])
    def test_an_escape_beyond_unicode_is_a_syntax_error(self, escape: str) -> None:
        # found by benchmarks/fuzz.py: PyYAML's scanner raised OverflowError or ValueError
        with pytest.raises(DocumentError) as error:
            load_case(f'{CASE_HEAD}title: "a{escape}b"\n', file="c.yaml")
        expected = [
            "c.yaml:2:12: yaml-syntax: an escape beyond Unicode (the largest is \\U0010FFFF)"
        ]
        assert expected == _problems(error)

    def test_a_timestamp_tag_on_what_is_no_date(self) -> None:
        # found by benchmarks/fuzz.py: PyYAML's constructor raised AttributeError
        text = (ROOT / "examples" / "bandung-namur.yaml").read_text(encoding="utf-8")
        text = text.replace('date: "2016-03-17"', "date: !!timestamp 17 March 2016", 1)
        with pytest.raises(CaseError) as error:
            load_case(text, file="c.yaml")
        assert ["bad-date"] == [problem.code for problem in error.value.problems]

    @pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
    def test_an_endless_file_is_read_only_to_the_size_limit(self) -> None:
        stdout, stderr = io.StringIO(), io.StringIO()
        status = run(["validate", "/dev/zero"], stdout, stderr)
        expected = "/dev/zero: limit-size: the file is larger than 5242880 bytes\n"
        assert (2, expected) == (status, stdout.getvalue())


class TestNothingIsExecutedOrFetched:
    """No module of sistereval can run what it reads or reach the network."""

    FORBIDDEN = re.compile(
        r"\b(eval|exec)\(|\b__import__\(|\bpickle\b|\bmarshal\b|\byaml\.(load|unsafe_load|full_load)\("
        r"|^\s*(import|from)\s+(socket|urllib|http|requests|ftplib|smtplib|subprocess)\b"
        r"|\bos\.(system|popen|exec\w*)\(",
        re.MULTILINE,
    )

    def test_no_source_calls_an_evaluator_a_loader_of_code_or_the_network(self) -> None:
        found = [
            f"{file.name}:{text[: match.start()].count(chr(10)) + 1}: {match.group().strip()}"
            for file in sorted((ROOT / "src" / "sistereval").glob("*.py"))
            for text in [file.read_text(encoding="utf-8")]
            for match in self.FORBIDDEN.finditer(text)
        ]
        assert [] == found
