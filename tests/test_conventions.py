"""The command line behaves like a well-kept tool: documented exit codes for a
missing file, an internal error, Ctrl-C and a closed pipe (never a traceback);
``-`` for standard input; did-you-mean; ``--version`` with the backend; the
backend chosen or fallen back from; no escapes for ``NO_COLOR``, ``TERM=dumb``
or a non-terminal; ``check`` leaves no ``.hypothesis`` folder; the shipped
examples; shell completion; ``python -m sistereval``."""

from __future__ import annotations

import filecmp
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sistereval
from sistereval import evaluation
from sistereval.cli import run
from sistereval.cli.common import BROKEN_PIPE, INTERNAL, INTERRUPTED, INVALID, OK
from sistereval.cli.interrupts import interrupts_delivered
from sistereval.safety import colour_wanted, progress_wanted

ROOT = Path(__file__).resolve().parent.parent
NAMUR = "examples/bandung-namur.yaml"
#: What ``sistereval evaluate`` calls, replaced by a bug.
EVALUATE = "sistereval.cli.evaluate.evaluate"
BROKEN = "durable/rules.so: undefined symbol: PyEval_CallObject"
ENV = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SISTEREVAL_BACKEND")}


def call(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), stdout, stderr, None if stdin is None else io.StringIO(stdin))
    return status, stdout.getvalue(), stderr.getvalue()


def ctrl_c_reaches_it() -> None:
    """In the child, before it runs: Ctrl-C as in a terminal.  A suite started in the
    background (``cmd &`` in a script, ``nohup``) ignores SIGINT, and its children
    inherit that; Python then installs no handler, and Ctrl-C tests would measure nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def command(*argv: str, cwd: Path = ROOT, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sistereval", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_it,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SISTEREVAL_BACKEND", raising=False)


@pytest.fixture
def no_durable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation, "durable_error", lambda: BROKEN)


def started(process: subprocess.Popen[str]) -> None:
    """Wait until ``process`` evaluates (it has loaded durable_rules' C extension, where
    it loads; else a few seconds), so that a signal reaches the command, not the imports."""
    maps = Path(f"/proc/{process.pid}/maps")
    deadline = time.monotonic() + (60 if evaluation.durable_error() is None else 5)
    while time.monotonic() < deadline and process.poll() is None:
        if evaluation.durable_error() is None and "durable_rules_engine" in maps.read_text():
            time.sleep(0.5)
            return
        time.sleep(0.1)


def failing_handler(exc: BaseException) -> object:
    def handler(*_: object, **__: object) -> int:
        raise exc

    return handler


class TestExitCodes:
    def test_a_missing_case_file_is_invalid_input_with_a_hint(self) -> None:
        status, out, err = call("evaluate", "missing.yaml")
        assert (INVALID, "") == (status, out)
        assert err.startswith("missing.yaml: file-error: no such file\nhint: 'missing.yaml'")
        assert "sistereval examples --copy ." in err

    def test_a_missing_rule_file_gets_the_hint_too(self) -> None:
        status, _, err = call("evaluate", NAMUR, "--rules", "mine.yaml")
        assert INVALID == status
        assert "hint: 'mine.yaml' not found." in err

    def test_an_internal_error_is_one_line_naming_the_bug_tracker(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(EVALUATE, failing_handler(ZeroDivisionError("boom")))
        status, out, err = call("evaluate", NAMUR)
        assert (INTERNAL, "") == (status, out)
        assert 1 == len(err.splitlines())
        assert "internal error (ZeroDivisionError: boom)" in err
        assert "https://github.com/sistereval/sistereval/issues" in err
        assert "Traceback" not in err

    @pytest.mark.parametrize(
        "where", [["--debug", "evaluate", NAMUR], ["evaluate", NAMUR, "--debug"]]
    )
    def test_debug_adds_the_traceback(
        self, monkeypatch: pytest.MonkeyPatch, where: list[str]
    ) -> None:
        monkeypatch.setattr(EVALUATE, failing_handler(ZeroDivisionError("boom")))
        status, _, err = call(*where)
        assert INTERNAL == status
        assert "Traceback (most recent call last)" in err
        assert err.rstrip().splitlines()[-1].startswith("sistereval: internal error")

    def test_the_internal_error_in_indonesian(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(EVALUATE, failing_handler(KeyError("x")))
        status, _, err = call("evaluate", NAMUR, "--lang", "id")
        assert INTERNAL == status
        assert err.startswith("sistereval: galat internal (KeyError: 'x'). Ini adalah bug")

    def test_ctrl_c_in_process(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(EVALUATE, failing_handler(KeyboardInterrupt()))
        assert (INTERRUPTED, "", "sistereval: interrupted\n") == call("evaluate", NAMUR)

    def test_ctrl_c_on_a_running_command(self) -> None:
        process = command(
            "check", "core", "--examples", "100000", env={**ENV, "PYTHONPATH": str(ROOT / "src")}
        )
        started(process)
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=60)
        finally:
            process.kill()  # not left running when it failed
        assert (INTERRUPTED, "sistereval: interrupted\n") == (process.returncode, err)

    @pytest.mark.parametrize(
        ("program", "status", "err"),
        [
            pytest.param(
                # Ctrl-C while a finaliser runs (a garbage-collector callback is the
                # same, hypothesis installs one; the cause of the once-flaky test
                # above): Python prints "Exception ignored" and runs on, unless the
                # command delivers it again.
                """
