"""The durable_rules runtime: a compiled rule set in durable, cases evaluated with it.

This is the only module of sistereval that imports durable_rules.
:class:`Engine` compiles an :class:`~sistereval.ir.RuleSet`
(:mod:`~sistereval.engine.compile`) into one durable ruleset and evaluates
facts with it (encoded by :mod:`~sistereval.engine.records`), the facts of
each evaluation kept apart; it agrees with the reference evaluator
(:mod:`sistereval.engine.reference`) on every input, which
``tests/test_differential.py`` checks.

How it runs (``docs/engine.md`` lists the durable traps each step avoids):

* **Strata.** For each stratum: assert its item facts (including the findings
  of lower strata), then its context facts (scalars, counts, fired/derived
  flags of lower strata).  Everything a rule can see is in before its context
  fact is asserted, so negation is decided on complete information.
* **Actions.** The engine drives durable's C extension with the protocol
  ``durable.engine.Ruleset`` uses (``assert_fact``, ``start_action_for_state``,
  ``complete_and_start_action``, ``abandon_action``, ``delete_state``) rather
  than through its ``Host``/``Ruleset`` classes: their per-action closures,
  JSON state round trips and timestamps halve the throughput, they swallow
  action exceptions into the session state, mutate the dicts they are given
  and start timer threads.  An action only records its rule (in a set:
  a rule fires at most once however many alternatives are true) or its item
  (the helper rule of a quantifier); an exception there abandons the action
  and becomes an :class:`~sistereval.errors.EvaluationError` naming the rule.
* **Sessions.** Consecutive evaluations share a session until it holds
  :data:`SESSION_FACTS` facts; then it is deleted, as it is when an
  evaluation fails and when the engine is closed.  Every durable rule reads a
  single fact, so facts of different cases never meet, and the actions an
  assert starts are those of that fact's case.  Sharing saves allocating and
  freeing durable's session tables per case, which glibc's allocator makes
  slow in most processes (``docs/performance.md``).  A first ``open`` fact
  fires a no-op rule: deleting a session in which no action ever ran crashes
  the process.  A ``sink`` rule matches every fact and never fires, so no fact
  is ever "not handled".
* **Rulesets and threads.** Each engine creates its ruleset under a unique
  name (names cannot be reused) from JSON serialized by the compiler, and
  deletes it in :meth:`Engine.close`.  One process-wide lock serializes every
  call into the C library: it never releases the GIL, so a lock per engine
  would buy no parallelism, and all rulesets share its global handle table.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from types import TracebackType
from typing import Any, Final

import attrs
from durable import engine as _durable

from .. import ir
from ..errors import EvaluationError
from ..schema import FactSchema
from .compile import ZERO, Group, Slot, SlotKind, compile_ruleset
from .records import Encoded, Field, Prepared, check, encode, fields_of

__all__ = ["SESSION_FACTS", "Engine"]

_dre: Any = _durable.durable_rules_engine  # the C extension under durable.engine
_LOCK: Final = threading.Lock()
_SERIAL: Final = itertools.count(1)
# The kinds of slot _body tells apart (a module global is read faster than SlotKind.COUNT).
_COUNT: Final = SlotKind.COUNT
_ZERO: Final = SlotKind.ZERO
_FLAGS: Final = (SlotKind.FIRED, SlotKind.DERIVED)
_ZERO_PROPERTY: Final = f'"{ZERO.prop}":0.0'

_DURABLE_ERRORS: Final = {
    101: "out of memory",
    106: "too many rules",
    107: "too many missing-value tests on one node",
    108: "too many rules on one node",
    113: "too many alternatives in one rule",
    202: "string not parsed",
    204: "object not parsed",
    302: "too many properties on a fact",
    303: "too many alternatives pending on one fact",
    309: "session not found",
    501: "pattern not parsed",
    503: "pattern too complex",
}


@attrs.define
class _Session:
    """One durable session; ``fired``/``matched`` belong to the case being evaluated in it."""

    sid: str
    opened: bool = False
    facts: int = 0
    fired: set[int] = attrs.field(factory=set)
    matched: dict[int, set[int]] = attrs.field(factory=dict)


#: How many facts one durable session takes before the engine deletes it and the next
#: evaluation starts a new one.  Evaluations share a session until then: every
#: compiled rule reads a single fact, so the facts of different cases never meet, and
#: the actions an assert starts belong to that fact's case.  Sharing saves allocating
#: and freeing durable's session tables (about 0.7 MiB) per case, which glibc's
#: allocator makes slow in most processes; 0 gives every evaluation its own session.
SESSION_FACTS: Final = 320


class Engine:
    """A rule set compiled onto durable_rules; evaluate facts with :meth:`evaluate`.

    Compiling validates the rule set fully
    (:func:`~sistereval.engine.wellformed.check_ruleset` and the limits of
    :mod:`~sistereval.engine.compile`) and raises :class:`EvaluationError`
    naming the rule at fault.  Threads may share an engine (calls are serialized).
    Close it, or use it as a context manager, to free the durable ruleset.
    ``session_facts`` is how many facts a durable session takes before the next
    evaluation starts a new one (:data:`SESSION_FACTS`; 0: a session per evaluation).
    """

    def __init__(
        self, ruleset: ir.RuleSet, schema: FactSchema, *, session_facts: int = SESSION_FACTS
    ) -> None:
        self.ruleset = ruleset
        self.schema = schema
        self._session_facts = session_facts
        self._session: _Session | None = None  # the live session, if any
        compiled = self._compiled = compile_ruleset(ruleset, schema)
        self._flags: Encoded = {
            slot: f'"{slot.prop}":false' for slot in compiled.slots if slot.kind in _FLAGS
        }
        #: the flags rule r raises when it fires: its own, and the derived name it derives
        self._raises: list[tuple[tuple[Slot, str], ...]] = []
        for r, rule in enumerate(ruleset.rules):
            raised = [Slot(SlotKind.FIRED, r)]
            if isinstance(rule.then, ir.Derive):
                raised.append(Slot(SlotKind.DERIVED, compiled.derived.index(rule.then.name)))
            self._raises.append(tuple((slot, f'"{slot.prop}":true') for slot in raised))
        #: the start of the property of each count a fact carries, '"q3":'
        self._counts = {slot: f'"{slot.prop}":' for slot in compiled.slots if slot.kind is _COUNT}
        self._scalar_fields = fields_of(
            schema.scalars, SlotKind.SCALAR, compiled.slots, compiled.atoms, None
        )
        self._item_fields: dict[str, tuple[Field, ...]] = {}
        for name, coll in compiled.collections.items():
            slots = {
                slot
                for stratum in compiled.strata
                for group in stratum.item_groups
                if group.collection == name
                for slot in group.slots
            }
            self._item_fields[name] = fields_of(
                coll.items, SlotKind.ATTRIBUTE, slots, compiled.atoms, name
            )
        self._findings: dict[int, Encoded] = {}
        #: the collections whose items some rule reads (the others are only type-checked)
        self._read = {
            group.collection for stratum in compiled.strata for group in stratum.item_groups
        }
        self._closed = False
        serial = next(_SERIAL)
        self._sids = (f"{serial}.{n}" for n in itertools.count())
        self.name = f"sistereval-{serial}-{uuid.uuid4().hex[:12]}"
        self._actions: dict[str, tuple[str, int]] = {"open": ("open", 0), **compiled.owners}
        with _LOCK:
            try:
                self._handle = _dre.create_ruleset(self.name, compiled.text)
            except Exception as error:
                raise EvaluationError(
                    f"durable_rules rejected the compiled rule set: {_describe(error)}",
                    rule=self._culprit(),
                ) from error

    @property
    def durable_rules(self) -> int:
        """How many durable rules the rule set compiled to."""
        return len(self._compiled.rules)

    # -- actions (tests patch _record_firing / _record_match to inject failures)

    def _record_firing(self, session: _Session, index: int) -> None:
        session.fired.add(index)

    def _record_match(self, session: _Session, qid: int, item: int) -> None:
        session.matched.setdefault(qid, set()).add(item)

    # -- evaluation

    def evaluate(self, facts: ir.FactsLike) -> ir.Firing:
        """The rules that fire for ``facts`` (in rule set order) and the matched items."""
        prepared = self._prepare(facts)
        with _LOCK:
            if self._closed:
                raise EvaluationError(f"the engine of rule set {self.ruleset.id!r} is closed")
            session = self._session  # shared with the evaluations before (SESSION_FACTS)
            if session is None or session.facts >= self._session_facts:
                if session is not None:
                    self._session = None
                    self._delete(session, failed=False)
                session = self._session = self._open()
            session.fired, session.matched = set(), {}
            try:
                firing = self._run(session, prepared)
            except BaseException:
                self._session = None
                self._delete(session, failed=True)
                raise
            if session.facts >= self._session_facts:
                self._session = None
                self._delete(session, failed=False)
            return firing

    def _prepare(self, facts: ir.FactsLike) -> Prepared:
        """Encode (and type-check) every fact; items only for the collections rules read."""
        scalars = encode(self._scalar_fields, facts.scalars, None, 0)
        collections: dict[str, list[Encoded]] = {}
        for name, fields in self._item_fields.items():
            items = facts.collections.get(name, ())
            if name in self._read:
                collections[name] = [encode(fields, item, name, i) for i, item in enumerate(items)]
            elif name != "findings":
                for i, item in enumerate(items):
                    check(fields, item, name, i)
        return Prepared(scalars, collections)

    def _open(self) -> _Session:
        """A new session, opened by a fact whose no-op rule runs (see _delete)."""
        session = _Session(next(self._sids))
        self._assert(session, "o", "", "the session")
        if not session.opened:
            raise EvaluationError("durable_rules did not open the session")
        return session

    def _run(self, session: _Session, prepared: Prepared) -> ir.Firing:
        rules = self.ruleset.rules
        compiled = self._compiled
        scalars = prepared.scalars
        flags = dict(self._flags)
        findings: list[Encoded] = []
        for stratum in compiled.strata:
            for group in stratum.item_groups:
                items = (
                    findings
                    if group.collection == "findings"
                    else prepared.collections[group.collection or ""]
                )
                for i, item in enumerate(items):
                    body = self._body(group, session, scalars, flags, item)
                    self._assert(
                        session, group.tag, f'"i":{i},{body}' if body else f'"i":{i}', group
                    )
            for group in stratum.ctx_groups:
                self._assert(session, group.tag, self._body(group, session, scalars, flags), group)
            for r in stratum.rules:
                if r not in session.fired:
                    continue
                flags.update(self._raises[r])
                if isinstance(rules[r].then, ir.FindingThen):
                    findings.append(self._finding(r))
        matched: dict[str, dict[str, tuple[int, ...]]] = {}
        for r, qids in compiled.rule_quants.items():
            hits: dict[str, set[int]] = {}
            for qid in qids:
                hits.setdefault(compiled.quants[qid].collection, set()).update(
                    session.matched.get(qid, ())
                )
            matched[rules[r].id] = {c: tuple(sorted(h)) for c, h in hits.items()}
        return ir.Firing(
            fired=tuple(rules[r].id for r in sorted(session.fired)), matched_items=matched
        )

    def _finding(self, r: int) -> Encoded:
        """The encoded ``findings`` item of finding rule ``r`` (the same every time)."""
        encoded = self._findings.get(r)
        if encoded is None:
            finding = ir.finding_item(self.ruleset.rules[r])
            fields = self._item_fields["findings"]
            encoded = self._findings[r] = encode(fields, finding, "findings", None)
        return encoded

    def _body(
        self,
        group: Group,
        session: _Session,
        scalars: Encoded,
        flags: Encoded,
        item: Encoded | None = None,
    ) -> str:
        out = []
        for slot in group.slots:
            kind = slot.kind
            if kind is _COUNT:
                text = f"{self._counts[slot]}{len(session.matched.get(slot.n, ()))}.0"
            elif kind is _ZERO:
                text = _ZERO_PROPERTY
            elif kind in _FLAGS:
                text = flags[slot]
            elif item is not None and slot in item:
                text = item[slot]
            else:
                text = scalars.get(slot, "")
            if text:
                out.append(text)
        return ",".join(out)

    def _assert(self, session: _Session, tag: str, body: str, what: object) -> None:
        session.facts += 1
        text = f'{{"id":"{session.facts}","sid":"{session.sid}","t":"{tag}"'
        text += f",{body}}}" if body else "}"
        try:
            code, state_handle = _dre.assert_fact(self._handle, text)
        except Exception as error:
            raise EvaluationError(
                f"durable_rules failed on {_what(what)}: {_describe(error)}",
                rule=self._group_rule(what),
            ) from error
        if code != 0:  # 1: not handled (the sink handles all), 2: seen (ids are unique)
            raise EvaluationError(f"durable_rules returned {code} for {_what(what)}")
        self._run_actions(session, state_handle)

    def _run_actions(self, session: _Session, state_handle: int) -> None:
        """Run the actions of the rules the last fact made fire, one at a time.

        The same protocol as ``durable.engine.Ruleset.do_actions``, minus its
        per-action closures, state round-trips and swallowed exceptions.
        """
        handle = self._handle
        try:
            result = _dre.start_action_for_state(handle, state_handle)
        except Exception as error:
            raise EvaluationError(f"durable_rules failed: {_describe(error)}") from error
        messages = result[1] if result else None
        while messages:
            # {"<rule>":{"m":{...the fact...}}}; values hold no '"' (see values.string)
            name = messages[2 : messages.index('"', 2)]
            kind, owner = self._actions[name]
            try:
                if kind == "rule":
                    self._record_firing(session, owner)
                elif kind == "quantifier":
                    self._record_match(session, owner, _item_index(messages))
                else:
                    session.opened = True
            except BaseException as error:
                _dre.abandon_action(handle, state_handle)
                if not isinstance(error, Exception):
                    raise
                rule = self._owner_rule(kind, owner)
                raise EvaluationError(f"an action failed: {error!r}", rule=rule) from error
            try:
                messages = _dre.complete_and_start_action(handle, state_handle)
            except Exception as error:
                rule = self._owner_rule(kind, owner)
                message = f"durable_rules failed: {_describe(error)}"
                raise EvaluationError(message, rule=rule) from error

    def _owner_rule(self, kind: str, owner: int) -> str | None:
        if kind == "quantifier":
            owner = self._compiled.quants[owner].rules[0]
        return self.ruleset.rules[owner].id if kind != "open" else None

    def _delete(self, session: _Session, failed: bool) -> None:
        if not session.opened:
            return  # no action ran: deleting such a session crashes durable
        try:
            _dre.delete_state(self._handle, session.sid)
        except Exception as error:
            if not failed:
                raise EvaluationError(
                    f"durable_rules could not delete session {session.sid}: {_describe(error)}"
                ) from error

    def _group_rule(self, what: object) -> str | None:
        if not isinstance(what, Group):
            return None
        owner = what.units[0].owner
        if what.collection is not None:
            owner = self._compiled.quants[owner].rules[0]
        return self.ruleset.rules[owner].id

    def _culprit(self) -> str | None:
        """The rule whose durable rules durable cannot create, each tried alone."""
        for name, (kind, owner) in self._compiled.owners.items():
            text = "{" + f'"{name}":{self._compiled.rules[name]}' + "}"
            try:
                handle = _dre.create_ruleset(f"{self.name}-{name}", text)
            except Exception:
                if kind == "quantifier":
                    owner = self._compiled.quants[owner].rules[0]
                return self.ruleset.rules[owner].id
            _dre.delete_ruleset(handle)
        return None

    # -- lifecycle

    def close(self) -> None:
        """Free the durable ruleset; the engine cannot evaluate afterwards."""
        with _LOCK:
            if not self._closed:
                self._closed = True
                if self._session is not None:
                    self._delete(self._session, failed=True)
                    self._session = None
                _dre.delete_ruleset(self._handle)

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _item_index(messages: str) -> int:
    """The index ``i`` of the item fact in an action's messages (no value holds a '"')."""
    start = messages.find('"i":') + 4
    end = start
    while messages[end : end + 1].isdigit():
        end += 1
    if end == start:
        raise ValueError(f"no item index in {messages[:200]}")
    return int(messages[start:end])


def _what(what: object) -> str:
    if isinstance(what, Group):
        kind = "context" if what.collection is None else f"{what.collection!r} item"
        return f"a {kind} fact ({what.tag})"
    return str(what)


def _describe(error: object) -> str:
    text = str(error)
    found = re.search(r"error code: (\d+)", text)
    if found and int(found.group(1)) in _DURABLE_ERRORS:
        text += f" ({_DURABLE_ERRORS[int(found.group(1))]})"
    return text
