"""Every exhaustion input of issue 18 through the real commands, each within 30 s.

Run: ``python benchmarks/exhaustion.py [--limit SECONDS]``.

Writes each input to a temporary folder, runs ``sistereval ...`` on it in a
subprocess and prints its elapsed time and outcome: a located error (the
``file:line`` of the problem and its code) or a result stopped at its budget.
Exits 1 when any command took longer than the limit (default 30 s), ended
otherwise, or printed an internal error.  The last run, ``check core``, is no
exhaustion input: it must end complete (``core: ok``, not stopped at a budget).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from exhaustion_inputs import BOMB, FACTS, in_list, rule_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bandung-namur.yaml"
LOCATED = re.compile(r"^\S+:\d+(:\d+)?: ([a-z][a-z0-9-]*):", re.MULTILINE)


def _case() -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def make_inputs(folder: Path) -> None:
    """Write every input of the issue into ``folder``."""
    (folder / "bomb.yaml").write_text(rule_file("bomb", BOMB, ids="bomb-"))
    for f in range(5):  # 4,000 rules of 14 alternatives in a chain of five files
        conditions = [in_list(FACTS[n % 10], 14, n) for n in range(f * 800, f * 800 + 800)]
        extends = f"many{f - 1}.yaml" if f else None
        text = rule_file(f"many{f}", *conditions, extends=extends, ids=f"many{f}-")
        (folder / f"many{f}.yaml").write_text(text)
    conditions = [f"{FACTS[n % 10]} == {1000 + n}" for n in range(1000)]
    (folder / "rules1000.yaml").write_text(rule_file("wide", *conditions, ids="wide-"))
    for n in range(500):
        extends = f"c{n - 1}.yaml" if n else None
        text = rule_file(f"c{n}", f"fields.agreed == {n}", extends=extends, ids=f"c{n}-")
        (folder / f"c{n}.yaml").write_text(text)
    cases = folder / "cases"
    cases.mkdir()
    for n in range(30):
        shutil.copy(EXAMPLE, cases / f"case{n:02d}.yaml")
    case = _case()
    big = dict(case)
    big["fields"] = [
        {"name": f"field {i}", "status": "not_implemented", "sources": ["bachtiar2024"]}
        for i in range(1000)
    ]
    big["budget"] = [
        {
            "partner": ("bandung", "namur")[i % 2],
            "year": 2000 + i % 20,
            "earmarked": False,
            "adequate": False,
            "sources": ["bachtiar2024"],
        }
        for i in range(1000)
    ]
    change = case["leadership_changes"][0]  # type: ignore[index]
    big["leadership_changes"] = [
        dict(change, date=f"{2010 + i % 10}-0{1 + i % 9}-1{i % 9}") for i in range(1000)
    ]
    (folder / "big3000.yaml").write_text(yaml.safe_dump(big, allow_unicode=True, sort_keys=False))
    records = dict(case, activities=[{"date": "2019", "kind": "visit", "sources": []}] * 150_000)
    (folder / "records.jsonl").write_text(json.dumps(records) + "\n")
    (folder / "title.jsonl").write_text(json.dumps(dict(case, title="x" * 20_000_000)) + "\n")
    (folder / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")


#: (name, arguments, what the outcome must show)
RUNS: tuple[tuple[str, list[str], str], ...] = (
    ("condition of 984,064 combinations: check", ["check", "bomb.yaml"], "engine-limit"),
    (
        "condition of 984,064 combinations: evaluate",
        ["evaluate", "{example}", "--rules", "bomb.yaml"],
        "engine-limit",
    ),
    (
        "30 cases on that rule set: batch",
        ["batch", "cases", "--rules", "bomb.yaml", "--out", "out.jsonl"],
        "engine-limit",
    ),
    ("4,000 rules x 14 alternatives: check", ["check", "many4.yaml"], "engine-limit"),
    (
        "4,000 rules x 14 alternatives: evaluate",
        ["evaluate", "{example}", "--rules", "many4.yaml"],
        "engine-limit",
    ),
    ("1,000 rules: check with properties", ["check", "rules1000.yaml"], "budget"),
    ("3,000 changeable items: explain", ["explain", "--counterfactual", "big3000.yaml"], "budget"),
    ("3,000 changeable items: report", ["report", "big3000.yaml"], "budget"),
    ("150,000 records on one line: batch", ["batch", "records.jsonl", "--out", "o1.jsonl"], "o1"),
    ("20-million-character title: batch", ["batch", "title.jsonl", "--out", "o2.jsonl"], "o2"),
    ("100,000-deep nesting: batch", ["batch", "deep.jsonl", "--out", "o3.jsonl"], "o3"),
    ("extends chain of 500: check", ["check", "c499.yaml", "--no-properties"], "extends-depth"),
    ("extends chain of 500: evaluate", ["evaluate", "{example}", "--rules", "c499.yaml"], "ext"),
    # not an exhaustion input: the shipped rules stay complete within the budget
    ("check core (complete, not stopped)", ["check", "core"], "text:core: ok"),
)


def outcome(output: str, want: str, folder: Path) -> str | None:
    """What the command ended with, or None when it is not what the issue asks for."""
    if want.startswith("o") and want[1:].isdigit():  # a batch: the error of its one record
        record = json.loads((folder / f"{want}.jsonl").read_text().splitlines()[0])
        error = record.get("error", {})
        problems = error.get("problems") or [{}]
        where = f"{problems[0].get('file')}:{problems[0].get('line')}"
        located = problems[0].get("line") is not None
        return f"located error {where}: {error.get('code')}" if located else None
    if want.startswith("text:"):
        return want[5:] if want[5:] in output and "stopped at" not in output else None
    if want == "budget":
        found = re.search(r"stopped at (the|its) [^;)]*budget[^;)]*", output)
        return found.group(0) if found else None
    if want == "ext":
        want = "extends-depth"
    match = next((m for m in LOCATED.finditer(output) if m.group(2) == want), None)
    return None if match is None else f"located error: {match.group(0).split(': ')[0]}: {want}"


def command(argv: list[str]) -> list[str]:
    """This interpreter, so that PYTHONPATH picks the checkout (not a `sistereval` on PATH)."""
    return [sys.executable, "-m", "sistereval", *argv]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per command")
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_inputs(folder)
        for name, argv, want in RUNS:
            argv = [a.replace("{example}", str(EXAMPLE)) for a in argv]
            start = time.perf_counter()
            try:
                done = subprocess.run(
                    command(argv),
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    timeout=args.limit * 4,
                    check=False,
                    stdin=subprocess.DEVNULL,
                )
                output = done.stdout + done.stderr
            except subprocess.TimeoutExpired:
                output = "timed out"
            elapsed = time.perf_counter() - start
            ended = None if "internal error" in output else outcome(output, want, folder)
            ok = ended is not None and elapsed <= args.limit
            failed += not ok
            shown = ended or f"unexpected: {output.strip()[-300:]}"
            print(f"{'ok  ' if ok else 'FAIL'} {elapsed:6.1f} s  {name}: {shown}", flush=True)
    print(f"{len(RUNS) - failed} of {len(RUNS)} within {args.limit:g} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
