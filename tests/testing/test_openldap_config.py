"""The generated slapd configuration and the OpenLDAPServer object before it starts."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import attrs
import pytest

from ldapconnector.testing import OpenLDAPServer, SlapdOverlay, TestServerError
from ldapconnector.testing._openldap_config import (
    SlapdSettings,
    base_entries_ldif,
    config_ldif,
    ssha,
)


@pytest.fixture(name="settings")
def fixture_settings(tmp_path: Path) -> SlapdSettings:
    """Settings like the server's, in a temp dir."""
    return SlapdSettings(
        directory=tmp_path,
        base_dn=OpenLDAPServer.base_dn,
        admin_dn=OpenLDAPServer.admin_dn,
        admin_password="admin-secret",
        service_dn=OpenLDAPServer.service_dn,
        service_password="service-secret",
        accesslog_dn=OpenLDAPServer.accesslog_dn,
        policy_dn=OpenLDAPServer.policy_dn,
        client_organization="contoso",
        ca_file=tmp_path / "ca.pem",
        cert_file=tmp_path / "server.pem",
        key_file=tmp_path / "server.key",
    )


def test_main_database_comes_before_the_access_log(settings: SlapdSettings) -> None:
    """The suffix's database is {1}mdb and cn=accesslog's is {2}mdb, in that order."""
    text = config_ldif(settings)
    main = text.index("olcSuffix: dc=contoso,dc=lab")
    log = text.index("olcSuffix: cn=accesslog")
    assert text.index("olcDatabase: {1}mdb") < main < text.index("olcDatabase: {2}mdb") < log


def test_schemas_load_before_any_database(settings: SlapdSettings) -> None:
    """core, cosine, inetorgperson and nis are included, in order, before the databases."""
    text = config_ldif(settings)
    positions = [
        text.index(f"/etc/ldap/schema/{n}.ldif") for n in ("core", "cosine", "inetorgperson", "nis")
    ]
    assert positions == sorted(positions)
    assert positions[-1] < text.index("olcDatabase: {-1}frontend")
    assert "include: file:///etc/ldap/schema/core.ldif\n\ninclude:" in text


def test_both_databases_get_a_1_gib_map(settings: SlapdSettings) -> None:
    """Both mdb databases are sized 1 GiB (the 10 MiB default fills with an access log)."""
    assert config_ldif(settings).count("olcDbMaxSize: 1073741824") == 2


def test_the_service_account_has_no_size_limit(settings: SlapdSettings) -> None:
    """The service account's size limit is lifted on the suffix and on the access log."""
    line = f'olcLimits: {{0}}dn.exact="{settings.service_dn}" size=unlimited time=unlimited'
    assert config_ldif(settings).count(line) == 2


def test_no_clear_text_password_in_the_files(settings: SlapdSettings) -> None:
    """Passwords appear only as {SSHA} hashes in the config and base LDIF."""
    text = config_ldif(settings) + base_entries_ldif(settings)
    assert "admin-secret" not in text
    assert "service-secret" not in text
    assert text.count("{SSHA}") == 2


def test_ssha_matches_rfc2307_layout() -> None:
    """ssha() is base64 of SHA-1(password + salt) followed by the salt."""
    value = ssha("secret", salt=b"12345678")
    raw = base64.b64decode(value.removeprefix("{SSHA}"))
    assert raw == hashlib.sha1(b"secret12345678", usedforsecurity=False).digest() + b"12345678"


def test_base_entries_put_parents_first(settings: SlapdSettings) -> None:
    """The suffix, containers, service account and policy come with parents before children."""
    dns = [line[4:] for line in base_entries_ldif(settings).splitlines() if line.startswith("dn: ")]
    assert dns[0] == "dc=contoso,dc=lab"
    assert dns.index("ou=services,dc=contoso,dc=lab") < dns.index(settings.service_dn)
    assert dns.index("ou=policies,dc=contoso,dc=lab") < dns.index(settings.policy_dn)
    assert {"ou=people,dc=contoso,dc=lab", "ou=groups,dc=contoso,dc=lab"} <= set(dns)


