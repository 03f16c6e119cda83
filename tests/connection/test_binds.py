"""Binds against every real server: each security mode and binding, and refusals."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import attrs
import pytest

from ldapconnector.config import Binding, Security
from ldapconnector.connection import ConnectionStage, open_connection
from ldapconnector.errors import (
    AuthenticationFailedError,
    CertificateVerificationError,
    InsecureOperationError,
    ProtocolError,
    StrongerAuthRequiredError,
)

if TYPE_CHECKING:
    from tests.conftest import DirectoryUnderTest

pytestmark = [pytest.mark.integration]


def test_anonymous_bind_reads_the_root_dse(directory_server: DirectoryUnderTest) -> None:
    """An anonymous bind over plain LDAP can read the Root DSE's naming contexts."""
    server = directory_server.server
    settings = server.connectivity_config(security="none", binding="anonymous")
    with open_connection(settings) as conn:
        root = conn.read_root_dse()
        assert server.base_dn in root.texts("namingContexts")
        if directory_server.has_who_am_i:
            assert conn.who_am_i() == ""
        else:  # Samba answers WhoAmI with protocolError
            with pytest.raises(ProtocolError):
                conn.who_am_i()
        assert conn.certificate is None


@pytest.mark.parametrize("security", ["starttls", "ldaps"])
def test_simple_bind_over_tls(directory_server: DirectoryUnderTest, security: str) -> None:
    """A simple bind as the service account succeeds over StartTLS and over LDAPS."""
    server = directory_server.server
    settings = server.connectivity_config(security=security, binding="simple")
    assert settings.security is Security(security)
    with open_connection(settings) as conn:
        if directory_server.has_who_am_i:
            identity = conn.who_am_i().lower()
            assert identity == f"{directory_server.authz_id_prefix}{server.service_dn}".lower()
        else:  # no WhoAmI: the bound account reads its own entry instead
            assert conn.bound
            assert conn.read_entry(server.service_dn, ["cn"]) is not None
        assert conn.certificate is not None
        assert "localhost" in conn.certificate.subject.lower()


@pytest.mark.parametrize("security", ["starttls", "ldaps"])
def test_sasl_external_with_client_certificate(
    directory_server: DirectoryUnderTest, security: str
) -> None:
    """SASL EXTERNAL with the client certificate binds as the DN the certificate maps to."""
    server = directory_server.server
    if not directory_server.has_client_certificates:
        assert server.client_cert_file is None
        with pytest.raises(ValueError, match="sasl-external"):
            server.connectivity_config(security=security, binding="sasl-external")
        return
    settings = server.connectivity_config(security=security, binding="sasl-external")
    assert settings.binding is Binding.SASL_EXTERNAL
    with open_connection(settings) as conn:
        identity = conn.who_am_i()
    assert identity.startswith("dn:")
    assert identity != "dn:"


@pytest.mark.parametrize("security", ["starttls", "ldaps"])
def test_untrusted_ca_fails_naming_the_host(
    directory_server: DirectoryUnderTest, security: str
) -> None:
    """With a CA that did not sign the server certificate, the connection fails on it."""
    server = directory_server.server
    settings = attrs.evolve(
        server.connectivity_config(security=security, binding="simple"),
        ca_file=str(server.untrusted_ca_file),
    )
    with pytest.raises(CertificateVerificationError) as caught:
        open_connection(settings)
    assert settings.host in str(caught.value)
    assert caught.value.stage is ConnectionStage.CERTIFICATE


def test_cleartext_simple_bind_is_refused_before_sending(
    directory_server: DirectoryUnderTest,
) -> None:
    """A simple bind over plain ldap:// is refused without allow_cleartext_bind."""
    server = directory_server.server
    settings = server.connectivity_config(security="none", binding="simple")
    with pytest.raises(InsecureOperationError) as caught:
        open_connection(settings)
    assert "allow_cleartext_bind" in str(caught.value)
    assert server.service_password not in str(caught.value)


def test_cleartext_simple_bind_when_allowed(directory_server: DirectoryUnderTest) -> None:
    """allow_cleartext_bind lets the simple bind through; Samba then refuses it (8)."""
    server = directory_server.server
    settings = attrs.evolve(
        server.connectivity_config(security="none", binding="simple"),
        allow_cleartext_bind=True,
    )
    if directory_server.refuses_plain_simple_bind:
        with pytest.raises(StrongerAuthRequiredError) as caught:
            open_connection(settings)
        assert caught.value.result_code == 8
        assert server.service_password not in str(caught.value)
        return
    with open_connection(settings) as conn:
        assert conn.bound


def test_wrong_password_raises_without_leaking_it(
    directory_server: DirectoryUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    """A wrong password raises the authentication error and appears nowhere in output."""
    from ldapconnector.config import Secret

    server = directory_server.server
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-Pa55word-xyzzy"
    settings = attrs.evolve(
        server.connectivity_config(security="ldaps", binding="simple"),
        password=Secret(wrong),
    )
    with pytest.raises(AuthenticationFailedError) as caught:
        open_connection(settings)
    assert caught.value.result_code == 49
    for text in (str(caught.value), repr(caught.value), repr(settings), caplog.text):
        assert wrong not in text
    assert server.service_dn.lower() in str(caught.value).lower()


def test_connection_repr_hides_the_password(directory_server: DirectoryUnderTest) -> None:
    """Neither the connection's nor the settings' repr shows the bind password."""
    server = directory_server.server
    settings = server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        assert server.service_password not in repr(conn)
        assert server.service_password not in repr(settings)
