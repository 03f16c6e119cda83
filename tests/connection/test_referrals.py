"""Referrals between two real slapds: followed only to allowed hosts, never silently lost.

``main`` holds ``ou=remote,ou=people`` as a ``referral`` object (RFC 3296, created with
ManageDsaIT) whose ``ref`` points at the same subtree on ``other``. slapd then answers a
subtree search of ``ou=people`` with a continuation reference, and a search or write below
``ou=remote`` with result 10 (referral). ``other``'s service account has ``main``'s service
password, so the referred connection binds with the main connection's own credentials.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectivityConfig, ConnectorConfig
from ldapconnector.connection import LdapConnection, ReferralPolicy, open_connection
from ldapconnector.connector import Connector
from ldapconnector.dn import dn_key
from ldapconnector.errors import CertificateVerificationError, LdapOperationError
from ldapconnector.model import Modification, ModifyOp, SearchScope
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

REMOTE = "ou=remote,ou=people,dc=contoso,dc=lab"
FOLLOW = ReferralPolicy(follow=True, allowed_hosts=("127.0.0.1",))


def _person(dn: str, cn: str) -> str:
    return f"dn: {dn}\nobjectClass: inetOrgPerson\ncn: {cn}\nsn: {cn}\n\n"


@attrs.frozen
class Pair:
    """The two servers and a connectivity config trusting both CAs (bind as main's service)."""

    main: OpenLDAPServer
    other: OpenLDAPServer
    settings: ConnectivityConfig

    def other_admin(self) -> LdapConnection:
        """A connection to ``other`` as its admin, to check what the referrals did there."""
        return open_connection(self.other.connectivity_config("starttls", as_service=False))


def _add_referral(main: OpenLDAPServer, url: str) -> None:
    ldif = f"dn: {REMOTE}\nobjectClass: referral\nobjectClass: extensibleObject\nou: remote\n"
    argv = [
        "ldapadd", "-x", "-ZZ", "-M", "-H", main.ldap_uri, "-D", main.admin_dn,
        "-w", main.admin_password,
    ]  # fmt: skip
    done = subprocess.run(
        argv, input=f"{ldif}ref: {url}\n", env=main.tool_env(), capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture(name="pair", scope="module")
def fixture_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two slapds; ``main`` refers ``ou=remote,ou=people`` to ``other``."""
    with OpenLDAPServer() as main, OpenLDAPServer() as other:
        other.add_ldif(
            f"dn: {other.service_dn}\nchangetype: modify\nreplace: userPassword\n"
            f"userPassword: {main.service_password}\n"
        )
        other.add_ldif(
            f"dn: {REMOTE}\nobjectClass: organizationalUnit\nou: remote\n\n"
            + _person(f"cn=ann,{REMOTE}", "ann")
            + _person(f"cn=bob,{REMOTE}", "bob")
        )
        main.add_ldif(_person(f"cn=local,{main.people_dn}", "local"))
        _add_referral(main, f"ldap://127.0.0.1:{other.ldap_port}/{REMOTE}")
        bundle = Path(tmp_path_factory.mktemp("cas")) / "both.pem"
        bundle.write_text(Path(main.ca_file).read_text() + Path(other.ca_file).read_text())
        settings = attrs.evolve(main.connectivity_config("starttls"), ca_file=str(bundle))
        yield Pair(main=main, other=other, settings=settings)


def _names(connection: LdapConnection, base: str) -> set[str]:
    found = connection.search(base, "(objectClass=inetOrgPerson)", attributes=["cn"])
    return {dn_key(entry.dn) for entry in found}


def test_continuation_reference_is_followed_to_an_allowed_host(pair: Pair) -> None:
    """A subtree search of ou=people returns main's person and the two held by other."""
    with open_connection(pair.settings, referrals=FOLLOW) as connection:
        found = _names(connection, pair.main.people_dn)
    wanted = {f"cn=local,{pair.main.people_dn}", f"cn=ann,{REMOTE}", f"cn=bob,{REMOTE}"}
    assert {dn_key(dn) for dn in wanted} <= found


def test_search_below_the_referral_is_followed(pair: Pair) -> None:
    """A base below the referral object is searched on other (result 10 followed)."""
    with open_connection(pair.settings, referrals=FOLLOW) as connection:
        assert _names(connection, REMOTE) == {
            dn_key(f"cn=ann,{REMOTE}"),
            dn_key(f"cn=bob,{REMOTE}"),
        }
        entry = connection.read_entry(f"cn=ann,{REMOTE}", ("cn",))
    assert entry is not None
    assert entry.texts("cn") == ("ann",)


def test_writes_are_followed_to_the_referred_server(pair: Pair) -> None:
    """Add, modify, rename and delete below the referral happen on other, not on main."""
    dn = f"cn=cid,{REMOTE}"
    with (
        open_connection(pair.settings, referrals=FOLLOW) as connection,
        pair.other_admin() as other,
    ):
        connection.add(dn, {"objectClass": "inetOrgPerson", "cn": "cid", "sn": "cid"})
        connection.modify(dn, [Modification(ModifyOp.REPLACE, "sn", ("changed",))])
        entry = other.read_entry(dn, ("sn",))
        assert entry is not None
        assert entry.texts("sn") == ("changed",)
        assert connection.modify_dn(dn, "cn=dan") == f"cn=dan,{REMOTE}"
        connection.delete(f"cn=dan,{REMOTE}")
        assert other.read_entry(f"cn=dan,{REMOTE}", ("1.1",)) is None
        assert other.read_entry(dn, ("1.1",)) is None


def test_a_host_not_on_the_list_is_an_error_naming_it(pair: Pair) -> None:
    """Following to 127.0.0.1 is refused when only another host is allowed; nothing is written."""
    policy = ReferralPolicy(follow=True, allowed_hosts=("ldap2.example.org",))
    expected = r"'127\.0\.0\.1' is not in global\.allowed_referral_hosts"
    with open_connection(pair.settings, referrals=policy) as connection:
        with pytest.raises(LdapOperationError, match=expected) as caught:
            _names(connection, pair.main.people_dn)
        assert caught.value.result_code == 10
        assert f"ldap://127.0.0.1:{pair.other.ldap_port}/" in str(caught.value)
        with pytest.raises(LdapOperationError, match=expected):
            connection.add(
                f"cn=eve,{REMOTE}", {"objectClass": "inetOrgPerson", "cn": "e", "sn": "e"}
            )
    with pair.other_admin() as other:
        assert other.read_entry(f"cn=eve,{REMOTE}", ("1.1",)) is None


def test_without_follow_referrals_a_referral_is_an_error(pair: Pair) -> None:
    """Off (the default): a write or search below the referral fails naming the setting.

    ldap3 does not raise for result 10, so this add used to look done while nothing was
    written anywhere. Continuation references stay skipped, as before.
    """
    with open_connection(pair.settings) as connection:
        with pytest.raises(LdapOperationError, match=r"set global\.follow_referrals = true"):
            connection.add(
                f"cn=fay,{REMOTE}", {"objectClass": "inetOrgPerson", "cn": "f", "sn": "f"}
            )
        with pytest.raises(LdapOperationError, match=r"result 10 \(referral\)"):
            _names(connection, REMOTE)
        assert dn_key(f"cn=ann,{REMOTE}") not in _names(connection, pair.main.people_dn)
        people = connection.search(pair.main.people_dn, scope=SearchScope.ONE_LEVEL)
        assert dn_key(f"cn=local,{pair.main.people_dn}") in {dn_key(e.dn) for e in people}
    with pair.other_admin() as other:
        assert other.read_entry(f"cn=fay,{REMOTE}", ("1.1",)) is None


def test_the_referred_connection_verifies_tls_the_same_way(pair: Pair) -> None:
    """Trusting only main's CA, the referred server's certificate is refused."""
    settings = pair.main.connectivity_config("starttls")  # main's CA only
    connection = open_connection(settings, referrals=FOLLOW)
    with connection, pytest.raises(CertificateVerificationError):
        _names(connection, REMOTE)


def test_connector_follows_the_configured_referrals(pair: Pair) -> None:
    """[global] follow_referrals + allowed_referral_hosts reach the full import."""
    connectivity = pair.main.connectivity("starttls") | {"ca_file": pair.settings.ca_file}
    document = posix_example(connectivity, people_dn=pair.main.people_dn)
    document["global"] = {"follow_referrals": True, "allowed_referral_hosts": ["127.0.0.1"]}
    config = ConnectorConfig.from_dict(document, allow_literal_password=True)
    with Connector(config) as connector:
        found = {dn_key(obj.dn) for obj in connector.full_import()}
    assert {dn_key(f"cn=ann,{REMOTE}"), dn_key(f"cn=bob,{REMOTE}")} <= found
