"""Decoding a server certificate's DER bytes into what a person checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from ldapconnector.connection import certificate_from_der


@pytest.fixture(name="cert_der")
def fixture_cert_der(tmp_path: Path) -> bytes:
    """A fresh self-signed EC certificate made by the openssl command."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is needed (apt-get install openssl)"
    cert = tmp_path / "c.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(tmp_path / "k.pem"),
            "-out",
            str(cert),
            "-subj",
            "/DC=lab/DC=contoso/O=Contoso, Ltd/CN=ldap.contoso.lab",
            "-days",
            "3",
            "-set_serial",
            "0x1F2E",
        ],
        check=True,
        capture_output=True,
    )
    return ssl.PEM_cert_to_DER_cert(cert.read_text())


def test_subject_issuer_serial_and_thumbprints(cert_der: bytes) -> None:
    """Names come out most-specific first, thumbprints are hashes of the DER bytes."""
    cert = certificate_from_der(cert_der)
    assert cert.subject == r"CN=ldap.contoso.lab,O=Contoso\, Ltd,DC=contoso,DC=lab"
    assert cert.issuer == cert.subject
    assert cert.serial_number == "1F2E"
    assert cert.sha256_thumbprint == hashlib.sha256(cert_der).hexdigest().upper()
    assert cert.sha1_thumbprint == hashlib.sha1(cert_der, usedforsecurity=False).hexdigest().upper()


def test_validity_is_utc(cert_der: bytes) -> None:
    """Not-before and not-after are timezone-aware UTC and three days apart."""
    cert = certificate_from_der(cert_der)
    assert cert.not_before.tzinfo is dt.UTC
    assert cert.not_after - cert.not_before == dt.timedelta(days=3)


def test_garbage_is_a_value_error() -> None:
    """Bytes that are not a certificate raise ValueError with a clear message."""
    with pytest.raises(ValueError, match=r"not an X\.509 certificate"):
        certificate_from_der(b"\x30\x03\x02\x01\x01")
