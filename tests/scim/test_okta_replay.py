"""Okta's requests, replayed against a bridge in mapped mode on a real slapd.

Okta sends core SCIM attributes (``userName``, ``name``, ``emails``, ``password``,
``groups: []``), tests the connection by listing users, pages the import with
``startIndex``/``count``, updates with PUT, deactivates with a PATCH that has no path,
never deletes, and expects 409 for a duplicate ``userName``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ldapconnector.scim import BridgeMode, ConnectorBridge, PathDispatcher
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import Caller, ldapsearch, open_bridge

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def mapped(server: OpenLDAPServer) -> list[dict[str, Any]]:
    """Mappings from core SCIM attributes (their flat source names) to inetOrgPerson."""
    return [
        {"type": "expression", "target": "-dn-",
         "expression": f'Join("", "uid=", [userName], ",{server.people_dn}")'},
        {"type": "expression", "target": "objectClass",
         "expression": 'Split("inetOrgPerson", ",")'},
        {"type": "direct", "source": "userName", "target": "uid", "matching_precedence": 1},
        {"type": "expression", "target": "cn",
         "expression": 'Join(" ", [givenName], [familyName])'},
        {"type": "direct", "source": "givenName", "target": "givenName"},
        {"type": "direct", "source": "familyName", "target": "sn"},
        {"type": "direct", "source": "email", "target": "mail"},
        {"type": "direct", "source": "externalId", "target": "employeeNumber"},
        {"type": "direct", "source": "locale", "target": "preferredLanguage"},
        {"type": "direct", "source": "password", "target": "userPassword", "apply": "create"},
    ]  # fmt: skip


@pytest.fixture(name="okta", scope="module")
def fixture_okta(
    server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Caller]:
    """A mapped-mode bridge, called as Okta would."""
    bridge: ConnectorBridge = open_bridge(
        server, tmp_path_factory.mktemp("okta"), mode=BridgeMode.MAPPED,
        object_type={"target": "inetOrgPerson", "anchor": "entryUUID",
                     "containers": [server.people_dn]},
        attributes=[{"name": "title"}], mappings=mapped(server),
    )  # fmt: skip
    yield Caller(PathDispatcher.of([bridge]))
    bridge.close()


def okta_user(login: str, external_id: str) -> dict[str, Any]:
    """A POST body as Okta sends it (password push on, no groups)."""
    return {
        "schemas": [USER],
        "userName": f"{login}@okta.lab",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": f"{login}@okta.lab", "type": "work"}],
        "displayName": None,
        "locale": "en-US",
        "externalId": external_id,
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def uid_entry(server: OpenLDAPServer, login: str, *names: str) -> dict[str, list[str]]:
    """The entry of ``<login>@okta.lab``, by ldapsearch."""
    found = ldapsearch(server, server.people_dn, f"(uid={login}@okta.lab)", *names)
    assert len(found) == 1
    return found[0]


def test_okta_create_list_put_deactivate_and_duplicate(
    okta: Caller, server: OpenLDAPServer
) -> None:
    """Create, list in pages, PUT, no-path deactivate, duplicate -> 409; checked by ldapsearch."""
    created = okta("POST", "/Users", okta_user("test.user", "00ujl29u0le5T6Aj10h7"))
    assert created.status == 201, created.body
    user_id = created.body["id"]
    assert created.body["userName"] == "test.user@okta.lab"
    entry = uid_entry(server, "test.user", "sn", "givenName", "mail", "employeeNumber", "cn")
    assert entry["sn"] == ["User"]
    assert entry["mail"] == ["test.user@okta.lab"]
    assert entry["employeenumber"] == ["00ujl29u0le5T6Aj10h7"]
    assert entry["cn"] == ["Test User"]

    for index in range(3):
        assert okta("POST", "/Users", okta_user(f"page{index}", f"00u{index}")).status == 201
    first = okta("GET", "/Users?startIndex=1&count=2")
    assert first.body["totalResults"] == 4
    assert first.body["itemsPerPage"] == 2
    assert first.body["startIndex"] == 1
    second = okta("GET", "/Users?startIndex=3&count=2")
    ids = [r["id"] for r in first.body["Resources"] + second.body["Resources"]]
    assert len(set(ids)) == 4  # stable order: no user twice, none missing
    assert user_id in ids

    exists = okta("GET", '/Users?filter=userName eq "test.user@okta.lab"&startIndex=1&count=100')
    assert [r["id"] for r in exists.body["Resources"]] == [user_id]

    current = okta("GET", f"/Users/{user_id}").body
    current["name"]["familyName"] = "Renamed"
    replaced = okta("PUT", f"/Users/{user_id}", current)
    assert replaced.status == 200, replaced.body
    assert uid_entry(server, "test.user", "sn")["sn"] == ["Renamed"]

    deactivate = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    assert okta("PATCH", f"/Users/{user_id}", deactivate).status in (200, 204)
    locked = uid_entry(server, "test.user", "pwdAccountLockedTime")
    assert locked["pwdaccountlockedtime"] == ["000001010000Z"]
    assert okta("GET", f"/Users/{user_id}").body["active"] is False

    duplicate = okta("POST", "/Users", okta_user("test.user", "00uother"))
    assert duplicate.status == 409
    assert duplicate.body["scimType"] == "uniqueness"
    assert len(ldapsearch(server, server.people_dn, "(uid=test.user@okta.lab)", "1.1")) == 1


def test_entra_style_core_patches_in_mapped_mode(okta: Caller, server: OpenLDAPServer) -> None:
    """Entra's one-op-per-path form on core attributes: a work email is created when absent."""
    body = okta_user("entra.core", "e1")
    del body["emails"]
    created = okta("POST", "/Users", body)
    assert created.status == 201, created.body
    user_id = created.body["id"]
    operations = [
        {"op": "Add", "path": 'emails[type eq "work"].value', "value": "entra.core@contoso.lab"},
        {"op": "Replace", "path": "name.familyName", "value": "Core"},
    ]
    patched = okta("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": operations})
    assert patched.status in (200, 204), patched.body
    entry = uid_entry(server, "entra.core", "mail", "sn")
    assert entry["mail"] == ["entra.core@contoso.lab"]
    assert entry["sn"] == ["Core"]
