"""Frozen configuration objects, one per section of the connector's config file.

(Being built: only the connectivity section exists so far.)
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Binding", "ConnectivityConfig", "Secret", "Security"]


class Security(enum.Enum):
    """How the connection is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    LDAPS = "ldaps"


class Binding(enum.Enum):
    """How the connector authenticates."""

    ANONYMOUS = "anonymous"
    SIMPLE = "simple"
    SASL_EXTERNAL = "sasl-external"
    KERBEROS = "kerberos"


@attrs.frozen(repr=False, eq=False)
class Secret:
    """A credential that never shows itself in ``str``, ``repr`` or logs.

    Call :meth:`reveal` at the one place the value must be sent to the server.
    """

    _value: str

    def reveal(self) -> str:
        """Return the secret value (only for sending it to the server)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


@attrs.frozen(kw_only=True)
class ConnectivityConfig:
    """The ``[connectivity]`` section: where the server is and how to bind to it.

    Attributes:
        host: server host name or IP address.
        port: TCP port (389 for ``none``/``starttls``, 636 for ``ldaps`` by default).
        security: how the connection is protected.
        binding: how to authenticate.
        user: the bind DN for ``simple`` binding.
        password: the bind password, resolved from ``password_env``/``password_file``.
        ca_file: PEM file of the CAs trusted to sign the server certificate; None means the
            system trust store.
        client_cert: PEM client certificate for ``sasl-external``.
        client_key: PEM private key of ``client_cert``.
        timeout: connect and response timeout, seconds.
        allow_cleartext_bind: allow a simple bind over an unprotected connection.
        insecure_skip_certificate_verification: do not verify the server certificate
            (the name says what it does; never the default).
    """

    host: str
    port: int | None = None
    security: Security = Security.LDAPS
    binding: Binding = Binding.SIMPLE
    user: str | None = None
    password: Secret | None = None
    ca_file: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    timeout: float = 180.0
    allow_cleartext_bind: bool = False
    insecure_skip_certificate_verification: bool = False

    @property
    def effective_port(self) -> int:
        """The configured port, or the standard one for the security mode."""
        if self.port is not None:
            return self.port
        return 636 if self.security is Security.LDAPS else 389
