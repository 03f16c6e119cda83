"""The connector space behind lookups: 503 until the first import, autosync, live fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.scim import (
    BridgeApplication,
    ConnectorBridge,
    DirectoryStorage,
    PathDispatcher,
    UserCache,
    provider_for,
)
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import ECMA, Caller
from tests.scim.test_entra_replay import walkthrough_user

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


@pytest.fixture(name="admin")
def fixture_admin(server: OpenLDAPServer) -> Iterator[LdapConnection]:
    """The directory's administrator: changes made behind the bridge's back."""
    with open_connection(server.connectivity_config("ldaps", "simple", as_service=False)) as c:
        yield c


def add_directly(admin: LdapConnection, server: OpenLDAPServer, login: str) -> str:
    """Add a user without the bridge; return its DN."""
    dn = f"cn={login},{server.people_dn}"
    admin.add(dn, {"objectClass": ["inetOrgPerson"], "cn": login, "sn": "Direct", "uid": login,
                   "mail": f"{login}@contoso.lab"})  # fmt: skip
    return dn


def test_lookups_answer_503_with_retry_after_until_the_first_import(
    bridge: ConnectorBridge,
) -> None:
    """A connector space not filled yet answers 503 (not an empty list, which makes duplicates)."""
    storage = bridge.storage
    cold = DirectoryStorage(storage.worker, storage.view, provider_for(storage.view), UserCache())
    app = BridgeApplication("LDAP", cold, provider_for(storage.view), bridge.application.token)
    call = Caller(PathDispatcher.of([bridge]))
    call.app = lambda environ, start: app(  # the cold application under the same path
        {**environ, "SCRIPT_NAME": "/ecma2host_LDAP/scim",
         "PATH_INFO": environ["PATH_INFO"].removeprefix("/ecma2host_LDAP/scim")}, start,
    )  # fmt: skip
    for path in ('/Users?filter=userName eq "x"', "/Users/0d5e4f5a-0000-1000-8000-000000000000"):
        response = call("GET", path)
        assert response.status == 503
        assert response.headers["Retry-After"] == "30"
    assert call("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                   "userName": "x"}).status == 503  # fmt: skip


def test_a_user_added_behind_the_bridge_is_found_live_then_cached(
    call: Caller, bridge: ConnectorBridge, admin: LdapConnection, server: OpenLDAPServer
) -> None:
    """Not in the connector space yet: the filter falls back to a live, escaped search."""
    add_directly(admin, server, "direct1")
    before = bridge.status().objects
    found = call("GET", f'/Users?filter={ECMA}:mail eq "direct1@contoso.lab"')
    assert found.body["totalResults"] == 1
    assert bridge.status().objects == before + 1  # written through
    hostile = call("GET", f'/Users?filter={ECMA}:mail eq "*)(uid=*"')
    assert hostile.status == 200
    assert hostile.body["totalResults"] == 0  # escaped: no injection, no error


def test_autosync_brings_changes_made_behind_the_bridge(
    call: Caller, bridge: ConnectorBridge, admin: LdapConnection, server: OpenLDAPServer
) -> None:
    """A change made directly in the directory shows after the next sync (a delta import)."""
    created = call("POST", "/Users", walkthrough_user(server, "synced"))
    user_id = created.body["id"]
    dn = f"cn=synced,{server.people_dn}"
    admin.modify(dn, [Modification(op=ModifyOp.REPLACE, attribute="sn", values=("Early",))])
    changed = bridge.worker.changed_anchors()  # the delta import, not a full one
    assert changed is not None
    assert user_id in [anchor.value for anchor in changed if not isinstance(anchor, str)]
    admin.modify(dn, [Modification(op=ModifyOp.REPLACE, attribute="sn", values=("Behind",))])
    stale = call("GET", f"/Users/{user_id}").body[ECMA]["sn"]
    assert stale == ["Simon"]  # answered from the connector space
    bridge.sync()
    assert call("GET", f"/Users/{user_id}").body[ECMA]["sn"] == ["Behind"]
    admin.delete(dn)
    bridge.sync()
    assert call("GET", f"/Users/{user_id}").status == 404
