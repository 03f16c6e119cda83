"""The schemas of the three live servers: parsed through the Connector, counted, checked."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.detect import schema_attributes_to_request
from ldapconnector.schema import ValueType, WarningKind

pytestmark = pytest.mark.integration

SCHEMA_ATTRIBUTES = ("objectClasses", "attributeTypes", "ldapSyntaxes", "matchingRules")


def _connector(directory_server: Any) -> Connector:
    section = directory_server.server.connectivity(security="ldaps")
    config = ConnectorConfig.from_dict({"connectivity": section}, allow_literal_password=True)
    return Connector(config)


def test_live_schema_parses_completely(directory_server: Any) -> None:
    """Every definition the server publishes becomes one parsed definition."""
    with _connector(directory_server) as connector:
        schema = connector.schema
        raw = connector.connection.read_subschema(
            connector.server_info.subschema_dn, schema_attributes_to_request()
        )
    assert len(schema.object_classes) == len(raw.get("objectClasses")) > 50
    assert len(schema.attribute_types) == len(raw.get("attributeTypes")) > 200


def test_live_schema_warnings_are_the_known_quirks(directory_server: Any) -> None:
    """Each server's warnings are exactly its known quirks, traced to the raw definitions."""
    with _connector(directory_server) as connector:
        schema = connector.schema
        raw = connector.connection.read_subschema(
            connector.server_info.subschema_dn, schema_attributes_to_request()
        )
    kinds = {w.kind for w in schema.warnings}
    if directory_server.kind == "openldap":
        # slapd's built-in classes name attribute types it does not publish.
        assert kinds == {WarningKind.UNKNOWN_REFERENCE}
        assert len(schema.warnings) == 4
    elif directory_server.kind == "ds389":
        # 389 DS names its own definitions with "name-oid" instead of numeric OIDs.
        non_numeric = [v for v in raw.texts("objectClasses") + raw.texts("attributeTypes")
                       if re.match(r"\(\s*[A-Za-z][\w-]*-oid\b", v)]  # fmt: skip
        assert kinds == {WarningKind.NON_NUMERIC_OID}
        assert len(schema.warnings) == len(non_numeric) > 0
    else:
        # AD quotes the SYNTAX OID of every attribute type.
        quoted = [v for v in raw.texts("attributeTypes") if re.search(r"SYNTAX\s+'", v)]
        assert kinds == {WarningKind.QUOTED_OID}
        assert len(schema.warnings) == len(quoted) == len(raw.get("attributeTypes"))


@pytest.mark.openldap
def test_openldap_posix_example(openldap_server: Any) -> None:
    """The seed's POSIX example requires exactly the seven attributes on the live schema."""
    config = ConnectorConfig.from_dict(
        {"connectivity": openldap_server.connectivity(security="ldaps")},
        allow_literal_password=True,
    )
    with Connector(config) as connector:
        required = connector.schema.required_attributes(
            "inetOrgPerson", auxiliary=("posixAccount", "shadowAccount")
        )
    assert required == {
        "objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory",
    }  # fmt: skip


@pytest.mark.samba
def test_samba_user_class_and_guid(samba_ad_server: Any) -> None:
    """On Samba, user needs only what AD needs from a client; objectGUID is binary, read-only."""
    config = ConnectorConfig.from_dict(
        {"connectivity": samba_ad_server.connectivity(security="ldaps")},
        allow_literal_password=True,
    )
    with Connector(config) as connector:
        schema = connector.schema
        disable = connector.server_info.disable_method
    # sAMAccountName, objectCategory, nTSecurityDescriptor... are filled in by the server.
    assert schema.required_attributes("user") == {"objectClass", "cn"}
    guid = schema.attribute("objectGUID")
    assert guid is not None
    assert guid.value_type is ValueType.BINARY
    assert guid.single_value
    assert guid.no_user_modification
    # msDS-UserAccountDisabled is an AD LDS attribute: AD DS (and Samba) disable users
    # through userAccountControl, which detection recommends.
    assert schema.attribute("msDS-UserAccountDisabled") is None
    assert disable is not None
    assert disable.attribute == "userAccountControl"


@pytest.mark.openldap
def test_schema_command_reads_live(
    openldap_server: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``ldapconnector schema --config`` reads the live schema and lists the POSIX needs."""
    import json

    from ldapconnector.cli import main

    section = openldap_server.connectivity(security="ldaps")
    monkeypatch.setenv("SCHEMA_TEST_PASSWORD", section["password"])
    config = tmp_path / "connector.toml"
    config.write_text(
        f'[connectivity]\nhost = "{section["host"]}"\nport = {section["port"]}\n'
        f'security = "ldaps"\nuser = "{section["user"]}"\n'
        f'password_env = "SCHEMA_TEST_PASSWORD"\nca_file = "{section["ca_file"]}"\n',
        encoding="utf-8",
    )
    code = main(["schema", "--config", str(config), "--class", "inetOrgPerson",
                 "--aux", "posixAccount", "--aux", "shadowAccount", "--json"])  # fmt: skip
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    required = {row["name"] for row in report["required"]}
    assert required == {"objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory"}
    assert report["schema"].startswith("live")


@pytest.mark.openldap
def test_connector_reuses_the_subschema_detection_read(openldap_server: Any) -> None:
    """Detection's subschema read serves the schema too: no further round trip."""
    config = ConnectorConfig.from_dict(
        {"connectivity": openldap_server.connectivity(security="ldaps")},
        allow_literal_password=True,
    )
    with Connector(config) as connector:
        assert connector.server_info.subschema_dn
        before = connector.connection.requests_sent
        schema = connector.schema
        assert connector.connection.requests_sent == before
    assert schema.object_class("inetOrgPerson") is not None
