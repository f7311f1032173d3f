"""The command line: ``sistereval COMMAND ...``, one module per command.

Nothing outside this folder imports it: every command parses its arguments and
prints its results here, and calls the library with typed arguments.
"""

from __future__ import annotations

from .main import main, run

__all__ = ["main", "run"]
