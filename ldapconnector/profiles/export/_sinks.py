"""Where the record exporter's operations go: the directory, or the plan's record.

The engine hands every step's operations to a :class:`Sink` and never asks whether it is
planning; the runner chooses the sink once. A :class:`Sender` sends them
(:func:`~ldapconnector.profiles.export._send.send_operation`); a :class:`Recorder` sends
nothing, since the operations are in the record's result already.

Creating an entry is the one step whose result depends on the directory's answer (the
new entry's anchor, read back), so it is the sink's too: the sender records the intent
(:mod:`~ldapconnector.profiles.export._intents`), adds, reads back, links (closing the
intent), then sets the initial password; the recorder reports the add as planned. An add
the server refused closes its intent with no link; a lost connection leaves it open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import attrs

from ldapconnector.errors import LdapConnectorError, LdapOperationError, TransportError
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry
from ldapconnector.profiles.export._correlate import Snapshot
from ldapconnector.profiles.export._intents import intent_for
from ldapconnector.profiles.export._links import LinkWriter
from ldapconnector.profiles.export._operations import AddOperation, Operation
from ldapconnector.profiles.export._report import ExportOutcome, ObjectResult, failed
from ldapconnector.profiles.export._request import ExportRequest
from ldapconnector.profiles.export._send import send_operation
from ldapconnector.space import Intent, Link

__all__ = ["CreateJob", "Outcome", "Pending", "Recorder", "Refused", "Sender", "Sink"]


@attrs.frozen(kw_only=True)
class CreateJob:
    """A planned create, checked (schema, parent container) and ready to send.

    Attributes:
        source_id: the record's id.
        desired: the mapped record.
        add: the add.
        planned: every planned operation: the add, then possibly the initial password.
    """

    source_id: str
    desired: DesiredEntry
    add: AddOperation
    planned: tuple[Operation, ...]


@attrs.define
class Pending:
    """A record's result while its operations are in flight on a pipelined connection.

    The window resolves it: with a result, with another pending one to follow (a refused
    add that turned into a join), or as lost (the connection went: the runner reconnects
    and exports the record again).

    Attributes:
        source_id: the record's id.
        lost: the connection failure that stopped the record's operations, if any.
    """

    source_id: str | None
    lost: TransportError | None = None
    _result: ObjectResult | None = None
    _then: Pending | None = None

    def resolve(self, outcome: Outcome) -> None:
        """Settle with a result, or with a pending result to follow."""
        if isinstance(outcome, Pending):
            self._then = outcome
        else:
            self._result = outcome

    def final(self) -> ObjectResult | TransportError | None:
        """The result, the loss, or None while the operations are still out."""
        if self._then is not None:
            return self._then.final()
        return self._result or self.lost


#: What exporting a record gives: its result, or a result still in flight.
Outcome = ObjectResult | Pending

#: The record's result when the server refused one of its operations.
Refused = Callable[[LdapOperationError], ObjectResult]


class Sink(Protocol):
    """Where a step's operations go."""

    def send(
        self,
        operations: Sequence[Operation],
        then: Callable[[], ObjectResult],
        refused: Refused | None = None,
    ) -> Outcome:
        """Send the operations, in order, then take ``then``'s result (links written there).

        ``refused`` (when given) makes the record's result of an operation the server
        refused, e.g. one that names the entry a failed disable concerns.

        Raises:
            LdapConnectorError: the server refused one, or the connection failed.
        """
        ...

    def create(self, job: CreateJob, refused: Callable[[LdapOperationError], Outcome]) -> Outcome:
        """Create the entry; the result of the record (``refused``'s when the add is refused:
        an entry at its DN, no parent; nothing was made)."""
        ...

    def before_correlate(self, desired: DesiredEntry, object_class: str | None) -> None:
        """Called before a record is correlated with the snapshot: an entry still being
        added must be there first."""
        ...

    def throttle(self) -> None:
        """Wait while the window of operations in flight is full."""
        ...

    def settle(self) -> None:
        """Wait until every operation sent has its answer."""
        ...


