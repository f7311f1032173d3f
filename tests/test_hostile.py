"""Hostile and broken YAML through the command line: each fails fast and clearly.

Every input is given as a case file (``validate CASE``, ``evaluate CASE``)
and as a rule file (``evaluate CASE --rules FILE``).  Each must end with exit
status 2 and a message naming the limit or the tag, within 2 seconds (a guard
against pathological slowness, not a benchmark), with no traceback, and the
``!!python/object/apply`` payload must never run.  ``run`` is called with
string buffers, and the installed ``sistereval`` script once per input in a
real subprocess.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from sistereval.cli import run

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


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
class TestHostileInput:
    def test_run(self, files: dict[tuple[str, str], Path], hostile: Hostile) -> None:
        for argv, file in commands(files, hostile.name):
            stdout, stderr = io.StringIO(), io.StringIO()
            start = time.perf_counter()
            status = run(argv, stdout, stderr)
            elapsed = time.perf_counter() - start
            check(status, stdout.getvalue() + stderr.getvalue(), elapsed, hostile, file)

    def test_installed_script(self, files: dict[tuple[str, str], Path], hostile: Hostile) -> None:
        script = shutil.which("sistereval", path=os.path.dirname(sys.executable))
        assert script is not None
        for argv, file in commands(files, hostile.name)[::2]:  # validate CASE, --rules FILE
            start = time.perf_counter()
            done = subprocess.run(
                [script, *argv], capture_output=True, text=True, timeout=60, check=False
            )
            elapsed = time.perf_counter() - start
            check(done.returncode, done.stdout + done.stderr, elapsed, hostile, file)
