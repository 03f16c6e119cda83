"""The :class:`LinkStore` protocol every backend implements, the store's error, and the
two optional protocols of a store several workers share (:class:`SourceLocking`,
:class:`Leasing`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Protocol, cast, runtime_checkable

from ldapconnector.anchors import Anchor
from ldapconnector.errors import LinkStoreError
from ldapconnector.space._model import ImportedObject, Intent, Link, LinkState, Watermark

__all__ = ["Leasing", "LinkStore", "LinkStoreError", "SourceLocking", "source_lock"]


class LinkStore(Protocol):
    """The connector space: links (source id <-> anchor <-> last DN <-> state), watermarks
    per run profile, and the full-import cache used for export correlation.

    The contract callers obey: a link is written (``put``, ``mark``, ``remove``) only
    after the directory confirmed the operation it records; an add is recorded as an
    :class:`Intent` (``put_intent``) before it is sent and resolved with its link. The
    store holds no passwords and no attribute values except the matching attributes
    recorded by :meth:`record_import` (an intent keeps digests of values, not values).
    Writes outside :meth:`batch` commit one by one.
    """

    def get_by_source(self, source_id: str) -> Link | None:
        """The link of a source id, or None."""
        ...

    def get_by_anchor(self, anchor: Anchor) -> Link | None:
        """The link holding an anchor, preferring a live one over a deleted one."""
        ...

    def get_by_dn(self, dn: str) -> Link | None:
        """The link whose last DN matches case-insensitively (live preferred, then newest)."""
        ...

    def put(self, link: Link) -> None:
        """Insert or replace the link of ``link.source_id``.

        Raises:
            LinkStoreError: another source id holds the same anchor in a live link.
        """
        ...

    def mark(self, source_id: str, state: LinkState) -> Link:
        """Set a link's state and return the updated link.

        Raises:
            LinkStoreError: no link for the source id, or the anchor is live elsewhere.
        """
        ...

    def remove(self, source_id: str) -> bool:
        """Forget a link; return whether there was one."""
        ...

    def iter_links(self, state: LinkState | None = None) -> Iterator[Link]:
        """Every link (of one state), by source id, streamed from storage."""
        ...

    def count(self, state: LinkState | None = None) -> int:
        """How many links there are (of one state)."""
        ...

    def put_intent(self, intent: Intent) -> None:
        """Record (replace) the intent of ``intent.source_id`` durably, before the add.

        When this returns the intent is committed, and with it every write pending in an
        open :meth:`batch` (which goes on in a new transaction): it must outlive a crash.
        """
        ...

    def get_intent(self, source_id: str) -> Intent | None:
        """The open intent of a source id, or None."""
        ...

    def list_intents(self) -> tuple[Intent, ...]:
        """Every open intent, by source id."""
        ...

    def resolve_intent(self, source_id: str, link: Link | None = None) -> bool:
        """Close a source id's intent, writing ``link`` (if any) in the same transaction.

        Returns:
            Whether there was an open intent.

        Raises:
            LinkStoreError: ``link``'s anchor is live elsewhere (nothing is written).
        """
        ...

    def get_watermark(self, profile: str) -> Watermark | None:
        """The watermark stored for a run profile, or None."""
        ...

    def set_watermark(self, watermark: Watermark) -> None:
        """Store (replace) the watermark of ``watermark.profile``."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """One transaction: committed when the block exits, rolled back if it raises."""
        ...

    def record_import(
        self, anchor: Anchor, dn: str, matching_values: Mapping[str, Sequence[str]]
    ) -> None:
        """Record (replace) what a full import saw of one entry."""
        ...

    def record_imports(self, objects: Iterable[ImportedObject]) -> None:
        """Record (replace) many imported entries at once (a page of a full import)."""
        ...

    def live_links_by_anchor(self, anchors: Iterable[Anchor]) -> dict[Anchor, Link]:
        """The live (not deleted) links of these anchors, in one pass over the store."""
        ...

    def find_by_matching(self, attribute: str, value: str) -> tuple[Anchor, ...]:
        """Anchors of imported entries with that value, both compared case-insensitively."""
        ...

    def get_imported(self, anchor: Anchor) -> ImportedObject | None:
        """What the last full import recorded for an anchor, or None."""
        ...

    def iter_imported(self) -> Iterator[ImportedObject]:
        """Every imported entry, by anchor, streamed from storage."""
        ...

    def forget_import(self, anchor: Anchor) -> bool:
        """Drop one imported entry; return whether there was one."""
        ...

    def clear_imports(self) -> None:
        """Drop every imported entry (a full import starts from nothing)."""
        ...

    def imported_count(self) -> int:
        """How many entries the import cache holds."""
        ...

    def put_pending_members(self, group_id: str, member_ids: Iterable[str]) -> None:
        """Replace the pending members of a group: member source ids with no link yet."""
        ...

    def pending_members(self, group_id: str) -> tuple[str, ...]:
        """The pending member source ids of a group, sorted."""
        ...

    def iter_pending_groups(self) -> Iterator[str]:
        """The source ids of the groups that have pending members, sorted."""
        ...

    def close(self) -> None:
        """Release the storage; the store cannot be used afterwards."""
        ...


@runtime_checkable
class SourceLocking(Protocol):
    """A store several workers share: one source id is exported by one worker at a time.

    A single-process store (the SQLite file, which one process holds) needs no lock and
    does not implement it; :func:`source_lock` then does nothing.
    """

    def lock_source(self, source_id: str) -> AbstractContextManager[None]:
        """Hold the source id's lock for the block (inside a batch: until it commits).

        Raises:
            LinkStoreError: another worker kept the lock for the store's lock timeout.
        """
        ...


@runtime_checkable
class Leasing(Protocol):
    """A store several workers share: named leases with an expiry (one delta importer).

    A lease a worker does not renew expires, so a dead worker's successor takes it over.
    """

    def acquire_lease(self, name: str, holder: str, ttl: timedelta) -> bool:
        """Take or renew the lease for ``holder`` until ``ttl`` from now; False if taken."""
        ...

    def release_lease(self, name: str, holder: str) -> None:
        """Give up ``holder``'s lease (another holder's is left alone)."""
        ...


def source_lock(store: LinkStore, source_id: str) -> AbstractContextManager[None]:
    """The store's lock of ``source_id`` when it has one (:class:`SourceLocking`), else a
    no-op: what the export runner holds around each record."""
    # What isinstance(store, SourceLocking) checks, without the runtime protocol check's
    # walk over the protocol's members (it cost more than the rest of an unchanged record).
    if hasattr(store, "lock_source"):
        return cast("SourceLocking", store).lock_source(source_id)
    return contextlib.nullcontext()


@runtime_checkable
class LinksBySource(Protocol):
    """A store that looks up many source ids' links in a few queries (optional).

    A membership run resolves every member of a group: one query each costs about a
    second for 5,000 members on SQLite. :func:`links_by_source` falls back to
    :meth:`LinkStore.get_by_source` per id for a store without it.
    """

    def links_by_source(self, source_ids: Iterable[str]) -> dict[str, Link]:
        """The links of these source ids (any state), by source id; unknown ids are absent."""
        ...


def links_by_source(store: LinkStore, source_ids: Iterable[str]) -> dict[str, Link]:
    """The links of these source ids, by source id: in a few queries where the store
    offers it (:class:`LinksBySource`), else one :meth:`LinkStore.get_by_source` each."""
    if isinstance(store, LinksBySource):
        return store.links_by_source(source_ids)
    found = {}
    for source_id in source_ids:
        link = store.get_by_source(source_id)
        if link is not None:
            found[source_id] = link
    return found
