"""The package keeps the architecture ``docs/architecture.md`` describes.

The import graph of ``src/sistereval`` follows the table of that document, has
no cycle, and only ``engine/durable.py`` imports durable_rules; the checks are
shown to fail on a copy of the source with a planted defect.  The shipped rule
sets and examples are real files in the package, the same as the checkout's.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

import import_graph

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


class TestImportGraph:
    def test_the_package_follows_the_table(self) -> None:
        expected: list[str] = []
        assert expected == import_graph.problems()

    def test_every_module_is_counted(self) -> None:
        counted = sum(count for _, count, _, _ in import_graph.census())
        assert len(list((SRC / "sistereval").rglob("*.py"))) == counted


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of ``src`` to plant defects in."""
    shutil.copytree(SRC / "sistereval", tmp_path / "sistereval")
    return tmp_path


def plant(src: Path, module: str, line: str) -> int:
    """Append ``line`` to ``module`` (a path under sistereval/); return its line number."""
    path = src / "sistereval" / module
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text}{line}\n", encoding="utf-8")
    return len(text.splitlines()) + 1


class TestPlantedDefects:
    def test_an_upward_import_is_found(self, planted: Path) -> None:
        line = plant(planted, "facts/measures.py", "from ..report import render_text")

        found = import_graph.problems(planted)
        expected = (
            f"sistereval/facts/measures.py:{line}: sistereval.facts.measures imports "
            "sistereval.report (facts may not import report)"
        )
        assert expected == found[0]
        assert found[1].startswith("import cycle: sistereval.cases")  # report reads facts

    def test_an_import_inside_a_function_counts(self, planted: Path) -> None:
        line = plant(planted, "model.py", "def _late() -> None:\n    from . import evaluation")

        expected = (
            f"sistereval/model.py:{line + 1}: sistereval.model imports "
            "sistereval.evaluation (model may not import evaluation)"
        )
        assert expected == import_graph.problems(planted)[0]

    def test_the_command_line_is_imported_by_nobody(self, planted: Path) -> None:
        plant(planted, "batch.py", "from .cli import common")

        found = import_graph.problems(planted)
        assert any("(batch may not import cli)" in problem for problem in found)

    def test_a_cycle_inside_a_folder_is_found(self, planted: Path) -> None:
        plant(planted, "language/lexer.py", "from .parser import parse")

        found = import_graph.problems(planted)
        assert [p for p in found if p.startswith("import cycle:")] == [
            "import cycle: sistereval.language.lexer -> sistereval.language.parser"
        ]

    def test_durable_rules_outside_the_engine_is_found(self, planted: Path) -> None:
        line = plant(planted, "evaluation.py", "import durable.engine")

        expected = [
            f"sistereval/evaluation.py:{line}: imports durable_rules "
            "(only sistereval.engine.durable may)"
        ]
        assert expected == import_graph.problems(planted)

    def test_a_component_the_table_does_not_name_is_found(self, planted: Path) -> None:
        (planted / "sistereval" / "extra.py").write_text('"""A new module."""\n')

        expected = ["extra: not in the table of architecture.md"]
        assert expected == import_graph.problems(planted)


class TestPackageData:
    @pytest.mark.parametrize("folder", ["rules", "examples"])
    def test_the_package_holds_real_copies_of_the_checkouts_files(self, folder: str) -> None:
        packaged = SRC / "sistereval" / folder
        assert not packaged.is_symlink()
        assert packaged.is_dir()

        def files(top: Path) -> list[str]:
            return sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())

        names = files(ROOT / folder)
        assert names == files(packaged)
        match, mismatch, errors = filecmp.cmpfiles(ROOT / folder, packaged, names, shallow=False)
        assert (names, [], []) == (sorted(match), mismatch, errors)
