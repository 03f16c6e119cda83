"""Open and bind an ldap3 connection from a :class:`~ldapconnector.config.ConnectivityConfig`.

The safety rules live here: certificates are verified unless the caller set
``insecure_skip_certificate_verification``; a simple bind over an unprotected connection is
refused *before* anything is sent unless ``allow_cleartext_bind`` is set.
"""

from __future__ import annotations

import logging
import math

import ldap3

from ldapconnector.config import Binding, ConnectivityConfig, Security
from ldapconnector.connection._errors import translate_errors
from ldapconnector.connection._lean import use_lean_decoder
from ldapconnector.connection._tls import tls_for
from ldapconnector.errors import (
    ConfigurationError,
    InsecureOperationError,
    LdapOperationError,
    TLSError,
)

__all__ = ["bind", "check_settings", "connect", "discard"]

log = logging.getLogger("ldapconnector.connection")


def check_settings(settings: ConnectivityConfig) -> None:
    """Refuse settings that would be unsafe or cannot work, before any network traffic.

    Raises:
        InsecureOperationError: a simple bind over clear text without ``allow_cleartext_bind``.
        ConfigurationError: a binding that is missing what it needs.
    """
    if settings.binding is Binding.SIMPLE:
        problems = []
        if not settings.user:
            problems.append("connectivity.user: required for simple binding")
        if settings.password is None:
            problems.append("connectivity.password: required for simple binding")
        if problems:
            raise ConfigurationError(problems)
        if settings.security is Security.NONE and not settings.allow_cleartext_bind:
            raise InsecureOperationError(
                f"refusing a simple bind as {settings.user!r} over clear text to "
                f"{settings.host}:{settings.effective_port}: use security 'starttls' or "
                "'ldaps', or set allow_cleartext_bind = true"
            )
    if settings.binding is Binding.SASL_EXTERNAL:
        problems = []
        if settings.security is Security.NONE:
            problems.append("connectivity.security: sasl-external needs 'starttls' or 'ldaps'")
        if not settings.client_cert or not settings.client_key:
            problems.append(
                "connectivity.client_cert: sasl-external needs client_cert and client_key"
            )
        if problems:
            raise ConfigurationError(problems)


def _credentials(settings: ConnectivityConfig) -> dict[str, object]:
    if settings.binding is Binding.SIMPLE and settings.password is not None:
        # check_settings has refused a simple binding without a password already.
        return {
            "authentication": ldap3.SIMPLE,
            "user": settings.user,
            "password": settings.password.reveal(),
        }
    if settings.binding is Binding.SASL_EXTERNAL:
        # ldap3 sends no credentials field for None, and slapd then answers 14.
        return {
            "authentication": ldap3.SASL,
            "sasl_mechanism": ldap3.EXTERNAL,
            "sasl_credentials": "",
        }
    # Binding.KERBEROS never gets here: ConnectivityConfig refuses it (not available yet).
    return {"authentication": ldap3.ANONYMOUS}


def connect(settings: ConnectivityConfig) -> ldap3.Connection:
    """Open the socket (and TLS) to the server, without binding.

    Raises:
        InsecureOperationError, ConfigurationError: see :func:`check_settings`.
        TransportError: DNS, TCP, TLS or certificate failure, with ``stage`` set; a
            server that refuses StartTLS is a :class:`TLSError` quoting its answer, and a
            certificate file that is not PEM a :class:`TLSError` at the SETTINGS stage.
    """
    check_settings(settings)
    port = settings.effective_port
    server = ldap3.Server(
        settings.host,
        port=port,
        use_ssl=settings.security is Security.LDAPS,
        tls=None if settings.security is Security.NONE else tls_for(settings),
        get_info=ldap3.NONE,
        connect_timeout=settings.timeout,
    )
    connection = ldap3.Connection(
        server,
        auto_bind=ldap3.AUTO_BIND_NONE,
        raise_exceptions=True,
        # ldap3 packs this into SO_RCVTIMEO as a whole number of seconds.
        receive_timeout=max(1, math.ceil(settings.timeout)),
        auto_referrals=False,
        return_empty_attributes=False,
        read_only=False,
        **_credentials(settings),
    )
    use_lean_decoder(connection.strategy)
    try:
        with translate_errors(operation="connect", host=settings.host, port=port):
            connection.open(read_server_info=False)
        if settings.security is Security.STARTTLS:
            _start_tls(connection, settings)
    except BaseException:
        discard(connection)
        raise
    log.debug("connected to %s:%d (%s)", settings.host, port, settings.security.value)
    return connection


def _start_tls(connection: ldap3.Connection, settings: ConnectivityConfig) -> None:
    port = settings.effective_port
    try:
        with translate_errors(operation="StartTLS", host=settings.host, port=port):
            connection.start_tls(read_server_info=False)
    except LdapOperationError as exc:
        # The server answered the StartTLS request with a result code (slapd without TLS
        # says protocolError "unsupported extended operation"): TLS failed, not a request.
        raise TLSError(
            f"{settings.host}:{port} refused StartTLS with result {exc.result_code} "
            f"({exc.result_name or 'unknown'}){': ' + exc.diagnostic if exc.diagnostic else ''}",
            host=settings.host,
        ) from None


def discard(connection: ldap3.Connection) -> None:
    """Close a connection whatever state it is in: unbind, then drop any socket left."""
    try:
        connection.unbind()
    except (ldap3.core.exceptions.LDAPException, OSError):
        log.debug("unbind failed; dropping the socket")
    # After a failed open or a dropped server, ldap3 can leave the socket open.
    sock = connection.socket
    if sock is not None:
        sock.close()


def bind(connection: ldap3.Connection, settings: ConnectivityConfig) -> None:
    """Authenticate an open connection as the settings say.

    Raises:
        AuthenticationFailedError: the server refused the credentials.
        LdapOperationError: any other bind result.
    """
    who = settings.user if settings.binding is Binding.SIMPLE else settings.binding.value
    port = settings.effective_port
    with translate_errors(operation="bind", host=settings.host, port=port, dn=who):
        connection.bind(read_server_info=False)
    log.debug("bound to %s:%d as %s", settings.host, port, who)
