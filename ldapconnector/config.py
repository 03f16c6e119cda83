"""Frozen configuration objects, one per section of the connector's config file.

How this layer works: every section of the TOML file (DESIGN.md, "Config file") has a frozen
attrs class here, and the keys mirror the pages of Microsoft's Generic LDAP connector
(Connectivity, Global, Partitions, Run profiles, Object types, Select attributes,
Deprovisioning) plus the Entra ID attribute mappings. Each class checks itself when it is
built, so an instance that exists is valid; a bad value raises one
:class:`~ldapconnector.errors.ConfigurationError` listing every problem with its key path.
:meth:`ConnectorConfig.from_file` and :meth:`ConnectorConfig.from_dict` do the same for
untyped input and also report unknown keys (with a did-you-mean), resolve the password from
``password_env``/``password_file`` and check that referenced files exist. Passwords are
held in :class:`Secret` and never appear in ``repr``, ``str``, messages or
:meth:`ConnectorConfig.to_dict`. Expressions are stored as text; pass
``compile_expression`` to the loaders (or call :meth:`ConnectorConfig.check_expressions`)
to have them compiled and their errors reported with the rest.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs

from ldapconnector import _config_checks as _c
from ldapconnector._config_checks import Validated as _Validated
from ldapconnector._config_rules import connector_problems
from ldapconnector._config_sections import (
    ApplyWhen,
    AttributeConfig,
    DeprovisionAction,
    DeprovisioningConfig,
    GlobalConfig,
    MappingConfig,
    MappingType,
    ObjectTypeConfig,
    Paging,
    RunProfilesConfig,
    SetAttributeValue,
)
from ldapconnector.errors import ConfigurationError

__all__ = [
    "DN_TARGET",
    "ApplyWhen",
    "AttributeConfig",
    "Binding",
    "ConnectivityConfig",
    "ConnectorConfig",
    "DeprovisionAction",
    "DeprovisioningConfig",
    "GlobalConfig",
    "MappingConfig",
    "MappingType",
    "ObjectTypeConfig",
    "Paging",
    "RunProfilesConfig",
    "Secret",
    "Security",
    "SetAttributeValue",
]

#: The mapping target (and anchor) that stands for the entry's DN, as in ECMA2Host.
DN_TARGET = "-dn-"


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


_M = _c.meta


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
        kerberos_realm: the Kerberos realm (Microsoft's "Realm/Domain"); None uses the
            default realm of the system's Kerberos configuration.
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
        from ldapconnector import _config_load

        ctx = _config_load.LoadContext.create(allow_literal_password, base_dir, environ, None)
        return _config_load.load_one(cls, data, ctx)

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
        if values.get("kerberos_realm") and binding not in (None, Binding.KERBEROS):
            yield "kerberos_realm", 'only used when binding is "kerberos"'


def _other(name: str) -> str:
    return "client_key" if name == "client_cert" else "client_cert"


@attrs.frozen(kw_only=True)
class ConnectorConfig(_Validated):
    """The whole config file: one object per section (DESIGN.md, "Config file").

    Attributes:
        connectivity: the ``[connectivity]`` section (required).
        global_: the ``[global]`` section (``global`` is a Python keyword).
        run_profiles: the ``[run_profiles]`` section.
        object_type: the ``[object_type]`` section; required when there are mappings.
        attributes: the ``[[attributes]]`` tables.
        deprovisioning: the ``[deprovisioning]`` section.
        mappings: the ``[[mappings]]`` tables.
    """

    connectivity: ConnectivityConfig
    global_: GlobalConfig = attrs.field(factory=GlobalConfig, metadata=_M(key="global"))
    run_profiles: RunProfilesConfig = attrs.field(factory=RunProfilesConfig)
    object_type: ObjectTypeConfig | None = None
    attributes: tuple[AttributeConfig, ...] = ()
    deprovisioning: DeprovisioningConfig = attrs.field(factory=DeprovisioningConfig)
    mappings: tuple[MappingConfig, ...] = ()

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        compile_expression: Callable[[str], object] | None = None,
    ) -> ConnectorConfig:
        """Load a TOML config file.

        A literal ``password`` is refused: use ``password_env`` or ``password_file``.
        Relative file paths in the file (``ca_file``, ...) are relative to its directory.

        Args:
            path: the TOML file.
            compile_expression: if given, called on every mapping expression; an
                :class:`~ldapconnector.errors.ExpressionError` it raises becomes a problem.

        Returns:
            The valid configuration.

        Raises:
            ConfigurationError: listing every problem (unreadable file, bad TOML, bad keys).
        """
        from ldapconnector import _config_load

        return _config_load.load_file(Path(path), compile_expression)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        allow_literal_password: bool = False,
        base_dir: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        compile_expression: Callable[[str], object] | None = None,
    ) -> ConnectorConfig:
        """Load a configuration from plain data shaped like the TOML file.

        Args:
            data: the sections, as ``tomllib`` would return them.
            allow_literal_password: accept ``connectivity.password`` (a string or a
                :class:`Secret`) for programmatic use; refused by default, as in files.
            base_dir: what relative file paths are relative to (default: the working
                directory).
            environ: where ``password_env`` is looked up (default: ``os.environ``).
            compile_expression: as for :meth:`from_file`.

        Returns:
            The valid configuration.

        Raises:
            ConfigurationError: listing every problem.
        """
        from ldapconnector import _config_load

        ctx = _config_load.LoadContext.create(
            allow_literal_password, base_dir, environ, compile_expression
        )
        return _config_load.load_one(cls, data, ctx)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data that :meth:`from_dict` reads back (TOML-compatible).

        Passwords are never rendered: only ``password_env``/``password_file`` appear, so a
        configuration built with a literal password does not round-trip its password.
        """
        from ldapconnector import _config_load

        return _config_load.dump(self)

    def check_expressions(self, compile_expression: Callable[[str], object]) -> None:
        """Compile every expression mapping; the hook for the expressions layer.

        Args:
            compile_expression: e.g. ``ldapconnector.compile_expression``.

        Raises:
            ConfigurationError: one problem per expression that does not compile.
        """
        from ldapconnector import _config_load

        problems = [
            problem
            for index, mapping in enumerate(self.mappings)
            for problem in _config_load.expression_problems(
                mapping, f"mappings[{index}]", compile_expression
            )
        ]
        if problems:
            raise ConfigurationError(problems)

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        return connector_problems(values)


for _cls in (ConnectivityConfig, ConnectorConfig):
    attrs.resolve_types(_cls, globals())
