"""The export scenario (smaller) on 389 DS and on Samba AD, with their own classes and flows."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ldapconnector.anchors import AnchorKind
from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import DS389Server, SambaADServer

pytestmark = pytest.mark.integration

COUNT = 100


def _container(server: Any, name: str) -> str:
    """A fresh OU under the people container (the session's server is shared)."""
    dn = f"ou={name},{server.people_dn}"
    server.add_ldif(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {name}\n")
    return dn


def _outcome(report: Any, source_id: str) -> ExportOutcome:
    (result,) = [r for r in report.results if r.id == source_id]
    return result.outcome  # type: ignore[no-any-return]


@pytest.mark.ds389
def test_scenario_on_389ds(ds389_server: DS389Server) -> None:
    """Create 100, rerun unchanged, update, rename, disable with nsAccountLock, delete."""
    people = _container(ds389_server, f"export{uuid.uuid4().hex[:8]}")
    data = posix_example(ds389_server.connectivity(security="ldaps"), people_dn=people)
    data["deprovisioning"]["disable"] = {"set_attribute": "nsAccountLock", "value": True}
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    records = users(COUNT)
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        first = connector.export(records)
        assert first.summary["created"] == COUNT, first.failed[:2]
        assert connector.export(records).summary["unchanged"] == COUNT
        records[1]["displayName"] = "Changed"
        records[2]["userPrincipalName"] = "moved@contoso.lab"
        records[3]["isSoftDeleted"] = True
        records[4]["@deleted"] = True
        second = connector.export(records)
        entry = connector.connection.read_entry(
            second.results[3].dn or "", ("nsAccountLock", "entryUUID")
        )
    outcomes = [r.outcome for r in second.results[1:5]]
    assert outcomes == [
        ExportOutcome.UPDATED, ExportOutcome.RENAMED, ExportOutcome.DISABLED, ExportOutcome.DELETED,
    ]  # fmt: skip
    assert second.results[2].anchor == first.results[2].anchor
    assert entry is not None
    assert entry.texts("nsAccountLock") == ("TRUE",)
    assert first.results[0].anchor is not None
    assert first.results[0].anchor.kind is AnchorKind.ENTRY_UUID


def _samba_config(server: SambaADServer, people: str, disable: object) -> ConnectorConfig:
    login = 'Word([userPrincipalName], 1, "@")'
    return ConnectorConfig.from_dict(
        {
            "connectivity": server.connectivity(security="ldaps"),
            # Samba AD answers as AD DS, which export refuses unless opted in.
            "global": {"allow_ad_ds_export": True},
            "object_type": {"target": "user", "containers": [people]},
            "deprovisioning": {"disable": disable, "delete": "delete"},
            "mappings": [
                {
                    "type": "expression",
                    "target": "-dn-",
                    "expression": f'Join("", "CN=", {login}, ",{people}")',
                },
                {"type": "direct", "source": "userPrincipalName", "target": "userPrincipalName"},
                {"type": "direct", "source": "displayName", "target": "displayName"},
                {"type": "direct", "source": "surname", "target": "sn"},
                {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
                # NORMAL_ACCOUNT | PASSWD_NOTREQD: an enabled account with no password yet.
                {
                    "type": "constant",
                    "target": "userAccountControl",
                    "value": "544",
                    "apply": "create",
                },
            ],
        },
        allow_literal_password=True,
    )


@pytest.mark.samba
@pytest.mark.parametrize(
    ("disable", "attribute", "disabled"),
    [("vendor", "userAccountControl", "546")],
)
def test_scenario_on_samba_ad(
    samba_ad_server: SambaADServer, disable: object, attribute: str, disabled: str
) -> None:
    """Class user under an OU with objectGUID anchors: create, rename, disable, enable, delete."""
    people = _container(samba_ad_server, f"export{uuid.uuid4().hex[:8]}").replace("ou=", "OU=", 1)
    records = users(COUNT)
    config = _samba_config(samba_ad_server, people, disable)
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        first = connector.export(records)
        assert first.summary["created"] == COUNT, first.failed[:2]
        assert connector.export(records).summary["unchanged"] == COUNT
        records[2]["userPrincipalName"] = "moved@contoso.lab"
        records[3]["isSoftDeleted"] = True
        records[4]["@deleted"] = True
        second = connector.export(records)
        held = connector.connection.read_entry(second.results[3].dn or "", (attribute,))
        records[3]["isSoftDeleted"] = False
        third = connector.export(records)
    assert first.results[0].anchor is not None
    assert first.results[0].anchor.kind is AnchorKind.OBJECT_GUID
    assert [r.outcome for r in second.results[2:5]] == [
        ExportOutcome.RENAMED, ExportOutcome.DISABLED, ExportOutcome.DELETED,
    ]  # fmt: skip
    assert second.results[2].anchor == first.results[2].anchor
    assert held is not None
    assert held.texts(attribute) == (disabled,)
    assert _outcome(third, records[3]["id"]) is ExportOutcome.ENABLED
    with open_connection(samba_ad_server.connectivity_config(security="ldaps")) as conn:
        assert conn.read_entry(second.results[4].dn or "") is None
