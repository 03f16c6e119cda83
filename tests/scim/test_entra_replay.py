"""Entra ID's requests to the ECMA host, replayed against the bridge on a real slapd.

The user is created through the ECMA2Host extension exactly as the seed's walkthrough
maps it (``-dn-`` from the Join expression, the ``objectClass`` list, ``cn``, ``sn``,
POSIX attributes), then found, patched in both of Entra's PATCH forms, renamed,
disabled with the string ``"False"``, re-enabled and deleted; ``ldapsearch`` checks
each step in the directory.
"""

from __future__ import annotations

import json
import uuid

import pytest

from ldapconnector.scim import ConnectorBridge
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import ECMA, TOKEN, Caller, ldapsearch

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def walkthrough_user(server: OpenLDAPServer, login: str) -> dict[str, object]:
    """The POST body Entra sends with the walkthrough's OpenLDAP mappings."""
    return {
        "schemas": [USER, ECMA],
        "active": True,
        "externalId": None,  # Entra sends nulls for unmapped values
        ECMA: {
            "-dn-": f"CN={login},{server.people_dn}",  # Join("", "CN=", Word(...), ",...")
            "objectClass": ["inetOrgPerson", "posixAccount", "shadowAccount"],
            "cn": "Britta Simon",  # a single string for a multi-valued attribute
            "sn": "Simon",
            "mail": f"{login}@contoso.lab",
            "uid": login,
            "uidNumber": 10001,
            "gidNumber": 10000,
            "homeDirectory": f"/home/{login}",
            "userPassword": "Initial-" + uuid.uuid4().hex,
        },
    }


def entry(server: OpenLDAPServer, login: str, *names: str) -> dict[str, list[str]] | None:
    """The user's entry as ldapsearch sees it (None when there is none)."""
    found = ldapsearch(server, server.people_dn, f"(uid={login})", *names)
    assert len(found) <= 1
    return found[0] if found else None


def patch(call: Caller, user_id: str, *operations: dict[str, object]) -> None:
    """PATCH the user; Entra expects 200 or 204."""
    response = call(
        "PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": list(operations)}
    )
    assert response.status in (200, 204), response.body


def test_entra_cycle_is_visible_in_the_directory(
    call: Caller, server: OpenLDAPServer, bridge: ConnectorBridge
) -> None:
    """Probe, create, find, both PATCH forms, rename, disable, enable, delete: each step lands."""
    probe = call("GET", f'/Users?filter={ECMA}:mail eq "{uuid.uuid4()}"')
    assert probe.status == 200
    assert probe.body["totalResults"] == 0
    assert probe.body["Resources"] == []
    assert probe.headers["Content-Type"] == "application/scim+json"

    created = call("POST", "/Users", walkthrough_user(server, "bsimon"))
    assert created.status == 201, created.body
    user_id = created.body["id"]
    found = entry(server, "bsimon", "objectClass", "cn", "sn", "uidNumber", "gidNumber",
                  "homeDirectory", "userPassword", "entryUUID")  # fmt: skip
    assert found is not None
    assert found["dn"] == [f"cn=bsimon,{server.people_dn}"]
    assert set(found["objectclass"]) == {"inetOrgPerson", "posixAccount", "shadowAccount"}
    assert "Britta Simon" in found["cn"]
    assert found["sn"] == ["Simon"]
    assert found["uidnumber"] == ["10001"]
    assert found["gidnumber"] == ["10000"]
    assert "userpassword:" in found or "userpassword" in found
    assert found["entryuuid"] == [user_id]  # the id is the anchor value
    assert "userPassword" not in created.body[ECMA]  # write-only

    by_mail = call("GET", f"/Users?filter={ECMA}:mail eq bsimon@contoso.lab")  # unquoted
    assert [r["id"] for r in by_mail.body["Resources"]] == [user_id]
    by_dn = call("GET", f'/Users?filter={ECMA}:-dn- eq "cn=bsimon,{server.people_dn}"')
    assert [r["id"] for r in by_dn.body["Resources"]] == [user_id]

    # Old style: capitalised ops, one per path, full URN paths.
    patch(call, user_id, {"op": "Replace", "path": f"{ECMA}:sn", "value": "Simon-Jones"},
          {"op": "Add", "path": f"{ECMA}:cn", "value": "Britta Simon-Jones"})  # fmt: skip
    found = entry(server, "bsimon", "sn", "cn")
    assert found is not None
    assert found["sn"] == ["Simon-Jones"]
    assert "Britta Simon-Jones" in found["cn"]

    # New style (aadOptscim062020): no path, URN-qualified keys in the value.
    patch(call, user_id, {"op": "replace", "value": {f"{ECMA}:homeDirectory": "/home/bsj",
                                                     f"{ECMA}:sn": "Jones"}})  # fmt: skip
    found = entry(server, "bsimon", "sn", "homeDirectory")
    assert found is not None
    assert found["sn"] == ["Jones"]
    assert found["homedirectory"] == ["/home/bsj"]

    # A changed -dn- renames the entry; the id (entryUUID) stays.
    patch(call, user_id, {"op": "Replace", "path": f"{ECMA}:-dn-",
                          "value": f"CN=bsimon2,{server.people_dn}"})  # fmt: skip
    found = entry(server, "bsimon", "entryUUID")
    assert found is not None
    assert found["dn"] == [f"cn=bsimon2,{server.people_dn}"]
    assert found["entryuuid"] == [user_id]

    patch(call, user_id, {"op": "Replace", "path": "active", "value": "False"})
    found = entry(server, "bsimon", "pwdAccountLockedTime")
    assert found is not None
    assert found.get("pwdaccountlockedtime") == ["000001010000Z"]
    assert call("GET", f"/Users/{user_id}").body["active"] is False

    patch(call, user_id, {"op": "Replace", "path": "active", "value": "True"})
    found = entry(server, "bsimon", "pwdAccountLockedTime")
    assert found is not None
    assert "pwdaccountlockedtime" not in found
    assert call("GET", f"/Users/{user_id}").body["active"] is True

    deleted = call("DELETE", f"/Users/{user_id}")
    assert deleted.status == 204
    assert entry(server, "bsimon") is None
    assert call("GET", f"/Users/{user_id}").status == 404


