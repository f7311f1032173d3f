"""The installed version of sistereval (``sistereval.__version__``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("sistereval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
