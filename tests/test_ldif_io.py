"""Reading LDIF as ``ldapsearch`` writes it: result records, references, folded lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector._ldif_io import LdifEntry, pick_entry, read_ldif, read_ldif_file
from ldapconnector.errors import LdifError

DATA = Path(__file__).resolve().parent / "data"


def test_failed_search_result_is_no_record() -> None:
    """A failed search's result record (with matchedDN and a folded text) holds no entry."""
    text = (
        "# search result\nsearch: 2\nresult: 32 No such object\nmatchedDN: dc=lab\n"
        "text: a long\n  folded text\n\n# numResponses: 1\n"
    )
    assert read_ldif(text) == ()


def test_search_reference_is_skipped() -> None:
    """A search reference (``ref:``) is not an entry; the entry before it is read."""
    text = "dn: cn=a\ncn: a\n\n# search reference\nref: ldap://other/dc=x??sub\n\nsearch: 2\n"
    assert [entry.dn for entry in read_ldif(text)] == ["cn=a"]


def test_crlf_base64_and_folded_values() -> None:
    """CRLF line ends, base64 values and folded lines are decoded."""
    text = "dn: cn=a\r\ncn:: YQ==\r\ndescription: x\r\n y\r\n\r\nsearch: 2\r\nresult: 0 Success\r\n"
    (entry,) = read_ldif(text)
    assert entry.attributes == {"cn": ("a",), "description": ("xy",)}


def test_errors_name_the_file_line_in_folded_files() -> None:
    """ldapsearch folds long lines; a malformed line is still named by its line in the file."""
    text = "dn: cn=a\ncn: a\n b\n c\n\nsearch: 2\nresult: 0 Success\n\nbad line\n"
    with pytest.raises(LdifError) as caught:
        read_ldif(text, source="x.ldif")
    assert caught.value.line == 9


def test_a_record_named_like_a_result_field_inside_an_entry_is_kept() -> None:
    """Only records that start with ``search:``/``ref:`` are dropped, not such attributes."""
    (entry,) = read_ldif("dn: cn=a\nsearch: kept\nref: kept too\n")
    assert entry.attributes == {"search": ("kept",), "ref": ("kept too",)}


def test_real_captures_read_like_the_lll_capture() -> None:
    """The default and -L ldapsearch captures give the same definitions as the -LLL one.

    The -LLL capture came from another start of the server, which lists them in another order.
    """
    lll = read_ldif_file(DATA / "schema" / "openldap-2.5-subschema.ldif")[0].attributes
    for mode in ("default", "L"):
        path = DATA / "schema" / f"openldap-2.5-subschema-ldapsearch-{mode}.ldif"
        (entry,) = read_ldif_file(path)
        assert entry.dn == "cn=Subschema"
        for name in ("objectClasses", "attributeTypes", "ldapSyntaxes", "matchingRules"):
            assert sorted(entry.attributes[name]) == sorted(lll[name])


def _entry(dn: str) -> LdifEntry:
    return LdifEntry(dn=dn, attributes={}, line=1)


def test_pick_entry_says_what_it_ignored() -> None:
    """pick_entry takes the first wanted record and counts the others."""
    picked = pick_entry((_entry("cn=a"), _entry(""), _entry("")), lambda e: not e.dn, source="f")
    assert picked.entry.dn == ""
    assert picked.note("the Root DSE") == (
        "used the entry with DN '' (the Root DSE); ignored 2 other entries"
    )
    assert pick_entry((_entry("cn=a"),), lambda e: False, source="f").note("x") is None


@pytest.mark.parametrize(
    ("entries", "message"),
    [((), "holds no LDIF record"), ((_entry("a"), _entry("b")), "none of the 2 records")],
)
def test_pick_entry_refuses(entries: tuple[LdifEntry, ...], message: str) -> None:
    """No record, or several and none wanted, is an error naming the file."""
    with pytest.raises(LdifError, match=message) as caught:
        pick_entry(entries, lambda e: False, source="f.ldif")
    assert "f.ldif" in str(caught.value)
