"""Throwaway certificates made with the openssl command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ldapconnector.testing import CertificateFiles, find_program, make_test_certificates
from ldapconnector.testing.pytest_plugin import in_ci

OPENSSL = find_program("openssl")


@pytest.fixture(name="certs", scope="module")
def fixture_certs(tmp_path_factory: pytest.TempPathFactory) -> CertificateFiles:
    """One set of certificates for the module."""
    if OPENSSL is None:
        message = "openssl is not installed: apt-get install openssl"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    names = ("localhost", "127.0.0.1", "dc1.contoso.lab")
    return make_test_certificates(tmp_path_factory.mktemp("certs"), server_names=names)


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the openssl command line."""
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], capture_output=True, text=True, check=False)


def test_server_and_client_certificates_verify_against_the_ca(certs: CertificateFiles) -> None:
    """Both leaf certificates verify against ca_file for their purpose."""
    for cert, purpose in (
        (certs.server_cert_file, "sslserver"),
        (certs.client_cert_file, "sslclient"),
    ):
        result = openssl("verify", "-purpose", purpose, "-CAfile", str(certs.ca_file), str(cert))
        assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_verifies_against_the_untrusted_ca(certs: CertificateFiles) -> None:
    """The untrusted CA signed neither leaf certificate."""
    result = openssl("verify", "-CAfile", str(certs.untrusted_ca_file), str(certs.server_cert_file))
    assert result.returncode != 0


def test_server_certificate_names_every_server_name(certs: CertificateFiles) -> None:
    """The server certificate's subjectAltName holds the DNS names and IP addresses asked for."""
    result = openssl("x509", "-in", str(certs.server_cert_file), "-noout", "-ext", "subjectAltName")
    assert result.returncode == 0, result.stderr
    for entry in ("DNS:localhost", "IP Address:127.0.0.1", "DNS:dc1.contoso.lab"):
        assert entry in result.stdout
    assert certs.server_names == ("localhost", "127.0.0.1", "dc1.contoso.lab")


def test_client_subject_is_in_ldap_form(certs: CertificateFiles) -> None:
    """client_subject is the certificate subject in RFC 4514 order and lower case."""
    result = openssl("x509", "-in", str(certs.client_cert_file), "-noout", "-subject")
    assert "CN = connector" in result.stdout
    assert certs.client_subject == "cn=connector,ou=clients,o=contoso"


def test_keys_are_private_to_the_owner(certs: CertificateFiles) -> None:
    """Private keys are written readable by their owner only."""
    for key in (certs.ca_key_file, certs.server_key_file, certs.client_key_file):
        assert Path(key).stat().st_mode & 0o077 == 0


def test_odd_subject_parts_are_refused(tmp_path: Path) -> None:
    """Names that would need escaping in a subject are refused up front."""
    with pytest.raises(ValueError, match="client_name"):
        make_test_certificates(tmp_path, client_name="a,b")