class Finaliser:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)
try:
    with interrupts_delivered("stopped by the watchdog", grace=30):
        Finaliser()
        time.sleep(20)
except KeyboardInterrupt:
    sys.exit(7)
""",
                7,
                "",
                id="ignored-in-a-finaliser",
            ),
            pytest.param(
                # Code that swallows the interrupt: asked again, then ended.
                """
with interrupts_delivered("stopped by the watchdog", grace=0.3):
    for step in range(400):
        try:
            if step == 0:
                signal.raise_signal(signal.SIGINT)
            time.sleep(0.05)
        except KeyboardInterrupt:
            pass
""",
                INTERRUPTED,
                "stopped by the watchdog\n",
                id="swallowed",
            ),
            pytest.param(
                # Interrupted, then stuck while winding down: ended, without a second message.
                """
try:
    with interrupts_delivered("stopped by the watchdog", grace=0.3):
        signal.raise_signal(signal.SIGINT)
except KeyboardInterrupt:
    time.sleep(20)
""",
                INTERRUPTED,
                "",
                id="stuck-after",
            ),
            pytest.param(
                # No interrupt: the watchdog stops with the context and leaves nothing set.
                """
with interrupts_delivered("stopped by the watchdog", grace=0.3):
    pass
assert signal.set_wakeup_fd(-1) == -1
assert [t.name for t in threading.enumerate()] == ["MainThread"], threading.enumerate()
""",
                0,
                "",
                id="not-interrupted",
            ),
        ],
    )
    def test_an_interrupt_ends_the_process(self, program: str, status: int, err: str) -> None:
        header = (
            "import signal, sys, threading, time\n"
            "from sistereval.cli.interrupts import interrupts_delivered\n"
        )
        started_at = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", header + program],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**ENV, "PYTHONPATH": str(ROOT / "src")},
            timeout=60,
            check=False,
            preexec_fn=ctrl_c_reaches_it,
        )
        assert (status, err) == (done.returncode, done.stderr)
        assert time.monotonic() - started_at < 15  # not the 20 s the program would run

    def test_other_ignored_errors_still_reach_the_previous_hook(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        class Finaliser:
            def __del__(self) -> None:
                raise ValueError("in a finaliser")

        seen: list[BaseException | None] = []
        monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
        with interrupts_delivered("interrupted"):
            Finaliser()
        assert ["in a finaliser"] == [str(e) for e in seen]
        assert sys.unraisablehook.__name__ == "<lambda>"  # put back on leaving

    def test_a_closed_pipe_ends_quietly(self) -> None:
        cases = " ".join([NAMUR] * 400)
        done = subprocess.run(
            [
                "bash",
                "-c",
                f"{sys.executable} -m sistereval evaluate {cases} | head -1; "
                "exit ${PIPESTATUS[0]}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**ENV, "PYTHONPATH": str(ROOT / "src")},
            check=False,
        )
        expected = (BROKEN_PIPE, f"{NAMUR}: verdict failure (confidence 0.64)\n", "")
        assert expected == (done.returncode, done.stdout, done.stderr)

    def test_a_broken_pipe_in_process_is_its_code(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(EVALUATE, failing_handler(BrokenPipeError()))
        assert (BROKEN_PIPE, "", "") == call("evaluate", NAMUR)


class TestSuggestions:
    def test_an_unknown_command_in_indonesian(self) -> None:
        status, _, err = call("evalute", "x.yaml", "--lang", "id")
        assert INVALID == status
        assert err.startswith(
            "sistereval: perintah 'evalute' tidak dikenal (mungkin maksud Anda 'evaluate'?)\n"
        )

    def test_an_unknown_option_written_with_its_value(self) -> None:
        status, _, err = call("report", NAMUR, "--formatt=html")
        assert INVALID == status
        assert "unknown option '--formatt' (did you mean '--format'?)" in err

    def test_an_argument_too_many(self) -> None:
        status, _, err = call("schema", "case", "extra")
        assert INVALID == status
        assert "sistereval schema: unrecognized arguments: extra\n" in err


class TestStandardInput:
    def test_a_case_from_standard_input(self) -> None:
        text = (ROOT / NAMUR).read_text(encoding="utf-8")
        expected = call("evaluate", NAMUR, "--format", "json")[1]
        assert (OK, expected, "") == call("evaluate", "-", "--format", "json", stdin=text)

    def test_problems_of_standard_input_are_located(self) -> None:
        status, out, _ = call("validate", "-", stdin="format: sistereval/case@1\nid: x\n")
        assert INVALID == status
        assert out.startswith("<stdin>:")

    def test_a_rule_file_from_standard_input(self) -> None:
        text = (ROOT / "rules" / "core.yaml").read_text(encoding="utf-8")
        status, out, _ = call("evaluate", NAMUR, "--rules", "-", stdin=text)
        assert (OK, f"{NAMUR}: verdict failure (confidence 0.64)") == (status, out.splitlines()[0])

    def test_standard_input_is_read_once(self) -> None:
        status, _, err = call("evaluate", "-", "--rules", "-", stdin="x\ny\n")
        assert (
            INVALID,
            "sistereval: standard input ('-') can be read only once in a command\n",
        ) == (
            status,
            err,
        )


class TestBackends:
    def test_version_names_the_backend(self) -> None:
        assert (
            OK,
            f"sistereval {sistereval.__version__} (backend: durable, durable_rules 2.0.28)\n",
            "",
        ) == call("--version")

    @pytest.mark.usefixtures("no_durable")
    def test_version_without_durable(self) -> None:
        expected = (
            f"sistereval {sistereval.__version__} (backend: reference evaluator; "
            f"durable_rules cannot be loaded: {BROKEN})\n"
        )
        assert (OK, expected, "") == call("--version")

    @pytest.mark.usefixtures("no_durable")
    def test_the_reference_evaluator_with_one_notice(self) -> None:
        status, out, err = call("evaluate", NAMUR, NAMUR)
        assert (OK, 2) == (status, out.count("verdict failure"))
        assert 1 == len(err.splitlines())
        assert err.startswith("sistereval: notice: the durable_rules engine cannot be loaded")

    @pytest.mark.usefixtures("no_durable")
    def test_the_notice_in_indonesian(self) -> None:
        _, _, err = call("evaluate", NAMUR, "--lang", "id")
        assert err.startswith("sistereval: pemberitahuan: mesin durable_rules tidak dapat dimuat")

    @pytest.mark.usefixtures("no_durable")
    @pytest.mark.parametrize("how", ["option", "variable"])
    def test_choosing_reference_silences_the_notice(
        self, monkeypatch: pytest.MonkeyPatch, how: str
    ) -> None:
        argv = ["evaluate", NAMUR]
        if how == "option":
            argv += ["--backend", "reference"]
        else:
            monkeypatch.setenv("SISTEREVAL_BACKEND", "reference")
        status, _, err = call(*argv)
        assert (OK, "") == (status, err)

    @pytest.mark.usefixtures("no_durable")
    def test_asking_for_durable_without_it(self) -> None:
        status, out, err = call("explain", NAMUR, "--backend", "durable")
        assert (INVALID, "") == (status, out)
        assert err.startswith(f"sistereval: the durable backend cannot be used: {BROKEN}.")

    def test_a_bad_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SISTEREVAL_BACKEND", "fast")
        status, _, err = call("evaluate", NAMUR)
        assert INVALID == status
        assert "SISTEREVAL_BACKEND is 'fast'" in err

    @pytest.mark.parametrize(
        "argv",
        [
            ["evaluate", NAMUR],
            ["explain", NAMUR],
            ["whatif", NAMUR, "--set", "budget[0].earmarked=true"],
            ["report", NAMUR, "--no-counterfactual"],
            ["test", "core"],
            ["diff", "core", "core", "--cases", NAMUR],
            ["check", "core", "--examples", "3"],
        ],
    )
    def test_every_evaluating_command_gives_the_same_output_on_both(self, argv: list[str]) -> None:
        durable = call(*argv, "--backend", "durable")
        reference = call(*argv, "--backend", "reference")
        assert durable == reference

    def test_batch_on_both(self, tmp_path: Path) -> None:
        outputs = []
        for backend in ("durable", "reference"):
            out = tmp_path / f"{backend}.csv"
            assert (
                OK
                == call(
                    "batch",
                    "examples/register.csv",
                    "--out",
                    str(out),
                    "--format",
                    "csv",
                    "--backend",
                    backend,
                )[0]
            )
            outputs.append(out.read_text(encoding="utf-8"))
        assert outputs[0] == outputs[1]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestEscapes:
    @pytest.mark.parametrize(
        ("env", "tty", "colour", "progress"),
        [
            ({}, True, True, True),
            ({"NO_COLOR": "1"}, True, False, True),
            ({"NO_COLOR": ""}, True, True, True),
            ({"TERM": "dumb"}, True, False, False),
            ({}, False, False, False),
        ],
    )
    def test_who_gets_escapes(
        self,
        monkeypatch: pytest.MonkeyPatch,
        env: dict[str, str],
        tty: bool,
        colour: bool,
        progress: bool,
    ) -> None:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm-256color")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        stream = FakeTerminal() if tty else io.StringIO()
        assert (colour, progress) == (colour_wanted(stream), progress_wanted(stream))

    @pytest.mark.parametrize(("key", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
    def test_the_report_on_a_terminal(
        self, monkeypatch: pytest.MonkeyPatch, key: str, value: str
    ) -> None:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm")
        argv = ["report", NAMUR, "--no-counterfactual"]
        coloured, plain = FakeTerminal(), FakeTerminal()
        assert OK == run(argv, coloured, io.StringIO())
        monkeypatch.setenv(key, value)
        assert OK == run(argv, plain, io.StringIO())
        assert "\x1b[" in coloured.getvalue()
        assert "\x1b" not in plain.getvalue()


class TestCheckStorage:
    def test_no_hypothesis_folder_in_the_working_directory(self, tmp_path: Path) -> None:
        work, cache = tmp_path / "work", tmp_path / "cache"
        work.mkdir()
        env = {**ENV, "PYTHONPATH": str(ROOT / "src"), "XDG_CACHE_HOME": str(cache)}
        env.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
        process = command("check", "core", "--examples", "2", cwd=work, env=env)
        process.communicate(timeout=120)
        assert [] == list(work.iterdir())
        assert (cache / "sistereval" / "hypothesis").is_dir()


def example_files() -> list[str]:
    """The files of the checkout's examples/ folder, subfolders included, sorted by path."""
    folder = ROOT / "examples"
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


