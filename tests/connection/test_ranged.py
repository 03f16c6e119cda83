"""Ranged retrieval (MS-ADTS 3.1.1.3.1.3.3): reading the answers, and one read per server.

The loop over AD's ranges against a server that answers in ranges is tested on Samba with
a group of 5,000 members (tests/profiles/export/test_groups_samba.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ldapconnector.connection import (
    LdapConnection,
    RangedAnswer,
    answer_values,
    complete_ranged,
    open_connection,
    read_ranged_values,
)
from ldapconnector.errors import InvalidRequestError, LdapConnectorError
from ldapconnector.model import Entry

if TYPE_CHECKING:
    from tests.conftest import DirectoryUnderTest


def _entry(**attributes: tuple[str, ...]) -> Entry:
    return Entry("cn=g,dc=x", {name.replace("__", ";"): v for name, v in attributes.items()})


def test_a_plain_attribute_is_the_whole_answer() -> None:
    """No range option: every value came, nothing more is asked for."""
    assert answer_values(_entry(member=("a", "b")), "member") == RangedAnswer(
        values=("a", "b"), next_low=None
    )


def test_a_cut_range_says_where_the_next_one_starts() -> None:
    """``member;range=0-1499`` (AD's answer for a big group) continues at value 1500."""
    entry = Entry("cn=g,dc=x", {"member;range=0-1499": ("a", "b"), "cn": ("g",)})
    assert answer_values(entry, "MEMBER") == RangedAnswer(values=("a", "b"), next_low=1500)


def test_the_last_range_ends_in_a_star() -> None:
    """``member;Range=1500-*`` (any case) is the last range; an empty one counts too."""
    assert answer_values(Entry("cn=g", {"Member;Range=1500-*": ("c",)}), "member") == (
        RangedAnswer(values=("c",), next_low=None)
    )
    assert answer_values(Entry("cn=g", {"member;range=2500-*": ()}), "member") == (
        RangedAnswer(values=(), next_low=None)
    )


def test_other_options_and_other_attributes_are_not_members() -> None:
    """``member;binary`` or ``memberOf`` are other attribute descriptions."""
    entry = Entry("cn=g", {"member;binary": (b"x",), "memberOf": ("y",), "member": ("z",)})
    assert answer_values(entry, "member") == RangedAnswer(values=("z",), next_low=None)


@pytest.mark.parametrize("description", ["member;range=a-5", "member;range=0-", "member;range="])
def test_a_malformed_range_is_an_error_naming_it(description: str) -> None:
    """A range the server sent that is not ``low-high`` or ``low-*`` is refused by name."""
    with pytest.raises(LdapConnectorError) as info:
        answer_values(Entry("cn=g", {description: ("a",)}), "member")
    assert str(info.value) == f"the server sent a malformed range {description!r}"


@pytest.fixture(name="conn")
def fixture_conn(directory_server: DirectoryUnderTest) -> Iterator[LdapConnection]:
    """A connection bound as the service account over LDAPS."""
    settings = directory_server.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        yield conn


@pytest.mark.integration
def test_a_small_attribute_is_read_in_one_request(
    conn: LdapConnection, directory_server: DirectoryUnderTest
) -> None:
    """On every server, an attribute below any range limit costs one search."""
    dn = directory_server.server.service_dn
    before = conn.requests_sent
    values = read_ranged_values(conn, dn, "objectClass")
    assert conn.requests_sent - before == 1
    entry = conn.read_entry(dn, ("objectClass",))
    assert entry is not None
    assert values == entry.get("objectClass")
    assert values


@pytest.mark.integration
def test_a_missing_entry_reads_as_none(
    conn: LdapConnection, directory_server: DirectoryUnderTest
) -> None:
    """No entry is no values at all (None), not an empty tuple."""
    missing = f"cn=missing-ranged,{directory_server.people_dn}"
    assert read_ranged_values(conn, missing, "member") is None


@pytest.mark.integration
def test_a_window_below_one_is_refused(conn: LdapConnection) -> None:
    """``window=0`` is a caller's mistake, caught before anything is sent."""
    before = conn.requests_sent
    with pytest.raises(InvalidRequestError):
        read_ranged_values(conn, "cn=x", "member", window=0)
    assert conn.requests_sent == before


@pytest.mark.integration
def test_a_search_answer_without_a_cut_range_is_completed_without_a_request(
    conn: LdapConnection,
) -> None:
    """A plain answer is returned as it is; a range ending in ``*`` is the whole attribute,
    renamed to its plain name: nothing is asked for (a cut one is read on Samba, in
    tests/profiles/export/test_groups_samba.py)."""
    plain = Entry("cn=g,dc=x", {"member": ("a",), "cn": ("g",)})
    last = Entry("cn=g,dc=x", {"member;range=0-*": ("a", "b"), "cn": ("g",)})
    before = conn.requests_sent
    assert complete_ranged(conn, plain) is plain
    assert complete_ranged(conn, last) == Entry("cn=g,dc=x", {"cn": ("g",), "member": ("a", "b")})
    assert conn.requests_sent == before


@pytest.mark.integration
def test_a_cut_range_of_an_entry_gone_since_is_an_error_naming_it(
    conn: LdapConnection, directory_server: DirectoryUnderTest
) -> None:
    """The rest of a cut attribute is read from the entry: gone, the error names it."""
    missing = f"cn=missing-ranged,{directory_server.people_dn}"
    with pytest.raises(LdapConnectorError) as info:
        complete_ranged(conn, Entry(missing, {"member;range=0-999": ("a",)}))
    assert str(info.value) == f"{missing!r} went away while its member values were read"
