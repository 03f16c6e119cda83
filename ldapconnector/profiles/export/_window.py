"""The pipelined sink: a window of records' operations in flight on one connection.

With ``[global] write_window`` above 1 the runner hands the engine a
:class:`PipelinedSender` instead of the :class:`~ldapconnector.profiles.export._sinks.Sender`.
The engine plans a record and gives its operations to the sink as before; this sink queues
them on the connection's :class:`~ldapconnector.connection.Pipeline` and returns a
:class:`~ldapconnector.profiles.export._sinks.Pending` result, so the next record is
planned while the server works. What stays exactly as in the sequential path:

* one object's operations stay ordered: each waits for the previous one's answer (a
  rename before the modify at the new DN, the add before the initial password);
* two objects whose operations touch one DN are never in flight together (the later one
  waits), so the server's order is the sequential order;
* a link is written when the directory confirmed what it records (the engine's ``then``
  runs on the answer); a create's intent is committed before its add is written (the
  intents of a window in one commit, in the pipeline's ``before`` hook);
* an entry still being added is in place before a later record is correlated with it
  (:meth:`PipelinedSender.before_correlate` waits when it would match);
* a refused operation fails its record alone; a request the server never answers fails
  its record alone (a per-object timeout); a lost connection marks every record in flight
  lost, and the runner reconnects and exports each again from the start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol, runtime_checkable

import attrs

from ldapconnector.connection import Pipeline, Reply
from ldapconnector.dn import dn_key
from ldapconnector.errors import (
    LdapConnectorError,
    LdapOperationError,
    NoSuchObjectError,
    TransportError,
)
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry, Value
from ldapconnector.profiles.export._correlate import Snapshot
from ldapconnector.profiles.export._diff import current_values
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.profiles.export._intents import intent_for
from ldapconnector.profiles.export._links import LinkWriter, StoreLinks
from ldapconnector.profiles.export._operations import (
    DeleteOperation,
    ModifyDnOperation,
    Operation,
)
from ldapconnector.profiles.export._report import ExportOutcome, ObjectResult, failed
from ldapconnector.profiles.export._request import ExportRequest
from ldapconnector.profiles.export._send import submit_operation
from ldapconnector.profiles.export._sinks import CreateJob, Outcome, Pending, Refused, Sender
from ldapconnector.space import Intent, Link

__all__ = ["IntentBatches", "PipelinedSender"]

log = logging.getLogger("ldapconnector.export")


@runtime_checkable
class IntentBatches(Protocol):
    """A link store that commits many intents in one transaction (``SqliteLinkStore``)."""

    def put_intents(self, intents: Sequence[Intent]) -> None:
        """Record the intents durably, in one commit (see ``LinkStore.put_intent``)."""
        ...


def _keys(operations: Sequence[Operation]) -> frozenset[str]:
    """The DNs the operations touch (a rename touches its new DN too), normalised."""
    keys = {dn_key(op.dn) for op in operations}
    keys.update(dn_key(op.new_dn) for op in operations if isinstance(op, ModifyDnOperation))
    return frozenset(keys)


def _lost_or_failed(pending: Pending, error: TransportError, *, lost: bool) -> None:
    if lost:
        pending.lost = error
    else:
        pending.resolve(ObjectResult(id=pending.source_id, outcome=ExportOutcome.FAILED,
                                     error=str(error)))  # fmt: skip


@attrs.define
class _Chain:
    """One record's operations, sent one after the other (a :class:`Waiter`)."""

    sender: PipelinedSender
    pending: Pending
    operations: tuple[Operation, ...]
    then: Callable[[], ObjectResult]
    keys: frozenset[str]
    on_refused: Callable[[LdapOperationError], ObjectResult] | None = None
    index: int = 0

    def next(self) -> None:
        """Queue the next operation, or finish with ``then``'s result."""
        if self.index < len(self.operations):
            operation = self.operations[self.index]
            self.index += 1
            submit_operation(self.sender.pipeline(), self.sender.request.server_info, operation,
                             self)  # fmt: skip
            return
        self.sender.release(self.keys)
        try:
            self.pending.resolve(self.then())
        except TransportError as error:
            self.pending.lost = error
        except LdapConnectorError as error:
            self.pending.resolve(failed(self.pending.source_id, error))

    def answered(self, reply: Reply) -> None:
        """The operation's answer: go on, or fail the record (a gone entry's delete is done)."""
        error = reply.error
        operation = self.operations[self.index - 1]
        if error is None or (
            isinstance(operation, DeleteOperation) and isinstance(error, NoSuchObjectError)
        ):
            self.next()
            return
        self.sender.release(self.keys)
        if self.on_refused is not None:
            self.pending.resolve(self.on_refused(error))
        else:
            self.pending.resolve(failed(self.pending.source_id, error))

    def failed(self, error: TransportError, *, lost: bool) -> None:
        """No answer: lost with the connection, or timed out alone."""
        self.sender.release(self.keys)
        _lost_or_failed(self.pending, error, lost=lost)


