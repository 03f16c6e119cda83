"""Connection errors that say what to do: LDAPS on a plain port, an untrusted CA."""

from __future__ import annotations

import attrs
import pytest

from ldapconnector.connection import open_connection
from ldapconnector.errors import CertificateVerificationError, TLSError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_ldaps_against_the_plain_port_suggests_starttls(openldap_server: OpenLDAPServer) -> None:
    """The handshake fails on a port that speaks plain LDAP; the message says what to try."""
    config = attrs.evolve(
        openldap_server.connectivity_config("ldaps"), port=openldap_server.ldap_port
    )
    with pytest.raises(TLSError) as info:
        open_connection(config)
    message = str(info.value)
    assert "is this an LDAPS port?" in message
    assert 'security = "starttls"' in message
    assert "',)" not in message  # the cause is a sentence, not a tuple's repr


def test_an_untrusted_certificate_names_the_ca_file_setting(
    openldap_server: OpenLDAPServer,
) -> None:
    """Without the test CA the certificate is refused, and the message names ca_file."""
    config = attrs.evolve(openldap_server.connectivity_config("ldaps"), ca_file=None)
    with pytest.raises(CertificateVerificationError) as info:
        open_connection(config)
    assert "connectivity.ca_file" in str(info.value)
    assert "--ca-file" in str(info.value)


def test_a_good_connection_has_no_hint(openldap_server: OpenLDAPServer) -> None:
    """The right settings connect: the hints come only with their failure."""
    with open_connection(openldap_server.connectivity_config("ldaps")) as connection:
        assert connection.read_root_dse() is not None
