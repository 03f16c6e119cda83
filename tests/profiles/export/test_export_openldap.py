"""The export acceptance scenario on a real slapd: 1,000 users checked with ldapsearch."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import AnchorKind
from ldapconnector.cli._demo_data import FIRST_UID_NUMBER, posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome, ExportReport
from ldapconnector.space import LinkState, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USERS = 1000


def ldapsearch(
    server: OpenLDAPServer, base: str, search_filter: str, *attrs: str
) -> list[dict[str, list[str]]]:
    """Entries found by the ldap-utils ``ldapsearch`` as the admin (independent of the library)."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", base, search_filter, *attrs,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=False)
    assert done.returncode in (0, 32), done.stderr
    entries: list[dict[str, list[str]]] = []
    for block in done.stdout.strip().split("\n\n"):
        if not block.strip():
            continue
        entry: dict[str, list[str]] = {}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            entry.setdefault(name.rstrip(":").lower(), []).append(value)
        entries.append(entry)
    return entries


def write_count(server: OpenLDAPServer) -> int:
    """How many writes the accesslog holds."""
    return len(ldapsearch(server, server.accesslog_dn, "(objectClass=auditWriteObject)", "1.1"))


def make_config(server: OpenLDAPServer, **deprovisioning: Any) -> ConnectorConfig:
    """The seed's POSIX example against the test server."""
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["deprovisioning"].update(deprovisioning)
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


@attrs.define
class Scenario:
    """The server, the link store and the current source records."""

    server: OpenLDAPServer
    store: SqliteLinkStore
    records: list[dict[str, Any]]
    first: ExportReport

    def export(self, **options: Any) -> ExportReport:
        """Export the current records with the default configuration."""
        config = options.pop("config", None) or make_config(self.server)
        with Connector(config, store=self.store) as connector:
            return connector.export(self.records, **options)


@pytest.fixture(name="scenario", scope="module")
def fixture_scenario() -> Iterator[Scenario]:
    """A slapd of its own with 1,000 users exported from the generated source."""
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        records = users(USERS)
        with Connector(make_config(server), store=store) as connector:
            first = connector.export(records)
        yield Scenario(server=server, store=store, records=records, first=first)


def test_first_run_creates_every_user_with_the_mapped_attributes(scenario: Scenario) -> None:
    """All 1,000 users are created, and ldapsearch finds each with the mapped values."""
    assert scenario.first.summary["created"] == USERS, scenario.first.failed[:3]
    found = ldapsearch(
        scenario.server, scenario.server.people_dn, "(objectClass=posixAccount)",
        "objectClass", "cn", "sn", "mail", "uid", "uidNumber", "gidNumber", "homeDirectory",
    )  # fmt: skip
    by_uid = {entry["uid"][0]: entry for entry in found}
    assert len(by_uid) == USERS
    for index in (0, 1, 517, USERS - 1):
        record = scenario.records[index]
        login = record["userPrincipalName"].split("@")[0]
        entry = by_uid[login]
        assert entry["dn"][0].lower() == f"cn={login},{scenario.server.people_dn}"
        assert set(entry["objectclass"]) == {"inetOrgPerson", "posixAccount", "shadowAccount"}
        assert set(entry["cn"]) == {record["displayName"], login}
        assert entry["sn"] == [record["surname"]]
        assert entry["mail"] == [record["mail"]]
        assert entry["uidnumber"] == [str(FIRST_UID_NUMBER + index)]
        assert entry["gidnumber"] == ["10000"]
        assert entry["homedirectory"] == [f"/home/{login}"]
    assert scenario.store.count(LinkState.ACTIVE) == USERS
    assert {r.anchor.kind for r in scenario.first.results if r.anchor} == {AnchorKind.ENTRY_UUID}


def test_second_identical_run_is_unchanged_with_zero_writes(scenario: Scenario) -> None:
    """Exporting the same records again changes nothing: no write reaches the accesslog."""
    before = write_count(scenario.server)
    report = scenario.export()
    assert report.summary["unchanged"] == USERS
    assert write_count(scenario.server) == before


def test_plan_writes_nothing_and_shows_the_operations(scenario: Scenario) -> None:
    """A plan of new and changed users reports them with LDIF and writes nothing."""
    before = write_count(scenario.server)
    records = [{**scenario.records[5], "displayName": "Planned Name"}, *users(USERS + 3)[USERS:]]
    with Connector(make_config(scenario.server), store=scenario.store) as connector:
        report = connector.plan(records)
    assert report.planned
    assert [r.outcome for r in report.results] == [ExportOutcome.UPDATED] + [
        ExportOutcome.CREATED
    ] * 3
    assert "cn: Planned Name" in report.ldif()
    assert "changetype: add" in report.to_json_dict()["ldif"]  # type: ignore[operator]
    assert write_count(scenario.server) == before
    assert scenario.store.get_by_source(records[1]["id"]) is None


def _modifications_since(server: OpenLDAPServer, dns: list[str]) -> list[dict[str, list[str]]]:
    parts = "".join(f"(reqDN={dn})" for dn in dns)
    return ldapsearch(
        server, server.accesslog_dn, f"(&(objectClass=auditModify)(|{parts}))", "reqMod", "reqDN"
    )


