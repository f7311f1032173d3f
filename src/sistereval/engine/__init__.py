"""Running rules: the durable_rules backend and the reference evaluator.

One module per job.  ``durable`` is the only module of sistereval that imports
durable_rules: its :class:`~sistereval.engine.durable.Engine` compiles a rule
set once (``compile``: the IR to durable rules, and the plan of the facts to
assert for them) and evaluates cases with it (``records``: a case's values as
the properties of those facts; ``values``: how strings, numbers and dates are
written for durable).  ``reference`` is the rule IR's semantics in plain
Python, the oracle the differential tests compare the engine with and the
clause-by-clause evaluator behind explanations; the engine's modules never
import it.  ``wellformed`` holds the checks both evaluators make of a rule set
and of facts, ``glob`` the pattern matcher both use; ``cache`` keeps the
compiled engines of a process.

``Engine`` is loaded on first use, so importing this package does not load
durable_rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .durable import Engine

__all__ = ["Engine"]


def __getattr__(name: str) -> Any:
    if name != "Engine":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = importlib.import_module(".durable", __name__).Engine
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), "Engine"])
