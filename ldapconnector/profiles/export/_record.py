"""Export one source record: look its step up in the table, then take it (the engine).

For one record (docs/provisioning.md, "The export runner"): the link store by source id →
the anchor → the entry as it is now (from the snapshot, or the request's ``resolve``);
then :func:`~ldapconnector.profiles.export._transitions.step_for` gives the step, and the
step's handler (:data:`_STEPS`) plans it and hands the operations to the sink:

* update: the enable operations first when the link says the user was disabled, then
  ``plan_update``;
* create or join: correlation by the matching attributes: one match is joined (linked,
  then updated), several fail the record as ambiguous, none → the create (schema checked
  by the planner, the parent must exist, the initial password in a second operation);
* delete and disable: the flow's planner; the other steps only write (or keep) the link.

A link is written only after the directory confirmed the operation it records. Whether
anything is sent or linked is the sink's and the link writer's business: a plan gets a
recorder and a writer that writes nothing, and the engine runs the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import attrs

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.dn import parent_dn
from ldapconnector.errors import (
    AlreadyExistsError,
    InvalidRequestError,
    LdapOperationError,
    NoSuchObjectError,
)
from ldapconnector.expressions import EvaluationContext
from ldapconnector.mapping import OBJECT_CLASS_TARGET, DesiredEntry, MappingFailure, source_id_of
from ldapconnector.model import Entry
from ldapconnector.profiles.export._aliases import with_aliases
from ldapconnector.profiles.export._case import (
    Case,
    already_deleted,
    never_exported,
    skipped,
    update_outcome,
)
from ldapconnector.profiles.export._correlate import (
    Ambiguous,
    Refused,
    Snapshot,
    UniquenessCheck,
    correlate,
)
from ldapconnector.profiles.export._extensible import with_extensible_object
from ldapconnector.profiles.export._flows import (
    plan_disable,
    plan_enable,
)
from ldapconnector.profiles.export._intents import heal_intent
from ldapconnector.profiles.export._links import LinkWriter, current_link, marked_link
from ldapconnector.profiles.export._memo import Inputs, PlannedUpdate, RunDigest, settled_entry
from ldapconnector.profiles.export._operations import (
    AddOperation,
    DeleteOperation,
    Operation,
    PlanFailure,
)
from ldapconnector.profiles.export._plan import needs_create_only_values, plan_create, plan_update
from ldapconnector.profiles.export._report import ExportOutcome, ObjectResult, failed
from ldapconnector.profiles.export._request import ExportRequest
from ldapconnector.profiles.export._send import final_dn
from ldapconnector.profiles.export._sinks import CreateJob, Outcome, Sink
from ldapconnector.profiles.export._transitions import (
    RecordFlag,
    Step,
    is_linked,
    link_status,
    record_flag,
    step_for,
)
from ldapconnector.profiles.export._unchanged import unchanged_by_digest
from ldapconnector.space import Link, LinkState

__all__ = ["RecordExporter"]

Record = Mapping[str, object]


@attrs.define
class RecordExporter:
    """Exports records one at a time for one run (stateful: the parent cache and claims).

    Args:
        request: the run's request.
        sink: where the operations go (a sender, or a plan's recorder).
        links: where the links go (the store, or nowhere for a plan).
        unique: the ``SelectUniqueValue`` check, when a mapping uses it.
        snapshot: the entries read at the start of the run, when the runner read them.
        digests: the run's digests of updates found in line, when it keeps them.
    """

    request: ExportRequest
    sink: Sink
    links: LinkWriter
    unique: UniquenessCheck | None = None
    snapshot: Snapshot | None = None
    digests: RunDigest | None = None
    _parents: dict[str, bool] = attrs.field(factory=dict, init=False)

    def export(self, record: Record, *, retried: bool = False) -> Outcome:
        """Export one record (may raise TransportError: the runner reconnects and retries)."""
        source_id = source_id_of(record)
        if source_id is None:
            return failed(None, "the record has no 'id'")
        if retried:
            self._heal_own(source_id)
        elif self.digests is not None and self.snapshot is not None:
            known = unchanged_by_digest(self.digests, self.snapshot, source_id, record)
            if known is not None:
                return known
        link = self.request.store.get_by_source(source_id)
        return self._take(source_id, record, record_flag(record), link, retried=retried)

    def _heal_own(self, source_id: str) -> None:
        """An add whose answer the lost connection swallowed is linked before the retry.

        Else the retry, not knowing the entry is its own, could add the user again at the
        next free ``SelectUniqueValue`` DN.
        """
        intent = self.request.store.get_intent(source_id)
        if intent is not None:
            heal_intent(self.request, intent)

    def prune(self, link: Link, *, retried: bool = False) -> Outcome:
        """Send a linked user missing from the input through the delete flow."""
        return self._take(link.source_id, {}, RecordFlag.DELETED, link, retried=retried)

    def _take(
        self, source_id: str, record: Record, flag: RecordFlag, link: Link | None, *, retried: bool
    ) -> Outcome:
        """Find the entry, look the step up in the table, and take it."""
        status = link_status(link)
        entry = None
        if link is not None and is_linked(status):
            entry = self._resolve(link.anchor, live=retried)
        flow = self.request.flow_for(flag)
        step = step_for(flag, status, found=entry is not None, flow=flow.kind)
        case = Case(
            source_id=source_id, record=record, flag=flag, link=link, retried=retried,
            entry=entry, flow=flow,
        )  # fmt: skip
        return _STEPS[step](self, case)

    # ------------------------------------------------------------------ deprovisioning

    def _deprovision(self, case: Case) -> Outcome:
        """Delete or disable: the flow's operations, then the link's new state."""
        link, entry = case.linked, case.found
        operations = plan_disable(case.flow, entry)
        if isinstance(operations, PlanFailure):
            return failed(case.source_id, operations, dn=entry.dn, anchor=link.anchor)
        deletes = any(isinstance(op, DeleteOperation) for op in operations)

        def done() -> ObjectResult:  # once the directory confirmed the operations
            self._mark(link, LinkState.DELETED if deletes else LinkState.DISABLED, entry.dn)
            if not operations:
                outcome = ExportOutcome.UNCHANGED
            else:
                outcome = ExportOutcome.DELETED if deletes else ExportOutcome.DISABLED
            return ObjectResult(
                id=case.source_id, outcome=outcome, dn=entry.dn, anchor=link.anchor,
                operations=operations,
            )  # fmt: skip

        def refused(error: LdapOperationError) -> ObjectResult:
            # The server refused the disable or delete: the result names the entry it
            # concerns (a lost connection is not caught: the runner reconnects and retries).
            return failed(
                case.source_id, error, dn=entry.dn, anchor=link.anchor, operations=operations
            )

        return self.sink.send(operations, done, refused)

    def _mark_deleted(self, case: Case) -> ObjectResult:
        """The entry is gone already: deleting it is done, the link says so."""
        link = case.linked
        self._mark(link, LinkState.DELETED, link.dn)
        return ObjectResult(
            id=case.source_id, outcome=ExportOutcome.DELETED, dn=link.dn, anchor=link.anchor
        )

    def _mark(self, link: Link, state: LinkState, dn: str) -> None:
        marked = marked_link(link, state, dn)
        if marked is not None:
            self.links.put(marked, link)

    # ------------------------------------------------------------------ update / join

    def _update_linked(self, case: Case) -> Outcome:
        return self._update(case.source_id, case.record, case.found, case.link)

    def _desired(
        self, source_id: str, record: Record, *, own_dn: str | None, creating: bool
    ) -> DesiredEntry | MappingFailure:
        context = None
        if self.unique is not None:
            context = EvaluationContext(is_unique=self.unique.for_record(source_id, own_dn))
        return self.request.mappings.apply(record, context=context, creating=creating)

    def _shaped(self, desired: DesiredEntry, held: Sequence[str] = ()) -> DesiredEntry:
        """The desired entry as it must be sent: attribute aliases, ``extensibleObject``."""
        schema = self.request.schema
        return with_extensible_object(with_aliases(desired, schema), schema, held=held)

    def _enable(self, link: Link | None, entry: Entry) -> tuple[Operation, ...] | PlanFailure:
        if link is None or link.state is not LinkState.DISABLED:
            return ()
        for flow in (self.request.disable_flow, self.request.delete_flow):
            operations = plan_enable(flow, entry)
            if operations:
                return operations
        return ()

    def _known(
        self, source_id: str, inputs: Inputs, entry: Entry, link: Link | None
    ) -> tuple[str | None, bool]:
        """The digest of the update's inputs (when the run keeps digests), and whether the
        last run found the same inputs in line."""
        if self.digests is None or link is None:
            return None, False
        digest = self.digests.of(inputs, entry, link)
        return digest, self.digests.in_line(source_id, digest)

    def _planned_update(
        self, source_id: str, record: Record, entry: Entry, link: Link | None
    ) -> PlannedUpdate | MappingFailure | PlanFailure | None:
        """The desired entry, the operations (enable, rename, modify), whether they enable.

        None: inputs a previous run found in line (the same digest) are in line again, and
        the plan is not made (see :mod:`~ldapconnector.profiles.export._memo`); when the
        digest covers the source record, the record is not even mapped.
        """
        source = self.digests.source_key(source_id, record) if self.digests else None
        digest, known = self._known(source_id, source, entry, link) if source else (None, False)
        if known:
            return None
        mapped = self._desired(source_id, record, own_dn=entry.dn, creating=False)
        if isinstance(mapped, MappingFailure):
            return mapped
        if source is None:
            digest, known = self._known(source_id, mapped, entry, link)
            if known:
                return None
        desired: DesiredEntry | MappingFailure = mapped
        if needs_create_only_values(mapped, entry, self.request.schema):
            # An auxiliary class is being added: its required values may be create-only.
            desired = self._desired(source_id, record, own_dn=entry.dn, creating=True)
        if isinstance(desired, MappingFailure):
            return desired
        desired = self._shaped(desired, held=entry.texts(OBJECT_CLASS_TARGET))
        enable = self._enable(link, entry)
        if isinstance(enable, PlanFailure):
            return enable
        update = plan_update(desired, entry, self.request.schema, options=self.request.options)
        if isinstance(update, PlanFailure):
            return update
        return PlannedUpdate(
            mapped=mapped, desired=desired, operations=(*enable, *update),
            enabled=bool(enable), digest=digest, source=source,
        )  # fmt: skip

    def _update(
        self,
        source_id: str,
        record: Record,
        entry: Entry,
        link: Link | None,
        *,
        joined: bool = False,
    ) -> Outcome:
        anchor = self.request.anchor_of(entry)
        planned = self._planned_update(source_id, record, entry, link)
        if isinstance(planned, MappingFailure | PlanFailure):
            return failed(source_id, planned, dn=entry.dn, anchor=anchor)
        operations = planned.operations if planned is not None else ()
        dn = final_dn(entry.dn, operations)
        if anchor.kind is AnchorKind.DN:
            anchor = Anchor.from_directory(AnchorKind.DN, dn)
        outcome = update_outcome(
            operations, joined=joined, enabled=planned is not None and planned.enabled
        )
        if planned is None:  # in line by digest: the link is as the run that found it left it
            return ObjectResult(id=source_id, outcome=outcome, dn=dn, anchor=anchor)

        def done() -> ObjectResult:  # once the directory confirmed the operations
            fresh = current_link(source_id, anchor, dn, planned.desired, link)
            if fresh is not None:
                self.links.put(fresh, link)
            if link is not None:
                self._in_line(source_id, planned, entry, link, fresh)
            return ObjectResult(
                id=source_id, outcome=outcome, dn=dn, anchor=anchor, operations=operations
            )

        return self.sink.send(operations, done)

    def _in_line(
        self, source_id: str, planned: PlannedUpdate, entry: Entry, link: Link, fresh: Link | None
    ) -> None:
        """Keep the digest of inputs in line (an empty plan, a modify's result) for next time."""
        if self.digests is None or planned.digest is None:
            return
        found: Entry | None = entry
        if planned.operations:  # confirmed by the directory: in line as predicted?
            found = settled_entry(
                planned, entry, self.request.schema, self.request.options, self._shaped
            )
        self.digests.keep(source_id, planned, found, fresh or link, same=fresh is None)

    def _create_or_join(self, case: Case) -> Outcome:
        desired = self._desired(case.source_id, case.record, own_dn=None, creating=True)
        if isinstance(desired, MappingFailure):
            return failed(case.source_id, desired)
        desired = self._shaped(desired)
        found = self._correlate(desired, retried=case.retried)
        if isinstance(found, Ambiguous | Refused):
            return failed(case.source_id, found)
        if found is not None:
            return self._join(case.source_id, case.record, found)
        return self._create(case.source_id, case.record, desired, retried=case.retried)

    def _correlate(
        self, desired: DesiredEntry, *, retried: bool
    ) -> Entry | Ambiguous | Refused | None:
        structural = self.request.schema.structural_class_of(desired.object_classes)
        object_class = structural.name if structural is not None else None
        if self.snapshot is not None and not retried:
            self.sink.before_correlate(desired, object_class)
            return self.snapshot.correlate(desired, object_class=object_class)
        return correlate(
            self.request.connection(), self.request.search_bases, desired,
            schema=self.request.schema, object_class=object_class,
            attributes=self.request.read_attributes,
        )  # fmt: skip

    def _join(self, source_id: str, record: Record, entry: Entry) -> Outcome:
        anchor = self.request.anchor_of(entry)
        holder = self.request.store.get_by_anchor(anchor)
        if (
            holder is not None
            and holder.source_id != source_id
            and holder.state is not LinkState.DELETED
        ):
            return failed(
                source_id,
                f"the matching entry {entry.dn} is linked to source id {holder.source_id!r} "
                "already; nothing was written for this record",
                dn=entry.dn, anchor=anchor,
            )  # fmt: skip
        own = self.request.store.get_by_source(source_id)
        return self._update(source_id, record, entry, own, joined=True)

    # ------------------------------------------------------------------ create

    def _create(
        self, source_id: str, record: Record, desired: DesiredEntry, *, retried: bool
    ) -> Outcome:
        planned = plan_create(desired, self.request.schema, options=self.request.options)
        if isinstance(planned, PlanFailure):
            return failed(source_id, planned, dn=desired.dn)
        add = planned[0]
        if not isinstance(add, AddOperation):  # pragma: no cover - plan_create adds first
            return failed(source_id, "the create plan does not start with an add")
        missing = self._missing_parent(add.dn)
        if missing is not None:
            return failed(
                source_id,
                f"the parent container {missing} of {add.dn} does not exist; containers are "
                "never created implicitly",
                dn=add.dn,
            )  # fmt: skip
        job = CreateJob(source_id=source_id, desired=desired, add=add, planned=planned)

        def refused(error: LdapOperationError) -> Outcome:  # the add made nothing
            if isinstance(error, AlreadyExistsError):
                return self._exists(source_id, record, add, error, retried=retried)
            if isinstance(error, NoSuchObjectError):
                self._parents.pop(parent_dn(add.dn).lower(), None)
                return failed(
                    source_id, f"the parent container of {add.dn} does not exist", dn=add.dn
                )
            return ObjectResult(id=source_id, outcome=ExportOutcome.FAILED, error=str(error))

        return self.sink.create(job, refused)

    def _exists(
        self,
        source_id: str,
        record: Record,
        add: AddOperation,
        error: AlreadyExistsError,
        *,
        retried: bool,
    ) -> Outcome:
        """An add met "already exists": join our own add whose reply was lost, else fail."""
        entry = self.request.connection().read_entry(add.dn, self.request.read_attributes)
        if retried and entry is not None:
            return self._join(source_id, record, entry)
        return failed(
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
            found = self.request.connection().read_entry(parent, ("1.1",))
            self._parents[key] = found is not None
        return None if self._parents[key] else parent

    def _resolve(self, anchor: Anchor, *, live: bool) -> Entry | None:
        """The entry an anchor names: from the snapshot, or from the directory when ``live``."""
        if self.snapshot is not None and not live:
            return self.snapshot.get(anchor.key)
        return self.request.resolve(anchor, self.request.read_attributes)


#: Each step of the transition table and what takes it.
_STEPS: Mapping[Step, Callable[[RecordExporter, Case], Outcome]] = MappingProxyType(
    {
        Step.UPDATE: RecordExporter._update_linked,
        Step.CREATE_OR_JOIN: RecordExporter._create_or_join,
        Step.DELETE: RecordExporter._deprovision,
        Step.DISABLE: RecordExporter._deprovision,
        Step.MARK_DELETED: RecordExporter._mark_deleted,
        Step.ALREADY_DELETED: already_deleted,
        Step.SKIP_NEVER_EXPORTED: never_exported,
        Step.SKIP_FLOW_NONE: skipped("the flow is 'none'"),
        Step.SKIP_ENTRY_GONE: skipped("the linked entry no longer exists"),
    }
)
