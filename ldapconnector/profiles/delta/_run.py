"""The Delta Import run profile: changes since the watermark, delivered at least once.

:func:`run_delta_import` checks the stored watermark against the change source (raising
:class:`FullImportRequiredError` when the source no longer reaches back to it), then
returns a :class:`DeltaImportResult`: an iterable of :class:`ChangeBatch` values, each a
run of at most ``batch_size`` log entries with the in-scope change records decoded from
them. **The watermark moves past a batch only when the caller asks for the next one** (or
the iteration ends): the body of ``for batch in result:`` is the handler, and a batch
whose body raised, or after which the loop broke or the process died, is read again by
the next run. So every change is delivered at least once, and possibly twice after a
crash: consumers apply changes idempotently (by anchor). Log entries that decode to
nothing (failed operations, bookkeeping) or fall out of scope (other bases, other classes,
ignored actors: :class:`~ldapconnector.profiles.delta._scope.ChangeScope`) move the
watermark on without being delivered.

A first run (no watermark stored) records the source's current end and delivers nothing:
it does not replay history; a full import is how the present state is read.

The watermark is one :class:`~ldapconnector.space.Watermark` per ``profile_key`` whose
value is JSON: ``{"source": "accesslog", ...reader state}``.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

import attrs

from ldapconnector.anchors import Anchor, AnchorStrategy
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import InvalidRequestError
from ldapconnector.profiles.delta._changes import ChangeRecord, ChangeType
from ldapconnector.profiles.delta._reader import (
    ChangeReader,
    DeletesProbe,
    FullImportRequiredError,
    ImpliesChanges,
    LogItem,
    ReaderState,
)
from ldapconnector.profiles.delta._scope import ChangeScope
from ldapconnector.profiles.delta._sources import make_reader, reader_spec
from ldapconnector.profiles.delta._usn_reader import KnownDn
from ldapconnector.space import LinkStore, Watermark

__all__ = [
    "ChangeBatch",
    "DeltaImportResult",
    "FullImportRequiredError",
    "run_delta_import",
    "watermark_source",
]

log = logging.getLogger("ldapconnector.profiles")


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


@attrs.define
class DeltaImportResult:
    """The changes a delta import delivers, batch by batch (see the module docstring).

    Iterate it once, or pass a handler to :meth:`run`. ``changes``, ``log_entries``,
    ``batches`` and ``seconds`` are final when ``finished`` is True.

    Attributes:
        source: the change source read.
        baseline: True when this run only established the first watermark.
        deletes_covered: False when the source cannot see deletes (timestamps), or the
            account cannot see them (AD tombstones without rights on Deleted Objects; a
            warning names the account): run full imports to find them.
        watermark: the last acknowledged watermark value.
    """

    source: DeltaSource
    baseline: bool
    deletes_covered: bool
    watermark: str
    _pending: Iterator[ChangeBatch] = attrs.field(factory=lambda: iter(()), repr=False)
    changes: int = 0
    log_entries: int = 0
    batches: int = 0
    seconds: float = 0.0
    finished: bool = False

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


def encode_watermark(source: DeltaSource, state: ReaderState) -> str:
    """The stored form of a reader state: compact JSON with the source first."""
    return json.dumps({"source": source.value, **state}, separators=(",", ":"), sort_keys=True)


def watermark_source(stored: Watermark | None) -> DeltaSource | None:
    """The source a stored delta watermark belongs to, or None (none, or unreadable)."""
    if stored is None:
        return None
    try:
        value = json.loads(stored.value)
        return DeltaSource(value["source"]) if isinstance(value, dict) else None
    except (ValueError, KeyError):
        return None


def decode_watermark(source: DeltaSource, value: str) -> ReaderState:
    """The reader state in a stored watermark.

    Raises:
        FullImportRequiredError: the value is not ours or belongs to another source.
    """
    try:
        state = json.loads(value)
    except ValueError:
        state = None
    if not isinstance(state, dict):
        raise FullImportRequiredError(f"the stored watermark is not a delta state: {value!r}")
    found = state.pop("source", None)
    if found != source.value:
        raise FullImportRequiredError(
            f"the stored watermark belongs to the {found!r} source, not {source.value!r}"
        )
    return state


def _stream(
    reader: ChangeReader,
    connection: LdapConnection,
    state: ReaderState,
    context: _Context,
) -> Iterator[ChangeBatch]:
    started = time.perf_counter()
    items = reader.read(connection, state)
    result = context.result
    while chunk := list(itertools.islice(items, context.batch_size)):
        batch = _batch(reader, connection, chunk, context.scope)
        result.log_entries += batch.log_entries
        if batch.records:
            result.batches += 1
            result.changes += len(batch.records)
            yield batch  # the caller handles the batch while the generator waits here
        context.acknowledge(batch.watermark, batch.records)
        result.seconds = time.perf_counter() - started
    result.seconds = time.perf_counter() - started
    result.finished = True
    log.info("delta import: %d changes in %.2f s", result.changes, result.seconds)


def _batch(
    reader: ChangeReader, connection: LdapConnection, chunk: list[LogItem], scope: ChangeScope
) -> ChangeBatch:
    decoded = [i.record for i in chunk if i.record is not None]
    if isinstance(reader, ImpliesChanges) and decoded:
        decoded.extend(reader.implied(connection, decoded))  # same batch: at least once
    scope.prefetch(decoded)
    return ChangeBatch(
        records=tuple(record for record in decoded if scope.keep(record)),
        log_entries=len(chunk),
        watermark=encode_watermark(reader.source, chunk[-1].state),
    )


@attrs.define
class _Context:
    store: LinkStore
    profile_key: str
    scope: ChangeScope
    batch_size: int
    result: DeltaImportResult

    def acknowledge(self, value: str, records: Iterable[ChangeRecord] = ()) -> None:
        """Store the watermark, and what the records tell of DNs, in one transaction."""
        with self.store.batch():
            for record in records:
                follow_change(self.store, record)
            self.store.set_watermark(Watermark(profile=self.profile_key, value=value))
        self.result.watermark = value


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


def run_delta_import(
    connection: LdapConnection,
    source: DeltaSource,
    *,
    store: LinkStore,
    bases: Iterable[str],
    anchor_strategy: AnchorStrategy,
    profile_key: str = "delta_import",
    change_log_dn: str | None = None,
    object_class: str | None = None,
    ignore_actors: Iterable[str] = (),
    batch_size: int = 500,
    reset: bool = False,
    implied_overlays: Iterable[str] | None = None,
) -> DeltaImportResult:
    """Start a delta import; iterate the result (or call ``run``) to receive the changes.

    Args:
        connection: a bound connection that may read the change source.
        source: the change source (``ServerInfo.delta_source`` or the configuration).
        store: the link store holding the watermark.
        bases: where the configured objects live; changes elsewhere are not reported.
        anchor_strategy: the configured anchor (the kind the records carry).
        profile_key: the watermark's key in the store.
        change_log_dn: the log's DN (``cn=accesslog``, ``cn=changelog``); a default per
            source when None.
        object_class: the configured structural class; None for any.
        ignore_actors: bind DNs whose writes are not reported (the connector's own).
        batch_size: log entries per batch (per acknowledgement).
        reset: forget the stored watermark and establish a new one (after a full import).
        implied_overlays: accesslog only: the overlays whose unlogged writes are re-read
            (``memberof``, ``refint``; None: both, ``()``: none). See ``_delta_implied.py``.

    Raises:
        FullImportRequiredError: the watermark is older than the log, or not resumable.
        ConfigurationError: the source is unsupported or cannot carry the anchor kind.
        LdapOperationError, TransportError: the server failed (also while iterating).
    """
    if batch_size < 1:
        raise InvalidRequestError(f"batch_size must be >= 1, got {batch_size}")
    base_tuple = tuple(bases)
    reader = make_reader(
        source,
        change_log_dn=change_log_dn,
        anchor_strategy=anchor_strategy,
        bases=base_tuple,
        object_class=object_class,
        known_dn=_known_dn(store),
        implied_overlays=implied_overlays,
    )
    stored = None if reset else store.get_watermark(profile_key)
    covered = reader.deletes_covered
    if covered and isinstance(reader, DeletesProbe):
        covered = reader.deletes_visible(connection)
    result = DeltaImportResult(
        source=source, baseline=stored is None, deletes_covered=covered, watermark=""
    )
    context = _Context(
        store=store,
        profile_key=profile_key,
        scope=ChangeScope(
            connection,
            base_tuple,
            object_class,
            ignore_actors,
            dn_attribute=reader_spec(source).scope_dn_attribute,
        ),
        batch_size=batch_size,
        result=result,
    )
    if stored is None:
        context.acknowledge(encode_watermark(source, reader.baseline(connection)))
        result.finished = True
        log.info("delta import: first run, watermark established at %s", result.watermark)
        return result
    state = decode_watermark(source, stored.value)
    reader.check(connection, state)
    result.watermark = stored.value
    result._pending = _stream(reader, connection, state, context)
    return result
