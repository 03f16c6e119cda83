"""The PostgreSQL link store's table layout: older layouts are migrated, newer refused."""

from __future__ import annotations

import pytest

from ldapconnector.space import POSTGRES_STORE_VERSION, LinkStoreError, PostgresLinkStore
from ldapconnector.testing import PostgreSQLServer
from ldapconnector.testing.link_store_contract import T0, anchor, link

pytestmark = [pytest.mark.integration, pytest.mark.postgresql]

# The version 1 layout as ldapconnector wrote it before the digests (a frozen copy, not
# the code's), with one link in it.
_VERSION_1 = """
CREATE SCHEMA old_layout;
CREATE TABLE old_layout.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE old_layout.links (source_id TEXT PRIMARY KEY, anchor_kind TEXT NOT NULL,
    anchor_value TEXT NOT NULL, anchor_key TEXT NOT NULL, dn TEXT NOT NULL,
    dn_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
    attributes_hash TEXT, updated TIMESTAMPTZ NOT NULL);
CREATE UNIQUE INDEX links_live_anchor ON old_layout.links (anchor_key) WHERE state <> 'deleted';
CREATE TABLE old_layout.watermarks (profile TEXT PRIMARY KEY, value TEXT NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL);
CREATE TABLE old_layout.imported (anchor_key TEXT PRIMARY KEY, anchor_kind TEXT NOT NULL,
    anchor_value TEXT NOT NULL, dn TEXT NOT NULL);
CREATE TABLE old_layout.imported_values (seq BIGSERIAL, anchor_key TEXT NOT NULL,
    attribute TEXT NOT NULL, attribute_key TEXT NOT NULL, value TEXT NOT NULL,
    value_key TEXT NOT NULL, PRIMARY KEY (anchor_key, attribute_key, value_key));
CREATE TABLE old_layout.intents (source_id TEXT PRIMARY KEY, dn TEXT NOT NULL,
    fingerprint TEXT NOT NULL, attributes_hash TEXT, created TIMESTAMPTZ NOT NULL);
CREATE TABLE old_layout.leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL,
    expires TIMESTAMPTZ NOT NULL);
INSERT INTO old_layout.meta VALUES ('schema_version', '1'),
    ('application', 'ldapconnector link store');
INSERT INTO old_layout.links VALUES ('u1', 'entryUUID', '{value}', '{key}', 'uid=a,dc=x',
    'uid=a,dc=x', 'active', NULL, '{updated}');
"""


def test_a_version_1_schema_is_upgraded_keeping_its_links(
    postgresql_server: PostgreSQLServer,
) -> None:
    """Opening a version 1 schema adds the digests table; its links are kept as they were."""
    old = anchor()
    postgresql_server.psql(_VERSION_1.format(value=old.value, key=old.key, updated=T0.isoformat()))
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="old_layout") as store:
        assert store.get_by_source("u1") == link()
        assert store.reconciled_digests() == {}
        store.put_reconciled_digests({"u1": "ab12"})
        store.put_pending_members("g1", ["u2", "u1"])  # the version 3 table
        assert store.pending_members("g1") == ("u1", "u2")
    version = postgresql_server.psql(
        "SELECT value FROM old_layout.meta WHERE key = 'schema_version'"
    )
    assert version.strip() == str(POSTGRES_STORE_VERSION) == "3"
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="old_layout") as store:
        assert store.reconciled_digests() == {"u1": "ab12"}


def test_a_new_schema_is_made_at_the_current_version(postgresql_server: PostgreSQLServer) -> None:
    """A new schema goes through every migration: it ends at the version this code writes."""
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="new_layout") as store:
        assert store.reconciled_digests() == {}
    tables = postgresql_server.psql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'new_layout' "
        "ORDER BY table_name"
    ).split()
    assert tables == [
        "imported", "imported_values", "intents", "leases", "links", "meta",
        "pending_members", "reconciled", "watermarks",
    ]  # fmt: skip
    version = postgresql_server.psql(
        "SELECT value FROM new_layout.meta WHERE key = 'schema_version'"
    )
    assert version.strip() == str(POSTGRES_STORE_VERSION)


def test_a_newer_layout_is_refused(postgresql_server: PostgreSQLServer) -> None:
    """A schema written by a newer ldapconnector is not touched."""
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="newer_layout"):
        pass
    postgresql_server.psql("UPDATE newer_layout.meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(LinkStoreError, match="newer ldapconnector"):
        PostgresLinkStore.connect(postgresql_server.dsn(), schema="newer_layout")
    version = postgresql_server.psql(
        "SELECT value FROM newer_layout.meta WHERE key = 'schema_version'"
    )
    assert version.strip() == "99"
