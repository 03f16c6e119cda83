"""The directory going away: a SCIM error for each request (never a 500), then recovery."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ldapconnector.scim import ConnectorBridge, PathDispatcher
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import Caller, ldapsearch, open_bridge
from tests.scim.test_entra_replay import walkthrough_user

pytestmark = [pytest.mark.integration, pytest.mark.openldap, pytest.mark.soak]


@pytest.fixture(name="own_server")
def fixture_own_server() -> Iterator[OpenLDAPServer]:
    """A slapd this test may kill."""
    with OpenLDAPServer() as server:
        yield server


def test_a_dead_directory_gets_scim_errors_then_the_bridge_recovers(
    own_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """With slapd killed a create is a SCIM 503 with the reason (not a 500);
    after the restart the same create succeeds and nothing was half-written."""
    bridge: ConnectorBridge = open_bridge(own_server, tmp_path)
    try:
        call = Caller(PathDispatcher.of([bridge]))
        own_server.kill()
        failed = call("POST", "/Users", walkthrough_user(own_server, "outage"))
        assert failed.status == 503, failed.body
        assert failed.headers["Retry-After"] == "30"
        assert "reconnect" in failed.body["detail"]
        assert failed.body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert call("GET", "/Users?count=1").status == 200  # lookups still served from memory
        own_server.restart()
        created = call("POST", "/Users", walkthrough_user(own_server, "outage"))
        assert created.status == 201, created.body
        found = ldapsearch(own_server, own_server.people_dn, "(uid=outage)", "1.1")
        assert len(found) == 1
    finally:
        bridge.close()