def test_properties_need_a_running_server() -> None:
    """Asking a server that is not running for its URI raises TestServerError."""
    with pytest.raises(TestServerError, match="not running"):
        _ = OpenLDAPServer().ldap_uri


def test_seed_text_without_entries_is_refused() -> None:
    """A str seed must be LDIF text; a file name belongs in a Path."""
    with pytest.raises(ValueError, match="pass a Path"):
        OpenLDAPServer(seed_ldif="people.ldif")


def test_passwords_differ_per_server() -> None:
    """Each server gets its own random admin and service passwords."""
    first, second = OpenLDAPServer(), OpenLDAPServer()
    assert first.admin_password != second.admin_password
    assert first.service_password != first.admin_password


def test_a_server_without_tls_has_no_tls_settings(settings: SlapdSettings) -> None:
    """With ``tls=False`` the config has no olcTLS* line; with TLS it has all three files."""
    with_tls = config_ldif(settings)
    without = config_ldif(attrs.evolve(settings, tls=False))
    assert "olcTLSCertificateFile:" in with_tls
    assert "olcTLS" not in without

    # Only the TLS lines go: the rest is the same (but for the randomly salted hash).
    def others(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith(("olcTLS", "olcRootPW"))]

    assert others(without) == others(with_tls)


def test_no_membership_overlay_unless_asked_for(settings: SlapdSettings) -> None:
    """By default the suffix has syncprov, accesslog and ppolicy only."""
    text = config_ldif(settings)
    assert "memberof" not in text.lower()
    assert "refint" not in text.lower()


def test_overlays_follow_the_fixed_ones_in_stacking_order(settings: SlapdSettings) -> None:
    """Asked for in any order, memberof is {3} and refint {4}, their modules loaded first."""
    text = config_ldif(attrs.evolve(settings, overlays=("refint", SlapdOverlay.MEMBEROF)))
    module = text.index("dn: cn=module{1},cn=config")
    memberof = text.index("dn: olcOverlay={3}memberof,olcDatabase={1}mdb,cn=config")
    refint = text.index("dn: olcOverlay={4}refint,olcDatabase={1}mdb,cn=config")
    assert text.index("olcDatabase: {3}monitor") < module < memberof < refint
    assert "olcModuleLoad: {0}memberof\nolcModuleLoad: {1}refint\n" in text
    assert "olcRefintAttribute: member\nolcRefintAttribute: uniqueMember\n" in text


def test_an_unknown_overlay_is_refused() -> None:
    """Only the overlays the fixture knows how to configure may be named."""
    with pytest.raises(ValueError, match="'unique' is not a valid SlapdOverlay"):
        OpenLDAPServer(overlays=("unique",))


@pytest.mark.integration
@pytest.mark.openldap
def test_membership_overlays_keep_members_right_through_a_rename() -> None:
    """With memberof and refint, a renamed member's DN is rewritten in its group at once
    and ``memberOf`` shows on the member (read with ldapsearch)."""
    with OpenLDAPServer(overlays=(SlapdOverlay.MEMBEROF, SlapdOverlay.REFINT)) as server:
        person, group = f"uid=a,{server.people_dn}", f"cn=g,{server.groups_dn}"
        server.add_ldif(
            f"dn: {person}\nobjectClass: inetOrgPerson\nuid: a\nsn: a\ncn: a\n\n"
            f"dn: {group}\nobjectClass: groupOfNames\ncn: g\nmember: {person}\n"
        )
        assert f"memberOf: {group}" in server.search_ldif(person, ("memberOf",))
        server.add_ldif(f"dn: {person}\nchangetype: modrdn\nnewrdn: uid=b\ndeleteoldrdn: 1\n")
        renamed = f"uid=b,{server.people_dn}"
        assert server.search_ldif(group, ("member",)).splitlines()[1] == f"member: {renamed}"
        assert f"memberOf: {group}" in server.search_ldif(renamed, ("memberOf",))
