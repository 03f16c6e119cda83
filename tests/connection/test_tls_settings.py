"""Certificate files that are not PEM, and a server that refuses StartTLS, stay in the tree.

A CA file of garbage or in DER form is a :class:`TLSError` at the SETTINGS stage naming the
file (``open_connection`` raises it, ``test_connection`` reports it); a slapd without TLS
(``OpenLDAPServer(tls=False)``) answers StartTLS with an error, which is the TLS stage.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from ldapconnector.config import ConnectivityConfig
from ldapconnector.connection import ConnectionStage, open_connection
from ldapconnector.connection import test_connection as check_connection
from ldapconnector.errors import TLSError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


@pytest.fixture(name="bad_ca_file", params=["garbage", "der"])
def fixture_bad_ca_file(
    request: pytest.FixtureRequest, tmp_path: Path, openldap_server: OpenLDAPServer
) -> Path:
    """A CA file that is not PEM: random text, or the server's real CA in DER form."""
    if request.param == "garbage":
        path = tmp_path / "ca.pem"
        path.write_text("this is not a certificate\n", encoding="utf-8")
    else:
        path = tmp_path / "ca.der"
        pem = Path(openldap_server.ca_file).read_text(encoding="ascii")
        path.write_bytes(ssl.PEM_cert_to_DER_cert(pem))
    return path


def _with_ca(server: OpenLDAPServer, security: str, ca_file: Path) -> ConnectivityConfig:
    return attrs.evolve(server.connectivity_config(security=security), ca_file=str(ca_file))


@pytest.mark.parametrize("security", ["ldaps", "starttls"])
def test_ca_file_not_pem_is_a_settings_error(
    openldap_server: OpenLDAPServer, bad_ca_file: Path, security: str
) -> None:
    """Opening a connection with a CA file that is not PEM raises TLSError naming the file."""
    with pytest.raises(TLSError) as caught:
        open_connection(_with_ca(openldap_server, security, bad_ca_file))
    assert caught.value.stage is ConnectionStage.SETTINGS
    message = str(caught.value)
    assert str(bad_ca_file) in message
    assert "not a PEM certificate" in message
    assert "connectivity.ca_file" in message


def test_ca_file_not_pem_fails_test_connection_at_settings(
    openldap_server: OpenLDAPServer, bad_ca_file: Path
) -> None:
    """``test_connection`` reports the SETTINGS stage as failed instead of raising."""
    report = check_connection(_with_ca(openldap_server, "ldaps", bad_ca_file))
    assert report.failed_stage is ConnectionStage.SETTINGS
    assert str(bad_ca_file) in report.summary()
    assert openldap_server.service_password not in report.summary()


def test_client_cert_not_pem_is_a_settings_error(
    openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """A client certificate file that is not PEM is refused the same way, naming it."""
    garbage = tmp_path / "client.pem"
    garbage.write_text("garbage\n", encoding="utf-8")
    settings = attrs.evolve(
        openldap_server.connectivity_config(security="ldaps", binding="sasl-external"),
        client_cert=str(garbage),
    )
    report = check_connection(settings)
    assert report.failed_stage is ConnectionStage.SETTINGS
    assert "connectivity.client_cert" in report.summary()
    assert str(garbage) in report.summary()


@pytest.fixture(name="plain_server", scope="module")
def fixture_plain_server() -> Iterator[OpenLDAPServer]:
    """A slapd without any TLS settings: it refuses StartTLS."""
    with OpenLDAPServer(tls=False) as server:
        yield server


def test_refused_starttls_fails_test_connection_at_tls(plain_server: OpenLDAPServer) -> None:
    """A server that refuses StartTLS fails the TLS stage with its answer; nothing raises."""
    report = check_connection(plain_server.connectivity_config(security="starttls"))
    assert report.failed_stage is ConnectionStage.TLS, report.summary()
    assert [s.stage for s in report.stages] == [
        ConnectionStage.DNS,
        ConnectionStage.TCP,
        ConnectionStage.TLS,
    ]
    assert "refused StartTLS" in report.summary()
    assert "unsupported extended operation" in report.summary()


def test_refused_starttls_raises_tls_error(plain_server: OpenLDAPServer) -> None:
    """Opening a StartTLS connection to that server raises TLSError with the server's answer."""
    with pytest.raises(TLSError) as caught:
        open_connection(plain_server.connectivity_config(security="starttls"))
    assert caught.value.stage is ConnectionStage.TLS
    assert "result 2" in str(caught.value)
