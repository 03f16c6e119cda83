"""Building frozen entries from raw attribute values (no server needed)."""

from __future__ import annotations

from ldapconnector.model import DEFAULT_BINARY_ATTRIBUTES, entry_from_raw


def test_text_values_decode_and_names_match_case_insensitively() -> None:
    """UTF-8 values become str and lookups ignore the case of the attribute name."""
    entry = entry_from_raw("uid=a,dc=x", {"cn": [b"Zo\xc3\xab"], "mail": [b"a@x", b"b@x"]})
    assert entry.get("CN") == ("Zoë",)
    assert entry.first("MAIL") == "a@x"
    assert entry.get("missing") == ()
    assert entry.first("missing") is None


def test_known_binary_attribute_stays_bytes_even_when_valid_utf8() -> None:
    """An objectGUID whose bytes happen to be ASCII is still returned as bytes."""
    guid = b"ABCDEFGHIJKLMNOP"
    entry = entry_from_raw("cn=a", {"objectGUID": [guid]})
    assert entry.get("objectguid") == (guid,)
    assert "objectguid" in DEFAULT_BINARY_ATTRIBUTES


def test_binary_option_and_invalid_utf8() -> None:
    """The ;binary option keeps bytes, and undecodable values of text attributes stay bytes."""
    entry = entry_from_raw("cn=a", {"userCertificate;binary": [b"0\x82"], "description": [b"\xff"]})
    assert entry.get("userCertificate;binary") == (b"0\x82",)
    assert entry.get("description") == (b"\xff",)
    assert entry.texts("description") == ("\ufffd",)


def test_caller_can_name_extra_binary_attributes() -> None:
    """A caller-supplied set of binary attribute names overrides the default."""
    entry = entry_from_raw("cn=a", {"myBlob": [b"abc"]}, frozenset({"myblob"}))
    assert entry.get("myBlob") == (b"abc",)
