"""Golden vectors for every anchor codec, including the bytes that broke other filters."""

from __future__ import annotations

import pytest

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.errors import InvalidRequestError

# 0x5c \, 0x2a *, 0x28 (, 0x29 ), 0x00 NUL and 0x0a LF: each has broken a GUID filter
# somewhere (ldap3 #287/#650/#762/#1000, LSC #14).
NASTY = bytes(
    [0x5C, 0x2A, 0x28, 0x29, 0x00, 0x0A, 0x41, 0xFF, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80]
)
NASTY_FILTER_VALUE = r"\5c\2a\28\29\00\0a\41\ff\10\20\30\40\50\60\70\80"

# (kind, directory value, canonical string, search filter)
GOLDEN = [
    pytest.param(
        AnchorKind.OBJECT_GUID,
        NASTY,
        "29282a5c-0a00-ff41-1020-304050607080",
        f"(objectGUID={NASTY_FILTER_VALUE})",
        id="objectGUID-nasty-bytes",
    ),
    pytest.param(
        AnchorKind.OBJECT_GUID,
        bytes.fromhex("90395F191AB51B4A9E9686C66CB18D11"),
        "195f3990-b51a-4a1b-9e96-86c66cb18d11",
        r"(objectGUID=\90\39\5f\19\1a\b5\1b\4a\9e\96\86\c6\6c\b1\8d\11)",
        id="objectGUID-ldapwiki-example",
    ),
    pytest.param(
        AnchorKind.EDIRECTORY_GUID,
        NASTY,
        "5c2a2829-000a-41ff-1020-304050607080",
        f"(GUID={NASTY_FILTER_VALUE})",
        id="GUID-nasty-bytes",
    ),
    pytest.param(
        AnchorKind.ENTRY_UUID,
        "597ae2f6-16a6-1027-98f4-d28b5365dc14",
        "597ae2f6-16a6-1027-98f4-d28b5365dc14",
        "(entryUUID=597ae2f6-16a6-1027-98f4-d28b5365dc14)",
        id="entryUUID-rfc4530-example",
    ),
    pytest.param(
        AnchorKind.NS_UNIQUE_ID,
        "ec697aad-bae811f0-9b9ddb23-c0e5c100",
        "ec697aad-bae811f0-9b9ddb23-c0e5c100",
        "(nsUniqueId=ec697aad-bae811f0-9b9ddb23-c0e5c100)",
        id="nsUniqueId-389",
    ),
    pytest.param(
        AnchorKind.IBM_ENTRY_UUID,
        "e6c41859-ced3-4772-bfa3-6ebbc58ec78a",
        "e6c41859-ced3-4772-bfa3-6ebbc58ec78a",
        "(ibm-entryUUID=e6c41859-ced3-4772-bfa3-6ebbc58ec78a)",
        id="ibm-entryUUID",
    ),
    pytest.param(
        AnchorKind.DN,
        "uid=bsimon,ou=people,dc=contoso,dc=lab",
        "uid=bsimon,ou=people,dc=contoso,dc=lab",
        "(objectClass=*)",
        id="dn",
    ),
]


@pytest.mark.parametrize(("kind", "raw", "canonical", "search_filter"), GOLDEN)
def test_golden_decode(
    kind: AnchorKind, raw: str | bytes, canonical: str, search_filter: str
) -> None:
    """The directory value decodes to the expected canonical string."""
    assert Anchor.from_directory(kind, raw).value == canonical


@pytest.mark.parametrize(("kind", "raw", "canonical", "search_filter"), GOLDEN)
def test_golden_encode(
    kind: AnchorKind, raw: str | bytes, canonical: str, search_filter: str
) -> None:
    """The canonical string encodes back to exactly the directory value."""
    assert Anchor.parse(kind, canonical).to_directory_value() == raw


@pytest.mark.parametrize(("kind", "raw", "canonical", "search_filter"), GOLDEN)
def test_golden_filter(
    kind: AnchorKind, raw: str | bytes, canonical: str, search_filter: str
) -> None:
    """The search filter is the expected, fully escaped RFC 4515 string."""
    assert Anchor.from_directory(kind, raw).search_filter() == search_filter


def test_binary_filter_has_no_raw_special_characters() -> None:
    """No byte of a binary anchor reaches the filter unescaped: only the outer parentheses."""
    text = Anchor.from_directory(AnchorKind.OBJECT_GUID, NASTY).search_filter()
    inner = text[len("(objectGUID=") : -1]
    assert not any(c in inner for c in "()*\0\n")
    assert inner.count("\\") == 16


