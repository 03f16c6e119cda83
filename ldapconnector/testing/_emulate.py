"""A running OpenLDAP fixture presenting a recorded vendor's Root DSE (slapd's ``rootDSE``).

slapd adds the attributes of an LDIF file to its Root DSE (``olcRootDSE``, slapd-config(5)).
:func:`present_recorded_root_dse` writes a recorded vendor's Root DSE to such a file
(:func:`present_root_dse` any given attributes, for a product no recording exists of),
defines the attribute types slapd lacks (``cn=recorded,cn=schema,cn=config``; octet-string
syntax, so any recorded value fits), points ``olcRootDSE`` at it, and hides slapd's own
marks (the ``OpenLDAProotDSE`` class value, ``configContext``, ``monitorContext``, and the
``olc*`` definitions of cn=config in the subschema entry) from reads with ``search``-only
ACLs, so that the server *answers detection* as that vendor would. Data, binds and writes
stay slapd's: this emulates what a client learns from the Root DSE, not the vendor's
behaviour.

What slapd cannot carry is left out and listed (:attr:`VendorEmulation.left_out`): the
attributes slapd computes for itself, attribute descriptions with options, and empty
``namingContexts`` values (slapd refuses the empty DN there). The vendor's schema is not
loaded: the subschema entry stays slapd's data schema (core, cosine, inetOrgPerson, nis),
so schema probes find no vendor marker either way.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from ldapconnector._ldif_io import read_ldif
from ldapconnector.schema import Schema
from ldapconnector.testing._openldap import OpenLDAPServer
from ldapconnector.testing._process import TestServerError
from ldapconnector.testing._recorded import RecordedServer, recorded

__all__ = ["VendorEmulation", "present_recorded_root_dse", "present_root_dse"]

_ROOT_DSE_FILE = "recorded-root-dse.ldif"

# Attributes slapd computes for its own Root DSE: a recorded value would contradict them.
_COMPUTED = frozenset(
    {
        "subschemasubentry",
        "structuralobjectclass",
        "entrydn",
        "entryuuid",
        "entrycsn",
        "hassubordinates",
        "createtimestamp",
        "modifytimestamp",
        "creatorsname",
        "modifiersname",
        "configcontext",
        "monitorcontext",
    }
)
_OCTET_STRING = "1.3.6.1.4.1.1466.115.121.1.40"
_HIDE_OPENLDAP = (
    'olcAccess: {0}to dn.base="" attrs=objectClass val=OpenLDAProotDSE by * search',
    'olcAccess: {1}to dn.base="" attrs=structuralObjectClass,configContext,monitorContext'
    " by * search",
    # cn=config's own schema (olcGlobal, olcDatabase, ...) is slapd's mark, not data schema;
    # the regex sees the normalised value, where only those definitions contain "olc".
    'olcAccess: {2}to dn.base="cn=Subschema" attrs=objectClasses val.regex="olc" by * search',
    'olcAccess: {3}to dn.base="cn=Subschema" attrs=attributeTypes val.regex="olc" by * search',
)


@attrs.frozen(kw_only=True)
class VendorEmulation:
    """What a server presents after :func:`present_recorded_root_dse`.

    Attributes:
        recorded: the recorded server presented (its ``server_info`` is what detection
            should answer).
        presented: the Root DSE attributes added to slapd's.
        defined: the attribute types defined for them because slapd had none.
        left_out: ``(attribute, why)`` for what slapd cannot carry.
        root_dse_file: the LDIF file ``olcRootDSE`` names.
    """

    recorded: RecordedServer
    presented: tuple[str, ...]
    defined: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    root_dse_file: Path


def _kept_values(name: str, values: tuple[str | bytes, ...]) -> tuple[tuple[str | bytes, ...], str]:
    """The values slapd can carry, and why the others were left out ("" when none were)."""
    lowered = name.lower()
    if lowered in _COMPUTED:
        return (), "slapd computes it for its own Root DSE"
    if ";" in name:
        return (), "attribute options cannot be added to the Root DSE"
    if lowered == "objectclass":
        return tuple(v for v in values if str(v).lower() != "top"), ""
    if lowered == "namingcontexts" and "" in values:
        return tuple(v for v in values if v), "the empty DN is refused as a naming context"
    return values, ""


def _selection(
    root_dse: dict[str, tuple[str | bytes, ...]],
) -> tuple[dict[str, tuple[str | bytes, ...]], tuple[tuple[str, str], ...]]:
    kept: dict[str, tuple[str | bytes, ...]] = {}
    left_out: list[tuple[str, str]] = []
    for name, values in root_dse.items():
        values_kept, why = _kept_values(name, values)
        if why:
            left_out.append((name, why))
        if values_kept:
            kept[name] = values_kept
    return kept, tuple(left_out)


def _root_dse_ldif(attributes: dict[str, tuple[str | bytes, ...]]) -> str:
    # Every value base64-encoded: recorded values may be binary, start with a space, or be long.
    lines = ["dn:"]
    for name, values in attributes.items():
        for value in values:
            raw = value if isinstance(value, bytes) else value.encode("utf-8")
            lines.append(f"{name}:: {base64.b64encode(raw).decode('ascii')}")
    return "\n".join(lines) + "\n"


def _schema_ldif(names: list[str]) -> str:
    types = [
        f"olcAttributeTypes: ( 2.25.{uuid.uuid5(uuid.NAMESPACE_OID, n.lower()).int} "
        f"NAME '{n}' DESC 'recorded Root DSE attribute' SYNTAX {_OCTET_STRING} )"
        for n in names
    ]
    head = "dn: cn=recorded,cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: recorded\n"
    return head + "\n".join(types) + "\n"


def _missing_types(server: OpenLDAPServer, names: list[str]) -> list[str]:
    text = server.search_ldif("cn=Subschema", ("attributeTypes", "objectClasses"))
    entry = read_ldif(text, source="cn=Subschema")[0]
    subschema = {k: [str(v) for v in vs] for k, vs in entry.attributes.items()}
    schema = Schema.from_subschema(subschema)
    return [n for n in names if schema.attribute_type(n) is None]


def present_root_dse(
    server: OpenLDAPServer, attributes: Mapping[str, Sequence[str | bytes]]
) -> tuple[str, ...]:
    """Make a running OpenLDAP fixture present these Root DSE attributes, its marks hidden.

    For a product no recording exists of (an in-house directory, a fork): the server then
    answers detection with ``attributes`` (``vendorName``, ``supportedControl``, ...) added
    to slapd's Root DSE, and without OpenLDAP's own marks.

    Args:
        server: a started :class:`OpenLDAPServer` (a fresh one: slapd reads
            ``olcRootDSE`` once, so a server presents one Root DSE for its life).
        attributes: the attributes to add; none that slapd computes itself
            (``subschemaSubentry``, ``entryUUID``, ...).

    Returns:
        The attribute types defined because slapd had none.

    Raises:
        TestServerError: the server already presents a Root DSE file, or slapd refused
            the file (the message holds ldapmodify's output).
    """
    path = server.directory / _ROOT_DSE_FILE
    if path.exists():
        raise TestServerError(f"{server.ldap_uri} already presents a recorded Root DSE")
    kept = {name: tuple(values) for name, values in attributes.items()}
    defined = _missing_types(server, [n for n in kept if n.lower() != "objectclass"])
    if defined:
        server.add_ldif(_schema_ldif(defined))
    path.write_text(_root_dse_ldif(kept), encoding="utf-8")
    path.chmod(0o644)
    server.add_ldif(f"dn: cn=config\nchangetype: modify\nadd: olcRootDSE\nolcRootDSE: {path}\n")
    frontend = "dn: olcDatabase={-1}frontend,cn=config\nchangetype: modify\nadd: olcAccess\n"
    server.add_ldif(frontend + "\n".join(_HIDE_OPENLDAP) + "\n")
    return tuple(defined)


def present_recorded_root_dse(server: OpenLDAPServer, name: str) -> VendorEmulation:
    """Make a running OpenLDAP fixture present a recorded vendor's Root DSE.

    Args:
        server: a started :class:`OpenLDAPServer` (a fresh one: slapd reads ``olcRootDSE``
            once, so a server presents one vendor for its life).
        name: a name :func:`~ldapconnector.testing.recorded_servers` lists.

    Returns:
        What is presented, what was defined and what was left out.

    Raises:
        TestServerError: the name is unknown, the server already presents a Root DSE file,
            or slapd refused the file (the message holds ldapmodify's output).
    """
    chosen = recorded(name)
    kept, left_out = _selection(dict(chosen.root_dse))
    defined = present_root_dse(server, kept)
    return VendorEmulation(
        recorded=chosen,
        presented=tuple(kept),
        defined=defined,
        left_out=left_out,
        root_dse_file=server.directory / _ROOT_DSE_FILE,
    )