@attrs.define
class _Create:
    """A create's add in flight (a :class:`Waiter`): on its answer, link and go on."""

    sender: PipelinedSender
    pending: Pending
    job: CreateJob
    intent: Intent
    refused: Callable[[LdapOperationError], Outcome]
    keys: frozenset[str]

    def answered(self, reply: Reply) -> None:
        """Refused: no link, the engine's answer; added: link, then the password."""
        sender, error = self.sender, reply.error
        if error is not None:
            self.free()
            sender.links.settle(self.job.source_id, None)  # refused: nothing was added
            self._resolve(lambda: self.refused(error))
            return
        self._resolve(lambda: sender.created(self, reply.entry))

    def free(self) -> None:
        """Release the add's DN (once)."""
        self.sender.release(self.keys)
        self.keys = frozenset()

    def _resolve(self, outcome: Callable[[], Outcome | None]) -> None:
        try:
            result = outcome()
        except TransportError as error:
            self.free()
            self.pending.lost = error
            return
        except LdapConnectorError as error:
            self.free()
            self.pending.resolve(failed(self.job.source_id, error, dn=self.job.add.dn))
            return
        if result is not None:
            self.pending.resolve(result)

    def failed(self, error: TransportError, *, lost: bool) -> None:
        """No answer: the add may have happened, so its intent stays open."""
        self.free()
        _lost_or_failed(self.pending, error, lost=lost)


