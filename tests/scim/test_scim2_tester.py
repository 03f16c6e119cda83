"""scim2-tester's discovery, CRUD and PATCH checks against the bridge on a real slapd.

In process, through scim2-client's WSGI engine, and over real HTTPS (cheroot, the
generated certificate) through the same client sending its requests with http.client.
The bridge runs in mapped mode with every published attribute stored by a direct
mapping (so each random value the checker writes can be read back) and the ``-dn-``
built from ``userName`` (a changed userName renames the entry). The table of results
is printed; every check must succeed.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.headers import Headers

import pytest
from scim2_client.engines.inprocess import InProcessResponse, _prepare_request
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import ScimProvider
from scim2_tester import Status, check_server

from ldapconnector.scim import (
    BridgeMode,
    BridgeServer,
    BridgeSettings,
    ConnectorBridge,
    PathDispatcher,
    ensure_certificate,
)
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import TOKEN, group_types, open_bridge, wait_groups

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def checker_mappings(server: OpenLDAPServer) -> list[dict[str, Any]]:
    """Direct mappings for every published core attribute; DN and classes by expression."""
    return [
        {"type": "expression", "target": "-dn-",
         "expression": f'Join("", "uid=", [userName], ",{server.people_dn}")'},
        {"type": "expression", "target": "objectClass",
         "expression": 'Split("inetOrgPerson", ",")'},
        {"type": "direct", "source": "userName", "target": "uid"},
        {"type": "expression", "target": "cn", "expression": 'Join("", [userName])'},
        {"type": "direct", "source": "familyName", "target": "sn"},
        {"type": "direct", "source": "givenName", "target": "givenName"},
        {"type": "direct", "source": "displayName", "target": "displayName"},
        {"type": "direct", "source": "externalId", "target": "employeeNumber"},
        {"type": "direct", "source": "title", "target": "title"},
    ]  # fmt: skip


@pytest.fixture(name="mapped_bridge", scope="module")
def fixture_mapped_bridge(
    server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConnectorBridge]:
    """A mapped-mode bridge on the module's slapd."""
    bridge = open_bridge(
        server, tmp_path_factory.mktemp("tester"), mode=BridgeMode.MAPPED,
        object_type={"target": "inetOrgPerson", "anchor": "entryUUID",
                     "containers": [server.people_dn]},
        # Single-valued: the checker adds to the whole extension, then to each attribute
        # of the same user, and expects only its last value back, where RFC 7644 section
        # 3.5.2.1 appends to a multi-valued one (the Entra replay covers that).
        attributes=[{"name": "description", "single_value": True},
                    {"name": "l", "single_value": True}],
        mappings=checker_mappings(server),
    )  # fmt: skip
    yield bridge
    bridge.close()


@pytest.fixture(name="group_bridge", scope="module")
def fixture_group_bridge(
    server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConnectorBridge]:
    """A mapped-mode bridge serving the users' type and a groupOfNames type as /Groups."""
    users = {"target": "inetOrgPerson", "anchor": "entryUUID", "containers": [server.people_dn],
             "mappings": checker_mappings(server)}  # fmt: skip
    bridge = open_bridge(
        server, tmp_path_factory.mktemp("tester-groups"), mode=BridgeMode.MAPPED,
        object_types=group_types(server, users), groups="groups",
        connectivity=server.connectivity(security="ldaps", as_service=False),
        attributes=[{"name": "description", "single_value": True},
                    {"name": "l", "single_value": True}],
    )  # fmt: skip
    yield wait_groups(bridge)
    bridge.close()


class HTTPSSCIMClient(WSGISCIMClient):
    """scim2-client sending each request over HTTPS (http.client) instead of to the app."""

    def __init__(self, port: int, cafile: Path, **kwargs: Any) -> None:
        base_url = f"https://localhost:{port}/ecma2host_LDAP/scim"
        super().__init__(None, base_url=base_url, **kwargs)  # type: ignore[arg-type]
        self.connection = http.client.HTTPSConnection(
            "localhost", port, context=ssl.create_default_context(cafile=str(cafile))
        )

    def request(self, method: str, url: str, **kwargs: Any) -> InProcessResponse:
        """One request on the kept-alive HTTPS connection."""
        prepared = _prepare_request(self.base_url, self.headers, method, url, **kwargs)
        target = prepared.url.path + (f"?{prepared.url.query}" if prepared.url.query else "")
        self.connection.request(prepared.method, target, body=prepared.body or None,
                                headers=dict(prepared.headers))  # fmt: skip
        response = self.connection.getresponse()
        content = response.read()
        return InProcessResponse(response.status, Headers(response.getheaders()), content)


def run_checks(client: WSGISCIMClient) -> list[Any]:
    """Run every check, print the table, and require every one to succeed."""
    results = check_server(client)  # every group: discovery, crud, patch, misc
    print(f"\n{'status':<10} {'resource':<8} title / reason")
    for result in results:
        why = f" -- {result.reason}" if result.status is not Status.SUCCESS else ""
        print(f"{result.status.name:<10} {result.resource_type or '-':<8} {result.title}{why}")
    assert results
    bad = [(r.title, r.status.name, r.reason) for r in results if r.status is not Status.SUCCESS]
    assert bad == []
    return results


def test_scim2_tester_in_process_all_succeed(mapped_bridge: ConnectorBridge) -> None:
    """Through the WSGI engine: every check (discovery, crud, patch, misc) succeeds."""
    client = WSGISCIMClient(
        PathDispatcher.of([mapped_bridge]),
        base_url="http://localhost/ecma2host_LDAP/scim",
        headers={"Authorization": f"Bearer {TOKEN}"},
        provider=ScimProvider(),
    )
    run_checks(client)


def test_scim2_tester_over_https_all_succeed(
    mapped_bridge: ConnectorBridge, tmp_path: Path
) -> None:
    """Over real HTTPS (cheroot, generated certificate, TLS >= 1.2): every check succeeds."""
    certificate = ensure_certificate(BridgeSettings(state_dir=tmp_path))
    server = BridgeServer([mapped_bridge], "127.0.0.1", 0, certificate)
    server.start()
    try:
        client = HTTPSSCIMClient(server.port, certificate.certificate,
                                 headers={"Authorization": f"Bearer {TOKEN}"},
                                 provider=ScimProvider())  # fmt: skip
        run_checks(client)
        client.connection.close()
    finally:
        server.stop()


def test_scim2_tester_with_groups_all_succeed(group_bridge: ConnectorBridge) -> None:
    """With /Groups served (a groupOfNames type): every check, the Group ones too, succeeds."""
    client = WSGISCIMClient(
        PathDispatcher.of([group_bridge]),
        base_url="http://localhost/ecma2host_LDAP/scim",
        headers={"Authorization": f"Bearer {TOKEN}"},
        provider=ScimProvider(),
    )
    results = run_checks(client)
    group_checks = [r for r in results if r.resource_type == "Group"]
    print(f"{len(results)} checks, {len(group_checks)} of them on Group")
    assert len(group_checks) >= 10  # crud, filters, PUT and a PATCH per attribute
