"""The DN fast paths (plain DNs, values with nothing to escape) agree with the slow ones."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from ldapconnector.dn import (
    Rdn,
    _is_within_by_parsing,
    _normalized_by_parsing,
    _parsed_by_reading,
    format_dn,
    is_within,
    normalize_dn,
    parse_dn,
)
from ldapconnector.errors import InvalidRequestError
from ldapconnector.escaping import _escape_each, escape_dn_value

_type = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True)
_value = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
_rdn = st.lists(st.tuples(_type, _value), min_size=1, max_size=2).map(
    lambda pairs: Rdn(pairs=tuple(pairs))
)
_written = st.lists(_rdn, min_size=1, max_size=4).map(format_dn)
# DNs as people write them: any case, spaces, no escapes.
_typed = st.lists(
    st.tuples(_type, st.from_regex(r"[ A-Za-z0-9äßİ.-]{1,10}", fullmatch=True)),
    min_size=1,
    max_size=4,
).map(lambda pairs: ",".join(f"{kind}={value}" for kind, value in pairs))


@given(dn=st.one_of(_written, _typed))
@example(dn="CN=B  Simon,OU=People,DC=x")
@example(dn="cn=a\\,b,dc=x")
@example(dn="cn=a+sn=b, dc=x")
@example(dn="A=0\xa00")  # a no-break space is a space to dn_key (RFC 4518 section 2.2)
@example(dn="cn=a\tb,dc=x")
@example(dn="a_b=c,dc=x")  # not an attribute type: an error either way
@example(dn="cn=#41,dc=x")
def test_the_fast_path_is_the_parsed_normal_form(dn: str) -> None:
    """``normalize_dn`` gives what parsing gives, and refuses what parsing refuses."""
    try:
        expected = _normalized_by_parsing(dn)
    except InvalidRequestError:
        expected = "not a DN"
    try:
        found = normalize_dn(dn)
    except InvalidRequestError:
        found = "not a DN"
    assert found == expected


@given(dn=st.one_of(_written, _typed), base=st.one_of(_written, _typed))
@example(dn="uid=a,ou=People,dc=x", base="ou=people,dc=x")
@example(dn="uid=a,xou=people,dc=x", base="ou=people,dc=x")  # a suffix, not an RDN
@example(dn="cn=a\\,ou=people,dc=x", base="ou=people,dc=x")
@example(dn="ou=people,dc=x", base="OU=People,DC=x")
def test_is_within_takes_the_fast_path_only_where_parsing_agrees(dn: str, base: str) -> None:
    """Plain DNs are compared as text; the answer is the RDN-by-RDN one."""
    assert is_within(dn, base) == _is_within_by_parsing(dn, base)
    parent = base.split(",", 1)[-1]
    assert is_within(dn, parent) == _is_within_by_parsing(dn, parent)


_any_text = st.text(max_size=16)


@given(dn=st.one_of(_written, _typed, _any_text))
@example(dn="cn=a\ud800,dc=x")  # a lone surrogate: not UTF-8
@example(dn="cn=a  b,dc=x")
@example(dn="cn= a,dc=x")
@example(dn="cn=a ,dc=x")
@example(dn="cn=a\tb,dc=x")
def test_parse_dn_splits_plain_dns_as_reading_them_does(dn: str) -> None:
    """The split of a plain DN is what reading it character by character gives."""
    try:
        expected: object = _parsed_by_reading(dn)
    except InvalidRequestError:
        expected = "not a DN"
    try:
        found: object = parse_dn(dn)
    except InvalidRequestError:
        found = "not a DN"
    assert found == expected


@given(value=st.one_of(_any_text, st.text(alphabet=' #"+,;<>\\=a\x00', max_size=6)))
@example(value=" ")
@example(value="#")
@example(value="a ")
def test_escape_dn_value_returns_unchanged_only_what_needs_no_escape(value: str) -> None:
    assert escape_dn_value(value) == _escape_each(value)
