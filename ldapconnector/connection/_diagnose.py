"""``test_connection``: try each step of reaching a server and say which one failed."""

from __future__ import annotations

import logging
import socket

import attrs
import ldap3

from ldapconnector.config import ConnectivityConfig, Security
from ldapconnector.connection._certificate import certificate_of
from ldapconnector.connection._connection import LdapConnection
from ldapconnector.connection._open import bind, check_settings, connect, discard
from ldapconnector.connection._tls import tls_context
from ldapconnector.errors import LdapConnectorError, TransportError
from ldapconnector.model import ConnectionStage, ServerCertificate

__all__ = ["ConnectionTestReport", "StageResult", "test_connection"]

log = logging.getLogger("ldapconnector.connection")


@attrs.frozen(kw_only=True)
class StageResult:
    """The outcome of one stage: passed, or failed with a message."""

    stage: ConnectionStage
    ok: bool
    detail: str = ""


@attrs.frozen(kw_only=True)
class ConnectionTestReport:
    """What :func:`test_connection` found.

    Attributes:
        stages: the stages tried, in order; the last one failed when ``ok`` is False.
        certificate: the server certificate, when TLS got that far.
        vendor_name: the Root DSE ``vendorName``, when the server gave one.
        naming_contexts: the Root DSE ``namingContexts``.
    """

    stages: tuple[StageResult, ...]
    certificate: ServerCertificate | None = None
    vendor_name: str | None = None
    naming_contexts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every stage passed."""
        return all(stage.ok for stage in self.stages)

    @property
    def failed_stage(self) -> ConnectionStage | None:
        """The stage that failed, or None."""
        for stage in self.stages:
            if not stage.ok:
                return stage.stage
        return None

    def summary(self) -> str:
        """One line per stage, for people."""
        return "\n".join(
            f"{'ok  ' if s.ok else 'FAIL'} {s.stage.value}{': ' + s.detail if s.detail else ''}"
            for s in self.stages
        )


def _network_stages(settings: ConnectivityConfig) -> list[StageResult]:
    port = settings.effective_port
    try:
        addresses = socket.getaddrinfo(settings.host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        detail = f"cannot resolve {settings.host!r}: {exc.strerror}"
        return [StageResult(stage=ConnectionStage.DNS, ok=False, detail=detail)]
    stages = [StageResult(stage=ConnectionStage.DNS, ok=True, detail=str(addresses[0][4][0]))]
    try:
        with socket.create_connection((settings.host, port), timeout=settings.timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        detail = f"cannot open TCP {settings.host}:{port}: {reason}"
        return [*stages, StageResult(stage=ConnectionStage.TCP, ok=False, detail=detail)]
    return [*stages, StageResult(stage=ConnectionStage.TCP, ok=True)]


def test_connection(settings: ConnectivityConfig) -> ConnectionTestReport:
    """Try to reach, secure, bind to and read from the server; report each stage.

    Never raises for a failing server: the report's ``failed_stage`` names the step
    (DNS, TCP, TLS handshake, certificate verification, bind, read of the Root DSE) and its
    detail says why, without any credential.
    """
    try:
        check_settings(settings)
        if settings.security is not Security.NONE:
            # Reads the certificate files: one that is not PEM is a settings failure.
            tls_context(settings)
    except LdapConnectorError as exc:
        return ConnectionTestReport(
            stages=(StageResult(stage=ConnectionStage.SETTINGS, ok=False, detail=str(exc)),)
        )
    stages = _network_stages(settings)
    if not stages[-1].ok:
        return ConnectionTestReport(stages=tuple(stages))
    try:
        raw = connect(settings)
    except TransportError as exc:
        stage = exc.stage
        if stage is ConnectionStage.CERTIFICATE:
            stages.append(StageResult(stage=ConnectionStage.TLS, ok=True))
        stages.append(StageResult(stage=stage, ok=False, detail=str(exc)))
        return ConnectionTestReport(stages=tuple(stages))
    if settings.security is not Security.NONE:
        stages.append(StageResult(stage=ConnectionStage.TLS, ok=True))
        stages.append(StageResult(stage=ConnectionStage.CERTIFICATE, ok=True))
    return _bind_and_read(settings, raw, stages)


# pytest would otherwise collect the function when a test module imports it.
test_connection.__test__ = False  # type: ignore[attr-defined]


def _bind_and_read(
    settings: ConnectivityConfig, raw: ldap3.Connection, stages: list[StageResult]
) -> ConnectionTestReport:
    certificate = certificate_of(raw.socket)
    try:
        bind(raw, settings)
    except LdapConnectorError as exc:
        discard(raw)
        stages.append(StageResult(stage=ConnectionStage.BIND, ok=False, detail=str(exc)))
        return ConnectionTestReport(stages=tuple(stages), certificate=certificate)
    stages.append(StageResult(stage=ConnectionStage.BIND, ok=True))
    with LdapConnection(settings, raw, certificate) as connection:
        try:
            root = connection.read_root_dse(("namingContexts", "vendorName"))
        except LdapConnectorError as exc:
            stages.append(StageResult(stage=ConnectionStage.READ, ok=False, detail=str(exc)))
            return ConnectionTestReport(stages=tuple(stages), certificate=certificate)
    stages.append(StageResult(stage=ConnectionStage.READ, ok=True))
    vendor = root.first("vendorName")
    return ConnectionTestReport(
        stages=tuple(stages),
        certificate=certificate,
        vendor_name=vendor if isinstance(vendor, str) else None,
        naming_contexts=root.texts("namingContexts"),
    )
