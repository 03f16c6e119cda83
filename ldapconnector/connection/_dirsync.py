"""The DirSync control's value (MS-ADTS 3.1.1.3.4.1.3): AD's changes-since-a-cookie search.

Request value: ``SEQUENCE { flags INTEGER, maxBytes INTEGER, cookie OCTET STRING }``;
response value: ``SEQUENCE { moreResults INTEGER, unused INTEGER, cookie OCTET STRING }``.
The delta reader (:mod:`ldapconnector.profiles.delta`) sends the control and keeps the
cookie; this module only encodes and decodes the values.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ldapconnector.connection._ber import (
    BerError,
    decode_integer,
    encode_integer,
    encode_octet_string,
    encode_sequence,
    iter_children,
)

__all__ = ["DirSyncFlag", "decode_dirsync_response", "encode_dirsync_request"]

_DEFAULT_MAX_BYTES = 1 << 20
_SIGN_BIT = 0x80000000  # AD reads the flags as a signed 32-bit integer


class DirSyncFlag(enum.IntFlag):
    """The request flags (MS-ADTS 3.1.1.3.4.1.3)."""

    NONE = 0
    OBJECT_SECURITY = 0x1
    """Only what the account may read; no replication right needed (deletes need rights)."""
    ANCESTORS_FIRST_ORDER = 0x800
    PUBLIC_DATA_ONLY = 0x2000
    INCREMENTAL_VALUES = 0x80000000
    """Linked attributes (``member``) as added values only, not the whole list."""


def encode_dirsync_request(
    flags: int, max_bytes: int = _DEFAULT_MAX_BYTES, cookie: bytes = b""
) -> bytes:
    """The DirSync request value; ``flags`` is sent as AD's signed 32-bit integer.

    Args:
        flags: :class:`DirSyncFlag` values or'ed together.
        max_bytes: the most the server should return in one response.
        cookie: the previous response's cookie; empty for the first request.
    """
    signed = flags - (1 << 32) if flags & _SIGN_BIT else flags
    return encode_sequence(
        encode_integer(signed), encode_integer(max_bytes), encode_octet_string(cookie)
    )


def decode_dirsync_response(value: Mapping[str, object] | bytes | None) -> tuple[bool, bytes]:
    """``(more_results, cookie)`` of a DirSync response value (decoded mapping or BER).

    ldap3 decodes this control itself (a mapping with ``more_results`` and ``cookie``);
    the raw BER value is read here for a value that reaches us undecoded.

    Raises:
        ValueError: the value is missing or not a DirSync response.
    """
    if isinstance(value, Mapping):
        cookie = value.get("cookie")
        if not isinstance(cookie, bytes | bytearray):
            raise ValueError("DirSync response without a cookie")
        return bool(value.get("more_results")), bytes(cookie)
    if not value:
        raise ValueError("empty DirSync response")
    try:
        fields = [contents for _tag, contents in iter_children(value)]
        if len(fields) < 3:
            raise BerError("fewer than three fields")
        more = decode_integer(fields[0])
    except BerError as error:
        raise ValueError(f"truncated DirSync response: {error}") from None
    return more != 0, fields[2]
