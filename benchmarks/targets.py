"""Every performance target of issue 6, measured in one run on this machine: PASS or FAIL.

Run: ``python benchmarks/targets.py [--cases N] [--memory N] [--repeats N]``
(defaults: 2,000 cases, 100,000 evaluations for memory, 3 repeats).

The cases are the seeded variations of the bundled examples that
``benchmarks/evaluate.py`` generates, evaluated with the shipped ``core`` rules.
Rates are evaluations per CPU second of this process (``time.process_time``): per
core, and less sensitive than wall time to other work on the machine, though not
immune to it (the load averages are printed); each is the median of ``--repeats``
interleaved runs.  What one "evaluation" is differs by path, and
each line says which:

* engine paths take derived facts (``Engine.evaluate``, sharing durable sessions between
  cases as it does by default, or with one session per case);
* raw durable paths assert the very fact JSON the engine produced straight into
  durable's C extension (the floor), or hand the same facts as dicts to durable's
  own Python ``Host`` (how durable_rules is used without sistereval);
* pipeline paths take a loaded :class:`~sistereval.model.Case` and return an
  :class:`~sistereval.verdict.Evaluation` (derive + engine + verdict), with and
  without the decision record (``to_dict``, which explains every rule not fired).

Import time and the ``sistereval evaluate`` wall time are medians over fresh
interpreters with bytecode cached (as an installed package has it).  Memory is
the growth of the resident set over ``--memory`` evaluations after a warm-up.
A last part measures whether glibc ``mallopt`` settings help; sistereval never
changes them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_memory import rss_kib  # noqa: E402
from engine_raw import record, rekey, replay  # noqa: E402
from evaluate import variations  # noqa: E402

from sistereval import FACT_SCHEMA, derive  # noqa: E402
from sistereval.engine import reference  # noqa: E402
from sistereval.engine.durable import SESSION_FACTS, Engine  # noqa: E402
from sistereval.evaluation import evaluate, rule_set  # noqa: E402

ONE = "engine.evaluate, 1 session/case"
RAW = "raw C, sessions as the engine's"
RAW_ONE = "raw C, 1 session/case"
HOST = "durable Host API, 1 session/case"
ENCODE = "engine: encoding alone"
EXAMPLE = ROOT / "examples" / "bandung-namur.yaml"


def cpu_rate(run: Callable[[], object], count: int) -> float:
    """``count`` evaluations done by ``run()``, per CPU second."""
    gc.collect()
    start = time.process_time()
    run()
    return count / (time.process_time() - start)


def medians(paths: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    """The median rate of each path over ``repeats`` interleaved rounds."""
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeats):
        for name, measure in paths.items():
            rates[name].append(measure())
    return {name: statistics.median(values) for name, values in rates.items()}


def durable_api(engine: Engine, recorded: Sequence[Sequence[str]]) -> Callable[[], float]:
    """The same compiled rules and facts through durable's own Python ``Host``: facts as
    dicts (it writes their JSON), one session per case, an action per rule that records
    it; the host's timer threads are not started."""
    from sistereval.engine import durable as engine_module

    durable = engine_module._durable  # the module engine.py imports

    class Host(durable.Host):  # type: ignore[misc,name-defined]
        def _run(self) -> None:  # no timer threads
            pass

    fired: list[str] = []
    definition = json.loads(engine._compiled.text)

    def action(name: str) -> Callable[[object], None]:
        return lambda c: fired.append(name)  # one parameter: durable calls it synchronously

    for name, rule in definition.items():
        rule["run"] = action(name)
    ruleset = f"api-{engine.name}"
    host = Host({ruleset: definition})
    actions = replay(engine, rekey(recorded))  # how many the same facts start

    def measure() -> float:
        cases = [[json.loads(text) for text in texts] for texts, _ in rekey(recorded)]

        def run() -> None:
            for facts in cases:
                for fact in facts:
                    host.assert_fact(ruleset, fact)
                host.delete_state(ruleset, facts[0]["sid"])

        fired.clear()
        rate = cpu_rate(run, len(cases))
        if len(fired) != actions:
            raise AssertionError(f"durable's Host ran {len(fired)} actions, not {actions}")
        return rate

    return measure


def raw(
    engine: Engine, recorded: Sequence[Sequence[str]], session_facts: int
) -> Callable[[], float]:
    def measure() -> float:
        sessions = rekey(recorded, session_facts)
        return cpu_rate(lambda: replay(engine, sessions), len(recorded))

    return measure


