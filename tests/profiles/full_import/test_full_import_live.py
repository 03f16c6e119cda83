"""Full import on a slapd of its own: streaming, progress and the size-limit error.

Renames, moves and anchors on all three servers are in ``test_full_import_matrix.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

BASE = "dc=contoso,dc=lab"
PEOPLE = f"ou=people,{BASE}"
USERS = 2000
IN_SUB_OU = 40
LIMITED_PASSWORD = "Limited-Pa55"


def _seed() -> str:
    parts = [
        f"dn: ou=sub,{PEOPLE}\nobjectClass: organizationalUnit\nou: sub\n\n",
        f"dn: ou=moved,{PEOPLE}\nobjectClass: organizationalUnit\nou: moved\n\n",
        f"dn: cn=staff,ou=groups,{BASE}\nobjectClass: groupOfNames\ncn: staff\n"
        f"member: uid=user00000,{PEOPLE}\n\n",
        f"dn: cn=printer,{PEOPLE}\nobjectClass: device\ncn: printer\n\n",
        f"dn: uid=limited,ou=groups,{BASE}\nobjectClass: account\n"
        f"objectClass: simpleSecurityObject\nuid: limited\nuserPassword: {LIMITED_PASSWORD}\n\n",
    ]
    for i in range(USERS):
        parent = f"ou=sub,{PEOPLE}" if i < IN_SUB_OU else PEOPLE
        parts.append(
            f"dn: uid=user{i:05d},{parent}\nobjectClass: inetOrgPerson\nuid: user{i:05d}\n"
            f"cn: User {i}\nsn: User\nmail: user{i:05d}@contoso.lab\n\n"
        )
    return "".join(parts)


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own with 2,000 users, a sub-OU, a group and a device."""
    with OpenLDAPServer(seed_ldif=_seed()) as server:
        yield server


def _config(server: OpenLDAPServer, **connectivity: Any) -> ConnectorConfig:
    section = {**server.connectivity(security="ldaps"), **connectivity}
    return ConnectorConfig.from_dict(
        {
            "connectivity": section,
            "object_type": {"target": "inetOrgPerson", "containers": [PEOPLE]},
            "mappings": [
                {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
                {"type": "direct", "source": "uid", "target": "-dn-"},
            ],
            "run_profiles": {"export": False},
        },
        allow_literal_password=True,
    )


@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
def test_collector_left_as_it_was_for_the_caller(server: OpenLDAPServer, enabled: bool) -> None:
    """The garbage collector, paused while a page is read, is as the caller had it between
    pages and after the import (on stays on, off stays off)."""
    states: set[bool] = set()
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with Connector(_config(server)) as connector:
            for _ in connector.full_import():
                states.add(gc.isenabled())
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert states == {enabled}
    assert after is enabled


def test_progress_and_streaming(server: OpenLDAPServer) -> None:
    """The progress callback sees every page, and objects stream in page-sized steps."""
    seen: list[int] = []
    with Connector(_config(server)) as connector:
        result = connector.full_import(progress=lambda p: seen.append(p.objects))
        first = next(iter(result))
        assert result.objects == 1000  # one page recorded before the first object is yielded
        result.drain()
    assert first.object_classes == ("inetOrgPerson",)
    assert seen == [1000, 2000]


def test_size_limited_account_gets_a_configuration_error(server: OpenLDAPServer) -> None:
    """An account held to slapd's default 500-entry limit gets a clear configuration error."""
    config = _config(
        server,
        user=f"uid=limited,ou=groups,{BASE}",
        password=LIMITED_PASSWORD,
    )
    with Connector(config) as connector, pytest.raises(ConfigurationError) as caught:
        connector.full_import().drain()
    assert "size limit" in str(caught.value)
    assert "uid=limited" in str(caught.value)
    assert LIMITED_PASSWORD not in str(caught.value)
