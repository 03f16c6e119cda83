"""TLS for ldap3 with the standard library doing all certificate checks.

ldap3 2.9.1 turns the standard library's host-name check off and runs its own copy of
``ssl.match_hostname`` (deprecated, gone in Python 3.12). This ``Tls`` builds one
``SSLContext`` with ``check_hostname`` on and lets OpenSSL check the chain *and* the host
name (DNS names and IP addresses) during the handshake, for LDAPS and StartTLS alike.

The certificate files are read when the context is built, before any traffic: a file that
is missing or not PEM (a DER file, say) is a :class:`~ldapconnector.errors.TLSError` at the
``SETTINGS`` stage naming the setting and the file, never a bare :class:`ssl.SSLError`.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import ldap3

from ldapconnector.config import ConnectivityConfig
from ldapconnector.errors import TLSError
from ldapconnector.model import ConnectionStage

__all__ = ["VerifyingTls", "tls_context", "tls_for"]

log = logging.getLogger("ldapconnector.connection")


_DER_HINT = "convert a DER file with: openssl x509 -inform DER -in FILE -out FILE.pem"


def _file_error(settings: ConnectivityConfig, setting: str, what: str, exc: Exception) -> TLSError:
    path = getattr(settings, setting)
    if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError):
        reason = f"cannot read {path!r}: {exc.strerror or type(exc).__name__}"
    else:
        # OpenSSL's own words ("no certificate or crl found", "PEM lib") mean little to a user.
        reason = f"{path!r} is not {what} ({_DER_HINT})"
    return TLSError(
        f"connectivity.{setting}: {reason}", host=settings.host, stage=ConnectionStage.SETTINGS
    )


def tls_context(settings: ConnectivityConfig) -> ssl.SSLContext:
    """Build the verifying TLS context of the settings, reading their certificate files.

    Raises:
        TLSError: (stage ``SETTINGS``) ``ca_file``, ``client_cert`` or ``client_key`` is
            missing, unreadable or not PEM; the message names the setting and the file.
    """
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.ca_file)
    except (ssl.SSLError, OSError) as exc:
        raise _file_error(settings, "ca_file", "a PEM certificate file", exc) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.insecure_skip_certificate_verification:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if settings.client_cert:
        try:
            context.load_cert_chain(settings.client_cert, keyfile=settings.client_key)
        except (ssl.SSLError, OSError) as exc:
            what = f"a PEM certificate matching the PEM key {settings.client_key!r}"
            raise _file_error(settings, "client_cert", what, exc) from None
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
    """Build the TLS settings for a connection; verification is on unless opted out.

    Raises:
        TLSError: a certificate file is missing or not PEM (see :func:`tls_context`).
    """
    if settings.insecure_skip_certificate_verification:
        log.warning(
            "certificate verification is switched off for %s "
            "(insecure_skip_certificate_verification)",
            settings.host,
        )
    return VerifyingTls(tls_context(settings), settings.host)
