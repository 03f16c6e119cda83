"""Several bridges, one connector space: ``[space] backend = "postgresql"`` is honoured.

Two bridges (two connectors, two caches, one slapd) keep their links in one PostgreSQL
schema, as two ``ldapconnector serve`` processes behind a load balancer would: a user
created through bridge A is a user of bridge B too (its link, its id, its deletion), and
the second create of the same user on B is the first one's, not a second entry.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.connection import open_connection
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.scim import ConnectorBridge, PathDispatcher, anchor_for_id
from ldapconnector.space import PostgresLinkStore
from ldapconnector.testing import OpenLDAPServer, PostgreSQLServer
from tests.scim.conftest import ECMA, Caller, ldapsearch, open_bridge
from tests.scim.test_entra_replay import walkthrough_user

pytestmark = [pytest.mark.integration, pytest.mark.openldap, pytest.mark.postgresql]

_SCHEMAS = itertools.count(1)


@pytest.fixture(name="space")
def fixture_space(postgresql_server: PostgreSQLServer) -> dict[str, Any]:
    """A ``[space]`` section naming a PostgreSQL schema of this test's own."""
    schema = f"bridges_{next(_SCHEMAS)}"
    return {"backend": "postgresql", "dsn": postgresql_server.dsn(), "schema": schema}


@pytest.fixture(name="bridges")
def fixture_bridges(
    server: OpenLDAPServer, tmp_path: Path, space: dict[str, Any]
) -> Iterator[tuple[ConnectorBridge, ConnectorBridge]]:
    """Two bridges on the module's slapd and one PostgreSQL space (each its own config dir)."""
    for name in ("a", "b"):  # where a SQLite default would go: the space must not be there
        (tmp_path / name).mkdir()
    first = open_bridge(server, tmp_path / "a", space=space, external_id="employeeNumber")
    try:
        second = open_bridge(server, tmp_path / "b", space=space, external_id="employeeNumber")
    except BaseException:
        first.close()
        raise
    yield first, second
    second.close()
    first.close()


def _user(server: OpenLDAPServer, login: str) -> dict[str, Any]:
    body = walkthrough_user(server, login)
    return {**body, "externalId": f"hr-{login}", "userName": login}


def test_a_user_created_on_one_bridge_is_the_other_bridges_user(
    bridges: tuple[ConnectorBridge, ConnectorBridge],
    server: OpenLDAPServer,
    space: dict[str, Any],
    tmp_path: Path,
) -> None:
    """B finds A's user by id and externalId, knows its link, and refuses a second create."""
    first, second = bridges
    on_a, on_b = Caller(PathDispatcher.of([first])), Caller(PathDispatcher.of([second]))
    created = on_a("POST", "/Users", _user(server, "shared1"))
    assert created.status == 201, created.body
    user_id = created.body["id"]
    assert on_b("GET", f"/Users/{user_id}").body["externalId"] == "hr-shared1"
    found = on_b("GET", '/Users?filter=externalId eq "hr-shared1"')
    assert [r["id"] for r in found.body["Resources"]] == [user_id]
    anchor = anchor_for_id(first.worker.request.strategy.kind, user_id)
    assert anchor is not None
    assert second.worker.source_id(anchor) == first.worker.source_id(anchor) is not None
    again = on_b("POST", "/Users", _user(server, "shared1"))
    assert (again.status, again.body["scimType"]) == (409, "uniqueness")  # the same user
    assert user_id in again.body["detail"]
    assert len(ldapsearch(server, server.people_dn, "(uid=shared1)", "uid")) == 1
    with PostgresLinkStore.connect(space["dsn"], schema=space["schema"]) as store:
        link = store.get_by_anchor(anchor)
        assert link is not None
        assert link.dn.lower() == f"cn=shared1,{server.people_dn}".lower()
    assert not list(tmp_path.rglob("*.sqlite"))  # no SQLite space beside the configs


def test_a_delete_on_one_bridge_is_seen_by_the_other(
    bridges: tuple[ConnectorBridge, ConnectorBridge], server: OpenLDAPServer
) -> None:
    """B deletes A's user through the shared link; A's link is gone, its cache follows."""
    first, second = bridges
    on_a, on_b = Caller(PathDispatcher.of([first])), Caller(PathDispatcher.of([second]))
    user_id = on_a("POST", "/Users", _user(server, "shared2")).body["id"]
    anchor = anchor_for_id(first.worker.request.strategy.kind, user_id)
    assert anchor is not None
    assert on_b("DELETE", f"/Users/{user_id}").status == 204
    assert first.worker.source_id(anchor) is None  # the link A made is deleted for A too
    assert ldapsearch(server, server.people_dn, "(uid=shared2)", "uid") == []
    first.sync()  # A's own cache learns of it at its next autosync (a delta import)
    assert on_a("GET", f"/Users/{user_id}").status == 404


def test_each_bridge_refreshes_its_own_cache_from_the_shared_space(
    bridges: tuple[ConnectorBridge, ConnectorBridge], server: OpenLDAPServer
) -> None:
    """A change made behind both bridges reaches each cache, whichever syncs first."""
    first, second = bridges
    on_a, on_b = Caller(PathDispatcher.of([first])), Caller(PathDispatcher.of([second]))
    user_id = on_a("POST", "/Users", _user(server, "shared3")).body["id"]
    assert on_b("GET", f"/Users/{user_id}").status == 200  # B caches it too
    admin = server.connectivity_config("ldaps", "simple", as_service=False)
    with open_connection(admin) as connection:
        connection.modify(
            f"cn=shared3,{server.people_dn}",
            [Modification(op=ModifyOp.REPLACE, attribute="sn", values=("Behind",))],
        )
    first.sync()
    second.sync()  # the watermark A acknowledged is not B's: B reads the change as well
    for call in (on_a, on_b):
        assert call("GET", f"/Users/{user_id}").body[ECMA]["sn"] == ["Behind"]
