"""One record on its way through the engine, and the results of the steps that only report.

:class:`Case` carries what the record exporter found for a record (its link, its entry,
the flow its flag selects); the step functions here make a result from it alone, and
:func:`update_outcome` names what an update's operations did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs

from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import Entry
from ldapconnector.profiles.export._flows import DeprovisionFlow
from ldapconnector.profiles.export._operations import ModifyDnOperation, Operation
from ldapconnector.profiles.export._report import ExportOutcome, ObjectResult
from ldapconnector.profiles.export._transitions import RecordFlag
from ldapconnector.space import Link

__all__ = ["Case", "already_deleted", "never_exported", "skipped", "update_outcome"]

Record = Mapping[str, object]


@attrs.frozen(kw_only=True)
class Case:
    """One record (or pruned link) on its way through the engine.

    Attributes:
        source_id: the record's id.
        record: the source record (empty for a pruned link).
        flag: the record's flag (deleted for a pruned link).
        link: the record's link, if any.
        retried: exported again after a lost connection (read live, not from the snapshot).
        entry: the linked entry as it is now, when found.
        flow: the flow the flag selects.
    """

    source_id: str
    record: Record
    flag: RecordFlag
    link: Link | None
    retried: bool
    entry: Entry | None
    flow: DeprovisionFlow

    @property
    def linked(self) -> Link:
        """The link, which the table guarantees for the steps that use it."""
        if self.link is None:  # pragma: no cover - the transition table rules it out
            raise InvalidRequestError(f"no link for {self.source_id!r} in a linked step")
        return self.link

    @property
    def found(self) -> Entry:
        """The entry, which the table guarantees for the steps that use it."""
        if self.entry is None:  # pragma: no cover - the transition table rules it out
            raise InvalidRequestError(f"no entry for {self.source_id!r} in a step that needs one")
        return self.entry


def never_exported(_: object, case: Case) -> ObjectResult:
    return ObjectResult(
        id=case.source_id, outcome=ExportOutcome.SKIPPED, error="never exported: no link"
    )


def already_deleted(_: object, case: Case) -> ObjectResult:
    return ObjectResult(id=case.source_id, outcome=ExportOutcome.UNCHANGED, dn=case.linked.dn)


def skipped(reason: str) -> Callable[[object, Case], ObjectResult]:
    def skip(_: object, case: Case) -> ObjectResult:
        link = case.linked
        return ObjectResult(
            id=case.source_id, outcome=ExportOutcome.SKIPPED, dn=link.dn, anchor=link.anchor,
            error=reason,
        )  # fmt: skip

    return skip


def update_outcome(
    operations: Sequence[Operation], *, joined: bool, enabled: bool
) -> ExportOutcome:
    if joined:
        return ExportOutcome.JOINED
    if enabled:
        return ExportOutcome.ENABLED
    if any(isinstance(op, ModifyDnOperation) for op in operations):
        return ExportOutcome.RENAMED
    return ExportOutcome.UPDATED if operations else ExportOutcome.UNCHANGED