def test_every_request_leaves_one_log_line_without_secrets(
    call: Caller, server: OpenLDAPServer, log_lines: list[str]
) -> None:
    """Each request writes one JSON line (operation, anchor, DN, outcome); no token, no password."""
    lines = log_lines
    before = len(lines)
    body = walkthrough_user(server, "alog")
    created = call("POST", "/Users", body)
    assert created.status == 201
    call("GET", "/Users/not-an-anchor")
    new = [json.loads(line) for line in lines[before:]]
    assert [line["operation"] for line in new] == ["create", "query"]
    assert new[0]["outcome"] == "created"
    assert new[0]["anchor"] == created.body["id"]
    assert new[0]["dn"].lower() == f"cn=alog,{server.people_dn}"
    assert new[0]["status"] == 201
    assert new[1]["status"] == 404
    text = "\n".join(lines[before:])
    assert TOKEN not in text
    assert str(body[ECMA]["userPassword"]) not in text


def test_a_disabled_user_gets_its_changes_and_stays_disabled(
    call: Caller, server: OpenLDAPServer
) -> None:
    """A PATCH to a disabled user changes its attributes without the enable flow running."""
    created = call("POST", "/Users", walkthrough_user(server, "dchange"))
    user_id = created.body["id"]
    patch(call, user_id, {"op": "Replace", "path": "active", "value": "False"})
    patch(call, user_id, {"op": "Replace", "path": f"{ECMA}:sn", "value": "Changed"})
    found = entry(server, "dchange", "sn", "pwdAccountLockedTime")
    assert found is not None
    assert found["sn"] == ["Changed"]
    assert found.get("pwdaccountlockedtime") == ["000001010000Z"]
    assert call("GET", f"/Users/{user_id}").body["active"] is False


def test_schemas_list_the_connector_attributes_as_the_portal_shows_them(call: Caller) -> None:
    """The ECMA2Host extension: [[attributes]] names exactly, -dn- first, LDAP types."""
    response = call("GET", f"/Schemas/{ECMA}")
    assert response.status == 200
    attributes = {a["name"]: a for a in response.body["attributes"]}
    assert list(attributes) == ["-dn-", "objectClass", "cn", "sn", "uid", "uidNumber",
                                "gidNumber", "homeDirectory", "mail", "userPassword"]  # fmt: skip
    assert attributes["objectClass"]["multiValued"] is True
    assert attributes["-dn-"]["multiValued"] is False
    assert attributes["uidNumber"]["type"] == "integer"
    assert attributes["uidNumber"]["multiValued"] is False  # SINGLE-VALUE in nis.schema
    assert attributes["cn"]["multiValued"] is True
    assert attributes["userPassword"]["mutability"] == "writeOnly"
    assert attributes["userPassword"]["returned"] == "never"
    listed = call("GET", "/Schemas").body
    ids = [schema["id"] for schema in listed["Resources"]]
    assert ids == ["urn:ietf:params:scim:schemas:core:2.0:User",
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", ECMA]  # fmt: skip
    resource_type = call("GET", "/ResourceTypes/User").body
    assert {"schema": ECMA, "required": False} in resource_type["schemaExtensions"]
