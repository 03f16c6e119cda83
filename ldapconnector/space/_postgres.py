"""The PostgreSQL link store: one connector space shared by several worker processes.

Needs the optional extra ``postgresql`` (``psycopg`` 3). Links, watermarks, intents, the
import cache and the digests of exports found in line live in one PostgreSQL schema;
every write outside :meth:`batch` is its own transaction, a batch is one transaction
(nested batches are savepoints), and a statement that fails inside a batch (an anchor
linked elsewhere) is undone alone, under a savepoint, so one record's failure never
aborts the records batched with it.

Two coordination primitives serve several workers on one space:

* :meth:`PostgresLinkStore.lock_source`: a session-level advisory lock per source id,
  held until the outermost batch that took it commits (so a second worker reads the link
  the first wrote, never the one before it). Taken with ``pg_try_advisory_lock`` in a
  polling loop, so a wait never aborts a transaction and never deadlocks: after
  ``lock_timeout`` seconds it raises :class:`~ldapconnector.errors.LinkStoreError`.
* :meth:`PostgresLinkStore.acquire_lease`: a named lease with an expiry (the delta
  import's "one worker at a time"); a dead worker's lease expires and its successor
  takes it over. A killed worker's advisory locks go with its connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from ldapconnector.anchors import Anchor, AnchorRegistry
from ldapconnector.space._anchors import StoredAnchors
from ldapconnector.space._model import ImportedObject, Intent, Link, LinkState, Watermark
from ldapconnector.space._postgres_pending import PostgresPendingMembers
from ldapconnector.space._postgres_schema import check_schema_name, prepare
from ldapconnector.space._postgres_session import PostgresSession
from ldapconnector.space._store import LinkStoreError

__all__ = ["DEFAULT_POSTGRES_SCHEMA", "PostgresLinkStore"]

#: The PostgreSQL schema a store uses unless told otherwise.
DEFAULT_POSTGRES_SCHEMA = "ldapconnector"

_FETCH = 256


def _fold(text: str) -> str:
    return text.casefold()


def _link(row: Sequence[Any], anchors: StoredAnchors) -> Link:
    source_id, kind, value, dn, state, digest, updated = row
    return Link(
        source_id=source_id, anchor=anchors.anchor(kind, value), dn=dn,
        state=LinkState(state), attributes_hash=digest, updated=updated,
    )  # fmt: skip


def _intent(row: Sequence[Any]) -> Intent:
    source_id, dn, fingerprint, digest, created = row
    return Intent(
        source_id=source_id, dn=dn, fingerprint=frozenset(fingerprint.split()),
        attributes_hash=digest, created=created,
    )  # fmt: skip


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise LinkStoreError(
            "the PostgreSQL link store needs psycopg 3: pip install 'ldapconnector[postgresql]'"
        ) from None
    return psycopg


class PostgresLinkStore(PostgresSession, PostgresPendingMembers):
    """A :class:`~ldapconnector.space.LinkStore` in PostgreSQL, shareable by many workers.

    Open it with :meth:`connect`; one store object is one database session, used by one
    thread. Several processes (or several store objects) may open the same schema at
    once: that is what the advisory locks and leases are for.

    Attributes:
        schema: the PostgreSQL schema holding the tables.
        lock_timeout: seconds :meth:`lock_source` waits for another worker's lock.

    Stored anchors are read back with ``anchors`` (an ``AnchorRegistry``); by default the
    built-in kinds and, when a row needs them, ``installed_anchors()``.
    """

    def __init__(
        self, db: Any, *, schema: str, lock_timeout: float = 60.0,
        anchors: AnchorRegistry | None = None,
    ) -> None:  # fmt: skip
        """Wrap an open autocommit psycopg connection (use :meth:`connect` instead)."""
        driver = _import_psycopg()
        super().__init__(db, schema=schema, lock_timeout=lock_timeout, driver=driver)
        self._anchors = StoredAnchors(anchors)

    @classmethod
    def connect(
        cls, dsn: str, *, schema: str = DEFAULT_POSTGRES_SCHEMA, lock_timeout: float = 60.0,
        anchors: AnchorRegistry | None = None,
    ) -> PostgresLinkStore:  # fmt: skip
        """Connect to PostgreSQL and open (creating when new) the link store in ``schema``.

        Args:
            dsn: a libpq connection string or URL (``host=... dbname=... user=...``);
                give the password through the environment (``PGPASSWORD``, a
                ``.pgpass`` file) or a secret, never a literal in a config file.
            schema: the PostgreSQL schema for this connector space.
            lock_timeout: see the class attribute.
            anchors: the anchor strategies stored anchors are read with (see the class).

        Raises:
            LinkStoreError: psycopg is missing, the server refused the connection, or the
                schema holds tables of a newer ldapconnector.
        """
        psycopg = _import_psycopg()
        check_schema_name(schema)
        try:
            db = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as error:
            raise LinkStoreError(f"cannot connect to the PostgreSQL link store: {error}") from None
        try:
            db.execute("SET TIME ZONE 'UTC'")
            prepare(db, schema)
        except psycopg.Error as error:
            db.close()
            raise LinkStoreError(f"schema {schema}: cannot open the link store: {error}") from None
        except BaseException:
            db.close()
            raise
        return cls(db, schema=schema, lock_timeout=lock_timeout, anchors=anchors)

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> PostgresLinkStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- leases -------------------------------------------------------------------------------

    def acquire_lease(self, name: str, holder: str, ttl: timedelta) -> bool:
        """Take (or renew) the lease ``name`` for ``holder`` until ``ttl`` from now.

        Returns:
            True when ``holder`` holds the lease now; False while another holder's lease
            has not expired.
        """
        seconds = ttl.total_seconds()
        with self._alone():
            return self._run("take_lease", (name, holder, seconds)).fetchone() is not None

    def lease_holder(self, name: str) -> tuple[str, datetime] | None:
        """Who holds the lease ``name`` and until when (expired leases included), or None."""
        row = self._run("lease_holder", (name,)).fetchone()
        return None if row is None else (row[0], row[1])

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up (only ``holder``'s own; another's is left alone)."""
        self._run("drop_lease", (name, holder))

    # -- links ------------------------------------------------------------------------------

    def _one_link(self, name: str, *params: object) -> Link | None:
        row = self._run(name, params).fetchone()
        return None if row is None else _link(row, self._anchors)

    def get_by_source(self, source_id: str) -> Link | None:
        """The link of a source id, or None."""
        return self._one_link("by_source", source_id)

    def get_by_anchor(self, anchor: Anchor) -> Link | None:
        """The link holding an anchor, preferring a live one over a deleted one."""
        return self._one_link("by_anchor", anchor.key)

    def get_by_dn(self, dn: str) -> Link | None:
        """The link whose last DN matches case-insensitively (live preferred, then newest)."""
        return self._one_link("by_dn", _fold(dn.strip()))

    def put(self, link: Link) -> None:
        """Insert or replace the link of ``link.source_id``.

        Raises:
            LinkStoreError: another source id holds the same anchor in a live link.
        """
        row = (
            link.source_id, link.anchor.kind.value, link.anchor.value, link.anchor.key,
            link.dn, _fold(link.dn.strip()), link.state.value, link.attributes_hash,
            link.updated,
        )  # fmt: skip
        try:
            with self._alone():
                self._send(self._sql["upsert_link"], row)
        except self._errors as error:
            if getattr(error, "sqlstate", None) != "23505":  # unique_violation
                raise LinkStoreError(f"the PostgreSQL link store failed (put): {error}") from None
            holder = self.get_by_anchor(link.anchor)
            other = f" by source id {holder.source_id!r}" if holder is not None else ""
            raise LinkStoreError(
                f"anchor {link.anchor} is already linked{other}; cannot link it to source id "
                f"{link.source_id!r} as well"
            ) from None

    def mark(self, source_id: str, state: LinkState) -> Link:
        """Set a link's state (and its ``updated`` time) and return the updated link.

        Raises:
            LinkStoreError: no link for the source id, or its anchor is live elsewhere.
        """
        link = self.get_by_source(source_id)
        if link is None:
            raise LinkStoreError(f"no link for source id {source_id!r}")
        changed = Link(
            source_id=link.source_id, anchor=link.anchor, dn=link.dn, state=state,
            attributes_hash=link.attributes_hash,
        )  # fmt: skip
        self.put(changed)
        return changed

    def remove(self, source_id: str) -> bool:
        """Forget a link; return whether there was one."""
        return int(self._run("remove_link", (source_id,)).rowcount) > 0

    def _stream(self, name: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        # psycopg's client-side cursor holds the whole result, so the caller may run other
        # statements on the session while iterating (a server-side cursor would need one
        # transaction for the whole walk).
        cursor = self._run(name, params)
        while rows := cursor.fetchmany(_FETCH):
            yield from rows

    def iter_links(self, state: LinkState | None = None) -> Iterator[Link]:
        """Every link (of one state), by source id."""
        if state is None:
            rows = self._stream("all_links")
        else:
            rows = self._stream("links_in_state", (state.value,))
        yield from (_link(row, self._anchors) for row in rows)

    def count(self, state: LinkState | None = None) -> int:
        """How many links there are (of one state)."""
        if state is None:
            return int(self._run("count").fetchone()[0])
        return int(self._run("count_in_state", (state.value,)).fetchone()[0])

    def links_by_source(self, source_ids: Iterable[str]) -> dict[str, Link]:
        """The links of these source ids (any state), in one query."""
        rows = self._run("by_sources", (list(dict.fromkeys(source_ids)),)).fetchall()
        return {row[0]: _link(row, self._anchors) for row in rows}

    def live_links_by_anchor(self, anchors: Iterable[Anchor]) -> dict[Anchor, Link]:
        """The live (not deleted) links of these anchors, in one query."""
        wanted = {anchor.key: anchor for anchor in anchors}
        rows = self._run("live_by_anchor", (list(wanted),)).fetchall()
        return {wanted[row[-1]]: _link(row[:-1], self._anchors) for row in rows}

    # -- intents ----------------------------------------------------------------------------

    def put_intent(self, intent: Intent) -> None:
        """Record (replace) the intent of ``intent.source_id`` durably.

        When this returns the intent is committed, and with it every write pending in an
        open batch: the batch goes on in a new transaction (savepoints re-made).
        """
        row = (
            intent.source_id, intent.dn, " ".join(sorted(intent.fingerprint)),
            intent.attributes_hash, intent.created,
        )  # fmt: skip
        self._run_and_commit("upsert_intent", row)

    def get_intent(self, source_id: str) -> Intent | None:
        """The open intent of a source id, or None."""
        row = self._run("get_intent", (source_id,)).fetchone()
        return None if row is None else _intent(row)

    def list_intents(self) -> tuple[Intent, ...]:
        """Every open intent, by source id."""
        return tuple(_intent(row) for row in self._run("list_intents").fetchall())

    def resolve_intent(self, source_id: str, link: Link | None = None) -> bool:
        """Close a source id's intent, writing ``link`` (if any) in the same transaction.

        Raises:
            LinkStoreError: ``link``'s anchor is live elsewhere (nothing is written).
        """
        with self.batch():
            if link is not None:
                self.put(link)
            done = int(self._run("remove_intent", (source_id,)).rowcount)
        return done > 0

    # -- digests of exports found in line -------------------------------------------------

    def reconciled_digests(self) -> dict[str, str]:
        """Every recorded digest by source id (one query; read once per export run)."""
        rows = self._stream("all_reconciled")
        return {str(source_id): str(digest) for source_id, digest in rows}

    def put_reconciled_digests(self, digests: Mapping[str, str | None]) -> None:
        """Record (or, for None, forget) digests in one transaction (the caller's batch)."""
        kept = {source_id: digest for source_id, digest in digests.items() if digest}
        gone = [source_id for source_id, digest in digests.items() if not digest]
        with self.batch():
            if kept:
                self._run("upsert_reconciled", (list(kept), list(kept.values())))
            if gone:
                self._run("forget_reconciled", (gone,))

    # -- watermarks ---------------------------------------------------------------------------

    def get_watermark(self, profile: str) -> Watermark | None:
        """The watermark stored for a run profile, or None."""
        row = self._run("get_watermark", (profile,)).fetchone()
        return None if row is None else Watermark(profile=row[0], value=row[1], taken_at=row[2])

    def set_watermark(self, watermark: Watermark) -> None:
        """Store (replace) the watermark of ``watermark.profile``."""
        self._run("set_watermark", (watermark.profile, watermark.value, watermark.taken_at))

    # -- the full-import cache ----------------------------------------------------------------

    def record_import(
        self, anchor: Anchor, dn: str, matching_values: Mapping[str, Sequence[str]]
    ) -> None:
        """Record (replace) what a full import saw of one entry."""
        self.record_imports([ImportedObject(anchor=anchor, dn=dn, matching_values=matching_values)])

    def record_imports(self, objects: Iterable[ImportedObject]) -> None:
        """Record (replace) many imported entries in one transaction (a page of an import)."""
        objects = list(objects)
        values = [
            (obj.anchor.key, name, _fold(name.strip()), value, _fold(value))
            for obj in objects
            for name, found in obj.matching_values.items()
            for value in found
        ]
        rows = [(o.anchor.key, o.anchor.kind.value, o.anchor.value, o.dn) for o in objects]
        with self.batch(), self._db.cursor() as cursor:
            self._flush()  # the cursor bypasses the queue of control statements
            try:
                cursor.executemany(self._sql["forget_values"], [(o.anchor.key,) for o in objects])
                cursor.executemany(self._sql["upsert_imported"], rows)
                cursor.executemany(self._sql["insert_value"], values)
            except self._errors as error:
                raise LinkStoreError(
                    f"the PostgreSQL link store failed (record_imports): {error}"
                ) from None

    def find_by_matching(self, attribute: str, value: str) -> tuple[Anchor, ...]:
        """Anchors of imported entries with that value, both compared case-insensitively."""
        rows = self._run("find_by_matching", (_fold(attribute.strip()), _fold(value))).fetchall()
        return tuple(self._anchors.anchor(kind, found) for kind, found, _ in rows)

    def _imported(self, key: str, kind: str, value: str, dn: str) -> ImportedObject:
        found: dict[str, list[str]] = {}
        for name, item in self._run("imported_values", (key,)).fetchall():
            found.setdefault(name, []).append(item)
        anchor = self._anchors.anchor(kind, value)
        return ImportedObject(anchor=anchor, dn=dn, matching_values=found)

    def get_imported(self, anchor: Anchor) -> ImportedObject | None:
        """What the last full import recorded for an anchor, or None."""
        row = self._run("get_imported", (anchor.key,)).fetchone()
        return None if row is None else self._imported(*row)

    def iter_imported(self) -> Iterator[ImportedObject]:
        """Every imported entry, by anchor."""
        rows = list(self._stream("all_imported"))  # the nested queries reuse the session
        yield from (self._imported(*row) for row in rows)

    def forget_import(self, anchor: Anchor) -> bool:
        """Drop one imported entry; return whether there was one."""
        with self.batch():
            self._run("forget_values", (anchor.key,))
            done = int(self._run("forget_imported", (anchor.key,)).rowcount)
        return done > 0

    def clear_imports(self) -> None:
        """Drop every imported entry (a full import starts from nothing)."""
        with self.batch():
            self._run("clear_values")
            self._run("clear_imported")

    def imported_count(self) -> int:
        """How many entries the import cache holds."""
        return int(self._run("imported_count").fetchone()[0])
