"""Connectivity settings built from a test server's endpoints (no server needed)."""

from __future__ import annotations

import attrs
import pytest

from ldapconnector.config import Binding, ConnectivityConfig, Secret, Security
from ldapconnector.testing import Endpoints
from ldapconnector.testing._connectivity import connectivity_config, connectivity_section

ENDPOINTS = Endpoints(
    plain_host="127.0.0.1",
    tls_host="localhost",
    ldap_port=10389,
    ldaps_port=10636,
    ca_file="/tmp/ca.pem",
    client_cert_file="/tmp/client.pem",
    client_key_file="/tmp/client.key",
    service_dn="cn=svc,dc=x",
    service_password="svc-pw",
    admin_dn="cn=admin,dc=x",
    admin_password="admin-pw",
)


def build(
    endpoints: Endpoints = ENDPOINTS,
    security: str = "ldaps",
    binding: str = "simple",
    *,
    as_service: bool = True,
) -> ConnectivityConfig:
    """connectivity_config with the usual defaults."""
    return connectivity_config(
        endpoints,
        Security(security),
        Binding(binding),
        as_service=as_service,
        allow_cleartext_bind=False,
        timeout=30.0,
    )


def test_tls_dials_the_name_and_plain_dials_the_address() -> None:
    """LDAPS and StartTLS use the certificate's DNS name; plain LDAP the IP address."""
    assert (build().host, build().port) == ("localhost", 10636)
    assert (build(security="starttls").host, build(security="starttls").port) == (
        "localhost",
        10389,
    )
    plain = build(security="none")
    assert (plain.host, plain.port, plain.ca_file) == ("127.0.0.1", 10389, None)


def test_simple_binding_picks_the_account() -> None:
    """as_service chooses between the service account and the admin."""
    assert build().user == "cn=svc,dc=x"
    assert build().password == Secret("svc-pw")
    admin = build(as_service=False)
    assert (admin.user, admin.password) == ("cn=admin,dc=x", Secret("admin-pw"))


def test_sasl_external_carries_the_client_certificate_only() -> None:
    """sasl-external sets the client certificate and key but no user or password."""
    config = build(binding="sasl-external")
    assert (config.client_cert, config.client_key) == ("/tmp/client.pem", "/tmp/client.key")
    assert (config.user, config.password) == (None, None)


def test_the_section_leaves_out_what_does_not_apply() -> None:
    """The dict form holds the literal password and omits keys whose value is None."""
    section = connectivity_section(build(security="none", binding="anonymous"))
    assert section == {
        "host": "127.0.0.1",
        "port": 10389,
        "security": "none",
        "binding": "anonymous",
        "timeout": 30.0,
        "allow_cleartext_bind": False,
    }
    assert connectivity_section(build())["password"] == "svc-pw"


@pytest.mark.parametrize(
    ("endpoints", "security", "binding", "message"),
    [
        (ENDPOINTS, "ldaps", "kerberos", "Kerberos"),
        (ENDPOINTS, "none", "sasl-external", "sasl-external"),
        (attrs.evolve(ENDPOINTS, ldaps_port=None), "ldaps", "simple", "LDAPS"),
        (attrs.evolve(ENDPOINTS, client_cert_file=None), "ldaps", "sasl-external", "sasl"),
    ],
)
def test_impossible_combinations_are_refused(
    endpoints: Endpoints, security: str, binding: str, message: str
) -> None:
    """Kerberos, EXTERNAL without TLS and LDAPS on a server without it raise ValueError."""
    with pytest.raises(ValueError, match=message):
        build(endpoints, security, binding)
