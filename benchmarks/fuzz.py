"""Fuzz sistereval with 10,000 (or more) generated and mutated case and rule files.

Run: ``python benchmarks/fuzz.py [--inputs N] [--seed S] [--jobs J] [--failures DIR]``.

Each input (``tests/fuzz_inputs.py``: rule files from the grammar of the rule
language, case files from ``sistereval.strategies``, and mutations of the
shipped examples and rules, and the attacks of ``tests/fuzz_attacks.py``: escape
sequences, paths out of a rule file's folder, huge numbers, expansion bombs and
JSON Lines edge cases) goes through the Python API (load, evaluate with
both evaluators, explain) and one command of the command line, run in
process.  Prints the number of inputs tried, how they ended, and the number
of failures; each failing input is saved in the failures directory with a
note of what failed, to be reproduced with ``sistereval`` directly.  Exits
1 when any input failed.  ``--jobs`` splits the inputs over that many processes
(default: every core), each with its own seed (``S * 1000 + shard``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from fuzz_inputs import Failure, FuzzInput, Workspace, cli_inputs


def save(item: FuzzInput, failure: Failure, stem: Path) -> None:
    """The input as a file, and beside it a note of what failed."""
    stem.with_suffix(item.suffix).write_bytes(item.text.encode("utf-8", "surrogatepass"))
    stem.with_suffix(".txt").write_text(
        f"{item.describe()}\nfailed in {failure.where}\n\n{failure.detail}\n", encoding="utf-8"
    )


def shard(inputs: int, seed_value: int, failures_dir: Path) -> tuple[int, int, Counter[str]]:
    """Run ``inputs`` inputs with one seed; the inputs tried, failed, and how they ended."""
    failures_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    tried = 0
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(Path(tmp))

        @seed(seed_value)
        @settings(
            max_examples=inputs,
            database=None,
            deadline=None,
            derandomize=False,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(item=cli_inputs(), command=st.integers(min_value=0, max_value=3))
        def one(item: FuzzInput, command: int) -> None:
            nonlocal tried, failed
            tried += 1
            for failure in (workspace.check_api(item), workspace.check_cli(item, command)):
                if failure is not None:
                    save(item, failure, failures_dir / f"failure-{seed_value}-{failed:04d}")
                    failed += 1
            if tried % 1000 == 0:
                print(f"  seed {seed_value}: {tried} inputs, {failed} failures", flush=True)

        one()
        return tried, failed, workspace.outcomes


def fuzz(inputs: int, seed_value: int, failures_dir: Path, jobs: int = 1) -> int:
    """Run ``inputs`` inputs over ``jobs`` processes; return the number that failed."""
    start = time.perf_counter()
    sizes = [inputs // jobs + (k < inputs % jobs) for k in range(jobs)]
    seeds = [seed_value if jobs == 1 else seed_value * 1000 + k for k in range(jobs)]
    if jobs == 1:
        results = [shard(inputs, seed_value, failures_dir)]
    else:
        with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
            futures = [
                pool.submit(shard, n, s, failures_dir) for n, s in zip(sizes, seeds, strict=True)
            ]
            results = [future.result() for future in futures]
    elapsed = time.perf_counter() - start
    tried = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    outcomes: Counter[str] = sum((r[2] for r in results), Counter())
    print(f"inputs tried: {tried} in {elapsed:.0f} s over {jobs} process(es) (seeds {seeds})")
    for outcome, count in sorted(outcomes.items(), key=lambda kv: -kv[1]):
        print(f"  {count:6d}  {outcome}")
    print(f"failures: {failed}" + (f" (saved in {failures_dir})" if failed else ""))
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="how many (default 10,000)")
    parser.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    parser.add_argument(
        "--failures",
        type=Path,
        default=Path("fuzz-failures"),
        help="where failing inputs are saved (default ./fuzz-failures)",
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: every core)"
    )
    args = parser.parse_args()
    sys.exit(1 if fuzz(args.inputs, args.seed, args.failures, max(1, args.jobs)) else 0)


if __name__ == "__main__":
    main()
