"""Virtual List View with server-side sorting: paging for servers without paged results.

The controls are small, so they are encoded and decoded here directly in BER:
server-side sort (RFC 2891) and the VLV request/response (draft-ietf-ldapext-ldapv3-vlv-09).
A listing is read window by window *by offset*, so each request names where it starts.
"""

from __future__ import annotations

import attrs

__all__ = [
    "VlvWindow",
    "decode_vlv_response",
    "encode_sort_request",
    "encode_vlv_request",
]


def _tlv(tag: int, contents: bytes) -> bytes:
    size = len(contents)
    if size < 0x80:
        return bytes([tag, size]) + contents
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + contents


def _integer(value: int, tag: int = 0x02) -> bytes:
    size = max(1, (value.bit_length() + 8) // 8)  # room for the sign bit
    return _tlv(tag, value.to_bytes(size, "big", signed=True))


def encode_sort_request(attribute: str, *, reverse: bool = False) -> bytes:
    """SortKeyList with one key (RFC 2891 section 1.1)."""
    key = _tlv(0x04, attribute.encode("utf-8"))
    if reverse:
        key += _tlv(0x81, b"\xff")  # reverseOrder [1] BOOLEAN
    return _tlv(0x30, _tlv(0x30, key))


def encode_vlv_request(
    offset: int, count: int, content_count: int, context_id: bytes | None = None
) -> bytes:
    """VirtualListViewRequest asking for ``count`` entries from 1-based ``offset``."""
    by_offset = _tlv(0xA0, _integer(offset) + _integer(content_count))
    body = _integer(0) + _integer(count - 1) + by_offset
    if context_id:
        body += _tlv(0x04, context_id)
    return _tlv(0x30, body)


@attrs.frozen
class VlvWindow:
    """What the server said about the listing (VirtualListViewResponse).

    Attributes:
        target_position: the 1-based position of the first entry returned.
        content_count: the server's estimate of the listing's size.
        result: the VLV result code (0 success).
        context_id: the server's context for the next request, when it sent one.
    """

    target_position: int
    content_count: int
    result: int
    context_id: bytes | None = None


def _read(buf: bytes, index: int) -> tuple[int, bytes, int]:
    """Read one element at ``index``: (tag, contents, index after it)."""
    tag = buf[index]
    size = buf[index + 1]
    start = index + 2
    if size & 0x80:
        count = size & 0x7F
        size = int.from_bytes(buf[start : start + count], "big")
        start += count
    return tag, buf[start : start + size], start + size


def decode_vlv_response(value: bytes) -> VlvWindow:
    """Decode a VirtualListViewResponse control value.

    Raises:
        ValueError: the value is not a VLV response.
    """
    try:
        tag, body, _ = _read(value, 0)
        if tag != 0x30:
            raise ValueError("not a SEQUENCE")
        _, position, index = _read(body, 0)
        _, count, index = _read(body, index)
        _, result, index = _read(body, index)
        context = _read(body, index)[1] if index < len(body) else None
    except IndexError:
        raise ValueError("truncated VLV response") from None
    return VlvWindow(
        target_position=int.from_bytes(position, "big", signed=True),
        content_count=int.from_bytes(count, "big", signed=True),
        result=int.from_bytes(result, "big"),
        context_id=context or None,
    )
