"""Did-you-mean suggestions for misspelt names, keys and values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean", "one_of", "suggest_value"]


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word``, if any is close enough."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[matches[0]] if matches else None
    return matches[0]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` or None."""
    match = closest(word, candidates)
    return f"did you mean {match!r}?" if match is not None else None


def one_of(values: Iterable[str]) -> str:
    """``"one of 'a', 'b', 'c'"``."""
    return "one of " + ", ".join(repr(v) for v in values)


def suggest_value(word: str, values: Iterable[str]) -> str:
    """The did-you-mean if a value is close, else the list of allowed values."""
    values = tuple(values)
    return did_you_mean(word, values) or one_of(values)
