"""Full import of 2,000 users on each real server, renames and moves behind its back."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.anchors import AnchorKind
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.space import Link, SqliteLinkStore

pytestmark = pytest.mark.integration

USERS = 2000
IN_SUB_OU = 50
MOVED = 10
RENAMED = 10

# Per server: the person class, its anchor kind, and LDIF lines for one person / other objects.
TARGET = {"openldap": "inetOrgPerson", "ds389": "inetOrgPerson", "samba": "user"}
ANCHOR = {
    "openldap": AnchorKind.ENTRY_UUID,
    "ds389": AnchorKind.ENTRY_UUID,
    "samba": AnchorKind.OBJECT_GUID,
}


def _person(kind: str, name: str, parent: str) -> str:
    if kind == "samba":
        return (
            f"dn: CN={name},{parent}\nobjectClass: user\ncn: {name}\n"
            f"sAMAccountName: {name}\nmail: {name}@contoso.lab\n\n"
        )
    return (
        f"dn: uid={name},{parent}\nobjectClass: inetOrgPerson\nuid: {name}\ncn: {name}\n"
        f"sn: Import\nmail: {name}@contoso.lab\n\n"
    )


def _others(kind: str, ou: str) -> str:
    if kind == "samba":
        return (
            f"dn: CN=fi-group,{ou}\nobjectClass: group\ncn: fi-group\nsAMAccountName: fi-group\n\n"
            f"dn: CN=fi-contact,{ou}\nobjectClass: contact\ncn: fi-contact\n\n"
        )
    return (
        f"dn: cn=fi-group,{ou}\nobjectClass: groupOfNames\ncn: fi-group\nmember: {ou}\n\n"
        f"dn: cn=fi-device,{ou}\nobjectClass: device\ncn: fi-device\n\n"
    )


def _seed(directory_server: Any) -> str:
    """Seed one OU with 2,000 persons (50 of them in a sub-OU) and a few other objects."""
    kind = directory_server.kind
    ou = f"ou=fullimport,{directory_server.people_dn}"
    sub = f"ou=sub,{ou}"
    text = [
        f"dn: {ou}\nobjectClass: organizationalUnit\nou: fullimport\n\n",
        f"dn: {sub}\nobjectClass: organizationalUnit\nou: sub\n\n",
        f"dn: ou=moved,{ou}\nobjectClass: organizationalUnit\nou: moved\n\n",
        _others(kind, ou),
    ]
    text += [_person(kind, f"fi{i:05d}", sub if i < IN_SUB_OU else ou) for i in range(USERS)]
    directory_server.server.add_ldif("".join(text))
    return ou


def _config(directory_server: Any, ou: str) -> ConnectorConfig:
    return ConnectorConfig.from_dict(
        {
            "connectivity": directory_server.server.connectivity(security="ldaps"),
            "object_type": {"target": TARGET[directory_server.kind], "containers": [ou]},
            "run_profiles": {"export": False},
        },
        allow_literal_password=True,
    )


def _rename_and_move(directory_server: Any, ou: str) -> None:
    naming = "cn" if directory_server.kind == "samba" else "uid"
    settings = directory_server.server.connectivity_config(security="ldaps")
    with open_connection(settings) as conn:
        for i in range(100, 100 + RENAMED):
            conn.modify_dn(f"{naming}=fi{i:05d},{ou}", f"{naming}=fr{i:05d}")
        for i in range(200, 200 + MOVED):
            conn.modify_dn(
                f"{naming}=fi{i:05d},{ou}", f"{naming}=fi{i:05d}", new_superior=f"ou=moved,{ou}"
            )


def test_full_import_follows_renames(directory_server: Any) -> None:
    """Exactly the 2,000 persons come back; after renames and moves, the same anchors follow."""
    ou = _seed(directory_server)
    store = SqliteLinkStore.in_memory()
    with Connector(_config(directory_server, ou), store=store) as connector:
        first = {obj.anchor: obj.dn for obj in connector.full_import()}
        assert len(first) == USERS
        assert {anchor.kind for anchor in first} == {ANCHOR[directory_server.kind]}
        with store.batch():
            for number, (anchor, dn) in enumerate(first.items()):
                store.put(Link(source_id=f"src-{number}", anchor=anchor, dn=dn))
        _rename_and_move(directory_server, ou)
        result = connector.full_import()
        second = {obj.anchor: obj.dn for obj in result}
        moved_one = next(a for a, dn in second.items() if "ou=moved" in dn.lower())
        resolved = connector.resolve(moved_one)
    assert set(second) == set(first)
    assert result.renamed == RENAMED + MOVED
    changed = {anchor for anchor in first if first[anchor] != second[anchor]}
    assert len(changed) == RENAMED + MOVED
    for anchor in changed:
        link = store.get_by_anchor(anchor)
        assert link is not None
        assert link.dn == second[anchor]
    assert resolved is not None
    assert resolved.dn == second[moved_one]


@pytest.mark.samba
def test_samba_partition_import_skips_continuation_references(samba_ad_server: Any) -> None:
    """Importing the whole domain partition ignores the referral to the Configuration NC."""
    config = ConnectorConfig.from_dict(
        {
            "connectivity": samba_ad_server.connectivity(security="ldaps"),
            "object_type": {"target": "user"},
            "run_profiles": {"export": False},
        },
        allow_literal_password=True,
    )
    with Connector(config) as connector:
        dns = [obj.dn for obj in connector.full_import()]
    assert any(dn.lower().startswith("cn=administrator,") for dn in dns)
    assert all(dn.lower().endswith("dc=contoso,dc=lab") for dn in dns)
    assert not any("cn=configuration" in dn.lower() for dn in dns)
