"""Entra ID's group requests, replayed against the bridge's ``/Groups`` on a real slapd.

Users are created through ``/Users``, then a group is created with no members (as Entra
does), found by ``displayName``, given members with ``Add``, losing them with both of
Entra's ``Remove`` forms, renamed with ``Replace`` of ``displayName`` and deleted; each
step is checked with ``ldapsearch``, and the accesslog shows the members were added and
deleted value by value, never replaced.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ldapconnector.scim import ConnectorBridge, PathDispatcher, anchor_for_id
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import (
    ECMA,
    PLACEHOLDER,
    Caller,
    group_types,
    ldapsearch,
    open_bridge,
    wait_groups,
)
from tests.scim.test_entra_replay import PATCH, walkthrough_user

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTRA_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


@pytest.fixture(name="group_bridge", scope="module")
def fixture_group_bridge(
    server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConnectorBridge]:
    """A pass-through bridge serving the users' and the groups' object types."""
    users = {
        "target": "inetOrgPerson",
        "anchor": "entryUUID",
        "auxiliary": ["posixAccount", "shadowAccount"],
        "containers": [server.people_dn],
    }
    bridge = open_bridge(
        server, tmp_path_factory.mktemp("groups"), object_types=group_types(server, users),
        users="users", groups="groups",
        # The service account may write ou=people only.
        connectivity=server.connectivity(security="ldaps", as_service=False),
    )  # fmt: skip
    yield wait_groups(bridge)
    bridge.close()


@pytest.fixture(name="gcall")
def fixture_gcall(group_bridge: ConnectorBridge) -> Caller:
    """A caller of the group bridge's tenant path."""
    return Caller(PathDispatcher.of([group_bridge]))


def group_entry(server: OpenLDAPServer, name: str) -> dict[str, list[str]] | None:
    """The group's entry as ldapsearch sees it (None when there is none)."""
    found = ldapsearch(server, server.groups_dn, f"(cn={name})", "member", "entryUUID",
                       "businessCategory")  # fmt: skip
    assert len(found) <= 1
    return found[0] if found else None


def members_of(server: OpenLDAPServer, name: str) -> set[str]:
    """The group's member values, lower-cased."""
    entry = group_entry(server, name)
    assert entry is not None
    return {value.lower() for value in entry.get("member", [])}


def member_changes(server: OpenLDAPServer, group_dn: str) -> list[str]:
    """The ``member`` lines of the ``reqMod`` of every modify of the group (accesslog)."""
    found = ldapsearch(server, "cn=accesslog", f"(&(reqType=modify)(reqDN={group_dn}))",
                       "reqMod")  # fmt: skip
    lines = [line for entry in found for line in entry.get("reqmod", [])]
    return [line for line in lines if line.lower().startswith("member:")]


def group_patch(call: Caller, group_id: str, *operations: dict[str, Any]) -> None:
    """PATCH the group; Entra expects 200 or 204."""
    body = {"schemas": [PATCH], "Operations": list(operations)}
    response = call("PATCH", f"/Groups/{group_id}", body)
    assert response.status in (200, 204), response.body


def make_user(call: Caller, server: OpenLDAPServer, login: str) -> tuple[str, str]:
    """Create a user through /Users; its SCIM id and DN (lower-cased)."""
    created = call("POST", "/Users", walkthrough_user(server, login))
    assert created.status == 201, created.body
    return created.body["id"], f"cn={login},{server.people_dn}".lower()


