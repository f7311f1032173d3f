"""The files a rule file may name (issue 18, item 4): under its own folder, regular
files only, checked by name and type before anything is read, and never quoted when
they are not rule or case files (docs/rule-language.md, "Files a rule file names")."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.check import run_tests
from sistereval.documents import NotRegularFileError, read_regular_file
from sistereval.errors import RuleError
from sistereval.language import load_rules

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
HEAD = 'format: sistereval/rules@1\nid: mine\nversion: "1"\ntitle: Mine\n'
SECRET = "bad-id: 'hunter2 the password'\ntoken: s3cr3t-value\n"
FIFO = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
HINT = (
    "name a file in this rule file's folder or below it by a relative path (such as"
    " base.yaml or parents/base.yaml), or a shipped one by its name (extends: core); '..'"
    " out of the folder, absolute paths, '~', URLs and links pointing outside are refused"
)


def extending(folder: Path, target: str) -> Path:
    file = folder / "mine.yaml"
    file.write_text(f'{HEAD}extends: "{target}"\n', encoding="utf-8")
    return file


def problems(file: Path) -> list[str]:
    with pytest.raises(RuleError) as error:
        load_rules(file)
    return [str(problem) for problem in error.value.problems]


def with_test(folder: Path, case: str) -> Path:
    file = folder / "mine.yaml"
    file.write_text(
        f"{HEAD}extends: core\ntests:\n  - name: t\n    case: '{case}'\n    verdict: failure\n",
        encoding="utf-8",
    )
    return file


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def run_command(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``sistereval ARGV`` in a child process that must end within 60 s (a FIFO read
    would block it for ever)."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "CI": "true"}
    return subprocess.run(
        [sys.executable, "-m", "sistereval", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestExtendsStaysInTheFolder:
    def test_dot_dot_out_of_the_folder_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "base.yaml").write_text(HEAD.replace("mine", "base"), encoding="utf-8")
        (tmp_path / "mine").mkdir()
        file = extending(tmp_path / "mine", "../base.yaml")
        expected = [
            f"{file}:5:10: outside-folder: '../base.yaml' leads outside the folder of this"
            f" rule file in extends ({HINT})"
        ]
        assert expected == problems(file)

    def test_a_deep_escape_is_refused_before_anything_is_read(self, tmp_path: Path) -> None:
        target = "../" * len(tmp_path.parts) + "home/user/.docker/config.json"
        found = problems(extending(tmp_path, target))
        assert ["outside-folder"] == [line.split(": ")[1] for line in found]

    def test_a_link_pointing_outside_is_refused(self, tmp_path: Path) -> None:
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.yaml").write_text(SECRET, encoding="utf-8")
        folder = tmp_path / "rules"
        folder.mkdir()
        (folder / "passwd.yaml").symlink_to(outside / "secret.yaml")
        file = extending(folder, "passwd.yaml")
        expected = [
            f"{file}:5:10: outside-folder: 'passwd.yaml' leads outside the folder of this"
            f" rule file in extends ({HINT})"
        ]
        assert expected == problems(file)

    @pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs /etc/passwd")
    def test_a_link_to_etc_passwd_quotes_nothing(self, tmp_path: Path) -> None:
        (tmp_path / "passwd.yaml").symlink_to("/etc/passwd")
        text = "\n".join(problems(extending(tmp_path, "passwd.yaml")))
        assert ("outside-folder", False) == (text.split(": ")[1], "root:" in text)

    def test_a_link_inside_the_folder_is_followed(self, tmp_path: Path) -> None:
        (tmp_path / "parents").mkdir()
        (tmp_path / "parents" / "base.yaml").write_text(
            "format: sistereval/rules@1\nid: base\nversion: '1'\ntitle: Base\nextends: core\n",
            encoding="utf-8",
        )
        (tmp_path / "base.yaml").symlink_to(tmp_path / "parents" / "base.yaml")
        assert "mine" == load_rules(extending(tmp_path, "base.yaml")).id

    def test_a_subfolder_is_followed(self, tmp_path: Path) -> None:
        (tmp_path / "parents").mkdir()
        (tmp_path / "parents" / "base.yaml").write_text(
            "format: sistereval/rules@1\nid: base\nversion: '1'\ntitle: Base\nextends: core\n",
            encoding="utf-8",
        )
        rules = load_rules(extending(tmp_path, "parents/base.yaml"))
        assert ("mine", True) == (rules.id, len(rules.rules) > 30)


class TestExtendsOfWhatIsNoRuleFile:
    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("secrets.yaml", SECRET),
            ("secrets.json", '{"bad-id": "hunter2 the password", "token": "s3cr3t-value"}'),
            ("secrets.yml", "password = hunter2: [s3cr3t-value\n"),  # not even YAML
            ("secrets.yaml", "- bad-id\n- hunter2 the password\n- s3cr3t-value\n"),
        ],
    )
    def test_only_that_it_is_no_rule_file_is_said(
        self, tmp_path: Path, name: str, content: str
    ) -> None:
        (tmp_path / name).write_text(content, encoding="utf-8")
        file = extending(tmp_path, name)
        expected = [
            f"{file}:5:10: not-a-rule-file: '{tmp_path / name}' is not a rule file (it does"
            " not start with 'format: sistereval/rules@1'); its content is not shown in"
            " extends (extend a rule file, or a shipped rule set by name)"
        ]
        assert expected == problems(file)

    def test_a_rule_file_with_problems_still_shows_them(self, tmp_path: Path) -> None:
        (tmp_path / "base.yaml").write_text(f"{HEAD}extends: cor\n", encoding="utf-8")
        found = problems(extending(tmp_path, "base.yaml"))
        assert ["unknown-extends"] == [line.split(": ")[1] for line in found]

    def test_a_directory_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "base.yaml").mkdir()
        file = extending(tmp_path, "base.yaml")
        expected = [
            f"{file}:5:10: not-a-file: 'base.yaml' is a directory, not a regular file in"
            " extends (name a rule file saved in this rule file's folder)"
        ]
        assert expected == problems(file)

    @FIFO
    def test_a_fifo_is_refused_without_waiting(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "base.yaml")
        extending(tmp_path, "base.yaml")
        done = run_command("check", "mine.yaml", cwd=tmp_path)
        assert (2, True) == (done.returncode, "not-a-file: 'base.yaml' is a device" in done.stderr)


class TestTestCases:
    def test_an_absolute_path_is_refused(self, tmp_path: Path) -> None:
        case = str(ROOT / "examples" / "bandung-namur.yaml")
        file = with_test(tmp_path, case)
        expected = [
            f"{file}:8:11: bad-case: '{case}' is not a path relative to this rule file in"
            f" tests[0].case ({HINT})"
        ]
        assert expected == problems(file)

    def test_dev_stdin_is_refused(self, tmp_path: Path) -> None:
        found = problems(with_test(tmp_path, "/dev/stdin"))
        assert ["bad-case"] == [line.split(": ")[1] for line in found]

    def test_dot_dot_out_of_the_folder_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "case.yaml").write_text(
            (ROOT / "examples" / "bandung-namur.yaml").read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        (tmp_path / "rules").mkdir()
        found = problems(with_test(tmp_path / "rules", "../case.yaml"))
        assert ["outside-folder"] == [line.split(": ")[1] for line in found]

    def test_the_name_is_checked_before_the_file(self, tmp_path: Path) -> None:
        (tmp_path / "notes.txt").write_text(SECRET, encoding="utf-8")
        file = with_test(tmp_path, "notes.txt")
        expected = [
            f"{file}:8:11: bad-case: 'notes.txt' is not the name of a case file in"
            " tests[0].case (a case file's name ends in .yaml, .yml or .json)"
        ]
        assert expected == problems(file)

    def test_a_yaml_file_that_is_no_case_file_is_not_quoted(self, tmp_path: Path) -> None:
        (tmp_path / "secrets.yaml").write_text(SECRET, encoding="utf-8")
        report = run_tests(with_test(tmp_path, "secrets.yaml"))
        (result,) = report.results
        expected = (
            f"{tmp_path / 'secrets.yaml'}: not-a-case-file: '{tmp_path / 'secrets.yaml'}' is"
            " not a case file (it does not start with 'format: sistereval/case@1'); its"
            " content is not shown"
        )
        assert (False, expected) == (result.passed, result.error)

    def test_a_shipped_example_is_named_by_its_name(self, tmp_path: Path) -> None:
        report = run_tests(with_test(tmp_path, "bandung-namur"))
        assert [True] == [result.passed for result in report.results]

    def test_an_unknown_example_name_is_located(self, tmp_path: Path) -> None:
        file = with_test(tmp_path, "bandung-namr")
        expected = [
            f"{file}:8:11: unknown-example: no shipped example is named 'bandung-namr' in"
            " tests[0].case (did you mean 'bandung-namur'?)"
        ]
        assert expected == problems(file)

    @FIFO
    @pytest.mark.parametrize("command", ["test", "check"])
    def test_a_fifo_never_hangs_test_or_check(self, tmp_path: Path, command: str) -> None:
        (tmp_path / "cases").mkdir()
        os.mkfifo(tmp_path / "cases" / "namur.yaml")
        with_test(tmp_path, "cases/namur.yaml")
        done = run_command(command, "mine.yaml", cwd=tmp_path)
        expected = "not-a-file: 'cases/namur.yaml' is a device, FIFO or socket"
        assert (2, True) == (done.returncode, expected in done.stderr)


class TestTables:
    def test_a_table_out_of_the_folder_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "t.csv").write_text("verdict\nfailure\n", encoding="utf-8")
        (tmp_path / "rules").mkdir()
        file = tmp_path / "rules" / "mine.yaml"
        file.write_text(f"{HEAD}extends: core\ntables:\n  - file: ../t.csv\n", encoding="utf-8")
        found = problems(file)
        assert ["outside-folder"] == [line.split(": ")[1] for line in found]

    @FIFO
    @pytest.mark.parametrize("name", ["t.csv", "t.xlsx"])
    def test_a_fifo_table_is_refused(self, tmp_path: Path, name: str) -> None:
        os.mkfifo(tmp_path / name)
        (tmp_path / "mine.yaml").write_text(
            f"{HEAD}extends: core\ntables:\n  - file: {name}\n", encoding="utf-8"
        )
        done = run_command("check", "mine.yaml", cwd=tmp_path)
        assert (2, True) == (done.returncode, f"not-a-file: '{name}'" in done.stderr)


class TestReadRegularFile:
    @FIFO
    def test_a_fifo_is_refused_by_its_type(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "f.yaml")
        with pytest.raises(NotRegularFileError):
            read_regular_file(str(tmp_path / "f.yaml"), file="f.yaml")

    @FIFO
    def test_a_fifo_swapped_in_after_the_stat_is_refused_on_the_open_file(
        self, tmp_path: Path
    ) -> None:
        # the race: os.stat saw a regular file; the opened file is a FIFO. The open
        # must not block (O_NONBLOCK) and fstat must refuse it.
        os.mkfifo(tmp_path / "f.yaml")
        (tmp_path / "regular.yaml").write_text("x: 1\n", encoding="utf-8")
        script = (
            "import os, sistereval.documents as d\n"
            "real = os.stat\n"
            f"d.os.stat = lambda p, *a, **k: real({str(tmp_path / 'regular.yaml')!r})\n"
            "try:\n"
            f"    d.read_regular_file({str(tmp_path / 'f.yaml')!r}, file='f.yaml')\n"
            "except d.NotRegularFileError:\n"
            "    print('refused')\n"
        )
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert "refused\n" == done.stdout


class TestKnockOnProblems:
    """A parent that cannot be read hides the names it defines: the problems they
    cause are held back, and the ``extends`` problem says how many (issue 14)."""

    BODY = (
        "rules:\n"
        "  - id: r1\n"
        "    title: R1\n"
        '    when: fields.implemented >= 1 and fired("some-fields-implemented")\n'
        "    then: {finding: strength, factor: long_term_vision, severity: low}\n"
        '    because: {en: "x", id: "y"}\n'
        '    source: "s"\n'
        "    bogus: 1\n"
        "disable: [verdict-success]\n"
    )

    def write(self, folder: Path, target: str) -> Path:
        file = folder / "mine.yaml"
        file.write_text(f'{HEAD}extends: "{target}"\n{self.BODY}', encoding="utf-8")
        return file

    @pytest.mark.parametrize("target", ["cor", "missing.yaml"])
    def test_only_the_extends_and_its_own_problems_are_shown(
        self, tmp_path: Path, target: str
    ) -> None:
        found = problems(self.write(tmp_path, target))

        codes = [line.split(": ")[1] for line in found]
        assert ["unknown-extends", "unknown-key"] == codes
        held = "3 more problem(s) about names the extended rule set may define"
        assert held in found[0]

    def test_with_the_parent_found_they_are_all_reported(self, tmp_path: Path) -> None:
        file = self.write(tmp_path, "core")
        file.write_text(
            file.read_text(encoding="utf-8").replace("long_term_vision", "long_term"),
            encoding="utf-8",
        )

        codes = [line.split(": ")[1] for line in problems(file)]
        assert ["unknown-factor", "unknown-key"] == codes


class TestNamesTooLongForTheSystem:
    """A name longer than the system looks up (the fuzz run of issue 18 found an
    ``extends`` of 3,000 characters ending in an internal error) is an unknown name."""

    NAME = "a" * 3000

    def test_an_extends_is_an_unknown_shipped_rule_set(self, tmp_path: Path) -> None:
        (found,) = problems(extending(tmp_path, self.NAME))

        assert "mine.yaml:5:10: unknown-extends: no shipped rule set is named" in found

    def test_a_relative_path_is_a_file_that_is_not_there(self, tmp_path: Path) -> None:
        (found,) = problems(extending(tmp_path, f"{self.NAME}.yaml"))

        assert (True, False) == ("mine.yaml:5:10: " in found, "internal error" in found)

    @pytest.mark.parametrize("command", ["evaluate", "test", "check"])
    def test_commands_name_it_an_unknown_rule_set(self, command: str) -> None:
        case = str(SRC / "sistereval" / "examples" / "bandung-namur.yaml")
        argv = {
            "evaluate": ["evaluate", case, "--rules", self.NAME],
            "test": ["test", self.NAME],
            "check": ["check", self.NAME, "--no-properties"],
        }[command]
        code, _, err = call(*argv)

        assert (2, True) == (code, "unknown-rule-set: no shipped rule set is named" in err)


class TestShippedRuleSetsStillWork:
    def test_core(self) -> None:
        status, _, err = call("test", "core")
        assert (0, "") == (status, err)
