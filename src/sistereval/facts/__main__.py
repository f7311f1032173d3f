"""``python -m sistereval.facts > docs/facts.md`` regenerates the facts reference."""

from __future__ import annotations

from . import schema_markdown

print(schema_markdown(), end="")
