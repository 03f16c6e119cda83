"""Correlation, uniqueness, missing parents, passwords and lost connections on a real slapd."""

from __future__ import annotations

import subprocess
from typing import Any

import attrs
import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome, export_request, run_export
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _config(server: OpenLDAPServer, *extra: dict[str, Any], people: str = "") -> ConnectorConfig:
    data = posix_example(
        server.connectivity(security="ldaps"), people_dn=people or server.people_dn
    )
    data["mappings"].extend(extra)
    data["object_type"]["containers"] = [people or server.people_dn]
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _existing(server: OpenLDAPServer, uid: str, mail: str) -> str:
    return (
        f"dn: uid={uid},{server.people_dn}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
        f"cn: {uid}\nsn: Old\nmail: {mail}\n\n"
    )


def _ldap_count(server: OpenLDAPServer, search_filter: str) -> int:
    argv = [
        "ldapsearch", "-LLL", "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
        "-w", server.admin_password, "-b", server.people_dn, search_filter, "1.1",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    return done.stdout.count("dn: ")


def _posix(server: type[OpenLDAPServer], record: dict[str, Any]) -> str:
    login = record["userPrincipalName"].split("@")[0]
    return (
        f"dn: cn={login},{server.people_dn}\nobjectClass: inetOrgPerson\n"
        f"objectClass: posixAccount\nobjectClass: shadowAccount\nuid: {login}\ncn: {login}\n"
        f"sn: Old\nmail: {record['mail'].upper()}\nuidNumber: 5\ngidNumber: 5\n"
        f"homeDirectory: /home/{login}\n\n"
    )


@pytest.mark.parametrize("snapshot", [False, True])
def test_existing_users_are_joined_not_duplicated(snapshot: bool) -> None:
    """Users that exist with the same mail are joined (linked and updated), never re-created."""
    records = [user_record(i) for i in range(3)]
    seed = "".join(_posix(OpenLDAPServer, r) for r in records)
    with OpenLDAPServer(seed_ldif=seed) as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server), store=store) as connector:
            report = run_export(export_request(connector), records, snapshot=snapshot)
        assert [r.outcome for r in report.results] == [ExportOutcome.JOINED] * 3
        assert _ldap_count(server, "(objectClass=inetOrgPerson)") == 3
        assert _ldap_count(server, f"(sn={records[0]['surname']})") == 3
        assert _ldap_count(server, "(uidNumber=5)") == 3  # create-only: left as it was
        link = store.get_by_source(records[0]["id"])
        assert link is not None
        assert link.dn == report.results[0].dn


def test_two_matches_fail_as_ambiguous_and_write_nothing() -> None:
    """A record whose mail two entries carry fails as ambiguous; the others go on."""
    records = [user_record(0), user_record(1)]
    mail = records[0]["mail"]
    seed = _existing(OpenLDAPServer, "twin1", mail) + _existing(OpenLDAPServer, "twin2", mail)
    with OpenLDAPServer(seed_ldif=seed) as server:
        with Connector(_config(server)) as connector:
            report = connector.export(records)
        first, second = report.results
        assert first.outcome is ExportOutcome.FAILED
        assert first.error is not None
        assert "ambiguous: 2 entries match on mail" in first.error
        assert second.outcome is ExportOutcome.CREATED
        assert _ldap_count(server, "(sn=Old)") == 2


def test_missing_parent_is_named_and_schema_problems_listed() -> None:
    """A DN under a missing OU fails naming the parent; a schema problem lists every problem."""
    with OpenLDAPServer() as server:
        config = _config(server, people=f"ou=nowhere,{server.base_dn}")
        with Connector(config) as connector:
            report = connector.export([user_record(0), {**user_record(1), "surname": None}])
        missing, invalid = report.results
    assert missing.outcome is ExportOutcome.FAILED
    assert f"parent container ou=nowhere,{server.base_dn}" in (missing.error or "")
    assert "never created implicitly" in (missing.error or "")
    assert invalid.outcome is ExportOutcome.FAILED
    assert "'sn' is required" in (invalid.error or "")


def test_select_unique_value_asks_the_directory() -> None:
    """SelectUniqueValue skips a uid another entry holds and one claimed earlier in the run."""
    unique = {
        "type": "expression",
        "target": "description",
        "expression": 'SelectUniqueValue("taken", [surname], Join("", [surname], "2"))',
    }
    seed = (
        f"dn: uid=x,{OpenLDAPServer.people_dn}\nobjectClass: inetOrgPerson\nuid: x\ncn: x\n"
        "sn: x\ndescription: taken\n\n"
    )
    records = [{**user_record(i), "surname": "Same"} for i in range(3)]
    with OpenLDAPServer(seed_ldif=seed) as server, Connector(_config(server, unique)) as connector:
        report = connector.plan(records)
    values = [
        line.split(": ", 1)[1]
        for line in report.ldif().splitlines()
        if line.startswith("description: ")
    ]
    assert values == ["Same", "Same2"]
    assert report.results[2].outcome is ExportOutcome.FAILED


def test_initial_password_is_random_and_sent_after_the_add() -> None:
    """A password mapping sets a random password after the add, never the source's own."""
    mapping = {"type": "direct", "source": "password", "target": "userPassword"}
    record = {**user_record(0), "password": "Source-Secret-1"}
    with OpenLDAPServer() as server:
        with Connector(_config(server, mapping)) as connector:
            report = connector.export([record])
        (result,) = report.results
        assert result.outcome is ExportOutcome.CREATED
        assert "Source-Secret-1" not in repr(report) + report.ldif()
        bind = [
            "ldapwhoami", "-x", "-ZZ", "-H", server.ldap_uri, "-D", result.dn or "",
            "-w", "Source-Secret-1",
        ]  # fmt: skip
        done = subprocess.run(bind, env=server.tool_env(), capture_output=True, check=False)
        assert done.returncode == 49
        assert _ldap_count(server, "(userPassword=*)") == 1


class _Flaky:
    """A connector whose connection drops once, after the first add was sent."""

    def __init__(self, connector: Connector) -> None:
        self._connector = connector
        self.dropped = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connector, name)

    @property
    def connection(self) -> Any:
        real = self._connector.connection
        if self.dropped:
            return real
        flaky = self

        class Dropping:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def add(self, dn: str, attributes: Any, **options: Any) -> None:
                real.add(dn, attributes, **options)
                flaky.dropped = True
                from ldapconnector.errors import TransportError

                raise TransportError("reply lost", host="test")

        return Dropping()


def test_add_retried_after_a_lost_reply_is_not_duplicated() -> None:
    """An add whose reply was lost is exported again and found as the same entry."""
    records = [user_record(0), user_record(1)]
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server), store=store) as connector:
            flaky = _Flaky(connector)
            # The sequential path: its adds are the connection's ``add``.
            request = attrs.evolve(export_request(flaky), write_window=1)
            report = run_export(request, records, snapshot=False)
        assert flaky.dropped
        assert report.ok, report.failed
        assert _ldap_count(server, "(objectClass=inetOrgPerson)") == 2
        assert store.count() == 2
