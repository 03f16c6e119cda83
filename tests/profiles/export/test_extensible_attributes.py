"""``include_extensible_attributes``: attributes outside the classes, extensibleObject added."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles import ExportOutcome
from ldapconnector.profiles.export._extensible import extensible_problem
from ldapconnector.schema import Schema, SchemaOptions
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

SCHEMAS = Path(__file__).parents[2] / "data" / "schema"


def _config(server: OpenLDAPServer, *, extensible: bool) -> ConnectorConfig:
    data: dict[str, Any] = posix_example(
        server.connectivity(security="ldaps"), people_dn=server.people_dn
    )
    data["global"] = {"include_extensible_attributes": extensible}
    # ipHost's attribute: none of inetOrgPerson, posixAccount, shadowAccount allows it.
    data["mappings"].append({"type": "direct", "source": "workstation", "target": "ipHostNumber"})
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _held(server: OpenLDAPServer, dn: str) -> dict[str, list[str]]:
    argv = ["ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
            "-D", server.admin_dn, "-w", server.admin_password, "-s", "base", "-b", dn,
            "(objectClass=*)", "objectClass", "ipHostNumber"]  # fmt: skip
    out = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    found: dict[str, list[str]] = {}
    for line in out.stdout.splitlines()[1:]:
        name, _, value = line.partition(": ")
        found.setdefault(name, []).append(value)
    return found


@pytest.mark.integration
@pytest.mark.openldap
def test_an_attribute_outside_the_classes_is_written_with_extensible_object(
    openldap_server: OpenLDAPServer,
) -> None:
    """Created with extensibleObject where needed; without one, no class is added."""
    with Connector(_config(openldap_server, extensible=True)) as connector:
        report = connector.export(
            [user_record(640) | {"workstation": "10.0.0.40"}, user_record(641)]
        )
    needing, plain = report.results
    assert (needing.outcome, needing.error) == (ExportOutcome.CREATED, None)
    assert needing.dn is not None
    held = _held(openldap_server, needing.dn)
    assert "extensibleObject" in held["objectClass"]
    assert held["ipHostNumber"] == ["10.0.0.40"]
    assert plain.outcome is ExportOutcome.CREATED
    assert plain.dn is not None
    assert "extensibleObject" not in _held(openldap_server, plain.dn)["objectClass"]


@pytest.mark.integration
@pytest.mark.openldap
def test_an_update_adds_extensible_object_with_the_new_attribute(
    openldap_server: OpenLDAPServer,
) -> None:
    """A user created without the attribute gets the class and the value in one modify."""
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(_config(openldap_server, extensible=True), store=store) as connector,
    ):
        connector.export([user_record(642)])
        result = connector.export([user_record(642) | {"workstation": "10.0.0.42"}]).results[0]
    assert (result.outcome, result.error) == (ExportOutcome.UPDATED, None)
    assert result.dn is not None
    held = _held(openldap_server, result.dn)
    assert "extensibleObject" in held["objectClass"]
    assert held["ipHostNumber"] == ["10.0.0.42"]


@pytest.mark.integration
@pytest.mark.openldap
def test_without_the_option_the_mapping_is_refused_at_start(
    openldap_server: OpenLDAPServer,
) -> None:
    """The option off: a mapping to an attribute no class allows is a configuration error."""
    with (
        Connector(_config(openldap_server, extensible=False)) as connector,
        pytest.raises(ConfigurationError, match="ipHostNumber"),
    ):
        connector.plan([user_record(643)])


def test_a_schema_without_extensible_object_refuses_the_option() -> None:
    """Active Directory has no extensibleObject: the option is refused, naming the key."""
    raw = load_subschema_file(SCHEMAS / "ad-2012r2-subschema.json")
    ad = Schema.from_subschema(raw, options=SchemaOptions(include_extensible=True))
    problem = extensible_problem(ad)
    assert problem is not None
    assert problem.startswith("global.include_extensible_attributes: ")
    off = Schema.from_subschema(raw)
    assert extensible_problem(off) is None
