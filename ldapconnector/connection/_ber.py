"""BER, the encoding of every LDAP message and control value: one codec for the package.

LDAP uses a subset of BER (RFC 4511 section 5.1): definite lengths only, in short form
(< 128) or long form, and a handful of types. This module encodes and decodes exactly
that subset: a TLV (tag, length, value), INTEGER and ENUMERATED in minimal two's
complement, OCTET STRING, BOOLEAN (``0xFF`` for true, as DER and the servers write it) and
constructed values (SEQUENCE, SET, tagged). The control codecs and the certificate's
subject-alternative-name reader build on it, and the lean search-result parser uses its
length reader.

Decoding comes at two levels. :func:`read_length` is the raw reader for hot loops: no
checks beyond what indexing does (a cut header raises ``IndexError``). :func:`read_tlv`
and :func:`iter_children` check what they read and raise :class:`BerError` (a
``ValueError``) for truncated, indefinite-length or primitive-where-constructed input.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

__all__ = [
    "BerError",
    "Tag",
    "TagClass",
    "decode_boolean",
    "decode_integer",
    "encode_boolean",
    "encode_enumerated",
    "encode_integer",
    "encode_length",
    "encode_octet_string",
    "encode_sequence",
    "encode_tlv",
    "iter_children",
    "iter_tlvs",
    "make_tag",
    "read_length",
    "read_tlv",
]

_LONG_FORM = 0x80  # the length byte's high bit: the low bits count the length bytes
_CONSTRUCTED = 0x20  # the tag byte's constructed bit
_HIGH_TAG_NUMBER = 0x1F  # tag numbers from 31 on need more bytes; LDAP never uses them


class BerError(ValueError):
    """The bytes are not a BER element of the subset LDAP uses."""


class TagClass(enum.IntEnum):
    """The class bits of a tag byte (X.690 section 8.1.2.2)."""

    UNIVERSAL = 0x00
    APPLICATION = 0x40
    CONTEXT = 0x80
    PRIVATE = 0xC0


class Tag(enum.IntEnum):
    """The universal tags LDAP uses, as whole tag bytes (SEQUENCE and SET constructed)."""

    BOOLEAN = 0x01
    INTEGER = 0x02
    OCTET_STRING = 0x04
    ENUMERATED = 0x0A
    SEQUENCE = 0x30
    SET = 0x31


def make_tag(tag_class: TagClass, number: int, *, constructed: bool = False) -> int:
    """The tag byte for ``[APPLICATION n]``, ``[n]`` (context) and the like.

    Raises:
        ValueError: ``number`` needs the multi-byte form (31 or more), which LDAP never uses.
    """
    if not 0 <= number < _HIGH_TAG_NUMBER:
        raise ValueError(f"tag number {number} is not a one-byte tag")
    return tag_class | (_CONSTRUCTED if constructed else 0) | number


def encode_length(size: int) -> bytes:
    """A definite length: one byte below 128, else the long form (count, then big-endian)."""
    if size < _LONG_FORM:
        return bytes([size])
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([_LONG_FORM | len(length)]) + length


def encode_tlv(tag: int, contents: bytes) -> bytes:
    """One element: the tag byte, the definite length of ``contents``, then ``contents``."""
    size = len(contents)
    if size < _LONG_FORM:  # the common case, without building the length separately
        return bytes([tag, size]) + contents
    return bytes([tag]) + encode_length(size) + contents


def encode_integer(value: int, tag: int = Tag.INTEGER) -> bytes:
    """An INTEGER (or an implicitly tagged one) in the fewest two's-complement bytes."""
    magnitude = value if value >= 0 else -value - 1
    size = max(1, (magnitude.bit_length() + 8) // 8)  # room for the sign bit
    return encode_tlv(tag, value.to_bytes(size, "big", signed=True))


def encode_enumerated(value: int, tag: int = Tag.ENUMERATED) -> bytes:
    """An ENUMERATED (encoded like an INTEGER, with its own tag)."""
    return encode_integer(value, tag)


def encode_boolean(value: bool, tag: int = Tag.BOOLEAN) -> bytes:
    """A BOOLEAN: ``0xFF`` for true, ``0x00`` for false."""
    return encode_tlv(tag, b"\xff" if value else b"\x00")


def encode_octet_string(value: bytes, tag: int = Tag.OCTET_STRING) -> bytes:
    """An OCTET STRING (LDAPString, LDAPDN and attribute values are all octet strings)."""
    return encode_tlv(tag, value)


def encode_sequence(*elements: bytes, tag: int = Tag.SEQUENCE) -> bytes:
    """A constructed value holding the already encoded ``elements`` in order."""
    return encode_tlv(tag, b"".join(elements))


def decode_integer(contents: bytes) -> int:
    """The value of an INTEGER's or ENUMERATED's contents (two's complement).

    Raises:
        BerError: the contents are empty (X.690 requires at least one byte).
    """
    if not contents:
        raise BerError("an INTEGER has at least one content byte")
    return int.from_bytes(contents, "big", signed=True)


def decode_boolean(contents: bytes) -> bool:
    """The value of a BOOLEAN's contents: any non-zero byte is true (BER, not only DER).

    Raises:
        BerError: the contents are not exactly one byte.
    """
    if len(contents) != 1:
        raise BerError(f"a BOOLEAN has one content byte, not {len(contents)}")
    return contents[0] != 0


def read_length(buf: bytes, index: int) -> tuple[int, int]:
    """Read the definite length at ``index``: (length, index of the contents).

    The raw reader of the hot path (the lean search-result parser calls it for every
    long-form length): no checks, so a header cut short raises ``IndexError`` and the
    caller judges the rest.
    """
    first = buf[index]
    if first < _LONG_FORM:
        return first, index + 1
    count = first & 0x7F
    return int.from_bytes(buf[index + 1 : index + 1 + count], "big"), index + 1 + count


def read_tlv(buf: bytes, index: int = 0) -> tuple[int, bytes, int]:
    """Read the element at ``index``: (tag byte, contents, index just after it).

    Args:
        buf: the bytes holding the element.
        index: where the element's tag byte is.

    Raises:
        BerError: the element is cut short, has an indefinite length or a multi-byte tag.
    """
    if index + 2 > len(buf):
        raise BerError(f"truncated BER element at offset {index}")
    tag = buf[index]
    if tag & _HIGH_TAG_NUMBER == _HIGH_TAG_NUMBER:
        raise BerError(f"multi-byte tag at offset {index}")
    if buf[index + 1] == _LONG_FORM:
        raise BerError(f"indefinite length at offset {index} (LDAP allows definite only)")
    size, start = read_length(buf, index + 1)
    end = start + size
    if end > len(buf):
        raise BerError(f"truncated BER element at offset {index}")
    return tag, buf[start:end], end


def iter_tlvs(buf: bytes) -> Iterator[tuple[int, bytes]]:
    """Yield (tag byte, contents) of each element laid end to end in ``buf``.

    Raises:
        BerError: an element is malformed (see :func:`read_tlv`).
    """
    index = 0
    while index < len(buf):
        tag, contents, index = read_tlv(buf, index)
        yield tag, contents


def iter_children(buf: bytes, index: int = 0) -> Iterator[tuple[int, bytes]]:
    """Iterate over (tag byte, contents) of each child of the constructed element at ``index``.

    The element itself is checked at once; its children as the iteration reaches them.

    Raises:
        BerError: the element is primitive or any element is malformed.
    """
    tag, contents, _ = read_tlv(buf, index)
    if not tag & _CONSTRUCTED:
        raise BerError(f"the element at offset {index} (tag {tag:#04x}) is not constructed")
    return iter_tlvs(contents)
