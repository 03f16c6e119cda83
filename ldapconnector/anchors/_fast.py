"""Canonical anchor values straight from the directory's value, without ``uuid.UUID``.

A full import reads one anchor per entry; going through :mod:`._codecs` builds two
``uuid.UUID`` objects per anchor (one to decode, one in :class:`Anchor`'s check that the
value is canonical). The functions here produce the same canonical string directly:
the hex digits of the 16 octets in the kind's byte order, or the server's text when it is
already in canonical form (checked with one regular expression). For anything else they
return None and the caller takes the codec's path, which also produces the error; so the
results are the codecs' own (``tests/anchors/test_anchor_fast.py`` checks that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ldapconnector.anchors._strategy import AnchorKind

__all__ = ["FAST_CANONICAL"]

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CANONICAL_NS_UNIQUE_ID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{8}){3}")
_GUID_BYTES = 16


def _dashed(digits: str) -> str:
    """``8-4-4-4-12`` dashes in 32 hex digits: the RFC 4122 string form."""
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _text(raw: str | bytes, pattern: re.Pattern[str]) -> str | None:
    if isinstance(raw, bytes):
        if not raw.isascii():
            return None
        raw = raw.decode("ascii")
    text = raw.lower()
    return text if pattern.fullmatch(text) else None


def _entry_uuid(raw: str | bytes) -> str | None:
    # RFC 4530: the string form; a 16-octet binary value is read in network order.
    if isinstance(raw, bytes) and len(raw) == _GUID_BYTES:
        return _dashed(raw.hex())
    return _text(raw, _CANONICAL_UUID)


def _object_guid(raw: str | bytes) -> str | None:
    # MS-DTYP 2.3.4.2: Data1, Data2 and Data3 little-endian, the last eight octets in order.
    if not isinstance(raw, bytes) or len(raw) != _GUID_BYTES:
        return None
    return _dashed(raw[3::-1].hex() + raw[5:3:-1].hex() + raw[7:5:-1].hex() + raw[8:].hex())


def _edirectory_guid(raw: str | bytes) -> str | None:
    if not isinstance(raw, bytes) or len(raw) != _GUID_BYTES:
        return None
    return _dashed(raw.hex())


#: Anchor kind -> directory value -> its canonical string, or None (take the codec's path).
FAST_CANONICAL: Mapping[AnchorKind, Callable[[str | bytes], str | None]] = MappingProxyType(
    {
        AnchorKind.ENTRY_UUID: _entry_uuid,
        AnchorKind.OBJECT_GUID: _object_guid,
        AnchorKind.EDIRECTORY_GUID: _edirectory_guid,
        AnchorKind.NS_UNIQUE_ID: lambda raw: _text(raw, _CANONICAL_NS_UNIQUE_ID),
        AnchorKind.IBM_ENTRY_UUID: lambda raw: _text(raw, _CANONICAL_UUID),
    }
)