class TestExamples:
    def test_examples_path_is_a_path_every_loader_takes(self) -> None:
        folder = sistereval.examples_path()
        assert isinstance(folder, Path)
        assert "bandung-namur" == sistereval.load_case(folder / "bandung-namur.yaml").id

    def test_the_list(self) -> None:
        folder = sistereval.examples_path()
        expected = "".join(f"{folder / name}\n" for name in example_files())
        assert (OK, expected, "") == call("examples")

    def test_copy_then_keep_then_force(self, tmp_path: Path) -> None:
        target = tmp_path / "new"
        status, out, _ = call("examples", "--copy", str(target))
        names = example_files()
        assert (OK, len(names)) == (status, out.count("copied "))
        assert (names, [], []) == filecmp.cmpfiles(ROOT / "examples", target, names, shallow=False)
        (target / "register.csv").write_text("mine", encoding="utf-8")
        status, _, err = call("examples", "--copy", str(target))
        assert (OK, "mine") == (status, (target / "register.csv").read_text(encoding="utf-8"))
        assert f"kept {target / 'register.csv'}" in err
        call("examples", "--copy", str(target), "--force")
        assert filecmp.cmp(
            ROOT / "examples" / "register.csv", target / "register.csv", shallow=False
        )

    def test_copy_onto_a_file(self, tmp_path: Path) -> None:
        (tmp_path / "file").write_text("", encoding="utf-8")
        status, _, err = call("examples", "--copy", str(tmp_path / "file"))
        assert INVALID == status
        assert err.startswith(f"sistereval examples: cannot copy to {tmp_path / 'file'}:")


