"""Glob matching: the backtracking regular expression against ``sistereval.engine.glob.Glob``.

Run: ``python benchmarks/globs.py``.  For patterns with more and more stars
against a text that almost matches (``a`` repeated, pattern ending in
``b``), prints the time the regular expression a glob used to become takes,
the time :class:`~sistereval.engine.glob.Glob` takes, and their ratio; then Glob
alone on a 100,000-character text (the longest string a file may hold) with
a 100-character pattern (the longest a rule may hold), none of which match:
the worst cases, where every piece is searched through the whole text.
"""

from __future__ import annotations

import re
import time

from sistereval.engine.glob import Glob


def backtracking(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def seconds(match: object, text: str) -> float:
    start = time.perf_counter()
    match(text)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    print(f"{'pattern':<22} {'text':>6} {'regex s':>9} {'Glob s':>9} {'ratio':>9}")
    for stars in (3, 5, 7):
        pattern = "*a" * stars + "*b"
        for length in (20, 40, 60):
            text = "a" * length
            slow = seconds(backtracking(pattern).fullmatch, text)
            fast = seconds(Glob(pattern).fullmatch, text)
            print(f"{pattern:<22} {length:>6} {slow:>9.4f} {fast:>9.6f} {slow / fast:>9.0f}")
            if slow > 1.0:
                break
    text = "a" * 100_000
    for pattern in ("*a" * 49 + "*b", "*" + "?" * 98 + "b*", "*" + "a" * 98 + "b*"):
        fast = seconds(Glob(pattern).fullmatch, text)
        print(
            f"Glob, a 100-character pattern ({pattern[:8]}...) on 100,000 characters: {fast:.4f} s"
        )


if __name__ == "__main__":
    main()
