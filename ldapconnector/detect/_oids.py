"""Names for the object identifiers a Root DSE advertises (a declarative table).

The Root DSE lists controls, extended operations, features and (AD) capabilities as bare
OIDs (RFC 4512 §5.1.4-5.1.5, RFC 3674, MS-ADTS 3.1.1.3.4). This table gives each known OID a
short human name and the document that defines it, so reports read like the Microsoft
connector's *Global* page instead of a column of numbers.
"""

from __future__ import annotations

import enum

import attrs

from ldapconnector import model

__all__ = ["KNOWN_OIDS", "KnownOid", "OidKind", "oid_name"]


class OidKind(enum.Enum):
    """Which Root DSE list an OID belongs in."""

    CONTROL = "control"
    EXTENSION = "extension"
    FEATURE = "feature"
    CAPABILITY = "capability"


@attrs.frozen(kw_only=True)
class KnownOid:
    """One row of the OID table.

    Attributes:
        oid: the dotted object identifier.
        name: a short human name.
        kind: the Root DSE list it appears in.
        reference: the RFC or vendor document that defines it.
    """

    oid: str
    name: str
    kind: OidKind
    reference: str


_C, _E, _F, _A = OidKind.CONTROL, OidKind.EXTENSION, OidKind.FEATURE, OidKind.CAPABILITY
_ADTS = "MS-ADTS 3.1.1.3.4"

