"""The lean searchResEntry parser against hand-built BER messages (RFC 4511 section 4.5.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldapconnector.connection._lean import parse_search_entry


def tlv(tag: int, contents: bytes) -> bytes:
    """Encode one BER element with a definite length (short or long form)."""
    size = len(contents)
    if size < 0x80:
        return bytes([tag, size]) + contents
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + contents


def entry_message(message_id: int, dn: bytes, attributes: dict[bytes, list[bytes]]) -> bytes:
    """A complete LDAPMessage carrying one searchResEntry."""
    partial = b"".join(
        tlv(0x30, tlv(0x04, name) + tlv(0x31, b"".join(tlv(0x04, v) for v in values)))
        for name, values in attributes.items()
    )
    operation = tlv(0x64, tlv(0x04, dn) + tlv(0x30, partial))
    return tlv(0x30, tlv(0x02, message_id.to_bytes(2, "big", signed=True)) + operation)


def test_parses_dn_and_values_with_long_lengths() -> None:
    """Values longer than 127 and 255 bytes use long-form lengths and come back intact."""
    photo = bytes(range(256)) * 3
    message = entry_message(7, b"uid=a,dc=x", {b"cn": [b"A"], b"jpegPhoto": [photo]})
    assert parse_search_entry(message, 7) == (b"uid=a,dc=x", {b"cn": [b"A"], b"jpegPhoto": [photo]})


def test_other_message_id_or_type_is_left_to_ldap3() -> None:
    """A different message id, or a message that is not an entry, gives None."""
    message = entry_message(7, b"dc=x", {b"o": [b"x"]})
    assert parse_search_entry(message, 8) is None
    done = tlv(0x30, tlv(0x02, b"\x07") + tlv(0x65, tlv(0x0A, b"\x00") + b"\x04\x00\x04\x00"))
    assert parse_search_entry(done, 7) is None


def test_truncated_message_raises_index_error() -> None:
    """A truncated message fails with IndexError, which the strategy hands to ldap3."""
    message = entry_message(7, b"dc=x", {b"o": [b"x"]})
    with pytest.raises(IndexError):
        parse_search_entry(message[:12], 7)


@given(
    st.integers(min_value=1, max_value=32000),
    st.binary(max_size=300),
    st.dictionaries(
        st.binary(min_size=1, max_size=20),
        st.lists(st.binary(max_size=400), max_size=4),
        max_size=5,
    ),
)
def test_round_trip(message_id: int, dn: bytes, attributes: dict[bytes, list[bytes]]) -> None:
    """Whatever is encoded is parsed back unchanged."""
    message = entry_message(message_id, dn, attributes)
    assert parse_search_entry(message, message_id) == (dn, attributes)
