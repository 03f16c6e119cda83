"""The export report: one result per source record, a summary, JSON and LDIF.

Like a provisioning log, every record gets exactly one :class:`ObjectResult`. The report
serialises to the CLI's JSON shape (docs/provisioning.md, ``export --json``) and renders every
planned or sent operation as LDIF change records. Neither form can contain a password or
a redacted value: operations hold none in readable form (see ``_operations``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

import attrs

from ldapconnector.anchors import Anchor
from ldapconnector.profiles.export._ldif_out import comment_lines
from ldapconnector.profiles.export._operations import Operation

__all__ = ["ExportOutcome", "ExportReport", "ObjectResult", "failed"]


class ExportOutcome(enum.Enum):
    """What an export did with one source record (the ``action`` of the JSON report)."""

    CREATED = "created"
    JOINED = "joined"  # correlated to an existing entry, linked, then updated if needed
    UPDATED = "updated"
    RENAMED = "renamed"  # a modify-DN, possibly followed by a modify
    DISABLED = "disabled"
    ENABLED = "enabled"
    DELETED = "deleted"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"  # e.g. a soft-deleted user never exported, a flow of "none"


def _operations(value: Iterable[Operation]) -> tuple[Operation, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ObjectResult:
    """The result for one source record.

    Attributes:
        id: the record's ``id`` (None when the record had none).
        outcome: what happened.
        dn: the entry's DN after the operations, when there is an entry.
        anchor: the entry's anchor, when known.
        operations: the operations planned (or sent) for the record, in order.
        error: the reason, for ``failed`` (and ``skipped`` when there is one).
    """

    id: str | None
    outcome: ExportOutcome
    dn: str | None = None
    anchor: Anchor | None = None
    operations: tuple[Operation, ...] = attrs.field(default=(), converter=_operations)
    error: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        """``{"id", "action", "dn", "anchor", "error"}`` (the anchor as its canonical text)."""
        return {
            "id": self.id,
            "action": self.outcome.value,
            "dn": self.dn,
            "anchor": self.anchor.value if self.anchor is not None else None,
            "error": self.error,
        }

    def ldif(self) -> str:
        """The record's operations as LDIF change records, after a comment naming it."""
        if not self.operations:
            return ""
        header = comment_lines(f"{self.id}: {self.outcome.value}")
        return header + "".join(operation.to_ldif() for operation in self.operations)


def failed(
    source_id: str | None,
    error: object,
    *,
    dn: str | None = None,
    anchor: Anchor | None = None,
    operations: Sequence[Operation] = (),
) -> ObjectResult:
    """A ``failed`` result, the error as its text."""
    return ObjectResult(
        id=source_id, outcome=ExportOutcome.FAILED, error=str(error), dn=dn, anchor=anchor,
        operations=operations,
    )  # fmt: skip


def _results(value: Iterable[ObjectResult]) -> tuple[ObjectResult, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ExportReport:
    """Everything an export (or a plan) did, record by record.

    Attributes:
        results: one result per source record (and per pruned entry), in input order.
        planned: True for a plan (dry run): the operations were not sent.
        error: a run-level failure (the mass-deletion guard, a lost server), if any.
    """

    results: tuple[ObjectResult, ...] = attrs.field(default=(), converter=_results)
    planned: bool = False
    error: str | None = None

    @property
    def summary(self) -> dict[str, int]:
        """How many records had each outcome; every outcome is listed, zeros included."""
        counts = {outcome.value: 0 for outcome in ExportOutcome}
        for result in self.results:
            counts[result.outcome.value] += 1
        return counts

    @property
    def failed(self) -> tuple[ObjectResult, ...]:
        """The results that failed."""
        return tuple(r for r in self.results if r.outcome is ExportOutcome.FAILED)

    @property
    def ok(self) -> bool:
        """Whether nothing failed (the CLI exits 0 then, 1 otherwise)."""
        return self.error is None and not self.failed

    def ldif(self) -> str:
        """Every operation of every result as RFC 2849 change records, in order."""
        return "version: 1\n" + "".join(result.ldif() for result in self.results)

    def to_json_dict(self, *, include_ldif: bool | None = None) -> dict[str, object]:
        """The ``export --json`` document: ``{"summary", "results"}`` (docs/provisioning.md).

        Args:
            include_ldif: add ``"ldif"``; by default only for a plan (``--plan``).
        """
        document: dict[str, object] = {
            "summary": self.summary,
            "results": [result.to_json_dict() for result in self.results],
        }
        if self.error is not None:
            document["error"] = self.error
        if include_ldif if include_ldif is not None else self.planned:
            document["ldif"] = self.ldif()
        return document
