"""Throwaway certificates for test servers, made with the ``openssl`` command line.

One run makes a CA, a server certificate signed by it (subject alternative names for
``localhost``, ``127.0.0.1`` and the machine's host name: libldap and Python >= 3.12 match
the name that was dialled), a client certificate for SASL EXTERNAL, and a second,
unrelated CA whose certificate tests use to show verification failing. Keys are EC P-256
(~10 ms each; RSA takes about a second). Nothing is added to any trust store.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from ldapconnector.testing._process import TestServerError, find_program, run_tool

__all__ = ["CertificateFiles", "default_server_names", "make_test_certificates"]

_OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = {san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@attrs.frozen(kw_only=True)
class CertificateFiles:
    """The PEM files made by :func:`make_test_certificates`.

    Attributes:
        ca_file: the CA certificate that signed the server and client certificates.
        ca_key_file: the CA's private key (to sign more certificates in a test).
        server_cert_file: the server certificate.
        server_key_file: the server's private key.
        client_cert_file: the client certificate (for SASL EXTERNAL).
        client_key_file: the client's private key.
        client_subject: the client certificate's subject as the LDAP server sees it
            (RFC 4514 order, lower case): ``cn=connector,ou=clients,o=contoso``.
        untrusted_ca_file: the certificate of a second CA that signed nothing here.
        server_names: the names in the server certificate's subjectAltName.
    """

    ca_file: Path
    ca_key_file: Path
    server_cert_file: Path
    server_key_file: Path
    client_cert_file: Path
    client_key_file: Path
    client_subject: str
    untrusted_ca_file: Path
    server_names: tuple[str, ...]


def default_server_names() -> tuple[str, ...]:
    """Return the names a loopback server is reached by: localhost, 127.0.0.1, ::1, host name."""
    names = ["localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()]
    return tuple(dict.fromkeys(n for n in names if n))


def _subject_alt_name(names: Iterable[str]) -> str:
    entries = []
    for name in names:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            entries.append(f"DNS:{name}")
        else:
            entries.append(f"IP:{name}")
    return ", ".join(entries)


def make_test_certificates(
    directory: Path,
    *,
    server_names: Sequence[str] | None = None,
    client_name: str = "connector",
    organization: str = "contoso",
    days: int = 30,
) -> CertificateFiles:
    """Make a throwaway CA, server and client certificates in ``directory``.

    Args:
        directory: where the PEM files go (created when missing).
        server_names: DNS names and IP addresses for the server certificate;
            :func:`default_server_names` when None.
        client_name: the client certificate's CN (``cn=NAME,ou=clients,o=ORG``).
        organization: the O of every subject; letters, digits and hyphens only.
        days: validity of every certificate.

    Returns:
        The paths of the files made.

    Raises:
        TestServerError: ``openssl`` is missing or failed.
        ValueError: ``organization`` or ``client_name`` hold characters outside
            letters, digits and hyphens.
    """
    for label, value in (("organization", organization), ("client_name", client_name)):
        if not value or not value.replace("-", "").isalnum():
            raise ValueError(f"{label} must be letters, digits and hyphens, got {value!r}")
    openssl = find_program("openssl")
    if openssl is None:
        raise TestServerError("openssl is not installed (apt-get install openssl)")
    names = tuple(server_names) if server_names is not None else default_server_names()
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "openssl.cnf"
    config.write_text(_OPENSSL_CONFIG.format(san=_subject_alt_name(names)), encoding="ascii")

    def make(stem: str, subject: str, extensions: str, issuer: str | None) -> None:
        argv = [openssl, "req", "-x509", "-config", str(config), "-extensions", extensions]
        argv += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        argv += ["-keyout", str(directory / f"{stem}.key"), "-out", str(directory / f"{stem}.pem")]
        argv += ["-subj", subject, "-days", str(days)]
        if issuer is not None:
            argv += ["-CA", str(directory / f"{issuer}.pem")]
            argv += ["-CAkey", str(directory / f"{issuer}.key")]
        run_tool(argv, timeout=60.0)

    make("ca", f"/O={organization}/CN=ldapconnector test CA", "ca_ext", None)
    make("server", f"/O={organization}/CN={names[0]}", "server_ext", "ca")
    make("client", f"/O={organization}/OU=clients/CN={client_name}", "client_ext", "ca")
    make("untrusted-ca", f"/O={organization}/CN=ldapconnector untrusted CA", "ca_ext", None)
    return CertificateFiles(
        ca_file=directory / "ca.pem",
        ca_key_file=directory / "ca.key",
        server_cert_file=directory / "server.pem",
        server_key_file=directory / "server.key",
        client_cert_file=directory / "client.pem",
        client_key_file=directory / "client.key",
        client_subject=f"cn={client_name},ou=clients,o={organization}".lower(),
        untrusted_ca_file=directory / "untrusted-ca.pem",
        server_names=names,
    )
