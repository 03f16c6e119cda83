"""``ldapconnector serve`` and ``check`` end to end: a real process, HTTPS, a real slapd."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
import pytest

import ldapconnector
from ldapconnector.cli._demo_data import to_toml
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import ECMA, TOKEN, connector_data

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

ROOT = Path(ldapconnector.__file__).parent.parent


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_files(server: OpenLDAPServer, where: Path, **bridge: Any) -> Path:
    """A connector file (password from the environment) and a bridge file naming it."""
    data = connector_data(server)
    data["connectivity"].pop("password")
    data["connectivity"]["password_env"] = "LDAP_PASSWORD"
    data["connectivity"]["ca_file"] = str(server.ca_file)
    (where / "connector.toml").write_text(to_toml(data), encoding="utf-8")
    port = bridge.pop("port", free_port())
    lines = [f"port = {port}", *(f"{k} = {json.dumps(v)}" for k, v in bridge.items()), "",
             "[[connectors]]", 'name = "LDAP"', 'config = "connector.toml"',
             'token_env = "SCIM_TOKEN"', 'matching = ["mail"]']  # fmt: skip
    (where / "bridge.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return where / "bridge.toml"


def environment(server: OpenLDAPServer) -> dict[str, str]:
    """The process environment: the worktree first, the secrets in variables."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "SCIM_TOKEN": TOKEN,
            "LDAP_PASSWORD": server.service_password}  # fmt: skip


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ldapconnector ARGS``."""
    argv = [sys.executable, "-m", "ldapconnector", *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)


@attrs.define
class Served:
    """A running ``serve`` process."""

    process: subprocess.Popen[str]
    port: int
    certificate: Path
    stderr: list[str] = attrs.field(factory=list)

    def request(self, method: str, path: str, body: Any = None, token: str | None = TOKEN) -> Any:
        """One HTTPS request trusting the bridge's own certificate; (status, headers, body)."""
        context = ssl.create_default_context(cafile=str(self.certificate))
        connection = http.client.HTTPSConnection(
            "localhost", self.port, context=context, timeout=30
        )
        headers = {"Content-Type": "application/scim+json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            data = None if body is None else json.dumps(body)
            target = "/ecma2host_LDAP/scim" + quote(path, safe="/?=&")
            connection.request(method, target, body=data, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), json.loads(data) if data else None
        finally:
            connection.close()


@pytest.fixture(name="served", scope="module")
def fixture_served(
    server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """``ldapconnector serve`` on HTTPS with a generated certificate, first import done."""
    where = tmp_path_factory.mktemp("serve")
    bridge_file = write_files(server, where, hostnames=["ecma.contoso.lab"])
    port = int((bridge_file.read_text().split("\n")[0]).split("=")[1])
    argv = [sys.executable, "-m", "ldapconnector", "serve", "--config", str(bridge_file)]
    pipe = subprocess.PIPE
    process = subprocess.Popen(argv, env=environment(server), stdout=pipe, stderr=pipe,
                               stdin=subprocess.DEVNULL, text=True)  # fmt: skip
    served = Served(process, port, where / "ldapconnector-scim.pem")
    assert process.stderr is not None
    for line in process.stderr:
        served.stderr.append(line)
        if line.startswith("serving "):
            break
    else:
        pytest.fail("serve stopped: " + "".join(served.stderr))
    deadline = time.monotonic() + 60
    while served.request("GET", "/Users?count=1")[0] == 503 and time.monotonic() < deadline:
        time.sleep(0.2)  # the first import is running: 503 with Retry-After
    yield served
    process.send_signal(signal.SIGTERM)  # how a service manager stops it
    try:
        out, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        # Never leave a bridge behind: a leaked process would fail later tests' teardown.
        process.kill()
        out, err = process.communicate()
        pytest.fail("serve did not stop within 120 s of SIGTERM; its stderr ends: " + err[-2000:])
    # The provisioning log went to stdout, one JSON object per request, without the token.
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(line["operation"] == "create" and line["status"] == 201 for line in lines)
    assert TOKEN not in out + err + "".join(served.stderr)


def test_serve_prints_the_certificate_and_the_tenant_url(served: Served) -> None:
    """The generated certificate's path and SHA-256 fingerprint, and the tenant URL, are shown."""
    text = "".join(served.stderr)
    assert f"generated certificate {served.certificate}" in text
    assert "SHA-256 " in text
    assert f"serving https://localhost:{served.port}/ecma2host_LDAP/scim" in text
    assert (served.certificate.parent / "ldapconnector-scim.key").stat().st_mode & 0o077 == 0


def test_https_probe_create_and_401(served: Served, server: OpenLDAPServer) -> None:
    """Over real HTTPS: the probe is an empty list, a create works, a wrong token gets 401."""
    status, headers, body = served.request("GET", '/Users?filter=userName eq "no-such-user-x"')
    assert status == 200
    assert body["totalResults"] == 0
    assert headers["Content-Type"] == "application/scim+json"
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ECMA], ECMA: {
        "-dn-": f"CN=https1,{server.people_dn}", "objectClass": ["inetOrgPerson", "posixAccount"],
        "cn": "H", "sn": "S", "uid": "https1", "uidNumber": 1, "gidNumber": 1,
        "homeDirectory": "/h", "mail": "https1@contoso.lab"}}  # fmt: skip
    status, _, body = served.request("POST", "/Users", user)
    assert status == 201, body
    status, headers, _ = served.request("GET", "/Users", token="not-the-token-at-all")
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")


