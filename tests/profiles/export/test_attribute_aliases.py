"""``attribute_aliases``: a mapping to userCertificate is sent as userCertificate;binary."""

from __future__ import annotations

import base64
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.mapping import DesiredEntry
from ldapconnector.profiles import ExportOutcome
from ldapconnector.profiles.export._aliases import with_aliases
from ldapconnector.schema import Schema, SchemaOptions
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

SCHEMAS = Path(__file__).parents[2] / "data" / "schema"


def _der(pem_file: str | Path | None) -> bytes:
    """A real X.509 certificate the test server made (its CA's, a client's), as DER."""
    assert pem_file is not None
    return ssl.PEM_cert_to_DER_cert(Path(pem_file).read_text(encoding="ascii"))


def _config(server: OpenLDAPServer, aliases: list[str]) -> ConnectorConfig:
    data: dict[str, Any] = posix_example(
        server.connectivity(security="ldaps"), people_dn=server.people_dn
    )
    data["global"] = {"attribute_aliases": aliases}
    data["mappings"].append({"type": "direct", "source": "cert", "target": "userCertificate"})
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _record(index: int, der: bytes) -> dict[str, Any]:
    return user_record(index) | {"cert": {"base64": base64.b64encode(der).decode("ascii")}}


def _certificates(server: OpenLDAPServer, dn: str) -> list[bytes]:
    """The entry's certificates as ``ldapsearch -LLL`` prints them (base64), decoded."""
    argv = ["ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
            "-D", server.admin_dn, "-w", server.admin_password, "-s", "base", "-b", dn,
            "(objectClass=*)", "userCertificate;binary"]  # fmt: skip
    out = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    prefix = "userCertificate;binary:: "
    return [base64.b64decode(line[len(prefix) :]) for line in out.stdout.splitlines()
            if line.startswith(prefix)]  # fmt: skip


@pytest.mark.integration
@pytest.mark.openldap
def test_the_alias_sends_and_reads_back_the_certificate(openldap_server: OpenLDAPServer) -> None:
    """Created as userCertificate;binary, unchanged on the next run, replaced when it changes."""
    first, second = _der(openldap_server.ca_file), _der(openldap_server.client_cert_file)
    assert first != second
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(_config(openldap_server, ["userCertificate;binary"]), store=store) as connector,
    ):
        created = connector.export([_record(650, first)]).results[0]
        again = connector.export([_record(650, first)]).results[0]
        renewed = connector.export([_record(650, second)]).results[0]
    assert (created.outcome, created.error) == (ExportOutcome.CREATED, None)
    assert created.dn is not None
    assert "userCertificate;binary" in created.operations[0].to_ldif()
    assert again.outcome is ExportOutcome.UNCHANGED
    assert (renewed.outcome, renewed.error) == (ExportOutcome.UPDATED, None)
    assert _certificates(openldap_server, created.dn) == [second]


@pytest.mark.integration
@pytest.mark.openldap
def test_without_the_alias_slapd_refuses_the_certificate(openldap_server: OpenLDAPServer) -> None:
    """The reason the alias exists: a plain userCertificate add is refused by OpenLDAP."""
    with Connector(_config(openldap_server, [])) as connector:
        result = connector.export([_record(651, _der(openldap_server.ca_file))]).results[0]
    assert result.outcome is ExportOutcome.FAILED
    assert "requires ;binary transfer" in str(result.error)


def test_with_aliases_renames_values_cleared_and_redacted_names() -> None:
    """Pure: values, cleared and redacted names take the alias; other names stay as given."""
    raw = load_subschema_file(SCHEMAS / "openldap-2.5-subschema.ldif")
    aliased = Schema.from_subschema(
        raw, options=SchemaOptions(binary_aliases=frozenset({"userCertificate;binary"}))
    )
    desired = DesiredEntry(
        source_id="1", dn="cn=a,dc=x", object_classes=("inetOrgPerson",),
        attributes={"usercertificate": (b"\x30\x00",), "cn": ("a",)},
        cleared={"userCertificate"}, redacted={"userCertificate"},
    )  # fmt: skip
    shaped = with_aliases(desired, aliased)
    assert dict(shaped.attributes) == {"userCertificate;binary": (b"\x30\x00",), "cn": ("a",)}
    assert shaped.cleared == {"userCertificate;binary"}
    assert shaped.is_redacted("userCertificate;binary")
    assert with_aliases(desired, Schema.from_subschema(raw)) is desired
