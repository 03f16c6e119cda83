"""Unchanged users told from the source record, with no query or mapping of their own.

With deterministic mappings the digest of an update's inputs covers the source record's
values instead of the mapped record, and a store that reads every digest with its link
in one query lets a run with a snapshot answer an unchanged user from the run's start
alone. Each test counts what the run did per record (link look-ups, mappings) and checks
what the directory ends up holding when something did change, with ``ldapsearch``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.expressions import EvaluationContext
from ldapconnector.mapping import MappingResult, MappingSet
from ldapconnector.profiles import ExportOutcome, ExportReport, export_request, run_export
from ldapconnector.space import Link, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

COUNT = 6
UNCHANGED = ExportOutcome.UNCHANGED


class CountingStore(SqliteLinkStore):
    """A SQLite link store that counts the per-record link look-ups."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookups = 0

    def get_by_source(self, source_id: str) -> Link | None:
        self.lookups += 1
        return super().get_by_source(source_id)


@attrs.frozen(kw_only=True)
class CountingMappings(MappingSet):
    """The run's mappings, counting the records they map."""

    mapped: list[object] = attrs.field(factory=list, eq=False)

    def apply(
        self,
        record: Mapping[str, object],
        *,
        context: EvaluationContext | None = None,
        creating: bool,
    ) -> MappingResult:
        self.mapped.append(record.get("id"))
        return super().apply(record, context=context, creating=creating)


@pytest.fixture(name="server")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of the test's own (the tests edit its entries)."""
    with OpenLDAPServer() as server:
        yield server


def _config(server: OpenLDAPServer, *extra: dict[str, Any], **changes: Any) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    for mapping in data["mappings"]:
        mapping.update(changes.get(mapping["target"], {}))
    data["mappings"] += list(extra)
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


@attrs.frozen(kw_only=True)
class Run:
    """One export's report and what it did per record."""

    report: ExportReport
    lookups: int
    mapped: list[object]

    @property
    def outcomes(self) -> list[ExportOutcome]:
        return [result.outcome for result in self.report.results]


def _export(
    config: ConnectorConfig, store: CountingStore, records: Any, *, snapshot: bool = True
) -> Run:
    """Export with the snapshot on (as from 100 records) or off, counting per record."""
    with Connector(config, store=store) as connector:
        request = export_request(connector)
        fields = {f.name: getattr(request.mappings, f.name) for f in attrs.fields(MappingSet)}
        mappings = CountingMappings(**fields)
        store.lookups = 0
        report = run_export(attrs.evolve(request, mappings=mappings), records, snapshot=snapshot)
    assert report.ok, report.failed
    return Run(report=report, lookups=store.lookups, mapped=mappings.mapped)