def speed(n: int, repeats: int) -> dict[str, float]:
    rules = rule_set("core")
    cases = variations(n, 1)
    facts = [derive(case) for case in cases]
    for case in cases[:200]:  # warm up the process-wide engine and the allocator
        evaluate(case, rules)
    with (
        Engine(rules, FACT_SCHEMA) as engine,
        Engine(rules, FACT_SCHEMA, session_facts=0) as alone,
    ):
        recorded = record(engine, facts)
        paths: dict[str, Callable[[], float]] = {
            "engine.evaluate": lambda: cpu_rate(lambda: [engine.evaluate(f) for f in facts], n),
            ONE: lambda: cpu_rate(lambda: [alone.evaluate(f) for f in facts], n),
            RAW: raw(engine, recorded, SESSION_FACTS),
            RAW_ONE: raw(engine, recorded, 0),
            HOST: durable_api(engine, recorded),
            "reference": lambda: cpu_rate(
                lambda: [reference.evaluate(rules, f, FACT_SCHEMA) for f in facts], n
            ),
            ENCODE: lambda: cpu_rate(lambda: [engine._prepare(f) for f in facts], n),
            "derive": lambda: cpu_rate(lambda: [derive(case) for case in cases], n),
            "evaluate": lambda: cpu_rate(lambda: [evaluate(case, rules) for case in cases], n),
            "evaluate + to_dict": lambda: cpu_rate(
                lambda: [evaluate(case, rules).to_dict() for case in cases], n
            ),
        }
        rates = medians(paths, repeats)
        asserted = sum(1 for texts in recorded for t in texts if not t.endswith('"t":"o"}'))
        actions = replay(engine, rekey(recorded, 0)) - n  # less the "open" rule's
        print(f"per case: {asserted / n:.1f} facts asserted, {actions / n:.1f} actions run")
        return rates


