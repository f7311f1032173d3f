"""Where each character of a YAML scalar's value stands in the file.

A rule condition or a message template is located by its characters: an
error in ``when: "a and \\"x\\""`` must point at the column in the file, not
at an offset in the decoded text.  Plain and quoted scalars on one line are
mapped exactly (escapes and doubled quotes included); block and multi-line
scalars are aligned character by character, skipping the indentation and
the line folding YAML removed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

__all__ = ["SourceMap", "scalar_locator"]

_WINDOW = 200  # how far to look for a character YAML wrote differently (escapes, indentation)


class SourceMap:
    """The line starts of one file, computed once for all its scalars."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = [0]
        position = source.find("\n")
        while position >= 0:
            self.starts.append(position + 1)
            position = source.find("\n", position + 1)

    def locator(self, line: int, column: int, value: str) -> Callable[[int], tuple[int, int]]:
        """A function from offsets in ``value`` to 1-based (line, column) in the file.

        ``line``/``column`` are where the scalar node starts (its quote or
        block indicator, if any).
        """
        source, starts = self.source, self.starts
        if not 1 <= line <= len(starts):
            return lambda offset: (line, column + offset)
        origin = starts[line - 1] + column - 1
        head = source[origin : origin + 1]
        pos = origin
        if head in ("'", '"'):
            pos = origin + 1
        elif head in ("|", ">"):
            newline = source.find("\n", origin)
            pos = len(source) if newline < 0 else newline + 1
        positions = _align(source, pos, value)

        def locate(offset: int) -> tuple[int, int]:
            absolute = positions[min(max(offset, 0), len(positions) - 1)]
            index = bisect.bisect_right(starts, absolute) - 1
            return index + 1, absolute - starts[index] + 1

        return locate


def scalar_locator(
    source: str, line: int, column: int, value: str
) -> Callable[[int], tuple[int, int]]:
    """:meth:`SourceMap.locator` for a single scalar."""
    return SourceMap(source).locator(line, column, value)


def _align(source: str, pos: int, value: str) -> list[int]:
    """For each character of ``value`` (and its end) an offset in ``source``."""
    positions: list[int] = []
    for char in value:
        found = _find(source, pos, char)
        if found is None:
            positions.append(pos)
            continue
        positions.append(found)
        pos = found + 1
    positions.append(pos)
    return positions


def _find(source: str, pos: int, char: str) -> int | None:
    folded = char in " \n"
    for probe in range(pos, min(len(source), pos + _WINDOW)):
        here = source[probe]
        if here == char or (folded and here == "\n"):
            return probe
    return None
