"""Writes through the connection layer against the real slapd, and the errors they map to."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from ldapconnector.config import Secret
from ldapconnector.connection import LdapConnection, Modification, ModifyOp, open_connection
from ldapconnector.errors import (
    AlreadyExistsError,
    InsufficientAccessError,
    NoSuchAttributeError,
    NoSuchObjectError,
    ObjectClassViolationError,
)
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


@pytest.fixture(name="conn")
def fixture_conn(openldap_server: OpenLDAPServer) -> Iterator[LdapConnection]:
    """A connection bound as the service account over LDAPS."""
    settings = openldap_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        yield conn


@pytest.fixture(name="person_dn")
def fixture_person_dn(conn: LdapConnection, openldap_server: OpenLDAPServer) -> Iterator[str]:
    """A freshly added person with a unique uid, removed afterwards if still there."""
    uid = f"w-{uuid.uuid4().hex[:10]}"
    dn = f"uid={uid},ou=people,{openldap_server.base_dn}"
    conn.add(
        dn,
        {
            "objectClass": ["inetOrgPerson"],
            "uid": uid,
            "cn": "Writer Test",
            "sn": "Test",
            "mail": ["a@contoso.lab", "b@contoso.lab"],
        },
    )
    yield dn
    for leftover in (dn, dn.replace(f"uid={uid}", f"uid={uid}-renamed")):
        if conn.read_entry(leftover) is not None:
            conn.delete(leftover)


def test_add_then_read_back(conn: LdapConnection, person_dn: str) -> None:
    """An added entry reads back with the values that were written."""
    entry = conn.read_entry(person_dn, ["cn", "mail", "objectClass"])
    assert entry is not None
    assert entry.get("cn") == ("Writer Test",)
    assert set(entry.get("mail")) == {"a@contoso.lab", "b@contoso.lab"}


def test_add_existing_dn_raises_already_exists(conn: LdapConnection, person_dn: str) -> None:
    """Adding the same DN again raises AlreadyExistsError naming the DN."""
    with pytest.raises(AlreadyExistsError) as caught:
        conn.add(person_dn, {"objectClass": "inetOrgPerson", "cn": "x", "sn": "y"})
    assert person_dn in str(caught.value)
    assert caught.value.result_code == 68


def test_add_under_missing_parent_names_the_parent_problem(
    conn: LdapConnection, openldap_server: OpenLDAPServer
) -> None:
    """An add under a container that does not exist fails and says containers are not made."""
    dn = f"uid=orphan,ou=missing,ou=people,{openldap_server.base_dn}"
    with pytest.raises(NoSuchObjectError) as caught:
        conn.add(dn, {"objectClass": "inetOrgPerson", "uid": "orphan", "cn": "o", "sn": "o"})
    assert "never created implicitly" in str(caught.value)


def test_add_without_required_attribute_is_an_object_class_violation(
    conn: LdapConnection, openldap_server: OpenLDAPServer
) -> None:
    """Leaving out sn (MUST of person) is refused by the server as result 65."""
    dn = f"uid=no-sn,ou=people,{openldap_server.base_dn}"
    with pytest.raises(ObjectClassViolationError):
        conn.add(dn, {"objectClass": "inetOrgPerson", "uid": "no-sn", "cn": "No Sn"})


def test_modify_add_delete_replace(conn: LdapConnection, person_dn: str) -> None:
    """One modify adds a value, deletes another and replaces a third attribute atomically."""
    conn.modify(
        person_dn,
        [
            Modification(ModifyOp.ADD, "mail", ["c@contoso.lab"]),
            Modification(ModifyOp.DELETE, "mail", ["a@contoso.lab"]),
            Modification(ModifyOp.REPLACE, "sn", "Replaced"),
            Modification(ModifyOp.ADD, "description", "first"),
        ],
    )
    entry = conn.read_entry(person_dn, ["mail", "sn", "description"])
    assert entry is not None
    assert set(entry.get("mail")) == {"b@contoso.lab", "c@contoso.lab"}
    assert entry.get("sn") == ("Replaced",)
    conn.modify(person_dn, [Modification(ModifyOp.REPLACE, "description")])
    entry = conn.read_entry(person_dn, ["description"])
    assert entry is not None
    assert entry.get("description") == ()


def test_deleting_absent_value_raises(conn: LdapConnection, person_dn: str) -> None:
    """Deleting a value the entry does not have raises NoSuchAttributeError (16)."""
    with pytest.raises(NoSuchAttributeError):
        conn.modify(person_dn, [Modification(ModifyOp.DELETE, "mail", ["zz@contoso.lab"])])


def test_modify_dn_rename_and_move(
    conn: LdapConnection, person_dn: str, openldap_server: OpenLDAPServer
) -> None:
    """A rename gives a new RDN; a move with new_superior puts the entry in another OU."""
    uid = person_dn.split(",", 1)[0].split("=", 1)[1]
    renamed = conn.modify_dn(person_dn, f"uid={uid}-renamed")
    assert renamed == f"uid={uid}-renamed,ou=people,{openldap_server.base_dn}"
    assert conn.read_entry(person_dn) is None
    entry = conn.read_entry(renamed, ["uid"])
    assert entry is not None
    assert f"{uid}-renamed" in entry.get("uid")
    assert uid not in entry.get("uid")
    target_ou = f"ou=moved-{uid},ou=people,{openldap_server.base_dn}"
    conn.add(target_ou, {"objectClass": "organizationalUnit", "ou": f"moved-{uid}"})
    try:
        moved = conn.modify_dn(renamed, f"uid={uid}", new_superior=target_ou)
        assert moved == f"uid={uid},{target_ou}"
        assert conn.read_entry(renamed) is None
        assert conn.read_entry(moved) is not None
        conn.delete(moved)
    finally:
        conn.delete(target_ou)


def test_move_outside_granted_subtree_is_refused(
    conn: LdapConnection, person_dn: str, openldap_server: OpenLDAPServer
) -> None:
    """The service account may not move an entry under ou=groups: result 50, entry kept."""
    uid = person_dn.split(",", 1)[0].split("=", 1)[1]
    with pytest.raises(InsufficientAccessError):
        conn.modify_dn(person_dn, f"uid={uid}", new_superior=f"ou=groups,{openldap_server.base_dn}")
    assert conn.read_entry(person_dn) is not None


def test_delete_then_delete_again(conn: LdapConnection, person_dn: str) -> None:
    """Deleting an entry works once; deleting the missing DN raises NoSuchObjectError."""
    conn.delete(person_dn)
    with pytest.raises(NoSuchObjectError) as caught:
        conn.delete(person_dn)
    assert person_dn in str(caught.value)


def test_password_modify_sets_and_generates(
    conn: LdapConnection, person_dn: str, openldap_server: OpenLDAPServer
) -> None:
    """Password modify sets a chosen password, and generates one when none is given."""
    from ldapconnector.config import Binding, ConnectivityConfig, Security

    def can_bind(password: Secret) -> bool:
        settings = ConnectivityConfig(
            host="localhost",
            port=openldap_server.connectivity_config(security="ldaps").port,
            security=Security.LDAPS,
            binding=Binding.SIMPLE,
            user=person_dn,
            password=password,
            ca_file=str(openldap_server.ca_file),
        )
        with open_connection(settings) as user_conn:
            return user_conn.who_am_i().lower() == f"dn:{person_dn}".lower()

    chosen = Secret("Chosen-Pa55-word")
    assert conn.password_modify(person_dn, chosen) is None
    assert can_bind(chosen)
    generated = conn.password_modify(person_dn)
    assert generated is not None
    assert generated.reveal() not in repr(generated)
    assert can_bind(generated)
