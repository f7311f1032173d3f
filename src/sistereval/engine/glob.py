"""Glob matching (``matches``, ``imatches``) that cannot backtrack catastrophically.

A glob turned into a regular expression (``*a*a*b`` as ``.*a.*a.*b``) makes
Python's backtracking engine try every way of splitting the text among the
stars: with eight stars, a few hundred characters take minutes.  Here the
pattern is split at its stars into pieces of fixed length (characters and
``?``); the first piece must start the text, the last must end it, and each
piece between is placed at its leftmost occurrence after the one before.
Taking the leftmost place never loses a match (a star can absorb whatever a
later place would skip), so each piece is searched once: the time grows with
the length of the text times the length of the pattern, never exponentially.
Both the engine and the reference evaluator match with :class:`Glob`.
"""

from __future__ import annotations

import re

import attrs

__all__ = ["Glob"]


def _piece(text: str) -> re.Pattern[str]:
    return re.compile("".join("." if c == "?" else re.escape(c) for c in text), re.DOTALL)


@attrs.frozen(init=False)
class Glob:
    """A compiled glob: ``*`` any run of characters, ``?`` one character, anchored."""

    pattern: str
    _pieces: tuple[re.Pattern[str], ...]
    _lengths: tuple[int, ...]

    def __init__(self, pattern: str) -> None:
        texts = pattern.split("*")
        self.__attrs_init__(pattern, tuple(_piece(t) for t in texts), tuple(len(t) for t in texts))

    def fullmatch(self, text: str) -> bool:
        """Whether ``text`` as a whole matches the pattern."""
        pieces, lengths = self._pieces, self._lengths
        if len(pieces) == 1:
            return pieces[0].fullmatch(text) is not None
        first, last = pieces[0], pieces[-1]
        end = len(text) - lengths[-1]  # where the last piece must start
        if end < lengths[0] or not first.match(text, 0, lengths[0]):
            return False
        if not last.fullmatch(text, end):
            return False
        pos = lengths[0]
        for piece, length in zip(pieces[1:-1], lengths[1:-1], strict=True):
            if not length:
                continue
            found = piece.search(text, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True
