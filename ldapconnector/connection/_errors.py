"""Translate ldap3's exceptions into ldapconnector's error tree at the boundary.

ldap3 wraps socket and TLS failures in a handful of classes whose message carries the
underlying cause; the stage (DNS, TCP, TLS, certificate) is recovered from the cause.
Nothing raised here chains to the ldap3 exception (``from None``): its attributes may hold
the request that failed.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from ldap3.core import exceptions as ldap3_exceptions

from ldapconnector.errors import (
    CertificateVerificationError,
    InvalidRequestError,
    LdapConnectorError,
    LdapOperationError,
    OperationTimeoutError,
    ServerUnreachableError,
    TLSError,
    TransportError,
    error_class_for_code,
)
from ldapconnector.model import ConnectionStage

__all__ = ["operation_error", "translate_errors", "transport_error"]

_TRANSPORT_EXCEPTIONS = (
    ldap3_exceptions.LDAPCommunicationError,
    ldap3_exceptions.LDAPStartTLSError,
    ldap3_exceptions.LDAPCertificateError,
    ldap3_exceptions.LDAPResponseTimeoutError,
    ldap3_exceptions.LDAPSocketOpenError,
    ldap3_exceptions.LDAPSessionTerminatedByServerError,
    OSError,
)

_CERTIFICATE_MARKERS = ("certificate verify failed", "doesn't match any name")
_DNS_MARKERS = ("name or service not known", "nodename nor servname", "getaddrinfo", "no address")
_TIMEOUT_MARKERS = ("timed out", "timeout")
_TLS_MARKERS = ("ssl", "tls", "wrap socket", "handshake")
# What OpenSSL says when the peer does not speak TLS at all: a plain LDAP port.
_NOT_TLS_MARKERS = (
    "unexpected_eof",
    "wrong_version_number",
    "record layer failure",
    "eof occurred",
)
_UNTRUSTED_HINT = (
    " (to trust the server's CA, set connectivity.ca_file to its PEM file; "
    "ldapconnector probe takes --ca-file)"
)
_PLAIN_PORT_HINT = (
    ' (is this an LDAPS port? for a plain LDAP port use security = "starttls"; '
    "LDAPS is usually port 636)"
)


def _cause_text(exc: BaseException) -> str:
    # ldap3 keeps the per-address causes in args[0] as a list of (address, exception, ...).
    return " ".join(str(arg) for arg in exc.args) or str(exc)


def _clean(text: str) -> str:
    # ldap3 puts the whole peer certificate dict in some messages: keep them readable.
    text = re.sub(r"certificate \{.*\} doesn't", "certificate doesn't", text, flags=re.S)
    # ldap3 wraps some causes in a one-element tuple: show the sentence, not the repr.
    text = re.sub(r"^\(\s*'(.*)',?\s*\)$", r"\1", text.strip(), flags=re.S)
    return text.strip()


def _untrusted(where: str, text: str, host: str) -> CertificateVerificationError:
    # A name mismatch is not cured by another CA file: only an unknown issuer gets the hint.
    hint = "" if "doesn't match" in text or "mismatch" in text.lower() else _UNTRUSTED_HINT
    return CertificateVerificationError(
        f"the certificate of {where} was not trusted: {_clean(text)}{hint}", host=host
    )


def transport_error(exc: BaseException, *, host: str, port: int) -> TransportError:
    """Classify a failure to open or use the connection by its stage."""
    where = f"{host}:{port}"
    text = _cause_text(exc)
    lowered = text.lower()
    if isinstance(exc, ssl.SSLCertVerificationError | ldap3_exceptions.LDAPCertificateError):
        return _untrusted(where, text, host)
    if isinstance(exc, socket.gaierror) or any(m in lowered for m in _DNS_MARKERS):
        return ServerUnreachableError(
            f"cannot resolve the host name {host!r}: {_clean(text)}",
            host=host,
            stage=ConnectionStage.DNS,
        )
    if isinstance(exc, TimeoutError | ldap3_exceptions.LDAPResponseTimeoutError) or any(
        m in lowered for m in _TIMEOUT_MARKERS
    ):
        return OperationTimeoutError(f"{where} did not answer in time", host=host)
    if any(m in lowered for m in _CERTIFICATE_MARKERS):
        return _untrusted(where, text, host)
    if isinstance(exc, ssl.SSLError | ldap3_exceptions.LDAPStartTLSError) or any(
        m in lowered for m in _TLS_MARKERS
    ):
        hint = _PLAIN_PORT_HINT if any(m in lowered for m in _NOT_TLS_MARKERS) else ""
        return TLSError(f"the TLS handshake with {where} failed: {_clean(text)}{hint}", host=host)
    return ServerUnreachableError(f"cannot connect to {where}: {_clean(text)}", host=host)


def operation_error(
    exc: ldap3_exceptions.LDAPOperationResult, *, operation: str, dn: str | None
) -> LdapOperationError:
    """Turn an ldap3 result exception into the mapped :class:`LdapOperationError`."""
    code = int(exc.result or 0)
    error_class = error_class_for_code(code)
    return error_class(
        code=code,
        result_name=str(exc.description or ""),
        operation=operation,
        dn=dn,
        diagnostic=str(exc.message or ""),
        matched_dn=str(exc.dn or ""),
    )


@contextmanager
def translate_errors(
    *, operation: str, host: str, port: int, dn: str | None = None
) -> Iterator[None]:
    """Run a block, re-raising ldap3 and socket failures as ldapconnector errors."""
    try:
        yield
    except LdapConnectorError:
        raise
    except ldap3_exceptions.LDAPOperationResult as exc:
        raise operation_error(exc, operation=operation, dn=dn) from None
    except _TRANSPORT_EXCEPTIONS as exc:
        raise transport_error(exc, host=host, port=port) from None
    except ldap3_exceptions.LDAPException as exc:
        # ldap3 checks filters, DNs and values before sending; none of these reached the wire.
        raise InvalidRequestError(f"{operation} request is malformed: {_clean(str(exc))}") from None
