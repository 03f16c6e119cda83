"""SCIM ``/Groups`` on a big group: Entra's PATCH Add/Remove of one member, time and requests.

One throwaway slapd; a pass-through bridge serving users and a groupOfNames type. N users
are exported through the bridge's own connector (the library's export, not N POSTs), the
connector space is loaded, then a group is POSTed with the N users as members, and
Entra-style requests are timed in process (WSGI, no socket): ``PATCH Add`` of one new
member, ``PATCH Remove`` of one member (``members[value eq "..."]``), ``GET
/Groups/{id}``, ``GET /Groups?filter=displayName eq ... &excludedAttributes=members``.
The modify requests the directory received for the group, and the ``member`` values
they carried, are counted from slapd's accesslog. Asserts nothing about time.

    .venv/bin/python benchmarks/bench_scim_groups.py [N]
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.scim import ConnectorBridge, EndpointSettings, PathDispatcher
from ldapconnector.testing import OpenLDAPServer

TOKEN = "bench-token-0123456789"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
PREFIX = "/ecma2host_LDAP/scim"


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    groups = server.groups_dn
    users = {
        "name": "users",
        "target": "inetOrgPerson",
        "anchor": "entryUUID",
        "containers": [server.people_dn],
    }
    group_type = {
        "name": "groups",
        "target": "groupOfNames",
        "anchor": "entryUUID",
        "containers": [groups],
        "deprovisioning": {"delete": "delete"},
        "membership": {"members_of": "users", "placeholder_member": "cn=nobody"},
        "mappings": [
            {
                "type": "expression",
                "target": "-dn-",
                "expression": f'Join("", "cn=", [displayName], ",{groups}")',
            },
            {"type": "direct", "source": "displayName", "target": "cn"},
        ],
    }
    return ConnectorConfig.from_dict(
        {"connectivity": server.connectivity(security="ldaps", as_service=False),
         "object_types": [users, group_type],
         "attributes": [{"name": n} for n in ("objectClass", "cn", "sn", "uid")],
         "deprovisioning": {"delete": "delete"}, "space": {"in_memory": True}},
        allow_literal_password=True,
    )  # fmt: skip


def _call(app: Any, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
    raw = b"" if body is None else json.dumps(body).encode()
    path_info, _, query = (PREFIX + path).partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path_info, "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/scim+json",
        "wsgi.input": io.BytesIO(raw), "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
    }  # fmt: skip
    setup_testing_defaults(environ)
    status: list[int] = []
    started = time.perf_counter()
    data = b"".join(app(environ, lambda s, h: status.append(int(s.split()[0]))))
    elapsed = time.perf_counter() - started
    return status[0], json.loads(data) if data else None, elapsed


def _user(server: OpenLDAPServer, n: int) -> dict[str, Any]:
    login = f"bench{n}"
    return {"id": f"u{n}", "scimDN": f"uid={login},{server.people_dn}",
            "objectClass": ["inetOrgPerson"], "cn": [login], "sn": [login],
            "uid": [login]}  # fmt: skip


def _modifies(server: OpenLDAPServer, group_dn: str) -> tuple[int, int]:
    """Modify requests of the group in the accesslog, and the member values they carried."""
    connection = open_connection(server.connectivity_config(as_service=False))
    try:
        found = list(connection.search("cn=accesslog", f"(&(reqType=modify)(reqDN={group_dn}))",
                                       attributes=("reqMod",)))  # fmt: skip
    finally:
        connection.close()
    values = sum(1 for e in found for m in e.texts("reqMod") if m.lower().startswith("member:"))
    return len(found), values


def main(size: int) -> None:
    """Run the benchmark with a group of ``size`` members and print the figures."""
    with OpenLDAPServer() as server, tempfile.TemporaryDirectory() as folder:
        endpoint = EndpointSettings(name="LDAP", config=Path(folder) / "c.toml",
                                    token_env="T", groups="groups")  # fmt: skip
        bridge = ConnectorBridge.open(
            endpoint, autosync_minutes=600, environ={"T": TOKEN}, config=_config(server),
            write_log=lambda line: None,
        )  # fmt: skip
        try:
            assert bridge.storage.groups is not None
            assert bridge.storage.groups.cache.wait_ready(60)
            started = time.perf_counter()
            records = [_user(server, n) for n in range(size + 1)]
            # One export run on the bridge's own connector (its thread, its link store).
            bridge.worker.call(lambda: bridge.worker.connector.export(records))
            print(f"{size + 1} users exported in {time.perf_counter() - started:.1f} s")
            bridge.storage.load(bridge.worker.full_import())
            by_dn = {u.dn.lower(): r.id for u, r in bridge.cache.all()}
            ids = [by_dn[f"uid=bench{n},{server.people_dn}".lower()] for n in range(size + 1)]
            app = PathDispatcher.of([bridge])
            body = {"schemas": [GROUP], "displayName": "Big",
                    "members": [{"value": i} for i in ids[:size]]}  # fmt: skip
            status, created, seconds = _call(app, "POST", "/Groups", body)
            assert status == 201, created
            group_dn = f"cn=Big,{server.groups_dn}"
            print(f"POST /Groups with {size} members: {seconds:.2f} s, "
                  f"modify requests/values {_modifies(server, group_dn)}")  # fmt: skip
            before = _modifies(server, group_dn)
            add = {"op": "Add", "path": "members", "value": [{"value": ids[size]}]}
            status, _, seconds = _call(app, "PATCH", f"/Groups/{created['id']}",
                                       {"schemas": [PATCH], "Operations": [add]})  # fmt: skip
            after = _modifies(server, group_dn)
            print(
                f"PATCH Add 1 member to {size}: {seconds:.2f} s (status {status}), "
                f"{after[0] - before[0]} modify request(s), {after[1] - before[1]} value(s)"
            )
            remove = {"op": "Remove", "path": f'members[value eq "{ids[0]}"]'}
            status, _, seconds = _call(app, "PATCH", f"/Groups/{created['id']}",
                                       {"schemas": [PATCH], "Operations": [remove]})  # fmt: skip
            final = _modifies(server, group_dn)
            print(
                f"PATCH Remove 1 member of {size + 1}: {seconds:.2f} s (status {status}), "
                f"{final[0] - after[0]} modify request(s), {final[1] - after[1]} value(s)"
            )
            _, _, seconds = _call(app, "GET", f"/Groups/{created['id']}")
            print(f"GET /Groups/{{id}} ({size} members): {seconds:.2f} s")
            query = '/Groups?excludedAttributes=members&filter=displayName eq "Big"'
            _, _, seconds = _call(app, "GET", query)
            print(f"GET /Groups?filter=displayName eq (members excluded): {seconds * 1000:.1f} ms")
        finally:
            bridge.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
