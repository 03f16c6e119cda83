"""Samba AD: tombstones for the service account, the Deleted Objects probe, DirSync, fallback."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import Anchor, AnchorKind, strategy_for
from ldapconnector.config import ConnectorConfig, Secret
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.connector import Connector
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.delta import DeltaImportResult, run_delta_import
from ldapconnector.profiles.delta._dirsync_reader import dirsync_permitted
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import SambaADServer

pytestmark = [pytest.mark.integration, pytest.mark.samba]


@pytest.fixture(name="server")
def fixture_server(samba_ad_server: SambaADServer) -> Any:
    """The shared session server these tests run against (see ``conftest.py``)."""
    return samba_ad_server


def _delta(
    connection: LdapConnection, source: DeltaSource, base: str, store: SqliteLinkStore
) -> DeltaImportResult:
    return run_delta_import(
        connection,
        source,
        store=store,
        bases=[base],
        anchor_strategy=strategy_for("objectGUID"),
        object_class="user",
    )


def _user(connection: LdapConnection, dn: str, **extra: Any) -> Anchor:
    name = dn.split(",")[0].split("=")[1]
    connection.add(
        dn, {"objectClass": "user", "sAMAccountName": f"{name}{uuid.uuid4().hex[:6]}", **extra}
    )
    entry = connection.read_entry(dn, ("objectGUID",))
    assert entry is not None
    raw = entry.first("objectGUID")
    assert isinstance(raw, bytes)
    return Anchor.from_directory(AnchorKind.OBJECT_GUID, raw)


def _found(result: DeltaImportResult) -> list[tuple[str, str, str | None, Anchor | None]]:
    return [(r.type.value, r.dn, r.old_dn, r.anchor) for r in result.records()]


def _make_changes(writer: LdapConnection, base: str) -> dict[str, Anchor]:
    return {name: _user(writer, f"CN={name},{base}") for name in ("ann", "bob", "cid", "dan")}


def _change_them(writer: LdapConnection, base: str) -> None:
    writer.modify(f"CN=ann,{base}", [Modification(ModifyOp.REPLACE, "description", "changed")])
    writer.modify_dn(f"CN=bob,{base}", "CN=rob")
    writer.modify_dn(f"CN=cid,{base}", "CN=cid", new_superior=f"OU=sub,{base}")
    writer.delete(f"CN=dan,{base}")


def _expected(base: str, anchors: dict[str, Anchor]) -> list[tuple[str, str, str | None, Anchor]]:
    return [
        ("modify", f"CN=ann,{base}", None, anchors["ann"]),
        ("rename", f"CN=rob,{base}", f"CN=bob,{base}", anchors["bob"]),
        ("rename", f"CN=cid,OU=sub,{base}", f"CN=cid,{base}", anchors["cid"]),
        ("delete", f"CN=dan,{base}", f"CN=dan,{base}", anchors["dan"]),
    ]


def test_service_account_sees_deletes_with_usn(
    service: LdapConnection, admin: LdapConnection, base: str
) -> None:
    """The fixture's service account may read Deleted Objects, so uSNChanged reports deletes."""
    store = SqliteLinkStore.in_memory()
    first = _delta(service, DeltaSource.USN_CHANGED, base, store)
    assert first.deletes_covered
    anchors = _make_changes(admin, base)
    added = _found(_delta(service, DeltaSource.USN_CHANGED, base, store))
    assert {anchor for _type, _dn, _old, anchor in added} == set(anchors.values())
    _change_them(admin, base)
    result = _delta(service, DeltaSource.USN_CHANGED, base, store)
    assert result.deletes_covered
    assert _found(result) == _expected(base, anchors)


def test_account_without_rights_is_warned(
    samba_ad_server: SambaADServer,
    admin: LdapConnection,
    base: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An account that cannot read Deleted Objects gets deletes_covered=False and a warning."""
    password = f"{uuid.uuid4().hex}-Aa1"
    dn = f"CN=reader,{base}"
    _user(admin, dn, unicodePwd=f'"{password}"'.encode("utf-16-le"), userAccountControl="512")
    settings = attrs.evolve(
        samba_ad_server.connectivity_config("ldaps", "simple"), user=dn, password=Secret(password)
    )
    with open_connection(settings) as reader, caplog.at_level(logging.WARNING):
        result = _delta(reader, DeltaSource.USN_CHANGED, base, SqliteLinkStore.in_memory())
    assert not result.deletes_covered
    assert any(dn in r.getMessage() and "Deleted Objects" in r.getMessage() for r in caplog.records)


def test_dirsync_reports_changes_as_administrator(admin: LdapConnection, base: str) -> None:
    """DirSync (cookie watermark) reports adds, modify, rename, move and delete; then nothing."""
    store = SqliteLinkStore.in_memory()
    first = _delta(admin, DeltaSource.DIRSYNC, base, store)
    assert first.baseline
    assert first.deletes_covered
    anchors = _make_changes(admin, base)
    added = _found(_delta(admin, DeltaSource.DIRSYNC, base, store))
    assert sorted(added, key=str) == sorted(
        [("add", f"CN={n},{base}", None, anchors[n]) for n in anchors], key=str
    )
    _change_them(admin, base)
    assert sorted(_found(_delta(admin, DeltaSource.DIRSYNC, base, store)), key=str) == sorted(
        _expected(base, anchors), key=str
    )
    assert _found(_delta(admin, DeltaSource.DIRSYNC, base, store)) == []


def test_dirsync_without_the_right_is_a_configuration_error(
    service: LdapConnection, base: str
) -> None:
    """The service account lacks Replicating Directory Changes: a clear ConfigurationError."""
    assert not dirsync_permitted(service, (base,))
    with pytest.raises(ConfigurationError, match="Replicating Directory Changes"):
        _delta(service, DeltaSource.DIRSYNC, base, SqliteLinkStore.in_memory())


def _connector_config(server: SambaADServer, base: str, *, as_service: bool) -> ConnectorConfig:
    return ConnectorConfig.from_dict(
        {
            "connectivity": server.connectivity(security="ldaps", as_service=as_service),
            "object_type": {"target": "user", "containers": [base]},
            "run_profiles": {"full_import": True, "delta_import": True, "export": False},
            "mappings": [
                {"type": "direct", "source": "displayName", "target": "displayName"},
            ],
        },
        allow_literal_password=True,
    )


@pytest.mark.parametrize(("as_service", "source"), [(False, "dirsync"), (True, "usn-changed")])
def test_connector_uses_dirsync_only_with_the_right(
    samba_ad_server: SambaADServer,
    admin: LdapConnection,
    base: str,
    as_service: bool,
    source: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Connector.delta_import reads DirSync as Administrator, else uSNChanged with a warning."""
    config = _connector_config(samba_ad_server, base, as_service=as_service)
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        with caplog.at_level(logging.WARNING):
            assert connector.delta_import().source.value == source
        anchor = _user(admin, f"CN=eve,{base}")
        admin.delete(f"CN=eve,{base}")
        result = connector.delta_import()
        records = [(r.type.value, r.anchor) for r in result.records()]
    assert result.source.value == source
    assert result.deletes_covered
    assert ("delete", anchor) in records
    warned = any("Replicating Directory Changes" in r.getMessage() for r in caplog.records)
    assert warned is as_service
