"""``BridgeServer``: the bridges under cheroot, HTTPS by default.

cheroot is a pure-Python, threaded, production WSGI server with built-in TLS (CherryPy's),
packaged by Debian as python3-cheroot. The bridge serves HTTPS with the context of
``_tls`` (TLS >= 1.2); plain HTTP only when asked for explicitly, and then only on a
loopback address, so a token never crosses a network in clear text.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Sequence

import attrs
from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

from ldapconnector.errors import ConfigurationError
from ldapconnector.scim._bridge import ConnectorBridge, PathDispatcher
from ldapconnector.scim._tls import BridgeCertificate, server_context

__all__ = ["BridgeServer", "check_plain_http", "is_loopback"]

#: Worker threads: requests for different users run concurrently.
DEFAULT_THREADS = 8


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_plain_http(host: str, plain_http: bool) -> None:
    """Refuse plain HTTP on anything but loopback.

    Raises:
        ConfigurationError: plain HTTP asked for on a non-loopback address.
    """
    if plain_http and not is_loopback(host):
        raise ConfigurationError(
            [f"host: plain HTTP (--plain-http) listens on a loopback address only, got {host!r}"]
        )


@attrs.define
class BridgeServer:
    """cheroot serving the bridges on one address.

    Args:
        bridges: the connectors, each under its tenant path.
        host: the address to listen on.
        listen_port: the port (0: a free one, see :attr:`port` after :meth:`start`).
        certificate: the TLS certificate; None serves plain HTTP (loopback only).
        threads: worker threads.
    """

    bridges: Sequence[ConnectorBridge]
    host: str
    listen_port: int
    certificate: BridgeCertificate | None
    threads: int = DEFAULT_THREADS
    _server: wsgi.Server | None = attrs.field(default=None, init=False)
    _thread: threading.Thread | None = attrs.field(default=None, init=False)

    def _build(self) -> wsgi.Server:
        check_plain_http(self.host, self.certificate is None)
        server = wsgi.Server((self.host, self.listen_port), PathDispatcher.of(self.bridges),
                             numthreads=self.threads, server_name="ldapconnector-scim")  # fmt: skip
        if self.certificate is not None:
            adapter = BuiltinSSLAdapter(
                str(self.certificate.certificate), str(self.certificate.private_key)
            )
            adapter.context = server_context(self.certificate)  # TLS >= 1.2
            server.ssl_adapter = adapter
        return server

    def start(self) -> None:
        """Bind and serve in a background thread (returns once listening)."""
        self._server = self._build()
        self._server.prepare()
        self._thread = threading.Thread(target=self._server.serve, name="scim-http", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Block until the server stops (KeyboardInterrupt ends the wait)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=1.0)

    @property
    def port(self) -> int:
        """The port actually bound (the asked-for one before :meth:`start`)."""
        bound = self._server.bind_addr if self._server is not None else None
        return int(bound[1]) if isinstance(bound, tuple) else self.listen_port

    @property
    def scheme(self) -> str:
        """``https``, or ``http`` when serving plain HTTP."""
        return "http" if self.certificate is None else "https"

    def stop(self) -> None:
        """Stop serving (the bridges stay open: they belong to the caller)."""
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
