"""The server certificate that live detection attaches to a ServerInfo shows in reports."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from ldapconnector.connection import certificate_from_der
from ldapconnector.detect import fingerprint, format_server_info
from ldapconnector.model import ServerCertificate


@pytest.fixture(name="certificate")
def fixture_certificate(tmp_path: Path) -> ServerCertificate:
    """A real self-signed certificate with DNS and IP alternative names, decoded."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is needed (apt-get install openssl)"
    pem = tmp_path / "c.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", str(tmp_path / "k.pem"), "-out", str(pem), "-days", "2",
            "-subj", "/O=Contoso/CN=ldap.contoso.lab",
            "-addext", "subjectAltName=DNS:ldap.contoso.lab,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate_from_der(ssl.PEM_cert_to_DER_cert(pem.read_text()))


def test_alt_names_and_validity(certificate: ServerCertificate) -> None:
    """The DNS and IP alternative names are decoded, and validity brackets its start."""
    assert certificate.subject_alt_names == ("ldap.contoso.lab", "127.0.0.1")
    assert certificate.is_valid_at(certificate.not_before)
    assert not certificate.is_valid_at(certificate.not_after.replace(year=9999))


def test_certificate_shows_in_reports(certificate: ServerCertificate) -> None:
    """A ServerInfo with a certificate prints issuer, subject and thumbprint, and JSON has it."""
    info = fingerprint({"vendorName": ["Isode Limited"]}).with_certificate(certificate)
    text = format_server_info(info)
    assert "Issuer:" in text
    assert "CN=ldap.contoso.lab,O=Contoso" in text
    assert certificate.sha1_thumbprint in text
    as_json = info.to_json_dict()["certificate"]
    assert as_json["subject"] == "CN=ldap.contoso.lab,O=Contoso"
    assert as_json["subject_alt_names"] == ["ldap.contoso.lab", "127.0.0.1"]
