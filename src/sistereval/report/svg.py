"""The SVG both charts share: the element with its accessible title and description,
escaped text, and coordinates and colours written the same way every time."""

from __future__ import annotations

from html import escape

__all__ = ["COLOURS", "coordinate", "document", "text"]

#: Bar and marker colours (the browser test looks for them in a screenshot).
COLOURS = {
    "strength": "#2e7d32",
    "weakness": "#c62828",
    "obstacle": "#ef6c00",
    "milestone": "#1565c0",
    "leadership": "#6a1b9a",
    "axis": "#424242",
    "grid": "#d0d0d0",
}


def coordinate(value: float) -> str:
    """A coordinate with at most one decimal, never ``-0``: deterministic output."""
    rounded = round(value, 1)
    return f"{rounded:.1f}".rstrip("0").rstrip(".") if rounded else "0"


def text(x: float, y: float, content: str, *, anchor: str = "start", extra: str = "") -> str:
    """A ``<text>`` element; ``content`` is escaped."""
    attributes = f' x="{coordinate(x)}" y="{coordinate(y)}"'
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    if extra:
        attributes += f" {extra}"
    return f"<text{attributes}>{escape(content)}</text>"


def document(
    element_id: str, width: float, height: float, title: str, desc: str, body: list[str]
) -> str:
    """An ``<svg>`` with ``role="img"`` and its ``<title>``/``<desc>``, sized by its viewBox."""
    size = f"{coordinate(width)} {coordinate(height)}"
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" role="img" '
            f'viewBox="0 0 {size}" width="{coordinate(width)}" height="{coordinate(height)}" '
            f'aria-labelledby="{element_id}_title {element_id}_desc" '
            'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
            f'<title id="{element_id}_title">{escape(title)}</title>',
            f'<desc id="{element_id}_desc">{escape(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )
