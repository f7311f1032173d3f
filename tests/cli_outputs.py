"""The outputs of every command on the shipped examples, recorded and compared.

``python tests/cli_outputs.py --record`` runs each command of :data:`COMMANDS`
in-process (``sistereval.cli.run``, from the repository root) and writes what it
printed, its exit code and any file it wrote to ``tests/golden/outputs/NAME.out``;
``tests/test_cli_outputs.py`` runs them again and compares byte for byte, so a
change that moves code without meaning to change behaviour is shown to change
nothing.  Record again, and read the diff, when a change is meant to change an
output.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "outputs"
#: Stands for the temporary directory a command writes its files to.
TMP = "<tmp>"
#: Stands for the checkout's directory (the outputs name some files by absolute path).
ROOT_MARK = "<root>"

_EXAMPLES = ("bandung-namur", "surabaya-kitakyushu", "bandung-suwon")
_SET = ("--set", "budget[0].earmarked=true", "--set", "fields[1].status=implemented")
_SET_FIELD = ("--set", "fields[0].status=discontinued")


def _commands() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {
        "help": ("--help",),
        "validate": ("validate", *(f"examples/{e}.yaml" for e in _EXAMPLES)),
        "validate-json": ("validate", "--format", "json", "examples/bandung-namur.yaml"),
        "schema-case": ("schema", "case"),
        "schema-rules": ("schema", "rules"),
        "schema-facts": ("schema", "facts"),
    }
    for command in (
        "validate",
        "evaluate",
        "explain",
        "whatif",
        "batch",
        "check",
        "test",
        "diff",
        "report",
        "schema",
        "examples",
        "completion",
    ):
        out[f"help-{command}"] = (command, "--help")
    for example in _EXAMPLES:
        case = f"examples/{example}.yaml"
        for lang in ("en", "id"):
            for fmt in ("text", "json"):
                out[f"evaluate-{example}-{lang}-{fmt}"] = (
                    "evaluate",
                    case,
                    "--lang",
                    lang,
                    "--format",
                    fmt,
                )
                out[f"explain-{example}-{lang}-{fmt}"] = (
                    "explain",
                    case,
                    "--lang",
                    lang,
                    "--format",
                    fmt,
                )
                out[f"whatif-{example}-{lang}-{fmt}"] = (
                    "whatif",
                    case,
                    *(_SET if example == "bandung-namur" else _SET_FIELD),
                    "--lang",
                    lang,
                    "--format",
                    fmt,
                )
            for fmt in ("text", "markdown", "html"):
                out[f"report-{example}-{lang}-{fmt}"] = (
                    "report",
                    case,
                    "--lang",
                    lang,
                    "--format",
                    fmt,
                )
    for lang in ("en", "id"):
        out[f"explain-counterfactual-{lang}"] = (
            "explain",
            "examples/bandung-namur.yaml",
            "--counterfactual",
            "--lang",
            lang,
        )
        out[f"explain-rule-{lang}"] = (
            "explain",
            "examples/bandung-namur.yaml",
            "--rule",
            "few-fields-implemented",
            "--lang",
            lang,
        )
    out["explain-counterfactual-json"] = (
        "explain",
        "examples/bandung-suwon.yaml",
        "--counterfactual",
        "--format",
        "json",
    )
    out["report-no-counterfactual"] = (
        "report",
        "examples/bandung-namur.yaml",
        "--no-counterfactual",
        "--format",
        "markdown",
    )
    out["report-out"] = (
        "report",
        "examples/bandung-suwon.yaml",
        "--format",
        "html",
        "--out",
        f"{TMP}/suwon.html",
    )
    for lang in ("en", "id"):  # the comparison of many cases (issue 15)
        for fmt in ("text", "markdown"):
            out[f"report-compare-{lang}-{fmt}"] = (
                "report",
                "examples/",
                "--lang",
                lang,
                "--format",
                fmt,
            )
    out["report-compare-register-html"] = ("report", "examples/register.csv", "--format", "html")
    out["report-compare-out"] = (
        "report",
        "examples/register.csv",
        "--format",
        "markdown",
        "--no-counterfactual",
        "--lang",
        "id",
        "--out",
        TMP,
    )
    out["check-core"] = ("check", "core", "--examples", "100")
    out["check-core-json"] = ("check", "rules/core.yaml", "--examples", "50", "--format", "json")
    out["check-static"] = ("check", "core", "--no-properties", "--format", "json")
    out["test-rules"] = ("test", "rules/")
    out["test-rules-json"] = ("test", "core", "--format", "json")
    out["diff"] = ("diff", "core", "rules/core.yaml", "--cases", "examples/")
    out["batch-dir"] = ("batch", "examples/", "--out", f"{TMP}/results.jsonl", "--jobs", "1")
    out["batch-csv"] = (
        "batch",
        "examples/register.csv",
        "--out",
        f"{TMP}/results.csv",
        "--format",
        "csv",
        "--jobs",
        "1",
        "--lang",
        "id",
    )
    out["error-case"] = ("evaluate", "tests/golden/cases/invalid/many-problems.yaml")
    out["error-rules"] = (
        "evaluate",
        "examples/bandung-namur.yaml",
        "--rules",
        "tests/golden/rules/invalid/unknown-fact.yaml",
    )
    out["error-usage"] = ("explain", "examples/bandung-namur.yaml", "--rule", "few-field")
    return out


COMMANDS = _commands()


def capture(name: str) -> str:
    """What the command ``name`` prints, its exit code and the files it writes."""
    from sistereval.cli import run

    with tempfile.TemporaryDirectory() as tmp:
        argv = [arg.replace(TMP, tmp) for arg in COMMANDS[name]]
        stdout, stderr = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        os.environ["COLUMNS"] = "100"
        try:
            os.chdir(ROOT)
            status = run(argv, stdout, stderr)
        finally:
            os.chdir(cwd)
        parts = [
            f"$ sistereval {' '.join(COMMANDS[name])}",
            f"exit {status}",
            "-- stdout",
            stdout.getvalue(),
            "-- stderr",
            stderr.getvalue(),
        ]
        for path in sorted(Path(tmp).iterdir()):
            parts += [f"-- file {path.name}", path.read_text(encoding="utf-8")]
        text = "\n".join(parts).replace(tmp, TMP).replace(str(ROOT), ROOT_MARK)
        return _aliases(_solver_version(text))


def _aliases(text: str) -> str:
    """``--out FILE, --output FILE`` (argparse before Python 3.13) written as 3.13 writes
    it, ``--out, --output FILE``: the help of an option with two names."""
    return re.sub(r"(--[\w-]+) (\S+), (--[\w-]+) \2(?=\s)", r"\1, \3 \2", text)


def _solver_version(text: str) -> str:
    """``text`` with the z3 version (``z3 5.4.1``) as ``z3 <version>``: the outputs do not
    depend on which z3 release is installed."""
    return re.sub(r"\bz3 \d+(\.\d+)*", "z3 <version>", text)


def api() -> str:
    """What ``import sistereval`` offers."""
    import sistereval

    return "\n".join(sorted(sistereval.__all__)) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] != ["--record"]:
        print(__doc__)
        return 2
    names = argv[1:] or list(COMMANDS)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    if not argv[1:]:
        shutil.rmtree(GOLDEN)
        GOLDEN.mkdir()
    for name in names:
        (GOLDEN / f"{name}.out").write_text(capture(name), encoding="utf-8")
    (GOLDEN / "api.txt").write_text(api(), encoding="utf-8")
    print(f"recorded {len(names)} outputs in {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
