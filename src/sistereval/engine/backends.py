"""Which evaluators this process can use: the durable backend needs durable_rules,
a C extension that may be missing or fail to load (on Python 3.13 a build without
``CPPFLAGS='-DPyEval_CallObject(c,a)=PyObject_CallObject(c,a)'`` fails with
``undefined symbol: PyEval_CallObject``); the reference evaluator always works.
"""

from __future__ import annotations

import functools
import importlib
from typing import Final, Literal, TypeAlias

__all__ = ["BACKENDS", "Backend", "durable_error", "durable_version"]

#: The evaluators a rule set can run on.
Backend: TypeAlias = Literal["durable", "reference"]
#: Their names, the durable backend first (the default when it loads).
BACKENDS: Final[tuple[Backend, ...]] = ("durable", "reference")


@functools.cache
def durable_error() -> str | None:
    """Why the durable backend cannot be loaded in this process (the import error's
    text), or ``None`` when it can; found out once, by importing
    :mod:`sistereval.engine.durable`."""
    try:
        importlib.import_module(".durable", __package__)
    except ImportError as exc:
        return str(exc) or type(exc).__name__
    return None


def durable_version() -> str | None:
    """The installed version of durable_rules, or ``None`` when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("durable_rules")
    except PackageNotFoundError:
        return None
