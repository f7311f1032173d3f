"""Text made safe for where sistereval writes it: a terminal, JSON, a Markdown link,
a spreadsheet cell, an HTML page (see ``docs/security.md``).

Case files and rule files come from other people, and what sistereval writes is
read on terminals, opened in spreadsheets and published on websites.  Each
function here makes user-supplied text harmless for one such place:

- :func:`terminal_text`: no escape sequence (CSI, OSC, DCS, ...), no control
  character but tab and newline, no bidi control or zero-width character;
  :class:`TerminalStream` applies it to everything a command writes
  (:func:`json_text` instead when the output is JSON, which keeps the data);
- :func:`plain_text`: the escape sequences and control characters removed, the
  bidi and zero-width characters kept (for renderers that show them with
  :func:`visible_text`);
- :func:`link_url`: whether a URL may become a link;
- :func:`csv_cell`: a cell no spreadsheet reads as a formula;
- :func:`html_text` and :func:`markdown_text`: text shown as written in HTML or
  Markdown (what the notebook displays of an evaluation use).
"""

from __future__ import annotations

import html
import io
import os
import re
from typing import IO, Final

__all__ = [
    "TerminalStream",
    "colour_wanted",
    "csv_cell",
    "html_text",
    "json_text",
    "link_url",
    "markdown_text",
    "plain_text",
    "progress_wanted",
    "raw_stream",
    "terminal_text",
    "visible_text",
    "write_coloured",
]

#: Escape sequences, whole: CSI (ESC ``[`` or C1 ``\x9b``, parameters, final byte); the
#: string sequences OSC, DCS, SOS, PM and APC up to their terminator (BEL or ST) or the
#: end of the line; any other ESC sequence (intermediates, final byte).
_SEQUENCE: Final = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
#: Control characters (C0 but tab and newline, DEL, C1).
_CONTROL: Final = "\x00-\x08\x0b-\x1f\x7f-\x9f"
#: Bidi controls (embeddings, overrides, isolates, marks) and zero-width characters.
_INVISIBLE: Final = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
#: Characters no text can carry anywhere: surrogates (not encodable) and noncharacters.
_UNSHOWABLE: Final = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
_CONTROLS: Final = re.compile(f"[{_CONTROL}]")
_INVISIBLES: Final = re.compile(f"[{_INVISIBLE}]")
#: What JSON text may not carry raw (JSON escapes C0 itself; ``\n`` and ``\t`` stay,
#: they only occur between values).
_JSON_UNSAFE: Final = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")
#: Colour and style (SGR) sequences, the only ones a coloured renderer may write.
_SGR: Final = re.compile(r"\x1b\[[0-9;:]*m")

#: A URL that may become a link: http or https, a host name (or an IPv6 address), an
#: optional port, and a path, query and fragment of URL characters only: no space,
#: quote, angle bracket, backslash, backtick or control character, nothing outside ASCII.
_LINK: Final = re.compile(
    r"https?://"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"|\[[0-9A-Fa-f:.]+\])"
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][A-Za-z0-9\-._~!$&()*+,;=:@/?#%]*)?",
    re.ASCII,
)
#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def plain_text(text: str) -> str:
    """``text`` without escape sequences and control characters (tab and newline
    stay), surrogates and noncharacters replaced by U+FFFD; bidi and zero-width
    characters are kept."""
    text = _SEQUENCE.sub("", text)
    return _UNSHOWABLE.sub("\ufffd", _CONTROLS.sub("", text))


def terminal_text(text: str) -> str:
    """``text`` safe to print on a terminal: :func:`plain_text` without bidi controls
    (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and zero-width characters
    (U+200B-U+200D, U+2060, U+FEFF) either."""
    return _INVISIBLES.sub("", plain_text(text))


def json_text(text: str) -> str:
    """JSON text (as :func:`json.dumps` writes it) with every character a terminal
    would act on written as a ``\\uXXXX`` escape: the same data, nothing live."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def visible_text(text: str) -> str:
    """``text`` with each bidi control and zero-width character shown as its code
    point, ``{U+202E}``, so that it can neither reorder nor hide text.  The braces
    are markup neither in HTML nor in Markdown, so a whole rendered document can be
    passed through."""
    return _INVISIBLES.sub(lambda m: f"{{U+{ord(m.group()):04X}}}", text)


def link_url(url: str) -> bool:
    """Whether ``url`` is a plain http(s) URL that may be written as a link."""
    return _LINK.fullmatch(url) is not None


def csv_cell(text: str) -> str:
    """``text`` for a CSV cell: :func:`terminal_text`, then a single quote before a
    first character that starts a formula (``= + - @``, tab, carriage return)."""
    text = terminal_text(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


#: The characters Markdown reads as markup, each written with a backslash.
_MARKDOWN: Final = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|#"})


def html_text(text: object) -> str:
    """``text`` for HTML: :func:`plain_text`, with ``& < > " '`` escaped; bidi and
    zero-width characters are shown by :func:`visible_text` over the whole page."""
    return html.escape(plain_text(str(text)))


def markdown_text(text: str) -> str:
    """``text`` for Markdown, shown as written: its whitespace runs one space, and a
    backslash before every character Markdown reads as markup."""
    return " ".join(text.split()).translate(_MARKDOWN)


class TerminalStream(io.TextIOBase):
    """A text stream that writes :func:`terminal_text` (or :func:`json_text`, with
    ``json=True``) of everything written to it onto ``stream``."""

    def __init__(self, stream: IO[str], *, json: bool = False) -> None:
        super().__init__()
        self.raw = stream
        self._clean = json_text if json else terminal_text

    def write(self, text: str) -> int:
        self.raw.write(self._clean(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"


def raw_stream(stream: IO[str]) -> IO[str]:
    """The stream under a :class:`TerminalStream`, for a renderer that draws with
    escape sequences of its own and no user text (a progress bar)."""
    return stream.raw if isinstance(stream, TerminalStream) else stream


def progress_wanted(stream: IO[str]) -> bool:
    """Whether a live display (a progress bar, which moves the cursor) may be drawn on
    ``stream``: a terminal that is not ``TERM=dumb``.  Nothing else gets an escape."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def colour_wanted(stream: IO[str]) -> bool:
    """Whether output to ``stream`` may be coloured: :func:`progress_wanted`, and
    ``NO_COLOR`` unset or empty (https://no-color.org)."""
    return progress_wanted(stream) and not os.environ.get("NO_COLOR")


def write_coloured(stream: IO[str], text: str) -> None:
    """Write ``text``, drawn in colour, to ``stream``: its colour and style sequences
    (SGR) kept, and everything else :func:`terminal_text` would remove removed."""
    parts = _SGR.split(text)
    styles = _SGR.findall(text)
    cleaned = [terminal_text(part) for part in parts]
    out = cleaned[0] + "".join(s + p for s, p in zip(styles, cleaned[1:], strict=True))
    raw_stream(stream).write(out)
