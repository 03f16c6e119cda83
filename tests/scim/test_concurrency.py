"""Requests for the same user are serialised; requests for different users all land."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import ECMA, Caller, ldapsearch
from tests.scim.test_entra_replay import PATCH, walkthrough_user

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_concurrent_adds_to_one_user_lose_nothing(call: Caller, server: OpenLDAPServer) -> None:
    """Eight PATCHes adding a cn each, at once: each reads the state the last one left."""
    created = call("POST", "/Users", walkthrough_user(server, "racer"))
    user_id = created.body["id"]

    def add(index: int) -> int:
        operation = {"op": "add", "path": f"{ECMA}:cn", "value": [f"Alias {index}"]}
        body = {"schemas": [PATCH], "Operations": [operation]}
        return call("PATCH", f"/Users/{user_id}", body).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(add, range(8)))
    assert set(statuses) <= {200, 204}
    found = ldapsearch(server, server.people_dn, "(uid=racer)", "cn")
    assert {f"Alias {i}" for i in range(8)} <= set(found[0]["cn"])


def test_concurrent_creates_of_different_users_all_land(
    call: Caller, server: OpenLDAPServer
) -> None:
    """Eight POSTs at once, each a different user: eight entries."""

    def create(index: int) -> int:
        return call("POST", "/Users", walkthrough_user(server, f"many{index}")).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(create, range(8))) == [201] * 8
    found = ldapsearch(server, server.people_dn, "(uid=many*)", "1.1")
    assert len(found) == 8
