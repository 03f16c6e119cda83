"""A bridge on a real slapd, and a WSGI caller that speaks to it in process."""

from __future__ import annotations

import io
import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import attrs
import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.scim._bridge import ConnectorBridge, PathDispatcher
from ldapconnector.scim._settings import BridgeMode, EndpointSettings
from ldapconnector.testing import OpenLDAPServer

TOKEN = "s3cret-token-" + uuid.uuid4().hex[:8]
ECMA = "urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User"
POSIX_ATTRIBUTES = (
    "objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory",
    "mail", "userPassword",
)  # fmt: skip


def connector_data(server: OpenLDAPServer, **extra: Any) -> dict[str, Any]:
    """The seed's POSIX attribute list on the test server (entryUUID anchor, ppolicy lock)."""
    data: dict[str, Any] = {
        "connectivity": server.connectivity(security="ldaps"),
        "object_type": {
            "target": "inetOrgPerson", "anchor": "entryUUID",
            "auxiliary": ["posixAccount", "shadowAccount"], "containers": [server.people_dn],
        },
        "attributes": [{"name": name} for name in POSIX_ATTRIBUTES],
        "deprovisioning": {"disable": "vendor", "delete": "delete"},
        "run_profiles": {"delta_import": True},  # autosync reads the accesslog
        "space": {"in_memory": True},
    }  # fmt: skip
    if "object_types" in extra:  # [[object_types]] instead of [object_type]
        del data["object_type"]
    data.update(extra)
    return data


@attrs.frozen
class Response:
    """What the bridge answered."""

    status: int
    headers: dict[str, str]
    body: Any


@attrs.define
class Caller:
    """Calls a WSGI application the way an HTTP client would (no socket)."""

    app: Any
    prefix: str = "/ecma2host_LDAP/scim"
    token: str | None = TOKEN

    def __call__(
        self, method: str, path: str, body: Any = None, *, token: Any = ..., scheme: str = "Bearer"
    ) -> Response:
        """Send one request; ``path`` may hold a query string."""
        raw = b"" if body is None else json.dumps(body).encode()
        path_info, _, query = (self.prefix + path).partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method, "PATH_INFO": path_info, "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/scim+json",
            "wsgi.input": io.BytesIO(raw), "HTTP_USER_AGENT": "pytest",
        }  # fmt: skip
        token = self.token if token is ... else token
        if token is not None:
            environ["HTTP_AUTHORIZATION"] = f"{scheme} {token}"
        setup_testing_defaults(environ)
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            captured["status"], captured["headers"] = int(status.split()[0]), dict(headers)

        data = b"".join(self.app(environ, start_response))
        return Response(captured["status"], captured["headers"], json.loads(data) if data else None)


def open_bridge(
    server: OpenLDAPServer,
    tmp: Path,
    *,
    mode: BridgeMode = BridgeMode.PASS_THROUGH,
    lines: list[str] | None = None,
    **extra: Any,
) -> ConnectorBridge:
    """A bridge on ``server``, its first import finished."""
    endpoint_keys = {
        k: extra.pop(k)
        for k in ("user_name", "external_id", "matching", "users", "groups")
        if k in extra
    }
    config = ConnectorConfig.from_dict(connector_data(server, **extra), allow_literal_password=True)
    endpoint = EndpointSettings(
        name="LDAP", config=tmp / "connector.toml", token_env="SCIM_TOKEN", mode=mode,
        **endpoint_keys,
    )  # fmt: skip
    sink = lines if lines is not None else []
    bridge = ConnectorBridge.open(
        endpoint, autosync_minutes=120, environ={"SCIM_TOKEN": TOKEN}, config=config,
        write_log=sink.append,
    )  # fmt: skip
    assert bridge.cache.wait_ready(60), bridge.cache.last_error
    return bridge


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of the module's own."""
    with OpenLDAPServer() as server:
        yield server


@pytest.fixture(name="log_lines", scope="module")
def fixture_log_lines() -> list[str]:
    """The provisioning-log lines the module's bridge wrote."""
    return []


@pytest.fixture(name="bridge", scope="module")
def fixture_bridge(
    server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory, log_lines: list[str]
) -> Iterator[ConnectorBridge]:
    """A pass-through bridge (the ECMA host's shape) on the module's slapd."""
    bridge = open_bridge(server, tmp_path_factory.mktemp("bridge"), lines=log_lines)
    yield bridge
    bridge.close()


@pytest.fixture(name="call")
def fixture_call(bridge: ConnectorBridge) -> Caller:
    """A caller of the bridge's tenant path."""
    return Caller(PathDispatcher.of([bridge]))


def ldapsearch(
    server: OpenLDAPServer, base: str, search_filter: str, *names: str
) -> list[dict[str, list[str]]]:
    """Entries found by the ldap-utils ``ldapsearch`` as the admin (independent of the library)."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", base, search_filter, *names,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=False)
    assert done.returncode in (0, 32), done.stderr
    entries: list[dict[str, list[str]]] = []
    for block in done.stdout.strip().split("\n\n"):
        if block.strip():
            entry: dict[str, list[str]] = {}
            for line in block.splitlines():
                name, _, value = line.partition(": ")
                entry.setdefault(name.rstrip(":").lower(), []).append(value)
            entries.append(entry)
    return entries


PLACEHOLDER = "cn=nobody"


def group_types(server: OpenLDAPServer, users: dict[str, Any]) -> list[dict[str, Any]]:
    """The users' type (as given) and a groupOfNames type whose members are those users."""
    groups = server.groups_dn
    return [
        {"name": "users", **users},
        {"name": "groups", "target": "groupOfNames", "anchor": "entryUUID",
         "containers": [groups], "deprovisioning": {"delete": "delete"},
         "membership": {"members_of": "users", "placeholder_member": PLACEHOLDER,
                        "chunk_size": 2},
         "mappings": [
            {"type": "expression", "target": "-dn-",
             "expression": f'Join("", "cn=", [displayName], ",{groups}")'},
            {"type": "direct", "source": "displayName", "target": "cn"},
            {"type": "direct", "source": "externalId", "target": "businessCategory"},
         ]},
    ]  # fmt: skip


def wait_groups(bridge: ConnectorBridge) -> ConnectorBridge:
    """The bridge once its groups' first import has finished too."""
    groups = bridge.storage.groups
    assert groups is not None
    assert groups.cache.wait_ready(60), bridge.cache.last_error
    return bridge