def test_the_tls_listener_refuses_plain_http_and_old_tls(served: Served) -> None:
    """Plain HTTP to the HTTPS port gets no SCIM answer; TLS 1.1 cannot connect."""
    connection = http.client.HTTPConnection("localhost", served.port, timeout=10)
    try:
        connection.request("GET", "/ecma2host_LDAP/scim/Users")
        response = connection.getresponse()
        assert response.status == 400  # cheroot: "The client sent a plain HTTP request"
        assert b"ListResponse" not in response.read()
    except (ConnectionError, http.client.HTTPException):
        pass  # a reset connection is a refusal too
    finally:
        connection.close()
    context = ssl.create_default_context(cafile=str(served.certificate))
    with warnings.catch_warnings():  # asking for TLS 1.1 is deprecated: that is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    with (
        socket.create_connection(("localhost", served.port), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="localhost")


def test_check_reports_the_ready_connector_space(
    served: Served, server: OpenLDAPServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """``check`` asks the running bridge: ready, the object count, the last import; exit 0."""
    bridge_file = served.certificate.parent / "bridge.toml"
    done = cli("check", "--config", str(bridge_file), env=environment(server))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LDAP: https://localhost:" in done.stdout
    assert ": ready, " in done.stdout
    assert "certificate: " in done.stdout
    as_json = cli("check", "--config", str(bridge_file), "--json", env=environment(server))
    report = json.loads(as_json.stdout)
    assert report["connectors"][0]["ready"] is True
    assert report["connectors"][0]["objects"] >= 0


def test_plain_http_needs_the_flag_and_a_loopback_host(
    server: OpenLDAPServer, tmp_path: Path
) -> None:
    """``--plain-http`` on a non-loopback host is refused before anything starts (exit 2)."""
    bridge_file = write_files(server, tmp_path, host="0.0.0.0")  # noqa: S104
    done = cli("serve", "--config", str(bridge_file), "--plain-http", env=environment(server))
    assert done.returncode == 2
    assert "loopback" in done.stderr
    assert TOKEN not in done.stderr + done.stdout


def test_check_without_a_running_bridge_says_so(server: OpenLDAPServer, tmp_path: Path) -> None:
    """No certificate yet, nobody listening: check explains and exits 1."""
    bridge_file = write_files(server, tmp_path)
    done = cli("check", "--config", str(bridge_file), env=environment(server))
    assert done.returncode == 1
    assert "does not exist (has the bridge been started?)" in done.stdout
    plain = cli("check", "--config", str(bridge_file), "--plain-http", env=environment(server))
    assert plain.returncode == 1
    assert "LDAP: http://localhost:" in plain.stdout
    assert "down" in plain.stdout
