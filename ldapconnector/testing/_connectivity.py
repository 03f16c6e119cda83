"""``[connectivity]`` settings for a running test server (shared by every server fixture).

A server fixture describes how it is reached and who may bind in an :class:`Endpoints`;
:func:`connectivity_config` turns that plus a security mode and a binding into the frozen
:class:`~ldapconnector.config.ConnectivityConfig`, and :func:`connectivity_section` into the
plain dict a test can feed to ``ConnectivityConfig.from_dict(...,
allow_literal_password=True)``. TLS modes dial the DNS name (Python >= 3.12 matches
certificates on DNS names only); plain LDAP dials the IP address.
"""

from __future__ import annotations

from typing import Literal

import attrs

from ldapconnector.config import Binding, ConnectivityConfig, Secret, Security

__all__ = [
    "BindingName",
    "Endpoints",
    "SectionValue",
    "SecurityName",
    "connectivity_config",
    "connectivity_section",
]

SecurityName = Literal["ldaps", "starttls", "none"]
BindingName = Literal["simple", "anonymous", "sasl-external"]
SectionValue = str | int | float | bool


@attrs.frozen(kw_only=True)
class Endpoints:
    """How a running test server is reached and which accounts bind to it.

    Attributes:
        plain_host: the address for unprotected LDAP (``127.0.0.1``).
        tls_host: the name the server certificate carries (``localhost``).
        ldap_port: the plain port (StartTLS is offered on it).
        ldaps_port: the LDAPS port, None where the server offers none.
        ca_file: the CA certificate that signed the server certificate.
        client_cert_file: the client certificate for SASL EXTERNAL, None when unsupported.
        client_key_file: its private key.
        service_dn: the non-root service account.
        service_password: its password.
        admin_dn: the account that may do everything.
        admin_password: its password.
    """

    plain_host: str
    tls_host: str
    ldap_port: int
    ldaps_port: int | None
    ca_file: str
    client_cert_file: str | None
    client_key_file: str | None
    service_dn: str
    service_password: str
    admin_dn: str
    admin_password: str


def connectivity_config(
    endpoints: Endpoints,
    security: Security | SecurityName,
    binding: Binding | BindingName,
    *,
    as_service: bool,
    allow_cleartext_bind: bool,
    timeout: float,
) -> ConnectivityConfig:
    """Build the frozen connectivity settings for one way of reaching the server.

    Args:
        endpoints: the server's addresses, certificates and accounts.
        security: ``ldaps``, ``starttls`` or ``none``.
        binding: ``simple``, ``anonymous`` or ``sasl-external``.
        as_service: bind as the service account (True) or as the admin.
        allow_cleartext_bind: the value of ``allow_cleartext_bind``.
        timeout: the value of ``timeout``, seconds.

    Returns:
        The settings; the password (simple binding only) is a Secret.

    Raises:
        ValueError: the server cannot be reached that way (Kerberos, no LDAPS port,
            sasl-external without TLS, without a client certificate, or as the admin).
    """
    sec, bind = Security(security), Binding(binding)
    _check_reachable(endpoints, sec, bind, as_service=as_service)
    tls, simple = sec is not Security.NONE, bind is Binding.SIMPLE
    external = bind is Binding.SASL_EXTERNAL
    user, password = _account(endpoints, as_service=as_service)
    return ConnectivityConfig(
        host=endpoints.tls_host if tls else endpoints.plain_host,
        port=endpoints.ldaps_port if sec is Security.LDAPS else endpoints.ldap_port,
        security=sec,
        binding=bind,
        user=user if simple else None,
        password=Secret(password) if simple else None,
        ca_file=endpoints.ca_file if tls else None,
        client_cert=endpoints.client_cert_file if external else None,
        client_key=endpoints.client_key_file if external else None,
        timeout=timeout,
        allow_cleartext_bind=allow_cleartext_bind,
    )


def _check_reachable(
    endpoints: Endpoints, sec: Security, bind: Binding, *, as_service: bool
) -> None:
    """Raise ValueError when the test server cannot be reached with ``sec`` and ``bind``."""
    if bind is Binding.KERBEROS:
        raise ValueError("the test server offers no Kerberos")
    if sec is Security.LDAPS and endpoints.ldaps_port is None:
        raise ValueError("the test server offers no LDAPS")
    external = bind is Binding.SASL_EXTERNAL
    if external and (sec is Security.NONE or not as_service or not endpoints.client_cert_file):
        raise ValueError("sasl-external needs TLS and maps to the service account")


def _account(endpoints: Endpoints, *, as_service: bool) -> tuple[str, str]:
    """The DN and password of the service account, or of the admin."""
    if as_service:
        return endpoints.service_dn, endpoints.service_password
    return endpoints.admin_dn, endpoints.admin_password


def connectivity_section(config: ConnectivityConfig) -> dict[str, SectionValue]:
    """Return ``config`` as a ``[connectivity]`` dict with the literal password (tests only).

    Keys whose value is None are left out.

    Args:
        config: the settings to write out.

    Returns:
        host, port, security, binding, timeout, allow_cleartext_bind, and where they apply
        user, password, ca_file, client_cert, client_key.
    """
    section: dict[str, SectionValue] = {
        "host": config.host,
        "port": config.effective_port,
        "security": config.security.value,
        "binding": config.binding.value,
        "timeout": config.timeout,
        "allow_cleartext_bind": config.allow_cleartext_bind,
    }
    optional = {
        "user": config.user,
        "password": None if config.password is None else config.password.reveal(),
        "ca_file": config.ca_file,
        "client_cert": config.client_cert,
        "client_key": config.client_key,
    }
    section.update({key: value for key, value in optional.items() if value is not None})
    return section
