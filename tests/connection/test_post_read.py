"""Add with the Post-Read control (RFC 4527): the server-made anchor in the same round trip."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ldapconnector.connection import open_connection

pytestmark = pytest.mark.integration

ANCHOR = {"openldap": "entryUUID", "ds389": "entryUUID", "samba": "objectGUID"}


def test_add_reads_back_what_the_server_made(directory_server: Any) -> None:
    """Servers with Post-Read return the new entry's anchor; the others return None."""
    name = f"pr-{uuid.uuid4().hex[:8]}"
    dn = directory_server.person_dn(name)
    attributes: dict[str, Any] = {"objectClass": "inetOrgPerson", "cn": name, "sn": "Read"}
    if directory_server.kind == "samba":
        attributes = {"objectClass": "user", "cn": name, "sAMAccountName": name}
    else:
        attributes["uid"] = name
    anchor = ANCHOR[directory_server.kind]
    settings = directory_server.server.connectivity_config(security="ldaps")
    with open_connection(settings) as conn:
        root = conn.read_root_dse(("supportedControl",))
        offered = "1.3.6.1.1.13.2" in root.texts("supportedControl")
        before = conn.requests_sent
        made = conn.add(dn, attributes, read_back=(anchor,))
        assert conn.requests_sent - before == 1
        stored = conn.read_entry(dn, (anchor,))
        conn.delete(dn)
    assert stored is not None
    if offered:
        assert made is not None
        assert made.dn == dn
        assert made.get(anchor) == stored.get(anchor)
    else:
        assert made is None
