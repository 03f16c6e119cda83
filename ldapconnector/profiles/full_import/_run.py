"""The Full Import run profile: stream every object, fill the connector space.

Objects are read page by page with the paged-results control and handed to the caller
one at a time; the library never keeps them. Each page is recorded in the link store in
one transaction *before* its objects are yielded, so a caller that stops early leaves the
store consistent with what it has seen. Given a :class:`~ldapconnector.connection.Reconnector`,
a lost connection is reopened and the interrupted base read again from its start, skipping
the objects already handed out (by anchor): each object reaches the caller once.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Protocol, cast, runtime_checkable

import attrs

from ldapconnector.anchors import Anchor, anchors_of_entries
from ldapconnector.config import Paging
from ldapconnector.connection import LdapConnection, Reconnector, complete_ranged
from ldapconnector.errors import (
    AdminLimitExceededError,
    ConfigurationError,
    SizeLimitExceededError,
    TransportError,
)
from ldapconnector.model import Entry, GroupMember, Value
from ldapconnector.profiles.export import exposed_attributes
from ldapconnector.profiles.full_import._plan import ImportPlan
from ldapconnector.schema import Schema
from ldapconnector.space import ImportedObject, Link, LinkStore

__all__ = ["ImportCounts", "ImportProgress", "ImportResult", "ImportedEntry", "run_full_import"]

log = logging.getLogger("ldapconnector.profiles")


@attrs.frozen(kw_only=True)
class ImportedEntry:
    """One object read by an import.

    Attributes:
        anchor: the object's anchor.
        dn: its DN now.
        object_classes: its ``objectClass`` values.
        attributes: the attributes read (binary values as bytes), ``objectClass`` included.
        members: for a group type read with the members' link store, the group's members
            with their source ids (:func:`~ldapconnector.profiles.with_group_members`);
            None otherwise.
    """

    anchor: Anchor
    dn: str
    object_classes: tuple[str, ...]
    attributes: Mapping[str, tuple[Value, ...]]
    members: tuple[GroupMember, ...] | None = None


@attrs.frozen(kw_only=True)
class ImportProgress:
    """How far an import has got (passed to the progress callback after each page)."""

    base: str
    objects: int
    seconds: float


@attrs.define(kw_only=True)
class ImportCounts:
    """The counters of one full import, moved on page by page as the caller reads.

    Attributes:
        objects: the objects handed out so far.
        skipped: the entries left out because they carry no usable anchor.
        renamed: the links that followed a rename or move found by this import.
        seconds: the time spent reading so far.
        finished: True once every base was read to its end.
        reconnects: how often the connection was lost and reopened (the interrupted base
            was then read again, skipping the objects already handed out).
    """

    objects: int = 0
    skipped: int = 0
    renamed: int = 0
    seconds: float = 0.0
    finished: bool = False
    reconnects: int = 0


@attrs.frozen(kw_only=True, eq=False)
class ImportResult:
    """The objects an import yields, and its counts once they have all been read.

    Iterate it once (it streams); :meth:`drain` reads everything without keeping it.
    ``objects``, ``skipped``, ``renamed`` and ``seconds`` are final after the iteration.
    The runner builds it whole: the object stream and the :class:`ImportCounts` that
    stream moves on.

    Attributes:
        counts: the counters the object stream moves on.
    """

    counts: ImportCounts = attrs.field(factory=ImportCounts, repr=False)
    _entries: Iterator[ImportedEntry] = attrs.field(factory=lambda: iter(()), repr=False)

    @property
    def objects(self) -> int:
        """The objects handed out so far."""
        return self.counts.objects

    @property
    def skipped(self) -> int:
        """The entries left out so far for want of a usable anchor."""
        return self.counts.skipped

    @property
    def renamed(self) -> int:
        """The links that followed a rename or move so far."""
        return self.counts.renamed

    @property
    def seconds(self) -> float:
        """The time spent reading so far."""
        return self.counts.seconds

    @property
    def finished(self) -> bool:
        """True once every base was read to its end."""
        return self.counts.finished

    def __iter__(self) -> Iterator[ImportedEntry]:
        return self._entries

    def drain(self) -> ImportResult:
        """Read every object without keeping any; return self with the final counts."""
        for _ in self._entries:
            pass
        return self


def _texts(entry: Entry, name: str) -> tuple[str, ...]:
    """``entry.texts(name)``, without building a new tuple when every value is text."""
    values = entry.attributes.get(name)  # the name as spelled: no call to entry.get
    if values is None:
        values = entry.get(name)
    for value in values:
        if not isinstance(value, str):
            return entry.texts(name)
    return cast(tuple[str, ...], values)


def _text_column(entries: Sequence[Entry], name: str) -> list[tuple[str, ...]]:
    """:func:`_texts` of each entry: a page's column in one call, not a call per entry."""
    column: list[tuple[str, ...]] = []
    for entry in entries:
        values = entry.attributes.get(name)
        if values is None:
            values = entry.get(name)
        for value in values:
            if not isinstance(value, str):
                values = entry.texts(name)
                break
        column.append(cast(tuple[str, ...], values))
    return column


