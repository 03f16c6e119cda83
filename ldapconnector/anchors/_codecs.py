"""Value codecs: one per anchor kind, between the directory's value and a canonical string.

Each codec has three functions:

- ``decode(raw)``: the value a server returned (``bytes`` for binary kinds, ``str`` or
  ``bytes`` for the textual ones) -> the canonical string;
- ``encode(canonical)``: the canonical string -> the value to send (``bytes`` for binary
  kinds), so that ``decode(encode(c)) == c`` for every canonical ``c``;
- ``normalize(text)``: any accepted textual spelling (upper case, braces) -> canonical.

The byte orders, with their sources:

- ``objectGUID`` (MS-ADTS 3.1.1.3.1.2.4 and MS-DTYP 2.3.4.2): 16 octets, the first three
  fields (Data1, Data2, Data3) little-endian, the last eight octets in order: Python's
  ``uuid.UUID(bytes_le=...)``.
- eDirectory ``GUID`` (Novell NDK schema reference, attribute "GUID": a 16-octet string
  generated after the UUID draft): the octets in network order, all fields big-endian:
  ``uuid.UUID(bytes=...)``. Keycloak (``LDAPUtil.decodeGuid``) and ldap3 (``format_uuid``
  for syntax 2.16.840.1.113719.1.1.4.1.501) read it the same way; this is an assumption
  drawn from those, not from a NetIQ specification (docs/anchors.md says so).
- ``entryUUID`` (RFC 4530 section 2): the RFC 4122 string form; a 16-octet binary value is
  read in network order.
- ``nsUniqueId`` (389 DS / ODSEE): four groups of eight hex digits,
  ``xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx``; not RFC 4122.
- ``ibm-entryUUID`` (IBM TDS/SDS): observed in RFC 4122 string form; any other printable
  token is kept verbatim, since IBM documents the syntax only as Directory String.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import attrs

from ldapconnector.errors import InvalidRequestError

__all__ = [
    "DN_CODEC",
    "EDIRECTORY_GUID_CODEC",
    "ENTRY_UUID_CODEC",
    "IBM_ENTRY_UUID_CODEC",
    "NS_UNIQUE_ID_CODEC",
    "OBJECT_GUID_CODEC",
    "AnchorCodec",
]

_UUID_TEXT = re.compile(
    r"(?P<open>\{?)(?P<uuid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})(?P<close>\}?)"
)
_NS_UNIQUE_ID = re.compile(r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{8}){3}")
_TOKEN = re.compile(r"[\x21-\x7e]+")
_GUID_BYTES = 16


@attrs.frozen(kw_only=True)
class AnchorCodec:
    """The three conversions of one anchor kind (see the module docstring).

    A plug-in's codec may raise ``ValueError`` or ``TypeError`` for a value it refuses;
    :class:`~ldapconnector.anchors.Anchor` turns that into an ``InvalidRequestError``
    naming the kind (the built-in codecs raise ``InvalidRequestError`` themselves).

    Attributes:
        decode: directory value -> canonical string.
        encode: canonical string -> directory value.
        normalize: an accepted textual spelling -> canonical string.
    """

    decode: Callable[[str | bytes], str]
    encode: Callable[[str], str | bytes]
    normalize: Callable[[str], str]


def _refuse(what: str, value: object, expected: str) -> InvalidRequestError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return InvalidRequestError(f"not a valid {what} value: {shown}; expected {expected}")


def _uuid_text(text: str, what: str) -> uuid.UUID:
    """Parse the RFC 4122 dashed form, optionally in braces, any case."""
    match = _UUID_TEXT.fullmatch(text.strip())
    if match is None or len(match["open"]) != len(match["close"]):
        raise _refuse(what, text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)")
    return uuid.UUID(match["uuid"])


def _ascii(raw: str | bytes, what: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise _refuse(what, raw, "ASCII text") from None


# -- binary GUIDs -------------------------------------------------------------------------


def _guid_codec(what: str, *, little_endian: bool) -> AnchorCodec:
    """A codec for a 16-octet binary GUID in the given byte order."""

    def from_bytes(raw: bytes) -> uuid.UUID:
        if len(raw) != _GUID_BYTES:
            raise _refuse(what, raw, f"{_GUID_BYTES} octets, got {len(raw)}")
        return uuid.UUID(bytes_le=raw) if little_endian else uuid.UUID(bytes=raw)

    def decode(raw: str | bytes) -> str:
        # Text means a tool already formatted it (an LDIF dump, a log): take the string form.
        if isinstance(raw, str):
            return str(_uuid_text(raw, what))
        return str(from_bytes(raw))

    def encode(canonical: str) -> bytes:
        value = _uuid_text(canonical, what)
        return value.bytes_le if little_endian else value.bytes

    def normalize(text: str) -> str:
        return str(_uuid_text(text, what))

    return AnchorCodec(decode=decode, encode=encode, normalize=normalize)


OBJECT_GUID_CODEC = _guid_codec("objectGUID", little_endian=True)
EDIRECTORY_GUID_CODEC = _guid_codec("GUID", little_endian=False)


# -- textual identifiers ------------------------------------------------------------------


def _entry_uuid_codec(what: str) -> AnchorCodec:
    """RFC 4530 entryUUID: the RFC 4122 string, lower case (uuidMatch is octet-wise)."""

    def decode(raw: str | bytes) -> str:
        if isinstance(raw, bytes) and len(raw) == _GUID_BYTES:
            return str(uuid.UUID(bytes=raw))
        return str(_uuid_text(_ascii(raw, what), what))

    def normalize(text: str) -> str:
        return str(_uuid_text(text, what))

    return AnchorCodec(decode=decode, encode=normalize, normalize=normalize)


ENTRY_UUID_CODEC = _entry_uuid_codec("entryUUID")


def _ns_unique_id(text: str) -> str:
    stripped = text.strip()
    if _NS_UNIQUE_ID.fullmatch(stripped) is None:
        raise _refuse("nsUniqueId", text, "xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx (hex digits)")
    return stripped.lower()


NS_UNIQUE_ID_CODEC = AnchorCodec(
    decode=lambda raw: _ns_unique_id(_ascii(raw, "nsUniqueId")),
    encode=_ns_unique_id,
    normalize=_ns_unique_id,
)


def _ibm_entry_uuid(text: str) -> str:
    stripped = text.strip()
    if _UUID_TEXT.fullmatch(stripped) is not None:
        return str(_uuid_text(stripped, "ibm-entryUUID"))
    if _TOKEN.fullmatch(stripped) is None:
        raise _refuse("ibm-entryUUID", text, "a UUID or a printable token without spaces")
    return stripped


IBM_ENTRY_UUID_CODEC = AnchorCodec(
    decode=lambda raw: _ibm_entry_uuid(_ascii(raw, "ibm-entryUUID")),
    encode=_ibm_entry_uuid,
    normalize=_ibm_entry_uuid,
)


# -- the DN ---------------------------------------------------------------------------------


def _dn(text: str) -> str:
    stripped = text.strip()
    if not stripped or "\0" in stripped:
        raise _refuse("dn", text, "a non-empty distinguished name (RFC 4514)")
    return stripped


def _dn_from_directory(raw: str | bytes) -> str:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse("dn", raw, "UTF-8 text (RFC 4514)") from None
    return _dn(raw)


DN_CODEC = AnchorCodec(decode=_dn_from_directory, encode=_dn, normalize=_dn)
