"""Scaling of ``sistereval batch``: 2 worker processes against 1, in one run.

Run: ``python benchmarks/batch_scaling.py [N] [SEED]`` (defaults: 10,000 cases,
seed 1).

Writes ``N`` example-derived cases (the seeded variations of
``benchmarks/evaluate.py``) as one JSON Lines file, runs
:func:`sistereval.batch.run_batch` on it with ``jobs=1``, ``jobs=2``,
``jobs=2`` and ``jobs=1`` again (each from the start: no previous output to
resume from; the A-B-B-A order cancels a load on the machine that rises or
falls steadily), and prints for each run the wall-clock time (including
starting the workers) and the rate, the ratio of the total times against the
1.8x target, and whether all outputs are byte for byte identical (exit 1
when they differ).

The wall-clock ratio is only meaningful on a machine whose cores are idle, so
the script also prints the load average before and after, and the CPU time
each run used (this process, and its workers): the ratio of the CPU time of
the one-process runs to half the CPU time of the two-process runs is what the
wall-clock ratio would be with a core for each process.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import variations

from sistereval.batch import run_batch
from sistereval.cases import case_to_dict

TARGET = 1.8


def write_cases(path: Path, n: int, seed: int) -> None:
    lines = (json.dumps(case_to_dict(case), ensure_ascii=False) for case in variations(n, seed))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def timed(cases: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (this process and its workers) of one run."""
    own, children = _cpu()
    start = time.perf_counter()
    summary = run_batch(cases, out, jobs=jobs)
    elapsed = time.perf_counter() - start
    own_after, children_after = _cpu()
    cpu = own_after - own + children_after - children
    print(
        f"--jobs {jobs}: {elapsed:6.2f} s  {summary.total / elapsed:6.0f} cases/s  "
        f"CPU {own_after - own:6.2f} s here + {children_after - children:6.2f} s in workers  "
        f"({summary.evaluated} evaluated, {summary.failed} failed)"
    )
    return elapsed, cpu


def _autogroup() -> bool:
    """Whether Linux groups the processes of a session for CPU shares."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def main(n: int = 10_000, seed: int = 1) -> None:
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases.jsonl"
        write_cases(cases, n, seed)
        load = os.getloadavg()[0]
        print(f"{n} cases (seed {seed}), {cores} cores, load average {load:.2f} before")
        wall, cpu, outputs = {1: 0.0, 2: 0.0}, {1: 0.0, 2: 0.0}, set()
        for run, jobs in enumerate((1, 2, 2, 1)):
            out = Path(tmp) / f"run{run}.jsonl"
            elapsed, used = timed(cases, out, jobs)
            wall[jobs] += elapsed
            cpu[jobs] += used
            outputs.add(out.read_bytes())
    same = len(outputs) == 1
    ratio = wall[1] / wall[2]
    verdict = "meets" if ratio >= TARGET else "misses"
    after = os.getloadavg()[0]
    print(f"load average {after:.2f} after")
    if max(load, after) > cores / 2:
        print("note: the machine was busy, so the wall-clock ratio measures the other load too")
        if _autogroup():
            print("note: autogroup scheduling is on: all workers share one session's CPU slice")
    print(f"ratio --jobs 2 / --jobs 1 (wall clock): {ratio:.2f}x ({verdict} the {TARGET}x target)")
    print(f"ratio with a core per process (CPU time): {cpu[1] / (cpu[2] / 2):.2f}x")
    print(f"outputs identical: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
