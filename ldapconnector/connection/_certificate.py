"""The server certificate as a frozen value: subject, issuer, thumbprints, validity.

Decoded from the DER bytes with pyasn1 (already a dependency) so that the certificate can
be reported even when verification was switched off and ``ssl`` will not describe it.
Only the fields a person checks are decoded (RFC 5280 section 4.1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import ssl
from typing import Any

from pyasn1.codec.der import decoder as der_decoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import char, namedtype, tag, univ, useful

from ldapconnector.connection._ber import TagClass, iter_children, make_tag
from ldapconnector.escaping import escape_dn_value
from ldapconnector.model import ServerCertificate

__all__ = ["certificate_from_der", "certificate_of"]

log = logging.getLogger("ldapconnector.connection")

# Short names for the attribute types that appear in certificate names (RFC 4519).
_NAME_ATTRIBUTES = {
    "2.5.4.3": "CN",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress",
}


def _context_tag(number: int, *, constructed: bool = False) -> tag.Tag:
    form = tag.tagFormatConstructed if constructed else tag.tagFormatSimple
    return tag.Tag(tag.tagClassContext, form, number)


# ASN.1 specs (RFC 5280 section 4.1), built as instances rather than subclasses.
_TIME = univ.Choice(
    componentType=namedtype.NamedTypes(
        namedtype.NamedType("utcTime", useful.UTCTime()),
        namedtype.NamedType("generalTime", useful.GeneralizedTime()),
    )
)
_NAME = univ.SequenceOf(
    componentType=univ.SetOf(
        componentType=univ.Sequence(
            componentType=namedtype.NamedTypes(
                namedtype.NamedType("type", univ.ObjectIdentifier()),
                namedtype.NamedType("value", univ.Any()),
            )
        )
    )
)
_TBS_CERTIFICATE = univ.Sequence(
    componentType=namedtype.NamedTypes(
        namedtype.OptionalNamedType("version", univ.Integer().subtype(explicitTag=_context_tag(0))),
        namedtype.NamedType("serialNumber", univ.Integer()),
        namedtype.NamedType("signature", univ.Any()),
        namedtype.NamedType("issuer", _NAME),
        namedtype.NamedType(
            "validity",
            univ.Sequence(
                componentType=namedtype.NamedTypes(
                    namedtype.NamedType("notBefore", _TIME),
                    namedtype.NamedType("notAfter", _TIME),
                )
            ),
        ),
        namedtype.NamedType("subject", _NAME),
        namedtype.NamedType("subjectPublicKeyInfo", univ.Any()),
        namedtype.OptionalNamedType(
            "issuerUniqueID", univ.BitString().subtype(implicitTag=_context_tag(1))
        ),
        namedtype.OptionalNamedType(
            "subjectUniqueID", univ.BitString().subtype(implicitTag=_context_tag(2))
        ),
        namedtype.OptionalNamedType(
            "extensions", univ.Any().subtype(explicitTag=_context_tag(3, constructed=True))
        ),
    )
)


_SUBJECT_ALT_NAME_OID = "2.5.29.17"
_EXTENSIONS = univ.SequenceOf(
    componentType=univ.Sequence(
        componentType=namedtype.NamedTypes(
            namedtype.NamedType("extnID", univ.ObjectIdentifier()),
            namedtype.DefaultedNamedType("critical", univ.Boolean(False)),
            namedtype.NamedType("extnValue", univ.OctetString()),
        )
    )
)
# GeneralName tags (RFC 5280 section 4.2.1.6): [2] dNSName and [7] iPAddress, implicit.
_DNS_NAME_TAG = make_tag(TagClass.CONTEXT, 2)
_IP_ADDRESS_TAG = make_tag(TagClass.CONTEXT, 7)


def _alt_names(tbs: Any) -> tuple[str, ...]:
    extensions = tbs["extensions"]
    if not extensions.isValue:
        return ()
    decoded, _ = der_decoder.decode(bytes(extensions), asn1Spec=_EXTENSIONS)
    for extension in decoded:
        if str(extension["extnID"]) != _SUBJECT_ALT_NAME_OID:
            continue
        found: list[str] = []
        for tag_byte, contents in iter_children(bytes(extension["extnValue"])):
            if tag_byte == _DNS_NAME_TAG:
                found.append(contents.decode("ascii", "replace"))
            elif tag_byte == _IP_ADDRESS_TAG:
                found.append(str(ipaddress.ip_address(contents)))
        return tuple(found)
    return ()


def _decode_tbs(der: bytes) -> Any:
    # Decode the outer SEQUENCE generically, then the to-be-signed part with our spec; the
    # extensions are kept as undecoded bytes on purpose.
    outer, _ = der_decoder.decode(der, asn1Spec=univ.SequenceOf(componentType=univ.Any()))
    tbs_der = bytes(outer[0])
    tbs, _ = der_decoder.decode(tbs_der, asn1Spec=_TBS_CERTIFICATE)
    return tbs


def _attribute_text(value: Any) -> str:
    for spec in (char.UTF8String(), char.PrintableString(), char.IA5String()):
        try:
            decoded, _ = der_decoder.decode(bytes(value), asn1Spec=spec)
        except PyAsn1Error:
            continue
        return str(decoded)
    return "#" + bytes(value).hex()


def _name_text(name: Any) -> str:
    parts: list[str] = []
    # Certificates store the least specific RDN first; LDAP order is the reverse.
    for rdn in reversed(list(name)):
        pieces = []
        for atv in rdn:
            oid = str(atv["type"])
            value = escape_dn_value(_attribute_text(atv["value"]))
            pieces.append(f"{_NAME_ATTRIBUTES.get(oid, oid)}={value}")
        parts.append("+".join(pieces))
    return ",".join(parts)


def _time_value(choice: Any) -> dt.datetime:
    component = choice.getComponent()
    moment: dt.datetime = component.asDateTime
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def certificate_from_der(der: bytes) -> ServerCertificate:
    """Describe a DER-encoded X.509 certificate.

    Raises:
        ValueError: the bytes are not a certificate.
    """
    try:
        tbs = _decode_tbs(der)
        validity = tbs["validity"]
        return ServerCertificate(
            subject=_name_text(tbs["subject"]),
            issuer=_name_text(tbs["issuer"]),
            serial_number=format(int(tbs["serialNumber"]), "X"),
            not_before=_time_value(validity["notBefore"]),
            not_after=_time_value(validity["notAfter"]),
            sha1_thumbprint=hashlib.sha1(der, usedforsecurity=False).hexdigest().upper(),
            sha256_thumbprint=hashlib.sha256(der).hexdigest().upper(),
            subject_alt_names=_alt_names(tbs),
            der=der,
        )
    except (PyAsn1Error, IndexError, KeyError, ValueError) as exc:
        raise ValueError(f"not an X.509 certificate: {exc or type(exc).__name__}") from None


def certificate_of(sock: object) -> ServerCertificate | None:
    """Describe the certificate a TLS socket's peer presented (None for a plain socket)."""
    if not isinstance(sock, ssl.SSLSocket):
        return None
    der = sock.getpeercert(binary_form=True)
    if not der:
        return None
    try:
        return certificate_from_der(der)
    except ValueError:
        log.warning("the server certificate could not be decoded")
        return None
