"""The compiled engines of a process, kept so a rule set compiles once.

:func:`engine_for` gives the :class:`~sistereval.engine.durable.Engine` of a
rule set and a fact schema, compiling it on first use; the last
:data:`MAX_ENGINES` are kept.  A rule set the compiler refuses is remembered
too: every later call raises its error again at once, without compiling
(a batch of many cases on such a rule set fails each case in microseconds).
"""

from __future__ import annotations

import collections
import copy
import sys
import threading
from typing import TYPE_CHECKING

from .. import ir
from ..errors import EvaluationError
from ..schema import FactSchema

if TYPE_CHECKING:
    from .durable import Engine

__all__ = ["MAX_ENGINES", "engine_for"]

#: The most compiled engines kept at once; the least recently used beyond are
#: retired, and freed as soon as nothing else holds them.
MAX_ENGINES = 16
_engines: collections.OrderedDict[tuple[str, int], Engine] = collections.OrderedDict()
_retired: list[Engine] = []
#: The errors of the last rule sets the compiler refused, with their schema (kept so
#: the schema's ``id`` in the key stays its own).
_failures: collections.OrderedDict[tuple[str, int], tuple[EvaluationError, FactSchema]] = (
    collections.OrderedDict()
)
_engines_lock = threading.Lock()


def engine_for(ruleset: ir.RuleSet, schema: FactSchema) -> Engine:
    """The compiled engine of a rule set: the last :data:`MAX_ENGINES` are kept.

    An engine pushed out is retired, not closed, because a caller (another
    thread) may still hold it; it is closed by a later call once the retired
    list holds the only reference, which no caller can then regain.  (A kept
    engine holds its schema, so the schema's ``id`` in the key stays its own.)
    """
    from .durable import Engine  # imported when first needed: it loads durable_rules

    key = (ruleset.sha256, id(schema))
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            failure = _failures.get(key)
            if failure is not None:  # a fresh copy: no traceback of an earlier raise
                raise copy.copy(failure[0]).with_traceback(None)
            try:
                engine = Engine(ruleset, schema)
            except EvaluationError as error:
                _failures[key] = (copy.copy(error), schema)
                while len(_failures) > MAX_ENGINES:
                    _failures.popitem(last=False)
                raise
            _engines[key] = engine
            while len(_engines) > MAX_ENGINES:
                _retired.append(_engines.popitem(last=False)[1])
        else:
            _engines.move_to_end(key)
        _free_retired()
        return engine


def _free_retired() -> None:
    """Close the retired engines nobody holds (under ``_engines_lock``)."""
    kept = []
    while _retired:
        engine = _retired.pop()
        # references: the local name and getrefcount's own argument
        if sys.getrefcount(engine) <= 2:
            engine.close()
        else:
            kept.append(engine)
    _retired.extend(kept)
