"""Lazy re-exports: a package's public names, each imported from its module on first use.

A package whose ``__init__`` re-exports its API this way stays cheap to import:
``import sistereval`` and ``sistereval evaluate`` load only what they use.

>>> __getattr__, __dir__ = exports("sistereval", {"evaluate": "evaluation"})

A module may be written ``module:name`` to export a name under another one
(``{"whatif": "explanation:what_if"}``), and ``module:`` to export the module itself
(``{"check": "check:"}``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package`` (PEP 562) that
    import each of ``names`` from its module (relative to ``package``; ``module:attr``
    for an attribute of another name) when first asked for, and keep it in the
    package's namespace."""
    module = importlib.import_module(package)

    def getattr_(name: str) -> Any:
        where = names.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        where, colon, attribute = where.partition(":")
        found = importlib.import_module(f".{where}", package)
        value = found if colon and not attribute else getattr(found, attribute or name)
        setattr(module, name, value)
        return value

    def dir_() -> list[str]:
        return sorted({*vars(module), *names})

    return getattr_, dir_
