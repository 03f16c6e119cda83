"""The PostgreSQL layout of the link store: tables in one schema, version check, creation.

One PostgreSQL *schema* (``ldapconnector`` by default) holds one connector space, so one
database can hold several connectors' spaces side by side. Its ``meta`` table records
``schema_version`` as the SQLite file does, with the same rule: a newer version is
refused. The tables are created in one transaction under an advisory lock, so workers
starting at the same moment do not race each other creating them.

A new schema is made at version 1 and brought forward by the same :data:`_MIGRATIONS`
that upgrade an older one (in the same transaction, under the same lock: all or
nothing), so every migration runs on every new schema too.

Versions: 1, links, watermarks, the import cache, intents and worker leases; 2, the
``reconciled`` table (per source id, the digest of an export's inputs when its entry was
found in line, as in the SQLite file's format 3); 3, the ``pending_members`` table (group
members not provisioned yet, docs/groups.md; the SQLite file's format 4).
"""

from __future__ import annotations

import re
from typing import Any

from ldapconnector.space._store import LinkStoreError

__all__ = ["POSTGRES_STORE_VERSION", "check_schema_name", "prepare"]

#: The version of the table layout this code writes.
POSTGRES_STORE_VERSION = 3

_APPLICATION = "ldapconnector link store"
# A plain identifier: it is put into statements as a (quoted) name, never as a value.
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Taken (per transaction) while the tables are checked or created: one creator at a time.
_CREATE_LOCK = 0x6C646170  # "ldap"

_TABLES = (
    "CREATE TABLE {s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE {s}.links (
        source_id TEXT PRIMARY KEY,
        anchor_kind TEXT NOT NULL,
        anchor_value TEXT NOT NULL,
        anchor_key TEXT NOT NULL,
        dn TEXT NOT NULL,
        dn_key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
        attributes_hash TEXT,
        updated TIMESTAMPTZ NOT NULL
    )""",
    # One live link per anchor; deleted links keep their anchor as history.
    "CREATE UNIQUE INDEX links_live_anchor ON {s}.links (anchor_key) WHERE state <> 'deleted'",
    "CREATE INDEX links_anchor ON {s}.links (anchor_key)",
    "CREATE INDEX links_dn ON {s}.links (dn_key)",
    "CREATE INDEX links_state ON {s}.links (state, source_id)",
    """CREATE TABLE {s}.watermarks (
        profile TEXT PRIMARY KEY, value TEXT NOT NULL, taken_at TIMESTAMPTZ NOT NULL
    )""",
    """CREATE TABLE {s}.imported (
        anchor_key TEXT PRIMARY KEY,
        anchor_kind TEXT NOT NULL,
        anchor_value TEXT NOT NULL,
        dn TEXT NOT NULL
    )""",
    """CREATE TABLE {s}.imported_values (
        seq BIGSERIAL,
        anchor_key TEXT NOT NULL,
        attribute TEXT NOT NULL,
        attribute_key TEXT NOT NULL,
        value TEXT NOT NULL,
        value_key TEXT NOT NULL,
        PRIMARY KEY (anchor_key, attribute_key, value_key)
    )""",
    "CREATE INDEX imported_match ON {s}.imported_values (attribute_key, value_key)",
    """CREATE TABLE {s}.intents (
        source_id TEXT PRIMARY KEY,
        dn TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        attributes_hash TEXT,
        created TIMESTAMPTZ NOT NULL
    )""",
    """CREATE TABLE {s}.leases (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL
    )""",
)

# version -> statements that upgrade a schema from that version to the next one.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("CREATE TABLE {s}.reconciled (source_id TEXT PRIMARY KEY, digest TEXT NOT NULL)",),
    2: (
        """CREATE TABLE {s}.pending_members (
            group_id TEXT NOT NULL,
            member_id TEXT NOT NULL,
            PRIMARY KEY (group_id, member_id)
        )""",
    ),
}


def check_schema_name(name: str) -> str:
    """Return ``name`` if it is a usable schema name (lower-case identifier), else raise.

    Raises:
        LinkStoreError: the name is not ``[a-z_][a-z0-9_]*`` (at most 63 characters).
    """
    if not isinstance(name, str) or not _SCHEMA_NAME.fullmatch(name):
        raise LinkStoreError(
            f"PostgreSQL schema name {name!r}: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit)"
        )
    return name


def _version(db: Any, schema: str) -> int | None:
    """The stored version, or None when the schema has no link store yet."""
    row = db.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'meta'",
        (schema,),
    ).fetchone()
    if row is None:
        return None
    found = db.execute(f'SELECT value FROM "{schema}".meta WHERE key = %s', ("schema_version",))  # noqa: S608
    value = found.fetchone()
    try:
        return int(value[0])
    except (TypeError, ValueError):
        raise LinkStoreError(
            f"schema {schema}: the link store has no valid schema_version"
        ) from None


def _create(db: Any, schema: str) -> None:
    db.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    for statement in _TABLES:
        db.execute(statement.format(s=f'"{schema}"'))
    insert = f'INSERT INTO "{schema}".meta (key, value) VALUES (%s, %s)'  # noqa: S608
    db.execute(insert, ("schema_version", "1"))
    db.execute(insert, ("application", _APPLICATION))


def _migrate(db: Any, schema: str, version: int) -> None:
    """Bring the tables from ``version`` to :data:`POSTGRES_STORE_VERSION`, step by step."""
    update = f'UPDATE "{schema}".meta SET value = %s WHERE key = %s'  # noqa: S608
    while version < POSTGRES_STORE_VERSION:
        steps = _MIGRATIONS.get(version)
        if steps is None:
            raise LinkStoreError(f"schema {schema}: no migration from layout version {version}")
        for statement in steps:
            db.execute(statement.format(s=f'"{schema}"'))
        version += 1
        db.execute(update, (str(version), "schema_version"))


def prepare(db: Any, schema: str) -> None:
    """Check the link store tables in ``schema``: create them when there are none, upgrade
    them when they are older.

    ``db`` is a psycopg connection in autocommit mode; the check runs in one transaction.

    Raises:
        LinkStoreError: the tables were written by a newer ldapconnector, or are not a
            link store's.
    """
    db.execute("BEGIN")
    try:
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
        version = _version(db, schema)
        if version is None:
            _create(db, schema)
            version = 1
        if version > POSTGRES_STORE_VERSION:
            raise LinkStoreError(
                f"schema {schema}: the link store was written by a newer ldapconnector "
                f"(layout version {version}; this version reads up to "
                f"{POSTGRES_STORE_VERSION}); upgrade ldapconnector or use another schema"
            )
        _migrate(db, schema, version)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
