"""What ``ldapconnector check`` asks a running bridge: is the connector space populated?

The seed's ``TestECMA2HostConnection.ps1`` calls the ECMA host's ``/cache`` endpoint; this
does the same over HTTPS, with the connector's bearer token, trusting the bridge's own
certificate (the generated one is self-signed). One :class:`EndpointStatus` per connector.
"""

from __future__ import annotations

import datetime
import http.client
import json
import ssl
from pathlib import Path

import attrs

from ldapconnector.scim._settings import BridgeSettings, EndpointSettings
from ldapconnector.scim._tls import GENERATED_CERTIFICATE
from ldapconnector.scim._token import BearerToken

__all__ = ["EndpointStatus", "bridge_certificate_path", "fetch_status", "local_host"]


@attrs.frozen(kw_only=True)
class EndpointStatus:
    """One connector's state as the running bridge reports it.

    Attributes:
        name: the connector.
        url: the tenant URL.
        reachable: the bridge answered.
        ready: the first import has finished.
        objects: users in the connector space.
        last_import: when the last import finished.
        error: why the check failed, or the last import error.
    """

    name: str
    url: str
    reachable: bool = False
    ready: bool = False
    objects: int = 0
    last_import: datetime.datetime | None = None
    error: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        """The ``check --json`` shape."""
        return {
            "connector": self.name, "url": self.url, "reachable": self.reachable,
            "ready": self.ready, "objects": self.objects,
            "last_import": self.last_import.isoformat() if self.last_import else None,
            "error": self.error,
        }  # fmt: skip


def local_host(host: str) -> str:
    """The name to reach a bridge listening on ``host`` from this machine (the cert has it)."""
    return "localhost" if host in ("", "0.0.0.0", "::", "127.0.0.1", "::1") else host  # noqa: S104


def bridge_certificate_path(settings: BridgeSettings) -> Path:
    """The certificate the bridge serves: the configured one, else the generated one."""
    return settings.certificate or settings.state_dir / GENERATED_CERTIFICATE


def _connection(
    host: str, port: int, cafile: Path | None, timeout: float
) -> http.client.HTTPConnection:
    if cafile is None:
        return http.client.HTTPConnection(host, port, timeout=timeout)
    context = ssl.create_default_context(cafile=str(cafile))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return http.client.HTTPSConnection(host, port, context=context, timeout=timeout)


def fetch_status(
    endpoint: EndpointSettings,
    token: BearerToken,
    *,
    host: str,
    port: int,
    cafile: Path | None,
    timeout: float = 10.0,
) -> EndpointStatus:
    """Ask the bridge at ``host:port`` for one connector's state (``cafile`` None: HTTP)."""
    scheme = "http" if cafile is None else "https"
    url = f"{scheme}://{host}:{port}{endpoint.path}"
    connection = _connection(host, port, cafile, timeout)
    try:
        authorization = f"Bearer {token.secret.reveal()}"
        connection.request(
            "GET", f"{endpoint.path}/cache", headers={"Authorization": authorization}
        )
        response = connection.getresponse()
        body = json.loads(response.read() or b"{}")
    except (OSError, ValueError, http.client.HTTPException) as error:
        return EndpointStatus(name=endpoint.name, url=url, error=f"no answer: {error}")
    finally:
        connection.close()
    if response.status != 200:
        return EndpointStatus(name=endpoint.name, url=url, reachable=True,
                              error=f"HTTP {response.status}: {body.get('detail')}")  # fmt: skip
    last = body.get("last_import")
    return EndpointStatus(
        name=endpoint.name, url=url, reachable=True, ready=bool(body.get("ready")),
        objects=int(body.get("objects") or 0),
        last_import=datetime.datetime.fromisoformat(last) if last else None,
        error=body.get("last_error"),
    )  # fmt: skip
