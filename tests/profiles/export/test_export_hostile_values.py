"""Hostile values on a real slapd: each is one record's failure, none joins or escapes."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import DN_TARGET, ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome, export_request, run_export
from ldapconnector.profiles.export._correlate import _candidates, _filter, _search_all
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

VICTIM = (
    f"dn: uid=victim,{OpenLDAPServer.people_dn}\nobjectClass: inetOrgPerson\nuid: victim\n"
    "cn: victim\nsn: Victim\nmail: victim@h.lab\n\n"
)


def _config(server: OpenLDAPServer, dn: str | None = None) -> ConnectorConfig:
    data: dict[str, Any] = posix_example(
        server.connectivity(security="ldaps"), people_dn=server.people_dn
    )
    if dn is not None:
        data["mappings"][0] = {"type": "expression", "target": DN_TARGET, "expression": dn}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _ldap_dns(server: OpenLDAPServer, search_filter: str) -> list[str]:
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.base_dn,
        search_filter, "1.1",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    return [line[4:] for line in done.stdout.splitlines() if line.startswith("dn: ")]


@pytest.mark.parametrize("snapshot", [False, True])
def test_a_nul_in_a_matching_value_never_joins_the_unmanaged_entry(snapshot: bool) -> None:
    """victim@h.lab\\x00x is refused before any search, by both correlation paths."""
    hostile = {**user_record(0), "mail": "victim@h.lab\x00x"}
    with OpenLDAPServer(seed_ldif=VICTIM) as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server), store=store) as connector:
            report = run_export(
                export_request(connector), [hostile, user_record(1)], snapshot=snapshot
            )
        refused, created = report.results
        assert refused.outcome is ExportOutcome.FAILED
        assert "matching attribute mail" in (refused.error or "")
        assert "NUL character" in (refused.error or "")
        assert "'victim@h.lab\\x00x'" in (refused.error or "")
        assert created.outcome is ExportOutcome.CREATED
        assert store.get_by_source(hostile["id"]) is None
        assert _ldap_dns(server, "(sn=Victim)") == [f"uid=victim,{server.people_dn}"]
        assert _ldap_dns(server, "(mail=victim@h.lab)") == [f"uid=victim,{server.people_dn}"]


def test_server_candidates_are_kept_only_when_the_snapshot_matcher_accepts_them() -> None:
    """OpenLDAP finds victim@h.lab for victim@h.lab\\x00x; the per-record path drops it."""
    with OpenLDAPServer(seed_ldif=VICTIM) as server, Connector(_config(server)) as connector:
        values = ("victim@h.lab\x00x",)
        search_filter = _filter("mail", values, "inetOrgPerson")
        bases = (server.people_dn,)
        quirk = _search_all(connector.connection, bases, search_filter, ("mail",))
        kept = _candidates(
            connector.connection, bases, connector.schema, "mail", values, "inetOrgPerson", ("*",)
        )
    assert [entry.dn for entry in quirk] == [f"uid=victim,{server.people_dn}"]
    assert kept == []


@pytest.mark.parametrize("snapshot", [False, True])
def test_a_lone_surrogate_fails_its_record_and_the_next_is_created(snapshot: bool) -> None:
    """'\\udcff' (json.loads of "\\\\udcff") in a mapped value is that record's failure only."""
    records = [{**user_record(0), "displayName": "bad \udcff"}, user_record(1)]
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server), store=store) as connector:
            report = run_export(export_request(connector), records, snapshot=snapshot)
        bad, good = report.results
        assert bad.outcome is ExportOutcome.FAILED
        assert "lone surrogate (U+DCFF)" in (bad.error or "")
        assert good.outcome is ExportOutcome.CREATED
        assert store.get_by_source(records[1]["id"]) is not None
        assert len(_ldap_dns(server, "(objectClass=posixAccount)")) == 1


@pytest.mark.parametrize(("bad_id", "reason"), [("u-\udcff", "lone surrogate"), ("u\x00x", "NUL")])
def test_an_id_the_store_cannot_hold_fails_only_its_record(bad_id: str, reason: str) -> None:
    """A surrogate or NUL in the record's id is refused for that record; the next is created."""
    records = [{**user_record(0), "id": bad_id}, user_record(1)]
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server), store=store) as connector:
            report = run_export(export_request(connector), records)
        bad, good = report.results
        assert bad.outcome is ExportOutcome.FAILED
        assert reason in (bad.error or "")
        assert good.outcome is ExportOutcome.CREATED
        assert len(_ldap_dns(server, "(objectClass=posixAccount)")) == 1


def test_a_dn_cannot_escape_its_container() -> None:
    """A login ending in a backslash makes CN=evil\\,ou=people,...: refused, nothing written."""
    with OpenLDAPServer() as server, Connector(_config(server)) as connector:
        report = connector.export(
            [{**user_record(0), "userPrincipalName": "evil\\@h.lab"}, user_record(1)]
        )
        escaped, created = report.results
        assert escaped.outcome is ExportOutcome.FAILED
        assert "is not one RDN directly under a configured container" in (escaped.error or "")
        assert repr(server.people_dn) in (escaped.error or "")
        assert created.outcome is ExportOutcome.CREATED
        assert _ldap_dns(server, "(cn=evil*)") == []


@pytest.mark.parametrize("login", [r"x\20", r"\09x", r"y\0d", r"z\0a"])
def test_outer_whitespace_in_an_rdn_is_refused_with_its_reason(login: str) -> None:
    """cn=x\\20, cn=\\09x and trailing CR/LF are refused naming the whitespace, not created."""
    dn = f'Join("", "cn=", [login], ",{OpenLDAPServer.people_dn}")'
    with OpenLDAPServer() as server, Connector(_config(server, dn)) as connector:
        (result,) = connector.export([{**user_record(0), "login": login}]).results
        assert result.outcome is ExportOutcome.FAILED
        assert "begins or ends with whitespace" in (result.error or "")
        assert _ldap_dns(server, "(objectClass=posixAccount)") == []


def test_a_raw_trailing_tab_is_refused_so_the_linked_dn_is_the_stored_one() -> None:
    """slapd strips a raw trailing tab (cn=tab\\t is stored as cn=tab): it is refused instead."""
    dn = f'Join("", "cn=", [login], ",{OpenLDAPServer.people_dn}")'
    records = [{**user_record(0), "login": "tab\t"}, {**user_record(1), "login": "plain"}]
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server, dn), store=store) as connector:
            tab, plain = connector.export(records).results
        assert tab.outcome is ExportOutcome.FAILED
        assert "'tab\\t'" in (tab.error or "")
        assert plain.outcome is ExportOutcome.CREATED
        link = store.get_by_source(records[1]["id"])
        assert link is not None
        assert _ldap_dns(server, "(objectClass=posixAccount)") == [link.dn]


def test_a_huge_bad_value_gives_a_short_message() -> None:
    """A 100 KB value with a NUL fails with a message of a few hundred characters."""
    record = {**user_record(0), "displayName": "x" * 102_400 + "\x00"}
    with OpenLDAPServer() as server, Connector(_config(server)) as connector:
        (result,) = connector.plan([record]).results
    assert result.outcome is ExportOutcome.FAILED
    assert "… (102401 characters)" in (result.error or "")
    assert len(result.error or "") < 1000
