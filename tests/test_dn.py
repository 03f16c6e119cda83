"""ldapconnector.dn: parsing, building and comparing distinguished names (RFC 4514)."""

from __future__ import annotations

import pytest

from ldapconnector.dn import Rdn, dn_equal, format_dn, normalize_dn, parent_dn, parse_dn
from ldapconnector.errors import InvalidRequestError


def test_parse_undoes_escapes_and_tolerates_spaces() -> None:
    """Escaped specials, hex escapes and spaces around separators parse to plain values."""
    rdns = parse_dn("CN=Simon\\, Britta , OU = Caf\\c3\\a9,DC=lab")
    assert [rdn.pairs for rdn in rdns] == [
        (("CN", "Simon, Britta"),),
        (("OU", "Café"),),
        (("DC", "lab"),),
    ]


def test_multi_valued_rdn_and_hex_values() -> None:
    """A + joins pairs of one RDN; #hex values are kept as written."""
    (first, _) = parse_dn("uid=bsimon+cn=#04024869,dc=lab")
    assert first.pairs == (("uid", "bsimon"), ("cn", "#04024869"))
    assert first.values_of("UID") == ("bsimon",)


def test_format_escapes_what_needs_escaping() -> None:
    """format_dn re-escapes values so the result parses back to the same RDNs."""
    rdns = (Rdn(pairs=(("cn", " Simon, B#"),)), Rdn(pairs=(("dc", "lab"),)))
    text = format_dn(rdns)
    assert text == "cn=\\ Simon\\, B#,dc=lab"
    assert parse_dn(text) == rdns


@pytest.mark.parametrize("bad", ["cn", "cn=a,", "=a", "cn=a\\zz", 'cn=a"b'])
def test_malformed_dns_raise(bad: str) -> None:
    """Text that is not a DN raises InvalidRequestError."""
    with pytest.raises(InvalidRequestError):
        parse_dn(bad)


def test_normalize_ignores_case_spaces_and_pair_order() -> None:
    """Two spellings of the same DN normalise to the same text."""
    assert normalize_dn("CN=B  Simon , DC=Contoso") == "cn=b simon,dc=contoso"
    assert dn_equal("uid=a+cn=B,dc=x", "CN=b+UID=A, DC=X")
    assert not dn_equal("cn=a,dc=x", "cn=a,dc=y")


def test_parent_and_empty_dn() -> None:
    """parent_dn drops the first RDN; the empty DN has no RDNs."""
    assert parent_dn("CN=bsimon,OU=Staff,DC=lab") == "OU=Staff,DC=lab"
    assert parent_dn("DC=lab") == ""
    assert parse_dn("") == ()


def test_non_dn_text_equals_only_itself() -> None:
    """dn_equal falls back to exact comparison for text that is not a DN."""
    assert dn_equal("nonsense", "nonsense")
    assert not dn_equal("nonsense", "NONSENSE")
