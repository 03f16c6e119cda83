"""The bridge's TLS: a certificate you are given, or a self-signed one made on first start.

Like the ECMA host's "Generate certificate": an EC P-256 key (Entra's requirement is RSA
>= 2048 or ECC >= 256), subject and SANs for ``localhost``, ``127.0.0.1``, this machine's
host name and the configured ``hostnames``, extended key usage serverAuth, valid for a
year, kept next to the bridge file (key file mode 0600) and reused until 30 days before
it expires. The SHA-256 fingerprint is printed at start, so the agent host can check what
it imports into its trusted roots. Servers accept TLS 1.2 and later only.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import ssl
from collections.abc import Iterable
from pathlib import Path

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ldapconnector.errors import ConfigurationError
from ldapconnector.scim._settings import BridgeSettings

__all__ = ["BridgeCertificate", "describe_certificate", "ensure_certificate", "server_context"]

GENERATED_CERTIFICATE = "ldapconnector-scim.pem"
GENERATED_KEY = "ldapconnector-scim.key"
_VALIDITY = datetime.timedelta(days=365)
_RENEW_BEFORE = datetime.timedelta(days=30)


@attrs.frozen(kw_only=True)
class BridgeCertificate:
    """The certificate the bridge serves.

    Attributes:
        certificate: the PEM certificate (chain) file.
        private_key: the PEM private key file.
        fingerprint: SHA-256 of the certificate, ``AA:BB:...``.
        not_after: when it expires (UTC).
        generated: made by the bridge (self-signed) on this start.
    """

    certificate: Path
    private_key: Path
    fingerprint: str
    not_after: datetime.datetime
    generated: bool = False


def _names(hostnames: Iterable[str]) -> list[x509.GeneralName]:
    seen: list[str] = []
    for name in ("localhost", socket.gethostname(), *hostnames):
        if name and name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in seen]
    return [*names, x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]


def _generate(cert_path: Path, key_path: Path, hostnames: Iterable[str]) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    names = _names(hostnames)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(names[0].value))])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + _VALIDITY)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem_key)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _describe(cert_path: Path, key_path: Path, *, generated: bool) -> BridgeCertificate:
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError) as error:
        raise ConfigurationError(
            [f"certificate: {cert_path} is not a PEM certificate ({error})"]
        ) from None
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return BridgeCertificate(
        certificate=cert_path, private_key=key_path,
        fingerprint=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        not_after=certificate.not_valid_after_utc, generated=generated,
    )  # fmt: skip


def describe_certificate(path: Path, private_key: Path | None = None) -> BridgeCertificate:
    """The fingerprint and expiry of a PEM certificate file.

    Raises:
        ConfigurationError: the file is not a PEM certificate.
    """
    return _describe(path, private_key or path, generated=False)


def ensure_certificate(settings: BridgeSettings) -> BridgeCertificate:
    """The configured certificate, else the generated one (made or renewed when needed).

    Raises:
        ConfigurationError: a configured certificate cannot be read.
    """
    if settings.certificate is not None and settings.private_key is not None:
        return _describe(settings.certificate, settings.private_key, generated=False)
    cert_path = settings.state_dir / GENERATED_CERTIFICATE
    key_path = settings.state_dir / GENERATED_KEY
    if cert_path.exists() and key_path.exists():
        current = _describe(cert_path, key_path, generated=False)
        if current.not_after - datetime.datetime.now(datetime.UTC) > _RENEW_BEFORE:
            return current
    _generate(cert_path, key_path, settings.hostnames)
    return _describe(cert_path, key_path, generated=True)


def server_context(certificate: BridgeCertificate) -> ssl.SSLContext:
    """A server-side TLS context: TLS 1.2 or later, the bridge's certificate and key.

    Raises:
        ConfigurationError: the key does not match or cannot be read.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(certificate.certificate), str(certificate.private_key))
    except (OSError, ssl.SSLError) as error:
        key, cert = certificate.private_key, certificate.certificate
        raise ConfigurationError([f"private_key: {key} does not fit {cert} ({error})"]) from None
    return context
