"""The PostgreSQL link store's table layout: older layouts are migrated, newer refused."""

from __future__ import annotations

import itertools

import pytest

from ldapconnector.space import LinkStoreError, PostgresLinkStore
from ldapconnector.space._postgres_schema import POSTGRES_STORE_VERSION
from ldapconnector.testing import PostgreSQLServer

pytestmark = [pytest.mark.integration, pytest.mark.postgresql]

_SPACES = itertools.count(1)


def _stored_version(server: PostgreSQLServer, schema: str) -> str:
    sql = f"SELECT value FROM {schema}.meta WHERE key = 'schema_version'"  # noqa: S608
    return server.psql(sql).strip()


def test_a_version_1_layout_gains_the_pending_members_table(
    postgresql_server: PostgreSQLServer,
) -> None:
    """A schema written by the first layout is brought to the current one when opened."""
    schema = f"layout_{next(_SPACES)}"
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema):
        pass
    # What a store of layout version 1 left behind: no pending_members table.
    postgresql_server.psql(f"DROP TABLE {schema}.pending_members")
    postgresql_server.psql(f"UPDATE {schema}.meta SET value = '1' WHERE key = 'schema_version'")  # noqa: S608 - a test's own schema name
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema) as store:
        store.put_pending_members("g1", ["u2", "u1"])
        assert store.pending_members("g1") == ("u1", "u2")
    assert _stored_version(postgresql_server, schema) == str(POSTGRES_STORE_VERSION)


def test_a_newer_layout_is_refused(postgresql_server: PostgreSQLServer) -> None:
    """A schema written by a newer ldapconnector is not touched."""
    schema = f"layout_{next(_SPACES)}"
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema):
        pass
    postgresql_server.psql(f"UPDATE {schema}.meta SET value = '99' WHERE key = 'schema_version'")  # noqa: S608 - a test's own schema name
    with pytest.raises(LinkStoreError, match="newer ldapconnector"):
        PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema)
    assert _stored_version(postgresql_server, schema) == "99"