@attrs.frozen(kw_only=True)
class Recorder:
    """The sink of a plan: sends nothing, reports the create as planned."""

    def send(
        self,
        operations: Sequence[Operation],
        then: Callable[[], ObjectResult],
        refused: Refused | None = None,
    ) -> Outcome:
        """Send nothing (the operations are in the record's result)."""
        return then()

    def create(self, job: CreateJob, refused: Callable[[LdapOperationError], Outcome]) -> Outcome:
        """The planned create (no anchor: the server has not made one)."""
        return ObjectResult(
            id=job.source_id, outcome=ExportOutcome.CREATED, dn=job.add.dn, operations=job.planned
        )

    def before_correlate(self, desired: DesiredEntry, object_class: str | None) -> None:
        """Nothing is in flight."""

    def throttle(self) -> None:
        """Nothing is in flight."""

    def settle(self) -> None:
        """Nothing is in flight."""


@attrs.frozen(kw_only=True)
class Sender:
    """The sink of an export: sends through the request's connection.

    Attributes:
        request: the run's request (connection, server info, read attributes, anchor).
        links: where the link of a created entry goes.
        snapshot: the run's snapshot, if any (a created entry joins it, so a later record
            correlates with it).
    """

    request: ExportRequest
    links: LinkWriter
    snapshot: Snapshot | None = None

    def send(
        self,
        operations: Sequence[Operation],
        then: Callable[[], ObjectResult],
        refused: Refused | None = None,
    ) -> Outcome:
        """Send each operation (a delete of a missing entry counts as done), then ``then``."""
        try:
            self._send(operations)
        except LdapOperationError as error:
            if refused is None:
                raise
            return refused(error)
        return then()

    def _send(self, operations: Sequence[Operation]) -> None:
        for operation in operations:
            send_operation(
                self.request.connection(), self.request.server_info, operation,
                tree_delete=self.request.tree_delete,
            )  # fmt: skip

    def create(self, job: CreateJob, refused: Callable[[LdapOperationError], Outcome]) -> Outcome:
        """Intent, add, read back, link, then the initial password (see :class:`Sink`)."""
        intent = intent_for(job.source_id, job.add, job.desired)
        self.links.intend(intent)
        try:
            made = send_operation(
                self.request.connection(), self.request.server_info, job.add,
                read_back=self.request.read_attributes,
            )  # fmt: skip
        except TransportError:
            raise  # the add may have happened: the intent stays open for the retry
        except LdapConnectorError as error:
            self.links.settle(job.source_id, None)  # refused: nothing was added
            if isinstance(error, LdapOperationError):
                return refused(error)
            raise
        return self._created(job, intent, made)

    def before_correlate(self, desired: DesiredEntry, object_class: str | None) -> None:
        """Nothing is in flight: every answer came before the call returned."""

    def throttle(self) -> None:
        """Nothing is in flight."""

    def settle(self) -> None:
        """Nothing is in flight."""

    def _created(self, job: CreateJob, intent: Intent, made: Entry | None) -> ObjectResult:
        dn = job.add.dn
        # The Post-Read answer saves a round trip; servers without it (AD) are read back.
        entry = made or self.request.connection().read_entry(dn, self.request.read_attributes)
        if entry is None:
            return failed(job.source_id, f"{dn} was added but cannot be read back", dn=dn)
        anchor = self.request.anchor_of(entry)
        # The intent carries the attributes hash already: the link reuses it.
        link = Link(
            source_id=job.source_id, anchor=anchor, dn=entry.dn,
            attributes_hash=intent.attributes_hash,
        )  # fmt: skip
        self.links.settle(job.source_id, link)
        if self.snapshot is not None:
            self.snapshot.add(anchor.key, entry, anchor)
        try:
            self._send(job.planned[1:])
        except LdapOperationError as error:
            message = f"created, but the initial password could not be set: {error}"
            return failed(
                job.source_id, message, dn=entry.dn, anchor=anchor, operations=job.planned
            )
        return ObjectResult(
            id=job.source_id, outcome=ExportOutcome.CREATED, dn=entry.dn, anchor=anchor,
            operations=job.planned,
        )  # fmt: skip
