"""Tests for :mod:`sistereval.outfile` and the ``--out`` of ``batch`` and ``report``: an
output that would destroy an input or cannot be written is refused before any work;
writes are atomic, keep modes and go through symbolic links (issue 18)."""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sistereval.cli import run
from sistereval.errors import UsageError
from sistereval.outfile import atomic_write, check_output

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bandung-namur.yaml"
ROOTED = hasattr(os, "geteuid") and os.geteuid() == 0


def call(*argv: str | Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run([str(a) for a in argv], stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def umask() -> Iterator[int]:
    old = os.umask(0o022)
    try:
        yield 0o022
    finally:
        os.umask(old)


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    return folder


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


class TestRefused:
    """Each refusal: exit 2, a message naming the problem, no evaluation, inputs intact."""

    def _refused(self, argv: tuple[str | Path, ...], expected: str, *keep: Path) -> None:
        before = [p.read_bytes() for p in keep]

        status, out, err = call(*argv)

        assert (2, "") == (status, out)
        assert expected in err
        assert "Traceback" not in err
        assert before == [p.read_bytes() for p in keep]

    def test_batch_onto_its_jsonl_input(self, jsonl: Path) -> None:
        expected = f"--out {jsonl}: is the input {jsonl}; writing it would destroy it"
        self._refused(("batch", jsonl, "--out", jsonl), expected, jsonl)

    def test_batch_onto_its_csv_input(self, tmp_path: Path) -> None:
        register = tmp_path / "register.csv"
        register.write_bytes((ROOT / "examples" / "register.csv").read_bytes())
        argv = ("batch", register, "--out", register, "--format", "csv")
        self._refused(argv, "is the input", register)

    def test_batch_onto_its_input_through_a_link(self, jsonl: Path, tmp_path: Path) -> None:
        link = tmp_path / "link.jsonl"
        link.symlink_to(jsonl)
        self._refused(("batch", jsonl, "--out", link), "is the input", jsonl)

    def test_batch_onto_its_rule_file(self, cases: Path, tmp_path: Path) -> None:
        rules = tmp_path / "rules.yaml"
        rules.write_text("format: sistereval/rules@1\n", encoding="utf-8")
        argv = ("batch", cases, "--out", rules, "--rules", rules)
        self._refused(argv, "is the input", rules)

    @pytest.mark.parametrize("name", ["out.json", "out.YAML", "out.yml"])
    def test_batch_into_its_input_directory(self, cases: Path, name: str) -> None:
        argv = ("batch", cases, "--out", cases / name)
        self._refused(argv, "is a case file of the input directory")
        assert not (cases / name).exists()

    def test_batch_output_beside_the_cases_with_another_suffix(self, cases: Path) -> None:
        status, _, err = call("batch", cases, "--out", cases / "out.jsonl")

        assert (0, "") == (status, err)

    def test_batch_onto_a_directory(self, cases: Path, tmp_path: Path) -> None:
        self._refused(("batch", cases, "--out", tmp_path), "is a directory")

    def test_batch_into_a_missing_directory(self, cases: Path, tmp_path: Path) -> None:
        target = tmp_path / "missing" / "out.jsonl"
        expected = f"--out {target}: the directory {target.parent} does not exist"
        self._refused(("batch", cases, "--out", target), expected)

    @pytest.mark.skipif(ROOTED, reason="root may write into a read-only directory")
    def test_batch_into_a_read_only_directory(self, cases: Path, tmp_path: Path) -> None:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            self._refused(("batch", cases, "--out", folder / "o.jsonl"), "is not writable")
        finally:
            folder.chmod(0o755)

    def test_batch_into_a_directory_access_denies(
        self, cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:  # the same refusal where the tests run as root
        monkeypatch.setattr(os, "access", lambda *_args, **_kw: False)
        expected = f"the directory {tmp_path} is not writable"
        self._refused(("batch", cases, "--out", tmp_path / "o.jsonl"), expected)

    def test_report_onto_its_case(self, tmp_path: Path) -> None:
        case = tmp_path / "case.yaml"
        case.write_bytes(EXAMPLE.read_bytes())
        argv = ("report", case, "--out", case, "--no-counterfactual")
        self._refused(argv, f"--out {case}: is the input {case}", case)

    def test_report_onto_a_directory(self, tmp_path: Path) -> None:
        self._refused(("report", EXAMPLE, "--out", tmp_path), "is a directory")

    def test_nul_character(self, cases: Path) -> None:
        self._refused(("batch", cases, "--out", "a\0b"), "cannot contain a NUL character")


class TestWritten:
    def test_new_file_gets_the_umask_mode(self, cases: Path, tmp_path: Path, umask: int) -> None:
        out = tmp_path / "out.jsonl"

        call("batch", cases, "--out", out)

        assert 0o666 & ~umask == _mode(out)

    @pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
    def test_existing_file_keeps_its_mode(self, cases: Path, tmp_path: Path, mode: int) -> None:
        out = tmp_path / "out.csv"
        out.write_text("old\n", encoding="utf-8")
        out.chmod(mode)

        call("batch", cases, "--out", out, "--format", "csv")

        assert mode == _mode(out)
        assert out.read_text(encoding="utf-8").startswith("input,")

    def test_symbolic_link_is_written_through(self, cases: Path, tmp_path: Path) -> None:
        target = tmp_path / "real.jsonl"
        target.write_text("", encoding="utf-8")
        link = tmp_path / "link.jsonl"
        link.symlink_to(target)

        status, _, _ = call("batch", cases, "--out", link)

        assert 0 == status
        assert link.is_symlink()
        assert '"verdict": "failure"' in target.read_text(encoding="utf-8")
        assert [] == _leftovers(tmp_path)

    def test_report_keeps_mode_and_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        out = tmp_path / "report.md"
        out.write_text("old\n", encoding="utf-8")
        out.chmod(0o640)

        status, _, _ = call(
            "report", EXAMPLE, "--format", "markdown", "--out", out, "--no-counterfactual"
        )

        assert 0 == status
        assert 0o640 == _mode(out)
        assert out.read_text(encoding="utf-8").startswith("# ")
        assert [] == _leftovers(tmp_path)


class TestAtomicWrite:
    def test_failure_keeps_the_old_file(self, tmp_path: Path) -> None:
        out = tmp_path / "out.txt"
        out.write_text("old\n", encoding="utf-8")

        def write() -> None:
            with atomic_write(out) as stream:
                stream.write("new\n")
                raise KeyError("stop")

        with pytest.raises(KeyError):
            write()

        assert "old\n" == out.read_text(encoding="utf-8")
        assert [] == _leftovers(tmp_path)

    def test_missing_folder_is_a_usage_error(self, tmp_path: Path) -> None:
        with (
            pytest.raises(UsageError, match="cannot write there"),
            atomic_write(tmp_path / "missing" / "out.txt"),
        ):
            pass


class TestCheckOutput:
    def test_returns_the_resolved_target(self, tmp_path: Path) -> None:
        target = tmp_path / "real.txt"
        link = tmp_path / "link.txt"
        link.symlink_to(target)

        assert Path(os.path.realpath(target)) == check_output(link)

    def test_wrong_type(self) -> None:
        with pytest.raises(TypeError, match=r"--out must be a str or an os\.PathLike, not int"):
            check_output(3)  # type: ignore[arg-type]
