"""The LinkStore contract, run against every shipped backend: a SQLite file, SQLite in
memory, and PostgreSQL (one session, and two sessions sharing one space)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldapconnector.space import PostgresLinkStore, SqliteLinkStore
from ldapconnector.testing import PostgreSQLServer
from ldapconnector.testing.link_store_contract import (
    DigestContract,
    LinksBySourceContract,
    LinkStoreContract,
    SharedLinkStoreContract,
)

_SPACES = itertools.count(1)


class TestSqliteFile(LinkStoreContract, DigestContract, LinksBySourceContract):
    """The default backend: one SQLite file."""

    @pytest.fixture(name="store")
    def fixture_store(self, tmp_path: Path) -> Iterator[SqliteLinkStore]:
        """An empty store file, closed after the test."""
        with SqliteLinkStore.open(tmp_path / "links.sqlite") as store:
            yield store


class TestSqliteInMemory(LinkStoreContract, DigestContract, LinksBySourceContract):
    """The test backend: SQLite in memory."""

    @pytest.fixture(name="store")
    def fixture_store(self) -> Iterator[SqliteLinkStore]:
        """An empty in-memory store."""
        with SqliteLinkStore.in_memory() as store:
            yield store


@pytest.mark.integration
@pytest.mark.postgresql
class TestPostgres(
    LinkStoreContract, DigestContract, SharedLinkStoreContract, LinksBySourceContract
):
    """The shared backend: PostgreSQL, one schema (one connector space) per test."""

    @pytest.fixture(name="space")
    def fixture_space(self) -> str:
        """A schema name no other test uses."""
        return f"contract_{next(_SPACES)}"

    @pytest.fixture(name="store")
    def fixture_store(
        self, postgresql_server: PostgreSQLServer, space: str
    ) -> Iterator[PostgresLinkStore]:
        """A store in a new schema."""
        with PostgresLinkStore.connect(postgresql_server.dsn(), schema=space) as store:
            yield store

    @pytest.fixture(name="second_store")
    def fixture_second_store(
        self, postgresql_server: PostgreSQLServer, space: str, store: PostgresLinkStore
    ) -> Iterator[PostgresLinkStore]:
        """A second worker's session on the same space, giving up on a lock at once."""
        dsn = postgresql_server.dsn()
        with PostgresLinkStore.connect(dsn, schema=space, lock_timeout=0) as other:
            yield other