# (oid, name, kind, reference); one row per OID, grouped by kind.
_ROWS: tuple[tuple[str, str, OidKind, str], ...] = (
    # Controls: standards
    (model.PAGED_RESULTS_OID, "Paged results", _C, "RFC 2696"),
    (model.SORT_REQUEST_OID, "Server-side sort request", _C, "RFC 2891"),
    (model.SORT_RESPONSE_OID, "Server-side sort response", _C, "RFC 2891"),
    (
        model.VLV_REQUEST_OID,
        "Virtual list view (VLV) request",
        _C,
        "draft-ietf-ldapext-ldapv3-vlv",
    ),
    (
        model.VLV_RESPONSE_OID,
        "Virtual list view (VLV) response",
        _C,
        "draft-ietf-ldapext-ldapv3-vlv",
    ),
    ("2.16.840.1.113730.3.4.2", "ManageDsaIT", _C, "RFC 3296"),
    ("2.16.840.1.113730.3.4.3", "Persistent search", _C, "draft-ietf-ldapext-psearch"),
    ("2.16.840.1.113730.3.4.4", "Password expired", _C, "draft-vchu-ldap-pwd-policy"),
    ("2.16.840.1.113730.3.4.5", "Password expiring", _C, "draft-vchu-ldap-pwd-policy"),
    ("2.16.840.1.113730.3.4.7", "Entry change notification", _C, "draft-ietf-ldapext-psearch"),
    ("2.16.840.1.113730.3.4.12", "Proxied authorization (v1)", _C, "draft-weltman-ldapv3-proxy-04"),
    ("2.16.840.1.113730.3.4.18", "Proxied authorization (v2)", _C, "RFC 4370"),
    ("2.16.840.1.113730.3.4.15", "Authorization identity response", _C, "RFC 3829"),
    ("2.16.840.1.113730.3.4.16", "Authorization identity request", _C, "RFC 3829"),
    ("2.16.840.1.113730.3.4.17", "Real attributes only", _C, "Netscape/389 DS"),
    ("2.16.840.1.113730.3.4.19", "Virtual attributes only", _C, "Netscape/389 DS"),
    ("1.3.6.1.4.1.42.2.27.8.5.1", "Password policy", _C, "draft-behera-ldap-password-policy"),
    ("1.3.6.1.4.1.42.2.27.9.5.2", "Get effective rights", _C, "draft-ietf-ldapext-acl-model"),
    ("1.3.6.1.4.1.42.2.27.9.5.8", "Account usability", _C, "Sun DS / OpenLDAP ppolicy"),
    ("1.3.6.1.4.1.4203.1.9.1.1", "Content synchronization (syncrepl)", _C, "RFC 4533"),
    ("1.3.6.1.4.1.4203.1.10.1", "Subentries", _C, "RFC 3672"),
    ("1.3.6.1.4.1.4203.1.10.2", "No-op", _C, "draft-zeilenga-ldap-noop"),
    ("1.3.6.1.4.1.4203.666.5.12", "Relax rules", _C, "draft-zeilenga-ldap-relax"),
    ("1.3.6.1.1.12", "Assertion", _C, "RFC 4528"),
    ("1.3.6.1.1.13.1", "Pre-read", _C, "RFC 4527"),
    (model.POST_READ_OID, "Post-read", _C, "RFC 4527"),
    ("1.3.6.1.1.21.2", "Transaction specification", _C, "RFC 5805"),
    ("1.3.6.1.1.22", "Don't use copy", _C, "RFC 6171"),
    ("1.2.826.0.1.3344810.2.3", "Matched values", _C, "RFC 3876"),
    ("1.3.6.1.4.1.18060.0.0.1", "Cascade (ApacheDS)", _C, "Apache Directory"),
    ("1.3.6.1.4.1.26027.1.5.2", "Replication repair (OpenDS/OpenDJ)", _C, "OpenDS"),
    # Controls: Active Directory (MS-ADTS 3.1.1.3.4.1)
    (model.SHOW_DELETED_OID, "Show deleted objects", _C, _ADTS),
    ("1.2.840.113556.1.4.521", "Cross-domain move target", _C, _ADTS),
    ("1.2.840.113556.1.4.528", "Server notification", _C, _ADTS),
    ("1.2.840.113556.1.4.529", "Extended DN", _C, _ADTS),
    ("1.2.840.113556.1.4.619", "Lazy commit", _C, _ADTS),
    ("1.2.840.113556.1.4.801", "Security descriptor flags", _C, _ADTS),
    ("1.2.840.113556.1.4.802", "Range option", _C, _ADTS),
    (model.TREE_DELETE_OID, "Tree delete", _C, _ADTS),
    (model.DIRSYNC_OID, "DirSync", _C, _ADTS),
    ("1.2.840.113556.1.4.970", "Get stats", _C, _ADTS),
    ("1.2.840.113556.1.4.1338", "Verify name", _C, _ADTS),
    ("1.2.840.113556.1.4.1339", "Domain scope", _C, _ADTS),
    ("1.2.840.113556.1.4.1340", "Search options", _C, _ADTS),
    ("1.2.840.113556.1.4.1341", "RODC DCPROMO", _C, _ADTS),
    ("1.2.840.113556.1.4.1413", "Permissive modify", _C, _ADTS),
    ("1.2.840.113556.1.4.1504", "Attribute scoped query", _C, _ADTS),
    ("1.2.840.113556.1.4.1852", "Quota control", _C, _ADTS),
    ("1.2.840.113556.1.4.1907", "Shutdown notify", _C, _ADTS),
    ("1.2.840.113556.1.4.1948", "Range retrieval without error", _C, _ADTS),
    ("1.2.840.113556.1.4.1974", "Force update", _C, _ADTS),
    ("1.2.840.113556.1.4.2026", "Input DN", _C, _ADTS),
    ("1.2.840.113556.1.4.2064", "Show recycled objects", _C, _ADTS),
    ("1.2.840.113556.1.4.2065", "Show deactivated links", _C, _ADTS),
    ("1.2.840.113556.1.4.2066", "Policy hints (deprecated)", _C, _ADTS),
    ("1.2.840.113556.1.4.2090", "DirSync extended access check", _C, _ADTS),
    ("1.2.840.113556.1.4.2204", "Tree delete (extended)", _C, _ADTS),
    ("1.2.840.113556.1.4.2205", "Update stats", _C, _ADTS),
    ("1.2.840.113556.1.4.2206", "Search hints", _C, _ADTS),
    ("1.2.840.113556.1.4.2211", "Expected entry count", _C, _ADTS),
    ("1.2.840.113556.1.4.2239", "Policy hints", _C, _ADTS),
    ("1.2.840.113556.1.4.2255", "Set owner", _C, _ADTS),
    ("1.2.840.113556.1.4.2256", "Bypass quota", _C, _ADTS),
    # Extended operations
    ("1.3.6.1.4.1.1466.20037", "StartTLS", _E, "RFC 4511 §4.14"),
    (model.PASSWORD_MODIFY_OID, "Modify password", _E, "RFC 3062"),
    ("1.3.6.1.4.1.4203.1.11.3", "Who am I?", _E, "RFC 4532"),
    ("1.3.6.1.1.8", "Cancel", _E, "RFC 3909"),
    ("1.3.6.1.1.21.1", "Start transaction", _E, "RFC 5805"),
    ("1.3.6.1.1.21.3", "End transaction", _E, "RFC 5805"),
    ("1.3.6.1.4.1.1466.101.119.1", "Dynamic refresh", _E, "RFC 2589"),
    ("1.2.840.113556.1.4.1781", "Fast concurrent bind", _E, _ADTS),
    ("1.2.840.113556.1.4.2212", "Batched request", _E, _ADTS),
    ("1.3.6.1.4.1.26027.1.6.1", "Password policy state (OpenDS/OpenDJ)", _E, "OpenDS"),
    ("1.3.6.1.4.1.26027.1.6.2", "Get connection ID (OpenDS/OpenDJ)", _E, "OpenDS"),
    ("1.3.6.1.4.1.26027.1.6.3", "Get symmetric key (OpenDS/OpenDJ)", _E, "OpenDS"),
    # Features (RFC 3674)
    ("1.3.6.1.4.1.4203.1.5.1", "All operational attributes (+)", _F, "RFC 3673"),
    ("1.3.6.1.4.1.4203.1.5.2", "Attributes by object class (@)", _F, "RFC 4529"),
    ("1.3.6.1.4.1.4203.1.5.3", "Absolute True/False filters", _F, "RFC 4526"),
    ("1.3.6.1.4.1.4203.1.5.4", "Language tag options", _F, "RFC 3866"),
    ("1.3.6.1.4.1.4203.1.5.5", "Language range options", _F, "RFC 3866"),
    ("1.3.6.1.1.14", "Modify-increment", _F, "RFC 4525"),
    ("2.16.840.1.113719.1.27.99.1", "Superior references (eDirectory)", _F, "NetIQ eDirectory"),
    # Active Directory capabilities (MS-ADTS 3.1.1.3.4.3)
    ("1.2.840.113556.1.4.800", "Active Directory (AD DS)", _A, _ADTS),
    ("1.2.840.113556.1.4.1670", "Active Directory V51 (Windows Server 2003)", _A, _ADTS),
    ("1.2.840.113556.1.4.1791", "LDAP signing and sealing", _A, _ADTS),
    ("1.2.840.113556.1.4.1851", "Active Directory LDS (ADAM)", _A, _ADTS),
    ("1.2.840.113556.1.4.1880", "AD LDS digest bind", _A, _ADTS),
    ("1.2.840.113556.1.4.1920", "Partial secrets (RODC)", _A, _ADTS),
    ("1.2.840.113556.1.4.1935", "Active Directory V60 (Windows Server 2008)", _A, _ADTS),
    ("1.2.840.113556.1.4.2080", "Active Directory V61 R2 (Windows Server 2008 R2)", _A, _ADTS),
    ("1.2.840.113556.1.4.2237", "Active Directory W8 (Windows Server 2012)", _A, _ADTS),
)

KNOWN_OIDS: tuple[KnownOid, ...] = tuple(
    KnownOid(oid=oid, name=name, kind=kind, reference=ref) for oid, name, kind, ref in _ROWS
)
"""Every OID the detection layer can name, in table order."""

_BY_OID = {row.oid: row for row in KNOWN_OIDS}


def oid_name(oid: str) -> str | None:
    """Return the human name of a known OID, or None.

    Args:
        oid: a dotted OID as the Root DSE lists it (surrounding blanks are ignored).
    """
    row = _BY_OID.get(oid.strip())
    return row.name if row else None
