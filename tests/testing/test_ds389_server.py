"""The throwaway 389 Directory Server: loopback only, Retro Changelog, lockout, clean stop."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import pytest

from ldapconnector.config import Secret
from ldapconnector.connection import open_connection
from ldapconnector.errors import UnwillingToPerformError
from ldapconnector.model import Modification, ModifyOp, SearchScope
from ldapconnector.testing import DS389Plugin, DS389Server
from ldapconnector.testing._ds389_config import PLUGIN_VALUES
from ldapconnector.testing._server_base import processes_using
from ldapconnector.testing.pytest_plugin import require_ds389

pytestmark = [pytest.mark.integration, pytest.mark.ds389]

LOOPBACK_HEX = "0100007F"


def test_listens_on_loopback_only(
    ds389_server: DS389Server, listening_on: Callable[[int], set[str]]
) -> None:
    """ns-slapd listens on exactly its two ports, both on 127.0.0.1."""
    addresses = listening_on(ds389_server.pid)
    ports = {int(address.split(":")[1], 16) for address in addresses}
    assert ports == {ds389_server.ldap_port, ds389_server.ldaps_port}
    assert all(address.startswith(LOOPBACK_HEX + ":") for address in addresses)


def test_root_dse_announces_the_changelog(ds389_server: DS389Server) -> None:
    """The Root DSE names cn=changelog and the suffix, and 389's vendor version."""
    with open_connection(ds389_server.connectivity_config("ldaps")) as conn:
        root = conn.read_root_dse(["changelog", "namingContexts", "vendorVersion"])
    assert root.texts("changelog") == ("cn=changelog",)
    assert ds389_server.base_dn in root.texts("namingContexts")
    assert root.texts("vendorVersion")[0].startswith("389-Directory/")


def test_changelog_records_every_write_with_both_ids(ds389_server: DS389Server) -> None:
    """Add, modify, modrdn and delete leave records with targetUniqueId and targetEntryUUID."""
    name = f"cl-{uuid.uuid4().hex[:10]}"
    dn = f"uid={name},{ds389_server.people_dn}"
    with open_connection(ds389_server.connectivity_config("ldaps")) as conn:
        last = conn.read_root_dse(["lastchangenumber"]).texts("lastchangenumber")
        first_new = int(last[0]) + 1 if last else 1
        conn.add(dn, {"objectClass": "inetOrgPerson", "uid": name, "cn": name, "sn": "Log"})
        ids = conn.read_entry(dn, ["nsUniqueId", "entryUUID"])
        assert ids is not None
        conn.modify(dn, [Modification(ModifyOp.REPLACE, "sn", "Changed")])
        renamed = conn.modify_dn(dn, f"uid={name}-r")
        conn.delete(renamed)
        records = list(
            conn.search(
                ds389_server.changelog_dn,
                f"(changeNumber>={first_new})",
                scope=SearchScope.ONE_LEVEL,
                attributes=["changeNumber", "changeType", "targetDn", "targetUniqueId",
                            "targetEntryUUID", "newRdn"],
            )
        )  # fmt: skip
    # targetEntryUUID has no matching rule in 389's schema: filter here, not in the filter.
    records = [r for r in records if r.first("targetEntryUUID") == ids.first("entryUUID")]
    records.sort(key=lambda r: int(str(r.first("changeNumber"))))
    assert [r.first("changeType") for r in records] == ["add", "modify", "modrdn", "delete"]
    assert {r.first("targetUniqueId") for r in records} == {ids.first("nsUniqueId")}
    assert {r.first("targetEntryUUID") for r in records} == {ids.first("entryUUID")}
    assert records[2].first("targetDn") == dn
    assert records[2].first("newRdn") == f"uid={name}-r"


def test_locked_account_bind_is_refused_with_53(ds389_server: DS389Server) -> None:
    """A user with nsAccountLock: true gets unwillingToPerform (53) on bind, not 49."""
    name = f"locked-{uuid.uuid4().hex[:8]}"
    dn = f"uid={name},{ds389_server.people_dn}"
    password = "Locked-Pa55-word"
    ds389_server.add_ldif(
        f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: {name}\ncn: {name}\nsn: L\n"
        f"userPassword: {password}\nnsAccountLock: true\n"
    )
    settings = ds389_server.connectivity_config("ldaps")
    settings = type(settings)(
        **{**{f: getattr(settings, f) for f in ("host", "port", "security", "binding")},
           "user": dn, "password": Secret(password), "ca_file": ds389_server.ca_file}
    )  # fmt: skip
    with pytest.raises(UnwillingToPerformError) as caught:
        open_connection(settings)
    assert caught.value.result_code == 53


def test_seeded_server_stops_without_leftovers() -> None:
    """Seeded entries are there without changelog records; stop ends every process."""
    require_ds389()
    seed = f"dn: uid=seeded,{DS389Server.people_dn}\nobjectClass: inetOrgPerson\n"
    seed += "uid: seeded\ncn: s\nsn: s\n"
    server = DS389Server(seed_ldif=seed)
    with server:
        directory, pid = server.directory, server.pid
        with open_connection(server.connectivity_config("ldaps")) as conn:
            assert conn.read_entry(f"uid=seeded,{server.people_dn}") is not None
            assert conn.read_root_dse(["lastchangenumber"]).texts("lastchangenumber") in (
                (),
                ("0",),
            )
        assert processes_using(str(directory)) == (pid,)
    assert processes_using(str(directory)) == ()
    assert not directory.exists()
    assert not os.path.exists(f"/proc/{pid}")


def test_missing_programs_skip_outside_ci() -> None:
    """Without 389-ds-base and outside CI the test is skipped with the apt-get line."""
    with pytest.raises(pytest.skip.Exception, match="apt-get install 389-ds-base"):
        require_ds389(missing=("ns-slapd",), environ={})


def test_missing_programs_fail_in_ci() -> None:
    """Without 389-ds-base and with CI=true the test fails instead of being skipped."""
    with pytest.raises(pytest.fail.Exception, match="apt-get install 389-ds-base"):
        require_ds389(missing=("ns-slapd",), environ={"CI": "true"})


def test_plugins_are_named_once_in_a_fixed_order() -> None:
    """Names or enum values, in any order and repeated, become one tuple in the enum's order."""
    server = DS389Server(plugins=("refint", DS389Plugin.MEMBEROF, "refint"))
    assert server.plugins == (DS389Plugin.MEMBEROF, DS389Plugin.REFINT)
    assert DS389Server().plugins == ()
    with pytest.raises(ValueError, match="'linkedattrs' is not a valid DS389Plugin"):
        DS389Server(plugins=("linkedattrs",))


def test_membership_plugins_stay_off_unless_asked_for(ds389_server: DS389Server) -> None:
    """The shared server has neither MemberOf nor Referential Integrity enabled."""
    settings = ds389_server.connectivity_config("ldaps", "simple", as_service=False)
    with open_connection(settings) as connection:
        for plugin in PLUGIN_VALUES:
            dn = PLUGIN_VALUES[plugin][0][0]
            entry = connection.read_entry(dn, ("nsslapd-pluginEnabled",))
            assert entry is not None
            assert entry.texts("nsslapd-pluginEnabled") == ("off",), dn
