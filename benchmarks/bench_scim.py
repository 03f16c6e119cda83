"""SCIM bridge throughput: N creates then N PATCHes over HTTPS, against the library's export.

One throwaway slapd; ``ldapconnector serve``'s pieces (a pass-through bridge under cheroot
with a generated certificate) take N SCIM POSTs of the walkthrough's user shape, then N
PATCHes of ``sn``, one request at a time on a kept-alive HTTPS connection, as Entra's
provisioning agent sends them. In the same run the library's own export creates the same
N users (the seed's POSIX mappings, into another OU) and changes their display names.
Prints requests/s, p50/p99 latency and the ratios; asserts nothing about time.

    .venv/bin/python benchmarks/bench_scim.py [N]
"""

from __future__ import annotations

import http.client
import json
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.scim import (
    ECMA_EXTENSION,
    BridgeServer,
    BridgeSettings,
    ConnectorBridge,
    EndpointSettings,
    ensure_certificate,
)
from ldapconnector.testing import OpenLDAPServer

TOKEN = "bench-token-0123456789"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ATTRIBUTES = ("objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory", "mail")


def _bridge(server: OpenLDAPServer, folder: Path) -> ConnectorBridge:
    data = {
        "connectivity": server.connectivity(security="ldaps"),
        "object_type": {"target": "inetOrgPerson", "anchor": "entryUUID",
                        "auxiliary": ["posixAccount", "shadowAccount"],
                        "containers": [server.people_dn]},
        "attributes": [{"name": name} for name in ATTRIBUTES],
        "deprovisioning": {"disable": "vendor", "delete": "delete"},
        "space": {"in_memory": True},
    }  # fmt: skip
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    endpoint = EndpointSettings(name="LDAP", config=folder / "c.toml", token_env="T")
    bridge = ConnectorBridge.open(endpoint, autosync_minutes=120, environ={"T": TOKEN},
                                  config=config, write_log=lambda _line: None)  # fmt: skip
    bridge.cache.wait_ready(120)
    return bridge


def _body(server: OpenLDAPServer, index: int) -> dict[str, Any]:
    login = f"scim{index:05d}"
    return {"schemas": [USER, ECMA_EXTENSION], "active": True, ECMA_EXTENSION: {
        "-dn-": f"CN={login},{server.people_dn}",
        "objectClass": ["inetOrgPerson", "posixAccount", "shadowAccount"],
        "cn": f"Scim User {index}", "sn": "User", "uid": login, "uidNumber": 20000 + index,
        "gidNumber": 10000, "homeDirectory": f"/home/{login}",
        "mail": f"{login}@contoso.lab"}}  # fmt: skip


class _Client:
    """One kept-alive HTTPS connection, timing each request."""

    def __init__(self, port: int, cafile: Path) -> None:
        context = ssl.create_default_context(cafile=str(cafile))
        self.connection = http.client.HTTPSConnection("localhost", port, context=context)
        self.headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"}

    def send(self, method: str, path: str, body: Any) -> tuple[int, Any, float]:
        started = time.perf_counter()
        self.connection.request(method, "/ecma2host_LDAP/scim" + path, body=json.dumps(body),
                                headers=self.headers)  # fmt: skip
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        return response.status, json.loads(data) if data else None, elapsed


def _figures(label: str, latencies: list[float], total: float) -> float:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    rate = len(latencies) / total
    print(f"{label:<28} {rate:8.1f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    return rate


def _scim(server: OpenLDAPServer, client: _Client, count: int) -> tuple[float, float]:
    ids, latencies, started = [], [], time.perf_counter()
    for index in range(count):
        status, body, elapsed = client.send("POST", "/Users", _body(server, index))
        assert status == 201, body
        ids.append(body["id"])
        latencies.append(elapsed)
    creates = _figures("SCIM POST (create)", latencies, time.perf_counter() - started)
    latencies, started = [], time.perf_counter()
    for user_id in ids:
        operation = {"op": "Replace", "path": f"{ECMA_EXTENSION}:sn", "value": "Changed"}
        patch = {"schemas": [PATCH], "Operations": [operation]}
        status, body, elapsed = client.send("PATCH", f"/Users/{user_id}", patch)
        assert status in (200, 204), body
        latencies.append(elapsed)
    patches = _figures("SCIM PATCH (modify)", latencies, time.perf_counter() - started)
    return creates, patches


def _library(server: OpenLDAPServer, count: int) -> tuple[float, float]:
    people = f"ou=lib,{server.people_dn}"
    with open_connection(server.connectivity_config("ldaps", "simple", as_service=False)) as admin:
        admin.add(people, {"objectClass": "organizationalUnit", "ou": "lib"})
    data = posix_example(server.connectivity(security="ldaps"), people_dn=people)
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    records = users(count, domain="lib.contoso.lab")
    with Connector(config) as connector:
        started = time.perf_counter()
        first = connector.export(records)
        create_seconds = time.perf_counter() - started
        assert first.summary["created"] == count, first.failed[:3]
        changed = [{**r, "displayName": r["displayName"] + " (changed)"} for r in records]
        started = time.perf_counter()
        second = connector.export(changed)
        modify_seconds = time.perf_counter() - started
        assert second.summary["updated"] == count, second.failed[:3]
    print(f"{'library export (create)':<28} {count / create_seconds:8.1f} users/s")
    print(f"{'library export (modify)':<28} {count / modify_seconds:8.1f} users/s")
    return count / create_seconds, count / modify_seconds


def main(count: int = 1000) -> None:
    """Run the benchmark with ``count`` users and print the figures."""
    with OpenLDAPServer() as server, tempfile.TemporaryDirectory() as folder:
        certificate = ensure_certificate(BridgeSettings(state_dir=Path(folder)))
        bridge = _bridge(server, Path(folder))
        http_server = BridgeServer([bridge], "127.0.0.1", 0, certificate)
        http_server.start()
        try:
            print(f"{count} users, one slapd, HTTPS (TLS >= 1.2), one connection, sequential")
            client = _Client(http_server.port, certificate.certificate)
            creates, patches = _scim(server, client, count)
        finally:
            http_server.stop()
            bridge.close()
        lib_creates, lib_modifies = _library(server, count)
        print(f"ratio SCIM/library: creates {creates / lib_creates:.2f}, "
              f"modifies {patches / lib_modifies:.2f}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
