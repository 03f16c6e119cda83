"""Throwaway certificates for test servers, made with the ``openssl`` command line.

One run makes a CA, a server certificate signed by it (subject alternative names for
``localhost``, ``127.0.0.1`` and the machine's host name: libldap and Python >= 3.12 match
the name that was dialled), a client certificate for SASL EXTERNAL, and a second,
unrelated CA whose certificate tests use to show verification failing. Keys are EC P-256
(~10 ms each; RSA takes about a second). Nothing is added to any trust store. The
``openssl.cnf`` they are made with is the package data file ``data/openssl.cnf.in`` with
the subjectAltName filled in.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from ldapconnector.testing._process import TestServerError, find_program, run_tool
from ldapconnector.testing._templates import render

__all__ = [
    "OPENSSL_CONFIG_TEMPLATE",
    "CertificateFiles",
    "default_server_names",
    "make_test_certificates",
]

OPENSSL_CONFIG_TEMPLATE = "openssl.cnf.in"


@attrs.frozen(kw_only=True)
class _Certificate:
    """One certificate ``openssl req -x509`` makes: ``STEM.pem`` and its key ``STEM.key``.

    Attributes:
        stem: the file name without suffix.
        subject: the subject, with ``{organization}``, ``{server}`` (the first server
            name) and ``{client}`` (the client's CN) filled in by :meth:`str.format`.
        extensions: the section of ``openssl.cnf`` with the certificate's extensions.
        issuer: the stem of the CA that signs it; None for a self-signed CA.
    """

    stem: str
    subject: str
    extensions: str
    issuer: str | None = None


# In the order they are made: a CA before the certificates it signs.
_CERTIFICATES = (
    _Certificate(
        stem="ca", subject="/O={organization}/CN=ldapconnector test CA", extensions="ca_ext"
    ),
    _Certificate(
        stem="server", subject="/O={organization}/CN={server}", extensions="server_ext", issuer="ca"
    ),
    _Certificate(
        stem="client",
        subject="/O={organization}/OU=clients/CN={client}",
        extensions="client_ext",
        issuer="ca",
    ),
    _Certificate(
        stem="untrusted-ca",
        subject="/O={organization}/CN=ldapconnector untrusted CA",
        extensions="ca_ext",
    ),
)


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


def _check_name(label: str, value: str) -> None:
    if not value or not value.replace("-", "").isalnum():
        raise ValueError(f"{label} must be letters, digits and hyphens, got {value!r}")


def _req_argv(
    openssl: str, directory: Path, certificate: _Certificate, *, subject: str, days: int
) -> list[str]:
    """The ``openssl req -x509`` command making ``certificate`` with ``subject``."""
    config, stem = directory / "openssl.cnf", certificate.stem
    argv = [openssl, "req", "-x509", "-config", str(config), "-extensions", certificate.extensions]
    argv += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    argv += ["-keyout", str(directory / f"{stem}.key"), "-out", str(directory / f"{stem}.pem")]
    argv += ["-subj", subject, "-days", str(days)]
    if certificate.issuer is not None:
        argv += ["-CA", str(directory / f"{certificate.issuer}.pem")]
        argv += ["-CAkey", str(directory / f"{certificate.issuer}.key")]
    return argv


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
    _check_name("organization", organization)
    _check_name("client_name", client_name)
    openssl = find_program("openssl")
    if openssl is None:
        raise TestServerError("openssl is not installed (apt-get install openssl)")
    names = tuple(server_names) if server_names is not None else default_server_names()
    directory.mkdir(parents=True, exist_ok=True)
    config = render(OPENSSL_CONFIG_TEMPLATE, san=_subject_alt_name(names))
    (directory / "openssl.cnf").write_text(config, encoding="ascii")
    fields = {"organization": organization, "server": names[0], "client": client_name}
    for certificate in _CERTIFICATES:
        subject = certificate.subject.format(**fields)
        run_tool(
            _req_argv(openssl, directory, certificate, subject=subject, days=days), timeout=60.0
        )
    return _files(directory, names, client_name, organization)


def _files(
    directory: Path, names: tuple[str, ...], client_name: str, organization: str
) -> CertificateFiles:
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
