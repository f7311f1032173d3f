"""Tests for the ``sistereval`` command: ``validate`` and ``schema``."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sistereval import __version__
from sistereval.cases import case_schema
from sistereval.cli import run
from sistereval.cli.main import COMMANDS, _declare
from sistereval.facts import schema_document
from sistereval.language import rules_schema
from sistereval.messages import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = "tests/golden/cases"


def call(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


class TestValidate:
    def test_valid_files(self) -> None:
        expected = (
            0,
            f"{GOLDEN}/valid/full.yaml: ok\n{GOLDEN}/valid/minimal.yaml: ok\n",
            "",
        )
        assert expected == call(
            "validate", f"{GOLDEN}/valid/full.yaml", f"{GOLDEN}/valid/minimal.yaml"
        )

    def test_invalid_file(self) -> None:
        path = f"{GOLDEN}/invalid/many-problems.yaml"
        problems = (ROOT / path).with_suffix(".expected").read_text(encoding="utf-8")

        expected = (2, problems, "")
        assert expected == call("validate", path)

    def test_every_file_is_reported(self) -> None:
        expected = (
            2,
            f"{GOLDEN}/invalid/wrong-type.yaml:9:21: wrong-type: expected a number, got a string"
            " 'abc' in partners[0].location.lat\n"
            f"{GOLDEN}/valid/minimal.yaml: ok\n"
            f"{GOLDEN}/invalid/bad-format.yaml:1:9: bad-format: unsupported format"
            " 'sistereval/case@9' in format (expected 'sistereval/case@2', or the earlier"
            " 'sistereval/case@1')\n",
            "",
        )
        actual = call(
            "validate",
            f"{GOLDEN}/invalid/wrong-type.yaml",
            f"{GOLDEN}/valid/minimal.yaml",
            f"{GOLDEN}/invalid/bad-format.yaml",
        )
        assert expected == actual

    def test_json(self) -> None:
        status, out, err = call(
            "validate",
            "--format",
            "json",
            f"{GOLDEN}/valid/minimal.yaml",
            f"{GOLDEN}/invalid/duplicate-id.yaml",
        )

        expected = (
            2,
            [
                {"file": f"{GOLDEN}/valid/minimal.yaml", "valid": True, "problems": []},
                {
                    "file": f"{GOLDEN}/invalid/duplicate-id.yaml",
                    "valid": False,
                    "problems": [
                        {
                            "code": "duplicate-id",
                            "message": "id 'paper' is used twice",
                            "file": f"{GOLDEN}/invalid/duplicate-id.yaml",
                            "line": 10,
                            "column": 10,
                            "path": "sources[1].id",
                            "suggestion": None,
                        }
                    ],
                },
            ],
            "",
        )
        assert expected == (status, [json.loads(line) for line in out.splitlines()], err)

    def test_missing_file(self) -> None:
        expected = (
            2,
            "missing.yaml: file-error: no such file\n",
            "hint: 'missing.yaml' not found. 'sistereval examples' lists the example case files "
            "shipped with sistereval, and 'sistereval examples --copy .' copies them here.\n",
        )
        assert expected == call("validate", "missing.yaml")

    def test_a_file_name_that_looks_like_yaml(self) -> None:
        # A command-line argument is always a file, never YAML text.
        status, out, err = call("validate", "id: x")
        assert (2, "id: x: file-error: no such file\n") == (status, out)
        assert err.startswith("hint: 'id: x' not found.")

    def test_unsafe_tag_is_refused_and_not_run(self, tmp_path: Path) -> None:
        marker = tmp_path / "pwned-sistereval"
        case = tmp_path / "case.yaml"
        text = (ROOT / GOLDEN / "valid" / "minimal.yaml").read_text(encoding="utf-8")
        case.write_text(
            text.replace(
                "title: Bandung and Namur",
                f'title: !!python/object/apply:os.system ["touch {marker}"]',
            ),
            encoding="utf-8",
        )

        expected = (
            2,
            f"{case}:3:8: unsafe-tag: the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
            " is not allowed in title\n",
            "",
            False,
        )
        assert expected == (*call("validate", str(case)), marker.exists())

    def test_needs_a_file(self) -> None:
        status, out, err = call("validate")

        expected = (
            2,
            "",
            "sistereval validate: error: the following arguments are required: CASE\n",
        )
        assert expected == (status, out, err.splitlines(keepends=True)[-1])


class TestSchema:
    def test_case(self) -> None:
        expected = (0, json.dumps(case_schema(), indent=2, ensure_ascii=False) + "\n", "")
        assert expected == call("schema", "case")

    def test_facts(self) -> None:
        expected = (0, json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n", "")
        assert expected == call("schema", "facts")

    def test_rules(self) -> None:
        expected = (0, json.dumps(rules_schema(), indent=2, ensure_ascii=False) + "\n", "")
        assert expected == call("schema", "rules")

    @pytest.mark.parametrize("option", ["--out", "--output"])
    def test_writes_a_file(self, tmp_path: Path, option: str) -> None:
        target = tmp_path / "case.schema.json"

        status, out, err = call("schema", "case", option, str(target))

        expected = (
            0,
            f"{target}: the JSON Schema of case files written\n"
            "to have an editor check a YAML file against it, start the file with: "
            f"# yaml-language-server: $schema={target}\n",
            "",
            case_schema(),
        )
        assert expected == (status, out, err, json.loads(target.read_text(encoding="utf-8")))

    def test_says_it_in_indonesian(self, tmp_path: Path) -> None:
        target = tmp_path / "rules.schema.json"

        status, out, _ = call("schema", "rules", "--out", str(target), "--lang", "id")

        expected = (0, f"{target}: JSON Schema berkas aturan telah ditulis")
        assert expected == (status, out.splitlines()[0])

    def test_facts_to_a_file_needs_no_modeline(self, tmp_path: Path) -> None:
        target = tmp_path / "facts.json"

        expected = (0, f"{target}: the fact schema written\n", "")
        assert expected == call("schema", "facts", "--out", str(target))

    def test_an_unwritable_file(self, tmp_path: Path) -> None:
        target = tmp_path / "missing" / "case.schema.json"

        status, out, err = call("schema", "case", "--out", str(target))

        expected = (2, "", True, False)
        assert expected == (status, out, "does not exist" in err, target.exists())

    def test_its_texts_are_in_both_languages(self) -> None:
        same = sorted(key for key in SCHEMA["en"] if SCHEMA["en"][key] == SCHEMA["id"].get(key))

        expected = (set(SCHEMA["en"]), [])
        assert expected == (set(SCHEMA["id"]), same)

    def test_needs_a_schema(self) -> None:
        status, out, err = call("schema")

        expected = (
            2,
            "",
            "sistereval schema: error: the following arguments are required: SCHEMA\n",
        )
        assert expected == (status, out, err.splitlines(keepends=True)[-1])


class TestRun:
    def test_needs_a_command(self) -> None:
        status, out, err = call()

        expected = (2, "", "sistereval: error: the following arguments are required: COMMAND\n")
        assert expected == (status, out, err.splitlines(keepends=True)[-1])

    def test_unknown_command(self) -> None:
        status, out, err = call("validat", "x.yaml")

        expected = (2, "", "sistereval: unknown command 'validat' (did you mean 'validate'?)\n")
        assert expected == (status, out, err.splitlines(keepends=True)[0])

    def test_unknown_option(self) -> None:
        status, out, err = call("validate", "--formt", "json", "x.yaml")

        expected = (
            2,
            "",
            "sistereval validate: unknown option '--formt' (did you mean '--format'?)\n"
            "see 'sistereval validate --help'\n",
        )
        assert expected == (status, out, err)

    def test_help_goes_to_stdout(self) -> None:
        status, out, err = call("--help")

        expected = (0, "usage: sistereval [-h] [--version] [--debug] COMMAND ...\n", "")
        assert expected == (status, out.splitlines(keepends=True)[0], err)

    def test_version(self) -> None:
        status, out, err = call("--version")  # the backend's part: tests/test_conventions.py
        head = f"sistereval {__version__} (backend: "
        assert (0, head, "") == (status, out[: len(head)], err)


class TestCommandTable:
    def test_each_command_is_declared_under_its_name(self) -> None:
        for name in COMMANDS:
            commands = argparse.ArgumentParser().add_subparsers()
            _declare(name)(commands)
            assert [name] == list(commands.choices)

    def test_help_lists_every_command(self) -> None:
        _, out, _ = call("--help")

        listed = [
            line.split()[0]
            for line in out.split("COMMAND\n")[-1].splitlines()
            if line[4:5].isalpha()
        ]
        assert list(COMMANDS) == listed

    def test_a_command_imports_only_its_own_module(self) -> None:
        code = (
            "import io, sys; from sistereval.cli import run; "
            "run(['schema', 'facts'], io.StringIO(), sys.stderr); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('sistereval.'))))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        modules = set(done.stdout.split())
        others = {f"sistereval.cli.{m}" for name, m in COMMANDS.items() if name != "schema"}
        others |= {"sistereval.explanation", "sistereval.batch", "sistereval.report"}
        others |= {"sistereval.check", "sistereval.evaluation", "sistereval.engine.durable"}
        assert set() == modules & others


class TestMain:
    def test_console_script(self) -> None:
        script = shutil.which("sistereval", path=str(Path(sys.executable).parent))
        assert script is not None

        result = subprocess.run(
            [
                script,
                "validate",
                f"{GOLDEN}/valid/minimal.yaml",
                f"{GOLDEN}/invalid/too-few-partners.yaml",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

        expected = (
            2,
            f"{GOLDEN}/valid/minimal.yaml: ok\n"
            f"{GOLDEN}/invalid/too-few-partners.yaml:6:3: too-few-partners: a partnership needs"
            " at least two partners, found 1 in partners\n",
            "",
        )
        assert expected == (result.returncode, result.stdout, result.stderr)
