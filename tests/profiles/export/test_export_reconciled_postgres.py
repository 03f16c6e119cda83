"""Unchanged users by one digest comparison with the PostgreSQL link store, into real slapd.

The digests live in PostgreSQL, so a worker that starts later (another session) skips the
planning of users another worker found in line. The store is a subclass of
:class:`~ldapconnector.space.PostgresLinkStore` that counts its writes (passed to the
connector like any store); the directory's writes are counted in slapd's accesslog.
"""

from __future__ import annotations

import itertools
import subprocess
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome, ExportReport
from ldapconnector.space import Intent, Link, LinkState, PostgresLinkStore
from ldapconnector.testing import OpenLDAPServer, PostgreSQLServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap, pytest.mark.postgresql]

COUNT = 6
_SPACES = itertools.count(1)


class CountingStore(PostgresLinkStore):
    """A PostgreSQL store that counts its writes and keeps the digests it was given."""

    writes: Counter[str]
    digest_writes: list[dict[str, str | None]]
    held: dict[str, str]  # the digests the space held when the run ended

    def __init__(self, db: Any, **options: Any) -> None:
        """Wrap the session; no write counted yet."""
        super().__init__(db, **options)
        self.writes = Counter()
        self.digest_writes = []
        self.held = {}

    def put(self, link: Link) -> None:
        """Count, then write the link."""
        self.writes["put"] += 1
        super().put(link)

    def mark(self, source_id: str, state: LinkState) -> Link:
        """Count, then mark the link."""
        self.writes["mark"] += 1
        return super().mark(source_id, state)

    def put_intent(self, intent: Intent) -> None:
        """Count, then record the intent."""
        self.writes["put_intent"] += 1
        super().put_intent(intent)

    def put_reconciled_digests(self, digests: Mapping[str, str | None]) -> None:
        """Keep a copy, then write the digests."""
        self.digest_writes.append(dict(digests))
        super().put_reconciled_digests(digests)


@pytest.fixture(name="space")
def fixture_space(postgresql_server: PostgreSQLServer) -> Iterator[str]:
    """A PostgreSQL schema of the test's own."""
    name = f"reconciled_{next(_SPACES)}"
    yield name
    postgresql_server.psql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _export(server: OpenLDAPServer, dsn: str, space: str) -> tuple[ExportReport, CountingStore]:
    """One export run by a new worker (a new session on the space)."""
    store = CountingStore.connect(dsn, schema=space)
    assert isinstance(store, CountingStore)
    with store, Connector(_config(server), store=store) as connector:
        report = connector.export(users(COUNT))
        store.held = store.reconciled_digests()
    assert report.ok, report.failed
    return report, store


def _directory_writes(server: OpenLDAPServer) -> int:
    """How many writes slapd's accesslog holds (read with ``ldapsearch``)."""
    argv = [
        "ldapsearch", "-LLL", "-x", "-H", server.ldap_uri, "-D", server.admin_dn,
        "-w", server.admin_password, "-b", server.accesslog_dn, "(objectClass=auditWriteObject)",
        "1.1",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    return sum(1 for line in done.stdout.splitlines() if line.startswith("dn: "))


def _outcomes(report: ExportReport) -> set[ExportOutcome]:
    return {result.outcome for result in report.results}


def test_a_second_unchanged_export_writes_nothing_and_plans_nothing(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer, space: str
) -> None:
    """Created; found in line (digests recorded); then by digest alone, with no write at all."""
    server, dsn = fresh_openldap_server, postgresql_server.dsn()
    ids = sorted(record["id"] for record in users(COUNT))
    created, first = _export(server, dsn, space)
    assert _outcomes(created) == {ExportOutcome.CREATED}
    assert first.held == {}  # a create compares nothing, so records none
    in_line, second = _export(server, dsn, space)
    recorded = second.held
    assert sorted(recorded) == ids
    assert [sorted(written) for written in second.digest_writes] == [ids]
    before = _directory_writes(server)
    again, third = _export(server, dsn, space)
    assert _outcomes(in_line) == _outcomes(again) == {ExportOutcome.UNCHANGED}
    assert _directory_writes(server) == before
    # Every digest matched: no plan was made, so no link, intent or digest was written.
    assert (third.writes, third.digest_writes) == (Counter(), [])
    assert third.held == recorded
    assert [(r.dn, r.anchor) for r in again.results] == [(r.dn, r.anchor) for r in in_line.results]


def test_only_the_user_whose_digest_differs_is_planned_again(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer, space: str
) -> None:
    """A stale digest costs its user a full plan (which records it again); the rest are skipped."""
    server, dsn = fresh_openldap_server, postgresql_server.dsn()
    _export(server, dsn, space)
    _, second = _export(server, dsn, space)
    recorded = second.held
    stale = sorted(recorded)[2]
    with PostgresLinkStore.connect(dsn, schema=space) as store:
        store.put_reconciled_digests({stale: "0" * 40})
    report, third = _export(server, dsn, space)
    assert _outcomes(report) == {ExportOutcome.UNCHANGED}
    assert third.digest_writes == [{stale: recorded[stale]}]
    assert third.held == recorded
