"""The throwaway PostgreSQL server: starts on loopback, wants its password, cleans up."""

from __future__ import annotations

import os

import pytest

from ldapconnector.errors import LinkStoreError
from ldapconnector.space import POSTGRES_STORE_VERSION, PostgresLinkStore
from ldapconnector.testing import PostgreSQLServer

pytestmark = [pytest.mark.integration, pytest.mark.postgresql]


def test_a_server_starts_answers_and_is_removed(postgresql_server: PostgreSQLServer) -> None:
    """A second server gets its own port and temp dir; stopping removes both."""
    with PostgreSQLServer() as server:
        assert server.port not in (0, postgresql_server.port)
        assert server.psql("SELECT 40 + 2").strip() == "42"
        directory = server.directory
        assert directory is not None
        assert (directory / "data" / "PG_VERSION").exists()
    assert not directory.exists()


def test_tcp_connections_need_the_password(postgresql_server: PostgreSQLServer) -> None:
    """Over TCP the superuser authenticates with SCRAM: no password, no session."""
    with pytest.raises(LinkStoreError, match="password"):
        PostgresLinkStore.connect(postgresql_server.dsn_without_password() + " password=wrong")
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="auth_check") as store:
        assert store.count() == 0


def test_a_database_per_test(postgresql_database: str, postgresql_server: PostgreSQLServer) -> None:
    """The postgresql_database fixture gives a new empty database's DSN."""
    name = postgresql_database.rsplit("dbname=", 1)[1]
    assert name.startswith(f"test_{os.getpid()}_")
    listed = postgresql_server.psql("SELECT datname FROM pg_database").split()
    assert name in listed


def test_a_bad_schema_name_is_refused(postgresql_server: PostgreSQLServer) -> None:
    """The schema name goes into statements as a name, so only plain identifiers pass."""
    with pytest.raises(LinkStoreError, match="schema name"):
        PostgresLinkStore.connect(postgresql_server.dsn(), schema='x"; DROP TABLE y; --')


def test_tables_of_a_newer_version_are_refused(postgresql_server: PostgreSQLServer) -> None:
    """An older ldapconnector does not write a layout it does not know."""
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="future"):
        pass
    newer = POSTGRES_STORE_VERSION + 1
    update = f"UPDATE future.meta SET value = '{newer}' WHERE key = 'schema_version'"  # noqa: S608
    postgresql_server.psql(update)
    with pytest.raises(LinkStoreError, match="newer ldapconnector"):
        PostgresLinkStore.connect(postgresql_server.dsn(), schema="future")
