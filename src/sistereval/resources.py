"""The files shipped inside the package: the example cases and register
(:func:`examples_path`) and the rule sets (:func:`rules_path`).

They are real files of the installed package, so a path to them works with
every function that reads a file::

    load_case(examples_path() / "bandung-namur.yaml")
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["examples_path", "rules_path"]

_PACKAGE = Path(__file__).resolve().parent


def examples_path() -> Path:
    """The folder of the shipped examples: case files (``bandung-namur.yaml``, ...)
    and the CSV register ``register.csv`` (``sistereval examples`` lists them)."""
    return _PACKAGE / "examples"


def rules_path() -> Path:
    """The folder of the shipped rule sets (``core.yaml``, ...)."""
    return _PACKAGE / "rules"