def test_objectguid_and_edirectory_guid_differ_for_the_same_bytes() -> None:
    """The two binary kinds read the same 16 octets in their own byte orders."""
    ad = Anchor.from_directory(AnchorKind.OBJECT_GUID, NASTY).value
    edir = Anchor.from_directory(AnchorKind.EDIRECTORY_GUID, NASTY).value
    assert ad != edir
    assert ad[19:] == edir[19:]  # the last two groups are in stored order in both


@pytest.mark.parametrize(
    ("kind", "spelling", "canonical"),
    [
        (
            AnchorKind.OBJECT_GUID,
            "{29282A5C-0A00-FF41-1020-304050607080}",
            "29282a5c-0a00-ff41-1020-304050607080",
        ),
        (
            AnchorKind.EDIRECTORY_GUID,
            " 5C2A2829-000A-41FF-1020-304050607080 ",
            "5c2a2829-000a-41ff-1020-304050607080",
        ),
        (
            AnchorKind.ENTRY_UUID,
            "597AE2F6-16A6-1027-98F4-D28B5365DC14",
            "597ae2f6-16a6-1027-98f4-d28b5365dc14",
        ),
        (
            AnchorKind.NS_UNIQUE_ID,
            "EC697AAD-BAE811F0-9B9DDB23-C0E5C100",
            "ec697aad-bae811f0-9b9ddb23-c0e5c100",
        ),
        (
            AnchorKind.IBM_ENTRY_UUID,
            "E6C41859-CED3-4772-BFA3-6EBBC58EC78A",
            "e6c41859-ced3-4772-bfa3-6ebbc58ec78a",
        ),
        (AnchorKind.IBM_ENTRY_UUID, "Opaque-Token.42", "Opaque-Token.42"),
        (AnchorKind.DN, "  cn=A,dc=x ", "cn=A,dc=x"),
    ],
)
def test_parse_normalizes_spellings(kind: AnchorKind, spelling: str, canonical: str) -> None:
    """Upper case, braces and surrounding spaces are accepted and normalized."""
    assert Anchor.parse(kind, spelling).value == canonical


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (AnchorKind.OBJECT_GUID, NASTY[:15]),
        (AnchorKind.OBJECT_GUID, NASTY + b"\x00"),
        (AnchorKind.OBJECT_GUID, "5c2a2829000a41ff1020304050607080"),
        (AnchorKind.OBJECT_GUID, "{29282a5c-0a00-ff41-1020-304050607080"),
        (AnchorKind.EDIRECTORY_GUID, b""),
        (AnchorKind.ENTRY_UUID, "not-a-uuid"),
        (AnchorKind.ENTRY_UUID, b"\xff\xfe"),
        (AnchorKind.ENTRY_UUID, "597ae2f6-16a6-1027-98f4-d28b5365dc1"),
        (AnchorKind.NS_UNIQUE_ID, "597ae2f6-16a6-1027-98f4-d28b5365dc14"),
        (AnchorKind.NS_UNIQUE_ID, "ec697aad-bae811f0-9b9ddb23"),
        (AnchorKind.IBM_ENTRY_UUID, "has space"),
        (AnchorKind.IBM_ENTRY_UUID, ""),
        (AnchorKind.DN, ""),
        (AnchorKind.DN, "cn=a\0,dc=x"),
        (AnchorKind.DN, b"\xff"),
    ],
)
def test_malformed_values_are_refused(kind: AnchorKind, raw: str | bytes) -> None:
    """A value without the kind's form raises InvalidRequestError naming the kind."""
    with pytest.raises(InvalidRequestError, match=kind.value):
        Anchor.from_directory(kind, raw)


def test_entry_uuid_accepts_ascii_bytes_and_16_octets() -> None:
    """entryUUID read as ASCII bytes or as 16 raw octets gives the same canonical string."""
    text = "597ae2f6-16a6-1027-98f4-d28b5365dc14"
    from_ascii = Anchor.from_directory(AnchorKind.ENTRY_UUID, text.encode("ascii"))
    from_octets = Anchor.from_directory(AnchorKind.ENTRY_UUID, bytes.fromhex(text.replace("-", "")))
    assert from_ascii == from_octets
    assert from_ascii.to_directory_value() == text


def test_binary_guid_given_as_text_is_read_as_its_string_form() -> None:
    """An objectGUID already formatted by a tool (an LDIF dump) is taken as the GUID string."""
    anchor = Anchor.from_directory(AnchorKind.OBJECT_GUID, "29282A5C-0A00-FF41-1020-304050607080")
    assert anchor.to_directory_value() == NASTY


def test_constructor_refuses_non_canonical_values() -> None:
    """Anchor(...) takes only the canonical string; other spellings go through parse()."""
    with pytest.raises(InvalidRequestError, match="canonical"):
        Anchor(kind=AnchorKind.ENTRY_UUID, value="597AE2F6-16A6-1027-98F4-D28B5365DC14")
