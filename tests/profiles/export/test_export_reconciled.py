"""Unchanged users told by one digest comparison, and never at the cost of a missed change.

A run that finds a user's entry in line records the digest of the update's inputs in the
link store; the next run with the same inputs skips the planning. Each test below changes
one input (the entry, behind the connector's back; the mappings; the process's string
hashing) and checks what the directory ends up holding, with ``ldapsearch``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import Anchor
from ldapconnector.cli._demo_data import posix_example, to_toml, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry
from ldapconnector.profiles import ExportOutcome, ExportReport, export_request
from ldapconnector.profiles.export._memo import RunDigest, run_digest
from ldapconnector.space import Link, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

COUNT = 4


@pytest.fixture(name="server")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of the test's own (the tests edit its entries)."""
    with OpenLDAPServer() as server:
        yield server


def _config(server: OpenLDAPServer, **changes: Any) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    for mapping in data["mappings"]:
        mapping.update(changes.get(mapping["target"], {}))
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _export(config: ConnectorConfig, store: SqliteLinkStore, records: Any) -> ExportReport:
    with Connector(config, store=store) as connector:
        report = connector.export(records)
    assert report.ok, report.failed
    return report


def _outcomes(report: ExportReport) -> list[ExportOutcome]:
    return [result.outcome for result in report.results]


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


def _dn_of(server: OpenLDAPServer, index: int) -> str:
    login = users(index + 1)[index]["userPrincipalName"].split("@")[0]
    return f"CN={login},{server.people_dn}"


def test_an_unchanged_run_records_digests_that_the_next_run_matches(
    server: OpenLDAPServer,
) -> None:
    """Created, then found in line (digests recorded), then unchanged with the same digests."""
    config, records = _config(server), users(COUNT)
    with SqliteLinkStore.in_memory() as store:
        assert _outcomes(_export(config, store, records)) == [ExportOutcome.CREATED] * COUNT
        assert store.reconciled_digests() == {}  # a create records none: nothing was compared
        second = _export(config, store, records)
        recorded = store.reconciled_digests()
        third = _export(config, store, records)
        assert sorted(recorded) == sorted(record["id"] for record in records)
        assert store.reconciled_digests() == recorded
    assert _outcomes(second) == _outcomes(third) == [ExportOutcome.UNCHANGED] * COUNT
    # The digest's answer carries what the plan's did: the entry's DN and anchor.
    assert [(r.dn, r.anchor) for r in third.results] == [(r.dn, r.anchor) for r in second.results]


def test_a_modify_records_the_digest_of_the_entry_it_leaves(server: OpenLDAPServer) -> None:
    """The entry a confirmed modify leaves is predicted: the next run matches its digest.

    Had the prediction differed from what slapd holds, the next run would have planned in
    full and recorded another digest.
    """
    config, records = _config(server), users(COUNT)
    with SqliteLinkStore.in_memory() as store:
        _export(config, store, records)
        for record in records:
            record["displayName"] += " changed"
        modified = _export(config, store, records)
        recorded = store.reconciled_digests()
        again = _export(config, store, records)
        assert store.reconciled_digests() == recorded
    assert _outcomes(modified) == [ExportOutcome.UPDATED] * COUNT
    assert sorted(recorded) == sorted(record["id"] for record in records)
    assert _outcomes(again) == [ExportOutcome.UNCHANGED] * COUNT
    assert _read(server, "cn") == {
        uid: " | ".join(sorted((uid, r["displayName"])))
        for r in records
        for uid in [r["userPrincipalName"].split("@")[0]]
    }


def test_an_entry_edited_behind_the_connector_is_brought_back(server: OpenLDAPServer) -> None:
    """After the digests are recorded, an edit of a mapped value in the directory is undone."""
    config, records = _config(server), users(COUNT)
    with SqliteLinkStore.in_memory() as store:
        _export(config, store, records)
        _export(config, store, records)
        server.add_ldif(f"dn: {_dn_of(server, 1)}\nchangetype: modify\nreplace: sn\nsn: Edited\n")
        assert "Edited" in _read(server, "sn").values()
        report = _export(config, store, records)
    assert _outcomes(report) == [
        ExportOutcome.UNCHANGED, ExportOutcome.UPDATED, ExportOutcome.UNCHANGED,
        ExportOutcome.UNCHANGED,
    ]  # fmt: skip
    assert sorted(_read(server, "sn").values()) == sorted(r["surname"] for r in records)


