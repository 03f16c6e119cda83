"""Writes through the connection layer against every real server, and the errors they map to."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ldapconnector.config import Secret
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.errors import (
    AlreadyExistsError,
    InsufficientAccessError,
    NoSuchAttributeError,
    NoSuchObjectError,
    ObjectClassViolationError,
    ProtocolError,
)
from ldapconnector.model import Modification, ModifyOp

if TYPE_CHECKING:
    from tests.conftest import DirectoryUnderTest

pytestmark = [pytest.mark.integration]


@pytest.fixture(name="conn")
def fixture_conn(directory_server: DirectoryUnderTest) -> Iterator[LdapConnection]:
    """A connection bound as the service account over LDAPS."""
    settings = directory_server.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        yield conn


@pytest.fixture(name="person_dn")
def fixture_person_dn(conn: LdapConnection, directory_server: DirectoryUnderTest) -> Iterator[str]:
    """A freshly added person with a unique uid, removed afterwards if still there."""
    uid = f"w-{uuid.uuid4().hex[:10]}"
    dn = directory_server.person_dn(uid)
    conn.add(
        dn,
        {
            "objectClass": ["inetOrgPerson"],
            "uid": uid,
            "cn": directory_server.display_cn(uid, "Writer Test"),
            "sn": "Test",
            directory_server.multi_valued_attribute: ["a@contoso.lab", "b@contoso.lab"],
        },
    )
    yield dn
    for leftover in (dn, directory_server.person_dn(f"{uid}-renamed")):
        if conn.read_entry(leftover) is not None:
            conn.delete(leftover)


def _uid(person_dn: str) -> str:
    return person_dn.split(",", 1)[0].split("=", 1)[1]


def test_add_then_read_back(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """An added entry reads back with the values that were written."""
    multi = directory_server.multi_valued_attribute
    entry = conn.read_entry(person_dn, ["cn", multi, "objectClass"])
    assert entry is not None
    assert entry.get("cn") == (directory_server.display_cn(_uid(person_dn), "Writer Test"),)
    assert set(entry.get(multi)) == {"a@contoso.lab", "b@contoso.lab"}


def test_add_existing_dn_raises_already_exists(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """Adding the same DN again raises AlreadyExistsError naming the DN."""
    cn = directory_server.display_cn(_uid(person_dn), "x")
    with pytest.raises(AlreadyExistsError) as caught:
        conn.add(person_dn, {"objectClass": "inetOrgPerson", "cn": cn, "sn": "y"})
    assert person_dn in str(caught.value)
    assert caught.value.result_code == 68


def test_add_under_missing_parent_names_the_parent_problem(
    conn: LdapConnection, directory_server: DirectoryUnderTest
) -> None:
    """An add under a container that does not exist fails and says containers are not made."""
    dn = directory_server.person_dn("orphan", f"ou=missing,{directory_server.people_dn}")
    with pytest.raises(NoSuchObjectError) as caught:
        conn.add(dn, {"objectClass": "inetOrgPerson", "uid": "orphan", "cn": "orphan", "sn": "o"})
    assert "never created implicitly" in str(caught.value)


def test_add_without_required_attribute_is_an_object_class_violation(
    conn: LdapConnection, directory_server: DirectoryUnderTest
) -> None:
    """Leaving out sn (MUST of person) is refused as result 65; AD's schema allows it."""
    dn = directory_server.person_dn(f"no-sn-{uuid.uuid4().hex[:8]}")
    name = _uid(dn)
    attributes = {"objectClass": "inetOrgPerson", "uid": name, "cn": name}
    if not directory_server.requires_sn:
        conn.add(dn, attributes)
        assert conn.read_entry(dn) is not None
        conn.delete(dn)
        return
    with pytest.raises(ObjectClassViolationError):
        conn.add(dn, attributes)


