"""Export one source record: find its entry, plan, send, link (the runner's engine).

Order for one record (docs/provisioning.md, "The export runner"):

1. the link store by source id → the anchor → the entry as it is now (``resolve``);
2. ``"@deleted"`` → the delete flow, ``isSoftDeleted`` → the disable flow;
3. an entry → the update (enable first when the link says it was disabled);
4. no entry → correlation by the matching attributes: one match is joined (linked, then
   updated), several fail the record as ambiguous, none → the create (schema checked by
   the planner, the parent must exist, the initial password in a second operation).

A link is written only after the directory confirmed the operation it records. In a plan
nothing is sent and nothing is linked; the operations are the ones that would be sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import attrs

from ldapconnector.anchors import Anchor, AnchorKind, AnchorStrategy, anchor_of_entry
from ldapconnector.dn import parent_dn
from ldapconnector.errors import (
    AlreadyExistsError,
    InvalidRequestError,
    LdapOperationError,
    NoSuchObjectError,
)
from ldapconnector.expressions import EvaluationContext
from ldapconnector.mapping import (
    DELETED_KEY,
    SOFT_DELETED_KEY,
    DesiredEntry,
    MappingFailure,
    MappingSet,
    is_flag_set,
    source_id_of,
)
from ldapconnector.model import Entry
from ldapconnector.profiles.export._correlate import Ambiguous, Snapshot, UniquenessCheck, correlate
from ldapconnector.profiles.export._flows import (
    DeprovisionFlow,
    FlowKind,
    plan_disable,
    plan_enable,
)
from ldapconnector.profiles.export._operations import (
    AddOperation,
    DeleteOperation,
    ModifyDnOperation,
    Operation,
    PlanFailure,
)
from ldapconnector.profiles.export._plan import PlanOptions, plan_create, plan_update
from ldapconnector.profiles.export._report import ExportOutcome, ObjectResult
from ldapconnector.profiles.export._send import final_dn, send_operation
from ldapconnector.profiles.export._target import ExportTarget
from ldapconnector.schema import Schema
from ldapconnector.space import Link, LinkState, attributes_hash

__all__ = ["RecordExporter"]

Record = Mapping[str, object]


def _failed(
    source_id: str | None,
    error: object,
    *,
    dn: str | None = None,
    anchor: Anchor | None = None,
    operations: Sequence[Operation] = (),
) -> ObjectResult:
    return ObjectResult(
        id=source_id, outcome=ExportOutcome.FAILED, error=str(error), dn=dn, anchor=anchor,
        operations=operations,
    )  # fmt: skip


@attrs.define
class RecordExporter:
    """Exports records one at a time for one run (stateful: caches and claims).

    Args:
        target: the connector.
        mappings: the compiled mappings.
        schema: the directory's schema.
        strategy: the anchor kind in use.
        options: the planners' options.
        disable_flow: the flow for ``isSoftDeleted`` records.
        delete_flow: the flow for ``@deleted`` records and pruned links.
        plan_only: compute the operations, send and link nothing.
        read_attributes: what to read of an entry (``*`` plus operational flow attributes).
        unique: the ``SelectUniqueValue`` check, when a mapping uses it.
        snapshot: the entries read at the start of the run, when the runner read them.
    """

    target: ExportTarget
    mappings: MappingSet
    schema: Schema
    strategy: AnchorStrategy
    options: PlanOptions
    disable_flow: DeprovisionFlow
    delete_flow: DeprovisionFlow
    plan_only: bool
    read_attributes: tuple[str, ...]
    unique: UniquenessCheck | None = None
    snapshot: Snapshot | None = None
    _parents: dict[str, bool] = attrs.field(factory=dict, init=False)

    # ------------------------------------------------------------------ one record

    def export(self, record: Record, *, retried: bool = False) -> ObjectResult:
        """Export one record (may raise TransportError: the runner reconnects and retries)."""
        source_id = source_id_of(record)
        if source_id is None:
            return _failed(None, "the record has no 'id'")
        link = self.target.store.get_by_source(source_id)
        entry = None
        if link is not None and link.state is not LinkState.DELETED:
            entry = self.resolve(link.anchor, live=retried)
        if is_flag_set(record, DELETED_KEY):
            return self.deprovision(source_id, link, entry, deleting=True)
        if is_flag_set(record, SOFT_DELETED_KEY):
            return self.deprovision(source_id, link, entry, deleting=False)
        if entry is not None and link is not None:
            return self._update(source_id, record, entry, link)
        return self._create_or_join(source_id, record, retried=retried)

    # ------------------------------------------------------------------ flows

    def deprovision(
        self, source_id: str, link: Link | None, entry: Entry | None, *, deleting: bool
    ) -> ObjectResult:
        """Run the delete (or disable) flow for a linked entry (a missing entry is done)."""
        flow = self.delete_flow if deleting else self.disable_flow
        anchor = link.anchor if link is not None else None
        if link is None:
            return ObjectResult(
                id=source_id, outcome=ExportOutcome.SKIPPED, error="never exported: no link"
            )
        if link.state is LinkState.DELETED:
            return self._gone(source_id, link, deleting=deleting)
        if flow.kind is FlowKind.NONE:
            return ObjectResult(
                id=source_id, outcome=ExportOutcome.SKIPPED, dn=link.dn, anchor=anchor,
                error="the flow is 'none'",
            )  # fmt: skip
        if entry is None:
            return self._gone(source_id, link, deleting=deleting or flow.kind is FlowKind.DELETE)
        operations = plan_disable(flow, entry)
        if isinstance(operations, PlanFailure):
            return _failed(source_id, operations, dn=entry.dn, anchor=anchor)
        deletes = any(isinstance(op, DeleteOperation) for op in operations)
        self._send(operations)
        self._mark(link, LinkState.DELETED if deletes else LinkState.DISABLED, entry.dn)
        if not operations:
            outcome = ExportOutcome.UNCHANGED
        else:
            outcome = ExportOutcome.DELETED if deletes else ExportOutcome.DISABLED
        return ObjectResult(
            id=source_id, outcome=outcome, dn=entry.dn, anchor=anchor, operations=operations
        )

    def _gone(self, source_id: str, link: Link | None, *, deleting: bool) -> ObjectResult:
        if link is None or link.state is LinkState.DELETED:
            dn = link.dn if link is not None else None
            return ObjectResult(id=source_id, outcome=ExportOutcome.UNCHANGED, dn=dn)
        if deleting:
            self._mark(link, LinkState.DELETED, link.dn)
            return ObjectResult(
                id=source_id, outcome=ExportOutcome.DELETED, dn=link.dn, anchor=link.anchor
            )
        return ObjectResult(
            id=source_id, outcome=ExportOutcome.SKIPPED, dn=link.dn, anchor=link.anchor,
            error="the linked entry no longer exists",
        )  # fmt: skip

    def _mark(self, link: Link, state: LinkState, dn: str) -> None:
        if self.plan_only or (link.state is state and link.dn == dn):
            return
        self.target.store.put(attrs.evolve(link, state=state, dn=dn, updated=datetime.now(UTC)))

    # ------------------------------------------------------------------ update / join

    def _desired(
        self, source_id: str, record: Record, *, own_dn: str | None, creating: bool
    ) -> DesiredEntry | MappingFailure:
        context = None
        if self.unique is not None:
            context = EvaluationContext(is_unique=self.unique.for_record(source_id, own_dn))
        return self.mappings.apply(record, context=context, creating=creating)

    def _enable(self, link: Link | None, entry: Entry) -> tuple[Operation, ...] | PlanFailure:
        if link is None or link.state is not LinkState.DISABLED:
            return ()
        for flow in (self.disable_flow, self.delete_flow):
            operations = plan_enable(flow, entry)
            if operations:
                return operations
        return ()

    def _update(
        self,
        source_id: str,
        record: Record,
        entry: Entry,
        link: Link | None,
        *,
        joined: bool = False,
    ) -> ObjectResult:
        anchor = self.anchor_of(entry)
        desired = self._desired(source_id, record, own_dn=entry.dn, creating=False)
        if isinstance(desired, MappingFailure):
            return _failed(source_id, desired, dn=entry.dn, anchor=anchor)
        enable = self._enable(link, entry)
        if isinstance(enable, PlanFailure):
            return _failed(source_id, enable, dn=entry.dn, anchor=anchor)
        update = plan_update(desired, entry, self.schema, options=self.options)
        if isinstance(update, PlanFailure):
            return _failed(source_id, update, dn=entry.dn, anchor=anchor)
        operations = (*enable, *update)
        self._send(operations)
        dn = final_dn(entry.dn, operations)
        if anchor.kind is AnchorKind.DN:
            anchor = Anchor.from_directory(AnchorKind.DN, dn)
        self._link(source_id, anchor, dn, desired, link)
        return ObjectResult(
            id=source_id,
            outcome=_update_outcome(operations, joined=joined, enabled=bool(enable)),
            dn=dn,
            anchor=anchor,
            operations=operations,
        )

    def _link(
        self, source_id: str, anchor: Anchor, dn: str, desired: DesiredEntry, link: Link | None
    ) -> None:
        if self.plan_only:
            return
        digest = attributes_hash(desired.attributes)
        fresh = Link(source_id=source_id, anchor=anchor, dn=dn, attributes_hash=digest)
        if link is not None and (link.anchor, link.dn, link.state, link.attributes_hash) == (
            anchor, dn, LinkState.ACTIVE, digest,
        ):  # fmt: skip
            return
        self.target.store.put(fresh)

    def _create_or_join(self, source_id: str, record: Record, *, retried: bool) -> ObjectResult:
        desired = self._desired(source_id, record, own_dn=None, creating=True)
        if isinstance(desired, MappingFailure):
            return _failed(source_id, desired)
        structural = self.schema.structural_class_of(desired.object_classes)
        object_class = structural.name if structural is not None else None
        if self.snapshot is not None and not retried:
            found = self.snapshot.correlate(desired, object_class=object_class)
        else:
            found = correlate(
                self.target.connection, self.target.search_bases(), desired,
                object_class=object_class, attributes=self.read_attributes,
            )  # fmt: skip
        if isinstance(found, Ambiguous):
            return _failed(source_id, found)
        if found is not None:
            return self._join(source_id, record, found)
        return self._create(source_id, record, desired, retried=retried)

    def _join(self, source_id: str, record: Record, entry: Entry) -> ObjectResult:
        anchor = self.anchor_of(entry)
        holder = self.target.store.get_by_anchor(anchor)
        if (
            holder is not None
            and holder.source_id != source_id
            and holder.state is not LinkState.DELETED
        ):
            return _failed(
                source_id,
                f"the matching entry {entry.dn} is linked to source id {holder.source_id!r} "
                "already; nothing was written for this record",
                dn=entry.dn, anchor=anchor,
            )  # fmt: skip
        own = self.target.store.get_by_source(source_id)
        return self._update(source_id, record, entry, own, joined=True)

    # ------------------------------------------------------------------ create

    def _create(
        self, source_id: str, record: Record, desired: DesiredEntry, *, retried: bool
    ) -> ObjectResult:
        planned = plan_create(desired, self.schema, options=self.options)
        if isinstance(planned, PlanFailure):
            return _failed(source_id, planned, dn=desired.dn)
        add = planned[0]
        if not isinstance(add, AddOperation):  # pragma: no cover - plan_create adds first
            return _failed(source_id, "the create plan does not start with an add")
        missing = self._missing_parent(add.dn)
        if missing is not None:
            return _failed(
                source_id,
                f"the parent container {missing} of {add.dn} does not exist; containers are "
                "never created implicitly",
                dn=add.dn,
            )  # fmt: skip
        if self.plan_only:
            return ObjectResult(
                id=source_id, outcome=ExportOutcome.CREATED, dn=add.dn, operations=planned
            )
        try:
            made = send_operation(
                self.target.connection, self.target.server_info, add,
                read_back=self.read_attributes,
            )  # fmt: skip
        except AlreadyExistsError as error:
            return self._exists(source_id, record, add, error, retried=retried)
        except NoSuchObjectError:
            self._parents.pop(parent_dn(add.dn).lower(), None)
            return _failed(source_id, f"the parent container of {add.dn} does not exist", dn=add.dn)
        return self._created(source_id, desired, planned, made)

    def _created(
        self,
        source_id: str,
        desired: DesiredEntry,
        planned: Sequence[Operation],
        made: Entry | None,
    ) -> ObjectResult:
        add = planned[0]
        # The Post-Read answer saves a round trip; servers without it (AD) are read back.
        entry = made or self.target.connection.read_entry(add.dn, self.read_attributes)
        if entry is None:
            return _failed(source_id, f"{add.dn} was added but cannot be read back", dn=add.dn)
        anchor = self.anchor_of(entry)
        self._link(source_id, anchor, entry.dn, desired, None)
        if self.snapshot is not None:
            self.snapshot.add(anchor.key, entry)
        try:
            self._send(planned[1:])
        except LdapOperationError as error:
            message = f"created, but the initial password could not be set: {error}"
            return _failed(source_id, message, dn=entry.dn, anchor=anchor, operations=planned)
        return ObjectResult(
            id=source_id, outcome=ExportOutcome.CREATED, dn=entry.dn, anchor=anchor,
            operations=planned,
        )  # fmt: skip

    def _exists(
        self,
        source_id: str,
        record: Record,
        add: AddOperation,
        error: AlreadyExistsError,
        *,
        retried: bool,
    ) -> ObjectResult:
        """An add met "already exists": join our own add whose reply was lost, else fail."""
        entry = self.target.connection.read_entry(add.dn, self.read_attributes)
        if retried and entry is not None:
            return self._join(source_id, record, entry)
        return _failed(
            source_id,
            f"{error} (an entry with this DN exists and does not match the record's "
            "matching attributes; it was not joined)",
            dn=add.dn,
        )

    def _missing_parent(self, dn: str) -> str | None:
        try:
            parent = parent_dn(dn)
        except InvalidRequestError:
            return None
        if not parent:
            return None
        key = parent.lower()
        if key not in self._parents:
            found = self.target.connection.read_entry(parent, ("1.1",))
            self._parents[key] = found is not None
        return None if self._parents[key] else parent

    # ------------------------------------------------------------------ helpers

    def resolve(self, anchor: Anchor, *, live: bool = False) -> Entry | None:
        """The entry an anchor names: from the snapshot, or from the directory when ``live``."""
        if self.snapshot is not None and not live:
            return self.snapshot.get(anchor.key)
        return self.target.resolve(anchor, self.read_attributes)

    def anchor_of(self, entry: Entry) -> Anchor:
        """The anchor of an entry read from the directory.

        Raises:
            InvalidRequestError: the entry does not carry the anchor attribute.
        """
        anchor = anchor_of_entry(entry, self.strategy)
        if anchor is None:
            raise InvalidRequestError(f"{entry.dn} has no usable {self.strategy.attribute}")
        return anchor

    def _send(self, operations: Sequence[Operation]) -> None:
        if self.plan_only:
            return
        for operation in operations:
            send_operation(self.target.connection, self.target.server_info, operation)


def _update_outcome(
    operations: Sequence[Operation], *, joined: bool, enabled: bool
) -> ExportOutcome:
    if joined:
        return ExportOutcome.JOINED
    if enabled:
        return ExportOutcome.ENABLED
    if any(isinstance(op, ModifyDnOperation) for op in operations):
        return ExportOutcome.RENAMED
    return ExportOutcome.UPDATED if operations else ExportOutcome.UNCHANGED