def test_a_changed_mapping_reaches_every_entry(server: OpenLDAPServer) -> None:
    """A new constant for gidNumber reaches every entry although the records are the same."""
    records = users(COUNT)
    with SqliteLinkStore.in_memory() as store:
        _export(_config(server), store, records)
        _export(_config(server), store, records)
        report = _export(_config(server, gidNumber={"value": "10001"}), store, records)
    assert _outcomes(report) == [ExportOutcome.UPDATED] * COUNT
    assert set(_read(server, "gidNumber").values()) == {"10001"}


def test_the_context_covers_what_shapes_a_plan(server: OpenLDAPServer) -> None:
    """Options, schema, flows and mappings change the run's digest; paging and windows do not."""
    with SqliteLinkStore.in_memory() as store, Connector(_config(server), store=store) as one:
        request = export_request(one)
        base = run_digest(request, store).context
        changed = [
            attrs.evolve(request, options=attrs.evolve(request.options, containers=())),
            attrs.evolve(request, read_attributes=("*",)),
            attrs.evolve(request, schema=attrs.evolve(request.schema, object_classes=())),
            attrs.evolve(request, disable_flow=request.delete_flow),
            attrs.evolve(request, mappings=attrs.evolve(request.mappings, flow_nulls=True)),
        ]
        same = [attrs.evolve(request, page_size=7, write_window=3, max_deletes=1)]
        contexts = [run_digest(r, store).context for r in changed]
        assert all(run_digest(r, store).context == base for r in same)
    assert base not in contexts
    assert len(set(contexts)) == len(contexts)


def test_a_plan_records_no_digest(server: OpenLDAPServer) -> None:
    """A plan leaves the link store as it was: no digest either."""
    config, records = _config(server), users(COUNT)
    with SqliteLinkStore.in_memory() as store:
        _export(config, store, records)
        with Connector(config, store=store) as connector:
            planned = connector.plan(records)
        assert _outcomes(planned) == [ExportOutcome.UNCHANGED] * COUNT
        assert store.reconciled_digests() == {}


_RUN = """
import json, sys
from ldapconnector.cli import main
sys.exit(main(["export", "--config", sys.argv[1], "--source", sys.argv[2], "--state",
               sys.argv[3], "--json"]))
"""


def test_digests_match_in_a_process_with_other_string_hashing(
    server: OpenLDAPServer, tmp_path: Path
) -> None:
    """Runs in processes with different ``PYTHONHASHSEED`` compute the same digests."""
    connectivity = dict(server.connectivity(security="ldaps"))
    connectivity.pop("password")
    connectivity["password_env"] = "TEST_LDAP_PASSWORD"
    config = tmp_path / "connector.toml"
    config.write_text(to_toml(posix_example(connectivity, people_dn=server.people_dn)))
    source = tmp_path / "users.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in users(COUNT)), encoding="utf-8")
    state = tmp_path / "state.sqlite"
    digests = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TEST_LDAP_PASSWORD": server.service_password}
        argv = [sys.executable, "-c", _RUN, str(config), str(source), str(state)]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        with SqliteLinkStore.open(state) as store:
            digests.append(store.reconciled_digests())
    assert digests[0] == {}  # the creating run
    assert len(digests[1]) == COUNT
    assert digests[2] == digests[1]  # matched, so not written again


def test_the_password_is_left_out_of_the_digest() -> None:
    """Two records that differ only in the password give one digest; any other value not."""
    digests = RunDigest(context="c", recorded={}, password="userpassword")
    link = Link(
        source_id="u1",
        anchor=Anchor.parse("entryUUID", "00000000-0000-0000-0000-000000000000"),
        dn="uid=a,dc=x",
    )
    entry = Entry(dn="uid=a,dc=x", attributes={"uid": ("a",)})

    def digest(**attributes: tuple[str, ...]) -> str:
        return digests.of(DesiredEntry(source_id="u1", attributes=attributes), entry, link)

    assert digest(sn=("A",), userPassword=("one",)) == digest(sn=("A",), userPassword=("two",))
    assert digest(sn=("A",), userPassword=("one",)) != digest(sn=("B",), userPassword=("one",))
