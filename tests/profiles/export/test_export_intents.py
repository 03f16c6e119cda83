"""Open intents met at a run's start: only the entry the add made is linked."""

from __future__ import annotations

import hashlib

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.model import Entry
from ldapconnector.profiles import ExportOutcome
from ldapconnector.profiles.export._intents import fingerprint, is_ours
from ldapconnector.space import Intent, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_fingerprint_ignores_case_and_extra_values_but_not_other_values() -> None:
    """An entry with the add's values (any case, plus extras) is ours; a changed value is not."""
    add = {"objectClass": ["inetOrgPerson"], "cn": ["Britta Simon"], "userPassword": ["s3"]}
    intent = Intent(
        source_id="u1", dn="cn=b,dc=x", fingerprint=fingerprint(add, leave_out=["userpassword"])
    )
    same = Entry(
        dn="cn=b,dc=x",
        attributes={"objectclass": ("top", "inetOrgPerson"), "CN": ("britta simon",)},
    )
    other = Entry(dn="cn=b,dc=x", attributes={"objectClass": ("inetOrgPerson",), "cn": ("B",)})
    assert is_ours(intent, same)
    assert not is_ours(intent, other)


def test_an_intent_at_a_foreign_entry_or_nowhere_is_dropped() -> None:
    """A foreign entry at the planned DN is not linked, a missing one drops the intent."""
    people = OpenLDAPServer.people_dn
    seed = (
        f"dn: cn=bsimon00000,{people}\nobjectClass: inetOrgPerson\ncn: bsimon00000\n"
        "sn: Someone Else\n\n"
    )
    with OpenLDAPServer(seed_ldif=seed) as server, SqliteLinkStore.in_memory() as store:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=people)
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        token = fingerprint({"sn": ["Simon"]})
        store.put_intent(
            Intent(source_id="src-000000", dn=f"cn=bsimon00000,{people}", fingerprint=token)
        )
        store.put_intent(Intent(source_id="src-000001", dn=f"cn=gone,{people}", fingerprint=token))
        with Connector(config, store=store) as connector:
            report = connector.export([user_record(1)])
        assert store.list_intents() == ()
        assert store.get_by_source("src-000000") is None
    assert [r.outcome for r in report.results] == [ExportOutcome.CREATED]


def test_fingerprint_tokens_are_the_stored_format() -> None:
    """Each token is the first 20 hex digits of SHA-256 over ``name\\0value``, case-folded.

    Intents stay in the link store across upgrades: a token computed another way would make
    every open intent look like someone else's entry.
    """

    def token(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]

    found = fingerprint(
        {" SN ": ["Simon", b"Stra\xc3\x9fe"], "userPassword": ["x"]}, leave_out=["USERPASSWORD"]
    )
    assert found == frozenset({token("sn\0simon"), token("sn\0strasse")})