def _read(server: OpenLDAPServer, attribute: str) -> dict[str, str]:
    """uid -> the attribute's values (sorted, one text), read with ``ldapsearch`` as the admin."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
        "(objectClass=posixAccount)", "uid", attribute,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    found: dict[str, str] = {}
    for block in done.stdout.strip().split("\n\n"):
        pairs = [line.split(": ", 1) for line in block.splitlines()[1:]]
        uid = next(value for name, value in pairs if name == "uid")
        found[uid] = " | ".join(sorted(value for name, value in pairs if name == attribute))
    return found


def _uid(record: Mapping[str, Any]) -> str:
    return str(record["userPrincipalName"]).split("@")[0]


def _settled(config: ConnectorConfig, store: CountingStore, records: Any) -> Run:
    """Create the users, then export them again (digests recorded); the second run."""
    assert _export(config, store, records).outcomes == [ExportOutcome.CREATED] * COUNT
    return _export(config, store, records)


def test_an_unchanged_user_costs_no_query_and_no_mapping(server: OpenLDAPServer) -> None:
    """With a snapshot, an unchanged run looks up no link and maps no record."""
    config, records = _config(server), users(COUNT)
    with CountingStore.in_memory() as store:
        second = _settled(config, store, records)
        third = _export(config, store, records)
    assert second.outcomes == third.outcomes == [UNCHANGED] * COUNT
    assert (third.lookups, third.mapped) == (0, [])
    # The answer carries what the full path's did: the entry's DN and anchor.
    assert [(r.dn, r.anchor) for r in third.report.results] == [
        (r.dn, r.anchor) for r in second.report.results
    ]


def test_without_a_snapshot_the_link_is_read_but_the_record_not_mapped(
    server: OpenLDAPServer,
) -> None:
    """Without a snapshot each user's link and entry are read, and the digest still matches
    before the record is mapped."""
    config, records = _config(server), users(COUNT)
    with CountingStore.in_memory() as store:
        _settled(config, store, records)
        third = _export(config, store, records, snapshot=False)
    assert third.outcomes == [UNCHANGED] * COUNT
    assert (third.lookups, third.mapped) == (COUNT, [])


def test_an_entry_edited_behind_the_connector_is_brought_back(server: OpenLDAPServer) -> None:
    """An edit in the directory fails the digest: that user alone takes the full path."""
    config, records = _config(server), users(COUNT)
    with CountingStore.in_memory() as store:
        _settled(config, store, records)
        dn = f"CN={_uid(records[2])},{server.people_dn}"
        server.add_ldif(f"dn: {dn}\nchangetype: modify\nreplace: sn\nsn: Edited\n")
        run = _export(config, store, records)
    assert run.outcomes == [UNCHANGED] * 2 + [ExportOutcome.UPDATED] + [UNCHANGED] * 3
    assert (run.lookups, run.mapped) == (1, [records[2]["id"]])
    assert _read(server, "sn") == {_uid(r): r["surname"] for r in records}


def test_a_changed_source_value_is_exported(server: OpenLDAPServer) -> None:
    """A record whose mapped value changed is mapped and updated; the others are not."""
    config, records = _config(server), users(COUNT)
    with CountingStore.in_memory() as store:
        _settled(config, store, records)
        records[4]["displayName"] = "Someone Else"
        run = _export(config, store, records)
    assert run.outcomes == [UNCHANGED] * 4 + [ExportOutcome.UPDATED, UNCHANGED]
    assert run.mapped == [records[4]["id"]]
    assert _read(server, "cn")[_uid(records[4])] == " | ".join(
        sorted((_uid(records[4]), "Someone Else"))
    )


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "live"])
def test_a_changed_constant_reaches_every_entry(server: OpenLDAPServer, snapshot: bool) -> None:
    """A new constant for gidNumber is not in the records: it changes the run's digests."""
    records = users(COUNT)
    with CountingStore.in_memory() as store:
        _settled(_config(server), store, records)
        changed = _config(server, gidNumber={"value": "10001"})
        run = _export(changed, store, records, snapshot=snapshot)
    assert run.outcomes == [ExportOutcome.UPDATED] * COUNT
    assert set(_read(server, "gidNumber").values()) == {"10001"}


def test_a_key_no_mapping_reads_does_not_count(server: OpenLDAPServer) -> None:
    """A source key no mapping reads (a timestamp of the source's) changes no digest."""
    config, records = _config(server), users(COUNT)
    with CountingStore.in_memory() as store:
        _settled(config, store, records)
        for record in records:
            record["lastSeen"] = datetime.now(UTC).isoformat()
        run = _export(config, store, records)
    assert run.outcomes == [UNCHANGED] * COUNT
    assert (run.lookups, run.mapped) == (0, [])


def test_a_value_that_is_not_plain_data_is_mapped(server: OpenLDAPServer) -> None:
    """A value whose ``repr`` may not be its content (here a datetime) is mapped, and the
    digest of the mapped record still tells the user is unchanged."""
    since = {"type": "direct", "source": "since", "target": "description"}
    config, records = _config(server, since), users(COUNT)
    for record in records:
        record["since"] = datetime(2026, 1, 2, tzinfo=UTC)
    with CountingStore.in_memory() as store:
        _settled(config, store, records)
        run = _export(config, store, records)
    assert run.outcomes == [UNCHANGED] * COUNT
    assert sorted(map(str, run.mapped)) == sorted(r["id"] for r in records)
    assert set(_read(server, "description").values()) == {"20260102000000Z"}


def test_the_password_is_left_out_of_the_source_key(server: OpenLDAPServer) -> None:
    """A new password in the source alone changes no digest: the key leaves out what only
    the password's mapping reads (an update never sends it, no digest of it is stored)."""
    password = {"type": "direct", "source": "password", "target": "userPassword", "apply": "create"}
    config, records = _config(server, password), users(COUNT)
    for record in records:
        record["password"] = "Initial-Secret-1"
    with CountingStore.in_memory() as store:
        _settled(config, store, records)
        recorded = store.reconciled_digests()
        for record in records:
            record["password"] = "Another-Secret-2"
        run = _export(config, store, records)
        assert store.reconciled_digests() == recorded
    assert run.outcomes == [UNCHANGED] * COUNT
    assert (run.lookups, run.mapped) == (0, [])
