"""What a delta import hands out: batches of change records, and the run's counters.

:class:`DeltaImportResult` is built whole by the runner: the batch stream and the
:class:`DeltaProgress` that stream updates as the caller takes batch after batch, so the
counters it shows are final when ``finished`` is True.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from ldapconnector.detect import DeltaSource, as_delta_source
from ldapconnector.profiles.delta._changes import ChangeRecord

__all__ = ["ChangeBatch", "DeltaImportResult", "DeltaProgress"]


@attrs.frozen(kw_only=True)
class ChangeBatch:
    """One acknowledged unit of a delta import.

    Attributes:
        records: the in-scope changes, in the order they were made (may repeat an entry).
        log_entries: how many log entries (or, for USN, DirSync and timestamps, objects) the batch
            covers, delivered or not.
        watermark: the watermark value stored once the batch is acknowledged.
    """

    records: tuple[ChangeRecord, ...]
    log_entries: int
    watermark: str


@attrs.define(kw_only=True)
class DeltaProgress:
    """The counters of one delta import, moved on as each batch is acknowledged.

    Attributes:
        watermark: the last acknowledged watermark value.
        changes: the records delivered so far.
        log_entries: the log entries (or objects) read so far, delivered or not.
        batches: the batches delivered so far (batches without records are not counted).
        seconds: the time spent reading so far.
        finished: True once the source's end was reached (or on a first run).
    """

    watermark: str
    changes: int = 0
    log_entries: int = 0
    batches: int = 0
    seconds: float = 0.0
    finished: bool = False


def _no_batches() -> Iterator[ChangeBatch]:
    return iter(())


@attrs.frozen(kw_only=True, eq=False)
class DeltaImportResult:
    """The changes a delta import delivers, batch by batch (see ``docs/delta-import.md``).

    Iterate it once, or pass a handler to :meth:`run`. ``changes``, ``log_entries``,
    ``batches`` and ``seconds`` are final when ``finished`` is True. **The watermark moves
    past a batch only when the caller asks for the next one** (or the iteration ends).

    Attributes:
        source: the change source read.
        baseline: True when this run only established the first watermark.
        deletes_covered: False when the source cannot see deletes (timestamps), or the
            account cannot see them (AD tombstones without rights on Deleted Objects; a
            warning names the account): run full imports to find them.
        progress: the counters the batch stream moves on.

    Args:
        pending: the batches to hand out (none on a first run).
    """

    source: DeltaSource = attrs.field(converter=as_delta_source)
    baseline: bool
    deletes_covered: bool
    progress: DeltaProgress = attrs.field(repr=False)
    _pending: Iterator[ChangeBatch] = attrs.field(factory=_no_batches, repr=False)

    @property
    def watermark(self) -> str:
        """The last acknowledged watermark value."""
        return self.progress.watermark

    @property
    def changes(self) -> int:
        """The records delivered so far."""
        return self.progress.changes

    @property
    def log_entries(self) -> int:
        """The log entries (or objects) read so far."""
        return self.progress.log_entries

    @property
    def batches(self) -> int:
        """The batches with records delivered so far."""
        return self.progress.batches

    @property
    def seconds(self) -> float:
        """The time spent reading so far."""
        return self.progress.seconds

    @property
    def finished(self) -> bool:
        """True once every batch was acknowledged (always on a first run)."""
        return self.progress.finished

    def __iter__(self) -> Iterator[ChangeBatch]:
        return self._pending

    def records(self) -> Iterator[ChangeRecord]:
        """The changes one by one; a batch is acknowledged when the next is started."""
        for batch in self:
            yield from batch.records

    def run(self, handler: Callable[[ChangeBatch], object]) -> DeltaImportResult:
        """Call ``handler`` for each batch; acknowledge each once it returns; return self."""
        for batch in self:
            handler(batch)
        return self

    def drain(self) -> DeltaImportResult:
        """Acknowledge every batch without looking at it (skip to the source's end)."""
        return self.run(lambda _batch: None)
