"""The SQLite link store: the default backend (a file) and the test backend (in memory)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from ldapconnector.anchors import Anchor, AnchorRegistry
from ldapconnector.space._anchors import StoredAnchors
from ldapconnector.space._lock import StateLock, create_private
from ldapconnector.space._model import ImportedObject, Intent, Link, LinkState
from ldapconnector.space._reconciled import ReconciledTable
from ldapconnector.space._sqlite_imports import (
    column_rows,
    link_rows_by_source,
    live_link_rows,
    object_rows,
    write_imports,
)
from ldapconnector.space._sqlite_pending import SqlitePendingMembers
from ldapconnector.space._sqlite_schema import MEMORY, connect
from ldapconnector.space._sqlite_watermarks import SqliteWatermarks
from ldapconnector.space._store import LinkStoreError

__all__ = ["SqliteLinkStore"]

_LINK_COLUMNS = "source_id, anchor_kind, anchor_value, dn, state, attributes_hash, updated"
# Live links first, then the most recently written.
_PREFERENCE = "ORDER BY state = 'deleted', updated DESC LIMIT 1"
_FETCH = 256
_ALL_LINKS = f"SELECT {_LINK_COLUMNS} FROM links ORDER BY source_id"  # noqa: S608 - constant
_LINKS_IN_STATE = f"SELECT {_LINK_COLUMNS} FROM links WHERE state = ? ORDER BY source_id"  # noqa: S608
# An upsert on source_id only: a clash on the live-anchor index must raise, not replace
# another source's link as INSERT OR REPLACE would.
_UPSERT_LINK = (
    "INSERT INTO links (source_id, anchor_kind, anchor_value, anchor_key, dn, dn_key, "
    "state, attributes_hash, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source_id) DO UPDATE SET anchor_kind = excluded.anchor_kind, "
    "anchor_value = excluded.anchor_value, anchor_key = excluded.anchor_key, "
    "dn = excluded.dn, dn_key = excluded.dn_key, state = excluded.state, "
    "attributes_hash = excluded.attributes_hash, updated = excluded.updated"
)
_INTENT_COLUMNS = "source_id, dn, fingerprint, attributes_hash, created"
_UPSERT_INTENT = f"INSERT OR REPLACE INTO intents ({_INTENT_COLUMNS}) VALUES (?, ?, ?, ?, ?)"  # noqa: S608


def _fold(text: str) -> str:
    return text.casefold()


def _utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC, so that text order is time order (``ORDER BY updated``)."""
    return moment.astimezone(UTC).isoformat()


def _link(row: Sequence[Any], anchors: StoredAnchors) -> Link:
    source_id, kind, value, dn, state, digest, updated = row
    return Link(
        source_id=source_id, anchor=anchors.anchor(kind, value), dn=dn, state=LinkState(state),
        attributes_hash=digest, updated=datetime.fromisoformat(updated),
    )  # fmt: skip


def _intent(row: Sequence[Any]) -> Intent:
    source_id, dn, fingerprint, digest, created = row
    return Intent(
        source_id=source_id, dn=dn, fingerprint=frozenset(fingerprint.split()),
        attributes_hash=digest, created=datetime.fromisoformat(created),
    )  # fmt: skip


