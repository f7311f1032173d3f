"""Write ``docs/notebook.ipynb``, the analyst's session of ``docs/notebooks.md``, unexecuted.

``tests/test_notebook_run.py`` runs it with nbclient and checks that it is this
script's output::

    python tools/notebook.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "notebook.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "markdown",
        "# An analyst's session with sistereval\n\n"
        "Evaluate a partnership, see why, try a change, compare several cases and put "
        "the findings in a table. Run it from the repository's `docs/` folder "
        "(the cases are in `../examples/`).",
    ),
    ("code", "import sistereval\n\nsistereval.__version__[:3]"),
    ("markdown", "## One partnership\n\nThe last value of a cell is shown as a short table."),
    ("code", 'evaluation = sistereval.evaluate("../examples/bandung-namur.yaml")\nevaluation'),
    ("markdown", "## Why this verdict, and what stopped the better ones"),
    ("code", "sistereval.explain(evaluation)"),
    ("markdown", "## What if the budget had been earmarked?"),
    (
        "code",
        'changed = sistereval.whatif("../examples/bandung-namur.yaml", '
        '{"budget[0].earmarked": True})\n'
        "changed.before.verdict, changed.after.verdict",
    ),
    ("markdown", "## Several partnerships side by side"),
    (
        "code",
        "from pathlib import Path\n\n"
        'cases = sorted(Path("../examples").glob("*.yaml"))\n'
        "comparison = sistereval.compare(sistereval.evaluate_many(cases))\n"
        "comparison",
    ),
    (
        "markdown",
        "## The findings as a table\n\n"
        "`to_records()` gives flat rows, one per finding; with pandas installed, "
        "`pandas.DataFrame(evaluation.to_records())` is the data frame.",
    ),
    (
        "code",
        "rows = [row for e in comparison for row in e.to_records()]\n"
        "[(row['case_id'], row['rule']) for row in rows if row['kind'] == 'obstacle']",
    ),
    ("markdown", "## Your own rules, written in the notebook"),
    (
        "code",
        "mine = sistereval.load_rules('''\n"
        "format: sistereval/rules@1\n"
        "id: mine\n"
        "version: '1'\n"
        "title: Core without the distance rule\n"
        "description: The core rules, without distance-aggravates.\n"
        "extends: core\n"
        "disable: [distance-aggravates]\n"
        "''')\n"
        'sistereval.evaluate("../examples/bandung-namur.yaml", mine).factors["distance"]',
    ),
]


def notebook() -> nbformat.NotebookNode:
    """The unexecuted notebook."""
    book = nbformat.v4.new_notebook()
    book.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    book.metadata["language_info"] = {"name": "python"}
    for number, (kind, source) in enumerate(CELLS, start=1):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        cell["id"] = f"cell-{number:02d}"
        book.cells.append(cell)
    return book


def text() -> str:
    return nbformat.writes(notebook()) + "\n"


def main() -> int:
    TARGET.write_text(text(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
