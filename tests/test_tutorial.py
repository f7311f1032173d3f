"""The tutorials in docs/ are run as doctests, so what a class reads is what the program does."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "docs").glob("tutorial*.md"))


def test_there_is_a_tutorial_in_each_language() -> None:
    assert ["tutorial.id.md", "tutorial.md"] == [path.name for path in TUTORIALS]


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda path: path.name)
def test_tutorial_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(path),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert 0 == result.failed, f"{result.failed} of {result.attempted} examples failed"
    assert result.attempted > 20
