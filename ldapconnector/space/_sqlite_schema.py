"""The SQLite file format of the link store: tables, version check, opening.

The ``meta`` table records ``schema_version``. A file with a newer version is refused (an
older ldapconnector must not rewrite a format it does not know); a file without ``meta``
that has other tables is not a link store and is refused too. A new file is made at
version 1 and brought forward by the same :data:`_MIGRATIONS` that upgrade an older
file, so every migration runs on every new file too.

Versions: 1, links, watermarks and the import cache; 2, the ``intents`` table (adds
recorded before they are sent, so a crash before the link commit cannot duplicate); 3, the
``reconciled`` table (per source id, the digest of an export's inputs when its entry was
found in line, so an unchanged user is told by one comparison); 4, the ``pending_members``
table (group members not provisioned yet, docs/groups.md).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable

from ldapconnector.space._store import LinkStoreError

__all__ = ["LINK_STORE_VERSION", "MEMORY", "connect"]

#: The version of the file format this code writes.
LINK_STORE_VERSION = 4
#: The path that opens a private in-memory database.
MEMORY = ":memory:"
_APPLICATION = "ldapconnector link store"
_SET_META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"

_SCHEMA_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE links (
        source_id TEXT PRIMARY KEY,
        anchor_kind TEXT NOT NULL,
        anchor_value TEXT NOT NULL,
        anchor_key TEXT NOT NULL,
        dn TEXT NOT NULL,
        dn_key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
        attributes_hash TEXT,
        updated TEXT NOT NULL
    )""",
    # One live link per anchor; deleted links keep their anchor as history.
    "CREATE UNIQUE INDEX links_live_anchor ON links (anchor_key) WHERE state != 'deleted'",
    "CREATE INDEX links_anchor ON links (anchor_key)",
    "CREATE INDEX links_dn ON links (dn_key)",
    "CREATE INDEX links_state ON links (state, source_id)",
    """CREATE TABLE watermarks (
        profile TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        taken_at TEXT NOT NULL
    )""",
    """CREATE TABLE imported (
        anchor_key TEXT PRIMARY KEY,
        anchor_kind TEXT NOT NULL,
        anchor_value TEXT NOT NULL,
        dn TEXT NOT NULL
    )""",
    """CREATE TABLE imported_values (
        anchor_key TEXT NOT NULL,
        attribute TEXT NOT NULL,
        attribute_key TEXT NOT NULL,
        value TEXT NOT NULL,
        value_key TEXT NOT NULL,
        PRIMARY KEY (anchor_key, attribute_key, value_key)
    )""",
    "CREATE INDEX imported_match ON imported_values (attribute_key, value_key)",
)

# version -> statements that upgrade a file from that version to the next one.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE intents (
            source_id TEXT PRIMARY KEY,
            dn TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            attributes_hash TEXT,
            created TEXT NOT NULL
        )""",
    ),
    2: (
        """CREATE TABLE reconciled (
            source_id TEXT PRIMARY KEY,
            digest TEXT NOT NULL
        )""",
    ),
    3: (
        """CREATE TABLE pending_members (
            group_id TEXT NOT NULL,
            member_id TEXT NOT NULL,
            PRIMARY KEY (group_id, member_id)
        )""",
    ),
}


def _tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(row[0]) for row in rows}


_Statement = tuple[str, tuple[object, ...]]


def _run_in_transaction(db: sqlite3.Connection, statements: Iterable[_Statement]) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement, params in statements:
            db.execute(statement, params)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _create(db: sqlite3.Connection, where: str) -> None:
    _run_in_transaction(
        db,
        [
            *((statement, ()) for statement in _SCHEMA_V1),
            (_SET_META, ("schema_version", "1")),
            (_SET_META, ("application", _APPLICATION)),
        ],
    )
    _check_version(db, where)


def _stored_version(db: sqlite3.Connection, where: str) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise LinkStoreError(f"{where}: the link store has no valid schema_version") from None


def _check_version(db: sqlite3.Connection, where: str) -> None:
    version = _stored_version(db, where)
    if version > LINK_STORE_VERSION:
        raise LinkStoreError(
            f"{where}: the link store was written by a newer ldapconnector (file format "
            f"version {version}; this version reads up to {LINK_STORE_VERSION}); upgrade "
            f"ldapconnector or use another file"
        )
    while version < LINK_STORE_VERSION:
        steps = _MIGRATIONS.get(version)
        if steps is None:
            raise LinkStoreError(f"{where}: no migration from file format version {version}")
        version += 1
        _run_in_transaction(
            db,
            [*((step, ()) for step in steps), (_SET_META, ("schema_version", str(version)))],
        )


def _prepare(db: sqlite3.Connection, where: str) -> None:
    tables = _tables(db)
    if not tables:
        _create(db, where)
    elif "meta" not in tables:
        raise LinkStoreError(f"{where}: not an ldapconnector link store (no meta table)")
    else:
        _check_version(db, where)


def _guarded(where: str, action: Callable[[], None]) -> None:
    try:
        action()
    except sqlite3.Error as error:
        raise LinkStoreError(f"{where}: cannot open the link store: {error}") from error


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating when new) a link store file, or :data:`MEMORY`, ready for use.

    The connection is in autocommit mode (the store issues ``BEGIN``/``COMMIT`` itself),
    uses write-ahead logging for files, and has the schema checked or created.

    Raises:
        LinkStoreError: the file cannot be opened, is not a link store, or was written
            by a newer version.
    """
    where = os.fspath(path)
    try:
        db = sqlite3.connect(where, isolation_level=None)
    except sqlite3.Error as error:
        raise LinkStoreError(f"{where}: cannot open the link store: {error}") from error
    try:

        def setup() -> None:
            if where != MEMORY:
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA busy_timeout = 5000")
            _prepare(db, where)

        _guarded(where, setup)
    except BaseException:
        db.close()
        raise
    return db