@runtime_checkable
class _ImportPages(Protocol):
    """A store with a cheaper path for import pages (``SqliteLinkStore``'s): a transaction
    committed without an fsync, and a page recorded from columns (no object per entry)."""

    def import_batch(self) -> AbstractContextManager[None]: ...

    def record_import_page(
        self,
        anchors: Sequence[Anchor],
        dns: Sequence[str],
        matching: Mapping[str, Sequence[Sequence[str]]],
    ) -> dict[Anchor, Link]: ...


def _record(
    store: LinkStore, page: list[ImportedEntry], plan: ImportPlan, raw: list[Entry]
) -> dict[Anchor, Link]:
    """Record the page's entries (inside the page's transaction); return their live links."""
    if isinstance(store, _ImportPages):
        matching = {name: _text_column(raw, name) for name in plan.matching_attributes}
        return store.record_import_page([o.anchor for o in page], [o.dn for o in page], matching)
    store.record_imports(
        ImportedObject(
            anchor=obj.anchor,
            dn=obj.dn,
            matching_values={n: _texts(e, n) for n in plan.matching_attributes if e.get(n)},
        )
        for obj, e in zip(page, raw, strict=True)
    )
    return store.live_links_by_anchor(obj.anchor for obj in page)


def _record_page(
    store: LinkStore | None, page: list[ImportedEntry], plan: ImportPlan, raw: list[Entry]
) -> int:
    """Record one page in the store, in one transaction; return how many were renamed."""
    if store is None:
        return 0
    renamed = 0
    batch = store.import_batch() if isinstance(store, _ImportPages) else store.batch()
    with batch:
        links = _record(store, page, plan, raw)
        now = datetime.now(UTC)
        for obj in page if links else ():  # most imports follow no rename: skip the hashing
            link = links.get(obj.anchor)
            if link is not None and link.dn != obj.dn:
                store.put(attrs.evolve(link, dn=obj.dn, updated=now))
                renamed += 1
    return renamed


def _entries(connection: LdapConnection, plan: ImportPlan, base: str) -> Iterator[Entry]:
    if plan.paging is Paging.VLV:
        return connection.search_vlv(
            base,
            plan.search_filter,
            sort_key=plan.sort_key or "cn",
            attributes=plan.attributes,
            page_size=plan.page_size,
        )
    page_size = 0 if plan.paging is Paging.NONE else plan.page_size
    return connection.search(
        base, plan.search_filter, attributes=plan.attributes, page_size=page_size
    )


def _search(connection: LdapConnection, plan: ImportPlan, base: str) -> Iterator[Entry]:
    try:
        yield from _entries(connection, plan, base)
    except (SizeLimitExceededError, AdminLimitExceededError):
        who = connection.settings.user or connection.settings.binding.value
        raise ConfigurationError(
            [
                f"connectivity.user: the server stopped the import of {base!r} at the size "
                f"limit of the bind account {who!r}; raise that account's size limit "
                "(OpenLDAP olcLimits, 389 nsSizeLimit, AD MaxPageSize) or use an account "
                "without one"
            ]
        ) from None


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one page is read and recorded.

    A page is a few thousand short-lived containers that hold no cycles; letting the
    collector run through them a dozen times per page costs about a sixth of the import's
    CPU. The caller's own code (between pages) runs with the collector as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@attrs.define(kw_only=True)
