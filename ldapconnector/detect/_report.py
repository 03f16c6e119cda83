"""Render a :class:`ServerInfo` for people, laid out like the Microsoft connector's Global page.

The sections follow that page (server, SASL mechanisms, certificate, mandatory features
found / not found, supported controls, change log, partitions) and end with the evidence,
so an operator sees what was decided and why. ``fingerprint`` and ``probe`` share it.
"""

from __future__ import annotations

from ldapconnector.detect._info import NamedOid, ServerInfo
from ldapconnector.model import ServerCertificate

__all__ = ["format_server_info"]


def _section(title: str, lines: list[str]) -> list[str]:
    return [title, *(f"  {line}" for line in (lines or ["(none)"])), ""]


def _server(info: ServerInfo) -> list[str]:
    disable = info.disable_method
    rows = [
        ("Vendor", f"{info.vendor.value} (confidence {info.confidence.value})"),
        ("Product", info.product or "-"),
        ("Version", info.version or "(not published)"),
        ("LDAP versions", ", ".join(info.ldap_versions) or "-"),
        ("Anchor", info.anchor),
        ("Anchor alternatives", ", ".join(info.anchor_alternatives) or "-"),
        ("Disable method", f"{disable.attribute} = {disable.value}" if disable else "-"),
        ("Subschema", info.subschema_dn or "-"),
    ]
    return [f"{label + ':':<21}{value}" for label, value in rows]


def _certificate(cert: ServerCertificate) -> list[str]:
    rows = [
        ("Issuer", cert.issuer or "-"),
        ("Subject", cert.subject or "-"),
        ("Thumbprint (SHA-1)", cert.sha1_thumbprint),
        ("Thumbprint (SHA-256)", cert.sha256_thumbprint),
        ("Valid from", cert.not_before.isoformat() if cert.not_before else "-"),
        ("Valid to", cert.not_after.isoformat() if cert.not_after else "-"),
    ]
    return [f"{label + ':':<22}{value}" for label, value in rows]


def _oids(items: tuple[NamedOid, ...]) -> list[str]:
    return [f"{item.oid:<28} {item.name or ''}".rstrip() for item in items]


def _change_log(info: ServerInfo) -> list[str]:
    source = info.delta_source.value if info.delta_source else "none"
    offered = ", ".join(s.value for s in info.delta_sources) or "-"
    return [
        f"Delta source:        {source}",
        f"Change log DN:       {info.change_log_dn or '-'}",
        f"Sources offered:     {offered}",
    ]


def _partitions(info: ServerInfo) -> list[str]:
    chosen = {p.lower() for p in info.default_partitions}
    return [
        f"[{'x' if context.lower() in chosen else ' '}] {context or '(root)'}"
        for context in info.naming_contexts
    ]


def format_server_info(info: ServerInfo) -> str:
    """Return the human-readable report of ``info`` (ends with a newline).

    Args:
        info: what :func:`fingerprint` (or live detection) returned.
    """
    found = [f"{f.name}" for f in info.features_found]
    missing = [f"{f.name}: {f.note}" if f.note else f.name for f in info.features_missing]
    lines = _section("Server", _server(info))
    lines += _section("SASL mechanisms", list(info.sasl_mechanisms))
    if info.certificate is not None:
        lines += _section("Certificate", _certificate(info.certificate))
    lines += _section("Mandatory features found", found)
    lines += _section("Mandatory features not found", missing)
    lines += _section("Supported controls", _oids(info.supported_controls))
    lines += _section("Supported extensions", _oids(info.supported_extensions))
    lines += _section("Supported features", _oids(info.supported_features))
    if info.supported_capabilities:
        lines += _section("Supported capabilities", _oids(info.supported_capabilities))
    lines += _section("Change log", _change_log(info))
    lines += _section("Partitions ([x] = default)", _partitions(info))
    if info.conflicts:
        lines += _section("Conflicting evidence", list(info.conflicts))
    lines += _section("Evidence", [f"- {line}" for line in info.evidence])
    return "\n".join(lines).rstrip("\n") + "\n"
