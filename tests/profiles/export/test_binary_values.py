"""Binary values round trip through JSON Lines: import's ``{"base64": ...}`` exports as bytes."""

from __future__ import annotations

import base64
import json
import subprocess
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.cli._import import object_line
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.mapping import to_ldap_values
from ldapconnector.profiles import ExportOutcome
from ldapconnector.schema import ValueType, check_value
from ldapconnector.testing import OpenLDAPServer

# A JPEG start-of-image marker, then every byte value: not UTF-8, NULs included.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 3
JPEG_SYNTAX = "1.3.6.1.4.1.1466.115.121.1.28"


def _ldap_tool(server: OpenLDAPServer, tool: str, *args: str, ldif: str = "") -> str:
    """Run an ldap-utils tool as the admin over StartTLS (independent of the library)."""
    argv = [tool, "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
            "-w", server.admin_password, *args]  # fmt: skip
    done = subprocess.run(
        argv, input=ldif, env=server.tool_env(), capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 32), done.stderr
    return done.stdout


def _photos(server: OpenLDAPServer, dn: str) -> list[bytes]:
    """The entry's jpegPhoto values as ``ldapsearch -LLL`` prints them (base64), decoded."""
    out = _ldap_tool(server, "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-s", "base", "-b", dn,
                     "(objectClass=*)", "jpegPhoto")  # fmt: skip
    prefix = "jpegPhoto:: "
    return [
        base64.b64decode(line[len(prefix) :])
        for line in out.splitlines()
        if line.startswith(prefix)
    ]


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["mappings"].append({"type": "direct", "source": "jpegPhoto", "target": "jpegPhoto"})
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _imported_line(server: OpenLDAPServer, dn: str) -> dict[str, Any]:
    """The JSON Lines object ``ldapconnector import --output`` writes for ``dn``."""
    with Connector(_config(server)) as connector:
        lines = [json.loads(object_line(obj)) for obj in connector.full_import()]
    found = [line for line in lines if line["dn"].lower() == dn.lower()]
    assert len(found) == 1, [line["dn"] for line in lines]
    return found[0]


@pytest.mark.integration
@pytest.mark.openldap
def test_an_imported_photo_exports_to_another_entry_byte_for_byte(
    openldap_server: OpenLDAPServer,
) -> None:
    """Import writes the photo as {"base64": ...}; exporting that shape writes the same bytes."""
    server = openldap_server
    source_dn = f"cn=photo source,{server.people_dn}"
    encoded = base64.b64encode(PHOTO).decode("ascii")
    _ldap_tool(server, "ldapadd", ldif=(
        f"dn: {source_dn}\nobjectClass: inetOrgPerson\ncn: photo source\nsn: Source\n"
        f"jpegPhoto:: {encoded}\n"
    ))  # fmt: skip
    imported = _imported_line(server, source_dn)
    assert imported["attributes"]["jpegPhoto"] == [{"base64": encoded}]

    record = user_record(610) | {"jpegPhoto": imported["attributes"]["jpegPhoto"]}
    with Connector(_config(server)) as connector:
        report = connector.export([record])
        again = connector.export([record])
    result = report.results[0]
    assert (result.outcome, result.error) == (ExportOutcome.CREATED, None)
    assert result.dn is not None
    assert _photos(server, result.dn) == [PHOTO]
    # The bytes compare equal to what the server holds: nothing to write the second time.
    assert [r.outcome for r in again.results] == [ExportOutcome.UNCHANGED]


@pytest.mark.integration
@pytest.mark.openldap
def test_text_for_a_binary_attribute_fails_that_record_only(
    openldap_server: OpenLDAPServer,
) -> None:
    """Plain base64 text for jpegPhoto is refused naming the attribute; the next record goes on."""
    text = user_record(611) | {"jpegPhoto": base64.b64encode(PHOTO).decode("ascii")}
    good = user_record(612) | {"jpegPhoto": {"base64": base64.b64encode(PHOTO).decode("ascii")}}
    with Connector(_config(openldap_server)) as connector:
        report = connector.export([text, good])
    bad, fine = report.results
    assert bad.outcome is ExportOutcome.FAILED
    assert bad.error is not None
    assert "attribute 'jpegPhoto' is text, but the JPEG syntax holds binary data" in bad.error
    assert '{"base64": "..."}' in bad.error
    assert fine.outcome is ExportOutcome.CREATED
    assert fine.dn is not None
    assert _photos(openldap_server, fine.dn) == [PHOTO]
    assert bad.dn is not None
    assert _ldap_tool(openldap_server, "ldapsearch", "-LLL", "-b", bad.dn, "1.1") == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"base64": "not base64!"}, "is not valid base64"),
        ({"base64": "AAAA", "extra": 1}, "got one with the keys 'base64', 'extra'"),
        ({"data": "AAAA"}, "got one with the keys 'data'"),
        ({"base64": 12}, 'must be {"base64": "<base64 text>"}'),
    ],
)
def test_a_malformed_binary_object_is_refused(value: object, message: str) -> None:
    """Only {"base64": "<valid base64>"} is a binary value; anything else says what it got."""
    with pytest.raises(TypeError, match=message):
        to_ldap_values(value)


def test_the_base64_shape_becomes_bytes() -> None:
    """{"base64": ...} decodes to its bytes, in lists too."""
    encoded = base64.b64encode(PHOTO).decode("ascii")
    assert to_ldap_values([{"base64": encoded}, {"base64": "AAE="}]) == (PHOTO, b"\x00\x01")


@pytest.mark.parametrize(
    ("syntax", "value", "refused"),
    [
        (JPEG_SYNTAX, "/9j/4AAQ", True),
        (JPEG_SYNTAX, b"\xff\xd8", False),
        ("1.3.6.1.4.1.1466.115.121.1.8", "MIIB", True),  # Certificate
        ("1.3.6.1.4.1.1466.115.121.1.40", "secret text", False),  # Octet String: userPassword
    ],
)
def test_text_is_refused_only_by_binary_only_syntaxes(
    syntax: str, value: object, refused: bool
) -> None:
    """JPEG and Certificate refuse str; Octet String (userPassword) keeps taking text."""
    reason = check_value(ValueType.BINARY, value, syntax)
    assert (reason is not None) == refused