def _runs(argv: Sequence[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``runs`` runs of ``argv``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def startup(runs: int = 9) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of: ``import sistereval`` (wall from ``-X importtime``,
    CPU as the interpreter's beyond a bare one), ``sistereval evaluate EXAMPLE``, and a
    bare interpreter, each in a fresh interpreter with bytecode cached."""
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"PYTHONPATH": str(ROOT / "src"), "PYTHONPYCACHEPREFIX": cache}
        cli = [sys.executable, "-c", "from sistereval.cli import main; main()"]
        command = [*cli, "evaluate", str(EXAMPLE)]
        subprocess.run(command, env=env, check=True, capture_output=True)  # writes bytecode
        imports = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", "import sistereval"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            line = next(x for x in done.stderr.splitlines() if x.rstrip().endswith("| sistereval"))
            imports.append(int(line.split("|")[1]) / 1e6)
        bare = _runs([sys.executable, "-c", "pass"], runs, env)
        imported = _runs([sys.executable, "-c", "import sistereval"], runs, env)
        done = subprocess.run(
            [sys.executable, "-c", _STEPS.format(example=str(EXAMPLE))],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        steps = ", ".join(f"{name} {cpu * 1000:.0f}" for name, cpu in json.loads(done.stdout))
        print(f"  CPU ms of the steps of one 'sistereval evaluate': {steps}")
        return {
            "import sistereval": (statistics.median(imports), imported[1] - bare[1]),
            "sistereval evaluate one case": _runs(command, runs, env),
            "bare interpreter": bare,
        }


def memory(evaluations: int) -> dict[str, float]:
    """RSS growth (MiB) over ``evaluations`` evaluations after a warm-up of 5,000, per
    path; each result is dropped as soon as it is made, as a batch run drops it."""
    rules = rule_set("core")
    cases = variations(500, 2)
    facts = [derive(case) for case in cases]
    out = {}
    with Engine(rules, FACT_SCHEMA) as engine:
        for name, one in (
            ("engine.evaluate", lambda i: engine.evaluate(facts[i % len(facts)])),
            ("evaluate (pipeline)", lambda i: evaluate(cases[i % len(cases)], rules)),
        ):
            for i in range(5_000):
                one(i)
            gc.collect()
            before = rss_kib()
            for i in range(evaluations):
                one(i)
            gc.collect()
            out[name] = (rss_kib() - before) / 1024
    return out


_STEPS = """
import json, time
clock = time.process_time
marks = [("start", clock())]
import sistereval.cli
marks.append(("import sistereval.cli", clock()))
from sistereval.engine.cache import engine_for
from sistereval.evaluation import evaluate, rule_set
from sistereval.facts import FACT_SCHEMA
from sistereval.report import render_text
marks.append(("import evaluation, report", clock()))
rules = rule_set("core")
marks.append(("read core.yaml", clock()))
from sistereval.cases import load_case
case = load_case({example!r})
marks.append(("read the case", clock()))
engine_for(rules, FACT_SCHEMA)
marks.append(("compile for durable", clock()))
render_text(evaluate(case, rules), source="x")
marks.append(("evaluate and render", clock()))
print(json.dumps([(b[0], b[1] - a[1]) for a, b in zip(marks, marks[1:])]))
"""


def mallopt_child(evaluations: int, session_facts: int) -> None:
    """Child process: apply the settings named in ``SISTEREVAL_MALLOPT``, then print the
    engine's rate over its first 2,000 evaluations and the next ``evaluations``, and the
    RSS growth over the latter."""
    import ctypes

    libc = ctypes.CDLL("libc.so.6")
    settings = {"trim": (-1, 256 << 20), "mmap": (-3, 64 << 20), "arenas": (-8, 1)}
    for name in filter(None, os.environ.get("SISTEREVAL_MALLOPT", "").split(",")):
        param, value = settings[name]
        if libc.mallopt(param, value) != 1:
            raise OSError(f"mallopt {name} failed")
    rules = rule_set("core")
    facts = [derive(case) for case in variations(500, 2)]
    stream = [facts[i % len(facts)] for i in range(evaluations)]
    with Engine(rules, FACT_SCHEMA, session_facts=session_facts) as engine:
        first = cpu_rate(lambda: [engine.evaluate(f) for f in stream[:2_000]], 2_000)
        gc.collect()
        before = rss_kib()
        rate = cpu_rate(lambda: [engine.evaluate(f) for f in stream], evaluations)
        gc.collect()
        print(json.dumps({"first": first, "rate": rate, "growth": (rss_kib() - before) / 1024}))


def mallopt(evaluations: int) -> dict[tuple[str, str], dict[str, float]]:
    """The :func:`mallopt_child` figures for each allocator setting and session policy."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = {}
    for settings in ("", "trim,mmap", "trim,mmap,arenas"):
        for policy, session_facts in (("shared", SESSION_FACTS), ("1 session/case", 0)):
            done = subprocess.run(
                [sys.executable, __file__, "--mallopt-child", str(evaluations), str(session_facts)],
                env={**env, "SISTEREVAL_MALLOPT": settings},
                check=True,
                capture_output=True,
                text=True,
            )
            out[settings or "glibc defaults", policy] = json.loads(done.stdout)
    return out


def _load() -> str:
    """The load averages over 1, 5 and 15 minutes (other work on the machine)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--memory", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mallopt-child", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mallopt_child:
        mallopt_child(*args.mallopt_child)
        return
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, core rules, {args.cases} cases"
    )
    print(f"load average at start: {_load()}")
    r = speed(args.cases, args.repeats)
    print(f"\nevaluations per CPU second (median of {args.repeats}); engine, raw and reference:")
    print("derived facts in, fired rules out; derive and evaluate: a Case in, facts or an")
    print("Evaluation out (to_dict adds the decision record, explaining the rules not fired):")
    for name, rate in r.items():
        print(f"  {name:34} {rate:8.0f}/s")
    print("\nwrapper overhead (raw rate / sistereval rate; target <= 1.2):")
    one = r["engine.evaluate"]
    for label, ratio in (
        (f"{RAW} / engine.evaluate", r[RAW] / one),
        (f"{RAW_ONE} / {ONE}", r[RAW_ONE] / r[ONE]),
        (f"{HOST} / engine.evaluate", r[HOST] / one),
    ):
        print(f"  {label:66} {ratio:5.2f}  {verdict(ratio <= 1.2)}")
    print("\nat least 5,000 evaluations per CPU second:")
    for name in ("engine.evaluate", ONE, "evaluate", "evaluate + to_dict"):
        print(f"  {name:34} {r[name]:8.0f}/s  {verdict(r[name] >= 5_000)}")
    total, floor, encoding = 1e6 / one, 1e6 / r[RAW], 1e6 / r[ENCODE]
    print(f"\nengine.evaluate per case: {total:.0f} us = durable's own {floor:.0f} us (raw C)")
    print(f"  + encoding and type-checking the facts {encoding:.0f} us")
    print(f"  + building fact JSON, asserting, running actions {total - floor - encoding:.0f} us")
    print()
    for label, ratio in (
        ("engine.evaluate / engine.evaluate, 1 session/case", one / r[ONE]),
        ("engine.evaluate / reference", one / r["reference"]),
        ("evaluate / derive alone", r["evaluate"] / r["derive"]),
    ):
        print(f"  {label:40} {ratio:5.2f}")

    print(f"\nstart-up (median of 9 fresh interpreters, bytecode cached; load {_load()}):")
    targets = {"import sistereval": 0.150, "sistereval evaluate one case": 0.5}
    for label, (wall, cpu) in startup().items():
        target = targets.get(label)
        limit = (
            f"(target <= {target * 1000:.0f} ms wall)  {verdict(wall <= target)}" if target else ""
        )
        print(f"  {label:30} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms CPU  {limit}")

    grown = memory(args.memory)
    print(f"\nRSS growth over {args.memory} evaluations after a warm-up (target < 5 MiB):")
    for name, mib in grown.items():
        print(f"  {name:34} {mib:6.2f} MiB  {verdict(mib < 5)}")

    print("\nengine.evaluate in a fresh process per line, by glibc mallopt setting (which")
    print("sistereval never changes) and session policy, per CPU second:")
    for (name, policy), result in mallopt(20_000).items():
        print(
            f"  {name:17} {policy:15} first 2,000: {result['first']:5.0f}/s,"
            f" next 20,000: {result['rate']:5.0f}/s (RSS {result['growth']:+.2f} MiB)"
        )


if __name__ == "__main__":
    main()