def test_entra_group_cycle_is_visible_in_the_directory(
    gcall: Caller, server: OpenLDAPServer
) -> None:
    """Create, find, add members, remove them (both forms), rename, delete: each step lands."""
    (id1, dn1), (id2, dn2), (id3, dn3) = (make_user(gcall, server, f"gm{n}") for n in (1, 2, 3))
    external = str(uuid.uuid4())
    created = gcall("POST", "/Groups", {"schemas": [GROUP, ENTRA_GROUP], "externalId": external,
                                        "displayName": "Sales", "members": []})  # fmt: skip
    assert created.status == 201, created.body
    group_id = created.body["id"]
    entry = group_entry(server, "Sales")
    assert entry is not None
    assert entry["entryuuid"] == [group_id]
    assert entry["businesscategory"] == [external]
    assert members_of(server, "Sales") == {PLACEHOLDER}
    assert "members" not in created.body  # the placeholder is not a member

    found = gcall("GET", '/Groups?excludedAttributes=members&filter=displayName eq "Sales"')
    assert [r["id"] for r in found.body["Resources"]] == [group_id]
    assert "members" not in found.body["Resources"][0]

    group_patch(
        gcall,
        group_id,
        {"op": "Add", "path": "members", "value": [{"value": id1}, {"value": id2}, {"value": id3}]},
    )
    assert members_of(server, "Sales") == {dn1, dn2, dn3}  # the placeholder went
    shown = gcall("GET", f"/Groups/{group_id}").body
    assert sorted(m["value"] for m in shown["members"]) == sorted([id1, id2, id3])

    # Old style (no aadOptscim062020): Remove with the members as the value.
    group_patch(gcall, group_id, {"op": "Remove", "path": "members", "value": [{"value": id1}]})
    assert members_of(server, "Sales") == {dn2, dn3}
    # New style: a value filter in the path.
    group_patch(gcall, group_id, {"op": "remove", "path": f'members[value eq "{id2}"]'})
    assert members_of(server, "Sales") == {dn3}
    by_member = gcall("GET", f'/Groups?filter=members.value eq "{id3}"').body
    assert [r["id"] for r in by_member["Resources"]] == [group_id]

    group_dn = f"cn=Sales,{server.groups_dn}"
    changes = member_changes(server, group_dn)
    assert changes, "the accesslog recorded no member change"
    assert all(line.startswith(("member:+ ", "member:- ")) for line in changes), changes
    assert sum(line.startswith("member:+ ") for line in changes) == 3  # each member once

    # Entra's Replace of displayName renames the group; its id and members stay.
    group_patch(gcall, group_id, {"op": "Replace", "path": "displayName", "value": "Sales EMEA"})
    assert group_entry(server, "Sales") is None
    renamed = group_entry(server, "Sales EMEA")
    assert renamed is not None
    assert renamed["entryuuid"] == [group_id]
    assert members_of(server, "Sales EMEA") == {dn3}
    assert gcall("GET", f"/Groups/{group_id}").body["displayName"] == "Sales EMEA"

    # The last member out: the placeholder comes back before it leaves.
    group_patch(gcall, group_id, {"op": "Remove", "path": "members", "value": [{"value": id3}]})
    assert members_of(server, "Sales EMEA") == {PLACEHOLDER}

    deleted = gcall("DELETE", f"/Groups/{group_id}")
    assert deleted.status == 204
    assert group_entry(server, "Sales EMEA") is None
    assert gcall("GET", f"/Groups/{group_id}").status == 404


def test_a_member_not_provisioned_yet_is_kept_pending(
    gcall: Caller, server: OpenLDAPServer, group_bridge: ConnectorBridge
) -> None:
    """An id naming no user is not written, not dropped: shown, kept pending in the store."""
    user_id, user_dn = make_user(gcall, server, "gp1")
    created = gcall(
        "POST",
        "/Groups",
        {
            "schemas": [GROUP],
            "displayName": "Pending",
            "members": [{"value": user_id}, {"value": "u-later"}],
        },
    )
    assert created.status == 201, created.body
    assert members_of(server, "Pending") == {user_dn}
    assert sorted(m["value"] for m in created.body["members"]) == sorted([user_id, "u-later"])
    groups = group_bridge.storage.groups
    assert groups is not None
    anchor = anchor_for_id(groups.worker.request.strategy.kind, created.body["id"])
    assert anchor is not None
    source_id = groups.worker.source_id(anchor)
    assert source_id is not None
    pending = groups.worker.call(lambda: groups.worker.connector.store.pending_members(source_id))
    assert pending == ("u-later",)


def test_a_group_request_without_the_token_writes_nothing(
    gcall: Caller, server: OpenLDAPServer
) -> None:
    """401 for a create, a PATCH and a DELETE of a group without the token; the directory
    is unchanged."""
    user_id, _ = make_user(gcall, server, "ga1")
    created = gcall("POST", "/Groups", {"schemas": [GROUP], "displayName": "Guarded"})
    group_id = created.body["id"]
    before = members_of(server, "Guarded")

    refused = gcall("POST", "/Groups", {"schemas": [GROUP], "displayName": "Intruders"},
                    token="wrong-token-123")  # fmt: skip
    assert refused.status == 401
    assert group_entry(server, "Intruders") is None
    body = {"schemas": [PATCH], "Operations": [
        {"op": "Add", "path": "members", "value": [{"value": user_id}]},
        {"op": "Replace", "path": "displayName", "value": "Hijacked"}]}  # fmt: skip
    assert gcall("PATCH", f"/Groups/{group_id}", body, token=None).status == 401
    assert gcall("DELETE", f"/Groups/{group_id}", token="wrong-token-123").status == 401
    assert members_of(server, "Guarded") == before
    assert group_entry(server, "Hijacked") is None


def test_a_renamed_or_deleted_member_is_rewritten_in_its_groups(
    gcall: Caller, server: OpenLDAPServer
) -> None:
    """No refint on the test slapd: a user renamed through /Users keeps its membership
    under the new DN; a user deleted leaves the group."""
    (moved_id, moved_dn), (gone_id, gone_dn) = (make_user(gcall, server, n) for n in ("gr1", "gr2"))
    members = [{"value": moved_id}, {"value": gone_id}]
    created = gcall("POST", "/Groups", {"schemas": [GROUP], "displayName": "Movers",
                                        "members": members})  # fmt: skip
    assert members_of(server, "Movers") == {moved_dn, gone_dn}

    new_dn = f"cn=gr1-new,{server.people_dn}"
    patch = {"op": "Replace", "path": f"{ECMA}:-dn-", "value": new_dn}
    answer = gcall("PATCH", f"/Users/{moved_id}", {"schemas": [PATCH], "Operations": [patch]})
    assert answer.status in (200, 204), answer.body
    assert members_of(server, "Movers") == {new_dn.lower(), gone_dn}

    assert gcall("DELETE", f"/Users/{gone_id}").status == 204
    assert members_of(server, "Movers") == {new_dn.lower()}
    shown = gcall("GET", f"/Groups/{created.body['id']}").body
    assert [m["value"] for m in shown["members"]] == [moved_id]