class SqliteLinkStore(ReconciledTable, SqlitePendingMembers, SqliteWatermarks):
    """A :class:`LinkStore` in one SQLite database (stdlib ``sqlite3``, WAL journal).

    Open a file with :meth:`open` (created when missing) or a private in-memory store with
    :meth:`in_memory`; both behave the same. Use it as a context manager, or call
    :meth:`close`. One connection, one thread: the store is not shared across threads.

    Every write outside :meth:`batch` is its own transaction; inside, the outermost batch
    commits at exit and rolls everything back on an exception (a nested batch is a
    savepoint). ``anchors`` reads stored anchors back (default: built-ins, then installed).
    """

    def __init__(
        self, db: sqlite3.Connection, *, path: str, lock: StateLock | None = None,
        anchors: AnchorRegistry | None = None,
    ) -> None:  # fmt: skip
        """Wrap an open connection prepared by :meth:`open` (use that instead)."""
        self._db = db
        self._depth = 0
        self._lock = lock
        self._anchors = StoredAnchors(anchors)
        self.path = path

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, anchors: AnchorRegistry | None = None
    ) -> SqliteLinkStore:
        """Open or create the link store file at ``path`` (``anchors``: see the class).

        A new file is created owner-only (mode 0600, as are its ``-wal``/``-shm`` files).
        The store holds an exclusive lock on ``<path>.lock`` until :meth:`close`, so a
        second process (or a second store in this one) opening the same file is refused.

        Raises:
            LinkStoreError: another ldapconnector run holds the file, the file cannot be
                opened, is not a link store, or was written by a newer ldapconnector.
        """
        where = os.fspath(path)
        lock = StateLock(where)
        lock.acquire()
        try:
            create_private(where)
            return cls(connect(where), path=where, lock=lock, anchors=anchors)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def in_memory(cls, *, anchors: AnchorRegistry | None = None) -> SqliteLinkStore:
        """A private, empty store that lives as long as the object (for tests, dry runs)."""
        return cls(connect(MEMORY), path=MEMORY, anchors=anchors)

    # -- lifecycle and transactions ---------------------------------------------------------

    def close(self) -> None:
        """Close the database (an open batch is rolled back by SQLite) and drop the lock."""
        self._db.close()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> SqliteLinkStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def journal_mode(self) -> str:
        """SQLite's journal mode: ``wal`` for files, ``memory`` in memory."""
        return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    @property
    def synchronous(self) -> int:
        """SQLite's ``synchronous`` level now: 2 (FULL, every commit waits for the disk)
        except inside :meth:`import_batch` (1, NORMAL)."""
        return int(self._db.execute("PRAGMA synchronous").fetchone()[0])

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction: committed when the block exits, rolled back if it raises."""
        depth = self._depth
        savepoint = f"batch_{depth}"
        self._db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {savepoint}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth = depth
            if depth == 0:
                self._db.execute("ROLLBACK")
            else:
                self._db.execute(f"ROLLBACK TO {savepoint}")
                self._db.execute(f"RELEASE {savepoint}")
            raise
        self._depth = depth
        self._db.execute("COMMIT" if depth == 0 else f"RELEASE {savepoint}")

    @contextlib.contextmanager
    def import_batch(self) -> Iterator[None]:
        """A :meth:`batch` for one page of a full import, committed without an fsync.

        The import cache (and the renames an import follows) is derived from the
        directory and rebuilt by the next import, so its commits need not wait for the
        disk: SQLite's ``synchronous = NORMAL`` in WAL mode keeps them across a crash of
        the process and may lose the last ones to a power cut, never corrupting the file.
        That saves one fsync per page (several milliseconds each). Inside an open batch
        it is that batch, with that batch's durability. Nothing else belongs in it:
        intents and export links are written in :meth:`batch`, which waits for the disk.
        """
        if self._depth:
            with self.batch():
                yield
            return
        level = self._db.execute("PRAGMA synchronous").fetchone()[0]
        self._db.execute("PRAGMA synchronous = NORMAL")
        try:
            with self.batch():
                yield
        finally:
            self._db.execute(f"PRAGMA synchronous = {int(level)}")

    # -- links ------------------------------------------------------------------------------

    def _one(self, where: str, *params: object) -> Link | None:
        query = f"SELECT {_LINK_COLUMNS} FROM links WHERE {where}"  # noqa: S608 - constants
        row = self._db.execute(query, params).fetchone()
        return None if row is None else _link(row, self._anchors)

    def get_by_source(self, source_id: str) -> Link | None:
        """The link of a source id, or None."""
        return self._one("source_id = ?", source_id)

    def get_by_anchor(self, anchor: Anchor) -> Link | None:
        """The link holding an anchor, preferring a live one over a deleted one."""
        return self._one(f"anchor_key = ? {_PREFERENCE}", anchor.key)

    def get_by_dn(self, dn: str) -> Link | None:
        """The link whose last DN matches case-insensitively (live preferred, then newest)."""
        return self._one(f"dn_key = ? {_PREFERENCE}", _fold(dn.strip()))

    def _conflict(self, link: Link, error: sqlite3.IntegrityError) -> LinkStoreError:
        holder = self.get_by_anchor(link.anchor)
        other = f" by source id {holder.source_id!r}" if holder is not None else ""
        return LinkStoreError(
            f"anchor {link.anchor} is already linked{other}; cannot link it to source id "
            f"{link.source_id!r} as well ({error})"
        )

    def put(self, link: Link) -> None:
        """Insert or replace the link of ``link.source_id``.

        Raises:
            LinkStoreError: another source id holds the same anchor in a live link.
        """
        row = (
            link.source_id,
            link.anchor.kind.value,
            link.anchor.value,
            link.anchor.key,
            link.dn,
            _fold(link.dn.strip()),
            link.state.value,
            link.attributes_hash,
            _utc_text(link.updated),
        )
        try:
            self._db.execute(_UPSERT_LINK, row)
        except sqlite3.IntegrityError as error:
            raise self._conflict(link, error) from error

    def mark(self, source_id: str, state: LinkState) -> Link:
        """Set a link's state (and its ``updated`` time) and return the updated link.

        Raises:
            LinkStoreError: no link for the source id, or its anchor is live elsewhere.
        """
        link = self.get_by_source(source_id)
        if link is None:
            raise LinkStoreError(f"no link for source id {source_id!r}")
        changed = Link(
            source_id=link.source_id,
            anchor=link.anchor,
            dn=link.dn,
            state=state,
            attributes_hash=link.attributes_hash,
        )
        self.put(changed)
        return changed

    def remove(self, source_id: str) -> bool:
        """Forget a link; return whether there was one."""
        cursor = self._db.execute("DELETE FROM links WHERE source_id = ?", (source_id,))
        return cursor.rowcount > 0

    def iter_links(self, state: LinkState | None = None) -> Iterator[Link]:
        """Every link (of one state), by source id, streamed from storage."""
        if state is None:
            cursor = self._db.execute(_ALL_LINKS)
        else:
            cursor = self._db.execute(_LINKS_IN_STATE, (state.value,))
        while rows := cursor.fetchmany(_FETCH):
            yield from (_link(row, self._anchors) for row in rows)

    def count(self, state: LinkState | None = None) -> int:
        """How many links there are (of one state)."""
        if state is None:
            row = self._db.execute("SELECT COUNT(*) FROM links").fetchone()
        else:
            row = self._db.execute(
                "SELECT COUNT(*) FROM links WHERE state = ?", (state.value,)
            ).fetchone()
        return int(row[0])

    # -- intents ----------------------------------------------------------------------------

    def put_intents(self, intents: Sequence[Intent]) -> None:
        """Record (replace) several intents durably, in one commit.

        As :meth:`put_intent` for each, with one transaction instead of one per intent (a
        pipelined export commits the intents of the adds it is about to write together).
        """
        rows = [
            (
                intent.source_id,
                intent.dn,
                " ".join(sorted(intent.fingerprint)),
                intent.attributes_hash,
                _utc_text(intent.created),
            )
            for intent in intents
        ]
        if not rows:
            return
        if self._depth == 0:
            with self.batch():
                self._db.executemany(_UPSERT_INTENT, rows)
            return
        self._db.executemany(_UPSERT_INTENT, rows)
        self._commit_open_batch()

    def put_intent(self, intent: Intent) -> None:
        """Record (replace) the intent of ``intent.source_id`` durably.

        When this returns the intent is committed, and with it every write pending in an
        open batch: the batch goes on in a new transaction (a later rollback undoes only
        what came after). That commit is what makes the intent outlive a crash.
        """
        row = (
            intent.source_id,
            intent.dn,
            " ".join(sorted(intent.fingerprint)),
            intent.attributes_hash,
            _utc_text(intent.created),
        )
        self._db.execute(_UPSERT_INTENT, row)
        self._commit_open_batch()

    def _commit_open_batch(self) -> None:
        """Commit what the open batch holds and go on in a new one (same depth)."""
        if self._depth == 0:
            return  # outside a batch every write is committed already
        self._db.execute("COMMIT")  # also releases the nested batches' savepoints
        self._db.execute("BEGIN IMMEDIATE")
        for depth in range(1, self._depth):
            self._db.execute(f"SAVEPOINT batch_{depth}")

    def get_intent(self, source_id: str) -> Intent | None:
        """The open intent of a source id, or None."""
        row = self._db.execute(
            f"SELECT {_INTENT_COLUMNS} FROM intents WHERE source_id = ?",  # noqa: S608
            (source_id,),
        ).fetchone()
        return None if row is None else _intent(row)

    def list_intents(self) -> tuple[Intent, ...]:
        """Every open intent, by source id."""
        query = f"SELECT {_INTENT_COLUMNS} FROM intents ORDER BY source_id"  # noqa: S608
        return tuple(_intent(row) for row in self._db.execute(query))

    def resolve_intent(self, source_id: str, link: Link | None = None) -> bool:
        """Close a source id's intent, writing ``link`` (if any) in the same transaction.

        Returns:
            Whether there was an open intent.

        Raises:
            LinkStoreError: ``link``'s anchor is live elsewhere (nothing is written).
        """
        with self.batch():
            if link is not None:
                self.put(link)
            cursor = self._db.execute("DELETE FROM intents WHERE source_id = ?", (source_id,))
        return cursor.rowcount > 0

    # -- the full-import cache ----------------------------------------------------------------

    def record_import(
        self, anchor: Anchor, dn: str, matching_values: Mapping[str, Sequence[str]]
    ) -> None:
        """Record (replace) what a full import saw of one entry.

        Args:
            anchor: the entry's anchor.
            dn: its DN.
            matching_values: matching attribute -> its values; only these are stored.
        """
        self.record_imports([ImportedObject(anchor=anchor, dn=dn, matching_values=matching_values)])

    def record_imports(self, objects: Iterable[ImportedObject]) -> None:
        """Record (replace) many imported entries in one transaction (a page of an import).

        Each table is written with one ``executemany``; every anchor's key is computed
        once (a full import of 100,000 entries calls this once per page).
        """
        with self.batch():
            write_imports(self._db, object_rows(objects))

    def record_import_page(
        self,
        anchors: Sequence[Anchor],
        dns: Sequence[str],
        matching: Mapping[str, Sequence[Sequence[str]]],
    ) -> dict[Anchor, Link]:
        """Record one page of a full import; return the live links of its anchors.

        The same as :meth:`record_imports` of the entries ``anchors[i]`` at ``dns[i]``
        with ``matching[name][i]`` as the values of each matching attribute, followed by
        :meth:`live_links_by_anchor` of ``anchors``, in one transaction (nested in an open
        batch); given as columns so that the runner builds no object per entry, and each
        anchor's key is computed once for both.

        Raises:
            ValueError: the columns are not all as long as ``anchors``.
        """
        keys = [anchor.key for anchor in anchors]
        rows = column_rows(keys, anchors, dns, matching)
        with self.batch():
            write_imports(self._db, rows)
            return self._live_links(dict(zip(keys, anchors, strict=True)))

    def links_by_source(self, source_ids: Iterable[str]) -> dict[str, Link]:
        """The links of these source ids (any state), a few hundred per query."""
        rows = link_rows_by_source(self._db, list(dict.fromkeys(source_ids)), _LINK_COLUMNS)
        return {row[0]: _link(row, self._anchors) for row in rows}

    def live_links_by_anchor(self, anchors: Iterable[Anchor]) -> dict[Anchor, Link]:
        """The live (not deleted) links of these anchors, a few hundred per query."""
        return self._live_links({anchor.key: anchor for anchor in anchors})

    def _live_links(self, wanted: Mapping[str, Anchor]) -> dict[Anchor, Link]:
        """The live links of the anchors ``wanted`` holds by key."""
        rows = live_link_rows(self._db, list(wanted), _LINK_COLUMNS)
        return {wanted[row[-1]]: _link(row[:-1], self._anchors) for row in rows}

    def find_by_matching(self, attribute: str, value: str) -> tuple[Anchor, ...]:
        """Anchors of imported entries with that value, both compared case-insensitively."""
        rows = self._db.execute(
            "SELECT DISTINCT i.anchor_kind, i.anchor_value FROM imported_values v "
            "JOIN imported i ON i.anchor_key = v.anchor_key "
            "WHERE v.attribute_key = ? AND v.value_key = ? ORDER BY i.anchor_key",
            (_fold(attribute.strip()), _fold(value)),
        ).fetchall()
        return tuple(self._anchors.anchor(kind, found) for kind, found in rows)

    def _imported(self, key: str, kind: str, value: str, dn: str) -> ImportedObject:
        found: dict[str, list[str]] = {}
        for name, item in self._db.execute(
            "SELECT attribute, value FROM imported_values WHERE anchor_key = ? "
            "ORDER BY attribute_key, rowid",
            (key,),
        ):
            found.setdefault(name, []).append(item)
        anchor = self._anchors.anchor(kind, value)
        return ImportedObject(anchor=anchor, dn=dn, matching_values=found)

    def get_imported(self, anchor: Anchor) -> ImportedObject | None:
        """What the last full import recorded for an anchor, or None."""
        row = self._db.execute(
            "SELECT anchor_key, anchor_kind, anchor_value, dn FROM imported WHERE anchor_key = ?",
            (anchor.key,),
        ).fetchone()
        return None if row is None else self._imported(*row)

    def iter_imported(self) -> Iterator[ImportedObject]:
        """Every imported entry, by anchor, streamed from storage."""
        cursor = self._db.execute(
            "SELECT anchor_key, anchor_kind, anchor_value, dn FROM imported ORDER BY anchor_key"
        )
        while rows := cursor.fetchmany(_FETCH):
            yield from (self._imported(*row) for row in rows)

    def forget_import(self, anchor: Anchor) -> bool:
        """Drop one imported entry; return whether there was one."""
        with self.batch():
            self._db.execute("DELETE FROM imported_values WHERE anchor_key = ?", (anchor.key,))
            cursor = self._db.execute("DELETE FROM imported WHERE anchor_key = ?", (anchor.key,))
        return cursor.rowcount > 0

    def clear_imports(self) -> None:
        """Drop every imported entry (a full import starts from nothing)."""
        with self.batch():
            self._db.execute("DELETE FROM imported_values")
            self._db.execute("DELETE FROM imported")

    def imported_count(self) -> int:
        """How many entries the import cache holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM imported").fetchone()[0])
