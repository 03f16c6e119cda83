"""Syntax OID -> value type: one declarative table.

Sources: RFC 4517 section 3.3 (the LDAP syntaxes; "not human readable" ones are binary),
RFC 4523 (X.509 certificates), RFC 4530 (UUID), RFC 2307/2307bis (NIS), OpenLDAP's own
syntaxes, Active Directory's (MS-ADTS 3.1.1.2.2.2; AD attribute types name RFC syntax OIDs
plus five 1.2.840.113556.1.4.90x ones, and its native ``attributeSyntax`` values are
2.5.5.x), and NetIQ eDirectory's (2.16.840.1.113719.1.1.5.1.N, N being the NDS syntax
number that its ``ldapSyntaxes`` show as ``X-NDS_SYNTAX``).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ldapconnector.schema._model import ValueType

__all__ = ["SYNTAXES", "SyntaxInfo", "syntax_by_name"]

_S = ValueType.STRING
_I = ValueType.INTEGER
_B = ValueType.BOOLEAN
_D = ValueType.DN
_T = ValueType.GENERALIZED_TIME
_X = ValueType.BINARY


@attrs.frozen(kw_only=True)
class SyntaxInfo:
    """What ldapconnector knows about one syntax.

    Attributes:
        oid: the syntax OID.
        name: its usual description.
        value_type: the value type of attributes with this syntax.
        reference: the document that defines it.
    """

    oid: str
    name: str
    value_type: ValueType
    reference: str


_RFC4517 = "1.3.6.1.4.1.1466.115.121.1."
_NDS = "2.16.840.1.113719.1.1.5.1."
_ROWS: tuple[tuple[str, str, ValueType, str], ...] = (
    # RFC 4517 section 3.3 and the RFC 2252 syntaxes it kept registered.
    (_RFC4517 + "1", "ACI Item", _X, "RFC 2252"),
    (_RFC4517 + "2", "Access Point", _S, "RFC 2252"),
    (_RFC4517 + "3", "Attribute Type Description", _S, "RFC 4517 3.3.1"),
    (_RFC4517 + "4", "Audio", _X, "RFC 2252"),
    (_RFC4517 + "5", "Binary", _X, "RFC 2252"),
    (_RFC4517 + "6", "Bit String", _S, "RFC 4517 3.3.2"),
    (_RFC4517 + "7", "Boolean", _B, "RFC 4517 3.3.3"),
    (_RFC4517 + "8", "Certificate", _X, "RFC 4523 2.1"),
    (_RFC4517 + "9", "Certificate List", _X, "RFC 4523 2.2"),
    (_RFC4517 + "10", "Certificate Pair", _X, "RFC 4523 2.3"),
    (_RFC4517 + "11", "Country String", _S, "RFC 4517 3.3.4"),
    (_RFC4517 + "12", "Distinguished Name", _D, "RFC 4517 3.3.9"),
    (_RFC4517 + "13", "Data Quality Syntax", _S, "RFC 2252"),
    (_RFC4517 + "14", "Delivery Method", _S, "RFC 4517 3.3.5"),
    (_RFC4517 + "15", "Directory String", _S, "RFC 4517 3.3.6"),
    (_RFC4517 + "16", "DIT Content Rule Description", _S, "RFC 4517 3.3.7"),
    (_RFC4517 + "17", "DIT Structure Rule Description", _S, "RFC 4517 3.3.8"),
    (_RFC4517 + "18", "DL Submit Permission", _S, "RFC 2252"),
    (_RFC4517 + "19", "DSA Quality Syntax", _S, "RFC 2252"),
    (_RFC4517 + "20", "DSE Type", _S, "RFC 2252"),
    (_RFC4517 + "21", "Enhanced Guide", _S, "RFC 4517 3.3.10"),
    (_RFC4517 + "22", "Facsimile Telephone Number", _S, "RFC 4517 3.3.11"),
    (_RFC4517 + "23", "Fax", _X, "RFC 4517 3.3.12"),
    (_RFC4517 + "24", "Generalized Time", _T, "RFC 4517 3.3.13"),
    (_RFC4517 + "25", "Guide", _S, "RFC 4517 3.3.14"),
    (_RFC4517 + "26", "IA5 String", _S, "RFC 4517 3.3.15"),
    (_RFC4517 + "27", "INTEGER", _I, "RFC 4517 3.3.16"),
    (_RFC4517 + "28", "JPEG", _X, "RFC 4517 3.3.17"),
    (_RFC4517 + "29", "Master And Shadow Access Points", _S, "RFC 2252"),
    (_RFC4517 + "30", "Matching Rule Description", _S, "RFC 4517 3.3.19"),
    (_RFC4517 + "31", "Matching Rule Use Description", _S, "RFC 4517 3.3.20"),
    (_RFC4517 + "32", "Mail Preference", _S, "RFC 2252"),
    (_RFC4517 + "33", "MHS OR Address", _S, "RFC 2252"),
    (_RFC4517 + "34", "Name And Optional UID", _S, "RFC 4517 3.3.21"),
    (_RFC4517 + "35", "Name Form Description", _S, "RFC 4517 3.3.22"),
    (_RFC4517 + "36", "Numeric String", _S, "RFC 4517 3.3.23"),
    (_RFC4517 + "37", "Object Class Description", _S, "RFC 4517 3.3.24"),
    (_RFC4517 + "38", "OID", _S, "RFC 4517 3.3.26"),
    (_RFC4517 + "39", "Other Mailbox", _S, "RFC 4517 3.3.27"),
    (_RFC4517 + "40", "Octet String", _X, "RFC 4517 3.3.25"),
    (_RFC4517 + "41", "Postal Address", _S, "RFC 4517 3.3.28"),
    (_RFC4517 + "42", "Protocol Information", _S, "RFC 2252"),
    (_RFC4517 + "43", "Presentation Address", _S, "RFC 2252"),
    (_RFC4517 + "44", "Printable String", _S, "RFC 4517 3.3.29"),
    (_RFC4517 + "45", "Subtree Specification", _S, "RFC 3672"),
    (_RFC4517 + "46", "Supplier Information", _S, "RFC 2252"),
    (_RFC4517 + "47", "Supplier Or Consumer", _S, "RFC 2252"),
    (_RFC4517 + "48", "Supplier And Consumer", _S, "RFC 2252"),
    (_RFC4517 + "49", "Supported Algorithm", _X, "RFC 4523 2.4"),
    (_RFC4517 + "50", "Telephone Number", _S, "RFC 4517 3.3.31"),
    (_RFC4517 + "51", "Teletex Terminal Identifier", _S, "RFC 4517 3.3.32"),
    (_RFC4517 + "52", "Telex Number", _S, "RFC 4517 3.3.33"),
    (_RFC4517 + "53", "UTC Time", _S, "RFC 2252"),
    (_RFC4517 + "54", "LDAP Syntax Description", _S, "RFC 4517 3.3.18"),
    (_RFC4517 + "55", "Modify Rights", _S, "RFC 2252"),
    (_RFC4517 + "56", "LDAP Schema Definition", _S, "RFC 2252"),
    (_RFC4517 + "57", "LDAP Schema Description", _S, "RFC 2252"),
    (_RFC4517 + "58", "Substring Assertion", _S, "RFC 4517 3.3.30"),
    # Other RFCs.
    ("1.3.6.1.1.16.1", "UUID", _S, "RFC 4530"),
    ("1.3.6.1.1.1.0.0", "NIS Netgroup Triple", _S, "RFC 2307bis"),
    ("1.3.6.1.1.1.0.1", "Boot Parameter", _S, "RFC 2307bis"),
    ("1.3.6.1.1.15.1", "X.509 Certificate Exact Assertion", _X, "RFC 4523"),
    ("1.3.6.1.1.15.2", "X.509 Certificate Assertion", _X, "RFC 4523"),
    ("1.3.6.1.1.15.3", "X.509 Certificate Pair Exact Assertion", _X, "RFC 4523"),
    ("1.3.6.1.1.15.4", "X.509 Certificate Pair Assertion", _X, "RFC 4523"),
    ("1.3.6.1.1.15.5", "X.509 Certificate List Exact Assertion", _X, "RFC 4523"),
    ("1.3.6.1.1.15.6", "X.509 Certificate List Assertion", _X, "RFC 4523"),
    ("1.3.6.1.1.15.7", "X.509 Algorithm Identifier", _X, "RFC 4523"),
    ("1.2.840.113549.1.8.1.1", "PKCS#8 PrivateKeyInfo", _X, "RFC 5208"),
    # OpenLDAP.
    ("1.3.6.1.4.1.4203.666.11.10.2.1", "X.509 AttributeCertificate", _X, "OpenLDAP"),
    ("1.2.36.79672281.1.5.0", "RDN", _S, "OpenLDAP"),
    ("1.3.6.1.4.1.4203.666.11.2.1", "CSN", _S, "OpenLDAP"),
    ("1.3.6.1.4.1.4203.666.11.5.3.1", "accesslog Control", _S, "OpenLDAP"),
    ("1.3.6.1.4.1.4203.666.2.7", "authz", _S, "OpenLDAP"),
    ("1.3.6.1.4.1.4203.1.1.1", "OpenLDAP ACI", _S, "OpenLDAP"),
    # Active Directory attribute types (MS-ADTS 3.1.1.2.2.2).
    ("1.2.840.113556.1.4.903", "Object(DN-Binary)", _S, "MS-ADTS"),
    ("1.2.840.113556.1.4.904", "Object(DN-String)", _S, "MS-ADTS"),
    ("1.2.840.113556.1.4.905", "String(Teletex)", _S, "MS-ADTS"),
    ("1.2.840.113556.1.4.906", "LargeInteger", _I, "MS-ADTS"),
    ("1.2.840.113556.1.4.907", "String(NT-Sec-Desc)", _X, "MS-ADTS"),
    ("1.2.840.113556.1.4.1221", "Object(OR-Name)", _S, "MS-ADTS"),
    ("1.2.840.113556.1.4.1362", "String(Case)", _S, "MS-ADTS"),
    # Active Directory attributeSyntax values (attributeSchema objects, MS-ADTS 3.1.1.2.2.2).
    ("2.5.5.1", "Object(DS-DN)", _D, "MS-ADTS"),
    ("2.5.5.2", "String(Object-Identifier)", _S, "MS-ADTS"),
    ("2.5.5.3", "String(Case)", _S, "MS-ADTS"),
    ("2.5.5.4", "String(Teletex)", _S, "MS-ADTS"),
    ("2.5.5.5", "String(IA5)", _S, "MS-ADTS"),
    ("2.5.5.6", "String(Numeric)", _S, "MS-ADTS"),
    ("2.5.5.7", "Object(DN-Binary)", _S, "MS-ADTS"),
    ("2.5.5.8", "Boolean", _B, "MS-ADTS"),
    ("2.5.5.9", "Integer", _I, "MS-ADTS"),
    ("2.5.5.10", "String(Octet)", _X, "MS-ADTS"),
    ("2.5.5.11", "String(Generalized-Time)", _T, "MS-ADTS"),
    ("2.5.5.12", "String(Unicode)", _S, "MS-ADTS"),
    ("2.5.5.13", "Object(Presentation-Address)", _S, "MS-ADTS"),
    ("2.5.5.14", "Object(DN-String)", _S, "MS-ADTS"),
    ("2.5.5.15", "String(NT-Sec-Desc)", _X, "MS-ADTS"),
    ("2.5.5.16", "LargeInteger", _I, "MS-ADTS"),
    ("2.5.5.17", "String(Sid)", _X, "MS-ADTS"),
    # NetIQ eDirectory syntaxes by NDS syntax number (others are RFC 4517 ones).
    (_NDS + "0", "Unknown", _X, "eDirectory"),
    (_NDS + "6", "Case Ignore List", _S, "eDirectory"),
    (_NDS + "12", "Net Address", _X, "eDirectory"),
    (_NDS + "13", "Octet List", _X, "eDirectory"),
    (_NDS + "14", "EMail Address", _S, "eDirectory"),
    (_NDS + "15", "Path", _S, "eDirectory"),
    (_NDS + "16", "Replica Pointer", _X, "eDirectory"),
    (_NDS + "17", "Object ACL", _S, "eDirectory"),
    (_NDS + "19", "Timestamp", _S, "eDirectory"),
    (_NDS + "22", "Counter", _I, "eDirectory"),
    (_NDS + "23", "Back Link", _S, "eDirectory"),
    (_NDS + "25", "Typed Name", _S, "eDirectory"),
    (_NDS + "26", "Hold", _S, "eDirectory"),
    (_NDS + "27", "Interval", _I, "eDirectory"),
)

SYNTAXES: Mapping[str, SyntaxInfo] = {
    oid: SyntaxInfo(oid=oid, name=name, value_type=value_type, reference=reference)
    for oid, name, value_type, reference in _ROWS
}
"""Every syntax ldapconnector knows, by OID."""


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_BY_NAME: Mapping[str, SyntaxInfo] = {
    _squash(info.name): info
    for info in reversed(list(SYNTAXES.values()))
    if info.oid.startswith("1.")
}


def syntax_by_name(name: str) -> SyntaxInfo | None:
    """Find a syntax by its name, ignoring case, spaces and punctuation.

    Active Directory writes two syntaxes as a name (``SYNTAX 'OctetString'``); this reads them.
    """
    return _BY_NAME.get(_squash(name))
