"""Deleting a subtree with the Tree Delete control (MS-ADTS 3.1.1.3.4.1.15) on real servers.

OpenLDAP does not offer the control: a critical one is refused and nothing is deleted.
Samba AD offers it: the entry goes with everything below it. The export's delete path
(``send_operation`` with ``tree_delete``) is run on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.connector import detect
from ldapconnector.detect import ServerInfo
from ldapconnector.errors import NotAllowedOnNonLeafError, UnavailableCriticalExtensionError
from ldapconnector.model import TREE_DELETE_OID
from ldapconnector.profiles.export import DeleteOperation
from ldapconnector.profiles.export._send import send_operation
from ldapconnector.testing import OpenLDAPServer, SambaADServer

pytestmark = pytest.mark.integration


def _server_info(connection: LdapConnection) -> ServerInfo:
    """What the Connector's detection finds (its Root DSE names supportedControl)."""
    return detect(connection)


def _offered(info: ServerInfo) -> bool:
    return any(control.oid == TREE_DELETE_OID for control in info.supported_controls)


# ----------------------------------------------------------------------------- OpenLDAP


@pytest.fixture(name="slapd_admin")
def fixture_slapd_admin(openldap_server: OpenLDAPServer) -> Iterator[LdapConnection]:
    """The shared slapd, as its admin."""
    config = openldap_server.connectivity_config("ldaps", "simple", as_service=False)
    with open_connection(config) as connection:
        yield connection


def _slapd_subtree(connection: LdapConnection, people_dn: str) -> tuple[str, str]:
    """A fresh OU under ou=people with one child; returns (ou, child) DNs."""
    name = f"tree{uuid.uuid4().hex[:8]}"
    ou = f"ou={name},{people_dn}"
    child = f"cn=child,{ou}"
    connection.add(ou, {"objectClass": "organizationalUnit", "ou": name})
    connection.add(child, {"objectClass": "organizationalRole", "cn": "child"})
    return ou, child


@pytest.mark.openldap
def test_openldap_refuses_the_critical_control(
    openldap_server: OpenLDAPServer, slapd_admin: LdapConnection
) -> None:
    """The control is sent: slapd, which lacks it, answers 12 and deletes nothing."""
    ou, child = _slapd_subtree(slapd_admin, openldap_server.people_dn)
    assert not _offered(_server_info(slapd_admin))
    with pytest.raises(UnavailableCriticalExtensionError):
        slapd_admin.delete(ou, tree=True)
    assert slapd_admin.read_entry(child, ("1.1",)) is not None


@pytest.mark.openldap
@pytest.mark.parametrize("tree_delete", [False, True])
def test_openldap_non_leaf_delete_says_why(
    openldap_server: OpenLDAPServer, slapd_admin: LdapConnection, tree_delete: bool
) -> None:
    """Without the control a non-leaf delete names the DN and its children; a leaf goes."""
    ou, child = _slapd_subtree(slapd_admin, openldap_server.people_dn)
    info = _server_info(slapd_admin)
    with pytest.raises(NotAllowedOnNonLeafError) as caught:
        send_operation(slapd_admin, info, DeleteOperation(dn=ou), tree_delete=tree_delete)
    assert str(caught.value).startswith(f"delete failed for {ou!r} with result 66")
    assert "the entry has 1 child; the server offers no Tree Delete control" in str(caught.value)
    send_operation(slapd_admin, info, DeleteOperation(dn=child), tree_delete=tree_delete)
    assert slapd_admin.read_entry(child, ("1.1",)) is None
    send_operation(slapd_admin, info, DeleteOperation(dn=ou), tree_delete=tree_delete)
    assert slapd_admin.read_entry(ou, ("1.1",)) is None


# ---------------------------------------------------------------------------- Samba AD


@pytest.fixture(name="samba_admin")
def fixture_samba_admin(samba_ad_server: SambaADServer) -> Iterator[LdapConnection]:
    """The shared Samba AD DC, as Administrator over LDAPS."""
    config = samba_ad_server.connectivity_config("ldaps", "simple", as_service=False)
    with open_connection(config) as connection:
        yield connection


def _samba_subtree(connection: LdapConnection, people_dn: str) -> tuple[str, str, str]:
    """A fresh OU with a user and a sub-OU holding a user; returns (ou, user, deep user)."""
    name = f"tree{uuid.uuid4().hex[:8]}"
    ou = f"OU={name},{people_dn}"
    sub = f"OU=sub,{ou}"
    connection.add(ou, {"objectClass": "organizationalUnit", "ou": name})
    connection.add(sub, {"objectClass": "organizationalUnit", "ou": "sub"})
    users = []
    for parent, login in ((ou, f"a{name}"), (sub, f"b{name}")):
        dn = f"CN={login},{parent}"
        connection.add(dn, {"objectClass": "user", "sAMAccountName": login[:20]})
        users.append(dn)
    return ou, users[0], users[1]


@pytest.mark.samba
def test_samba_deletes_the_subtree_with_the_control(
    samba_ad_server: SambaADServer, samba_admin: LdapConnection
) -> None:
    """Samba offers the control; with it one delete removes the OU and all below it."""
    ou, user, deep = _samba_subtree(samba_admin, samba_ad_server.people_dn)
    info = _server_info(samba_admin)
    assert _offered(info)
    send_operation(samba_admin, info, DeleteOperation(dn=ou), tree_delete=True)
    for dn in (ou, user, deep):
        assert samba_admin.read_entry(dn, ("1.1",)) is None, dn


@pytest.mark.samba
def test_samba_without_tree_delete_names_the_setting(
    samba_ad_server: SambaADServer, samba_admin: LdapConnection
) -> None:
    """With tree_delete off the non-leaf OU stays, and the error says what to set."""
    ou, user, _ = _samba_subtree(samba_admin, samba_ad_server.people_dn)
    info = _server_info(samba_admin)
    with pytest.raises(NotAllowedOnNonLeafError) as caught:
        send_operation(samba_admin, info, DeleteOperation(dn=ou), tree_delete=False)
    assert "the entry has 2 children; set global.tree_delete = true" in str(caught.value)
    assert samba_admin.read_entry(user, ("1.1",)) is not None
    samba_admin.delete(ou, tree=True)  # clean up
