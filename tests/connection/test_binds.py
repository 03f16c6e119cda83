"""Binds against the real throwaway slapd: every security mode and binding, and refusals."""

from __future__ import annotations

import logging

import attrs
import pytest

from ldapconnector.config import Binding, Security
from ldapconnector.connection import open_connection
from ldapconnector.errors import (
    AuthenticationFailedError,
    CertificateVerificationError,
    InsecureOperationError,
)
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_anonymous_bind_reads_the_root_dse(openldap_server: OpenLDAPServer) -> None:
    """An anonymous bind over plain LDAP can read the Root DSE's naming contexts."""
    settings = openldap_server.connectivity_config(security="none", binding="anonymous")
    with open_connection(settings) as conn:
        root = conn.read_root_dse()
        assert openldap_server.base_dn in root.texts("namingContexts")
        assert conn.who_am_i() == ""
        assert conn.certificate is None


@pytest.mark.parametrize("security", ["starttls", "ldaps"])
def test_simple_bind_over_tls(openldap_server: OpenLDAPServer, security: str) -> None:
    """A simple bind as the service account succeeds over StartTLS and over LDAPS."""
    settings = openldap_server.connectivity_config(security=security, binding="simple")
    assert settings.security is Security(security)
    with open_connection(settings) as conn:
        assert conn.who_am_i().lower() == f"dn:{openldap_server.service_dn}".lower()
        assert conn.certificate is not None
        assert "localhost" in conn.certificate.subject.lower()


@pytest.mark.parametrize("security", ["starttls", "ldaps"])
def test_sasl_external_with_client_certificate(
    openldap_server: OpenLDAPServer, security: str
) -> None:
    """SASL EXTERNAL with the client certificate binds as the DN the certificate maps to."""
    settings = openldap_server.connectivity_config(security=security, binding="sasl-external")
    assert settings.binding is Binding.SASL_EXTERNAL
    with open_connection(settings) as conn:
        identity = conn.who_am_i()
    assert identity.startswith("dn:")
    assert identity != "dn:"


@pytest.mark.parametrize("security", ["starttls", "ldaps"])
def test_untrusted_ca_fails_naming_the_host(openldap_server: OpenLDAPServer, security: str) -> None:
    """With a CA that did not sign the server certificate, the connection fails on it."""
    settings = attrs.evolve(
        openldap_server.connectivity_config(security=security, binding="simple"),
        ca_file=str(openldap_server.untrusted_ca_file),
    )
    with pytest.raises(CertificateVerificationError) as caught:
        open_connection(settings)
    assert settings.host in str(caught.value)
    assert caught.value.stage == "certificate"


def test_cleartext_simple_bind_is_refused_before_sending(
    openldap_server: OpenLDAPServer,
) -> None:
    """A simple bind over plain ldap:// is refused without allow_cleartext_bind."""
    settings = openldap_server.connectivity_config(security="none", binding="simple")
    with pytest.raises(InsecureOperationError) as caught:
        open_connection(settings)
    assert "allow_cleartext_bind" in str(caught.value)
    assert openldap_server.service_password not in str(caught.value)


def test_cleartext_simple_bind_when_allowed(openldap_server: OpenLDAPServer) -> None:
    """Setting allow_cleartext_bind lets the same simple bind through."""
    settings = attrs.evolve(
        openldap_server.connectivity_config(security="none", binding="simple"),
        allow_cleartext_bind=True,
    )
    with open_connection(settings) as conn:
        assert conn.bound


def test_wrong_password_raises_without_leaking_it(
    openldap_server: OpenLDAPServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A wrong password raises the authentication error and appears nowhere in output."""
    from ldapconnector.config import Secret

    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-Pa55word-xyzzy"
    settings = attrs.evolve(
        openldap_server.connectivity_config(security="ldaps", binding="simple"),
        password=Secret(wrong),
    )
    with pytest.raises(AuthenticationFailedError) as caught:
        open_connection(settings)
    assert caught.value.result_code == 49
    for text in (str(caught.value), repr(caught.value), repr(settings), caplog.text):
        assert wrong not in text
    assert openldap_server.service_dn.lower() in str(caught.value).lower()


def test_connection_repr_hides_the_password(openldap_server: OpenLDAPServer) -> None:
    """Neither the connection's nor the settings' repr shows the bind password."""
    settings = openldap_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        assert openldap_server.service_password not in repr(conn)
        assert openldap_server.service_password not in repr(settings)
