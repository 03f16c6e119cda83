"""TLS for ldap3 with the standard library doing all certificate checks.

ldap3 2.9.1 turns the standard library's host-name check off and runs its own copy of
``ssl.match_hostname`` (deprecated, gone in Python 3.12). This ``Tls`` builds one
``SSLContext`` with ``check_hostname`` on and lets OpenSSL check the chain *and* the host
name (DNS names and IP addresses) during the handshake, for LDAPS and StartTLS alike.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import ldap3

from ldapconnector.config import ConnectivityConfig

__all__ = ["VerifyingTls", "tls_for"]

log = logging.getLogger("ldapconnector.connection")


def _context(settings: ConnectivityConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.insecure_skip_certificate_verification:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if settings.client_cert:
        context.load_cert_chain(settings.client_cert, keyfile=settings.client_key)
    return context


class VerifyingTls(ldap3.Tls):  # type: ignore[misc]  # ldap3 ships no type hints
    """An ``ldap3.Tls`` that wraps sockets with a verifying, host-checking context."""

    def __init__(self, context: ssl.SSLContext, host: str) -> None:
        super().__init__(validate=context.verify_mode)
        self._context = context
        self._host = host

    def wrap_socket(self, connection: Any, do_handshake: bool = False) -> None:
        """Replace the connection's socket with a TLS socket (called by ldap3)."""
        connection.socket = self._context.wrap_socket(
            connection.socket,
            server_side=False,
            do_handshake_on_connect=do_handshake,
            server_hostname=self._host,
        )


def tls_for(settings: ConnectivityConfig) -> VerifyingTls:
    """Build the TLS settings for a connection; verification is on unless opted out."""
    if settings.insecure_skip_certificate_verification:
        log.warning(
            "certificate verification is switched off for %s "
            "(insecure_skip_certificate_verification)",
            settings.host,
        )
    return VerifyingTls(_context(settings), settings.host)
