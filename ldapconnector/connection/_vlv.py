"""Virtual List View with server-side sorting: paging for servers without paged results.

The controls are small, so they are encoded and decoded here with the package's BER codec
(:mod:`~ldapconnector.connection._ber`): server-side sort (RFC 2891) and the VLV
request/response (draft-ietf-ldapext-ldapv3-vlv-09). A listing is read window by window
*by offset*, so each request names where it starts.
"""

from __future__ import annotations

import attrs

from ldapconnector.connection._ber import (
    BerError,
    Tag,
    TagClass,
    decode_integer,
    encode_boolean,
    encode_integer,
    encode_octet_string,
    encode_sequence,
    iter_tlvs,
    make_tag,
    read_tlv,
)

__all__ = [
    "VlvWindow",
    "decode_vlv_response",
    "encode_sort_request",
    "encode_vlv_request",
]


_BY_OFFSET = make_tag(TagClass.CONTEXT, 0, constructed=True)  # target CHOICE byOffset [0]
_REVERSE_ORDER = make_tag(TagClass.CONTEXT, 1)  # SortKey reverseOrder [1] BOOLEAN


def encode_sort_request(attribute: str, *, reverse: bool = False) -> bytes:
    """SortKeyList with one key (RFC 2891 section 1.1)."""
    key = encode_octet_string(attribute.encode("utf-8"))
    if reverse:
        key += encode_boolean(True, _REVERSE_ORDER)  # absent means ascending (DEFAULT FALSE)
    return encode_sequence(encode_sequence(key))


def encode_vlv_request(
    offset: int, count: int, content_count: int, context_id: bytes | None = None
) -> bytes:
    """VirtualListViewRequest asking for ``count`` entries from 1-based ``offset``."""
    by_offset = encode_sequence(
        encode_integer(offset), encode_integer(content_count), tag=_BY_OFFSET
    )
    body = encode_integer(0) + encode_integer(count - 1) + by_offset  # before 0, after n-1
    if context_id:
        body += encode_octet_string(context_id)
    return encode_sequence(body)


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


def decode_vlv_response(value: bytes) -> VlvWindow:
    """Decode a VirtualListViewResponse control value.

    Raises:
        ValueError: the value is not a VLV response.
    """
    try:
        tag, body, _ = read_tlv(value)
        if tag != Tag.SEQUENCE:
            raise ValueError("not a SEQUENCE")
        fields = [contents for _tag, contents in iter_tlvs(body)]
        if len(fields) < 3:
            raise BerError("fewer than three fields")
        position, count, result = (decode_integer(field) for field in fields[:3])
    except BerError as error:
        raise ValueError(f"truncated VLV response: {error}") from None
    return VlvWindow(
        target_position=position,
        content_count=count,
        result=result,
        context_id=fields[3] if len(fields) > 3 and fields[3] else None,
    )
