"""The import graph of ``src/sistereval`` checked against ``docs/architecture.md``.

Every import counts: at the top of a module, inside a function, under
``TYPE_CHECKING``.  A module belongs to its folder's *component* (``facts`` for
``sistereval/facts/derive.py``) or, at the top level, to its own
(``messages``); the package's ``__init__`` is the component ``__init__``.  The
table between ``<!-- imports -->`` and ``<!-- /imports -->`` in
``docs/architecture.md`` says which components each component may import.

``python tests/import_graph.py [SRC]`` prints the problems (none: exit 0) and
the modules per folder.
"""

from __future__ import annotations

import ast
import collections
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PACKAGE = "sistereval"
#: The only module that may import durable_rules.
DURABLE_DOOR = "sistereval.engine.durable"


def modules(src: Path) -> dict[str, Path]:
    """Every module of the package under ``src``, by dotted name."""
    out = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def component(module: str) -> str:
    """``sistereval.facts.derive`` -> ``facts``; ``sistereval`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(module: str, path: Path, known: Mapping[str, Path]) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` for every import of ``module`` (a name imported
    from a package is the package, unless it is one of its submodules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno


def allowed(doc: Path = DOC) -> dict[str, set[str]]:
    """The table of ``docs/architecture.md``: component -> the components it may import."""
    text = doc.read_text(encoding="utf-8")
    table = text.split("<!-- imports -->", 1)[1].split("<!-- /imports -->", 1)[0]
    out: dict[str, set[str]] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        may = set(re.findall(r"`([\w.]+)`", cells[1]))
        for name in re.findall(r"`([\w.]+)`", cells[0]):
            if name in out:
                raise ValueError(f"{doc}: {name} is in the table twice")
            out[name] = may
    return out


def _cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def problems(src: Path = ROOT / "src", doc: Path = DOC) -> list[str]:
    """Every way the package under ``src`` departs from the table in ``doc``."""
    known = modules(src)
    rules = allowed(doc)
    out = []
    graph: dict[str, set[str]] = collections.defaultdict(set)
    components = {component(m) for m in known}
    out.extend(
        f"{name}: not in the table of {doc.name}" for name in sorted(components - set(rules))
    )
    out.extend(f"{name}: in the table, not in src" for name in sorted(set(rules) - components))
    for module, path in known.items():
        here = component(module)
        where = path.relative_to(src)
        for target, line in imports(module, path, known):
            if target.split(".")[0] == "durable" and module != DURABLE_DOOR:
                out.append(f"{where}:{line}: imports durable_rules (only {DURABLE_DOOR} may)")
            if target not in known:
                continue
            if target != module:
                graph[module].add(target)
            there = component(target)
            if there != here and there not in rules.get(here, set()):
                why = f"{here} may not import {there}"
                out.append(f"{where}:{line}: {module} imports {target} ({why})")
    out.extend(f"import cycle: {' -> '.join(group)}" for group in _cycles(graph))
    return out


def census(src: Path = ROOT / "src") -> list[tuple[str, int, str, int]]:
    """Per folder: the number of modules, and its largest module with its lines."""
    by_folder: dict[str, list[Path]] = collections.defaultdict(list)
    for path in modules(src).values():
        by_folder[str(path.parent.relative_to(src))].append(path)
    out = []
    for folder, paths in sorted(by_folder.items()):
        sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
        largest = max(sizes, key=lambda p: sizes[p])
        out.append((folder, len(paths), largest.name, sizes[largest]))
    return out


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else ROOT / "src"
    found = problems(src)
    print("\n".join(found) or "no problems")
    for folder, count, largest, lines in census(src):
        print(f"{folder}: {count} modules, largest {largest} ({lines} lines)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
