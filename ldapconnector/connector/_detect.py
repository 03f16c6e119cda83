"""Live detection: read the Root DSE and the schema from a server, then fingerprint.

Costs two round trips (the Root DSE with every attribute the rules look at named, and the
subschema entry's schema attributes), plus a third for servers whose version only a probe
tells (OpenLDAP's ``cn=Monitor``), and reads nothing under the naming contexts.
"""

from __future__ import annotations

import logging

from ldapconnector.config import ConnectivityConfig
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.detect import (
    ServerInfo,
    VendorRules,
    VersionProbe,
    apply_version_probe,
    fingerprint,
    root_dse_attributes_to_request,
    schema_attributes_to_request,
    version_probe_for,
)
from ldapconnector.errors import LdapOperationError
from ldapconnector.model import Entry

__all__ = ["detect", "detect_with_subschema"]

log = logging.getLogger("ldapconnector.detect")


def _as_text(entry: Entry) -> dict[str, list[str]]:
    return {name: list(entry.texts(name)) for name in entry.attributes}


def _read_schema(connection: LdapConnection, root: Entry) -> dict[str, list[str]] | None:
    dn = root.first("subschemaSubentry")
    if not isinstance(dn, str) or not dn:
        return None
    try:
        entry = connection.read_subschema(dn, schema_attributes_to_request())
    except LdapOperationError as exc:
        # Some servers hide the schema from the bind account: detect from the Root DSE alone.
        log.info("schema probe of %s skipped: %s", dn, exc)
        return None
    return _as_text(entry)


def detect(
    target: ConnectivityConfig | LdapConnection, *, rules: VendorRules | None = None
) -> ServerInfo:
    """Identify the server behind a connection (or the settings to open one).

    Args:
        target: connectivity settings (a connection is opened and closed here) or an open
            :class:`~ldapconnector.connection.LdapConnection`, which is left open.
        rules: the vendor rules to evaluate (the built-in table when None); their Root
            DSE attributes are asked for by name.

    Returns:
        The :class:`ServerInfo`, with the server certificate when TLS was used.

    Raises:
        TransportError, LdapOperationError: the server could not be reached or read.
    """
    if isinstance(target, LdapConnection):
        return detect_with_subschema(target, rules=rules)[0]
    with open_connection(target) as connection:
        return detect_with_subschema(connection, rules=rules)[0]


def detect_with_subschema(
    connection: LdapConnection, *, rules: VendorRules | None = None
) -> tuple[ServerInfo, dict[str, list[str]] | None]:
    """Detect, and also hand back the subschema attributes detection read for its probes.

    Lets a caller that needs the schema too (the Connector) parse it without reading the
    subschema entry a second time. The attributes are None when the schema was hidden.
    """
    root = connection.read_root_dse(root_dse_attributes_to_request(rules))
    schema = _read_schema(connection, root)
    info = fingerprint(_as_text(root), schema, rules=rules)
    probe = version_probe_for(info, root.texts("monitorContext"))
    if probe is not None:
        info = _probe_version(connection, info, probe, root.texts(probe.context_attribute)[0])
    return info.with_certificate(connection.certificate), schema


def _probe_version(
    connection: LdapConnection, info: ServerInfo, probe: VersionProbe, dn: str
) -> ServerInfo:
    try:
        entry = connection.read_entry(dn, (probe.attribute,))
    except LdapOperationError as exc:
        log.info("version probe of %s skipped: %s", dn, exc)
        return info
    values = entry.texts(probe.attribute) if entry is not None else ()
    return apply_version_probe(info, probe, values)
