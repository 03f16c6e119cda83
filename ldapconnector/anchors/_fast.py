"""Canonical anchor values straight from the directory's value, without ``uuid.UUID``.

A full import reads one anchor per entry; going through :mod:`._codecs` builds two
``uuid.UUID`` objects per anchor (one to decode, one in :class:`Anchor`'s check that the
value is canonical). The functions here produce the same canonical string directly:
the hex digits of the 16 octets in the kind's byte order, or the server's text when it is
already in canonical form (checked with one regular expression). For anything else they
return None and the caller takes the codec's path, which also produces the error; so the
results are the codecs' own (``tests/anchors/test_anchor_fast.py`` checks that).

The shortcuts are keyed by codec (:data:`FAST_BY_CODEC`): a strategy takes one only when
it uses that very built-in codec, so a plug-in with a codec of its own (or one that
replaces a built-in kind's codec) always takes the codec's path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ldapconnector.anchors._codecs import (
    EDIRECTORY_GUID_CODEC,
    ENTRY_UUID_CODEC,
    IBM_ENTRY_UUID_CODEC,
    NS_UNIQUE_ID_CODEC,
    OBJECT_GUID_CODEC,
    AnchorCodec,
)
from ldapconnector.anchors._kind import AnchorKind

__all__ = ["CANONICAL_TEXT_BY_CODEC", "FAST_BY_CODEC", "FAST_CANONICAL", "FastDecode"]

#: A directory value -> its canonical string, or None (take the codec's path).
FastDecode = Callable[[str | bytes], str | None]

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


def _ns_unique_id(raw: str | bytes) -> str | None:
    return _text(raw, _CANONICAL_NS_UNIQUE_ID)


def _ibm_entry_uuid(raw: str | bytes) -> str | None:
    return _text(raw, _CANONICAL_UUID)


#: Built-in codec -> its shortcut.
FAST_BY_CODEC: Mapping[AnchorCodec, FastDecode] = MappingProxyType(
    {
        ENTRY_UUID_CODEC: _entry_uuid,
        OBJECT_GUID_CODEC: _object_guid,
        EDIRECTORY_GUID_CODEC: _edirectory_guid,
        NS_UNIQUE_ID_CODEC: _ns_unique_id,
        IBM_ENTRY_UUID_CODEC: _ibm_entry_uuid,
    }
)

#: Built-in codec whose canonical form is text -> the pattern of that text: a ``str``
#: value matching it is its own canonical form (what the codec's shortcut returns for it),
#: so a page of anchors can be read with one match per entry and no call.
CANONICAL_TEXT_BY_CODEC: Mapping[AnchorCodec, re.Pattern[str]] = MappingProxyType(
    {
        ENTRY_UUID_CODEC: _CANONICAL_UUID,
        NS_UNIQUE_ID_CODEC: _CANONICAL_NS_UNIQUE_ID,
        IBM_ENTRY_UUID_CODEC: _CANONICAL_UUID,
    }
)

#: Built-in anchor kind -> the shortcut of its codec.
FAST_CANONICAL: Mapping[AnchorKind, FastDecode] = MappingProxyType(
    {
        AnchorKind.ENTRY_UUID: _entry_uuid,
        AnchorKind.OBJECT_GUID: _object_guid,
        AnchorKind.EDIRECTORY_GUID: _edirectory_guid,
        AnchorKind.NS_UNIQUE_ID: _ns_unique_id,
        AnchorKind.IBM_ENTRY_UUID: _ibm_entry_uuid,
    }
)
