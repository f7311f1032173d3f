"""The tokenizer of rule conditions (``docs/rule-language.md``, "Grammar").

Tokens carry their character offsets in the condition text; the parser turns
offsets into file lines and columns.  Nothing here evaluates anything.
"""

from __future__ import annotations

import math
import re

import attrs

from ..schema import MAX_NUMBER

__all__ = ["KEYWORDS", "LexError", "Token", "describe", "tokenize"]

KEYWORDS = frozenset({"and", "or", "not", "in", "matches", "imatches", "true", "false"})

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",")
_ESCAPES = {"\\": "\\", '"': '"', "'": "'"}
_HINTS = {
    "&": "write 'and'",
    "|": "write 'or'",
    "!": "write 'not' or '!='",
    "=": "write '==' to compare",
    "{": "conditions have no braces; placeholders belong in 'because' messages",
}


@attrs.frozen
class Token:
    """``kind`` is ``name``, ``number``, ``string``, ``op`` or ``end``."""

    kind: str
    text: str  # as written
    value: str | int | float
    start: int  # offset of the first character
    end: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "name" and self.text in words

    def is_op(self, *ops: str) -> bool:
        return self.kind == "op" and self.text in ops


class LexError(Exception):
    """A character sequence that is no token; ``offset`` is where it starts."""

    def __init__(self, offset: int, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.suggestion = suggestion


def describe(token: Token) -> str:
    """How an error message names a token."""
    if token.kind == "end":
        return "the end of the condition"
    return repr(token.text)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with one ``end`` token."""
    tokens: list[Token] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            tokens.append(Token("end", "", "", pos, pos))
            return tokens
        token = _token_at(text, pos)
        tokens.append(token)
        pos = token.end


def _token_at(text: str, pos: int) -> Token:
    char = text[pos]
    if char in "\"'":
        return _string(text, pos)
    match = _NUMBER.match(text, pos)
    if match:
        return _number(text, match)
    match = _NAME.match(text, pos)
    if match:
        end = match.end()
        if end < len(text) and text[end] == ".":
            raise LexError(end + 1, "expected a name after '.'")
        return Token("name", match.group(), match.group(), pos, end)
    for op in _OPERATORS:
        if text.startswith(op, pos):
            return Token("op", op, op, pos, pos + len(op))
    if char == ".":
        raise LexError(pos, "unexpected character '.'", "write numbers with a leading digit: 0.5")
    raise LexError(pos, f"unexpected character {char!r}", _HINTS.get(char))


def _number(text: str, match: re.Match[str]) -> Token:
    end = match.end()
    if end < len(text) and (text[end].isalnum() or text[end] in "_."):
        raise LexError(match.start(), f"malformed number {text[match.start() : end + 1]!r}")
    written = match.group()
    value: int | float
    if any(c in written for c in ".eE"):
        value = float(written)
    elif len(written.lstrip("0")) > len(str(MAX_NUMBER)):  # int() of 5,000 digits fails
        value = MAX_NUMBER + 1
    else:
        value = int(written)
    if math.isinf(value) or abs(value) > MAX_NUMBER:
        shown = (
            f"the number {written}" if len(written) <= 24 else f"a number of {len(written)} digits"
        )
        hint = "numbers are at most 10^15 in magnitude"
        raise LexError(match.start(), f"{shown} is too large", hint)
    return Token("number", written, value, match.start(), end)


def _string(text: str, start: int) -> Token:
    quote = text[start]
    out: list[str] = []
    pos = start + 1
    while pos < len(text):
        char = text[pos]
        if char == quote:
            return Token("string", text[start : pos + 1], "".join(out), start, pos + 1)
        if char == "\\":
            nxt = text[pos + 1 : pos + 2]
            if nxt not in _ESCAPES:
                raise LexError(
                    pos, f"unknown escape '\\{nxt}'", "only \\\\, \\\" and \\' are escapes"
                )
            out.append(_ESCAPES[nxt])
            pos += 2
            continue
        out.append(char)
        pos += 1
    raise LexError(start, f"unterminated string: no closing {quote}")