class _Reader:
    """Reads the bases page by page; after a lost connection, reconnects and resumes.

    Resuming restarts the interrupted base's search (a paged-results cookie does not
    outlive its connection) and skips every entry already handed out, keyed by anchor, so
    the caller sees each object once and the store records it once. With a store, what was
    handed out is what the store recorded in this run (looked up only after a reconnect, so
    memory stays at one page); without one, the anchors are kept in a set.
    """

    connection: LdapConnection
    plan: ImportPlan
    store: LinkStore | None
    counts: ImportCounts
    progress: Callable[[ImportProgress], None] | None
    reconnect: Reconnector[LdapConnection] | None
    started: float = attrs.field(factory=time.perf_counter)
    handed_out: set[Anchor] = attrs.field(factory=set)
    skipped_dns: set[str] = attrs.field(factory=set)
    resumed: bool = False

    def objects(self) -> Iterator[ImportedEntry]:
        if self.store is not None:
            with self.store.batch():
                self.store.clear_imports()
        for base in self.plan.bases:
            yield from self._base(base)
        self.counts.seconds = time.perf_counter() - self.started
        self.counts.finished = True
        log.info("full import: %d objects in %.1f s", self.counts.objects, self.counts.seconds)

    def _base(self, base: str) -> Iterator[ImportedEntry]:
        while True:
            try:
                yield from self._read(base)
            except TransportError as error:
                self._resume(base, error)
            else:
                return

    def _resume(self, base: str, error: TransportError) -> None:
        reconnect = self.reconnect
        if reconnect is None:
            raise error
        log.warning("full import of %r lost the connection: %s; reconnecting", base, error)
        if not reconnect(error) or reconnect.connection is None:
            raise TransportError(
                f"the full import of {base!r} stopped after {self.counts.objects} objects: "
                f"{reconnect.lost} (gave up after {reconnect.timeout:g} s)",
                host=error.host,
                stage=error.stage,
            ) from None
        self.connection = reconnect.connection
        self.counts.reconnects = reconnect.reconnects
        self.resumed = True

    def _read(self, base: str) -> Iterator[ImportedEntry]:
        entries = _search(self.connection, self.plan, base)
        while True:
            with _collection_paused():
                raw_page = list(itertools.islice(entries, self.plan.page_size))
                page, raw = self._new(raw_page)
                self.counts.renamed += _record_page(self.store, page, self.plan, raw)
            if not raw_page:
                return
            if self.store is None:
                self.handed_out.update(obj.anchor for obj in page)
            self.counts.objects += len(page)
            self.counts.seconds = time.perf_counter() - self.started
            if self.progress is not None:
                self.progress(
                    ImportProgress(
                        base=base, objects=self.counts.objects, seconds=self.counts.seconds
                    )
                )
            yield from page

    def _new(self, raw_page: list[Entry]) -> tuple[list[ImportedEntry], list[Entry]]:
        """The entries of a page not handed out before (a resumed search reads them again)."""
        page: list[ImportedEntry] = []
        raw: list[Entry] = []
        # Before any reconnect, with a store, nothing can come twice: no lookup per entry.
        check = self.store is None or self.resumed
        strategy, schema = self.plan.anchor, self.plan.schema
        # "Treat as single value" is how an attribute is exposed: one value, the mapped one.
        expose = schema is not None and bool(schema.options.single_valued)
        anchors = anchors_of_entries(raw_page, strategy)
        classes = _text_column(raw_page, "objectClass")
        # AD cuts a big attribute (member;range=0-1499): read the rest of it. A page
        # whose names have no option at all has no such attribute: no look per entry.
        ranged = any(";" in name for name in set().union(*(e.attributes for e in raw_page)))
        for entry, anchor, object_classes in zip(raw_page, anchors, classes, strict=True):
            if anchor is None:
                self._skip(entry)
            elif not check or not self._handed_out(anchor):
                if ranged:
                    entry = complete_ranged(self.connection, entry)
                attributes = entry.attributes
                if expose:
                    attributes = exposed_attributes(cast(Schema, schema), entry.dn, attributes)
                page.append(
                    ImportedEntry(
                        anchor=anchor,
                        dn=entry.dn,
                        object_classes=object_classes,
                        attributes=attributes,
                    )
                )
                raw.append(entry)
        return page, raw

    def _skip(self, entry: Entry) -> None:
        """Count (once per DN) an entry left out for want of a usable anchor."""
        if entry.first(self.plan.anchor.attribute) is not None:
            log.warning("skipping %s: its %s is unusable", entry.dn, self.plan.anchor.attribute)
        if entry.dn not in self.skipped_dns:
            self.skipped_dns.add(entry.dn)
            self.counts.skipped += 1

    def _handed_out(self, anchor: Anchor) -> bool:
        if self.store is None:
            return anchor in self.handed_out
        return self.store.get_imported(anchor) is not None


def run_full_import(
    connection: LdapConnection,
    plan: ImportPlan,
    store: LinkStore | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    *,
    reconnect: Reconnector[LdapConnection] | None = None,
) -> ImportResult:
    """Start a full import; iterate the result to read the objects.

    Args:
        connection: a bound connection.
        plan: what to read (:func:`~ldapconnector.profiles.plan_full_import`).
        store: the link store to fill (connector space) and whose links follow renames;
            None reads without recording anything.
        progress: called after each page with the running count.
        reconnect: reopens the connection when it is lost mid-run (its ``open`` returns the
            new bound connection); the interrupted base is read again from its start and
            the objects already handed out are skipped. None lets the loss propagate.

    Raises (while iterating):
        ConfigurationError: the bind account's size limit cut the import short.
        TransportError: the connection was lost and (with ``reconnect``) could not be
            reopened before its timeout; the message says which base and how far it got.
        LdapOperationError: the server failed.
    """
    counts = ImportCounts()
    reader = _Reader(
        connection=connection,
        plan=plan,
        store=store,
        counts=counts,
        progress=progress,
        reconnect=reconnect,
    )
    return ImportResult(counts=counts, entries=reader.objects())
