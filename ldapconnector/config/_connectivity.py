"""The ``[connectivity]`` section: where the server is and how to bind to it."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ldapconnector.config import _checks as _c
from ldapconnector.config import _load
from ldapconnector.config._checks import Validated as _Validated
from ldapconnector.config._secret import Secret

__all__ = ["Binding", "ConnectivityConfig", "Security"]

_M = _c.meta


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
    KERBEROS = "kerberos"  # kept so the word is understood; the checks refuse it for now


def _other(name: str) -> str:
    return "client_key" if name == "client_cert" else "client_cert"


@attrs.frozen(kw_only=True)
class ConnectivityConfig(_Validated):
    """The ``[connectivity]`` section: where the server is and how to bind to it.

    Mirrors the Connectivity page (Host, Port, Connection Timeout, Binding, User Name,
    Password, Certificate, Realm). Microsoft's "Basic" binding is ``simple``; "SSL"/"TLS"
    with a client certificate is ``sasl-external`` (RFC 4422 appendix A).

    Attributes:
        host: server host name or IP address.
        port: TCP port (389 for ``none``/``starttls``, 636 for ``ldaps`` by default).
        security: how the connection is protected.
        binding: how to authenticate.
        user: the bind DN for ``simple`` binding (required there).
        password: the bind password, resolved from ``password_env``/``password_file``.
        password_env: the environment variable the password was read from.
        password_file: the file the password was read from (trailing newline stripped).
        ca_file: PEM file of the CAs trusted to sign the server certificate; None means the
            system trust store.
        client_cert: PEM client certificate for ``sasl-external``.
        client_key: PEM private key of ``client_cert``.
        kerberos_realm: the Kerberos realm (Microsoft's "Realm/Domain"); refused for now,
            like ``binding = "kerberos"``: GSSAPI binding is not available yet.
        timeout: connect and response timeout, seconds.
        allow_cleartext_bind: allow a simple bind over an unprotected connection.
        insecure_skip_certificate_verification: do not verify the server certificate
            (the name says what it does; never the default).
    """

    _PATH: ClassVar[str] = "connectivity"

    host: str = attrs.field(metadata=_M(_c.not_blank, _c.host))
    port: int | None = attrs.field(default=None, metadata=_M(_c.port_range))
    security: Security = Security.LDAPS
    binding: Binding = Binding.SIMPLE
    user: str | None = attrs.field(default=None, metadata=_M(_c.not_blank))
    password: Secret | None = attrs.field(default=None, metadata=_M(secret=True))
    password_env: str | None = attrs.field(default=None, metadata=_M(_c.env_name))
    password_file: str | None = attrs.field(default=None, metadata=_M(_c.not_blank, path=True))
    ca_file: str | None = attrs.field(default=None, metadata=_M(_c.not_blank, path=True))
    client_cert: str | None = attrs.field(default=None, metadata=_M(_c.not_blank, path=True))
    client_key: str | None = attrs.field(default=None, metadata=_M(_c.not_blank, path=True))
    kerberos_realm: str | None = attrs.field(default=None, metadata=_M(_c.not_blank))
    timeout: float = attrs.field(default=180.0, metadata=_M(_c.positive))
    allow_cleartext_bind: bool = False
    insecure_skip_certificate_verification: bool = False

    @property
    def effective_port(self) -> int:
        """The configured port, or the standard one for the security mode."""
        if self.port is not None:
            return self.port
        return 636 if self.security is Security.LDAPS else 389

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        allow_literal_password: bool = False,
        base_dir: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ConnectivityConfig:
        """Load just a ``[connectivity]`` table (see :meth:`ConnectorConfig.from_dict`).

        Args:
            data: the table's keys and values.
            allow_literal_password: accept ``password`` itself (a string or a Secret).
            base_dir: what relative file paths are relative to (default: working directory).
            environ: where ``password_env`` is looked up (default: ``os.environ``).

        Returns:
            The valid section.

        Raises:
            ConfigurationError: listing every problem.
        """
        ctx = _load.LoadContext.create(allow_literal_password, base_dir, environ, None)
        return _load.load_one(cls, data, ctx)

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        binding = values.get("binding")
        if binding is Binding.SIMPLE:
            if values.get("user", "") is None:
                yield "user", 'required when binding is "simple"'
            if values.get("password", "") is None:
                yield (
                    "password",
                    'required when binding is "simple": set password_env or password_file',
                )
        cert, key = values.get("client_cert", ""), values.get("client_key", "")
        external = binding is Binding.SASL_EXTERNAL
        for name, value, other in (("client_cert", cert, key), ("client_key", key, cert)):
            if value is None and (external or other):
                why = 'binding is "sasl-external"' if external else f"{_other(name)} is set"
                yield name, f"required when {why}"
        if external and values.get("security") is Security.NONE:
            yield "security", 'binding "sasl-external" needs "starttls" or "ldaps"'
        if values.get("password_env") and values.get("password_file"):
            yield "password_file", "give only one of password_env and password_file"
        yield from _kerberos_problems(values)


# No KDC can be started next to the test servers yet, so a GSSAPI bind could not be tested:
# refuse it at load instead of accepting a key that does nothing.
_KERBEROS_UNAVAILABLE = (
    'Kerberos (GSSAPI) binding is not available yet: use binding = "simple" over '
    '"ldaps"/"starttls", or "sasl-external" with a client certificate'
)


def _kerberos_problems(values: Mapping[str, Any]) -> _c.Problems:
    """Refuse the Kerberos binding and its realm (see ``_KERBEROS_UNAVAILABLE``)."""
    if values.get("binding") is Binding.KERBEROS:
        yield "binding", _KERBEROS_UNAVAILABLE
    if values.get("kerberos_realm"):
        yield "kerberos_realm", _KERBEROS_UNAVAILABLE


attrs.resolve_types(ConnectivityConfig)