def test_modify_add_delete_replace(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """One modify adds a value, deletes another and replaces a third attribute atomically."""
    multi = directory_server.multi_valued_attribute
    conn.modify(
        person_dn,
        [
            Modification(ModifyOp.ADD, multi, ["c@contoso.lab"]),
            Modification(ModifyOp.DELETE, multi, ["a@contoso.lab"]),
            Modification(ModifyOp.REPLACE, "sn", "Replaced"),
            Modification(ModifyOp.ADD, "description", "first"),
        ],
    )
    entry = conn.read_entry(person_dn, [multi, "sn", "description"])
    assert entry is not None
    assert set(entry.get(multi)) == {"b@contoso.lab", "c@contoso.lab"}
    assert entry.get("sn") == ("Replaced",)
    conn.modify(person_dn, [Modification(ModifyOp.REPLACE, "description")])
    entry = conn.read_entry(person_dn, ["description"])
    assert entry is not None
    assert entry.get("description") == ()


def test_deleting_absent_value_raises(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """Deleting a value the entry does not have raises NoSuchAttributeError (16)."""
    multi = directory_server.multi_valued_attribute
    with pytest.raises(NoSuchAttributeError):
        conn.modify(person_dn, [Modification(ModifyOp.DELETE, multi, ["zz@contoso.lab"])])


def test_modify_dn_rename_and_move(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """A rename gives a new RDN; a move with new_superior puts the entry in another OU."""
    uid, naming = _uid(person_dn), directory_server.naming_attribute
    renamed = conn.modify_dn(person_dn, f"{naming}={uid}-renamed")
    assert renamed == directory_server.person_dn(f"{uid}-renamed")
    assert conn.read_entry(person_dn) is None
    entry = conn.read_entry(renamed, [naming])
    assert entry is not None
    assert f"{uid}-renamed" in entry.get(naming)
    assert uid not in entry.get(naming)
    target_ou = f"ou=moved-{uid},{directory_server.people_dn}"
    conn.add(target_ou, {"objectClass": "organizationalUnit", "ou": f"moved-{uid}"})
    try:
        moved = conn.modify_dn(renamed, f"{naming}={uid}", new_superior=target_ou)
        assert moved == f"{naming}={uid},{target_ou}"
        assert conn.read_entry(renamed) is None
        assert conn.read_entry(moved) is not None
        conn.delete(moved)
    finally:
        conn.delete(target_ou)


def test_move_outside_granted_subtree_is_refused(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """The service account may not move an entry under ou=groups: result 50, entry kept."""
    rdn = person_dn.split(",", 1)[0]
    with pytest.raises(InsufficientAccessError):
        conn.modify_dn(person_dn, rdn, new_superior=directory_server.groups_dn)
    assert conn.read_entry(person_dn) is not None


def test_delete_then_delete_again(conn: LdapConnection, person_dn: str) -> None:
    """Deleting an entry works once; deleting the missing DN raises NoSuchObjectError."""
    conn.delete(person_dn)
    with pytest.raises(NoSuchObjectError) as caught:
        conn.delete(person_dn)
    assert person_dn in str(caught.value)


def test_password_modify_sets_and_generates(
    conn: LdapConnection, person_dn: str, directory_server: DirectoryUnderTest
) -> None:
    """Password modify sets a chosen password and generates one; Samba lacks it (2)."""
    from ldapconnector.config import Binding, ConnectivityConfig, Security

    server = directory_server.server

    def can_bind(password: Secret) -> bool:
        settings = ConnectivityConfig(
            host="localhost",
            port=server.connectivity_config(security="ldaps").port,
            security=Security.LDAPS,
            binding=Binding.SIMPLE,
            user=person_dn,
            password=password,
            ca_file=str(server.ca_file),
        )
        with open_connection(settings) as user_conn:
            identity = user_conn.who_am_i().lower()
            return identity == f"{directory_server.authz_id_prefix}{person_dn}".lower()

    chosen = Secret("Chosen-Pa55-word")
    if not directory_server.has_password_modify:
        with pytest.raises(ProtocolError):
            conn.password_modify(person_dn, chosen)
        return
    assert conn.password_modify(person_dn, chosen) is None
    assert can_bind(chosen)
    generated = conn.password_modify(person_dn)
    assert generated is not None
    assert generated.reveal() not in repr(generated)
    assert can_bind(generated)
