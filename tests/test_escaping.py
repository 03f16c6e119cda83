"""Filter (RFC 4515) and DN (RFC 4514) escaping of values."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldapconnector import escaping
from ldapconnector.escaping import equality_filter, escape_dn_value, escape_filter_value


def test_doctests() -> None:
    """The examples in the module docstrings hold."""
    result = doctest.testmod(escaping)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("*", r"\2a"),
        ("a(b)c", r"a\28b\29c"),
        ("back\\slash", r"back\5cslash"),
        ("nul\0", r"nul\00"),
        ("*)(uid=*", r"\2a\29\28uid=\2a"),
        ("Zoë", "Zoë"),
    ],
)
def test_filter_text_escaping(value: str, expected: str) -> None:
    """Each RFC 4515 special character is escaped; others are kept."""
    assert escape_filter_value(value) == expected


def test_filter_bytes_escape_every_byte() -> None:
    """Binary values escape every byte, including the ones that broke other libraries."""
    golden = bytes([0x5C, 0x2A, 0x28, 0x29, 0x00, 0x0A, 0x41])
    assert escape_filter_value(golden) == r"\5c\2a\28\29\00\0a\41"


def test_equality_filter_refuses_bad_attribute_names() -> None:
    """An attribute name carrying filter syntax is refused."""
    assert equality_filter("mail", "a*b") == r"(mail=a\2ab)"
    with pytest.raises(ValueError, match="not an attribute name"):
        equality_filter("mail)(uid=*", "x")


@given(st.text())
def test_escaped_filter_value_has_no_bare_specials(value: str) -> None:
    """After escaping, no parenthesis, star or NUL is left unescaped."""
    escaped = escape_filter_value(value)
    assert not any(c in escaped for c in "()*\0")
    assert escaped.count("\\") == sum(value.count(c) for c in "*()\\\0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Britta Simon", "Britta Simon"),
        ("Simon, Britta", r"Simon\, Britta"),
        ("a+b=c", r"a\+b\=c"),
        ('say "hi"', r"say \"hi\""),
        ("#hash", r"\#hash"),
        ("mid#hash", "mid#hash"),
        (" lead", r"\ lead"),
        ("trail ", "trail\\ "),
        ("<x>;", r"\<x\>\;"),
        ("nul\0", r"nul\00"),
    ],
)
def test_dn_value_escaping(value: str, expected: str) -> None:
    """RFC 4514 specials, leading space/#, trailing space and NUL are escaped."""
    assert escape_dn_value(value) == expected
