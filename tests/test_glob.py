"""``sistereval.engine.glob.Glob``: globs matched without catastrophic backtracking."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sistereval.engine.glob import Glob


def backtracking(pattern: str) -> re.Pattern[str]:
    """The regular expression a glob used to become (exponential on some inputs)."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


class TestFullmatch:
    @pytest.mark.parametrize(
        ("pattern", "text", "expected"),
        [
            ("", "", True),
            ("", "a", False),
            ("*", "", True),
            ("*", "anything\nat all", True),
            ("?", "", False),
            ("?", "é", True),
            ("Kota *", "Kota Bandung", True),
            ("*Bandung", "Kota Bandung", True),
            ("Bandung", "Kota Bandung", False),
            ("*aa", "aaa", True),
            ("a*a", "a", False),
            ("a*a", "aa", True),
            ("*a*b*", "xxaxxbxx", True),
            ("*a*b*", "xxbxxaxx", False),
            ("a?c*", "abc", True),
            ("**", "", True),
            ("[a]", "[a]", True),
            (".*", "x", False),
        ],
    )
    def test_examples(self, pattern: str, text: str, expected: bool) -> None:
        assert expected == Glob(pattern).fullmatch(text)

    @given(st.text("ab*?\n", max_size=8), st.text("ab\n", max_size=12))
    def test_agrees_with_the_regular_expression(self, pattern: str, text: str) -> None:
        expected = backtracking(pattern).fullmatch(text) is not None
        assert expected == Glob(pattern).fullmatch(text)

    def test_many_stars_against_a_long_text(self) -> None:
        # The regular expression takes minutes on 60 characters; this must return at once.
        pattern = "*a" * 12 + "*b"
        assert (False, True) == (
            Glob(pattern).fullmatch("a" * 100_000),
            Glob(pattern).fullmatch("a" * 100_000 + "b"),
        )
