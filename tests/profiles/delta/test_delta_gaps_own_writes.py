"""Own writes through Connector.export are not reported by Connector.delta_import when ignored."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.detect import DeltaSource
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import DS389Server, OpenLDAPServer

pytestmark = pytest.mark.integration

COUNT = 5


def _config(server: Any, people: str) -> ConnectorConfig:
    """The POSIX example under ``people``, written and read as the service account."""
    data = posix_example(server.connectivity(security="ldaps"), people_dn=people)
    data["run_profiles"] = {"full_import": True, "delta_import": True, "export": True}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _container(server: Any) -> str:
    """A fresh OU under the people container (session servers are shared)."""
    name = f"own{uuid.uuid4().hex[:8]}"
    dn = f"ou={name},{server.people_dn}"
    server.add_ldif(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {name}\n")
    return dn


def _check_own_writes(server: Any, source: DeltaSource) -> None:
    """Baseline two stores, export, then read the changes with and without filtering."""
    config = _config(server, _container(server))
    records = users(COUNT)
    with (
        SqliteLinkStore.in_memory() as store,
        SqliteLinkStore.in_memory() as other,
        Connector(config, store=store) as filtered,
        Connector(config, store=other) as plain,
    ):
        assert filtered.delta_import(ignore_own_writes=True).baseline
        assert plain.delta_import().baseline
        report = filtered.export(records)
        assert report.summary["created"] == COUNT, report.failed[:2]
        records[0]["displayName"] = "Changed Name"
        assert filtered.export(records).summary["updated"] == 1
        own = filtered.delta_import(ignore_own_writes=True)
        assert own.source is source
        assert list(own.records()) == []
        seen = [(r.type.value, r.dn.lower()) for r in plain.delta_import().records()]
    created = {r.dn.lower() for r in report.results if r.dn}
    assert {dn for kind, dn in seen if kind == "add"} == created
    assert any(kind == "modify" for kind, _dn in seen)


@pytest.mark.openldap
def test_export_then_delta_on_openldap(openldap_server: OpenLDAPServer) -> None:
    """OpenLDAP accesslog: an export's adds and modify are hidden by ignore_own_writes only."""
    _check_own_writes(openldap_server, DeltaSource.ACCESSLOG)


@pytest.mark.ds389
def test_export_then_delta_on_389(ds389_server: DS389Server) -> None:
    """389 retro changelog: an export's adds and modify are hidden by ignore_own_writes only."""
    _check_own_writes(ds389_server, DeltaSource.CHANGELOG)
