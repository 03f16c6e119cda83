"""The BER codec: golden bytes for each primitive, pyasn1 as a second opinion, round trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyasn1.codec.ber import encoder as ber_encoder
from pyasn1.codec.der import encoder as der_encoder
from pyasn1.type import univ

from ldapconnector.connection._ber import (
    BerError,
    Tag,
    TagClass,
    decode_boolean,
    decode_integer,
    encode_boolean,
    encode_enumerated,
    encode_integer,
    encode_length,
    encode_octet_string,
    encode_sequence,
    encode_tlv,
    iter_children,
    iter_tlvs,
    make_tag,
    read_length,
    read_tlv,
)


def pyasn1_integer(value: int) -> bytes:
    """pyasn1's INTEGER, except where it spends a needless byte.

    For -2**7, -2**15, -2**31, ... pyasn1 writes a leading 0xFF that X.690 section 8.3.2
    forbids (the first nine bits must not all be ones); the minimal form drops it.
    """
    encoded: bytes = ber_encoder.encode(univ.Integer(value))
    tag, contents, _ = read_tlv(encoded)
    if contents[:2] == b"\xff\x80":  # nine leading ones: never minimal
        return encode_tlv(tag, contents[1:])
    return encoded


# A nested value: an INTEGER, an OCTET STRING, or a SEQUENCE of nested values.
Nested = int | bytes | list[Any]


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, "00"), (127, "7f"), (128, "8180"), (255, "81ff"), (256, "820100"), (65536, "83010000")],
)
def test_length_short_and_long_form(size: int, expected: str) -> None:
    """Below 128 one byte; from 128 on the long form, count byte then big-endian length."""
    assert encode_length(size) == bytes.fromhex(expected)
    assert read_length(bytes.fromhex(expected), 0) == (size, len(expected) // 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "020100"),
        (1, "020101"),
        (127, "02017f"),
        (128, "02020080"),
        (256, "02020100"),
        (-1, "0201ff"),
        (-128, "020180"),
        (-129, "0202ff7f"),
        (2**31, "02050080000000"),
        (-(2**31), "020480000000"),
    ],
)
def test_integer_is_minimal_twos_complement(value: int, expected: str) -> None:
    """INTEGER contents are the fewest bytes that keep the sign, as pyasn1 encodes them."""
    assert encode_integer(value) == bytes.fromhex(expected)
    assert encode_integer(value) == pyasn1_integer(value)
    assert decode_integer(bytes.fromhex(expected)[2:]) == value


def test_enumerated_and_implicit_integer_tags() -> None:
    """ENUMERATED is an INTEGER with tag 0x0A; an implicit tag replaces the INTEGER tag."""
    assert encode_enumerated(3) == bytes.fromhex("0a0103")
    assert encode_enumerated(3) == ber_encoder.encode(univ.Enumerated(3))
    assert encode_integer(5, make_tag(TagClass.CONTEXT, 0)) == bytes.fromhex("800105")


def test_boolean_true_is_ff() -> None:
    """TRUE is 0xFF (DER, what servers expect); decoding accepts any non-zero byte."""
    assert encode_boolean(True) == bytes.fromhex("0101ff")
    assert encode_boolean(False) == bytes.fromhex("010100")
    assert encode_boolean(True) == der_encoder.encode(univ.Boolean(True))
    assert encode_boolean(True, make_tag(TagClass.CONTEXT, 1)) == bytes.fromhex("8101ff")
    assert decode_boolean(b"\x01") is True
    assert decode_boolean(b"\x00") is False
    with pytest.raises(BerError, match="one content byte"):
        decode_boolean(b"")


def test_octet_string_short_and_long() -> None:
    """OCTET STRING contents are copied; 300 bytes take a two-byte long-form length."""
    assert encode_octet_string(b"sn") == bytes.fromhex("0402736e")
    assert encode_octet_string(b"") == bytes.fromhex("0400")
    long = b"a" * 300
    assert encode_octet_string(long) == bytes.fromhex("0482012c") + long
    assert encode_octet_string(long) == ber_encoder.encode(univ.OctetString(long))


def test_sequence_and_tags() -> None:
    """A SEQUENCE wraps encoded elements; tag bytes combine class, form and number."""
    encoded = encode_sequence(encode_integer(1), encode_integer(2))
    assert encoded == bytes.fromhex("3006020101020102")
    pair = univ.SequenceOf(componentType=univ.Integer())
    pair.extend([1, 2])
    assert encoded == ber_encoder.encode(pair)
    assert encode_sequence() == bytes.fromhex("3000")
    assert encode_sequence(b"", tag=Tag.SET) == bytes.fromhex("3100")
    assert make_tag(TagClass.APPLICATION, 4, constructed=True) == 0x64  # searchResEntry
    assert make_tag(TagClass.CONTEXT, 0, constructed=True) == 0xA0
    assert make_tag(TagClass.CONTEXT, 7) == 0x87
    with pytest.raises(ValueError, match="one-byte tag"):
        make_tag(TagClass.CONTEXT, 31)


def test_read_tlv_and_children() -> None:
    """read_tlv returns tag, contents and the next offset; iter_children walks a SEQUENCE."""
    value = encode_sequence(encode_integer(41), encode_octet_string(b"ck")) + b"\x05\x00"
    assert read_tlv(value) == (0x30, bytes.fromhex("020129") + bytes.fromhex("0402636b"), 9)
    assert read_tlv(value, 9) == (0x05, b"", 11)
    assert list(iter_children(value)) == [(0x02, b"\x29"), (0x04, b"ck")]
    assert list(iter_tlvs(bytes.fromhex("0400010100"))) == [(0x04, b""), (0x01, b"\x00")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("30", "truncated"),
        ("3005020101", "truncated"),
        ("3082", "truncated"),
        ("3080020101", "indefinite"),
        ("1f0100", "multi-byte tag"),
    ],
)
def test_malformed_elements_raise_ber_error(data: str, message: str) -> None:
    """Cut-short, indefinite-length and multi-byte-tag elements are refused by name."""
    with pytest.raises(BerError, match=message):
        read_tlv(bytes.fromhex(data))


def test_cut_short_contents_and_other_refusals() -> None:
    """Contents shorter than the length are refused; a primitive has no children; INTEGER
    needs a byte."""
    with pytest.raises(BerError, match="truncated"):
        read_tlv(bytes.fromhex("3005020101"))
    with pytest.raises(BerError, match="truncated"):
        read_tlv(bytes.fromhex("3082"))  # the header itself is cut
    with pytest.raises(BerError, match="not constructed"):
        iter_children(bytes.fromhex("020101"))
    with pytest.raises(BerError, match="INTEGER"):
        decode_integer(b"")
    assert isinstance(BerError("x"), ValueError)


@given(st.integers())
def test_integer_round_trip_and_pyasn1_agrees(value: int) -> None:
    """Any integer, however large, encodes as pyasn1 does and decodes back."""
    encoded = encode_integer(value)
    assert encoded == pyasn1_integer(value)
    assert decode_integer(read_tlv(ber_encoder.encode(univ.Integer(value)))[1]) == value
    tag, contents, end = read_tlv(encoded)
    assert (tag, decode_integer(contents), end) == (Tag.INTEGER, value, len(encoded))


@given(st.binary(max_size=70_000))
def test_octet_string_round_trip(value: bytes) -> None:
    """Octet strings up to three length bytes come back unchanged."""
    encoded = encode_octet_string(value)
    assert read_tlv(encoded) == (Tag.OCTET_STRING, value, len(encoded))


def _encode(value: Nested) -> bytes:
    if isinstance(value, int):
        return encode_integer(value)
    if isinstance(value, bytes):
        return encode_octet_string(value)
    return encode_sequence(*(_encode(item) for item in value))


def _decode(tag: int, contents: bytes) -> Nested:
    if tag == Tag.INTEGER:
        return decode_integer(contents)
    if tag == Tag.OCTET_STRING:
        return contents
    assert tag == Tag.SEQUENCE
    return [_decode(child_tag, child) for child_tag, child in iter_tlvs(contents)]


NESTED = st.recursive(
    st.integers() | st.binary(max_size=200),
    lambda children: st.lists(children, max_size=6),
    max_leaves=40,
)


@given(NESTED)
def test_nested_sequence_round_trip(value: Nested) -> None:
    """Nested SEQUENCEs of integers and octet strings decode to what was encoded."""
    encoded = _encode(value)
    tag, contents, end = read_tlv(encoded)
    assert end == len(encoded)
    assert _decode(tag, contents) == value


def test_encode_tlv_matches_the_typed_encoders() -> None:
    """encode_tlv is the one primitive the typed encoders share."""
    assert encode_tlv(Tag.OCTET_STRING, b"sn") == encode_octet_string(b"sn")
    assert encode_tlv(0x30, b"x" * 200)[:3] == bytes.fromhex("3081c8")
