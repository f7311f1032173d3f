"""A batch killed half-way resumes where it stopped (issue 18): ``sistereval batch``
run once uninterrupted, once killed by ``SIGKILL`` at half of its progress, then the
same command again.

Run: ``python benchmarks/batch_kill.py [N] [JOBS] [SEED]`` (defaults: 10,000 cases,
2 worker processes, seed 1).

Writes ``N`` example-derived cases (the seeded variations of
``benchmarks/evaluate.py``, each with its own facts) as one JSON Lines file; runs
``sistereval batch CASES --out reference.jsonl --jobs JOBS`` to the end; runs the
same into ``out.jsonl`` in a session of its own and, once its progress file
(``.out.jsonl.progress``) holds half of the cases, sends ``SIGKILL`` to that
process only (the session leader, not its workers); then runs the command again.
It prints the time of each run, how many cases the killed run had finished, how
many the resumed run evaluated and skipped, and checks (exit 1 when one fails):

- the resumed output is byte for byte the uninterrupted one;
- the resumed run evaluated exactly the cases the killed run had not finished;
- no process of the killed run's session (its workers, the resource tracker) is
  left a few seconds after the kill;
- no temporary or progress file is left beside the output.

``tests/test_batch.py`` runs :func:`kill_and_resume` on 300 cases.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import variations

from sistereval.cases import case_to_dict

SRC = Path(__file__).resolve().parents[1] / "src"
_SUMMARY = re.compile(r"(\d+) cases: (\d+) evaluated, (\d+) skipped \(resumed\), (\d+) failed")


def write_cases(path: Path, n: int, seed: int) -> None:
    lines = (json.dumps(case_to_dict(case), ensure_ascii=False) for case in variations(n, seed))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _command(cases: Path, out: Path, jobs: int) -> list[str]:
    batch = ["batch", str(cases), "--out", str(out), "--jobs", str(jobs)]
    return [sys.executable, "-m", "sistereval", *batch]


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{path}" if path else str(SRC)}


def _run(cases: Path, out: Path, jobs: int) -> tuple[float, tuple[int, ...]]:
    """Seconds of one complete run, and its summary's counts (total, evaluated,
    skipped, failed)."""
    start = time.perf_counter()
    done = subprocess.run(
        _command(cases, out, jobs), env=_env(), capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    found = _SUMMARY.search(done.stdout)
    assert found is not None, done.stdout + done.stderr
    return elapsed, tuple(int(n) for n in found.groups())


def _records(progress: Path) -> int:
    """The complete records of a progress file (its header not counted)."""
    try:
        return max(0, progress.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def session_processes(session: int) -> list[str]:
    """The processes of the session ``session`` that still live (pid and command)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            state, sid = fields[0], int(fields[3])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if sid == session and state != "Z":
            found.append(f"{entry.name} {command.strip()}")
    return found


def kill_and_resume(folder: Path, n: int, jobs: int = 2, seed: int = 1) -> dict[str, Any]:
    """Run the three batches in ``folder`` and return their figures and checks."""
    cases, reference, out = folder / "cases.jsonl", folder / "reference.jsonl", folder / "out"
    out.mkdir()
    out = out / "out.jsonl"
    write_cases(cases, n, seed)
    full_time, _ = _run(cases, reference, jobs)

    progress = out.parent / f".{out.name}.progress"
    start = time.perf_counter()
    killed = subprocess.Popen(
        _command(cases, out, jobs),
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own session: its workers are found by session id
    )
    while _records(progress) < n // 2 and killed.poll() is None:
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):  # a run that ended first fails the checks
        os.kill(killed.pid, signal.SIGKILL)  # the leader only, never its workers
    killed.wait()
    killed_after = time.perf_counter() - start
    finished = _records(progress)
    deadline = time.monotonic() + 10
    left = session_processes(killed.pid)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = session_processes(killed.pid)
    files_after_kill = sorted(p.name for p in out.parent.iterdir())

    resume_time, (total, evaluated, skipped, failed) = _run(cases, out, jobs)
    leftovers = sorted(p.name for p in out.parent.iterdir() if p.name != out.name)
    return {
        "cases": n,
        "jobs": jobs,
        "uninterrupted_s": round(full_time, 2),
        "killed_after_s": round(killed_after, 2),
        "finished_when_killed": finished,
        "files_after_kill": files_after_kill,
        "processes_left_after_kill": left,
        "resumed_s": round(resume_time, 2),
        "resumed_total": total,
        "resumed_evaluated": evaluated + failed,
        "resumed_skipped": skipped,
        "identical": out.read_bytes() == reference.read_bytes(),
        "evaluated_only_the_rest": evaluated + failed == n - finished and skipped == finished,
        "files_left": leftovers,
    }


def passed(figures: dict[str, Any]) -> bool:
    return bool(
        figures["identical"]
        and figures["evaluated_only_the_rest"]
        and 0 < figures["finished_when_killed"] < figures["cases"]
        and not figures["processes_left_after_kill"]
        and not figures["files_left"]
    )


def main(n: int = 10_000, jobs: int = 2, seed: int = 1) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        figures = kill_and_resume(Path(tmp), n, jobs, seed)
    for key, value in figures.items():
        print(f"{key}: {value}")
    ok = passed(figures)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    sys.exit(main(*args))
