"""Connections and a scratch OU on a shared session server, for the delta-import tests.

A test module names its server with a ``server`` fixture (``ds389_server`` or
``samba_ad_server``); ``admin``, ``service`` and ``base`` below are built from it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ldapconnector.connection import LdapConnection, open_connection


@pytest.fixture(name="admin")
def fixture_admin(server: Any) -> Iterator[LdapConnection]:
    """A connection as the server's administrator: the "other account" making changes."""
    with open_connection(server.connectivity_config("ldaps", "simple", as_service=False)) as c:
        yield c


@pytest.fixture(name="service")
def fixture_service(server: Any) -> Iterator[LdapConnection]:
    """A connection as the connector's service account."""
    with open_connection(server.connectivity_config("ldaps", "simple")) as connection:
        yield connection


@pytest.fixture(name="base")
def fixture_base(server: Any, admin: LdapConnection) -> str:
    """An OU of the test's own under the people container, with a sub-OU to move into."""
    ou = server.people_dn.split("=", 1)[0]  # "OU" on Samba, "ou" elsewhere, as the server spells it
    name = f"d{uuid.uuid4().hex[:10]}"
    dn = f"{ou}={name},{server.people_dn}"
    admin.add(dn, {"objectClass": "organizationalUnit", "ou": name})
    admin.add(f"{ou}=sub,{dn}", {"objectClass": "organizationalUnit", "ou": "sub"})
    return dn
