"""A downstream integration's suite: export, full import and delta import on a real slapd."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from ldapconnector import Connector, SqliteLinkStore

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def people_config(server):
    """Our integration's configuration, built for the throwaway server in one call."""
    return server.connector_config(
        object_type={"target": "inetOrgPerson", "containers": [server.people_dn]},
        run_profiles={"delta_import": True},
        mappings=[
            {
                "type": "expression",
                "target": "-dn-",
                "expression": f'Join("", "uid=", [login], ",{server.people_dn}")',
            },
            {"type": "direct", "source": "login", "target": "uid"},
            {"type": "direct", "source": "displayName", "target": "cn"},
            {"type": "direct", "source": "surname", "target": "sn"},
            {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
        ],
    )


def ldapsearch(server, search_filter, *attributes):
    """What the directory holds, read by the real ldapsearch, not by the library."""
    done = subprocess.run(
        ["ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
         "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
         search_filter, *attributes],
        env=server.tool_env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def person(login, display_name="Jane Doe"):
    return {
        "id": f"src-{login}",
        "login": login,
        "displayName": display_name,
        "surname": "Doe",
        "mail": f"{login}@contoso.lab",
    }


def test_export_creates_then_updates_a_user(openldap_server):
    login = f"ds-{uuid.uuid4().hex[:8]}"
    with Connector(people_config(openldap_server)) as connector:
        first = connector.export([person(login)])
        again = connector.export([person(login, "Jane Q. Doe")])
    assert [r.outcome.value for r in first.results] == ["created"]
    assert [r.outcome.value for r in again.results] == ["updated"]
    assert "cn: Jane Q. Doe" in ldapsearch(openldap_server, f"(uid={login})", "cn")


def test_full_import_reads_what_export_wrote(fresh_openldap_server):
    server = fresh_openldap_server
    logins = [f"fi-{n}" for n in range(3)]
    with Connector(people_config(server)) as connector:
        connector.export([person(login) for login in logins])
        result = connector.full_import()
        imported = {obj.attributes["uid"][0] for obj in result}
    assert set(logins) <= imported


def test_delta_import_reports_an_outside_change(fresh_openldap_server, tmp_path):
    server = fresh_openldap_server
    with SqliteLinkStore.open(tmp_path / "state.sqlite") as store:
        with Connector(people_config(server), store=store) as connector:
            connector.export([person("dl-1")])
            list(connector.full_import())
            assert connector.delta_import().baseline  # the first run sets the watermark
        subprocess.run(
            ["ldapmodify", "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
             "-w", server.admin_password],
            input=f"dn: uid=dl-1,{server.people_dn}\nchangetype: modify\n"
            "replace: sn\nsn: Changed\n",
            env=server.tool_env(), text=True, capture_output=True, check=True,
        )  # fmt: skip
        with Connector(people_config(server), store=store) as connector:
            changes = list(connector.delta_import().records())
    assert [change.dn for change in changes] == [f"uid=dl-1,{server.people_dn}"]