def test_a_pending_member_is_added_when_it_is_provisioned(
    gcall: Caller, server: OpenLDAPServer, group_bridge: ConnectorBridge
) -> None:
    """A member id no user had is added by the next sync once a user with that source id
    is exported (here by the library's export, on the bridge's own connector)."""
    created = gcall("POST", "/Groups", {"schemas": [GROUP], "displayName": "Later",
                                        "members": [{"value": "hr-4711"}]})  # fmt: skip
    assert created.status == 201, created.body
    assert members_of(server, "Later") == {PLACEHOLDER}
    login = "late4711"
    record = {"id": "hr-4711", "scimDN": f"cn={login},{server.people_dn}",
              "objectClass": ["inetOrgPerson", "posixAccount", "shadowAccount"],
              "cn": ["Late Comer"], "sn": ["Comer"], "uid": [login], "uidNumber": "14711",
              "gidNumber": "10000", "homeDirectory": f"/home/{login}"}  # fmt: skip
    result = group_bridge.worker.export(record, None)
    assert result.error is None, result
    group_bridge.sync()
    assert members_of(server, "Later") == {f"cn={login},{server.people_dn}"}
    shown = gcall("GET", f"/Groups/{created.body['id']}").body
    user_id = ldapsearch(server, server.people_dn, f"(uid={login})", "entryUUID")[0]["entryuuid"]
    assert [m["value"] for m in shown["members"]] == user_id


def test_okta_group_requests(gcall: Caller, server: OpenLDAPServer) -> None:
    """Okta's forms: no-path replace with the id in the value, a full members list, a
    filtered remove."""
    (id1, dn1), (id2, dn2) = (make_user(gcall, server, n) for n in ("go1", "go2"))
    created = gcall("POST", "/Groups", {"schemas": [GROUP], "displayName": "Okta", "members": []})
    group_id = created.body["id"]
    group_patch(
        gcall, group_id, {"op": "replace", "value": {"id": group_id, "displayName": "Okta Team"}}
    )
    assert group_entry(server, "Okta Team") is not None
    group_patch(gcall, group_id, {"op": "replace", "path": "members",
                                  "value": [{"value": id1}, {"value": id2}]})  # fmt: skip
    assert members_of(server, "Okta Team") == {dn1, dn2}
    group_patch(gcall, group_id, {"op": "remove", "path": f'members[value eq "{id1}"]'})
    assert members_of(server, "Okta Team") == {dn2}
    assert gcall("DELETE", f"/Groups/{group_id}").status == 204


def test_discovery_lists_the_group_resource_type(gcall: Caller) -> None:
    """/ResourceTypes has Group at /Groups; its schema's members are Users (value, $ref, type)."""
    types = {t["id"]: t for t in gcall("GET", "/ResourceTypes").body["Resources"]}
    assert types["Group"]["endpoint"] == "/Groups"
    assert types["Group"]["schema"] == GROUP
    schema = gcall("GET", f"/Schemas/{GROUP}").body
    attributes = {a["name"]: a for a in schema["attributes"]}
    assert attributes["displayName"]["required"] is True
    subs = {s["name"]: s for s in attributes["members"]["subAttributes"]}
    assert list(subs) == ["value", "$ref", "type"]
    assert subs["$ref"]["referenceTypes"] == ["User"]


def test_put_is_the_whole_new_state(gcall: Caller, server: OpenLDAPServer) -> None:
    """PUT with a members list sets them; a PUT without members empties the group down to
    its placeholder; externalId follows."""
    user_id, user_dn = make_user(gcall, server, "gput1")
    created = gcall("POST", "/Groups", {"schemas": [GROUP], "displayName": "Put"})
    group_id = created.body["id"]
    body = {"schemas": [GROUP], "displayName": "Put", "externalId": "ext-1",
            "members": [{"value": user_id}]}  # fmt: skip
    assert gcall("PUT", f"/Groups/{group_id}", body).status == 200
    entry = group_entry(server, "Put")
    assert entry is not None
    assert entry["businesscategory"] == ["ext-1"]
    assert members_of(server, "Put") == {user_dn}
    replaced = gcall("PUT", f"/Groups/{group_id}", {"schemas": [GROUP], "displayName": "Put"})
    assert replaced.status == 200, replaced.body
    assert "members" not in replaced.body
    entry = group_entry(server, "Put")
    assert entry is not None
    assert "businesscategory" not in entry
    assert members_of(server, "Put") == {PLACEHOLDER}
