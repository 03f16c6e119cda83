"""A joined entry lacking an auxiliary class gets its MUSTs from the create-only mappings."""

from __future__ import annotations

import subprocess

import pytest

from ldapconnector.cli._demo_data import FIRST_UID_NUMBER, posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _tool(server: OpenLDAPServer, tool: str, *args: str, ldif: str = "") -> str:
    argv = [tool, "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
            "-w", server.admin_password, *args]  # fmt: skip
    done = subprocess.run(
        argv, input=ldif, env=server.tool_env(), capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 32), done.stderr
    return done.stdout


def _unmanaged_person(server: OpenLDAPServer, index: int) -> str:
    """A plain inetOrgPerson someone else made, with the mail the record will match on."""
    mail = user_record(index)["mail"]
    login = mail.split("@")[0]  # where the DN mapping puts the user: no rename on the join
    dn = f"cn={login},{server.people_dn}"
    _tool(server, "ldapadd", ldif=(
        f"dn: {dn}\nobjectClass: inetOrgPerson\ncn: {login}\nsn: Before\nmail: {mail}\n"
    ))  # fmt: skip
    return dn


def _attributes(server: OpenLDAPServer, dn: str) -> dict[str, list[str]]:
    wanted = ("objectClass", "uidNumber", "gidNumber", "homeDirectory")
    out = _tool(server, "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-s", "base", "-b", dn,
                "(objectClass=*)", *wanted)  # fmt: skip
    found: dict[str, list[str]] = {}
    for line in out.splitlines()[1:]:
        name, _, value = line.partition(": ")
        found.setdefault(name, []).append(value)
    return found


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def test_a_joined_person_gets_posix_account_with_the_create_only_uid_number(
    openldap_server: OpenLDAPServer,
) -> None:
    """The join adds posixAccount/shadowAccount with uidNumber (create-only) in one modify."""
    dn = _unmanaged_person(openldap_server, 630)
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(_config(openldap_server), store=store) as connector,
    ):
        first = connector.export([user_record(630)]).results[0]
        second = connector.export([user_record(630)]).results[0]
    assert (first.outcome, first.error) == (ExportOutcome.JOINED, None)
    assert first.dn is not None
    assert first.dn.lower() == dn.lower()
    held = _attributes(openldap_server, dn)
    assert {"posixAccount", "shadowAccount"} <= set(held["objectClass"])
    assert held["uidNumber"] == [str(FIRST_UID_NUMBER + 630)]
    assert held["homeDirectory"] == ["/home/" + user_record(630)["userPrincipalName"].split("@")[0]]
    # Once the class is there, the create-only mapping is left alone again.
    assert second.outcome is ExportOutcome.UNCHANGED


def test_a_create_only_value_changed_later_is_not_sent_once_the_class_is_there(
    openldap_server: OpenLDAPServer,
) -> None:
    """After the adoption, a new employeeId does not touch uidNumber (create-only)."""
    dn = _unmanaged_person(openldap_server, 631)
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(_config(openldap_server), store=store) as connector,
    ):
        connector.export([user_record(631)])
        later = connector.export([user_record(631) | {"employeeId": 99999}]).results[0]
    assert later.outcome is ExportOutcome.UNCHANGED
    assert _attributes(openldap_server, dn)["uidNumber"] == [str(FIRST_UID_NUMBER + 631)]


def test_a_missing_create_only_value_fails_the_adoption_naming_it(
    openldap_server: OpenLDAPServer,
) -> None:
    """Without an employeeId the class cannot be added: the record fails, nothing is written."""
    dn = _unmanaged_person(openldap_server, 632)
    record = {k: v for k, v in user_record(632).items() if k != "employeeId"}
    with Connector(_config(openldap_server)) as connector:
        result = connector.export([record]).results[0]
    assert result.outcome is ExportOutcome.FAILED
    assert "attribute 'uidNumber' is required by posixAccount but has no value" in str(result.error)
    assert _attributes(openldap_server, dn)["objectClass"] == ["inetOrgPerson"]
