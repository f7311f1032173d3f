"""The example notebook, ``docs/notebook.ipynb``, runs end to end (nbclient) and its
evaluation cell shows the HTML display.  Skipped only when no Jupyter kernel can
start here, and never when ``CI`` is set."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"

spec = importlib.util.spec_from_file_location("make_notebook", ROOT / "tools" / "notebook.py")
assert spec is not None
assert spec.loader is not None
make_notebook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_notebook)


def test_the_notebook_is_the_generators_output_unexecuted() -> None:
    assert make_notebook.text() == NOTEBOOK.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    book = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        book,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    kernel = client.setup_kernel()
    try:
        kernel.__enter__()
    except (NoSuchKernel, RuntimeError, TimeoutError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Jupyter kernel can start here: {type(exc).__name__}: {exc}")
    try:
        for index, cell in enumerate(book.cells):
            client.execute_cell(cell, index)
    finally:
        kernel.__exit__(None, None, None)
    return book


def _outputs(book: nbformat.NotebookNode, source_start: str) -> list[dict[str, object]]:
    [cell] = [c for c in book.cells if c.cell_type == "code" and c.source.startswith(source_start)]
    return list(cell.outputs)


class TestExecuted:
    def test_no_cell_fails(self, executed: nbformat.NotebookNode) -> None:
        errors = [
            o
            for c in executed.cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.output_type == "error"
        ]
        assert [] == errors
        assert all(c.outputs for c in executed.cells if c.cell_type == "code")

    def test_the_evaluation_shows_its_html(self, executed: nbformat.NotebookNode) -> None:
        [output] = _outputs(executed, "evaluation = sistereval.evaluate(")
        data = output["data"]
        assert isinstance(data, dict)
        assert data["text/html"].startswith('<div class="sistereval-evaluation">')
        assert "<strong>failure</strong>" in data["text/html"]
        assert "<code>few-fields-implemented</code>" in data["text/html"]
        assert "| `few-fields-implemented` |" in data["text/markdown"]
        assert data["text/plain"].startswith("<Evaluation 'bandung-namur': failure")

    def test_the_explanation_and_the_comparison(self, executed: nbformat.NotebookNode) -> None:
        [explanation] = _outputs(executed, "sistereval.explain(evaluation)")
        assert "rules for a better verdict" in explanation["data"]["text/html"]  # type: ignore[index]
        [comparison] = _outputs(executed, "from pathlib import Path")
        html = comparison["data"]["text/html"]  # type: ignore[index]
        assert 4 == html.count("<tr>")
        assert "surabaya-kitakyushu" in html

    def test_own_rules_from_text(self, executed: nbformat.NotebookNode) -> None:
        [output] = _outputs(executed, "mine = sistereval.load_rules(")
        assert "0.0" == output["data"]["text/plain"]  # type: ignore[index]