def bash_complete(script: str, words: list[str]) -> list[str]:
    line = " ".join(f"'{w}'" for w in words)
    code = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _sistereval; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


class TestCompletion:
    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            (["sistereval", "eval"], ["evaluate"]),
            (["sistereval", "--de"], ["--debug"]),
            (["sistereval", "evaluate", "--for"], ["--format"]),
            (["sistereval", "evaluate", "--format", ""], ["text", "json"]),
            (["sistereval", "evaluate", "--backend", "re"], ["reference"]),
            (["sistereval", "schema", ""], ["case", "rules", "facts"]),
            (["sistereval", "completion", "f"], ["fish"]),
            (["sistereval", "evaluate", "examples/bandung-n"], ["examples/bandung-namur.yaml"]),
        ],
    )
    def test_bash(self, words: list[str], expected: list[str]) -> None:
        script = call("completion", "bash")[1]
        assert expected == bash_complete(script, words)

    @pytest.mark.parametrize(
        ("shell", "check"),
        [("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])],
    )
    def test_the_script_parses(self, tmp_path: Path, shell: str, check: list[str]) -> None:
        status, script, _ = call("completion", shell)
        assert OK == status
        path = tmp_path / f"script.{shell}"
        path.write_text(script, encoding="utf-8")
        if shutil_which(check[0]) is None:
            pytest.skip(f"{check[0]} is not installed")
        subprocess.run([*check, str(path)], check=True)

    @pytest.mark.parametrize("shell", ["zsh", "fish"])
    def test_every_command_and_option_is_named(self, shell: str) -> None:
        script = call("completion", shell)[1]
        for word in (
            "validate",
            "evaluate",
            "examples",
            "completion",
            "backend",
            "counterfactual",
            "reference",
        ):
            assert word in script


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


class TestModule:
    def test_python_m_sistereval(self) -> None:
        process = command("--version", env={**ENV, "PYTHONPATH": str(ROOT / "src")})
        out, err = process.communicate(timeout=60)
        assert (0, f"sistereval {sistereval.__version__} (backend: ", "") == (
            process.returncode,
            out[: len(f"sistereval {sistereval.__version__} (backend: ")],
            err,
        )