def test_display_name_changes_update_only_cn(scenario: Scenario) -> None:
    """Ten displayName changes make ten modifies whose only user attribute is cn."""
    changed = range(10, 20)
    for index in changed:
        scenario.records[index]["displayName"] = f"Renamed Person {index}"
    before = write_count(scenario.server)
    report = scenario.export()
    assert report.summary["updated"] == 10
    assert report.summary["unchanged"] == USERS - 10
    assert write_count(scenario.server) == before + 10
    dns = [r.dn or "" for r in report.results if r.outcome is ExportOutcome.UPDATED]
    logged = _modifications_since(scenario.server, dns)
    touched = {
        line.split(":")[0].lower()
        for entry in logged
        for line in entry.get("reqmod", [])
        if line.split(":")[0].lower() not in {"modifiersname", "modifytimestamp", "entrycsn"}
    }
    assert touched == {"cn"}
    found = ldapsearch(scenario.server, dns[0], "(objectClass=*)", "cn")
    assert "Renamed Person 10" in found[0]["cn"]


def test_upn_change_renames_and_keeps_the_anchor(scenario: Scenario) -> None:
    """A new userPrincipalName renames the entry (modify DN) and the anchor stays the same."""
    record = scenario.records[30]
    link = scenario.store.get_by_source(record["id"])
    assert link is not None
    record["userPrincipalName"] = "new.login@contoso.lab"
    report = scenario.export()
    (result,) = [r for r in report.results if r.id == record["id"]]
    assert result.outcome is ExportOutcome.RENAMED
    assert (result.dn or "").lower() == f"cn=new.login,{scenario.server.people_dn}"
    assert result.anchor == link.anchor
    after = scenario.store.get_by_source(record["id"])
    assert after is not None
    assert after.dn == result.dn
    assert after.anchor == link.anchor
    assert ldapsearch(scenario.server, scenario.server.people_dn, "(uid=new.login)", "1.1")


def test_soft_delete_with_vendor_flow_locks_and_reenables(scenario: Scenario) -> None:
    """isSoftDeleted sets the ppolicy lock; false again removes it."""
    record = scenario.records[40]
    record["isSoftDeleted"] = True
    report = scenario.export()
    (result,) = [r for r in report.results if r.id == record["id"]]
    assert result.outcome is ExportOutcome.DISABLED
    dn = result.dn or ""
    assert ldapsearch(scenario.server, dn, "(objectClass=*)", "pwdAccountLockedTime")[0][
        "pwdaccountlockedtime"
    ] == ["000001010000Z"]
    record["isSoftDeleted"] = False
    report = scenario.export()
    (result,) = [r for r in report.results if r.id == record["id"]]
    assert result.outcome is ExportOutcome.ENABLED
    assert (
        "pwdaccountlockedtime"
        not in ldapsearch(scenario.server, dn, "(objectClass=*)", "pwdAccountLockedTime")[0]
    )


def test_soft_delete_with_set_attribute(scenario: Scenario) -> None:
    """A set_attribute disable flow writes the boolean TRUE, once."""
    config = make_config(scenario.server, disable={"set_attribute": "pwdReset", "value": True})
    record = scenario.records[41]
    record["isSoftDeleted"] = True
    report = scenario.export(config=config)
    (result,) = [r for r in report.results if r.id == record["id"]]
    assert result.outcome is ExportOutcome.DISABLED
    entry = ldapsearch(scenario.server, result.dn or "", "(objectClass=*)", "pwdReset")[0]
    assert entry["pwdreset"] == ["TRUE"]
    again = scenario.export(config=config)
    assert [r.outcome for r in again.results if r.id == record["id"]] == [ExportOutcome.UNCHANGED]
    record["isSoftDeleted"] = False
    scenario.export(config=config)


def test_delete_and_already_missing(scenario: Scenario) -> None:
    """@deleted deletes the entry; deleting it again (already missing) is not a failure."""
    record = scenario.records[50]
    record["@deleted"] = True
    report = scenario.export()
    (result,) = [r for r in report.results if r.id == record["id"]]
    assert result.outcome is ExportOutcome.DELETED
    login = record["userPrincipalName"].split("@")[0]
    assert ldapsearch(scenario.server, scenario.server.people_dn, f"(uid={login})", "1.1") == []
    again = scenario.export()
    assert [r.outcome for r in again.results if r.id == record["id"]] == [ExportOutcome.UNCHANGED]
    assert again.ok


def test_prune_above_max_deletes_is_refused(scenario: Scenario) -> None:
    """Pruning 900 users with max_deletes 100 deletes nothing and fails the run clearly."""
    before = write_count(scenario.server)
    kept = scenario.records[:100]
    with Connector(make_config(scenario.server), store=scenario.store) as connector:
        report = connector.export(kept, prune=True)
    assert report.error is not None
    assert "refusing to delete" in report.error
    assert not report.ok
    assert write_count(scenario.server) == before
    assert {r.outcome for r in report.results} == {ExportOutcome.SKIPPED}


def test_prune_within_the_limit_deletes_missing_users(scenario: Scenario) -> None:
    """With --prune, linked users missing from the input go through the delete flow."""
    missing = scenario.records[-3:]
    with Connector(make_config(scenario.server), store=scenario.store) as connector:
        report = connector.export(scenario.records[:-3], prune=True)
    pruned = [r for r in report.results if r.id in {m["id"] for m in missing}]
    assert [r.outcome for r in pruned] == [ExportOutcome.DELETED] * 3
    for record in missing:
        link = scenario.store.get_by_source(record["id"])
        assert link is not None
        assert link.state is LinkState.DELETED