@attrs.define
class PipelinedSender:
    """The sink of a pipelined export (see the module docstring).

    Args:
        request: the run's request (connection, server info, read attributes, anchor).
        links: where links go.
        snapshot: the run's snapshot, if any (a created entry joins it).
        window: how many records' operations may be in flight at once.
    """

    request: ExportRequest
    links: LinkWriter
    snapshot: Snapshot | None = None
    window: int = 32
    _busy: dict[str, int] = attrs.field(factory=dict, init=False)
    _intents: list[Intent] = attrs.field(factory=list, init=False)
    _adding: set[tuple[str, object]] = attrs.field(factory=set, init=False)
    _current: Pipeline | None = attrs.field(default=None, init=False)

    def pipeline(self) -> Pipeline:
        """The current connection's pipeline (a new one after a reconnect)."""
        self._current = self.request.connection().pipeline()
        return self._current

    def release(self, keys: frozenset[str]) -> None:
        """A record's operations are over: its DNs are free for others."""
        for key in keys:
            left = self._busy.get(key, 0) - 1
            if left > 0:
                self._busy[key] = left
            else:
                self._busy.pop(key, None)

    def _claim(self, keys: frozenset[str]) -> None:
        if any(key in self._busy for key in keys):
            self.settle()  # another record works on this DN: the server must see it first
        for key in keys:
            self._busy[key] = self._busy.get(key, 0) + 1

    def send(
        self,
        operations: Sequence[Operation],
        then: Callable[[], ObjectResult],
        refused: Refused | None = None,
    ) -> Outcome:
        """Queue the operations as one ordered chain; an empty list costs nothing.

        Deletes go one at a time after every answer is in (they are rare, and a tree
        delete or a non-leaf refusal needs the connection's own delete path).
        """
        if not operations:
            return then()
        if any(isinstance(operation, DeleteOperation) for operation in operations):
            self.settle()
            return Sender(request=self.request, links=self.links, snapshot=self.snapshot).send(
                operations, then, refused
            )
        pending = Pending(source_id=None)
        chain = _Chain(self, pending, tuple(operations), then, _keys(operations), refused)
        self._claim(chain.keys)
        chain.next()
        return pending

    def create(self, job: CreateJob, refused: Callable[[LdapOperationError], Outcome]) -> Outcome:
        """Buffer the intent, queue the add (the intents are committed before it is written)."""
        intent = intent_for(job.source_id, job.add, job.desired)
        self._intents.append(intent)
        pending = Pending(source_id=job.source_id)
        waiter = _Create(self, pending, job, intent, refused, _keys([job.add]))
        self._claim(waiter.keys)
        if self.snapshot is not None:
            self._adding.update(self._matching(job.add.attributes))
        submit_operation(
            self.pipeline(), self.request.server_info, job.add, waiter,
            read_back=self.request.read_attributes, before=self._commit_intents,
        )  # fmt: skip
        return pending

    def _commit_intents(self) -> None:
        """Commit the buffered intents, in one transaction where the store can."""
        intents, self._intents = self._intents, []
        if isinstance(self.links, StoreLinks) and isinstance(self.links.store, IntentBatches):
            self.links.store.put_intents(intents)
            return
        for intent in intents:
            self.links.intend(intent)

    def created(self, waiter: _Create, made: Entry | None) -> Outcome | None:
        """The add was confirmed: link it, then send the rest of the create's operations."""
        job, dn = waiter.job, waiter.job.add.dn
        # The Post-Read answer saves a round trip; servers without it (AD) are read back.
        entry = made or self.request.connection().read_entry(dn, self.request.read_attributes)
        if entry is None:
            waiter.free()
            return failed(job.source_id, f"{dn} was added but cannot be read back", dn=dn)
        anchor = self.request.anchor_of(entry)
        link = Link(
            source_id=job.source_id, anchor=anchor, dn=entry.dn,
            attributes_hash=waiter.intent.attributes_hash,
        )  # fmt: skip
        self.links.settle(job.source_id, link)
        if self.snapshot is not None:
            self.snapshot.add(anchor.key, entry, anchor)
        result = ObjectResult(
            id=job.source_id, outcome=ExportOutcome.CREATED, dn=entry.dn, anchor=anchor,
            operations=job.planned,
        )  # fmt: skip

        def password_refused(error: LdapOperationError) -> ObjectResult:
            message = f"created, but the initial password could not be set: {error}"
            return failed(job.source_id, message, dn=entry.dn, anchor=anchor,
                          operations=job.planned)  # fmt: skip

        chain = _Chain(self, waiter.pending, job.planned[1:], lambda: result, waiter.keys,
                       on_refused=password_refused)  # fmt: skip
        waiter.keys = frozenset()  # the chain holds them now
        chain.next()
        return None

    def _matching(self, attributes: Mapping[str, Sequence[Value]]) -> Iterator[tuple[str, object]]:
        """The snapshot's index keys of an entry's matching values (its equality rules)."""
        if self.snapshot is None:
            return
        schema = self.snapshot.schema
        for attribute in self.snapshot.matching:
            compare = value_key(schema, attribute)
            for value in current_values(attributes, schema, attribute):
                yield attribute.lower(), compare(value)

    def before_correlate(self, desired: DesiredEntry, object_class: str | None) -> None:
        """Wait for the adds in flight when one of them could match ``desired``.

        Looked up by value only (any object class): at worst a wait too many.
        """
        if not self._adding or self.snapshot is None:
            return
        schema = self.snapshot.schema
        for attribute, values in desired.matching:
            compare = value_key(schema, attribute)
            if any((attribute.lower(), compare(value)) in self._adding for value in values):
                self.settle()
                return

    def throttle(self) -> None:
        """When ``window`` records have operations in flight, wait until half have answers.

        Refilling half a window at a time writes many requests per ``sendall`` (and per TLS
        record) instead of one each, while the other half keeps the server busy.
        """
        if self._current is not None and self._current.in_flight >= self.window:
            self._current.wait(self.window // 2 + 1)

    def settle(self) -> None:
        """Wait for every answer (the entries being added are in the snapshot after)."""
        if self._current is not None and self._current.in_flight:
            self._current.drain()
        self._adding.clear()
