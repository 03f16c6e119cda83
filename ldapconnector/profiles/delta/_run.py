"""The Delta Import run profile: changes since the watermark, delivered at least once.

:func:`start_delta_import` takes one :class:`~ldapconnector.profiles.delta.DeltaImportRequest`,
checks the stored watermark against the change source (raising
:class:`~ldapconnector.errors.FullImportRequiredError` when the source no longer reaches
back to it), then returns a :class:`~ldapconnector.profiles.delta.DeltaImportResult`: an
iterable of :class:`~ldapconnector.profiles.delta.ChangeBatch` values, each a run of at
most ``batch_size`` log entries with the in-scope change records decoded from them. **The
watermark moves past a batch only when the caller asks for the next one** (or the
iteration ends): the body of ``for batch in result:`` is the handler, and a batch whose
body raised, or after which the loop broke or the process died, is read again by the next
run. So every change is delivered at least once, and possibly twice after a crash:
consumers apply changes idempotently (by anchor). Log entries that decode to nothing
(failed operations, bookkeeping) or fall out of scope (other bases, other classes, ignored
actors: :class:`~ldapconnector.profiles.delta._scope.ChangeScope`) move the watermark on
without being delivered. :func:`run_delta_import` is the same with keyword arguments.

A first run (no watermark stored) records the source's current end and delivers nothing:
it does not replay history; a full import is how the present state is read.

The watermark is one :class:`~ldapconnector.space.Watermark` per ``profile_key`` whose
value is JSON: ``{"source": "accesslog", ...reader state}`` (``_watermark.py``).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import attrs

from ldapconnector.anchors import Anchor, AnchorStrategy
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.profiles.delta._changes import ChangeRecord, ChangeType
from ldapconnector.profiles.delta._lease import DeltaLease
from ldapconnector.profiles.delta._member_changes import membership_change
from ldapconnector.profiles.delta._reader import (
    ChangeReader,
    DeletesProbe,
    FullImportRequiredError,
    ImpliesChanges,
    LogItem,
    ReaderState,
)
from ldapconnector.profiles.delta._request import DEFAULT_DELTA_BATCH_SIZE, DeltaImportRequest
from ldapconnector.profiles.delta._result import ChangeBatch, DeltaImportResult, DeltaProgress
from ldapconnector.profiles.delta._scope import ChangeScope
from ldapconnector.profiles.delta._sources import make_reader, reader_spec
from ldapconnector.profiles.delta._usn_reader import KnownDn
from ldapconnector.profiles.delta._watermark import (
    DELTA_WATERMARK_KEY,
    decode_watermark,
    encode_watermark,
)
from ldapconnector.profiles.export import MemberResolver
from ldapconnector.space import LinkStore, Watermark

__all__ = ["FullImportRequiredError", "run_delta_import", "start_delta_import"]

log = logging.getLogger("ldapconnector.profiles")


@attrs.define
class _Run:
    """One delta import under way: reads, scopes, hands out and acknowledges batches."""

    connection: LdapConnection
    request: DeltaImportRequest
    reader: ChangeReader
    progress: DeltaProgress
    lease: DeltaLease
    scope: ChangeScope = attrs.field(init=False)

    @scope.default
    def _scope(self) -> ChangeScope:
        request = self.request
        return ChangeScope(
            self.connection,
            request.bases,
            request.object_class,
            request.ignore_actors,
            dn_attribute=reader_spec(request.source, request.readers).scope_dn_attribute,
        )

    def acknowledge(self, value: str, records: Iterable[ChangeRecord] = ()) -> None:
        """Store the watermark, and what the records tell of DNs, in one transaction."""
        store = self.request.store
        with store.batch():
            self.lease.take()  # a run that lost its lease must not move the watermark
            for record in records:
                follow_change(store, record)
            store.set_watermark(Watermark(profile=self.request.profile_key, value=value))
        self.progress.watermark = value

    def stream(self, state: ReaderState) -> Iterator[ChangeBatch]:
        """The batches after ``state``; each is acknowledged when the next is asked for."""
        started = time.perf_counter()
        items = self.reader.read(self.connection, state)
        progress = self.progress
        try:
            while chunk := list(itertools.islice(items, self.request.batch_size)):
                batch = self._batch(chunk)
                progress.log_entries += batch.log_entries
                if batch.records:
                    progress.batches += 1
                    progress.changes += len(batch.records)
                    yield batch  # the caller handles the batch while the generator waits
                self.acknowledge(batch.watermark, batch.records)
                progress.seconds = time.perf_counter() - started
        finally:
            self.lease.release()
        progress.seconds = time.perf_counter() - started
        progress.finished = True
        log.info("delta import: %d changes in %.2f s", progress.changes, progress.seconds)

    def _batch(self, chunk: list[LogItem]) -> ChangeBatch:
        decoded = [i.record for i in chunk if i.record is not None]
        if isinstance(self.reader, ImpliesChanges) and decoded:
            # The implied re-reads join the same batch: at least once, like their cause.
            decoded.extend(self.reader.implied(self.connection, decoded))
        self.scope.prefetch(decoded)
        kept = [record for record in decoded if self.scope.keep(record)]
        return ChangeBatch(
            records=tuple(with_membership(record, self.request.members) for record in kept),
            log_entries=len(chunk),
            watermark=encode_watermark(self.reader.source, chunk[-1].state),
        )


def with_membership(record: ChangeRecord, members: MemberResolver | None) -> ChangeRecord:
    """The record with its ``membership`` (a group type's), or as it is."""
    if members is None:
        return record
    settings = members.settings
    change = membership_change(record, settings.attribute, settings.value_kind, members.members)
    return record if change is None else attrs.evolve(record, membership=change)


def follow_change(store: LinkStore, record: ChangeRecord) -> None:
    """Keep the connector space's DNs current: renames move, deletes drop, adds appear.

    Links (source id <-> anchor) follow renames as a full import makes them; the import
    cache (what export correlation searches) gains added entries and loses deleted ones.
    """
    anchor = record.anchor
    if anchor is None:
        return
    imported = store.get_imported(anchor)
    if record.type is ChangeType.DELETE:
        if imported is not None:
            store.forget_import(anchor)
        return
    if imported is None or imported.dn != record.dn:
        matching = imported.matching_values if imported is not None else {}
        store.record_import(anchor, record.dn, matching)
    link = store.get_by_anchor(anchor)
    if link is not None and record.type is ChangeType.RENAME and link.dn != record.dn:
        store.put(attrs.evolve(link, dn=record.dn, updated=datetime.now(UTC)))


def _known_dn(store: LinkStore) -> KnownDn:
    def known(anchor: Anchor) -> str | None:
        imported = store.get_imported(anchor)
        if imported is not None:
            return imported.dn
        link = store.get_by_anchor(anchor)
        return link.dn if link is not None else None

    return known


def _reader(request: DeltaImportRequest) -> ChangeReader:
    return make_reader(
        request.source,
        change_log_dn=request.change_log_dn,
        anchor_strategy=request.anchor_strategy,
        bases=request.bases,
        object_class=request.object_class,
        known_dn=_known_dn(request.store),
        implied_overlays=request.implied_overlays,
        readers=request.readers,
    )


def _deletes_covered(reader: ChangeReader, connection: LdapConnection) -> bool:
    if reader.deletes_covered and isinstance(reader, DeletesProbe):
        return reader.deletes_visible(connection)
    return reader.deletes_covered


def start_delta_import(
    connection: LdapConnection, request: DeltaImportRequest
) -> DeltaImportResult:
    """Start a delta import; iterate the result (or call ``run``) to receive the changes.

    Args:
        connection: a bound connection that may read the change source.
        request: what to read, and where the watermark lives.

    Raises:
        FullImportRequiredError: the watermark is older than the log, or not resumable.
        ConfigurationError: the source is unsupported or cannot carry the anchor kind.
        LdapOperationError, TransportError: the server failed (also while iterating).
    """
    reader = _reader(request)
    lease = DeltaLease(request.store, request.profile_key)
    lease.take()  # before the watermark is read: one delta importer per connector space
    try:
        return _start(connection, request, reader, lease)
    except BaseException:
        lease.release()
        raise


def _start(
    connection: LdapConnection, request: DeltaImportRequest, reader: ChangeReader, lease: DeltaLease
) -> DeltaImportResult:
    stored = None if request.reset else request.store.get_watermark(request.profile_key)
    covered = _deletes_covered(reader, connection)
    if stored is None:
        progress = DeltaProgress(watermark="", finished=True)
        run = _Run(connection, request, reader, progress, lease)
        run.acknowledge(encode_watermark(request.source, reader.baseline(connection)))
        lease.release()
        log.info("delta import: first run, watermark established at %s", run.progress.watermark)
        return DeltaImportResult(
            source=request.source, baseline=True, deletes_covered=covered, progress=run.progress
        )
    state = decode_watermark(request.source, stored.value)
    reader.check(connection, state)
    run = _Run(connection, request, reader, DeltaProgress(watermark=stored.value), lease)
    return DeltaImportResult(
        source=request.source,
        baseline=False,
        deletes_covered=covered,
        progress=run.progress,
        pending=run.stream(state),
    )


def run_delta_import(
    connection: LdapConnection,
    source: DeltaSource,
    *,
    store: LinkStore,
    bases: Iterable[str],
    anchor_strategy: AnchorStrategy,
    profile_key: str = DELTA_WATERMARK_KEY,
    change_log_dn: str | None = None,
    object_class: str | None = None,
    ignore_actors: Iterable[str] = (),
    batch_size: int = DEFAULT_DELTA_BATCH_SIZE,
    reset: bool = False,
    implied_overlays: Iterable[str] | None = None,
) -> DeltaImportResult:
    """Start a delta import from keyword arguments (see :func:`start_delta_import`).

    The arguments are the fields of :class:`~ldapconnector.profiles.delta.DeltaImportRequest`,
    which documents them.

    Raises:
        InvalidRequestError: ``batch_size`` is below 1.
        FullImportRequiredError: the watermark is older than the log, or not resumable.
        ConfigurationError: the source is unsupported or cannot carry the anchor kind.
        LdapOperationError, TransportError: the server failed (also while iterating).
    """
    request = DeltaImportRequest(
        source=source,
        store=store,
        bases=bases,
        anchor_strategy=anchor_strategy,
        profile_key=profile_key,
        change_log_dn=change_log_dn,
        object_class=object_class,
        ignore_actors=ignore_actors,
        batch_size=batch_size,
        reset=reset,
        implied_overlays=implied_overlays,
    )
    return start_delta_import(connection, request)
