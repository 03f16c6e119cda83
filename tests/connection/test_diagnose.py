"""``test_connection`` names the failing stage against every real server and a closed port."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import attrs
import pytest

from ldapconnector.config import Secret
from ldapconnector.connection import ConnectionStage
from ldapconnector.connection import test_connection as check_connection

if TYPE_CHECKING:
    from tests.conftest import DirectoryUnderTest

pytestmark = [pytest.mark.integration]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_all_stages_pass(directory_server: DirectoryUnderTest) -> None:
    """Against the running server every stage passes and the certificate is reported."""
    server = directory_server.server
    report = check_connection(server.connectivity_config(security="ldaps"))
    assert report.ok, report.summary()
    assert [s.stage for s in report.stages] == [
        ConnectionStage.DNS,
        ConnectionStage.TCP,
        ConnectionStage.TLS,
        ConnectionStage.CERTIFICATE,
        ConnectionStage.BIND,
        ConnectionStage.READ,
    ]
    assert report.certificate is not None
    assert len(report.certificate.sha256_thumbprint) == 64
    assert server.base_dn in report.naming_contexts


def test_closed_port_fails_at_tcp(directory_server: DirectoryUnderTest) -> None:
    """A port nobody listens on fails at the TCP stage."""
    server = directory_server.server
    settings = attrs.evolve(server.connectivity_config(security="ldaps"), port=_closed_port())
    report = check_connection(settings)
    assert report.failed_stage is ConnectionStage.TCP
    assert str(settings.port) in report.summary()


def test_unresolvable_host_fails_at_dns(directory_server: DirectoryUnderTest) -> None:
    """A host name that does not resolve fails at the DNS stage."""
    server = directory_server.server
    settings = attrs.evolve(
        server.connectivity_config(security="ldaps"), host="no-such-host.invalid"
    )
    assert check_connection(settings).failed_stage is ConnectionStage.DNS


@pytest.mark.parametrize("security", ["ldaps", "starttls"])
def test_wrong_ca_fails_at_certificate(directory_server: DirectoryUnderTest, security: str) -> None:
    """A CA that did not sign the server certificate fails at certificate verification."""
    server = directory_server.server
    settings = attrs.evolve(
        server.connectivity_config(security=security),
        ca_file=str(server.untrusted_ca_file),
    )
    report = check_connection(settings)
    assert report.failed_stage is ConnectionStage.CERTIFICATE, report.summary()


def test_wrong_password_fails_at_bind(directory_server: DirectoryUnderTest) -> None:
    """A wrong password fails at the bind stage, and the report does not contain it."""
    server = directory_server.server
    wrong = "not-the-Password-42"
    settings = attrs.evolve(server.connectivity_config(security="ldaps"), password=Secret(wrong))
    report = check_connection(settings)
    assert report.failed_stage is ConnectionStage.BIND
    assert wrong not in report.summary()
    assert wrong not in repr(report)


def test_cleartext_bind_fails_at_settings(directory_server: DirectoryUnderTest) -> None:
    """A clear-text simple bind is refused at the settings stage, before any traffic."""
    server = directory_server.server
    report = check_connection(server.connectivity_config(security="none"))
    assert report.failed_stage is ConnectionStage.SETTINGS
